"""The checker's page: the region's queue, each submission's changes, warnings and totals, and the decision."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from domain.vocabulary import Decision, SubmissionStatus
from review import state
from review.display import audit_table, submissions_table, when
from review.maker import findings_frame
from services.submission import check
from store import queries
from store.history import audit_trail, get_submission, list_submissions
from store.submissions import submission_rows
from store.users import User
from store.workflow import DECIDERS, TRANSITIONS, WorkflowError, decide
from templates import TEMPLATES
from templates.headers import header

S = SubmissionStatus
QUEUE_STATUSES = {S.SUBMITTED.label: [S.SUBMITTED], S.RETURNED.label: [S.RETURNED], S.APPROVED.label: [S.APPROVED],
                  S.REPLACED.label: [S.REPLACED], "ทั้งหมด / all": list(S.kept())}


def warnings_of(row: dict) -> list:
    """Re-check the stored file as it was submitted, to list its warnings."""
    folder = Path(tempfile.mkdtemp(prefix="sms-check-"))
    path = folder / row["file_name"]
    path.write_bytes(row["file_bytes"])
    report = check(state.engine(), [path], state.reference(), as_of=row["as_of"] or dt.date.today()).files[0]
    return [f for f in report.findings if not f.is_error]


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
        with st.expander(f"{sheet.name} / {sheet.en}: " + ", ".join(f"{k} {v}" for k, v in counts.items())):
            st.dataframe(diff_table(frame, sheet), hide_index=True, width="stretch")


def diff_table(frame: pd.DataFrame, sheet) -> pd.DataFrame:
    """A sheet's changes for people: each column headed by its title, a previous value's as "เดิม / Before"."""
    shown = frame.dropna(axis=1, how="all")
    titles = {}
    for key in shown.columns:
        plain = key.removeprefix("old_") if key != "old_row_number" else key
        title = header(plain, sheet.key)
        titles[key] = f"{title.th} (เดิม) / {title.en} (before)" if plain != key else str(title)
    return shown.rename(columns=titles)


def decision(user: User, row: dict) -> None:
    """The checker's buttons, each enabled when the submission's status allows it; none for a role that cannot
    decide (the store refuses it anyway: store.workflow.decide)."""
    if user.role not in DECIDERS:
        st.caption("ผู้ตรวจราชการดูได้อย่างเดียว การอนุมัติหรือส่งกลับเป็นของผู้กำกับดูแล / Inspectors read; "
                   "checkers approve or return.")
        return
    comment = st.text_area("ความเห็น / Comment", key=f"comment-{row['id']}",
                           placeholder="จำเป็นเมื่อส่งกลับ / required to return")
    a, b, c = st.columns(3)
    for column, action, mark in ((a, Decision.APPROVE, "✓ "), (b, Decision.RETURN, "↩ "), (c, Decision.REOPEN, "")):
        label = f"{mark}{action.th} / {action.en.capitalize()}"
        allowed = row["status"] in TRANSITIONS[action][0]
        if column.button(label, key=f"{action}-{row['id']}", disabled=not allowed):
            try:
                decide(state.engine(), state.reference(), user, row["id"], row["revision"], action, comment)
            except WorkflowError as exc:
                st.error(f"{exc.message_th}\n\n{exc.message_en}")
            else:
                st.session_state["decided"] = f"{label}: #{row['id']}"
                st.rerun()


def detail(user: User, submission_id: int) -> None:
    row = get_submission(state.engine(), submission_id, user.cost_centers(state.reference()))
    if row is None:
        st.error("ไม่พบข้อมูลที่ส่ง หรือไม่มีสิทธิ์เข้าถึง / No such submission, or not yours to see.")
        return
    template = TEMPLATES[row["template"]]
    name = state.reference().name_of("cost_centers", row["cost_center"])
    st.markdown(f"### {template.th} / {template.en} — {row['cost_center']} {name}")
    st.caption(f"ฉบับที่ / version {row['version']} · {SubmissionStatus(row['status']).label} · "
               f"ส่งโดย / by {row['submitted_by']} · {when(row['submitted_at'])}")
    st.markdown("**ยอดรวม / Totals**")
    st.dataframe(totals_of(row), hide_index=True, width="stretch")
    changes_since_previous(user, row)
    warnings = warnings_of(row)
    st.markdown(f"**คำเตือน / Warnings ({len(warnings)})**")
    if warnings:
        st.dataframe(findings_frame(warnings), hide_index=True, width="stretch")
    st.download_button("⬇ ไฟล์ที่ส่ง / Submitted file", row["file_bytes"], file_name=row["file_name"],
                       key=f"file-{row['id']}")
    decision(user, row)
    st.markdown("**ประวัติ / Audit trail**")
    st.dataframe(audit_table(audit_trail(state.engine(), [row["id"]]),
                             ["at", "actor", "action", "sheet", "row_number", "column", "old_value", "new_value",
                              "comment"]), hide_index=True, width="stretch")


def page(user: User) -> None:
    st.header("ตรวจสอบข้อมูล / Review submissions")
    if st.session_state.get("decided"):
        st.success(st.session_state.pop("decided"))
    scope = user.cost_centers(state.reference())
    which = st.radio("แสดง / Show", list(QUEUE_STATUSES), horizontal=True)
    queue = list_submissions(state.engine(), scope, statuses=QUEUE_STATUSES[which])
    if queue.empty:
        st.info("ไม่มีรายการ / Nothing here")
        return
    names = state.reference()["cost_centers"].set_index("cost_center")["name_th"]
    queue = queue.assign(name=queue["cost_center"].map(names))
    columns = ["id", "template", "cost_center", "name", "version", "status", "rows", "warnings", "submitted_by",
               "submitted_at"]
    st.dataframe(submissions_table(queue, columns), hide_index=True, width="stretch")
    by_id = queue.set_index("id")
    chosen = st.selectbox("เลือกรายการ / Open submission", queue["id"].tolist(),
                          format_func=lambda i: f"#{i} {TEMPLATES[by_id.at[i, 'template']].th} "
                                                f"ฉบับที่ {by_id.at[i, 'version']} {by_id.at[i, 'name']}")
    detail(user, int(chosen))
