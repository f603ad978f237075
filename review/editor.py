"""The sheet editor: st.data_editor columns derived from the spec, and edits turned into a new workbook.

The editor shows typed values with each row's findings beside them, flagged
rows first. Edits are kept as the reader reads them (``services.edits.as_read``),
so an amount typed "1,000" is the number 1000 in the audit trail and in the
workbook. Saving overlays them on the raw cells the unit uploaded (so an
unreadable value nobody touched stays as typed, to be flagged again) and writes
the result through the same workbook builder the templates come from
(``services.edits``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.findings import Finding, display
from domain.fiscal import FISCAL_MONTH_ORDER, month_label
from domain.text import canonical
from importer.parse import ParsedSheet, ParsedWorkbook
from reference.reference_set import ReferenceSet
from services.edits import as_read, write_edited
from store.submissions import Edit
from templates.catalog import SHEETS
from templates.spec import Column

ROW, FINDINGS = "แถว / row", "ปัญหา / findings"


def column_config(col: Column, reference: ReferenceSet, cost_center: str | None):
    """The editor column of a spec column: dropdowns for closed lists, number formats, limits, help."""
    label, help_text = f"{col.th} / {col.en}", " / ".join(h for h in (col.help_th, col.help_en) if h) or None
    common = {"label": label, "help": help_text, "required": col.required}
    if col.choices:
        return st.column_config.SelectboxColumn(options=list(col.choices), **common)
    if col.type == "month":
        return st.column_config.SelectboxColumn(options=list(FISCAL_MONTH_ORDER), format_func=month_label, **common)
    if col.type == "quarter":
        return st.column_config.SelectboxColumn(options=[1, 2, 3, 4], **common)
    if col.codes:
        scoped = reference.scoped(col.codes, cost_center)
        return st.column_config.SelectboxColumn(options=[str(c) for c in scoped.iloc[:, 0]], **common)
    if col.type in ("money", "number", "integer"):
        step = 1 if col.type == "integer" else 0.01
        fmt = "%d" if col.type == "integer" else "localized"
        return st.column_config.NumberColumn(min_value=col.lower_bound, max_value=col.upper_bound, step=step,
                                             format=fmt, **common)
    if col.type == "date":  # typed as staff type them, in the Buddhist Era; the normaliser reads it back
        return st.column_config.TextColumn(**{**common, "help": "วัน/เดือน/ปี พ.ศ. เช่น 15/11/2568 / "
                                                              "day/month/BE year, e.g. 15/11/2568"})
    return st.column_config.TextColumn(**common)


def editor_frame(parsed: ParsedSheet, findings: list[Finding]) -> pd.DataFrame:
    """The sheet's typed values with the Excel row and its findings, flagged rows first."""
    frame = parsed.values.copy()
    for col in parsed.sheet.columns:
        if col.type == "date":
            frame[col.key] = frame[col.key].map(display).astype(object)
    notes = {}
    for f in findings:
        if f.row is not None and f.sheet == parsed.sheet.key:
            notes.setdefault(f.row, []).append(f"{f.rule} {f.cell}: {f.message_th} / {f.message_en}")
    frame.insert(0, FINDINGS, [" | ".join(notes.get(r, [])) for r in frame.index])
    frame.insert(0, ROW, frame.index)
    flagged = frame[FINDINGS] != ""
    return pd.concat([frame[flagged], frame[~flagged]])


def edits_from_state(state: dict, shown: pd.DataFrame, sheet_key: str) -> list[Edit]:
    """The editor's ``edited_rows`` (by position in what was shown) as cell edits by Excel row, old and new
    as the reader reads them (``services.edits.as_read``); a cell set back to what it was is no edit."""
    sheet = SHEETS[sheet_key][1]
    out = []
    for position, changes in (state or {}).get("edited_rows", {}).items():
        row = int(shown.iloc[int(position)][ROW])
        for column, new in changes.items():
            if column in (ROW, FINDINGS):
                continue
            col = sheet.column(column)
            old, new = as_read(display(shown.iloc[int(position)][column]), col), as_read(_plain(new), col)
            if old != new:
                out.append(Edit(sheet_key, row, column, old, new))
    return out


def _plain(value) -> str:
    """A value from the editor as text (dates come back as ISO strings; text is spelled canonically, as the
    reader would read it: what the user sees)."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        try:
            return display(dt.date.fromisoformat(value[:10]))
        except ValueError:
            pass
    return canonical(display(value))


@dataclass
class Draft:
    """An uploaded workbook being fixed: where it is, what it holds, and the edits so far."""

    path: Path
    parsed: ParsedWorkbook | None  # None until it has been read
    edits: list[Edit]


def write_draft(draft: Draft, reference: ReferenceSet, out: Path) -> Path:
    """The edited workbook, written with the same builder and metadata as the template (``services.edits``)."""
    return write_edited(draft.parsed, draft.edits, reference, out)
