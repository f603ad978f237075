"""Services: what people do with the system, each one path used by the CLI and the review app alike.

- :mod:`services.submission`: check workbooks together, and store them whole or not at all.
"""
