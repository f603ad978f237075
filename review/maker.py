"""The maker's page: download the template, upload, see every problem, fix rows, submit."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from review import state
from review.editor import FINDINGS, ROW, Draft, column_config, editor_frame, edits_from_state, write_draft
from sms.fiscal import fiscal_year as fiscal_year_of
from store.history import audit_trail, list_submissions
from store.submissions import StaleEdit, newest_submission, store_report, stored_context
from store.users import User
from templates import UNIT_TEMPLATES
from templates.catalog import SHEETS
from templates.workbook import build_workbook
from validators.annotate import annotate
from validators.validate import FileReport, validate

STATUS = {"submitted": "รอตรวจ / submitted", "approved": "อนุมัติ / approved",
          "returned": "ส่งกลับแก้ไข / returned", "refused": "ไม่ผ่านการตรวจ / refused"}
LABELS = {"id": "เลขที่ / id", "template": "แบบฟอร์ม / template", "cost_center": "ศูนย์ต้นทุน / cost centre",
          "name": "ชื่อ / name", "fiscal_year": "ปีงบ / FY", "version": "ฉบับที่ / version", "status": "สถานะ / status",
          "rows": "แถว / rows", "errors": "ผิดพลาด / errors", "warnings": "คำเตือน / warnings",
          "submitted_by": "ส่งโดย / by", "submitted_at": "เวลาส่ง / submitted at", "at": "เวลา / at",
          "actor": "ผู้ทำ / by", "action": "การกระทำ / action", "submission_id": "เลขที่ส่ง / submission",
          "comment": "ความเห็น / comment"}


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Bilingual column headers for a table shown to people."""
    return frame.rename(columns=LABELS)
DRAFTS, BASES = "drafts", "bases"


def workdir() -> Path:
    if "workdir" not in st.session_state:
        st.session_state["workdir"] = Path(tempfile.mkdtemp(prefix="sms-review-"))
    return st.session_state["workdir"]


def check(paths: list[Path]) -> list[FileReport]:
    engine = state.engine()
    return validate(paths, state.reference(), as_of=dt.date.today(), stored=stored_context(engine)).files


def template_download(user: User) -> None:
    st.subheader("1. ดาวน์โหลดแบบฟอร์ม / Download your template")
    left, right = st.columns([3, 1])
    choice = left.selectbox("แบบฟอร์ม / Template", [t for t in UNIT_TEMPLATES if t.key != "gfmis"],
                            format_func=lambda t: f"{t.th} / {t.en}")
    year = right.number_input("ปีงบประมาณ / Fiscal year", 2560, 2700, fiscal_year_of(dt.date.today()))
    path = build_workbook(choice, workdir() / "templates" / f"{choice.key}_{user.cost_center}.xlsx",
                          state.reference(), fiscal_year=int(year), cost_center=user.cost_center)
    st.download_button("⬇ ดาวน์โหลด / Download", path.read_bytes(), file_name=path.name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def receive(uploads) -> None:
    """Save new uploads into the session's folder and check them together."""
    drafts: dict[str, Draft] = st.session_state.setdefault(DRAFTS, {})
    fresh = []
    for upload in uploads:
        content = upload.getvalue()
        key = f"{upload.name}:{hashlib.sha256(content).hexdigest()[:12]}"
        if key in st.session_state.setdefault("seen", set()):
            continue
        st.session_state["seen"].add(key)
        folder = workdir() / hashlib.sha256(content).hexdigest()[:12]
        folder.mkdir(exist_ok=True)
        path = folder / Path(upload.name).name
        path.write_bytes(content)
        fresh.append(path)
    for report in check(fresh) if fresh else []:
        drafts[report.file] = Draft(report.path, report.parsed, [])
        st.session_state.setdefault("reports", {})[report.file] = report


def findings_table(report: FileReport) -> None:
    frame = pd.DataFrame([{"แผ่นงาน / sheet": SHEETS[f.sheet][1].name if f.sheet in SHEETS else f.sheet,
                           "ช่อง / cell": f.cell, "กฎ / rule": f.rule,
                           "ระดับ / severity": "ผิดพลาด / error" if f.is_error else "คำเตือน / warning",
                           "ค่า / value": f.value, "ข้อความ / message (TH)": f.message_th,
                           "message (EN)": f.message_en} for f in report.findings])
    if frame.empty:
        st.success("ไม่พบปัญหา / No problem found")
        return
    a, b, c = st.columns(3)
    sheets = a.multiselect("แผ่นงาน / Sheet", sorted(frame["แผ่นงาน / sheet"].unique()), key=f"fs-{report.file}")
    rules = b.multiselect("กฎ / Rule", sorted(frame["กฎ / rule"].unique()), key=f"fr-{report.file}")
    levels = c.multiselect("ระดับ / Severity", sorted(frame["ระดับ / severity"].unique()), key=f"fl-{report.file}")
    for column, chosen in (("แผ่นงาน / sheet", sheets), ("กฎ / rule", rules), ("ระดับ / severity", levels)):
        if chosen:
            frame = frame[frame[column].isin(chosen)]
    st.dataframe(frame, hide_index=True, width="stretch")


def sheet_editor(report: FileReport, draft: Draft, user: User) -> None:
    parsed = report.parsed
    sheets = [s for s in parsed.template.sheets if s.key in parsed.sheets]
    sheet = st.selectbox("แก้ไขแผ่นงาน / Edit sheet", sheets, format_func=lambda s: f"{s.name} / {s.en}",
                         key=f"sheet-{report.file}")
    shown = editor_frame(parsed.sheets[sheet.key], report.findings)
    config = {c.key: column_config(c, state.reference(), user.cost_center) for c in sheet.columns}
    config[ROW] = st.column_config.NumberColumn(ROW, pinned=True, width="small")
    config[FINDINGS] = st.column_config.TextColumn(FINDINGS, width="large")
    key = f"editor-{report.file}-{sheet.key}-{len(draft.edits)}"
    st.data_editor(shown, key=key, hide_index=True, column_config=config, disabled=[ROW, FINDINGS],
                   column_order=[ROW, *sheet.keys, FINDINGS], width="stretch")
    pending = edits_from_state(st.session_state.get(key), shown, sheet.key)
    if st.button("ตรวจอีกครั้ง / Check again", key=f"recheck-{report.file}", disabled=not pending):
        draft.edits.extend(pending)
        # Each check writes a new file under the unit's own file name, so keys, the base of the
        # stale-edit check and the stored file name all stay the file the unit uploaded.
        edited = draft.path.parent / f"edit-{len(draft.edits)}" / report.file
        path = write_draft(draft, state.reference(), edited)
        [again] = check([path])
        st.session_state[DRAFTS][report.file] = Draft(path, again.parsed, draft.edits)
        st.session_state["reports"][report.file] = again
        st.rerun()


def submit(report: FileReport, draft: Draft, user: User) -> None:
    engine, reference = state.engine(), state.reference()
    if not user.may_see(report.cost_center, reference):
        st.error(f"ไฟล์นี้เป็นของศูนย์ต้นทุน {report.cost_center} ซึ่งไม่ใช่ของคุณ / This file belongs to cost centre "
                 f"{report.cost_center}, not yours.")
        return
    try:
        result = store_report(engine, report, user.name, dt.date.today(), base=st.session_state[BASES].get(report.file),
                              edits=draft.edits)
    except StaleEdit as stale:
        st.error(f"{stale.message_th}\n\n{stale.message_en}")
        st.download_button("⬇ ไฟล์ที่คุณแก้ไข / Your edited workbook", draft.path.read_bytes(),
                           file_name=draft.path.name, key=f"stale-{report.file}")
        return
    messages = {"stored": f"บันทึกแล้ว ฉบับที่ {result.version} / Stored as version {result.version}",
                "unchanged": "เหมือนฉบับล่าสุด ไม่มีอะไรเปลี่ยน / Identical to the current version; nothing changed",
                "locked": "ฉบับปัจจุบันอนุมัติแล้ว ให้ผู้กำกับเปิดให้แก้ไขก่อน / The current version is approved; "
                          "ask your checker to reopen it",
                "refused": "ยังมีข้อผิดพลาด ไม่ได้บันทึก / Errors remain; nothing was stored"}
    (st.success if result.status in ("stored", "unchanged") else st.error)(messages[result.status])
    if result.status == "stored":
        st.session_state[DRAFTS].pop(report.file, None)


def upload_section(user: User) -> None:
    st.subheader("2. อัปโหลดและตรวจ / Upload and check")
    uploads = st.file_uploader("ไฟล์ Excel ที่กรอกแล้ว / Filled workbooks (.xlsx)", type=["xlsx", "xlsm"],
                               accept_multiple_files=True)
    if uploads:
        receive(uploads)
    bases = st.session_state.setdefault(BASES, {})
    for name, draft in list(st.session_state.get(DRAFTS, {}).items()):
        report: FileReport = st.session_state["reports"][name]
        if report.unreadable:
            st.error(f"**{name}**: {report.unreadable.message_th}\n\n{report.unreadable.message_en}")
            continue
        if name not in bases and report.cost_center:
            with state.engine().connect() as conn:
                newest = newest_submission(conn, report.parsed.template.key, report.cost_center, report.fiscal_year)
            bases[name] = (newest["id"], newest["revision"]) if newest else None
        with st.container(border=True):
            st.markdown(f"**{name}** — {report.parsed.template.th} / {report.parsed.template.en}, "
                        f"ศูนย์ต้นทุน {report.cost_center}, ปีงบประมาณ {report.fiscal_year}")
            a, b, c, d = st.columns(4)
            a.metric("แถว / rows", f"{report.parsed.rows:,}")
            b.metric("ผิดพลาด / errors", report.errors)
            c.metric("คำเตือน / warnings", report.warnings)
            d.metric("แก้ไขแล้ว / edits", len(draft.edits))
            findings_table(report)
            sheet_editor(report, draft, user)
            left, right = st.columns(2)
            if left.button("ส่งข้อมูล / Submit", key=f"submit-{name}", type="primary", disabled=report.errors > 0,
                           help="ส่งได้เมื่อไม่มีข้อผิดพลาด / possible once no error is left"):
                submit(report, draft, user)
            if report.findings:
                checked = annotate(report, draft.path.parent / "checked")
                right.download_button("⬇ ไฟล์พร้อมจุดที่ต้องแก้ / Workbook with the problems marked",
                                      checked.read_bytes(), file_name=checked.name, key=f"annotated-{name}",
                                      help="แก้ใน Excel แล้วอัปโหลดใหม่ / fix it in Excel and upload it again")
            else:
                right.download_button("⬇ ไฟล์ล่าสุด / Current workbook", draft.path.read_bytes(), file_name=name,
                                      key=f"download-{name}")


def my_submissions(user: User) -> None:
    st.subheader("3. สถานะการส่ง / My submissions")
    frame = list_submissions(state.engine(), user.cost_centers(state.reference()))
    if frame.empty:
        st.info("ยังไม่มีข้อมูลที่ส่ง / Nothing submitted yet")
        return
    shown = frame.assign(status=frame["status"].map(STATUS))[
        ["id", "template", "cost_center", "fiscal_year", "version", "status", "rows", "errors", "warnings",
         "submitted_by", "submitted_at"]]
    st.dataframe(labelled(shown), hide_index=True, width="stretch")
    trail = audit_trail(state.engine(), frame["id"].tolist())
    comments = trail[trail["action"].isin(["return", "approve", "reopen"])]
    if not comments.empty:
        st.markdown("**ความเห็นผู้กำกับ / Checker's comments**")
        st.dataframe(labelled(comments[["at", "actor", "action", "submission_id", "comment"]]), hide_index=True,
                     width="stretch")


def page(user: User) -> None:
    st.header("ส่งข้อมูล / Submit data")
    template_download(user)
    upload_section(user)
    my_submissions(user)
