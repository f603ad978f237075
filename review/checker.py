"""The checker's page: the region's queue, each submission's changes, warnings and totals, a correction, and the
decision.

A checker (or an admin) whose region holds the cost centre may correct a version awaiting a decision
instead of returning it for a small fix: it edits the flagged rows in the maker's kind of grid
(``review.editor.sheet_grid``), gives a reason, and the edit goes through the one submission path
(``services.submission.correct``: checked like an upload, stored as the next version, audited cell by
cell as corrected by the checker). As a health-region office works, the corrected version is then
awaiting approval like any other, and the checker approves it (or returns it) afterwards: a correction
is never an approval by itself, and the approval stays one recorded decision. The maker is informed, not
asked: its page lists each changed cell with the reason (``review.corrections``). Inspectors read and see
no edit control; the store refuses anyone else anyway (``store.workflow.open_for_correction``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.vocabulary import AuditAction, Decision, ImportOutcome, RowChange, SubmissionStatus
from review import notices, state
from review.display import audit_table, diff_table, status_label, submissions_table, table, when
from review.editor import sheet_grid
from review.maker import findings_frame
from services.submission import check, correct
from store import queries
from store.history import audit_trail, get_submission, list_submissions
from store.submissions import Edit, submission_rows
from store.users import User
from store.workflow import CORRECTABLE, DECIDERS, TRANSITIONS, WorkflowError, decide
from templates import TEMPLATES
from templates.headers import header
from validators.validate import FileReport

S = SubmissionStatus
QUEUE_STATUSES = {S.SUBMITTED.label: [S.SUBMITTED], S.RETURNED.label: [S.RETURNED], S.APPROVED.label: [S.APPROVED],
                  S.REPLACED.label: [S.REPLACED], "ทั้งหมด / all": list(S.kept())}
SHOW, OPEN, OPEN_NEXT, CHECKED = "queue-status", "open-submission", "open-next", "stored-report"  # session keys
SHOWN = "shown-submission"  # session key: (id, revision) of the submission the detail showed, as it was then
NOTHING = "ไม่มีรายการ / Nothing here"
DECISION = "decision"  # where the page tells a decision's or a correction's outcome (review.notices)


def stored_report(row: dict) -> FileReport:
    """The stored file checked again as it was submitted: its warnings, and the workbook the correction grid
    shows. Checked once per version and revision in a session (the newest one opened is kept)."""
    key = (row["id"], row["revision"])
    kept = st.session_state.get(CHECKED)
    if kept is None or kept[0] != key:
        folder = Path(tempfile.mkdtemp(prefix="sms-check-"))
        path = folder / row["file_name"]
        path.write_bytes(row["file_bytes"])
        report = check(state.engine(), [path], state.reference(), as_of=row["as_of"] or dt.date.today()).files[0]
        kept = st.session_state[CHECKED] = (key, report)
    return kept[1]


def totals_of(row: dict) -> pd.DataFrame:
    template = TEMPLATES[row["template"]]
    with state.engine().connect() as conn:
        rows = submission_rows(conn, template, row["id"])
    out = []
    for sheet in template.sheets:
        frame = rows[sheet.key]
        money = [c for c in sheet.columns if c.type == "money"]
        out.append({str(header("sheet")): f"{sheet.name} / {sheet.en}", str(header("rows")): len(frame),
                    **{str(header(c.key, sheet.key)): f"{frame[c.key].sum():,.2f}" for c in money}})
    return pd.DataFrame(out).fillna("")


def changes_since_previous(user: User, row: dict) -> None:
    st.markdown("**เปลี่ยนแปลงจากฉบับก่อน / Changes since the previous version**")
    diff = queries.submission_diff(state.engine(), row["id"], cost_centers=user.cost_centers(state.reference()))
    changed = {key: frame for key, frame in diff.items() if not frame.empty}
    if not changed:
        st.caption("ไม่มีการเปลี่ยนแปลง หรือเป็นฉบับแรก / No change, or the first version")
        return
    for key, frame in changed.items():
        counts = frame["change"].value_counts()
        sheet = TEMPLATES[row["template"]].sheet(key)
        with st.expander(f"{sheet.name} / {sheet.en}: " + ", ".join(f"{RowChange(k).label} {n}"
                                                                     for k, n in counts.items())):
            table(diff_table(frame, sheet))


def decision(user: User, row: dict) -> None:
    """The checker's buttons, each enabled when the submission's status allows it, with what the last one
    pressed did to it above them; none for a role that cannot decide (the store refuses it anyway:
    store.workflow.decide)."""
    if user.role not in DECIDERS:
        st.caption("ผู้ตรวจราชการดูได้อย่างเดียว การอนุมัติหรือส่งกลับเป็นของผู้กำกับดูแล / Inspectors read; "
                   "checkers approve or return.")
        return
    notices.show(DECISION, lambda notice: notice.about == row["id"])
    # One form: the comment travels with the click that decides. A text area alone sends its value in a run of
    # its own (on Ctrl+Enter or leaving it), and the page drawn by that run may already show the submission
    # changed by someone else, with the button the checker was reaching for disabled under the pointer.
    with st.form(f"decide-{row['id']}", border=False, enter_to_submit=False):
        st.text_area("ความเห็น / Comment", key=f"comment-{row['id']}",
                     placeholder="จำเป็นเมื่อส่งกลับ / required to return")
        a, b, c = st.columns(3)
        for column, action, mark in ((a, Decision.APPROVE, "✓ "), (b, Decision.RETURN, "↩ "),
                                     (c, Decision.REOPEN, "")):
            with column:
                st.form_submit_button(f"{mark}{action.th} / {action.en.capitalize()}", key=f"{action}-{row['id']}",
                                      disabled=row["status"] not in TRANSITIONS[action][0], on_click=take_decision,
                                      args=(user, row["id"], row["revision"], action))


def take_decision(user: User, submission_id: int, revision: int, action: Decision) -> None:
    """The button's callback: Streamlit runs it first thing in the next run, before the page is drawn again, so
    a click is taken even when the submission has left the queue meanwhile (another checker decided it, a
    newer version replaced it), and the store's refusal then says so instead of the click vanishing. The
    comment is the one the browser sent with the click."""
    box, label = notices.inbox(), f"{action.th} / {action.en.capitalize()}"  # a leading mark would become the icon
    comment = st.session_state.get(f"comment-{submission_id}", "")
    try:
        decide(state.engine(), state.reference(), user, submission_id, revision, action, comment)
    except WorkflowError as exc:
        notices.post(box, DECISION, f"{label} #{submission_id} ไม่ได้บันทึก / not recorded: {exc.message_th}\n\n"
                                    f"{exc.message_en}", ok=False, about=submission_id)
    else:
        notices.post(box, DECISION, f"{label}: #{submission_id}", about=submission_id)


def correction(user: User, row: dict, report: FileReport) -> None:
    """The checker's correction (see the module's docstring): the grid of one sheet, opening at the first with a
    flagged row, a required reason, and a button that checks and stores the edits as the next version. Nothing
    for a role that may not correct; a caption for a version that is not awaiting a decision."""
    if user.role not in DECIDERS:
        return
    st.markdown("**แก้ไขข้อมูลแทนหน่วยงาน / Correct the data for the unit**")
    if row["status"] not in CORRECTABLE:
        st.caption("แก้ไขได้เฉพาะฉบับที่รอตรวจหรือส่งกลับ ฉบับที่อนุมัติแล้วต้องเปิดให้แก้ไขก่อน / Only a version "
                   "awaiting a decision can be corrected; reopen an approved one first.")
        return
    if report.unreadable:  # a file stored under an older template version the reader no longer takes
        st.caption(f"{report.unreadable.message_th} / {report.unreadable.message_en}")
        return
    parsed, sid = report.parsed, row["id"]
    sheets = [s for s in parsed.template.sheets if s.key in parsed.sheets]
    flagged = {f.sheet for f in report.findings if f.row is not None}
    sheet = st.selectbox("แก้ไขแผ่นงาน / Edit sheet", sheets, key=f"correct-sheet-{sid}",
                         index=next((i for i, s in enumerate(sheets) if s.key in flagged), 0),
                         format_func=lambda s: f"{s.name} / {s.en}")
    grid = sheet_grid(parsed.sheets[sheet.key], report.findings, state.reference(), row["cost_center"],
                      f"correct-{sid}-{row['revision']}-{sheet.key}")
    pending = [e for e in grid if e.old != e.new]
    reason = st.text_area("เหตุผลที่แก้ไข (จำเป็น) / Reason for the correction (required)", key=f"reason-{sid}",
                          placeholder="ผู้บันทึกจะเห็นเหตุผลนี้ / the maker reads it")
    if st.button("ตรวจและบันทึกฉบับแก้ไข / Check and save the correction", key=f"save-correction-{sid}",
                 disabled=not pending, help="ตรวจเหมือนไฟล์ที่อัปโหลด แล้วบันทึกเป็นฉบับใหม่ที่รออนุมัติ / checked as an "
                                            "upload, then stored as a new version awaiting approval"):
        save_correction(user, row, pending, reason)


def save_correction(user: User, row: dict, edits: list[Edit], reason: str) -> None:
    """Store the correction; on success open the new version, else say why in Thai and English (with the
    findings of a corrected workbook that has errors: nothing is stored, the grid keeps the edits)."""
    box = notices.inbox()
    try:
        outcome = correct(state.engine(), state.reference(), user, row["id"], row["revision"], edits, reason)
    except WorkflowError as exc:
        st.error(f"{exc.message_th}\n\n{exc.message_en}")
        return
    if outcome.status != ImportOutcome.STORED:
        st.error("ฉบับแก้ไขยังมีข้อผิดพลาด ไม่ได้บันทึก แก้ตามรายการแล้วบันทึกอีกครั้ง / The correction has errors; "
                 "nothing was stored. Fix them and save again.")
        table(findings_frame([f for f in outcome.report.findings if f.is_error], outcome.report.tab))
        return
    notices.post(box, DECISION, f"บันทึกฉบับแก้ไขแล้ว: ฉบับที่ {outcome.version} (#{outcome.submission_id}) "
                                f"รออนุมัติ / Correction stored as version {outcome.version} "
                                f"(#{outcome.submission_id}), awaiting approval", about=outcome.submission_id)
    st.session_state[OPEN_NEXT] = outcome.submission_id
    st.rerun()


def detail(user: User, submission_id: int) -> None:
    row = get_submission(state.engine(), submission_id, user.cost_centers(state.reference()))
    if row is None:
        st.error("ไม่พบข้อมูลที่ส่ง หรือไม่มีสิทธิ์เข้าถึง / No such submission, or not yours to see.")
        return
    template = TEMPLATES[row["template"]]
    name = state.reference().name_of("cost_centers", row["cost_center"])
    trail = audit_trail(state.engine(), [row["id"]])
    corrected = bool((trail["action"] == AuditAction.CORRECTED.value).any())
    st.markdown(f"### {template.th} / {template.en} — {row['cost_center']} {name}")
    st.caption(f"ฉบับที่ / version {row['version']} · {status_label(row['status'], corrected)} · "
               f"ส่งโดย / by {row['submitted_by']} · {when(row['submitted_at'])}")
    st.markdown("**ยอดรวม / Totals**")
    table(totals_of(row))
    changes_since_previous(user, row)
    report = stored_report(row)
    warnings = [f for f in report.findings if not f.is_error]
    st.markdown(f"**คำเตือน / Warnings ({len(warnings)})**")
    if warnings:
        table(findings_frame(warnings, report.tab))
    st.download_button("⬇ ไฟล์ที่ส่ง / Submitted file", row["file_bytes"], file_name=row["file_name"],
                       key=f"file-{row['id']}")
    correction(user, row, report)
    decision(user, row)
    st.markdown("**ประวัติ / Audit trail**")
    table(audit_table(trail, ["at", "actor", "action", "sheet", "row_number", "column", "old_value", "new_value",
                              "comment"]))


def page(user: User) -> None:
    st.header("ตรวจสอบข้อมูล / Review submissions")
    top = st.container()  # what was decided, unless about the submission opened below (shown by its buttons)
    scope = user.cost_centers(state.reference())
    opening = st.session_state.pop(OPEN_NEXT, None)  # a version just made by a correction: awaiting a decision
    if opening is not None:
        st.session_state[SHOW] = S.SUBMITTED.label
    which = st.radio("แสดง / Show", list(QUEUE_STATUSES), horizontal=True, key=SHOW)
    queue = list_submissions(state.engine(), scope, statuses=QUEUE_STATUSES[which])
    kept = changed_meanwhile(scope, queue) if opening is None else None
    listed = queue if kept is None else kept if queue.empty else pd.concat([queue, kept], ignore_index=True)
    if listed.empty:
        notices.show(DECISION)
        st.info(NOTHING)
        return
    names = state.reference()["cost_centers"].set_index("cost_center")["name_th"]
    listed = listed.assign(name=listed["cost_center"].map(names))
    columns = ["id", "template", "cost_center", "name", "version", "status", "rows", "warnings", "submitted_by",
               "submitted_at"]
    if queue.empty:
        st.info(NOTHING)
    else:
        table(submissions_table(listed.head(len(queue)), columns))
    by_id = listed.set_index("id")
    if opening in by_id.index:
        st.session_state[OPEN] = opening
    chosen = st.selectbox("เลือกรายการ / Open submission", listed["id"].tolist(), key=OPEN,
                          format_func=lambda i: f"#{i} {TEMPLATES[by_id.at[i, 'template']].th} "
                                                f"ฉบับที่ {by_id.at[i, 'version']} {by_id.at[i, 'name']} "
                                                f"({by_id.at[i, 'cost_center']})")  # found by its code too
    if kept is None or chosen != kept["id"].iat[0]:  # a kept one keeps the revision it was shown at
        st.session_state[SHOWN] = (chosen, int(by_id.at[chosen, "revision"]))
    with top:
        notices.show(DECISION, lambda notice: notice.about != chosen)
        if kept is not None and chosen == kept["id"].iat[0]:
            left_the_list(chosen, S(kept["status"].iat[0]))
    detail(user, int(chosen))


def left_the_list(submission_id: int, status: SubmissionStatus) -> None:
    st.warning(f"#{submission_id} ที่เปิดอยู่ถูกเปลี่ยนโดยผู้อื่นระหว่างนี้ (สถานะตอนนี้: {status.th}) จึงไม่อยู่ในรายการนี้แล้ว "
               f"ยังเปิดไว้ให้อ่าน หน้านี้ไม่ได้บันทึกอะไร เลือกรายการอื่นด้านบน / #{submission_id}, open here, was "
               f"changed meanwhile by someone else: it is now {status.en}, so it has left this list. It stays "
               f"open for you to read; nothing was recorded from this page. Choose another above.")


def changed_meanwhile(scope: set[str] | None, queue: pd.DataFrame) -> pd.DataFrame | None:
    """The submission this session has open, when someone else has since moved it out of the list shown
    (approved, returned or replaced it: its revision moved on), as a one-row frame of ``queue``'s columns;
    else None. It stays open so that the detail never turns into another submission under the checker's
    hand: the next click would decide one the checker has not read; a decision on it refused for that
    reason is said beside it. One the checker decided here (its confirmation is waiting) or moved out by
    changing the list shown leaves as before."""
    shown = st.session_state.get(SHOWN)
    if shown is None or st.session_state.get(OPEN) != shown[0] or shown[0] in set(queue["id"]):
        return None
    if any(notice.about == shown[0] and notice.ok for notice in notices.inbox()):
        return None
    row = list_submissions(state.engine(), scope, ids=[shown[0]])
    return row if not row.empty and row["revision"].iat[0] != shown[1] else None
