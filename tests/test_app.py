"""The review app through Streamlit's AppTest: each role's flow, editing, and who may see what."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, CC2, FY, mini_year, mini_year_of_cc2
from streamlit.testing.v1 import AppTest
from test_rules import over_allocate, renamed_allocations, write_year

from importer.parse import parse_workbook
from services.submission import submit
from store.db import connect
from store.drafts import user_drafts
from store.schema import audit, submissions
from store.users import add_user
from templates import TEMPLATES
from templates.headers import header
from templates.workbook import build_workbook
from validators.validate import validate

APP = str(Path(__file__).parents[1] / "review_app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path, monkeypatch, reference):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("SMS_DATABASE_URL", url)
    engine = connect(url)
    add_user(engine, reference, "maker1", "maker", "maker-pass", cost_center=CC)
    add_user(engine, reference, "maker12", "maker", "maker-pass", cost_center="2100200233")
    add_user(engine, reference, "checker8", "checker", "checker-pass", region=8)
    add_user(engine, reference, "checker12", "checker", "checker-pass", region=12)
    return engine


def signed_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    parts += [c.value for c in at.caption] + [str(i.value) for i in at.info]
    return "\n".join(parts)


def test_wrong_password_is_refused(db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].set_value("maker1")
    at.text_input[1].set_value("nope")
    at.button[0].click().run()
    assert "Wrong user name or password" in texts(at) and not at.sidebar.radio


def test_maker_uploads_fixes_a_flagged_cell_and_submits(db, tmp_path, reference):
    year = mini_year()
    over_allocate(year)  # allocation D3 (T1 -> 93902) 50,000: T1 over-allocated by 10,000
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    errors = next(m for m in at.metric if "Errors" in m.label)
    assert errors.value == "2"
    findings = at.dataframe[0].value
    assert set(findings["ช่อง / Cell"]) == {"D2", "D3"} and set(findings["กฎ / Rule"]) == {"B01"}
    submit = next(b for b in at.button if b.label.startswith("ส่งข้อมูล"))
    assert submit.disabled and "not yet: allocations.xlsx (ข้อผิดพลาด 2 รายการ / 2 errors)" in captions(at)

    sheet = next(s for s in at.selectbox if s.label.startswith("แก้ไขแผ่นงาน"))
    sheet.set_value(TEMPLATES["allocations"].sheet("allocations")).run()
    editor = at.data_editor[0]
    shown = editor.value
    position = shown.reset_index(drop=True).index[shown.reset_index(drop=True)["แถว / row"] == 3][0]
    at.session_state[editor.key] = {"edited_rows": {int(position): {"amount": 40000}}, "added_rows": [],
                                    "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label.startswith("ตรวจอีกครั้ง")).click().run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if "Errors" in m.label).value == "0"
    next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).click().run()
    # with what changed, as the command says it: the first version adds every row (2 transfers, 3 allocations)
    assert "Stored as version 1 (เพิ่ม/added 5, แก้/changed 0, ลบ/removed 0, เหมือนเดิม/unchanged 0)" in texts(at)

    with db.connect() as conn:
        stored = conn.execute(sa.select(submissions.c.status, submissions.c.submitted_by,
                                        submissions.c.file_name)).all()
        edits = conn.execute(sa.select(audit.c.actor, audit.c.sheet, audit.c.row_number, audit.c.column,
                                       audit.c.old_value, audit.c.new_value).where(audit.c.action == "edit")).all()
    assert stored == [("submitted", "maker1", path.name)]  # the unit's file name, not a temporary one
    assert edits == [("maker1", "allocations", 3, "amount", "50000", "40000")]


def test_the_maker_sees_the_words_typed_in_an_amount_and_fixes_them_in_the_grid(db, tmp_path, reference):
    year = mini_year()
    year["allocations"]["transfers"].loc[1, "amount"] = "หนึ่งแสน"  # Excel row 3 of the transfers sheet
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    editor = at.data_editor[0]  # the transfers sheet opens first
    shown = editor.value.reset_index(drop=True)
    row3 = shown.index[shown["แถว / row"] == 3][0]
    assert shown.at[row3, "amount"] == "หนึ่งแสน" and "S05 H3" in shown.at[row3, "ปัญหา / findings"]
    assert shown.loc[shown["แถว / row"] == 2, "amount"].tolist() == ["100,000.00"]
    at.session_state[editor.key] = {"edited_rows": {int(row3): {"amount": "50,000"}}, "added_rows": [],
                                    "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label.startswith("ตรวจอีกครั้ง")).click().run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if "Errors" in m.label).value == "0"
    fixed = at.data_editor[0].value
    assert fixed.loc[fixed["แถว / row"] == 3, "amount"].tolist() == [50000]  # a number column again


def test_the_cards_count_with_thousands_separators(db, tmp_path, reference):
    """1,200 payments against a project nobody stored: the error card counts with a separator as the rows card
    does (it read 2002 beside 1,200)."""
    year = mini_year()
    first = year["disbursements"]["payments"].iloc[[0]]
    payments = pd.concat([first.assign(document_no=f"D{n}", project_code="P9") for n in range(1, 1201)],
                         ignore_index=True)
    [path] = write_year(tmp_path, reference, {"disbursements": {**year["disbursements"], "payments": payments,
                                                               "clearings": year["disbursements"]["clearings"][:0]}})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.metric}
    errors = next(v for label, v in cards.items() if "Errors" in label)
    expected = validate([path], reference, as_of=AS_OF).files[0].errors  # the same check outside the app
    assert expected > 1000 and errors == f"{expected:,}" and "," in errors
    assert next(v for label, v in cards.items() if "Rows" in label) == "1,200"


def test_a_code_off_its_list_shows_as_typed_not_blank(db, tmp_path, reference):
    """An activity code that is not one of the list's (S06 "N45"): a dropdown column draws a value off its list
    blank, so the maker saw an empty cell beside "N45 does not match"; the column is text while it holds one."""
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "activity_code"] = "N45"  # Excel row 2
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    editor = at.data_editor[0]  # the transfers sheet
    kinds = {key: column.get("type_config", {}).get("type") for key, column in json.loads(editor.proto.columns).items()}
    assert kinds["activity_code"] == "text" and kinds["output_code"] == "selectbox"  # a clean one keeps its list
    shown = editor.value.set_index("แถว / row")
    assert shown.at[2, "activity_code"] == "N45" and "S06" in shown.at[2, "ปัญหา / findings"]


def stored_year(db, tmp_path, reference) -> int:
    paths = write_year(tmp_path, reference, mini_year())
    [result] = submit(db, paths[:1], reference, actor="maker1", as_of=AS_OF)
    return result.submission_id


def test_checker_of_the_region_approves(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    at = signed_in("checker8", "checker-pass")
    queue = at.dataframe[0].value
    assert queue["เลขที่ / Id"].tolist() == [sid] and queue["รหัสศูนย์ต้นทุน / Cost centre code"].tolist() == [CC]
    next(b for b in at.button if "Approve" in b.label).click().run()
    assert not at.exception, at.exception
    assert f"#{sid}" in texts(at)
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status, submissions.c.locked)).one() == ("approved", True)
    at.radio(key="queue-status").set_value("อนุมัติ / approved").run()
    assert "reopen an approved one first" in texts(at) and not at.data_editor  # locked: no correction grid


def test_checker_returns_with_a_comment_the_maker_then_sees(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    at = signed_in("checker8", "checker-pass")
    next(b for b in at.button if "Return" in b.label).click().run()
    assert "Write why it is returned" in texts(at)
    at.text_area(key=f"comment-{sid}").set_value("ใบโอน T2 ลงวันที่ผิด")  # sent with the click: one form
    next(b for b in at.button if "Return" in b.label).click().run()
    maker = signed_in("maker1", "maker-pass")
    comments = maker.dataframe[-1].value
    assert comments["ความเห็น / Comment"].tolist() == ["ใบโอน T2 ลงวันที่ผิด"]
    assert comments["การกระทำ / Action"].tolist() == ["ส่งกลับแก้ไข / return"]
    # on what, as the maker's own table names it: the template and its version, then the number
    mine = table_with(maker, "ฉบับที่ / Version")
    assert comments.drop(columns=["เวลา / At", "ผู้ทำ / By", "การกระทำ / Action", "ความเห็น / Comment"]).values.tolist(
        ) == mine[["แบบฟอร์ม / Template", "ฉบับที่ / Version", "เลขที่ / Id"]].values.tolist() == [
        ["รับโอนและจัดสรรงบประมาณ / Transfers received and allocations", 1, sid]]


def test_a_decision_on_a_submission_another_checker_decided_meanwhile_is_refused_aloud(db, tmp_path, reference):
    """Two checkers have the same submission open; the second one's click, once the first has approved it, is
    taken (the submission is no longer in the queue the page then shows) and refused in Thai and English."""
    sid = stored_year(db, tmp_path, reference)
    add_user(db, reference, "checker8b", "checker", "checker-pass", region=8)
    mine, theirs = signed_in("checker8", "checker-pass"), signed_in("checker8b", "checker-pass")
    next(b for b in theirs.button if "Approve" in b.label).click().run()
    mine.text_area(key=f"comment-{sid}").set_value("ใบโอน T2 ลงวันที่ผิด")
    next(b for b in mine.button if "Return" in b.label).click().run()
    assert not mine.exception, mine.exception
    [refusal] = [e.value for e in mine.error]
    assert f"ส่งกลับแก้ไข / Return #{sid} ไม่ได้บันทึก / not recorded" in refusal and "reload" in refusal
    assert "Nothing here" in texts(mine)  # the queue of submissions awaiting a decision is empty now
    # ... and the submission refused about stays open beside its refusal, saying what it is now
    assert mine.selectbox(key="open-submission").value == sid
    assert f"#{sid}, open here, was changed meanwhile by someone else: it is now approved" in mine.warning[0].value
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status)).scalar() == "approved"
        assert conn.execute(sa.select(audit.c.action).where(audit.c.action == "return")).all() == []


def test_a_submission_another_checker_decides_stays_open_instead_of_turning_into_the_next(db, tmp_path, reference):
    """Two submissions wait; the checker reads the first while another checker approves it. The page's next run
    keeps that one open, approved, and says so: the detail never becomes the next submission under the
    checker's hand, whose Return button would then decide one the checker never read."""
    paths = write_year(tmp_path, reference, mini_year())
    first, second = (r.submission_id for r in submit(db, paths[:2], reference, actor="maker1", as_of=AS_OF))
    add_user(db, reference, "checker8b", "checker", "checker-pass", region=8)
    mine = signed_in("checker8", "checker-pass")
    reading = mine.selectbox(key="open-submission").value
    other = next(i for i in (first, second) if i != reading)
    theirs = signed_in("checker8b", "checker-pass")
    assert theirs.selectbox(key="open-submission").value == reading
    next(b for b in theirs.button if "Approve" in b.label).click().run()

    mine.text_area(key=f"comment-{reading}").set_value("ใบโอน T2 ลงวันที่ผิด").run()
    assert not mine.exception, mine.exception
    assert mine.selectbox(key="open-submission").value == reading
    [warning] = [w.value for w in mine.warning]
    assert f"#{reading}, open here, was changed meanwhile by someone else: it is now approved" in warning
    assert f"#{reading} ที่เปิดอยู่ถูกเปลี่ยนโดยผู้อื่นระหว่างนี้ (สถานะตอนนี้: อนุมัติ)" in warning
    assert {b.label: b.disabled for b in mine.button if "/ Re" in b.label or "Approve" in b.label} == {
        "✓ อนุมัติ / Approve": True, "↩ ส่งกลับแก้ไข / Return": False,  # as for any approved version, read knowingly
        "เปิดให้แก้ไข / Reopen": False}
    assert table_with(mine, "เลขที่ / Id")["เลขที่ / Id"].tolist() == [other]  # the queue lists what waits

    mine.selectbox(key="open-submission").set_value(other).run()  # the checker moves on: the approved one leaves
    assert len(mine.selectbox(key="open-submission").options) == 1
    assert not mine.warning
    assert not next(b for b in mine.button if "Return" in b.label).disabled


def test_a_version_replaced_while_the_checker_reads_it_stays_open_with_the_newer_one_queued(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    at = signed_in("checker8", "checker-pass")
    assert at.selectbox(key="open-submission").value == sid
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = "ฉบับใหม่"  # not byte-identical: that would be no new version
    [newer] = submit(db, write_year(tmp_path / "again", reference, year)[:1], reference, actor="maker1", as_of=AS_OF)
    assert newer.status == "stored"
    at.run()
    assert at.selectbox(key="open-submission").value == sid
    [warning] = [w.value for w in at.warning]
    assert "(สถานะตอนนี้: ถูกแทนที่ด้วยฉบับใหม่)" in warning and "it is now replaced by a newer version" in warning
    assert table_with(at, "เลขที่ / Id")["เลขที่ / Id"].tolist() == [newer.submission_id]
    assert all(b.disabled for b in at.button if "Approve" in b.label or "Return" in b.label)


def test_other_regions_and_cost_centres_see_nothing(db, tmp_path, reference):
    stored_year(db, tmp_path, reference)
    at = signed_in("checker12", "checker-pass")
    assert "Nothing here" in texts(at) and not at.dataframe
    maker = signed_in("maker12", "maker-pass")
    assert "Nothing submitted yet" in texts(maker)


def test_the_checker_corrects_cells_with_a_reason_and_the_maker_reads_what_changed_and_why(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)  # allocations: Excel row 3 is T1 -> 93902, 40,000, 20/11/2568
    at = signed_in("checker8", "checker-pass")
    at.selectbox(key=f"correct-sheet-{sid}").set_value(TEMPLATES["allocations"].sheet("allocations")).run()
    [editor] = at.data_editor
    shown = editor.value.reset_index(drop=True)
    row3 = int(shown.index[shown["แถว / row"] == 3][0])
    at.session_state[editor.key] = {"edited_rows": {row3: {"amount": 35000, "allocation_date": "21/11/2568"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    save = at.button(key=f"save-correction-{sid}")
    save.click().run()
    assert "Write why you correct it" in texts(at)  # the reason is required; nothing stored
    at.text_area(key=f"reason-{sid}").set_value("ยอดตามหนังสือแจ้งจัดสรรฉบับแก้ไข").run()
    at.button(key=f"save-correction-{sid}").click().run()
    assert not at.exception, at.exception
    assert "Correction stored as version 2" in texts(at)
    opened = at.selectbox(key="open-submission").value
    assert opened != sid and "corrected by the checker" in texts(at)  # the new version is open, marked
    trail = table_with(at, "การกระทำ / Action")
    corrected = trail[trail["คอลัมน์ / Column"] != ""]
    assert corrected[["ค่าเดิม / Old value", "ค่าใหม่ / New value"]].values.tolist() == [
        ["40,000.00", "35,000.00"], ["20 พ.ย. 2568", "21 พ.ย. 2568"]]
    next(b for b in at.button if "Approve" in b.label).click().run()  # the checker approves the corrected version
    with db.connect() as conn:
        stored = conn.execute(sa.select(submissions.c.version, submissions.c.status, submissions.c.submitted_by,
                                        submissions.c.cost_center).order_by(submissions.c.id)).all()
    assert stored == [(1, "replaced", "maker1", CC), (2, "approved", "checker8", CC)]

    maker = signed_in("maker1", "maker-pass")
    mine = table_with(maker, "ฉบับที่ / Version").set_index("ฉบับที่ / Version")["สถานะ / Status"]
    assert mine[2] == "อนุมัติ / approved · แก้ไขโดยผู้ตรวจสอบ / corrected by the checker"
    changes = table_with(maker, "เหตุผล / Reason")
    allocations = ["รับโอนและจัดสรรงบประมาณ / Transfers received and allocations", 2]  # template, version
    assert changes.drop(columns=["เวลา / At"]).values.tolist() == [
        ["จัดสรร / Allocations to units", 3, str(header("amount", "allocations")), "40,000.00", "35,000.00",
         "ยอดตามหนังสือแจ้งจัดสรรฉบับแก้ไข", *allocations, "checker8"],
        ["จัดสรร / Allocations to units", 3, str(header("allocation_date", "allocations")), "20 พ.ย. 2568",
         "21 พ.ย. 2568", "ยอดตามหนังสือแจ้งจัดสรรฉบับแก้ไข", *allocations, "checker8"]]
    assert " 25" in changes["เวลา / At"].iloc[0]  # a BE year
    assert next(b for b in maker.get("download_button") if "as corrected" in b.proto.label)


def test_a_correction_with_an_error_is_not_stored_and_the_checker_reads_why(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    at = signed_in("checker8", "checker-pass")
    at.selectbox(key=f"correct-sheet-{sid}").set_value(TEMPLATES["allocations"].sheet("allocations")).run()
    [editor] = at.data_editor
    shown = editor.value.reset_index(drop=True)
    at.session_state[editor.key] = {"edited_rows": {int(shown.index[shown["แถว / row"] == 3][0]): {"amount": 70000}},
                                    "added_rows": [], "deleted_rows": []}
    at.text_area(key=f"reason-{sid}").set_value("ยอดตามหนังสือ").run()
    at.button(key=f"save-correction-{sid}").click().run()
    assert not at.exception, at.exception
    assert "The correction has errors; nothing was stored" in texts(at)
    assert set(table_with(at, "กฎ / Rule")["ช่อง / Cell"]) == {"D2", "D3"}  # B01: T1 allocated 130,000 of 100,000
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status)).scalars().all() == ["submitted"]


def test_a_checker_of_another_region_and_an_inspector_get_no_grid(db, tmp_path, reference):
    stored_year(db, tmp_path, reference)
    add_user(db, reference, "inspector", "inspector", "inspector-pass")
    inspector = section(signed_in("inspector", "inspector-pass"), "Submissions")
    assert inspector.dataframe and not inspector.data_editor  # it reads the submission, and edits nothing
    assert not [b for b in inspector.button if "correction" in b.label]
    other = signed_in("checker12", "checker-pass")
    assert "Nothing here" in texts(other) and not other.data_editor


def table_with(at: AppTest, column: str):
    """The first table on the page that has a column (or index level) of that name."""
    for frame in (d.value for d in at.dataframe):
        if column in frame.columns or column in (frame.index.names or []):
            return frame
    raise AssertionError(f"no table with {column!r}")


def reconciliation_table(at: AppTest):
    return table_with(at, str(header("installment_gfmis")))


def section(at: AppTest, name: str) -> AppTest:
    radio = at.sidebar.radio[0]
    radio.set_value(next(o for o in radio.options if name in o)).run()
    assert not at.exception, at.exception
    return at


def test_completeness_board_shows_the_scope_and_the_reconciliation(db, tmp_path, reference):
    stored_year(db, tmp_path, reference)
    at = section(signed_in("checker8", "checker-pass"), "Completeness")
    board = table_with(at, "รับโอนและจัดสรรงบประมาณ / Transfers received and allocations")
    assert CC in board["รหัสศูนย์ต้นทุน / Cost centre code"].tolist()
    mine = board.set_index("รหัสศูนย์ต้นทุน / Cost centre code").loc[CC]
    # the same status the review queue shows, not "missing" for a month past the data
    assert mine["รับโอนและจัดสรรงบประมาณ / Transfers received and allocations"] == "รอตรวจ / submitted"
    assert mine["โครงการและกิจกรรม / Projects and activities"] in ("ยังไม่ส่ง / missing", "ยังไม่ส่งและเลยกำหนด / late")
    assert "None" not in board.astype(str).to_string()
    reconciliation = reconciliation_table(at)
    centres = set(reconciliation["รหัสศูนย์ต้นทุน / Cost centre code"].astype(str))
    assert CC in centres and "2100200233" not in centres  # region 12 is not checker8's
    maker = section(signed_in("maker1", "maker-pass"), "Completeness")
    assert set(reconciliation_table(maker)["รหัสศูนย์ต้นทุน / Cost centre code"].astype(str)) == {CC}


def test_dashboard_totals_match_the_stored_projects(db, tmp_path, reference):
    paths = write_year(tmp_path, reference, mini_year())
    submit(db, paths, reference, actor="maker1", as_of=AS_OF)
    at = section(signed_in("maker1", "maker-pass"), "Dashboard")
    labels = {m.label: m.value for m in at.metric}
    assert labels["โครงการ / Projects"] == "2"
    assert labels["งบประมาณ / Budget"] == f"{90000 + 40000:,.2f}"
    assert labels["เบิกจ่าย / Disbursed"] == f"{20000 + 10000 - 2000:,.2f}"


def test_board_by_month_shows_each_month_of_the_year(db, tmp_path, reference):
    stored_year(db, tmp_path, reference)
    at = section(signed_in("maker1", "maker-pass"), "Completeness")
    month = next(s for s in at.selectbox if s.label.startswith("ข้อมูล ณ สิ้นเดือน"))
    assert month.format_func(month.value) == "มีนาคม 2569"  # opens at the newest data (as of 31/3/2569), in BE
    grid = table_with(at, "แบบฟอร์ม / Template")
    assert list(grid.columns) == ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค."]
    states = grid.reset_index().set_index("แบบฟอร์ม / Template")
    allocations = "รับโอนและจัดสรรงบประมาณ / Transfers received and allocations"
    projects = "โครงการและกิจกรรม / Projects and activities"
    assert set(states.loc[allocations, ["ต.ค.", "มี.ค."]]) == {"รอตรวจ / submitted"}
    assert set(states.loc[projects, ["ต.ค."]]) <= {"ยังไม่ส่ง / missing", "ยังไม่ส่งและเลยกำหนด / late"}


def test_inspector_sees_every_region_and_decides_nothing(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    add_user(db, reference, "inspector", "inspector", "inspector-pass")
    at = signed_in("inspector", "inspector-pass")
    assert at.sidebar.radio[0].options[0].startswith("ติดตามการบันทึก")
    reconciliation = reconciliation_table(at)
    assert {CC, "2100200233"} <= set(reconciliation["รหัสศูนย์ต้นทุน / Cost centre code"].astype(str))  # regions 8 and 12
    section(at, "Submissions")
    at.radio[0].set_value(next(o for o in at.radio[0].options if "all" in o)).run()
    assert not [b for b in at.button if "Approve" in b.label or "Return" in b.label]  # no button it cannot use
    assert "checkers approve or return" in texts(at)
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status).where(submissions.c.id == sid)).scalar() == "submitted"


def test_admin_reviews_and_submits(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    add_user(db, reference, "admin", "admin", "admin-pass")
    at = signed_in("admin", "admin-pass")
    assert [o.split(" / ")[1] for o in at.sidebar.radio[0].options] == ["Review", "Submit", "Completeness",
                                                                        "Dashboard"]
    next(b for b in at.button if "Approve" in b.label).click().run()
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status).where(submissions.c.id == sid)).scalar() == "approved"


def test_findings_on_a_renamed_sheet_name_the_tab_the_unit_has(db, tmp_path, reference):
    path = renamed_allocations(tmp_path, reference)
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert {(sheet, cell) for sheet, cell, rule, _ in shown_findings(at) if rule == "B01"} == {
        ("Sheet2 (จัดสรร)", "D2"), ("Sheet2 (จัดสรร)", "D3")}


def shown_findings(at: AppTest) -> set[tuple[str, str, str, str]]:
    """(sheet, cell, rule, English message) of every findings table on the page."""
    rows = set()
    for frame in (d.value for d in at.dataframe if "กฎ / Rule" in d.value.columns):
        rows |= set(zip(frame["แผ่นงาน / Sheet"], frame["ช่อง / Cell"], frame["กฎ / Rule"],
                        frame["ข้อความภาษาอังกฤษ / Message (English)"],
                        strict=True))
    return rows


def test_check_again_checks_the_workbooks_uploaded_together_as_sms_validate_does(db, tmp_path, reference):
    import datetime as dt
    import json

    from typer.testing import CliRunner

    from sms.cli import app
    from templates.catalog import SHEETS

    def year_with(payee: str):
        year = {k: v for k, v in mini_year().items() if k != "outputs"}
        over_allocate(year)  # B01 at allocations D2 and D3
        year["disbursements"]["payments"].loc[0, ["amount", "payee"]] = [55000, payee]  # B08 at G3 (A1 tips it)
        return year

    uploaded = write_year(tmp_path / "uploaded", reference, year_with("ร้านอาหาร"))
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), XLSX) for p in uploaded]).run()
    assert not at.exception, at.exception
    at.selectbox(key="sheet-disbursements.xlsx").set_value(TEMPLATES["disbursements"].sheet("payments")).run()
    editor = next(e for e in at.data_editor if e.key.startswith("editor-disbursements.xlsx-payments"))
    shown = editor.value.reset_index(drop=True)
    position = int(shown.index[shown["แถว / row"] == 2][0])
    at.session_state[editor.key] = {"edited_rows": {position: {"payee": "ร้านอาหารริมน้ำ"}}, "added_rows": [],
                                    "deleted_rows": []}
    at.run()
    at.button(key="recheck-disbursements.xlsx").click().run()
    assert not at.exception, at.exception
    in_app = shown_findings(at)

    edited = write_year(tmp_path / "edited", reference, year_with("ร้านอาหารริมน้ำ"))
    result = CliRunner().invoke(app, ["validate", *map(str, edited), "--json", "--as-of", dt.date.today().isoformat()])
    by_cli = {(SHEETS[f["sheet"]][1].name, f["cell"], f["rule"], f["message_en"])
              for file in json.loads(result.stdout)["files"] for f in file["findings"]}
    assert in_app == by_cli
    assert {(sheet, cell, rule) for sheet, cell, rule, _ in in_app} == {
        ("จัดสรร", "D2", "B01"), ("จัดสรร", "D3", "B01"), ("เบิกจ่าย-ยืม", "G3", "B08")}
    assert next(m for m in at.metric if "Edits" in m.label and m.value == "1")  # the edit is counted on its card


def test_another_cost_centres_workbook_is_refused_before_its_stored_data_is_read(db, tmp_path, reference):
    other = mini_year_of_cc2()
    other["disbursements"]["payments"].loc[0, "amount"] = 70000  # over its activity's 60,000 budget: B08
    paths = [build_workbook(TEMPLATES[k], tmp_path / f"{k}.xlsx", reference, fiscal_year=FY, cost_center=CC2,
                            data=other[k]) for k in ("allocations", "projects", "disbursements")]
    submit(db, paths[:2], reference, actor="maker2", as_of=AS_OF)  # CC2's own allocations and projects
    at = signed_in("maker1", "maker-pass")  # CC's maker
    at.file_uploader[0].set_value((paths[2].name, paths[2].read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert f"belongs to cost centre {CC2}, not yours" in shown and f"ศูนย์ต้นทุน {CC2}" in shown
    assert "60,000.00" not in shown and "B08" not in shown  # nothing of CC2's stored budgets is shown
    assert next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).disabled


def test_a_file_removed_from_the_set_leaves_the_others_checked_without_it_and_may_come_back(db, tmp_path, reference):
    paths = write_year(tmp_path, reference, {k: v for k, v in mini_year().items() if k in ("allocations", "projects")})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), XLSX) for p in paths]).run()
    assert not shown_findings(at)  # the two check clean together
    at.button(key="remove-allocations.xlsx").click().run()
    assert not at.exception, at.exception
    alone = shown_findings(at)  # projects alone: its funding names transfers nobody stored
    assert alone and {rule for _, _, rule, _ in alone} == {"B11"}
    at.file_uploader[0].set_value([(paths[0].name, paths[0].read_bytes(), XLSX)]).run()
    assert not at.exception, at.exception
    assert not shown_findings(at)  # allocations is back, and with it the transfers
    assert next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).label.endswith("(2 ไฟล์ / files)")


def test_the_checkers_queue_and_trail_read_as_words_in_thai_time(db, tmp_path, reference):
    from review.display import when

    sid = stored_year(db, tmp_path, reference)
    at = signed_in("checker8", "checker-pass")
    queue = at.dataframe[0].value
    assert queue["แบบฟอร์ม / Template"].tolist() == ["รับโอนและจัดสรรงบประมาณ / Transfers received and allocations"]
    assert queue["สถานะ / Status"].tolist() == ["รอตรวจ / submitted"]
    with db.connect() as conn:
        sent = conn.execute(sa.select(submissions.c.submitted_at).where(submissions.c.id == sid)).scalar()
    assert queue["เวลาส่ง / Submitted at"].tolist() == [when(sent)] and " 25" in when(sent)  # a BE year
    trail = table_with(at, "การกระทำ / Action")
    assert trail["การกระทำ / Action"].tolist() == ["ส่งข้อมูล / submitted"]
    assert "None" not in trail.astype(str).to_string() and "allocations" not in trail.astype(str).to_string()


def test_times_are_shown_in_thailand_in_the_buddhist_era():
    import datetime as dt

    from review.display import when

    assert when(dt.datetime(2026, 11, 29, 14, 57, tzinfo=dt.UTC)) == "29 พ.ย. 2569 21:57"
    assert when(dt.datetime(2025, 12, 31, 20, 0)) == "1 ม.ค. 2569 03:00"  # naive times are stored as UTC
    assert when(None) == "-"


def test_a_cell_in_the_audit_trail_reads_as_people_read_it():
    from review.display import cell_text

    assert cell_text("40000", "allocations", "amount") == "40,000.00"
    assert cell_text("1234.5", "kpi_results", "result") == "1,234.5"
    assert cell_text("20/11/2568", "allocations", "allocation_date") == "20 พ.ย. 2568"
    assert cell_text("12", "activities", "planned_month") == "ธ.ค."
    assert cell_text("หนึ่งแสน", "transfers", "amount") == "หนึ่งแสน"  # typed unreadably: as typed
    assert cell_text(None, None, None) == "" and cell_text("T1", "transfers", "transfer_no") == "T1"


def test_an_old_xls_or_a_csv_is_refused_with_the_gates_sentence(db, tmp_path):
    at = signed_in("maker1", "maker-pass")
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096  # an OLE2 file, as Excel 97-2003 writes
    at.file_uploader[0].set_value([("งบ.xls", old_excel, "application/vnd.ms-excel"),
                                   ("งบ.csv", b"transfer_no,amount\nT1,100\n", "text/csv")]).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Excel 97-2003" in shown and "Save As" in shown and "CSV" in shown and "(.xlsx)" in shown
    assert next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).disabled


def type_in_grid(at: AppTest, sheet: str, row: int, column: str, value) -> None:
    """Type ``value`` into the editor grid of ``sheet`` at Excel ``row`` (not checked again yet)."""
    at.selectbox(key=next(s.key for s in at.selectbox if s.label.startswith("แก้ไขแผ่นงาน"))).set_value(
        TEMPLATES["allocations"].sheet(sheet)).run()
    editor = at.data_editor[0]
    shown = editor.value.reset_index(drop=True)
    position = int(shown.index[shown["แถว / row"] == row][0])
    at.session_state[editor.key] = {"edited_rows": {position: {column: value}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception


def grid_value(at: AppTest, row: int, column: str):
    shown = at.data_editor[0].value
    return shown.loc[shown["แถว / row"] == row, column].item()


def metric_value(at: AppTest, label: str) -> str:
    return next(m for m in at.metric if label in m.label).value


def edited_unchecked(folder: Path, reference) -> tuple[AppTest, Path]:
    """maker1 has uploaded the over-allocated allocations (B01 at D2, D3) and typed 40000 over the 50,000 of Excel
    row 3, without checking it again."""
    year = mini_year()
    over_allocate(year)
    [path] = write_year(folder, reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    type_in_grid(at, "allocations", 3, "amount", 40000)
    return at, path


def test_an_upload_and_an_unchecked_edit_are_back_after_signing_in_again(db, tmp_path, reference):
    at, path = edited_unchecked(tmp_path, reference)
    [draft] = user_drafts(db, "maker1")  # on the server as it was typed, before "check again"
    assert (draft.file_name, draft.content, draft.edits) == (path.name, path.read_bytes(), [])
    assert [(e.sheet, e.row, e.column, e.old, e.new) for e in draft.pending] == [
        ("allocations", 3, "amount", "50000", "40000")]

    again = signed_in("maker1", "maker-pass")  # another browser session: a reload, a new tab, a restarted server
    assert metric_value(again, "Errors") == "2" and metric_value(again, "Edits") == "0"
    again.selectbox(key=f"sheet-{path.name}").set_value(TEMPLATES["allocations"].sheet("allocations")).run()
    assert grid_value(again, 3, "amount") == 40000  # the grid as it was left
    again.button(key=f"recheck-{path.name}").click().run()
    assert metric_value(again, "Errors") == "0" and metric_value(again, "Edits") == "1"
    [draft] = user_drafts(db, "maker1")
    assert [(e.row, e.old, e.new) for e in draft.edits] == [(3, "50000", "40000")] and draft.pending == []
    assert draft.content == path.read_bytes()  # check again wrote no workbook: the upload and the edit are kept
    restored = signed_in("maker1", "maker-pass")  # the checked edit comes back, applied to the upload
    assert metric_value(restored, "Errors") == "0" and metric_value(restored, "Edits") == "1"

    next(b for b in again.button if b.label.startswith("ส่งข้อมูล")).click().run()
    assert "Stored as version 1" in texts(again)
    assert user_drafts(db, "maker1") == []  # submitted: the draft is gone
    with db.connect() as conn:
        edits = conn.execute(sa.select(audit.c.actor, audit.c.row_number, audit.c.old_value, audit.c.new_value)
                             .where(audit.c.action == "edit")).all()
        stored = conn.execute(sa.select(submissions.c.file_name, submissions.c.file_bytes)).one()
    assert edits == [("maker1", 3, "50000", "40000")]
    (tmp_path / "stored").mkdir()
    (tmp_path / "stored" / stored.file_name).write_bytes(stored.file_bytes)  # the file kept is the edited workbook
    assert parse_workbook(tmp_path / "stored" / stored.file_name).sheets["allocations"].values.loc[3, "amount"] == 40000


def test_the_grid_gets_the_same_rows_run_after_run_while_the_browser_holds_its_edit(db, tmp_path, reference):
    """Streamlit's editor drops its edits and asks for a rerun when the rows it is given change: that rerun, landing
    while "check again" ran, stopped it halfway (ten sessions on two servers). A cell the browser holds as its own
    edit is therefore not written into the rows; another session, holding none, gets it written in."""
    at, path = edited_unchecked(tmp_path, reference)
    first = at.data_editor[0].value
    at.run()
    assert grid_value(at, 3, "amount") == 50000  # as read: the browser draws its own 40000 over it
    pd.testing.assert_frame_equal(at.data_editor[0].value, first)
    assert [e.new for e in user_drafts(db, "maker1")[0].pending] == ["40000"]
    again = signed_in("maker1", "maker-pass")
    again.selectbox(key=f"sheet-{path.name}").set_value(TEMPLATES["allocations"].sheet("allocations")).run()
    assert grid_value(again, 3, "amount") == 40000


def test_an_edit_typed_back_to_the_checked_value_is_no_edit(db, tmp_path, reference):
    at, path = edited_unchecked(tmp_path, reference)
    type_in_grid(at, "allocations", 3, "amount", 50000)
    assert user_drafts(db, "maker1")[0].pending == []
    assert next(b for b in at.button if b.label.startswith("ตรวจอีกครั้ง")).disabled


def test_a_draft_is_its_users_alone_and_removing_the_file_drops_it(db, tmp_path, reference):
    add_user(db, reference, "maker1b", "maker", "maker-pass", cost_center=CC)  # the same unit, another person
    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    colleague = signed_in("maker1b", "maker-pass")
    assert not colleague.metric and path.name not in texts(colleague) and user_drafts(db, "maker1b") == []
    at.button(key=f"remove-{path.name}").click().run()
    assert user_drafts(db, "maker1") == []
    assert not signed_in("maker1", "maker-pass").metric  # nothing comes back


def test_a_stale_edit_keeps_the_draft_and_says_so(db, tmp_path, reference):
    stored_year(db, tmp_path / "v1", reference)  # version 1: the maker's edits start from it
    at, path = edited_unchecked(tmp_path, reference)
    at.button(key=f"recheck-{path.name}").click().run()
    colleague = mini_year()
    colleague["allocations"]["transfers"].loc[0, "note"] = "แก้โดยเพื่อนร่วมงาน"
    [newer] = write_year(tmp_path / "colleague", reference, {"allocations": colleague["allocations"]})
    submit(db, [newer], reference, actor="maker1b", as_of=AS_OF)  # version 2, stored meanwhile
    next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).click().run()
    shown = texts(at)
    assert "nothing was stored" in shown and "kept as your draft" in shown and "ฉบับร่าง" in shown
    assert "reload, and apply" not in shown  # no longer sends the user to a reload that used to lose the edits
    assert [b.label for b in at.get("download_button") if b.key == f"stale-{path.name}"]
    [draft] = user_drafts(db, "maker1")
    assert [(e.row, e.new) for e in draft.edits] == [(3, "40000")]
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(submissions)).scalar() == 2


def test_a_session_ended_elsewhere_signs_this_one_out_and_keeps_the_draft(db, tmp_path, reference):
    from review.session import token_of
    from store.sessions import end_session

    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    end_session(db, token_of(at.session_state["session_token"]))  # signed out in another tab of this browser
    at.run()
    assert not at.sidebar.button and at.text_input[0].label == "ชื่อผู้ใช้ / User name"
    assert "session_token" not in at.session_state and [d.file_name for d in user_drafts(db, "maker1")] == [path.name]


def test_signing_out_ends_the_session_on_the_server(db):
    from review.session import token_of
    from store.sessions import session_user

    at = signed_in("maker1", "maker-pass")
    token = token_of(at.session_state["session_token"])
    assert session_user(db, token).name == "maker1"
    at.sidebar.button[0].click().run()
    assert session_user(db, token) is None and at.text_input[0].label == "ชื่อผู้ใช้ / User name"


FIELD = Path(__file__).parent / "field_cases"  # copies of ../shared/field-cases, as they arrived
FIELD_CASES = {  # file -> a (cell, rule) its README's right outcome names
    "as-excel-writes-it.xlsx": ("H3", "S03"), "cells-without-address.xlsx": ("H4", "S03"),
    "stray-cell-no-dimension.xlsx": ("XFD1048576", "S13"), "amount-header-twice.xlsx": ("D1", "S11"),
    "transfer-no-merged.xlsx": ("A2:A3", "S14"), "superseded-row-hidden.xlsx": ("A2", "S15"),
    "kpi-result-as-percent.xlsx": None, "status-decomposed.xlsx": None,
    "template-backslash-paths.xlsx": None, "template-plus-broken-hidden-sheet.xlsx": ("", "S12"),
}


@pytest.mark.parametrize("name", FIELD_CASES)
def test_a_field_case_uploaded_in_the_app_is_found_as_sms_validate_finds_it(db, name):
    """Every field case, uploaded with the two workbooks it is checked with, gives on the page exactly what
    `sms validate` gives for it (the README's right outcome; the app parses in the same worker processes)."""
    import datetime as dt
    import json

    from typer.testing import CliRunner

    from sms.cli import app
    from templates.catalog import SHEETS

    files = [FIELD / "inputs-allocations.xlsx", FIELD / "inputs-projects.xlsx", FIELD / name]
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value([(p.name, p.read_bytes(), XLSX) for p in files]).run()
    assert not at.exception, at.exception
    result = CliRunner().invoke(app, ["validate", *map(str, files), "--json", "--as-of", dt.date.today().isoformat()])
    assert result.exit_code in (0, 1), result.output
    by_cli = {(SHEETS[f["sheet"]][1].name if f["sheet"] in SHEETS else f["sheet"], f["cell"], f["rule"],
               f["message_en"]) for file in json.loads(result.stdout)["files"] for f in file["findings"]}
    in_app = shown_findings(at)
    assert in_app == by_cli
    if expected := FIELD_CASES[name]:
        assert expected in {(cell, rule) for _, cell, rule, _ in in_app}
    else:  # read as the user sees it: nothing to say about this file
        assert not [f for f in in_app if f[2].startswith("S")]


def test_a_blank_template_is_checked_but_cannot_be_sent_and_the_maker_reads_why(db):
    """Field cases 08 and 09 are blank templates: their `_meta` names no cost centre. A maker sees them read and
    checked (09's unreadable extra sheet skipped with S12, no library's words), with the sentence that says to
    download their own template, and Submit stays off."""
    name = "template-plus-broken-hidden-sheet.xlsx"
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((name, (FIELD / name).read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    assert not at.error
    [warning] = [w.value for w in at.warning]
    assert "names no cost centre" in warning and "ไม่ได้ระบุศูนย์ต้นทุน" in warning and "step 1" in warning
    assert {rule for _, _, rule, _ in shown_findings(at)} == {"S12"}
    assert "Calamine" not in texts(at)
    assert next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).disabled
    assert f"not yet: {name} (ไม่ได้ระบุศูนย์ต้นทุน / names no cost centre)" in captions(at)


def test_a_workbook_whose_current_version_is_approved_holds_submit_back_and_says_so(db, tmp_path, reference):
    """The allocations' current version is approved (locked): a new allocations workbook is checked, and Submit
    is off before it is pressed, with the reason beside it (it used to look submittable until Submit said no)."""
    sid = stored_year(db, tmp_path, reference)
    checker = signed_in("checker8", "checker-pass")
    next(b for b in checker.button if "Approve" in b.label).click().run()
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = "ฉบับแก้ไข"
    [path] = write_year(tmp_path / "new", reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if "Errors" in m.label).value == "0"
    assert next(b for b in at.button if b.label.startswith("ส่งข้อมูล")).disabled
    assert ("not yet: allocations.xlsx (อนุมัติแล้ว แก้ไขไม่ได้จนกว่าผู้กำกับจะเปิดให้ / approved: locked until a "
            "checker reopens it)") in captions(at)
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.id, submissions.c.status)).all() == [(sid, "approved")]


def test_submit_pressed_after_a_checker_approved_the_current_version_says_nothing_was_sent(db, tmp_path, reference):
    sid = stored_year(db, tmp_path, reference)
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = "ฉบับแก้ไข"
    [path] = write_year(tmp_path / "new", reference, {"allocations": year["allocations"]})
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    submit_button = next(b for b in at.button if b.label.startswith("ส่งข้อมูล"))
    assert not submit_button.disabled  # version 1 awaits a decision: this one may replace it
    checker = signed_in("checker8", "checker-pass")
    next(b for b in checker.button if "Approve" in b.label).click().run()
    submit_button.click().run()  # the page the maker pressed on was drawn before the approval
    assert not at.exception, at.exception
    assert "Nothing was submitted: it changed meanwhile: allocations.xlsx (" in "\n".join(e.value for e in at.error)
    with db.connect() as conn:
        assert conn.execute(sa.select(submissions.c.id, submissions.c.status)).all() == [(sid, "approved")]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_edits_checked_again_stay_on_their_rows_when_the_rewrite_moves_them(db, tmp_path, reference):
    """A title above the header: the first check again writes the workbook with the header in row 1, every row
    one up; the next check again applies the first edit again on the row it has moved to, not on another."""
    import openpyxl

    from templates.catalog import SHEETS

    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    book = openpyxl.load_workbook(path)
    book[SHEETS["allocations"][1].name].insert_rows(1)
    book[SHEETS["allocations"][1].name]["A1"] = "การจัดสรรงบประมาณ ปีงบประมาณ 2569"
    book.save(path)
    at = signed_in("maker1", "maker-pass")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), XLSX)).run()
    type_in_grid(at, "allocations", 4, "amount", 39000)  # the second allocation, 40,000 (93902)
    at.button(key=f"recheck-{path.name}").click().run()
    assert [grid_value(at, row, "amount") for row in (2, 3, 4)] == [60000, 39000, 50000]
    type_in_grid(at, "allocations", 2, "amount", 61000)
    at.button(key=f"recheck-{path.name}").click().run()
    assert [grid_value(at, row, "amount") for row in (2, 3, 4)] == [61000, 39000, 50000]
    assert metric_value(at, "Edits") == "2"
    [draft] = user_drafts(db, "maker1")
    assert [(e.row, e.new) for e in draft.edits] == [(3, "39000"), (2, "61000")]
