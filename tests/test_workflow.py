"""Accounts, scopes and the checker's decisions, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, mini_year
from test_rules import write_year

from services.submission import submit
from store.schema import audit, submissions
from store.submissions import Edit, StaleEdit, newest_submission
from store.users import UserError, add_user, authenticate
from store.workflow import WorkflowError, decide

OTHER_REGION_CC = "2100200233"  # รพ.ตรัง, health region 12


@pytest.fixture
def people(engine, reference):
    return {
        "maker": add_user(engine, reference, "maker1", "maker", "รหัสผ่าน-ยาวพอ", cost_center=CC),
        "checker": add_user(engine, reference, "checker8", "checker", "checker-pass", region=8),
        "checker12": add_user(engine, reference, "checker12", "checker", "checker-pass", region=12),
        "inspector": add_user(engine, reference, "inspector", "inspector", "inspector-pass"),
    }


@pytest.fixture
def stored(engine, tmp_path, reference, people):
    paths = write_year(tmp_path, reference, mini_year())
    [result] = submit(engine, paths[:1], reference, actor="maker1", as_of=AS_OF)
    return result


def test_passwords_are_hashed_and_checked(engine, people):
    with engine.connect() as conn:
        hashes = conn.execute(sa.text("select password_hash from users")).scalars().all()
    assert all(h.startswith("scrypt$") and "รหัสผ่าน" not in h for h in hashes)
    assert authenticate(engine, "maker1", "รหัสผ่าน-ยาวพอ") == people["maker"]
    assert authenticate(engine, "maker1", "wrong-password") is None
    assert authenticate(engine, "nobody", "รหัสผ่าน-ยาวพอ") is None


@pytest.mark.parametrize("kwargs,needle", [
    (dict(name="m", role="maker", password="long-enough"), "cost centre"),
    (dict(name="c", role="checker", password="long-enough", region=20), "region"),
    (dict(name="x", role="boss", password="long-enough"), "Role boss"),
    (dict(name="s", role="inspector", password="short"), "8 characters"),
])
def test_bad_accounts_are_refused_with_a_reason(engine, reference, kwargs, needle):
    with pytest.raises(UserError) as refused:
        add_user(engine, reference, **kwargs)
    assert needle in refused.value.message_en and refused.value.message_th


def test_scopes(reference, people):
    assert people["maker"].cost_centers(reference) == {CC}
    region8 = people["checker"].cost_centers(reference)
    assert CC in region8 and OTHER_REGION_CC not in region8 and len(region8) == 19
    assert people["inspector"].cost_centers(reference) is None


def test_checker_approves_and_the_submission_is_locked(engine, reference, people, stored, tmp_path):
    approved = decide(engine, reference, people["checker"], stored.submission_id, 0, "approve", "ครบถ้วน")
    assert (approved["status"], approved["locked"], approved["revision"]) == ("approved", True, 1)
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = "แก้ไข"
    again = write_year(tmp_path / "v2", reference, {"allocations": year["allocations"]})
    [locked] = submit(engine, again, reference, actor="maker1", as_of=AS_OF)
    assert locked.status == "locked"
    decide(engine, reference, people["checker"], stored.submission_id, 1, "reopen", "แก้ได้")
    [result] = submit(engine, again, reference, actor="maker1", as_of=AS_OF)
    assert (result.status, result.version) == ("stored", 2)
    with engine.connect() as conn:
        trail = conn.execute(sa.select(audit.c.action, audit.c.actor, audit.c.comment)
                             .where(audit.c.submission_id == stored.submission_id).order_by(audit.c.id)).all()
    assert [(a, who) for a, who, _ in trail] == [("import", "maker1"), ("approve", "checker8"),
                                                ("reopen", "checker8"), ("replaced", "maker1")]


def test_a_newer_version_replaces_the_older_one_and_only_the_newest_can_be_decided(
        engine, reference, people, stored, tmp_path):
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = "ฉบับที่ 2"
    [second] = submit(engine, write_year(tmp_path / "v2", reference, {"allocations": year["allocations"]}),
                      reference, actor="maker1", as_of=AS_OF)
    assert (second.status, second.version) == ("stored", 2)
    with engine.connect() as conn:
        first = conn.execute(sa.select(submissions).where(submissions.c.id == stored.submission_id)).mappings().one()
    assert (first["status"], first["revision"]) == ("replaced", 1)  # a checker who had it open sees it changed
    for action in ("approve", "return"):
        with pytest.raises(WorkflowError) as refused:
            decide(engine, reference, people["checker"], stored.submission_id, 1, action, "ตรวจแล้ว")
        assert "newer version (2)" in refused.value.message_en and "ฉบับที่ 2" in refused.value.message_th
    returned = decide(engine, reference, people["checker"], second.submission_id, 0, "return", "แก้ใบโอน T1")
    assert returned["status"] == "returned"
    year["allocations"]["transfers"].loc[0, "note"] = "ฉบับที่ 3"
    [third] = submit(engine, write_year(tmp_path / "v3", reference, {"allocations": year["allocations"]}),
                     reference, actor="maker1", as_of=AS_OF)
    with engine.connect() as conn:
        statuses = conn.execute(sa.select(submissions.c.version, submissions.c.status)
                                .order_by(submissions.c.version)).all()
    assert statuses == [(1, "replaced"), (2, "replaced"), (3, "submitted")]  # a returned version is replaced too
    assert decide(engine, reference, people["checker"], third.submission_id, 0, "approve", "")["status"] == "approved"


def test_return_needs_a_comment_the_maker_sees(engine, reference, people, stored):
    with pytest.raises(WorkflowError) as refused:
        decide(engine, reference, people["checker"], stored.submission_id, 0, "return", "  ")
    assert "why" in refused.value.message_en
    decide(engine, reference, people["checker"], stored.submission_id, 0, "return", "ใบโอน T2 วันที่ไม่ถูกต้อง")
    with engine.connect() as conn:
        status = conn.execute(sa.select(submissions.c.status)).scalar()
        comment = conn.execute(sa.select(audit.c.comment).where(audit.c.action == "return")).scalar()
    assert (status, comment) == ("returned", "ใบโอน T2 วันที่ไม่ถูกต้อง")


def test_only_checkers_of_the_region_decide(engine, reference, people, stored):
    for who in ("maker", "inspector", "checker12"):
        with pytest.raises(WorkflowError):
            decide(engine, reference, people[who], stored.submission_id, 0, "approve")
    with engine.connect() as conn:
        assert conn.execute(sa.select(submissions.c.status)).scalar() == "submitted"


def test_a_decision_on_a_stale_view_is_refused(engine, reference, people, stored):
    decide(engine, reference, people["checker"], stored.submission_id, 0, "approve")
    with pytest.raises(WorkflowError) as refused:
        decide(engine, reference, people["checker"], stored.submission_id, 0, "return", "ช้าไป")
    assert "reload" in refused.value.message_en


def test_a_maker_cannot_import_for_another_cost_centre(engine, tmp_path, reference, people):
    paths = write_year(tmp_path, reference, mini_year())
    [result] = submit(engine, paths[:1], reference, actor="maker12", as_of=AS_OF, allowed={OTHER_REGION_CC})
    assert result.status == "forbidden"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(submissions)).scalar() == 0


def test_the_later_of_two_edits_is_refused_and_nothing_is_lost(engine, tmp_path, reference, stored):
    with engine.connect() as conn:
        base = newest_submission(conn, "allocations", CC, 2569)
    start = (base["id"], base["revision"])
    edited = []
    for n, note in enumerate(("แก้โดย ก", "แก้โดย ข")):
        year = mini_year()
        year["allocations"]["transfers"].loc[0, "note"] = note
        edited.append(write_year(tmp_path / f"e{n}", reference, {"allocations": year["allocations"]})[0])
    first, second = edited
    change = {first.name: [Edit("transfers", 2, "note", "", "แก้โดย ก")]}
    [result] = submit(engine, [first], reference, actor="maker1", as_of=AS_OF, bases={first.name: start}, edits=change)
    assert result.status == "stored"
    with pytest.raises(StaleEdit):
        submit(engine, [second], reference, actor="maker2", as_of=AS_OF, bases={second.name: start},
               edits={second.name: [Edit("transfers", 2, "note", "", "แก้โดย ข")]})
    with engine.connect() as conn:
        edits = conn.execute(sa.select(audit.c.actor, audit.c.sheet, audit.c.row_number, audit.c.column,
                                       audit.c.new_value).where(audit.c.action == "edit")).all()
        versions = conn.execute(sa.select(sa.func.count()).select_from(submissions)).scalar()
    assert edits == [("maker1", "transfers", 2, "note", "แก้โดย ก")] and versions == 2
    assert edited[1].exists()  # the refused edit's workbook is still there to download


def test_an_edit_begun_before_any_version_is_refused_once_a_colleague_stored_the_first(engine, tmp_path, reference):
    """Both makers of a unit start from nothing stored; the second save would silently replace the first one's
    version 1, so it is refused as a save over a newer version is."""
    mine, theirs = (write_year(tmp_path / who, reference, {"allocations": mini_year()["allocations"]})[0]
                    for who in ("a", "b"))
    [first] = submit(engine, [theirs], reference, actor="maker1b", as_of=AS_OF, bases={theirs.name: None})
    assert (first.status, first.version) == ("stored", 1)
    with pytest.raises(StaleEdit):
        submit(engine, [mine], reference, actor="maker1", as_of=AS_OF, bases={mine.name: None},
               edits={mine.name: [Edit("transfers", 2, "note", "", "แก้โดย ก")]})
    with engine.connect() as conn:
        assert conn.execute(sa.select(submissions.c.version, submissions.c.submitted_by)).all() == [(1, "maker1b")]
