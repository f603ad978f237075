"""The demo: a realistic fiscal year of workbooks for every cost centre, with a few deliberate mistakes."""

from demo.generate import DEMO_AS_OF, DEMO_FISCAL_YEAR, MISTAKES_DIR, generate, write_demo

__all__ = ["DEMO_AS_OF", "DEMO_FISCAL_YEAR", "MISTAKES_DIR", "generate", "write_demo"]
