"""Cell edits turned into a workbook: one way for the maker's editor and the checker's correction.

An edit overlays the cells the unit uploaded: each cell's value where it was read, the text as typed
where it was not (``importer.parse.ParsedSheet.cells``), so an unreadable value nobody touched stays as
typed, to be flagged again. An edited cell is written as the reader reads what was typed (the
normaliser: Thai digits, separators, ``(1,234.00)``): a number as a number; text it cannot read is
written as the text, to be flagged again (S05), never guessed and never a crash. The result is written
by the same workbook builder the templates come from, with the template's metadata.

Checking an edit again need not write and read the workbook: :func:`edited` applies the edits to the
workbook as parsed, as reading the rewritten file would parse it (the edited cells' text as the reader
gets it from the builder's cells, typed by the reader's own normaliser), and writes the file only where
that cannot be told exactly; :func:`write_parsed` writes it when the file itself is needed (a download,
a submission).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from domain.findings import Finding, column_letter, display
from domain.fiscal import month_label
from domain.text import canonical
from importer.normalise import normalise_column
from importer.parse import ParsedSheet, ParsedWorkbook, typed_column
from importer.reader import kept_rows
from reference.reference_set import ReferenceSet
from store.submissions import Edit
from templates.spec import Column
from templates.workbook import build_workbook, metadata

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
    return {key: frame.reset_index(drop=True) for key, frame in _overlaid(parsed, edits).items()}


def _overlaid(parsed: ParsedWorkbook, edits: Iterable[Edit]) -> dict[str, pd.DataFrame]:
    """:func:`apply_edits`'s cells, still indexed by the Excel row they were read from."""
    sheets = {key: ps.cells() for key, ps in parsed.sheets.items()}
    for e in edits:
        col = parsed.sheets[e.sheet].sheet.column(e.column)
        sheets[e.sheet].loc[e.row, e.column] = written(e.new, col)  # a row the sheet does not have is added
    return sheets


def renumbered(parsed: ParsedWorkbook, edits: Sequence[Edit]) -> list[Edit]:
    """``edits`` with the rows they have in :func:`write_edited`'s file of them, where the builder writes each
    sheet's rows from row 2 and the reader drops a row left blank (or made a total row): the rows of the workbook
    the next edits are made in. An edit of a row the reader drops goes with it."""
    rows = {}
    for key, frame in _overlaid(parsed, edits).items():
        kept = frame.index[kept_rows(_text_batch(frame, parsed.sheets[key].sheet.keys), list(range(frame.shape[1])))]
        rows[key] = {old: new for new, old in enumerate(kept, start=2)}
    return [replace(e, row=rows[e.sheet][e.row]) for e in edits if e.row in rows[e.sheet]]


def _text_batch(frame: pd.DataFrame, keys: list[str]) -> pa.RecordBatch:
    """A sheet's cells as the reader's text batch (``importer.reader.kept_rows`` judges its rows): None blank."""
    return pa.RecordBatch.from_pydict({k: pa.array([None if v is None or (not isinstance(v, str) and pd.isna(v))
                                                    else str(v) for v in frame[k]], pa.string()) for k in keys})


def _owner(parsed: ParsedWorkbook, cost_center: str | None, fiscal_year: int | None) -> tuple[str | None, int | None]:
    """The cost centre and fiscal year (BE) an edited workbook is written with: those given, else its ``_meta``'s."""
    meta = parsed.workbook.meta
    if fiscal_year is None and meta.get("fiscal_year", "").isdigit():
        fiscal_year = int(meta["fiscal_year"])
    return cost_center or meta.get("cost_center") or None, fiscal_year


def write_edited(parsed: ParsedWorkbook, edits: Iterable[Edit], reference: ReferenceSet, out: Path, *,
                 cost_center: str | None = None, fiscal_year: int | None = None) -> Path:
    """The workbook ``parsed`` with ``edits`` applied, written to ``out`` with the template's builder and
    metadata: the cost centre and fiscal year (BE) given, else those of the workbook's own ``_meta``."""
    cost_center, fiscal_year = _owner(parsed, cost_center, fiscal_year)
    return build_workbook(parsed.template, out, reference, fiscal_year=fiscal_year, cost_center=cost_center,
                          data=apply_edits(parsed, edits))


def edited(parsed: ParsedWorkbook, edits: Sequence[Edit], reference: ReferenceSet, out: Path, *,
           cost_center: str | None = None, fiscal_year: int | None = None) -> ParsedWorkbook | Path:
    """``parsed`` with ``edits`` applied, as a source for ``services.submission.check``: the workbook exactly as
    reading :func:`write_edited`'s file ``out`` back would parse it, held in memory with ``out`` as its path but
    not written (:func:`write_parsed` writes it when the file is needed); or, where that cannot be told without
    the reader (:func:`read_back`), the file written to ``out``, to be read. Never raises for what was typed."""
    in_memory = read_back(parsed, edits, out, cost_center=cost_center, fiscal_year=fiscal_year)
    if in_memory is not None:
        return in_memory
    return write_edited(parsed, edits, reference, out, cost_center=cost_center, fiscal_year=fiscal_year)


def write_parsed(parsed: ParsedWorkbook, reference: ReferenceSet) -> Path:
    """The file of a workbook :func:`edited` held in memory, written once to the path it names; a workbook read
    from a file is left as is. Reading the file back gives ``parsed``'s values and findings."""
    path = parsed.workbook.path
    if not path.exists():
        # Under a name of its own, then renamed: a half-written file is never taken for it, and two writers at
        # once (a download while the page submits) do not write into one file.
        partial = path.with_name(f".{uuid.uuid4().hex}{path.suffix}")
        try:
            os.replace(write_edited(parsed, [], reference, partial), path)
        finally:
            partial.unlink(missing_ok=True)
    return path


def read_back(parsed: ParsedWorkbook, edits: Sequence[Edit], out: Path, *, cost_center: str | None = None,
              fiscal_year: int | None = None) -> ParsedWorkbook | None:
    """What reading :func:`write_edited`'s file back would parse, without writing it (but for an error value or a
    formula without a value, S03, which stays reported until typed over): the edited cells' raw text
    as the reader gets it from the builder's cells, each edited column typed again by the reader
    (``importer.parse.typed_column``, its S05 findings with it), everything else as parsed; the path is ``out``.

    None when that cannot be told exactly, and the file must be written and read: a workbook not laid out as the
    builder lays it out (:func:`as_built`), an edit of a sheet or a row the workbook does not have (the builder
    would add a row), or an edit that leaves a row blank or makes it a total row (the reader would drop it).
    """
    if not as_built(parsed) or any(e.sheet not in parsed.sheets for e in edits):
        return None
    file = Path(out).name
    sheets = {key: replace(ps, file=file) for key, ps in parsed.sheets.items()}
    retyped: dict[tuple[str, str], list[Finding]] = {}  # the S05 findings of each edited (sheet, column)
    for key in dict.fromkeys(e.sheet for e in edits):
        done = _sheet_read_back(parsed.sheets[key], [e for e in edits if e.sheet == key], file)
        if done is None:
            return None
        sheets[key], found = done
        retyped.update({(key, column): f for column, f in found.items()})
    typed_over = {(e.sheet, e.row, e.column) for e in edits}
    findings = []
    for key, ps in sheets.items():  # in the reader's order: sheet by sheet, column by column
        for col in ps.sheet.columns:
            was = [replace(f, file=file) for f in parsed.findings if f.sheet == key and f.column == col.key]
            if (key, col.key) in retyped:
                # an error value or a formula without a value (S03) stays what it is until typed over: the
                # builder would write it blank, and "fill it in" is not what the user sees in Excel
                was = [f for f in was if f.rule == "S03" and (key, f.row, col.key) not in typed_over]
                was += retyped[(key, col.key)]
            findings += was
    cost_center, fiscal_year = _owner(parsed, cost_center, fiscal_year)
    workbook = replace(parsed.workbook, path=Path(out), meta=metadata(parsed.template, fiscal_year, cost_center),
                       sheets={k: ps.data for k, ps in sheets.items()})
    return ParsedWorkbook(workbook, sheets, findings, has_macros=False)


def _sheet_read_back(ps: ParsedSheet, edits: list[Edit], file: str
                     ) -> tuple[ParsedSheet, dict[str, list[Finding]]] | None:
    """One sheet of :func:`read_back`: the sheet and, by edited column, its S05 findings (None: see there)."""
    raw = ps.data.frame.copy()
    for e in edits:
        if e.row not in raw.index:  # the builder would write it as a new row: left to the rewrite
            return None
        raw.at[e.row, e.column] = cell_text(written(e.new, ps.sheet.column(e.column)), ps.sheet.column(e.column))
    rows = raw.loc[sorted({e.row for e in edits})]
    if not kept_rows(_text_batch(rows, ps.sheet.keys), list(range(len(ps.sheet.keys)))).all():
        return None
    data = replace(ps.data, frame=raw)
    values, found = ps.values.copy(), {}
    for key in dict.fromkeys(e.column for e in edits):
        values[key], found[key] = typed_column(data, ps.sheet.column(key), file)
    return replace(ps, data=data, values=values, file=file), found


def cell_text(value, col: Column) -> str | None:
    """The raw text the reader gets from the cell the builder writes for ``value`` (:func:`written`): a number
    as fastexcel renders a number cell (at most 9 decimals, none trailing), a month as its Thai abbreviation
    (the builder writes months so), text as it is; None for a blank."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if col.type == "month":
        return month_label(int(value))
    return rendered(value)


def rendered(number: float) -> str:
    """A number cell's value as fastexcel renders it in text mode: ``1000`` for 1000.0, ``0.333333333`` for 1/3."""
    return f"{float(number):.9f}".rstrip("0").rstrip(".")


def as_built(parsed: ParsedWorkbook) -> bool:
    """Whether the builder would write ``parsed``'s cells back in the same places, and the reader then read
    them as they are: every sheet of the template, each with its headers in row 1 in the template's columns and
    order and its rows from row 2 on without a gap, nothing the builder leaves out (hidden rows or columns,
    merged or percent cells, header or sheet findings, macros, an older template
    version), and every number as fastexcel renders it (a number typed as text with more than 9 decimals is
    not)."""
    template = parsed.template
    if (parsed.workbook.version != template.version or parsed.has_macros or parsed.workbook.findings
            or any(f.rule not in ("S03", "S05") for f in parsed.findings)
            or list(parsed.sheets) != [s.key for s in template.sheets]):
        return False
    return all(_sheet_as_built(ps) for ps in parsed.sheets.values())


def _sheet_as_built(ps: ParsedSheet) -> bool:
    sd, sheet = ps.data, ps.sheet
    if (sd.name != sheet.name or sd.header_row != 1 or list(sd.frame.columns) != sheet.keys
            or sd.letters != {key: column_letter(i) for i, key in enumerate(sheet.keys)}
            or not sd.frame.index.equals(pd.RangeIndex(2, 2 + len(sd.frame)))):
        return False
    if ps.hidden_rows or ps.hidden_columns or ps.merged_away or ps.percent_rows:
        return False
    numbers = [c.key for c in sheet.columns if c.type in ("money", "number")]
    return all(float(rendered(v)) == v for key in numbers for v in ps.values[key].dropna().unique())
