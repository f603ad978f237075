"""What happened to submissions: the scoped list and each one's audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from domain.vocabulary import AuditAction, SubmissionStatus
from store.schema import audit, submissions

LIST_COLUMNS = ("id", "template", "cost_center", "fiscal_year", "version", "status", "locked", "revision", "rows",
                "errors", "warnings", "file_name", "submitted_by", "submitted_at", "as_of")


def list_submissions(engine: sa.Engine, cost_centers: set[str] | None, *, statuses: Iterable[str] | None = None,
                     fiscal_year: int | None = None, ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Submissions in a user's scope (None = all), newest first, of ``statuses``, ``fiscal_year`` and ``ids``
    when given; the scope is part of the query. Columns :data:`LIST_COLUMNS` and ``corrected``: whether the
    version is a checker's correction (its audit says so)."""
    s = submissions.c
    corrected = sa.exists().where(audit.c.submission_id == s.id, audit.c.action == AuditAction.CORRECTED.value)
    query = (sa.select(*(s[c] for c in LIST_COLUMNS), corrected.label("corrected"))
             .order_by(s.submitted_at.desc(), s.id.desc()))
    if cost_centers is not None:
        query = query.where(s.cost_center.in_(sorted(cost_centers)))
    if statuses is not None:
        query = query.where(s.status.in_(list(statuses)))
    if fiscal_year is not None:
        query = query.where(s.fiscal_year == fiscal_year)
    if ids is not None:
        query = query.where(s.id.in_(list(ids)))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=[*LIST_COLUMNS, "corrected"])


def get_submission(engine: sa.Engine, submission_id: int, cost_centers: set[str] | None) -> dict | None:
    """One submission with its file, or None when it does not exist or lies outside the scope."""
    query = sa.select(submissions).where(submissions.c.id == submission_id)
    if cost_centers is not None:
        query = query.where(submissions.c.cost_center.in_(sorted(cost_centers)))
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def audit_trail(engine: sa.Engine, submission_ids: Iterable[int]) -> pd.DataFrame:
    """Every audit row of the given submissions, oldest first: at (UTC), actor, action, submission_id, sheet,
    row_number (Excel row), column, old_value, new_value, comment."""
    a = audit.c
    query = (sa.select(a.at, a.actor, a.action, a.submission_id, a.sheet, a.row_number, a.column, a.old_value,
                       a.new_value, a.comment).where(a.submission_id.in_(list(submission_ids))).order_by(a.id))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(),
                            columns=["at", "actor", "action", "submission_id", "sheet", "row_number", "column",
                                     "old_value", "new_value", "comment"])


def latest_fiscal_year(engine: sa.Engine) -> int | None:
    """The newest fiscal year anything was submitted for: where a board opens by default."""
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(submissions.c.fiscal_year))).scalar()


def latest_as_of(engine: sa.Engine, fiscal_year: int, cost_centers: Iterable[str] | None = None) -> dt.date | None:
    """The newest data-as-of date of a fiscal year's stored submissions (their ``as_of``, else the day they
    were sent), of ``cost_centers`` (None: all); None before anything is stored. Where the board opens, and
    the day a report's data reaches."""
    s = submissions.c
    query = sa.select(sa.func.max(s.as_of), sa.func.max(s.submitted_at)).where(
        s.fiscal_year == fiscal_year, s.status.in_(list(SubmissionStatus.kept())))
    if cost_centers is not None:
        query = query.where(s.cost_center.in_(sorted(cost_centers)))
    with engine.connect() as conn:
        as_of, sent = conn.execute(query).one()
    return as_of or (sent.date() if sent else None)
