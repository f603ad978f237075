"""The sheet editor: st.data_editor columns derived from the spec, and edits turned into a new workbook.

The editor shows typed values with each row's findings beside them, flagged rows first. A cell the
reader could not read (an amount typed "หนึ่งพัน", a date 31/02/2569), or a code or choice that is not on
its list, shows what was typed, never a blank: its column is shown as text, since a number column cannot
hold the typed words and a dropdown draws a value off its list blank. Edits are
kept as the reader reads them (``services.edits.as_read``), so a corrected amount typed "1,000" is
the number 1000 in the audit trail and in the workbook; they are overlaid on the cells the unit
uploaded (``services.edits``), where an unreadable value nobody touched stays as typed, to be flagged
again, and the workbook is written through the same builder the templates come from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.findings import Finding, display
from domain.fiscal import FISCAL_MONTH_ORDER, month_label
from domain.text import canonical
from importer.parse import ParsedSheet, ParsedWorkbook
from reference.reference_set import ReferenceSet
from review.display import amount_text
from services.edits import as_read, write_parsed
from store.submissions import Edit
from templates.catalog import SHEETS
from templates.spec import Column

ROW, FINDINGS = "แถว / row", "ปัญหา / findings"


def column_config(col: Column, reference: ReferenceSet, cost_center: str | None, as_text: bool = False):
    """The editor column of a spec column: dropdowns for closed lists, number formats, limits, help; a text
    column when ``as_text`` (the column holds a cell typed but unreadable, or off its list: shown as typed)."""
    label, help_text = f"{col.th} / {col.en}", " / ".join(h for h in (col.help_th, col.help_en) if h) or None
    common = {"label": label, "help": help_text, "required": col.required}
    if col.type == "date":  # typed as staff type them, in the Buddhist Era; the normaliser reads it back
        return st.column_config.TextColumn(**{**common, "help": "วัน/เดือน/ปี พ.ศ. เช่น 15/11/2568 / "
                                                              "day/month/BE year, e.g. 15/11/2568"})
    if as_text:
        typed = ("ช่องที่อ่านไม่ได้หรือไม่อยู่ในรายการแสดงตามที่พิมพ์ / a cell that could not be read, or is not on "
                 "the list, shows what was typed")
        return st.column_config.TextColumn(**{**common, "help": " · ".join(h for h in (help_text, typed) if h)})
    if (options := listed(col, reference, cost_center)) is not None:
        return st.column_config.SelectboxColumn(options=options, **common)
    if col.type == "month":
        return st.column_config.SelectboxColumn(options=list(FISCAL_MONTH_ORDER), format_func=month_label, **common)
    if col.type == "quarter":
        return st.column_config.SelectboxColumn(options=[1, 2, 3, 4], **common)
    if col.type in ("money", "number", "integer"):
        step = 1 if col.type == "integer" else 0.01
        fmt = "%d" if col.type == "integer" else "localized"
        return st.column_config.NumberColumn(min_value=col.lower_bound, max_value=col.upper_bound, step=step,
                                             format=fmt, **common)
    return st.column_config.TextColumn(**common)


def listed(col: Column, reference: ReferenceSet, cost_center: str | None) -> list[str] | None:
    """The dropdown of a text column with a closed list: its choices, or its codes scoped to ``cost_center``;
    None for any other column."""
    if col.choices:
        return list(col.choices)
    if col.codes:
        return [str(c) for c in reference.scoped(col.codes, cost_center).iloc[:, 0]]
    return None


def off_the_list(values: pd.DataFrame, columns: list[Column], reference: ReferenceSet,
                 cost_center: str | None) -> set[str]:
    """Keys of the closed-list columns holding a value that is not one of their options (an S06 or S07 cell):
    a dropdown column draws such a value blank, so the grid shows these columns as text, as typed."""
    out = set()
    for col in columns:
        if col.key in values and (options := listed(col, reference, cost_center)) is not None:
            present = values[col.key].dropna()
            if not present[present != ""].astype(str).isin(options).all():
                out.add(col.key)
    return out


def unreadable_columns(parsed: ParsedSheet, findings: list[Finding] = ()) -> set[str]:
    """Keys of the columns (other than free text) holding a cell that was typed but could not be read: blank
    among the typed values while its raw text is not, or holding an error value or an uncalculated formula
    (an S03 of ``findings``); and the amounts with more than 2 decimals (S09), which a number column draws
    rounded, so that typing the amount shown was no edit."""
    raw = parsed.data.frame
    typed = {col.key for col in parsed.sheet.columns if col.type != "text" and col.key in raw
             and (raw[col.key].fillna("").ne("") & parsed.values[col.key].isna()).any()}
    satang = {f.column for f in findings if f.rule == "S09" and f.sheet == parsed.sheet.key and f.column}
    return typed | satang | {column for _, column in error_cells(parsed, findings)}


FORMULA = "(สูตร ยังไม่คำนวณ / formula, not calculated)"


def error_cells(parsed: ParsedSheet, findings: list[Finding]) -> dict[tuple[int, str], str]:
    """By (Excel row, column key), what the grid shows in a cell the reader found an error value or a formula
    without a value in (S03): the error as Excel shows it ("#DIV/0!"), or :data:`FORMULA`."""
    return {(f.row, f.column): f.value or FORMULA for f in findings
            if f.rule == "S03" and f.sheet == parsed.sheet.key and f.row is not None and f.column}


def shown_text(value, col: Column) -> str:
    """A cell of a column shown as text: the text as typed where it was unreadable, else its value as people
    read it (a BE date "15/11/2568", an amount "50,000.00", a month "ต.ค."); "" for a blank."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return ""
    if col.type == "money":
        return amount_text(value)
    if col.type == "month":
        return month_label(int(value))
    return display(value)


def editor_frame(parsed: ParsedSheet, findings: list[Finding]) -> pd.DataFrame:
    """The sheet's typed values with the Excel row and its findings, flagged rows first; dates and the columns of
    :func:`unreadable_columns` as text (:func:`shown_text`), showing what was typed where it was not read; a
    blank text cell as ""."""
    frame = parsed.values.copy()
    as_text = unreadable_columns(parsed, findings)
    cells = parsed.cells() if as_text else parsed.values  # cells(): the value, or the text typed where none
    for col in parsed.sheet.columns:
        if col.type == "date" or col.key in as_text:
            frame[col.key] = cells[col.key].map(lambda v, col=col: shown_text(v, col)).astype(object)
    for (row, column), text in error_cells(parsed, findings).items():
        if row in frame.index:
            frame.at[row, column] = text
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


def held_cells(state: dict | None, rows: pd.DataFrame) -> set[tuple[int, str]]:
    """(Excel row, column key) of every cell the editor's own ``edited_rows`` holds, over ``rows`` as shown."""
    return {(int(rows.iloc[int(position)][ROW]), column)
            for position, changes in (state or {}).get("edited_rows", {}).items() for column in changes}


def sheet_grid(parsed: ParsedSheet, findings: list[Finding], reference: ReferenceSet, cost_center: str | None,
               key: str, overlay: Callable[[pd.DataFrame, set], pd.DataFrame] | None = None) -> list[Edit]:
    """The sheet in the editor grid under the widget ``key`` (:func:`editor_frame`; dropdowns scoped to
    ``cost_center``), and the edits made in it so far, not yet written anywhere.

    ``overlay(rows, held)`` writes into the rows as read what the grid shows besides (the maker's edits not
    checked yet, ``review.drafts.with_pending``), except the ``held`` cells (:func:`held_cells`): those the
    grid in the browser holds as its own edits. The grid's data must stay the same from run to run while the
    browser edits it: Streamlit's editor drops its edits and sends a rerun when its data changes, and that
    rerun, arriving while "check again" runs, stopped it halfway. Every edit's old value is still the value
    as read, and a cell the grid holds set back to it comes as an edit with ``old == new``: no edit, which
    drops the maker's unchecked edit of that cell (the checker keeps the others only).
    """
    sheet = parsed.sheet
    rows = editor_frame(parsed, findings)
    held = held_cells(st.session_state.get(key), rows)
    shown = overlay(rows, held) if overlay else rows
    as_text = unreadable_columns(parsed, findings) | off_the_list(shown, sheet.columns, reference, cost_center)
    config = {c.key: column_config(c, reference, cost_center, c.key in as_text) for c in sheet.columns}
    config[ROW] = st.column_config.NumberColumn(ROW, pinned=True, width="small")
    config[FINDINGS] = st.column_config.TextColumn(FINDINGS, width="large")
    # an empty cell stays empty, as in Excel (Streamlit would draw "None" in it)
    st.data_editor(shown, key=key, hide_index=True, column_config=config, disabled=[ROW, FINDINGS],
                   column_order=[ROW, *sheet.keys, FINDINGS], width="stretch", placeholder="")
    def as_it_was(row: int, column: str) -> str:
        return as_read(display(rows.at[row, column]), sheet.column(column))

    edits = [replace(e, old=as_it_was(e.row, e.column))
             for e in edits_from_state(st.session_state.get(key), shown, sheet.key)]
    back = held - {(e.row, e.column) for e in edits}
    return edits + [Edit(sheet.key, row, column, as_it_was(row, column), as_it_was(row, column))
                    for row, column in sorted(back) if column in sheet.keys]


@dataclass
class Draft:
    """An uploaded workbook being fixed: where it is, what it holds, and the edits so far."""

    path: Path  # the workbook's file; not written yet while its edits are held in memory (parsed names it)
    parsed: ParsedWorkbook | None  # None until it has been read
    edits: list[Edit]

    def file(self, reference: ReferenceSet) -> Path:
        """The workbook's file, written now if its edits were only checked in memory (``services.edits``)."""
        return write_parsed(self.parsed, reference) if self.parsed is not None else self.path
