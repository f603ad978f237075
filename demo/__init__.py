"""The demo: a realistic fiscal year of workbooks for every cost centre, with a few deliberate mistakes.

:func:`generate` builds, from the reference set alone, one fiscal year of a health region as frames;
:func:`write_demo` writes it as the workbooks units would submit. Split by what it generates:

- :mod:`demo.context`: the demo's year, random streams, money in satang, records to frames;
- :mod:`demo.themes`: the Thai words of a health office (kinds of project, names, payees, problems);
- :mod:`demo.allocations`, :mod:`demo.projects`, :mod:`demo.disbursements`, :mod:`demo.results`:
  seed 001's four steps for one cost centre, and :mod:`demo.cost_centres` runs them;
- :mod:`demo.gfmis`: finance's monthly GFMIS workbook; :mod:`demo.hospitals`: the hospitals' monthly
  finance (seed 003's inputs);
- :mod:`demo.mistakes`: copies of good workbooks with one deliberate mistake each, and their manifest;
- :mod:`demo.year`: :func:`generate` and :func:`write_demo`; :mod:`demo.accounts`: the sign-in accounts.

Everything honours the column rules of the spec and the budget rules B01–B14 of DOMAIN.md, except
what real data also shows: a few projects that leave money unplanned (B07), a couple of advances left
uncleared for more than 30 days (B10), cost centres whose GFMIS figures differ from SMS, and two or
three region-8 hospitals that recorded nothing in SMS at all (seed 000's rows of '-').
"""

from demo.mistakes import MISTAKES_DIR
from demo.year import DEMO_AS_OF, DEMO_FISCAL_YEAR, generate, write_demo

__all__ = ["DEMO_AS_OF", "DEMO_FISCAL_YEAR", "MISTAKES_DIR", "generate", "write_demo"]
