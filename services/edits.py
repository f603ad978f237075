"""Cell edits turned into a workbook: one way for the maker's editor and the checker's correction.

An edit overlays the cells the unit uploaded: each cell's value where it was read, the text as typed
where it was not (``importer.parse.ParsedSheet.cells``), so an unreadable value nobody touched stays as
typed, to be flagged again. An edited cell is written as the reader reads what was typed (the
normaliser: Thai digits, separators, ``(1,234.00)``): a number as a number; text it cannot read is
written as the text, to be flagged again (S05), never guessed and never a crash. The result is written
by the same workbook builder the templates come from, with the template's metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from domain.findings import display
from domain.text import canonical
from importer.normalise import normalise_column
from importer.parse import ParsedWorkbook
from reference.reference_set import ReferenceSet
from store.submissions import Edit
from templates.spec import Column
from templates.workbook import build_workbook

WRITTEN_AS_NUMBER = ("money", "number", "integer", "month", "quarter")  # a date stays BE text, read as typed


def read_cell(text: str, col: Column):
    """What the reader makes of ``text`` typed into ``col``: a float (money, number), an int (integer, month,
    quarter), a ``datetime.date``, or text; None for a blank or for text that is not of the column's type."""
    values, errors = normalise_column(pd.Series([text], dtype=object), col.type, col.choices)
    value = values.iloc[0]
    if errors.iloc[0] is not None or pd.isna(value):
        return None
    if col.type in ("integer", "month", "quarter"):
        return int(value)
    return float(value) if col.type in ("money", "number") else value


def as_read(text: str, col: Column) -> str:
    """An edit's text as the audit trail keeps it: the value the reader reads, written as a person types it
    ("1,000" in an amount is "1000", a date "21/11/2568"), or the text itself when it cannot be read (then
    it is flagged, and the trail says what was typed)."""
    text = canonical(text.strip())
    value = read_cell(text, col) if text else None
    return text if value is None else display(value)


def written(text: str, col: Column):
    """The cell value an edit writes: blank as None, a number column's readable text as its number; anything
    else as the text typed, which the reader reads (dates) or flags (unreadable numbers)."""
    if text == "":
        return None
    if col.type in WRITTEN_AS_NUMBER:
        value = read_cell(text, col)
        return text if value is None else value
    return text


def apply_edits(parsed: ParsedWorkbook, edits: Iterable[Edit]) -> dict[str, pd.DataFrame]:
    """Cells of every sheet (values, or the text typed where one did not parse) with the edits overlaid, by
    sheet key; rows in Excel order on a fresh index, as the workbook builder writes them from row 2."""
    sheets = {key: ps.cells() for key, ps in parsed.sheets.items()}
    for e in edits:
        col = parsed.sheets[e.sheet].sheet.column(e.column)
        sheets[e.sheet].at[e.row, e.column] = written(e.new, col)
    return {key: frame.reset_index(drop=True) for key, frame in sheets.items()}


def write_edited(parsed: ParsedWorkbook, edits: Iterable[Edit], reference: ReferenceSet, out: Path, *,
                 cost_center: str | None = None, fiscal_year: int | None = None) -> Path:
    """The workbook ``parsed`` with ``edits`` applied, written to ``out`` with the template's builder and
    metadata: the cost centre and fiscal year (BE) given, else those of the workbook's own ``_meta``."""
    meta = parsed.workbook.meta
    if fiscal_year is None and meta.get("fiscal_year", "").isdigit():
        fiscal_year = int(meta["fiscal_year"])
    return build_workbook(parsed.template, out, reference, fiscal_year=fiscal_year,
                          cost_center=cost_center or meta.get("cost_center") or None,
                          data=apply_edits(parsed, edits))
