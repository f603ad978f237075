"""How the app shows the store's rows to people: words instead of keys, Buddhist-Era times, headers in Thai
and English (from the spec and the vocabulary), no index column.

The store returns data (template keys, status values, UTC timestamps, sheet and column keys); every table
the app shows passes through one of these first.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.fiscal import format_thai_date
from domain.vocabulary import AuditAction, Decision, SubmissionStatus
from templates import TEMPLATES
from templates.catalog import SHEETS
from templates.headers import header, headers

THAI_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")  # the Ministry's clock: UTC+7, no daylight saving


def when(moment) -> str:
    """A timestamp as Thai staff read it, in Thailand's time: "29 พ.ย. 2569 21:57"; "-" for none."""
    if moment is None or (not isinstance(moment, str) and pd.isna(moment)):
        return "-"
    moment = pd.Timestamp(moment)
    moment = (moment.tz_localize("UTC") if moment.tzinfo is None else moment).tz_convert(THAI_TIME)
    return f"{format_thai_date(moment.date())} {moment:%H:%M}"


def template_title(key: str) -> str:
    """A template's name for people: "รับโอนและจัดสรรงบประมาณ / Transfers received and allocations"."""
    template = TEMPLATES.get(key)
    return f"{template.th} / {template.en}" if template else str(key)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for people: its column headers in Thai and English (from the spec or the vocabulary)."""
    return frame.rename(columns=headers(frame.columns))


def submissions_table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Submissions (``store.history.list_submissions`` columns) as people read them: template and status in
    words, times in BE, ``columns`` in that order, headed in Thai and English."""
    shown = frame.assign(template=frame["template"].map(template_title),
                         status=frame["status"].map(SubmissionStatus.labels()),
                         submitted_at=frame["submitted_at"].map(when))
    return labelled(shown[columns])


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
                         row_number=frame["row_number"].astype("Int64"))
    if "sheet" in columns or "column" in columns:
        shown = shown.assign(column=[column_title(r) for _, r in frame.iterrows()],
                             sheet=frame["sheet"].map(lambda k: sheet_name.get(k, "") if isinstance(k, str) else ""))
    shown = shown[columns].astype(object)
    return labelled(shown.where(shown.notna(), ""))
