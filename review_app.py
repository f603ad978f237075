"""SMS Workbench review app: `streamlit run review_app.py` (or `sms serve`). The app is review/app.py.

Streamlit runs this file as ``__main__`` and leaves it there as ``sys.modules["__main__"]``; a worker
process (the reader's, importer/isolation.py) loads the parent's main module as ``__mp_main__`` when it
starts, and must not run the app, or import it, there.
"""

if __name__ == "__main__":
    from review.app import main

    main()
