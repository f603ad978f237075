"""The one way workbooks reach the store: checked together, then stored whole or not at all.

The CLI (``sms validate``, ``sms import``, ``sms demo``) and the review app (check again, submit)
both come through here, so a file is judged the same way wherever it is given:

- :func:`check` validates a set of workbooks together and against what is stored; nothing is stored.
- :func:`submit` checks them the same way, then stores each workbook that may be stored as its own
  submission, in dependency order (allocations → projects → disbursements → outputs, then the
  others), all in one transaction: a failure half way stores nothing.
- :func:`correct` is a checker's correction of a stored submission: the cells the checker changed are
  applied to the file as submitted (``services.edits``, in memory where that is exact, the corrected file
  written only to be stored), the workbook is checked the same way, and,
  with no error, stored as the next version of the same template, cost centre and year, replacing the
  version corrected, audited as corrected by the checker (``AuditAction.CORRECTED``) cell by cell with
  the reason. It is then the newest version and awaits a decision like any other: the checker (the
  health-region office, whose approval is what makes data final) approves it afterwards, or returns it;
  the maker reads the change and the reason on its page and does not have to acknowledge it.

A workbook is *held back* when it cannot become the current version: it is unreadable, has errors,
belongs to a cost centre the actor may not submit for, has none, or its template's current version
is approved (locked). The files checked together with a held-back one were checked against rows that
will not be stored, so they are checked again without it, against the store, until no other file is
held back: a projects workbook is never stored against allocations that were refused beside it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from domain.errors import Reason, Unreadable
from domain.findings import display
from domain.vocabulary import ImportOutcome, TemplateGroup
from importer.isolation import Parser
from importer.parse import ParsedWorkbook
from reference.reference_set import ReferenceSet
from services.edits import as_read, edited, write_parsed
from store.submissions import (
    Edit,
    Snapshot,
    check_base,
    current_submission,
    store_snapshot,
    stored_context,
)
from store.users import User
from store.workflow import WorkflowError, open_for_correction
from templates import UNIT_TEMPLATES
from templates.catalog import SHEETS
from validators.validate import FileReport, Report, check_together, read_many

Source = Path | ParsedWorkbook  # a file to read, or a workbook already parsed
ORDER = {t.key: i for i, t in enumerate(UNIT_TEMPLATES)}  # the catalog lists templates in dependency order


@dataclass
class Outcome:
    """What :func:`submit` did with one workbook: its :class:`ImportOutcome`, where it went (template,
    cost centre, fiscal year in BE, submission id and version), the rows added/changed/removed/unchanged
    against the previous version, and its validation report (findings, or why it is unreadable)."""

    file: str
    status: ImportOutcome
    template: str = ""
    cost_center: str = ""
    fiscal_year: int | None = None
    submission_id: int | None = None
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    report: FileReport | None = None


class NotYours(Unreadable):
    """A workbook of a cost centre the user may not submit for: refused before anything stored for that cost
    centre is compared with it (the findings would show another unit's figures)."""

    reason = Reason.NOT_ALLOWED

    def __init__(self, file: str, cost_center: str):
        if cost_center:
            th = f"ไฟล์ {file} เป็นของศูนย์ต้นทุน {cost_center} ซึ่งไม่ใช่ของคุณ กรุณาอัปโหลดไฟล์ของศูนย์ต้นทุนของคุณ"
            en = f"{file} belongs to cost centre {cost_center}, not yours; upload your own cost centre's workbook."
        else:  # a blank template not downloaded for a unit, or finance's GFMIS workbook
            th = (f"ไฟล์ {file} ไม่ได้ระบุศูนย์ต้นทุน (แบบฟอร์มเปล่าที่ไม่ได้ดาวน์โหลดจากระบบ หรือไฟล์ GFMIS ของกองคลัง) "
                  "กรุณาดาวน์โหลดแบบฟอร์มของคุณในหัวข้อที่ 1 ซึ่งระบุศูนย์ต้นทุนของคุณไว้แล้ว คัดลอกข้อมูลลงไป แล้วอัปโหลดอีกครั้ง")
            en = (f"{file} names no cost centre (a blank template not downloaded for your unit, or finance's GFMIS "
                  "workbook); download your template under step 1, which carries your cost centre, copy your rows "
                  "into it and upload it again.")
        super().__init__(th, en, file=file)


def read_all(sources: Iterable[Source], reference: ReferenceSet, *, as_of: dt.date, fiscal_year: int | None,
             allowed: set[str] | None, parser: Parser | None = None) -> list[FileReport]:
    """Each source read and checked on its own (parsed by ``parser``: default, each in a worker process that no
    file can take down); a workbook outside ``allowed`` (None: any cost centre) is refused with
    :class:`NotYours` and read no further; a unit's blank template (:func:`blank_unit_workbook`) is checked."""
    reports = read_many(list(sources), reference, as_of=as_of, fiscal_year=fiscal_year, parser=parser, later=True)
    for r in reports:
        if allowed is not None and r.parsed and r.cost_center not in allowed and not blank_unit_workbook(r):
            r.unreadable, r.parsed, r.findings, r.own_findings = NotYours(r.file, r.cost_center), None, [], []
            r.pending = None
    return reports


NO_COST_CENTRE = (  # what a maker reads of a unit's template that names no cost centre (checked, not sent)
    "ไฟล์นี้ไม่ได้ระบุศูนย์ต้นทุน (แบบฟอร์มเปล่าที่ไม่ได้ดาวน์โหลดจากระบบ) จึงตรวจได้แต่ส่งไม่ได้ "
    "กรุณาดาวน์โหลดแบบฟอร์มของคุณในหัวข้อที่ 1 ซึ่งระบุศูนย์ต้นทุนของคุณไว้แล้ว คัดลอกข้อมูลลงไป แล้วอัปโหลดอีกครั้ง",
    "This workbook names no cost centre (a blank template not downloaded for your unit): it is checked but "
    "cannot be sent. Download your template under step 1, which carries your cost centre, copy your rows into "
    "it and upload it again.")


REFERENCE_NOT_IMPORTED = (  # what the CLI says of the reference workbook given to sms import
    "ข้อมูลอ้างอิงไม่ได้นำเข้าด้วยคำสั่งนี้ ผู้ดูแลระบบโหลดด้วยคำสั่ง sms reference load ชื่อไฟล์",
    "Reference data is not imported with this command: the admin loads it with sms reference load FILE.")


NO_ROWS = (  # what is said of a workbook with no row refused because the current version has rows (_held)
    "ไฟล์นี้ไม่มีข้อมูลสักแถว ถ้ารับไว้จะลบข้อมูลของแบบฟอร์มนี้ที่ส่งไว้แล้วทั้งหมด จึงไม่รับ ให้กรอกข้อมูลแล้วส่งใหม่ "
    "หากต้องการถอนข้อมูลที่ส่งไว้ ให้ติดต่อผู้กำกับ",
    "This workbook holds no row: stored, it would remove every row already sent for this template, so it is "
    "not accepted. Fill in your rows and send it again; to withdraw what was sent, ask your checker.")


def refused_without_errors(report: FileReport) -> tuple[str, str] | None:
    """Why a workbook with no error was refused (Thai, English): a unit's blank template names no cost centre
    (:data:`NO_COST_CENTRE`), it holds no row while the current version has some (:data:`NO_ROWS`), or it
    is the reference data; None for any other workbook."""
    if not report.parsed or report.errors:
        return None
    if blank_unit_workbook(report):
        return NO_COST_CENTRE
    if not report.parsed.rows:
        return NO_ROWS
    return REFERENCE_NOT_IMPORTED if report.parsed.template.group == TemplateGroup.REFERENCE else None


def blank_unit_workbook(report: FileReport) -> bool:
    """A unit's template (an SMS step or hospital finance) whose ``_meta`` names no cost centre: checked like
    any other (no cost centre's stored data is read for it), never stored (``_rejected``: refused)."""
    return bool(report.parsed) and not report.cost_center and report.parsed.template.group in (
        TemplateGroup.STEP, TemplateGroup.HOSPITAL)


def check(engine: sa.Engine, sources: Iterable[Source], reference: ReferenceSet, *, as_of: dt.date | None = None,
          fiscal_year: int | None = None, allowed: set[str] | None = None, parser: Parser | None = None) -> Report:
    """Validate workbooks together and against what ``engine`` stores for their cost centres and years.

    Stores nothing and never raises for a bad file: an unreadable one is reported in its FileReport, and so
    is one of a cost centre outside ``allowed`` (None: any), refused with :class:`NotYours` before anything
    stored is read for it. ``as_of`` defaults to today; ``fiscal_year`` (BE) applies to files that do not
    say theirs. ``parser`` parses the files not parsed yet (default: each in a worker process,
    ``importer.isolation.parse_isolated``; a file that crashes the reader is reported unreadable).
    """
    as_of = as_of or dt.date.today()
    reports = read_all(sources, reference, as_of=as_of, fiscal_year=fiscal_year, allowed=allowed, parser=parser)
    return check_together(reports, reference, as_of=as_of, stored=stored_context(engine))


def _rejected(report: FileReport, allowed: set[str] | None) -> ImportOutcome | None:
    """Why a workbook never reaches the store (None: it goes there, to be stored or recorded as refused)."""
    if isinstance(report.unreadable, NotYours):
        return ImportOutcome.FORBIDDEN
    if report.unreadable:
        return ImportOutcome.UNREADABLE
    template = report.parsed.template
    if template.group == TemplateGroup.REFERENCE or not (report.cost_center or template.group == TemplateGroup.FINANCE):
        return ImportOutcome.REFUSED  # reference data is loaded by the admin; a unit workbook needs its cost centre
    return None


def _held(report: FileReport, allowed: set[str] | None, current: Mapping[tuple[str, str, int], Mapping]
          ) -> ImportOutcome | None:
    """Why a checked workbook cannot become the current version (None: it can): ``current`` holds the current
    version of each (template, cost centre, year) given. Locked when that is approved; refused for errors,
    and for holding no row where that has rows (an empty template sent by mistake would remove them all)."""
    if why := _rejected(report, allowed):
        return why
    now = current.get((report.parsed.template.key, report.cost_center, report.fiscal_year))
    if now is not None and now["locked"]:
        return ImportOutcome.LOCKED
    if report.errors or (not report.parsed.rows and now is not None and now["rows"]):
        return ImportOutcome.REFUSED
    return None


def held_back(engine: sa.Engine, reports: Sequence[FileReport], allowed: set[str] | None = None
              ) -> list[ImportOutcome | None]:
    """For each workbook as checked (in ``reports``' order), why a submit now would not store it: refused for
    its errors, for naming no cost centre or for holding no row where the current version has rows,
    unreadable, forbidden (outside ``allowed``), or locked (its current version is approved); None where it
    would be stored. What the maker's page says before Submit."""
    current = _current(engine, reports)
    return [_held(report, allowed, current) for report in reports]


def _current(engine: sa.Engine, reports: Sequence[FileReport]) -> dict[tuple[str, str, int], Mapping]:
    """The current version (``store.submissions.current_submission``'s record) of each (template, cost centre,
    year) of the given workbooks that has one."""
    out = {}
    with engine.connect() as conn:
        for r in reports:
            if r.parsed:
                key = (r.parsed.template.key, r.cost_center, r.fiscal_year)
                if (record := current_submission(conn, *key)) is not None:
                    out[key] = record
    return out


def settle(engine: sa.Engine, reports: list[FileReport], reference: ReferenceSet, *, as_of: dt.date,
           allowed: set[str] | None = None) -> dict[int, ImportOutcome]:
    """Check ``reports`` together, then again without each file that is held back, until none more is.

    Returns, by position in ``reports``, why each held-back file cannot be stored; the others may be.
    Every report's findings are those of the last check it took part in.
    """
    stored = stored_context(engine)
    current = _current(engine, reports)
    held: dict[int, ImportOutcome] = {}
    checking = list(range(len(reports)))
    while checking:
        check_together([reports[i] for i in checking], reference, as_of=as_of, stored=stored)
        newly = {i: why for i in checking if (why := _held(reports[i], allowed, current))}
        held.update(newly)
        groups = {(reports[i].cost_center, reports[i].fiscal_year) for i in newly}
        # only the files that shared a group with a held-back one were checked against rows now missing
        checking = [i for i in checking if i not in newly and reports[i].parsed
                    and (reports[i].cost_center, reports[i].fiscal_year) in groups]
    return held


def snapshot(report: FileReport) -> Snapshot:
    """What the store keeps of a checked workbook: its template, cost centre, year, file and typed rows."""
    parsed = report.parsed
    return Snapshot(parsed.template.key, parsed.workbook.version, report.cost_center, report.fiscal_year,
                    report.file, report.path.read_bytes(), {k: ps.values for k, ps in parsed.sheets.items()},
                    report.errors, report.warnings)


def submit(engine: sa.Engine, sources: Iterable[Source], reference: ReferenceSet, *, actor: str,
           as_of: dt.date | None = None, fiscal_year: int | None = None, allowed: set[str] | None = None,
           bases: Mapping[str, tuple[int, int] | None] | None = None,
           edits: Mapping[str, Sequence[Edit]] | None = None, parser: Parser | None = None) -> list[Outcome]:
    """Check workbooks together, then store each one that may be, whole, in one transaction.

    ``allowed`` limits the cost centres ``actor`` may submit for (None: any). ``bases`` gives, by file
    name, the (submission id, revision) the review app's edits of that file started from (None: none was
    stored then), and ``edits``
    the cell edits to audit with it; when a newer version was stored since, the whole call raises
    ``store.submissions.StaleEdit`` and stores nothing. A refused workbook is recorded as a refused
    submission (no rows), as the completeness board counts them. Returns one :class:`Outcome` per source,
    in the order given. ``parser`` parses the files as in :func:`check`.
    """
    as_of = as_of or dt.date.today()
    reports = read_all(sources, reference, as_of=as_of, fiscal_year=fiscal_year, allowed=allowed, parser=parser)
    held = settle(engine, reports, reference, as_of=as_of, allowed=allowed)
    outcomes = [_outcome(r, held.get(i)) for i, r in enumerate(reports)]
    # refused and locked workbooks go to the store too: it records a refusal, and says what is locked; one held
    # back for no error of its own (an empty workbook over a version with rows: _held) goes nowhere
    to_store = [i for i, r in enumerate(reports) if not _rejected(r, allowed)
                and not (held.get(i) == ImportOutcome.REFUSED and not r.errors)]
    bases, edits = bases or {}, edits or {}
    with engine.begin() as conn:
        for i in sorted(to_store, key=lambda i: ORDER[reports[i].parsed.template.key]):
            shot = snapshot(reports[i])
            if shot.file_name in bases:
                check_base(conn, shot, bases[shot.file_name])
            stored = store_snapshot(conn, shot, actor, as_of, edits.get(shot.file_name, ()))
            outcomes[i].status, outcomes[i].submission_id = stored.status, stored.submission_id
            outcomes[i].version, outcomes[i].counts = stored.version, stored.counts
    return outcomes


def _outcome(report: FileReport, held: ImportOutcome | None) -> Outcome:
    """The outcome of a workbook before the store has its say (the store fills in the rest)."""
    if held == ImportOutcome.FORBIDDEN:
        return Outcome(report.file, held, cost_center=report.cost_center, report=report)
    if report.unreadable:
        return Outcome(report.file, ImportOutcome.UNREADABLE, report=report)
    template = report.parsed.template.key
    if held == ImportOutcome.REFUSED and not report.errors:  # no cost centre, reference data, or no row
        return Outcome(report.file, held, template, report=report)
    return Outcome(report.file, held or ImportOutcome.STORED, template, report.cost_center, report.fiscal_year,
                   report=report)


def correct(engine: sa.Engine, reference: ReferenceSet, user: User, submission_id: int, revision: int,
            edits: Iterable[Edit], reason: str, *, parser: Parser | None = None) -> Outcome:
    """A checker's correction of a stored submission, seen at ``revision``: ``edits`` (cells by sheet key, Excel
    row and column key, new text as typed; their ``old`` is taken from the file) applied to the file as it was
    submitted, checked as an upload is, and stored as the next version by ``user`` with ``reason``.

    Raises ``store.workflow.WorkflowError`` when ``user`` may not correct it now
    (``store.workflow.open_for_correction``: role, region, reason, newest, unchanged, awaiting a decision), names
    a cell the file does not have, or changes none. A corrected workbook with an error (or one that cannot be
    read) stores nothing: the :class:`Outcome` says so with its report, for the checker to fix further. Stored,
    it keeps the submission's file name, cost centre, fiscal year and data-as-of date.
    """
    with engine.connect() as conn:  # refused before any file is read
        row = open_for_correction(conn, reference, user, submission_id, revision, reason)
    as_of, allowed = row["as_of"] or dt.date.today(), user.cost_centers(reference)
    folder = Path(tempfile.mkdtemp(prefix="sms-correct-"))
    try:
        submitted = folder / "submitted" / row["file_name"]
        submitted.parent.mkdir()
        submitted.write_bytes(row["file_bytes"])
        [original] = read_all([submitted], reference, as_of=as_of, fiscal_year=row["fiscal_year"], allowed=allowed,
                              parser=parser)
        if original.unreadable:
            return Outcome(original.file, ImportOutcome.UNREADABLE, report=original)
        changes = cell_changes(original.parsed, edits)
        corrected = edited(original.parsed, changes, reference, folder / "corrected" / row["file_name"],
                           cost_center=row["cost_center"], fiscal_year=row["fiscal_year"])
        reports = read_all([corrected], reference, as_of=as_of, fiscal_year=row["fiscal_year"], allowed=allowed,
                           parser=parser)
        held = settle(engine, reports, reference, as_of=as_of, allowed=allowed)
        outcome = _outcome(reports[0], held.get(0))
        if held:
            return outcome
        if isinstance(corrected, ParsedWorkbook):  # checked in memory: the file is written to be stored
            write_parsed(corrected, reference)
        with engine.begin() as conn:
            open_for_correction(conn, reference, user, submission_id, revision, reason)  # still so, under lock
            stored = store_snapshot(conn, snapshot(reports[0]), user.name, as_of, changes, reason.strip())
        outcome.status, outcome.submission_id = stored.status, stored.submission_id
        outcome.version, outcome.counts = stored.version, stored.counts
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cell_changes(parsed: ParsedWorkbook, edits: Iterable[Edit]) -> list[Edit]:
    """The edits that change a cell of ``parsed``, each with the cell as the file holds it for ``old`` (what was
    submitted, whatever a page showed) and both values as the reader reads them (``services.edits.as_read``).

    Raises ``store.workflow.WorkflowError`` for a cell the workbook does not have, or when nothing changes.
    """
    cells, out = {}, []
    for e in edits:
        ps = parsed.sheets.get(e.sheet)
        if ps is None or e.column not in ps.sheet.keys or e.row not in ps.values.index:
            sheet = SHEETS[e.sheet][1].name if e.sheet in SHEETS else e.sheet
            raise WorkflowError(f"ไม่มีช่องที่แก้ไข (แผ่นงาน {sheet} แถว {e.row}) ในไฟล์ที่ส่ง กรุณาโหลดหน้าใหม่",
                                f"The edited cell (sheet {sheet}, row {e.row}) is not in the submitted file; "
                                "reload the page.", Reason.BAD_VALUE)
        if e.sheet not in cells:
            cells[e.sheet] = ps.cells()
        col = ps.sheet.column(e.column)
        old, new = as_read(display(cells[e.sheet].at[e.row, e.column]), col), as_read(e.new, col)
        if old != new:
            out.append(Edit(e.sheet, e.row, e.column, old, new))
    if not out:
        raise WorkflowError("ยังไม่มีช่องใดเปลี่ยน กรุณาแก้ไขค่าในตารางก่อน", "No cell is changed; edit a value in the grid "
                            "first.", Reason.BAD_VALUE)
    return out
