"""The database tables, derived from the template spec.

- one ``ref_<sheet>`` table per reference sheet: the current reference set;
- one table per unit-template sheet, named by the sheet key, holding the rows of
  every submission (each submission is a full snapshot, so every version is kept);
- ``submissions`` (one per accepted or refused upload, with the original file),
  ``audit`` (every change, in the same transaction as the change) and ``users``;
- ``sessions`` (who is signed in, by the SHA-256 of the browser's token) and ``drafts`` (each user's
  workbooks being fixed in the review app, not yet submitted).
"""

from __future__ import annotations

import sqlalchemy as sa

from domain.vocabulary import SubmissionStatus
from templates import REFERENCE, UNIT_TEMPLATES
from templates.spec import Column, Sheet

metadata = sa.MetaData()

SQL_TYPES = {
    "text": sa.UnicodeText, "code": sa.Unicode(40), "choice": sa.Unicode(40),
    "integer": sa.Integer, "month": sa.Integer, "quarter": sa.Integer,
    "number": sa.Float, "money": sa.Numeric(18, 2, asdecimal=False), "date": sa.Date,
}
STATUSES = tuple(s.value for s in SubmissionStatus)


def sql_column(col: Column, primary_key: bool = False) -> sa.Column:
    """A spec column as a database column of its type, nullable unless required, commented in Thai / English."""
    return sa.Column(col.key, SQL_TYPES[col.type], primary_key=primary_key,
                     nullable=primary_key is False and not col.required, comment=f"{col.th} / {col.en}")


def reference_table(sheet: Sheet) -> sa.Table:
    """``ref_<sheet>``: the current reference set's rows of one reference sheet."""
    return sa.Table(f"ref_{sheet.key}", metadata,
                    *(sql_column(c, c.key in sheet.primary_key) for c in sheet.columns),
                    comment=f"{sheet.th} / {sheet.en}")


submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("template", sa.Unicode(40), nullable=False),
    sa.Column("template_version", sa.Integer, nullable=False),
    sa.Column("cost_center", sa.Unicode(10), nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, comment="1, 2, ... per template, cost centre and year; empty when refused"),
    sa.Column("status", sa.Enum(*STATUSES, name="submission_status", native_enum=False), nullable=False),
    sa.Column("file_name", sa.Unicode(255), nullable=False),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("file_bytes", sa.LargeBinary, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.Integer, nullable=False, default=0),
    sa.Column("warnings", sa.Integer, nullable=False, default=0),
    sa.Column("as_of", sa.Date),
    sa.Column("submitted_by", sa.Unicode(80), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("revision", sa.Integer, nullable=False, default=0, comment="bumped by every edit: optimistic lock"),
    sa.UniqueConstraint("template", "cost_center", "fiscal_year", "version"),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Unicode(80), nullable=False),
    sa.Column("action", sa.Unicode(40), nullable=False),
    sa.Column("submission_id", sa.ForeignKey("submissions.id")),
    sa.Column("sheet", sa.Unicode(40)),
    sa.Column("row_number", sa.Integer),
    sa.Column("column", sa.Unicode(40)),
    sa.Column("old_value", sa.UnicodeText),
    sa.Column("new_value", sa.UnicodeText),
    sa.Column("comment", sa.UnicodeText),
)


users = sa.Table(
    "users", metadata,
    sa.Column("name", sa.Unicode(80), primary_key=True),
    sa.Column("display_name", sa.Unicode(120)),
    sa.Column("role", sa.Unicode(20), nullable=False),
    sa.Column("cost_center", sa.Unicode(10), comment="a maker's cost centre"),
    sa.Column("region", sa.Integer, comment="a checker's health region"),
    sa.Column("password_hash", sa.Unicode(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_sha256", sa.String(64), primary_key=True,
              comment="SHA-256 of the random token in the browser's cookie; the token itself is never stored"),
    sa.Column("user_name", sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), comment="when the user signed out; empty while it lasts"),
    comment="การเข้าสู่ระบบ / Sign-in sessions",
)

drafts = sa.Table(
    "drafts", metadata,
    sa.Column("user_name", sa.ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
    sa.Column("file_name", sa.Unicode(255), primary_key=True, comment="the unit's file name, as uploaded"),
    sa.Column("content", sa.LargeBinary, nullable=False,
              comment="the upload, or the workbook last written with the checked edits; with them applied, the draft"),
    sa.Column("edits", sa.UnicodeText, nullable=False, comment="JSON list of the checked cell edits, in order"),
    sa.Column("pending", sa.UnicodeText, nullable=False, comment="JSON list of the grid's edits not checked yet"),
    sa.Column("base_taken", sa.Boolean, nullable=False, default=False,
              comment="whether the submission the edits start from was looked up (base_id empty: there was none)"),
    sa.Column("base_id", sa.Integer, comment="the newest submission when editing started (stale-edit check)"),
    sa.Column("base_revision", sa.Integer),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    comment="ฉบับร่าง / Drafts: uploads and edits not yet submitted, one user's each",
)


def data_table(sheet: Sheet) -> sa.Table:
    """A unit sheet's rows: every column of the spec, plus the submission and Excel row they came from."""
    return sa.Table(
        sheet.key, metadata,
        sa.Column("submission_id", sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("row_number", sa.Integer, primary_key=True, comment="the Excel row it was read from"),
        *(sql_column(c) for c in sheet.columns),
        comment=f"{sheet.th} / {sheet.en}",
    )


REFERENCE_TABLES: dict[str, sa.Table] = {s.key: reference_table(s) for s in REFERENCE.sheets}
DATA_TABLES: dict[str, sa.Table] = {s.key: data_table(s) for t in UNIT_TEMPLATES for s in t.sheets}
