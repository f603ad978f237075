"""Inspection-round reports: parameterised notebooks (notebooks/) over the store, run by ``sms report``.

- :mod:`reports.tables` computes every figure as a table from :mod:`store.queries`;
- :mod:`reports.show` and :mod:`reports.charts` display them in the notebooks;
- :mod:`reports.render` executes a notebook (papermill) and writes its HTML page and PDF;
- :mod:`reports.run` runs one province or all of them in worker processes.
"""
