"""Hospital finance: the financial-health section of the inspection report (seed 003)."""
