"""How the app shows the store's rows to people: words instead of keys, Buddhist-Era times, headers in Thai
and English (from the spec and the vocabulary), no index column.

The store returns data (template keys, status values, UTC timestamps, sheet and column keys); every table
the app shows passes through one of these first.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.findings import display
from domain.fiscal import THAI_TIME, format_thai_date, month_label
from domain.vocabulary import AuditAction, Decision, RowChange, SubmissionStatus
from services.edits import read_cell
from templates import TEMPLATES
from templates.catalog import SHEETS
from templates.headers import header, headers


def when(moment) -> str:
    """A timestamp as Thai staff read it, in Thailand's time: "29 พ.ย. 2569 21:57"; "-" for none."""
    if moment is None or (not isinstance(moment, str) and pd.isna(moment)):
        return "-"
    moment = pd.Timestamp(moment)
    moment = (moment.tz_localize("UTC") if moment.tzinfo is None else moment).tz_convert(THAI_TIME)
    return f"{format_thai_date(moment.date())} {moment:%H:%M}"


def table(data, **options) -> None:
    """Show a table (a frame or a Styler) as the app shows every table: the page's width, no index column, a
    missing value as "-" (Streamlit would draw "None"); ``options`` go to ``st.dataframe`` over these."""
    st.dataframe(data, **{"hide_index": True, "width": "stretch", "placeholder": "-", **options})


def template_title(key: str) -> str:
    """A template's name for people: "รับโอนและจัดสรรงบประมาณ / Transfers received and allocations"."""
    template = TEMPLATES.get(key)
    return f"{template.th} / {template.en}" if template else str(key)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for people: its column headers in Thai and English (from the spec or the vocabulary)."""
    return frame.rename(columns=headers(frame.columns))


def status_label(status: str, corrected: bool = False) -> str:
    """A submission's status in words, and that a checker made the version when it did:
    "รอตรวจ / submitted · แก้ไขโดยผู้ตรวจสอบ / corrected by the checker"."""
    label = SubmissionStatus(status).label
    return f"{label} · {AuditAction.CORRECTED.label}" if corrected else label


def submissions_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Submissions (``store.history.list_submissions`` columns) as people read them: template and status in
    words (with the mark of a checker's correction), times in BE, ``columns`` in that order, headed in Thai
    and English."""
    shown = frame.assign(template=frame["template"].map(template_title),
                         status=[status_label(s, bool(c)) for s, c in zip(frame["status"], frame["corrected"],
                                                                         strict=True)],
                         submitted_at=frame["submitted_at"].map(when))
    return labelled(shown[columns])


def cell_text(text, sheet_key, column_key) -> str:
    """A cell's value as the audit trail keeps it (``services.edits.as_read``), as people read it: an amount
    with separators ("40,000.00"), a number with them ("1,234.5"), a date in BE ("15 พ.ย. 2568"), a month by
    name ("ต.ค."); text, and a value typed unreadably, as it is; "" for none."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    sheet = SHEETS[sheet_key][1] if isinstance(sheet_key, str) and sheet_key in SHEETS else None
    col = next((c for c in sheet.columns if c.key == column_key), None) if sheet else None
    value = read_cell(text, col) if col is not None and col.type in FORMATTED else None
    if value is None:
        return str(text)
    return FORMATTED[col.type](value)


def amount_text(value: float) -> str:
    """An amount in baht as people read it: separators and 2 decimals, or every decimal typed beyond them (an
    S09 amount, 50,000.555, must show what to fix, not a rounded 50,000.56)."""
    return f"{value:,.{max(2, len(display(value).partition('.')[2]))}f}"


FORMATTED = {  # how a cell of each column type reads on screen, from its value
    "money": amount_text,
    "number": lambda v: f"{v:,.15g}",
    "integer": lambda v: f"{int(v):,}",
    "date": format_thai_date,
    "month": lambda v: month_label(int(v)),
}


def value_text(value, col) -> str:
    """A stored value (a date, an amount, a month number …) as people read it, by its spec column's type
    (:data:`FORMATTED`); text as it is; "" for none."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return FORMATTED[col.type](value) if col is not None and col.type in FORMATTED else str(value)


def diff_table(frame: pd.DataFrame, sheet) -> pd.DataFrame:
    """A sheet's changes since the previous version (``store.queries.submission_diff``) for people: the change in
    words, the changed columns by their titles, every value as its column reads, each column headed by its title
    and a previous value's as "… (เดิม) / … (before)"; columns empty in every row left out."""
    shown = frame.dropna(axis=1, how="all").astype(object)
    titles = {}
    for key in shown.columns:
        plain = key.removeprefix("old_") if key != "old_row_number" else key
        title = header(plain, sheet.key)
        titles[key] = f"{title.th} (เดิม) / {title.en} (before)" if plain != key else str(title)
        if plain in sheet.keys:
            shown[key] = shown[key].map(lambda v, col=sheet.column(plain): value_text(v, col))
    shown["change"] = shown["change"].map(lambda c: RowChange(c).label)
    shown["changed_columns"] = shown["changed_columns"].map(
        lambda keys: ", ".join(str(header(k, sheet.key)) for k in str(keys or "").split(", ") if k))
    return shown.where(shown.notna(), "").rename(columns=titles)


ACTIONS = {**AuditAction.labels(), **Decision.labels()}


def audit_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Audit rows (``store.history.audit_trail``) as people read them: the action in words, the sheet's name
    and the column's title instead of keys, times in BE, blanks empty; ``columns`` in that order."""
    sheet_name = {key: f"{sheet.name} / {sheet.en}" for key, (_, sheet) in SHEETS.items()}

    def column_title(row) -> str:
        if not row["column"] or pd.isna(row["column"]):
            return ""
        return str(header(row["column"], row["sheet"] if isinstance(row["sheet"], str) else None))

    shown = frame.assign(at=frame["at"].map(when), action=frame["action"].map(lambda a: ACTIONS.get(a, a)),
                         row_number=frame["row_number"].astype("Int64"),
                         **{key: [cell_text(v, sheet, column) for v, sheet, column in
                                  zip(frame[key], frame["sheet"], frame["column"], strict=True)]
                            for key in ("old_value", "new_value")})
    if "sheet" in columns or "column" in columns:
        shown = shown.assign(column=[column_title(r) for _, r in frame.iterrows()],
                             sheet=frame["sheet"].map(lambda k: sheet_name.get(k, "") if isinstance(k, str) else ""))
    shown = shown[columns].astype(object)
    return labelled(shown.where(shown.notna(), ""))


# what changed and why first: the table is wider than a page
CORRECTION_COLUMNS = ["sheet", "row_number", "column", "old_value", "new_value", "reason", "template", "version", "at",
                      "actor"]


def corrections_table(trail: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """The cells checkers corrected (``trail``: ``store.history.audit_trail`` rows), as the maker reads them: the
    sheet, Excel row and column, the value before and after (:func:`cell_text`), the reason, the template and
    version (from ``listed``: ``store.history.list_submissions`` rows), when and by whom; oldest first."""
    cells = trail[(trail["action"] == AuditAction.CORRECTED.value) & trail["column"].notna()]
    by_id = listed.set_index("id")
    shown = cells.assign(template=cells["submission_id"].map(by_id["template"]).map(template_title),
                         version=cells["submission_id"].map(by_id["version"]).astype("Int64"),
                         reason=cells["comment"])
    return audit_table(shown, CORRECTION_COLUMNS)


def decisions_table(trail: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """The checkers' decisions and comments (``trail``: ``store.history.audit_trail`` rows) as the maker reads
    them: when, by whom, the decision, the template and version it was on (from ``listed``:
    ``store.history.list_submissions`` rows, as the maker's table names them), the comment, and the
    submission's number last; oldest first."""
    decided = trail[trail["action"].isin(list(Decision))]
    by_id = listed.set_index("id")
    shown = decided.assign(template=decided["submission_id"].map(by_id["template"]).map(template_title),
                           version=decided["submission_id"].map(by_id["version"]).astype("Int64"))
    return audit_table(shown, ["at", "actor", "action", "template", "version", "comment", "submission_id"])
