"""The database tables, derived from the template spec.

- one ``ref_<sheet>`` table per reference sheet: the current reference set;
- one table per unit-template sheet, named by the sheet key, holding the rows of
  every submission (each submission is a full snapshot, so every version is kept);
- ``submissions`` (one per accepted or refused upload, with the original file),
  ``audit`` (every change, in the same transaction as the change) and ``users``;
- ``sessions`` (who is signed in, by the SHA-256 of the browser's token) and ``drafts`` (each user's
  workbooks being fixed in the review app, not yet submitted).

A data table's rows belong to a submission (``submission_id``, deleted with it). SQLite checks that with a
foreign key. On PostgreSQL the same rule is kept by statement-level triggers instead (:data:`SET_BASED_KEY`):
a foreign key is checked row by row (a lookup and a ``FOR KEY SHARE`` lock of the same submission for each of
100,000 rows: COPY 1.26 s with it, 0.47 s without, BENCHMARKS.md issue 15), the triggers once per statement
over the rows it wrote, with the same lock, the same refusal (SQLSTATE 23503) and the same cascade.
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


def _not_postgresql(ddl, target, bind, *, dialect, **kw) -> bool:
    return dialect.name != "postgresql"


def data_table(sheet: Sheet) -> sa.Table:
    """A unit sheet's rows: every column of the spec, plus the submission and Excel row they came from. The
    foreign key to ``submissions`` is in the metadata (joins see it) and in the DDL of every database but
    PostgreSQL, which keeps it set-wise (:data:`SET_BASED_KEY`)."""
    table = sa.Table(
        sheet.key, metadata,
        sa.Column("submission_id", sa.Integer, primary_key=True),
        sa.Column("row_number", sa.Integer, primary_key=True, comment="the Excel row it was read from"),
        *(sql_column(c) for c in sheet.columns),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE").ddl_if(
            callable_=_not_postgresql),
        comment=f"{sheet.th} / {sheet.en}",
    )
    for event in ("INSERT", "UPDATE"):
        sa.event.listen(table, "after_create", sa.DDL(
            f"CREATE TRIGGER {sheet.key}_{event.lower()}_submission AFTER {event} ON {sheet.key} "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION sms_rows_have_submission()"
        ).execute_if(dialect="postgresql"))
    return table


REFERENCE_TABLES: dict[str, sa.Table] = {s.key: reference_table(s) for s in REFERENCE.sheets}
DATA_TABLES: dict[str, sa.Table] = {s.key: data_table(s) for t in UNIT_TEMPLATES for s in t.sheets}

# The foreign key of the data tables to ``submissions`` on PostgreSQL, checked once per statement: the
# submissions a statement's rows name are locked as a foreign key locks them (``FOR KEY SHARE``: none can be
# deleted until the transaction ends) and must all exist; deleting or truncating submissions deletes their rows;
# a submission's id cannot change while rows name it.
SET_BASED_KEY = (
    """CREATE OR REPLACE FUNCTION sms_rows_have_submission() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named bigint;
    held bigint;
BEGIN
    SELECT count(DISTINCT submission_id) INTO named FROM written;
    SELECT count(*) INTO held FROM (
        SELECT 1 FROM submissions WHERE id IN (SELECT submission_id FROM written) FOR KEY SHARE) AS locked;
    IF held < named THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'rows of ' || TG_TABLE_NAME || ' name a submission that does not exist';
    END IF;
    RETURN NULL;
END $$""",
    # A delete sees the rows its snapshot sees: under READ COMMITTED (the store's own) each statement takes a new
    # one, so rows committed meanwhile are deleted too; under REPEATABLE READ they would be missed (a foreign key
    # raises a serialization failure there), so such a delete is refused.
    "CREATE OR REPLACE FUNCTION sms_submission_rows_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
    "    IF current_setting('transaction_isolation') <> 'read committed' THEN\n"
    "        RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',\n"
    "            MESSAGE = 'delete submissions in a READ COMMITTED transaction: their rows are deleted with them';\n"
    "    END IF;\n"
    + "".join(f"    DELETE FROM {key} WHERE submission_id IN (SELECT id FROM deleted);\n" for key in DATA_TABLES)
    + "    RETURN NULL;\nEND $$",
    # TRUNCATE fires no delete trigger: emptying ``submissions`` (PostgreSQL allows it only with CASCADE, the audit
    # table's foreign key being real) empties the data tables as a foreign key's cascade would.
    "CREATE OR REPLACE FUNCTION sms_submissions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
    f"    TRUNCATE {', '.join(DATA_TABLES)};\n    RETURN NULL;\nEND $$",
    "CREATE OR REPLACE FUNCTION sms_submission_id_kept() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
    "    IF " + "\n        OR ".join(f"EXISTS (SELECT 1 FROM {key} WHERE submission_id = OLD.id)"
                                   for key in DATA_TABLES) + " THEN\n"
    "        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',\n"
    "            MESSAGE = 'the id of submission ' || OLD.id || ' cannot change: rows name it';\n"
    "    END IF;\n    RETURN NEW;\nEND $$",
)


@sa.event.listens_for(metadata, "before_create")
def _set_based_key(target, connection, tables=(), **kw) -> None:
    """The trigger functions of :data:`SET_BASED_KEY`, made with the data tables on PostgreSQL (only then: two
    servers starting on one database would otherwise replace them at once)."""
    if connection.dialect.name == "postgresql" and any(t.name in DATA_TABLES for t in tables):
        for statement in SET_BASED_KEY:
            connection.exec_driver_sql(statement)


for _statement in (
    "CREATE TRIGGER submissions_delete_rows AFTER DELETE ON submissions REFERENCING OLD TABLE AS deleted "
    "FOR EACH STATEMENT EXECUTE FUNCTION sms_submission_rows_deleted()",
    "CREATE TRIGGER submissions_truncate_rows AFTER TRUNCATE ON submissions "
    "FOR EACH STATEMENT EXECUTE FUNCTION sms_submissions_truncated()",
    "CREATE TRIGGER submissions_id_kept BEFORE UPDATE OF id ON submissions FOR EACH ROW "
    "WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION sms_submission_id_kept()",
):
    sa.event.listen(submissions, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))
