"""A checker's correction: a new version made from the file as submitted, checked like an upload, audited cell by
cell with the reason, and refused to anyone who may not make it; on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, mini_year
from test_rules import write_year

from domain.errors import Reason
from services.submission import correct, submit
from store.history import list_submissions
from store.schema import audit, submissions
from store.submissions import Edit, sheet_rows
from store.users import add_user
from store.workflow import WorkflowError, decide
from templates.catalog import SHEETS

REASON = "ยอดจัดสรรตามหนังสือแจ้งจัดสรร สสจ. ที่ 123/2569"


@pytest.fixture
def people(engine, reference):
    return {
        "maker": add_user(engine, reference, "maker1", "maker", "maker-pass", cost_center=CC),
        "checker": add_user(engine, reference, "checker8", "checker", "checker-pass", region=8),
        "checker12": add_user(engine, reference, "checker12", "checker", "checker-pass", region=12),
        "inspector": add_user(engine, reference, "inspector", "inspector", "inspector-pass"),
        "admin": add_user(engine, reference, "admin", "admin", "admin-pass"),
    }


@pytest.fixture
def stored(engine, tmp_path, reference, people) -> int:
    """The maker's allocations, version 1: allocation rows 2-4 are T1→93901 60,000, T1→93902 40,000, T2→93901."""
    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    [result] = submit(engine, [path], reference, actor="maker1", as_of=AS_OF)
    return result.submission_id


def versions(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(sa.select(submissions.c.version, submissions.c.status, submissions.c.submitted_by,
                                      submissions.c.cost_center, submissions.c.file_name, submissions.c.as_of)
                            .order_by(submissions.c.id)).all()


def test_the_correction_is_the_newest_version_of_the_makers_cost_centre_awaiting_the_checker(engine, reference,
                                                                                             people, stored):
    edits = [Edit("allocations", 3, "amount", "", "35,000"), Edit("transfers", 2, "transfer_date", "", "16/11/2568")]
    outcome = correct(engine, reference, people["checker"], stored, 0, edits, f"  {REASON} ")
    assert (outcome.status, outcome.version, outcome.cost_center) == ("stored", 2, CC)
    assert outcome.counts == {"added": 0, "changed": 2, "removed": 0, "unchanged": 3}
    assert versions(engine) == [(1, "replaced", "maker1", CC, "allocations.xlsx", AS_OF),
                                (2, "submitted", "checker8", CC, "allocations.xlsx", AS_OF)]
    with engine.connect() as conn:
        allocations = sheet_rows(conn, SHEETS["allocations"][1], outcome.submission_id)
        transfers = sheet_rows(conn, SHEETS["transfers"][1], outcome.submission_id)
        trail = conn.execute(sa.select(audit.c.action, audit.c.actor, audit.c.sheet, audit.c.row_number,
                                       audit.c.column, audit.c.old_value, audit.c.new_value, audit.c.comment)
                             .where(audit.c.submission_id == outcome.submission_id).order_by(audit.c.id)).all()
    assert allocations["amount"].tolist() == [60000, 35000, 50000]
    assert transfers.loc[2, "transfer_date"] == dt.date(2025, 11, 16)
    assert trail == [
        ("corrected", "checker8", None, None, None, None, None,
         "ฉบับที่ 2: เพิ่ม 0, แก้ 2, ลบ 0, เหมือนเดิม 3 / v2: added 0, changed 2, removed 0, unchanged 3"),
        ("corrected", "checker8", "allocations", 3, "amount", "40000", "35000", REASON),  # old: from the file
        ("corrected", "checker8", "transfers", 2, "transfer_date", "15/11/2568", "16/11/2568", REASON)]
    listed = list_submissions(engine, {CC}).set_index("version")["corrected"]
    assert listed.to_dict() == {2: True, 1: False}

    # Only the corrected version can be decided now; the checker approves it.
    with pytest.raises(WorkflowError):
        decide(engine, reference, people["checker"], stored, 1, "approve")
    approved = decide(engine, reference, people["checker"], outcome.submission_id, 0, "approve")
    assert (approved["status"], approved["locked"]) == ("approved", True)


def test_an_admin_corrects_a_returned_version(engine, reference, people, stored):
    decide(engine, reference, people["checker"], stored, 0, "return", "ยอดแถว 3 ผิด")
    outcome = correct(engine, reference, people["admin"], stored, 1, [Edit("allocations", 3, "amount", "", "35000")],
                      REASON)
    assert outcome.status == "stored"
    assert [(v, status) for v, status, *_ in versions(engine)] == [(1, "replaced"), (2, "submitted")]


@pytest.mark.parametrize("who,why", [
    ("checker12", Reason.NOT_FOUND_IN_SCOPE),  # another health region: not even told it exists
    ("inspector", Reason.NOT_ALLOWED),
    ("maker", Reason.NOT_ALLOWED),
])
def test_only_a_checker_of_the_region_may_correct(engine, reference, people, stored, who, why):
    with pytest.raises(WorkflowError) as refused:
        correct(engine, reference, people[who], stored, 0, [Edit("allocations", 3, "amount", "", "35000")], REASON)
    assert refused.value.reason == why and refused.value.message_th and refused.value.message_en
    assert [status for _, status, *_ in versions(engine)] == ["submitted"]


def test_a_correction_needs_a_reason_a_change_and_a_version_awaiting_a_decision(engine, reference, people, stored):
    checker, edit = people["checker"], [Edit("allocations", 3, "amount", "", "35000")]
    with pytest.raises(WorkflowError, match="Write why"):
        correct(engine, reference, checker, stored, 0, edit, "   ")
    with pytest.raises(WorkflowError, match="No cell is changed"):
        correct(engine, reference, checker, stored, 0, [Edit("allocations", 3, "amount", "", "40,000.00")], REASON)
    with pytest.raises(WorkflowError, match="not in the submitted file"):
        correct(engine, reference, checker, stored, 0, [Edit("allocations", 9, "amount", "", "1")], REASON)
    decide(engine, reference, checker, stored, 0, "return", "ตรวจซ้ำ")  # revision 1 now
    with pytest.raises(WorkflowError, match="reload"):  # the grid was opened at revision 0
        correct(engine, reference, checker, stored, 0, edit, REASON)
    assert [status for _, status, *_ in versions(engine)] == ["returned"]


def test_an_approved_version_is_locked_until_reopened(engine, reference, people, stored):
    checker, edit = people["checker"], [Edit("allocations", 3, "amount", "", "35000")]
    decide(engine, reference, checker, stored, 0, "approve")
    with pytest.raises(WorkflowError, match="reopen an approved one first"):
        correct(engine, reference, checker, stored, 1, edit, REASON)
    decide(engine, reference, checker, stored, 1, "reopen")
    assert correct(engine, reference, checker, stored, 2, edit, REASON).version == 2


def test_a_correction_with_an_error_stores_nothing_and_says_why(engine, reference, people, stored):
    outcome = correct(engine, reference, people["checker"], stored, 0,
                      [Edit("allocations", 3, "amount", "", "70,000")], REASON)  # T1: 130,000 of 100,000
    assert outcome.status == "refused" and outcome.submission_id is None
    assert {(f.rule, f.cell) for f in outcome.report.findings} == {("B01", "D2"), ("B01", "D3")}
    assert [status for _, status, *_ in versions(engine)] == ["submitted"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(audit.c.action).where(audit.c.action == "corrected")).all() == []
