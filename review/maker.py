"""The maker's page: download the template, upload, see every problem, fix rows, submit.

The workbooks uploaded together are checked together, every time (``services.submission.check``):
after an upload, and after each "check again", every draft is checked with the others, as ``sms
validate`` checks files given together. Submitting sends all of them through the same service, which
stores each one whole, in dependency order, in one transaction. Uploads and edits are the user's drafts,
kept on the server as they happen (``review.drafts``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from domain.fiscal import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from domain.fiscal import fiscal_year as fiscal_year_of
from domain.vocabulary import Decision, ImportOutcome, RowChange, Severity
from review import corrections, notices, state
from review import drafts as kept
from review.display import cell_text, decisions_table, labelled, status_label, submissions_table, table, template_title
from review.drafts import check_drafts, drafts, reports, workdir
from review.editor import Draft, sheet_grid
from services.submission import (
    NO_COST_CENTRE,
    NO_ROWS,
    Outcome,
    blank_unit_workbook,
    held_back,
    refused_without_errors,
    submit,
)
from store.history import audit_trail, get_submission, list_submissions
from store.submissions import StaleEdit, newest_submission
from store.users import User
from templates import UNIT_TEMPLATES
from templates.headers import header
from templates.workbook import build_workbook
from validators.annotate import annotate, output_path, wants_full
from validators.validate import FileReport

UPLOADS = "uploads"
SUBMIT = "submit"  # where the page tells what the store did with each workbook (review.notices)
SUBMIT_BUTTON = "submit"  # the Submit button's key: True in the session state in the run its press starts


def template_download(user: User) -> None:
    st.subheader("1. ดาวน์โหลดแบบฟอร์ม / Download your template")
    left, right = st.columns([3, 1])
    choice = left.selectbox("แบบฟอร์ม / Template", [t for t in UNIT_TEMPLATES if t.key != "gfmis"],
                            format_func=lambda t: f"{t.th} / {t.en}")
    year = right.number_input("ปีงบประมาณ / Fiscal year", FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR,
                              fiscal_year_of(dt.date.today()))
    path = build_workbook(choice, workdir() / "templates" / f"{choice.key}_{user.cost_center}.xlsx",
                          state.reference(), fiscal_year=int(year), cost_center=user.cost_center)
    st.download_button("⬇ ดาวน์โหลด / Download", path.read_bytes(), file_name=path.name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def receive(user: User, uploads) -> None:
    """Keep new uploads as drafts (the upload box hands over every file on every run)."""
    for upload in uploads:
        content = upload.getvalue()
        key = f"{upload.name}:{hashlib.sha256(content).hexdigest()}"
        if key in st.session_state.setdefault("seen", set()):
            continue
        st.session_state["seen"].add(key)
        kept.add_upload(user, upload.name, content)


FINDING_COLUMNS = ("sheet", "cell", "rule", "severity", "value", "message_th", "message_en")


def findings_frame(findings: list, tab: Callable[[str], str]) -> pd.DataFrame:
    """Findings as a table for people: the sheet's name (its tab in the workbook: ``tab``, a report's
    ``FileReport.tab``), the severity's words, the value as its column reads (an amount with separators; one
    typed unreadably as typed), headers from the vocabulary."""
    frame = pd.DataFrame([{"sheet": tab(f.sheet), "cell": f.cell,
                           "rule": f.rule, "severity": Severity(f.severity).label,
                           "value": cell_text(f.value, f.sheet, f.column),
                           "message_th": f.message_th, "message_en": f.message_en} for f in findings],
                         columns=list(FINDING_COLUMNS))
    return labelled(frame)


def findings_table(report: FileReport) -> None:
    frame = findings_frame(report.findings, report.tab)
    if frame.empty:
        st.success("ไม่พบปัญหา / No problem found")
        return
    filters = [str(header(key)) for key in ("sheet", "rule", "severity")]
    for column, where in zip(filters, st.columns(3), strict=True):
        chosen = where.multiselect(column, sorted(frame[column].unique()), key=f"f-{column}-{report.file}",
                                   placeholder="ทั้งหมด / All")
        if chosen:
            frame = frame[frame[column].isin(chosen)]
    table(frame)


def sheet_editor(report: FileReport, draft: Draft, user: User) -> None:
    parsed = report.parsed
    sheets = [s for s in parsed.template.sheets if s.key in parsed.sheets]
    sheet = st.selectbox("แก้ไขแผ่นงาน / Edit sheet", sheets, format_func=lambda s: f"{s.name} / {s.en}",
                         key=f"sheet-{report.file}")
    key = f"editor-{report.file}-{sheet.key}-{len(draft.edits)}"
    grid = sheet_grid(parsed.sheets[sheet.key], report.findings, state.reference(), user.cost_center, key,
                      overlay=lambda rows, held: kept.with_pending(rows, report.file, sheet, held))
    pending = kept.note_grid(user, report.file, grid)
    if st.button("ตรวจอีกครั้ง / Check again", key=f"recheck-{report.file}", disabled=not pending):
        kept.check_again(user, report.file, [*draft.edits, *pending.values()])
        check_drafts()
        st.rerun()


SUBMITTED = {  # what the maker reads after submitting, by outcome
    ImportOutcome.UNCHANGED: "เหมือนฉบับล่าสุด ไม่มีอะไรเปลี่ยน / Identical to the current version; nothing changed",
    ImportOutcome.LOCKED: "ฉบับปัจจุบันอนุมัติแล้ว ให้ผู้กำกับเปิดให้แก้ไขก่อน / The current version is approved; "
                          "ask your checker to reopen it",
    ImportOutcome.REFUSED: "ยังมีข้อผิดพลาด ไม่ได้บันทึก / Errors remain; nothing was stored",
}


def told(outcome: Outcome) -> tuple[bool, str]:
    """What the store did with a workbook after a submit, in Thai and English: (a success, the text)."""
    if outcome.status == ImportOutcome.STORED:  # with what changed against the version it replaced, as the CLI says
        changes = ", ".join(f"{c.th}/{c.en} {outcome.counts[c]:,}" for c in RowChange if c in outcome.counts)
        return True, (f"**{outcome.file}**: บันทึกแล้ว ฉบับที่ {outcome.version} / Stored as version {outcome.version}"
                      + (f" ({changes})" if changes else ""))
    if outcome.status == ImportOutcome.UNCHANGED:
        return True, f"**{outcome.file}**: {SUBMITTED[outcome.status]}"
    if outcome.status in (ImportOutcome.FORBIDDEN, ImportOutcome.UNREADABLE):
        return False, (f"**{outcome.file}**: {outcome.report.unreadable.message_th}\n\n"
                       f"{outcome.report.unreadable.message_en}")
    if outcome.status == ImportOutcome.REFUSED and outcome.report and (why := refused_without_errors(outcome.report)):
        return False, f"**{outcome.file}**: {why[0]}\n\n{why[1]}"
    return False, f"**{outcome.file}**: {SUBMITTED[outcome.status]}"


def submit_drafts(user: User) -> None:
    """Submit every draft together through the one submission service; one notice per workbook says what the
    store did with it (``review.notices``: it survives the run being stopped right after the store)."""
    engine, reference = state.engine(), state.reference()
    pending, box, bases = drafts(), notices.inbox(), kept.bases()
    for draft in pending.values():  # each file is stored with its submission: written now if held in memory
        draft.file(reference)
    try:
        outcomes = submit(engine, [d.parsed or d.path for d in pending.values()], reference, actor=user.name,
                          as_of=dt.date.today(), allowed=user.cost_centers(reference),
                          bases=bases, edits={k: d.edits for k, d in pending.items()})
    except StaleEdit as stale:  # nothing was stored: said here, with each edited workbook to download
        st.error(f"{stale.message_th}\n\n{stale.message_en}")
        for name, draft in pending.items():
            if draft.edits:
                st.download_button(f"⬇ {name} ที่คุณแก้ไข / your edited {name}", draft.path.read_bytes(),
                                   file_name=name, key=f"stale-{name}")
        return
    for outcome in outcomes:
        ok, text = told(outcome)
        notices.post(box, SUBMIT, text, ok=ok)
    kept.forget(user, [o.file for o in outcomes if o.status.kept])
    st.rerun()


def remember_base(user: User, report: FileReport) -> None:
    """The submission an edit starts from, so a later save over someone else's newer version is refused."""
    if report.file not in kept.bases() and report.cost_center:
        with state.engine().connect() as conn:
            newest = newest_submission(conn, report.parsed.template.key, report.cost_center, report.fiscal_year)
        kept.remember_base(user, report, (newest["id"], newest["revision"]) if newest else None)


def draft_card(name: str, draft: Draft, report: FileReport, user: User) -> None:
    with st.container(border=True):
        st.markdown(f"**{name}** — {report.parsed.template.th} / {report.parsed.template.en}, "
                    f"ศูนย์ต้นทุน {report.cost_center or '-'}, ปีงบประมาณ {report.fiscal_year or '-'}")
        if blank_unit_workbook(report):
            st.warning(f"{NO_COST_CENTRE[0]}\n\n{NO_COST_CENTRE[1]}")
        a, b, c, d = st.columns(4)
        a.metric(str(header("rows")), f"{report.parsed.rows:,}")
        b.metric(str(header("errors")), f"{report.errors:,}")
        c.metric(str(header("warnings")), f"{report.warnings:,}")
        d.metric(str(header("edits")), f"{len(draft.edits):,}")
        findings_table(report)
        sheet_editor(report, draft, user)
        left, right = st.columns(2)
        # Both files are made when the button is pressed (Streamlit's deferred download), outside this run: the
        # edited workbook is written only then, and the page does not mark up a copy on every run.
        reference = state.reference()
        if report.findings:
            left.download_button("⬇ ไฟล์พร้อมจุดที่ต้องแก้ / Workbook with the problems marked",
                                 lambda: annotate(report, draft.file(reference).parent / "checked").read_bytes(),
                                 file_name=output_path(report, draft.path.parent / "checked", wants_full(report)).name,
                                 key=f"annotated-{name}",
                                 help="แก้ใน Excel แล้วอัปโหลดใหม่ / fix it in Excel and upload it again")
        else:
            left.download_button("⬇ ไฟล์ล่าสุด / Current workbook", lambda: draft.file(reference).read_bytes(),
                                 file_name=name, key=f"download-{name}")
        remove_button(user, name, right)


def remove_button(user: User, name: str, where) -> None:
    """Leave a file out of the submission; the others are checked again without it."""
    if where.button("นำไฟล์นี้ออก / Remove this file", key=f"remove-{name}",
                    help="ไม่ส่งไฟล์นี้ ไฟล์อื่นจะถูกตรวจใหม่โดยไม่มีไฟล์นี้ / leave it out; the others are "
                         "checked again without it"):
        kept.forget(user, [name])
        # The same file may be uploaded again, and the upload box starts empty (the others stay as drafts).
        st.session_state["seen"] = {k for k in st.session_state.get("seen", set()) if not k.startswith(f"{name}:")}
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1
        if drafts():
            check_drafts()
        st.rerun()


# Streamlit's upload box writes its button and its size limit in English only, with no option to change them:
# its own words are hidden and Thai with English drawn in their place (its element ids, streamlit 1.67).
UPLOADER_WORDS = """<style>
[data-testid=stFileUploaderDropzone] button > *, [data-testid=stFileUploaderDropzoneInstructions] > * {{display: none}}
[data-testid=stFileUploaderDropzone] button::after {{content: "เลือกไฟล์ / Browse files"}}
[data-testid=stFileUploaderDropzoneInstructions]::after {{
    content: "หรือลากไฟล์มาวางที่นี่ ไฟล์ละไม่เกิน {mb} MB / or drop them here, up to {mb} MB each"}}
</style>"""


def upload_section(user: User) -> None:
    st.subheader("2. อัปโหลดและตรวจ / Upload and check")
    st.html(UPLOADER_WORDS.format(mb=st.get_option("server.maxUploadSize")))
    # Any file may be dropped: the importer's gate says in Thai and English what a file that is not a workbook
    # is and what to do (Streamlit's own filter would answer with an English hover only).
    uploads = st.file_uploader("ไฟล์ Excel ที่กรอกแล้ว / Filled workbooks (.xlsx)", accept_multiple_files=True,
                               key=f"uploads-{st.session_state.get(UPLOADS, 0)}")
    kept.restore(user)
    if uploads:
        receive(user, uploads)
    if kept.unchecked():  # new uploads, or a run stopped before its check
        check_drafts()
    if drafts():
        st.caption("ไฟล์ที่อัปโหลดและการแก้ไขเก็บเป็นฉบับร่างของคุณในระบบทันที โหลดหน้าใหม่ ปิดแท็บ หรือออกจากระบบก็ไม่หาย / "
                   "Your uploads and edits are kept on the server as your draft as you work: a reload, a closed "
                   "tab or signing out loses nothing.")
    for name, draft in list(drafts().items()):
        report = reports()[name]
        if report.unreadable:
            st.error(f"**{name}**: {report.unreadable.message_th}\n\n{report.unreadable.message_en}")
            remove_button(user, name, st)
            continue
        remember_base(user, report)
        draft_card(name, draft, report, user)
    if drafts():
        names = list(drafts())
        held = {name: why for name, why in zip(names, held_back(state.engine(), [reports()[n] for n in names],
                                                                allowed=user.cost_centers(state.reference())),
                                               strict=True) if why}
        if held:  # Submit is off: said, file by file, rather than left for the user to guess
            reasons = "; ".join(f"{name} ({not_ready(reports()[name], why)})" for name, why in held.items())
            if st.session_state.get(SUBMIT_BUTTON):  # pressed while it was on: the store changed since (a checker
                # approved a current version, say); the disabled button drops the press, so say it was not sent
                st.error(f"ไม่ได้ส่ง ระหว่างนี้มีการเปลี่ยนแปลง / Nothing was submitted: it changed meanwhile: {reasons}")
            st.caption(f"ส่งได้เมื่อทุกไฟล์พร้อม ยังไม่พร้อม / Submit waits until every file is ready; not yet: {reasons}")
        if st.button(f"ส่งข้อมูล / Submit ({len(drafts())} ไฟล์ / files)", key=SUBMIT_BUTTON, type="primary",
                     disabled=bool(held), help="ส่งทุกไฟล์ข้างบนพร้อมกัน ได้เมื่อไม่มีข้อผิดพลาด / submits every "
                                               "workbook above together, once no error is left"):
            submit_drafts(user)
    notices.show(SUBMIT)


def my_submissions(user: User) -> None:
    st.subheader("3. สถานะการส่ง / My submissions")
    frame = list_submissions(state.engine(), user.cost_centers(state.reference()))
    if frame.empty:
        st.info("ยังไม่มีข้อมูลที่ส่ง / Nothing submitted yet")
        return
    # what a maker looks for first (which template, which version, where it stands) at the left, in sight
    table(submissions_table(frame, ["template", "version", "status", "submitted_at", "errors", "warnings", "rows",
                                    "fiscal_year", "cost_center", "submitted_by", "id"]))
    submitted_file(user, frame)
    trail = audit_trail(state.engine(), frame["id"].tolist())
    corrections.section(user, frame, trail)
    if trail["action"].isin(list(Decision)).any():
        st.markdown("**ความเห็นผู้กำกับ / Checker's comments**")
        table(decisions_table(trail, frame))


def not_ready(report: FileReport, why: ImportOutcome) -> str:
    """Why a workbook holds Submit back (``why``: ``services.submission.held_back``'s), in a few words before
    anything was sent: its card says the rest."""
    if why == ImportOutcome.REFUSED and report.errors:
        return f"ข้อผิดพลาด {report.errors:,} รายการ / {report.errors:,} error{'s' if report.errors != 1 else ''}"
    if why == ImportOutcome.REFUSED and (long := refused_without_errors(report)) in IN_SHORT:
        return IN_SHORT[long]
    return f"{why.th} / {why.en}"


IN_SHORT = {  # services.submission's reasons for refusing a workbook with no error, beside the Submit button
    NO_COST_CENTRE: "ไม่ได้ระบุศูนย์ต้นทุน / names no cost centre",
    NO_ROWS: "ไม่มีข้อมูล จะลบข้อมูลที่ส่งไว้แล้ว / no row: it would remove what was sent",
}


def submitted_file(user: User, listed: pd.DataFrame) -> None:
    """A download of the workbook a submission stored, as it was sent (``listed``: the maker's
    ``store.history.list_submissions`` rows); read from the store only when its button is pressed."""
    by_id = listed.set_index("id")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    sid = left.selectbox("ไฟล์ที่ส่งแล้ว / A submitted workbook", by_id.index.tolist(), key="submitted-file",
                         format_func=lambda i: f"#{i} {template_title(by_id.at[i, 'template'])} · ฉบับที่ / version "
                                               f"{int(by_id.at[i, 'version'])} · {status_label(by_id.at[i, 'status'])}")
    right.download_button("⬇ ไฟล์ที่ส่ง / Submitted file", lambda: stored_file(user, sid),
                          file_name=by_id.at[sid, "file_name"], key="submitted-download")


def stored_file(user: User, submission_id: int) -> bytes:
    """The bytes of a stored workbook the user may see (its scope is part of the query)."""
    return get_submission(state.engine(), submission_id, user.cost_centers(state.reference()))["file_bytes"]


def page(user: User) -> None:
    st.header("ส่งข้อมูล / Submit data")
    template_download(user)
    upload_section(user)
    my_submissions(user)
