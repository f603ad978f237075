"""Submissions: whole workbooks stored in one transaction, versioned, never overwritten.

A submission is a full snapshot of one cost centre's template for one fiscal year. The newest
accepted version is current; every earlier one, and the bytes of every file, stay. A workbook with
any error stores none of its rows, only a record that the attempt was refused (for the completeness
board). The store only stores: what to store, and in which order, is decided by the submission
service (``services.submission``), which validates first and gives each function here the open
connection of its one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from domain.errors import Reason, SmsError
from domain.frames import LazyFrames
from domain.vocabulary import AuditAction, ImportOutcome, RowChange, SubmissionStatus
from store.ingest import insert_rows
from store.schema import DATA_TABLES, audit, submissions
from templates import TEMPLATES, UNIT_TEMPLATES, Template
from templates.spec import Sheet

ACCEPTED = SubmissionStatus.accepted()


@dataclass(frozen=True)
class Snapshot:
    """One checked workbook as the store keeps it.

    ``sheets`` holds the typed rows per sheet key: the spec's columns (``templates.spec.Sheet.dtypes``;
    money in baht as floats with at most 2 decimals, dates as ``datetime.date``), indexed by the Excel
    row each was read from. ``errors`` and ``warnings`` are the validators' counts: with any error the
    snapshot is refused, not stored.
    """

    template: str
    template_version: int
    cost_center: str  # "" for a workbook of every cost centre (finance's GFMIS)
    fiscal_year: int
    file_name: str
    content: bytes
    sheets: Mapping[str, pd.DataFrame]
    errors: int = 0
    warnings: int = 0

    @property
    def rows(self) -> int:
        return sum(len(frame) for frame in self.sheets.values())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Stored:
    """What the store did with a snapshot: its :class:`ImportOutcome` (stored, unchanged, locked or refused),
    the submission it is now (None when locked), its version, and rows added/changed/removed/unchanged."""

    status: ImportOutcome
    submission_id: int | None = None
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


def now() -> dt.datetime:
    """The current time in UTC: every timestamp the store writes."""
    return dt.datetime.now(dt.UTC)


# A submission's record without the workbook it keeps: a check of one template asks for the current version of
# every other, and read whole each was its file too (5.5 MB for 100,000 payments), on every check.
RECORD = [c for c in submissions.c if c.key != "file_bytes"]


def current_submission(conn: sa.Connection, template: str, cost_center: str, fiscal_year: int):
    """The newest accepted submission of a template for a cost centre and year (its :data:`RECORD`), or None."""
    s = submissions.c
    return conn.execute(
        sa.select(*RECORD).where(s.template == template, s.cost_center == cost_center,
                                 s.fiscal_year == fiscal_year, s.status.in_(ACCEPTED))
        .order_by(s.version.desc()).limit(1)).mappings().first()


def sheet_rows(conn: sa.Connection, sheet: Sheet, submission_id: int) -> pd.DataFrame:
    """One submission's rows of one sheet: the spec's columns, typed (``Sheet.dtypes``), indexed by Excel row
    (``row_number``)."""
    table = DATA_TABLES[sheet.key]
    frame = pd.read_sql(sa.select(table).where(table.c.submission_id == submission_id)
                        .order_by(table.c.row_number), conn)
    return frame.set_index("row_number")[sheet.keys].astype(sheet.dtypes)


def submission_rows(conn: sa.Connection, template: Template, submission_id: int) -> dict[str, pd.DataFrame]:
    """A submission's rows per sheet key (see :func:`sheet_rows`)."""
    return {sheet.key: sheet_rows(conn, sheet, submission_id) for sheet in template.sheets}


def stored_rows(engine: sa.Engine, cost_center: str, fiscal_year: int,
                templates: Iterable[Template]) -> Mapping[str, pd.DataFrame]:
    """The current rows of a cost centre's templates for a fiscal year, by sheet key, each sheet read from the
    database only when a rule first asks for it (a 30-row disbursements workbook needs two sheets, not six).

    Frames have the spec's columns, typed, and ``_row`` (each row's Excel row in the stored workbook), on a
    RangeIndex; a sheet of a template with no current version is absent.
    """
    templates = list(templates)
    with engine.connect() as conn:
        currents = {t.key: current_submission(conn, t.key, cost_center, fiscal_year) for t in templates}
    where = {sheet.key: (sheet, current["id"]) for t in templates if (current := currents[t.key])
             for sheet in t.sheets}

    def read(sheet_key: str) -> pd.DataFrame:
        sheet, submission_id = where[sheet_key]
        with engine.connect() as conn:
            return sheet_rows(conn, sheet, submission_id).rename_axis("_row").reset_index()
    return LazyFrames(where, read)


def stored_context(engine: sa.Engine):
    """What the validators compare new workbooks with (``validators.validate.Stored``): for a cost centre, a
    fiscal year and the templates given, the current rows of the other unit templates (:func:`stored_rows`)."""
    def stored(cost_center: str, fiscal_year: int, given: set[str]) -> Mapping[str, pd.DataFrame]:
        others = [t for t in UNIT_TEMPLATES if t.key not in given]
        return stored_rows(engine, cost_center, fiscal_year, others)
    return stored


def known_keys(engine: sa.Engine, template: Template, cost_center: str, fiscal_year: int) -> dict[str, list[str]]:
    """Keys stored for a cost centre that a template's columns refer to across workbooks.

    They feed a personalised template's dropdowns: the funding sheet offers the
    transfers allocated to the cost centre's units, payments its projects.
    """
    own = {s.key for s in template.sheets}
    wanted = {c.ref for s in template.sheets for c in s.columns if c.ref and c.ref.split(".")[0] not in own}
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for ref in sorted(wanted):
            sheet_key, column = ref.split(".")
            owner = next(t for t in TEMPLATES.values() if any(s.key == sheet_key for s in t.sheets))
            current = current_submission(conn, owner.key, cost_center, fiscal_year)
            if current is not None:
                table = DATA_TABLES[sheet_key]
                values = conn.execute(sa.select(table.c[column]).distinct().where(
                    table.c.submission_id == current["id"]).order_by(table.c[column])).scalars()
                out[ref] = [str(v) for v in values]
    return out


def diff_counts(template: Template, before: Mapping[str, pd.DataFrame], after: Mapping[str, pd.DataFrame]) -> dict:
    """Rows added, changed, removed and unchanged, matched by each sheet's primary key."""
    counts = dict.fromkeys(RowChange, 0)
    for sheet in template.sheets:
        pk, rest = list(sheet.primary_key), [k for k in sheet.keys if k not in sheet.primary_key]
        old = _as_text(before.get(sheet.key), sheet.keys).drop_duplicates(pk).set_index(pk)
        new = _as_text(after.get(sheet.key), sheet.keys).drop_duplicates(pk).set_index(pk)
        both = old.index.intersection(new.index)
        same = (old.loc[both, rest] == new.loc[both, rest]).all(axis=1)
        counts[RowChange.ADDED] += len(new.index.difference(old.index))
        counts[RowChange.REMOVED] += len(old.index.difference(new.index))
        counts[RowChange.UNCHANGED] += int(same.sum())
        counts[RowChange.CHANGED] += int((~same).sum())
    return counts


def _as_text(frame: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame:
    """Values compared as text, with blanks as "", so a stored row and a re-read one compare equal."""
    if frame is None:
        return pd.DataFrame(columns=keys)
    frame = frame[keys].astype(object)
    return frame.where(frame.notna(), "").astype(str)


def describe_counts(version: int, counts: Mapping[RowChange, int]) -> str:
    """"ฉบับที่ 2: เพิ่ม 1, แก้ 0, ลบ 0, เหมือนเดิม 4 / v2: added 1, changed 0, removed 0, unchanged 4"."""
    th = ", ".join(f"{c.th} {counts[c]:,}" for c in RowChange)
    en = ", ".join(f"{c.en} {counts[c]:,}" for c in RowChange)
    return f"ฉบับที่ {version}: {th} / v{version}: {en}"


def record_audit(conn: sa.Connection, actor: str, action: str, submission_id: int | None, comment: str = "",
                 **change) -> None:
    """Write one audit row (who, when, what, on which submission) in the caller's transaction; ``change`` gives
    the sheet, row_number, column, old_value and new_value of a cell edit."""
    conn.execute(audit.insert().values(at=now(), actor=actor, action=str(action), submission_id=submission_id,
                                       comment=comment, **change))


@dataclass(frozen=True)
class Edit:
    """One cell changed in the review app's editor: sheet key, Excel row, column key, old and new text."""

    sheet: str
    row: int
    column: str
    old: str
    new: str


class StaleEdit(SmsError):
    """Someone saved a newer version since the editor was opened: the later save is refused, nothing is written.
    The edits stay the user's draft in the review app (``store.drafts``), on the server."""

    reason = Reason.STALE_EDIT

    def __init__(self, file: str = ""):
        super().__init__(
            f"มีผู้อื่นบันทึก {file or 'ไฟล์นี้'} ฉบับใหม่กว่าหลังจากที่คุณเริ่มแก้ไข จึงยังไม่ได้บันทึกไฟล์ใด "
            "การแก้ไขของคุณเก็บเป็นฉบับร่างในระบบ (โหลดหน้าใหม่หรือออกจากระบบก็ไม่หาย) และดาวน์โหลดได้ "
            "ดูฉบับใหม่ในสถานะการส่งก่อน หากยังต้องการส่งฉบับของคุณ ให้อัปโหลดไฟล์ที่ดาวน์โหลดไว้อีกครั้งแล้วส่ง",
            f"Someone stored a newer version of {file or 'this file'} after you started editing, so nothing was "
            "stored. Your edits are kept as your draft on the server (a reload or signing out loses nothing) and "
            "can be downloaded. Look at the newer version under My submissions first; to submit yours on top of it, "
            "upload the downloaded workbook again and submit.", file=file)


def lock_versions(conn: sa.Connection, template: str, cost_center: str, fiscal_year: int) -> None:
    """Hold, until the caller's transaction ends, the right to write the versions of one template, cost centre
    and year: a second writer (another thread or app server) waits here, then reads what the first one wrote.

    Without it two saves read the same newest version and both write the next one, and a decision and a new
    version each change the older one on a view the other has already changed. On PostgreSQL it is an advisory
    lock on the key; SQLite has one writer at a time, so a write that changes nothing takes the database's
    write lock (the driver opens the transaction at the first write: call this before reading).
    """
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"{template}|{cost_center}|{fiscal_year}".encode()).digest()
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True))))
    else:
        conn.execute(submissions.update().where(sa.false()).values(revision=submissions.c.revision))


def newest_submission(conn: sa.Connection, template: str, cost_center: str, fiscal_year: int):
    """The newest submission of any status (a mapping of the submissions table's columns, or None):
    the one an edit must start from."""
    s = submissions.c
    return conn.execute(sa.select(submissions).where(s.template == template, s.cost_center == cost_center,
                                                     s.fiscal_year == fiscal_year)
                        .order_by(s.id.desc()).limit(1)).mappings().first()


def check_base(conn: sa.Connection, snapshot: Snapshot, base: tuple[int, int] | None) -> None:
    """Raise :class:`StaleEdit` unless the newest submission of the snapshot's template, cost centre and
    year is still ``base`` (submission id, revision), the one its edits started from, or still none when
    ``base`` is None (a colleague's first version stored meanwhile is as new as a second); the key stays
    locked (:func:`lock_versions`) for the caller's transaction, so no other save slips in before it ends."""
    lock_versions(conn, snapshot.template, snapshot.cost_center, snapshot.fiscal_year)
    newest = newest_submission(conn, snapshot.template, snapshot.cost_center, snapshot.fiscal_year)
    if ((newest["id"], newest["revision"]) if newest else None) != base:
        raise StaleEdit(snapshot.file_name)


def record_edits(conn: sa.Connection, actor: str, submission_id: int, edits: Iterable[Edit],
                 action: AuditAction = AuditAction.EDIT, comment: str = "") -> None:
    """Audit each cell edit against the submission it went into, in the caller's transaction: as ``action``
    (the maker's edit, or a checker's correction with its reason as ``comment``)."""
    for e in edits:
        record_audit(conn, actor, action, submission_id, comment, sheet=e.sheet, row_number=e.row, column=e.column,
                     old_value=e.old, new_value=e.new)


def replace_older(conn: sa.Connection, snapshot: Snapshot, submission_id: int, version: int, actor: str) -> None:
    """Mark every older version still awaiting a decision (submitted or returned) as replaced by the new one,
    in the caller's transaction, so only the newest version can be decided; each is audited and its revision
    bumped (a checker who opened it sees it changed)."""
    s = submissions.c
    waiting = (s.template == snapshot.template, s.cost_center == snapshot.cost_center,
               s.fiscal_year == snapshot.fiscal_year, s.id != submission_id,
               s.status.in_([SubmissionStatus.SUBMITTED.value, SubmissionStatus.RETURNED.value]))
    for older in conn.execute(sa.select(s.id, s.version).where(*waiting)).all():
        conn.execute(submissions.update().where(s.id == older.id)
                     .values(status=SubmissionStatus.REPLACED.value, revision=s.revision + 1))
        record_audit(conn, actor, AuditAction.REPLACED, older.id,
                     f"แทนที่ด้วยฉบับที่ {version} / replaced by version {version}")


def store_snapshot(conn: sa.Connection, snapshot: Snapshot, actor: str, as_of: dt.date | None,
                   edits: Iterable[Edit] = (), reason: str = "") -> Stored:
    """Store one snapshot whole, or record its refusal, in the caller's transaction (``conn``).

    - ``locked``: the current version is approved; nothing is written.
    - ``unchanged``: the file is byte for byte the current version; nothing is written.
    - ``refused``: the snapshot has errors; a refused submission (no rows) and its audit are written.
    - ``stored``: a new version with every row, audited with the rows added, changed, removed, unchanged.

    ``edits`` are audited against the new (or refused) submission. With a ``reason``, the snapshot is a
    checker's correction: the version and each edit are audited as ``AuditAction.CORRECTED``, each edit with
    the reason, which is how the new version is known as corrected by the checker. Raises only what the
    database raises; the caller's transaction then writes nothing. The versions of the snapshot's key are
    locked (:func:`lock_versions`) before anything is read.
    """
    lock_versions(conn, snapshot.template, snapshot.cost_center, snapshot.fiscal_year)
    current = current_submission(conn, snapshot.template, snapshot.cost_center, snapshot.fiscal_year)
    if current is not None and current["locked"]:
        return Stored(ImportOutcome.LOCKED, current["id"], current["version"])
    if current is not None and current["file_sha256"] == snapshot.sha256:
        return Stored(ImportOutcome.UNCHANGED, current["id"], current["version"])
    row = dict(template=snapshot.template, template_version=snapshot.template_version,
               cost_center=snapshot.cost_center, fiscal_year=snapshot.fiscal_year, file_name=snapshot.file_name,
               file_sha256=snapshot.sha256, file_bytes=snapshot.content, rows=snapshot.rows, errors=snapshot.errors,
               warnings=snapshot.warnings, as_of=as_of, submitted_by=actor, submitted_at=now(), locked=False,
               revision=0)
    if snapshot.errors:
        sid = conn.execute(submissions.insert().values(**row, status=SubmissionStatus.REFUSED.value)
                           ).inserted_primary_key[0]
        record_audit(conn, actor, AuditAction.REFUSED, sid,
                     f"ข้อผิดพลาด {snapshot.errors:,} รายการ / {snapshot.errors:,} error(s)")
        record_edits(conn, actor, sid, edits)
        return Stored(ImportOutcome.REFUSED, sid)
    latest = conn.execute(sa.select(sa.func.max(submissions.c.version)).where(
        submissions.c.template == snapshot.template, submissions.c.cost_center == snapshot.cost_center,
        submissions.c.fiscal_year == snapshot.fiscal_year)).scalar() or 0
    sid = conn.execute(submissions.insert().values(**row, status=SubmissionStatus.SUBMITTED.value,
                                                   version=latest + 1)).inserted_primary_key[0]
    replace_older(conn, snapshot, sid, latest + 1, actor)
    for key, frame in snapshot.sheets.items():
        if len(frame):
            insert_rows(conn, DATA_TABLES[key], frame, sid)
    template = TEMPLATES[snapshot.template]
    if current is None:  # a first version: everything is added
        counts = {**dict.fromkeys(RowChange, 0), RowChange.ADDED: snapshot.rows}
    else:
        counts = diff_counts(template, submission_rows(conn, template, current["id"]), snapshot.sheets)
    if reason:
        record_audit(conn, actor, AuditAction.CORRECTED, sid, describe_counts(latest + 1, counts))
        record_edits(conn, actor, sid, edits, AuditAction.CORRECTED, reason)
    else:
        record_audit(conn, actor, AuditAction.IMPORT, sid, describe_counts(latest + 1, counts))
        record_edits(conn, actor, sid, edits)
    return Stored(ImportOutcome.STORED, sid, latest + 1, counts)
