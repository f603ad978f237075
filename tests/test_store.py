"""Submissions are stored whole or not at all, every version is kept, and re-imports are idempotent."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, FY, mini_year
from test_rules import overdraw_allocation, write_year

from services.submission import submit
from store.schema import DATA_TABLES, audit, submissions
from store.submissions import current_submission, stored_context
from validators.validate import validate


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def data_rows(engine) -> dict[str, int]:
    return {key: count(engine, table) for key, table in DATA_TABLES.items()}


def test_import_stores_each_workbook_as_one_submission(engine, tmp_path, reference):
    paths = write_year(tmp_path, reference, mini_year())
    results = submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    assert [(r.status, r.template, r.cost_center, r.fiscal_year, r.version) for r in results] == [
        ("stored", key, CC, FY, 1) for key in ("allocations", "projects", "disbursements", "outputs")]
    rows = data_rows(engine)
    assert (rows["transfers"], rows["allocations"], rows["funding"], rows["payments"]) == (2, 3, 3, 2)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(submissions).order_by(submissions.c.id)).mappings().all()
        amounts = conn.execute(sa.select(DATA_TABLES["allocations"].c.amount)
                               .order_by(DATA_TABLES["allocations"].c.row_number)).scalars().all()
        actions = conn.execute(sa.select(audit.c.action, audit.c.actor)).all()
    assert [s["status"] for s in stored] == ["submitted"] * 4
    assert stored[0]["file_bytes"] == paths[0].read_bytes() and stored[0]["submitted_by"] == "maker1"
    assert amounts == [60000, 40000, 50000]
    assert actions == [("import", "maker1")] * 4


def test_the_current_version_is_found_without_reading_its_workbook(engine, tmp_path, reference):
    """A check asks for the current version of every other template of the cost centre: its record comes back
    (id, version, digest, lock) without the stored file, which for 100,000 payments is 5.5 MB."""
    paths = write_year(tmp_path, reference, mini_year())
    submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    with engine.connect() as conn:
        current = current_submission(conn, "projects", CC, FY)
        stored = conn.execute(sa.select(submissions).where(submissions.c.id == current["id"])).mappings().one()
    assert "file_bytes" not in current and stored["file_bytes"] == paths[1].read_bytes()
    assert {k: current[k] for k in ("version", "file_sha256", "locked")} == {
        k: stored[k] for k in ("version", "file_sha256", "locked")}


def test_identical_reimport_changes_nothing_and_says_so(engine, tmp_path, reference):
    paths = write_year(tmp_path, reference, mini_year())
    submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    before = (data_rows(engine), count(engine, submissions))
    again = submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    assert [(r.status, r.version) for r in again] == [("unchanged", 1)] * 4
    assert (data_rows(engine), count(engine, submissions)) == before


def test_a_changed_workbook_is_a_new_version_and_the_old_one_stays(engine, tmp_path, reference):
    year = mini_year()
    first = write_year(tmp_path / "v1", reference, {"allocations": year["allocations"]})
    submit(engine, first, reference, actor="maker1", as_of=AS_OF)  # alone: stored projects would draw on T2 -> 93901
    alloc = year["allocations"]["allocations"]
    alloc.loc[0, "amount"] = 55000  # changed
    year["allocations"]["allocations"] = pd.concat([alloc.iloc[[0, 1]], pd.DataFrame(  # T2 removed, T2->U2 added
        [dict(transfer_no="T2", unit_code="93902", allocation_date=alloc.loc[2, "allocation_date"], amount=50000)],
        dtype=object)], ignore_index=True)
    second = write_year(tmp_path / "v2", reference, {"allocations": year["allocations"]})
    [result] = submit(engine, second, reference, actor="maker1", as_of=AS_OF)
    assert (result.status, result.version) == ("stored", 2)
    assert result.counts == {"added": 1, "changed": 1, "removed": 1, "unchanged": 3}
    with engine.connect() as conn:
        versions = conn.execute(sa.select(submissions.c.version, sa.func.count(DATA_TABLES["allocations"].c.row_number))
                                .join(DATA_TABLES["allocations"]).group_by(submissions.c.version)
                                .order_by(submissions.c.version)).all()
    assert versions == [(1, 3), (2, 3)]


def test_a_workbook_with_errors_stores_no_row(engine, tmp_path, reference):
    year = mini_year()
    year["allocations"]["allocations"].loc[1, "amount"] = 50000  # B01
    paths = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    [result] = submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    assert result.status == "refused" and result.report.errors == 2
    assert data_rows(engine)["allocations"] == 0 and data_rows(engine)["transfers"] == 0
    with engine.connect() as conn:
        refused = conn.execute(sa.select(submissions.c.status, submissions.c.version, submissions.c.errors)).all()
    assert refused == [("refused", None, 2)]


def test_a_failure_half_way_leaves_every_table_as_it_was(engine, tmp_path, reference, monkeypatch):
    import store.submissions as module

    paths = write_year(tmp_path, reference, mini_year())
    submit(engine, paths[:1], reference, actor="maker1", as_of=AS_OF)
    before = (data_rows(engine), count(engine, submissions), count(engine, audit))

    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(module, "record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        submit(engine, paths[1:2], reference, actor="maker1", as_of=AS_OF)
    assert (data_rows(engine), count(engine, submissions), count(engine, audit)) == before


def test_an_import_killed_half_way_leaves_nothing(engine, tmp_path, reference):
    paths = write_year(tmp_path, reference, mini_year())
    script = textwrap.dedent(f"""
        import os, signal, datetime
        import store.submissions as module
        from services.submission import submit
        from store.db import connect
        from reference.reference_set import load_default
        module.record_audit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # after the rows, before commit
        submit(connect({str(engine.url.render_as_string(hide_password=False))!r}),
               [{str(paths[0])!r}], load_default(), actor="x", as_of=datetime.date(2026, 3, 31))
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert data_rows(engine)["allocations"] == 0 and count(engine, submissions) == 0


def test_rules_check_new_workbooks_against_what_is_stored(engine, tmp_path, reference):
    year = mini_year()
    overdraw_allocation(year)
    paths = write_year(tmp_path, reference, year)
    [stored] = submit(engine, paths[:1], reference, actor="maker1", as_of=AS_OF)
    assert stored.status == "stored"
    report = validate(paths[1:2], reference, as_of=AS_OF, stored=stored_context(engine))
    assert {(f.rule, f.cell) for f in report.files[0].findings if f.is_error} == {("B03", "C4")}
    alone = validate(paths[1:2], reference, as_of=AS_OF)
    assert {f.rule for f in alone.files[0].findings} == {"B11"}  # no allocations known: every source is unknown


def test_a_database_made_before_a_new_optional_column_gains_it_and_keeps_its_rows(engine, tmp_path, reference):
    """hospital_finance.maintenance_fund (เงินบำรุงคงเหลือ) came after databases were made: connecting adds the
    column, the rows stored before read it as blank, and a new submission stores it."""
    from store.db import connect

    paths = write_year(tmp_path, reference, {k: v for k, v in mini_year().items() if k == "allocations"})
    submit(engine, paths, reference, actor="maker1", as_of=AS_OF)
    with engine.begin() as conn:  # the table as an older version made it
        conn.execute(sa.text('ALTER TABLE allocations DROP COLUMN "note"'))
    before = count(engine, DATA_TABLES["allocations"])

    again = connect(engine.url.render_as_string(hide_password=False))
    columns = {c["name"] for c in sa.inspect(again).get_columns("allocations")}
    assert "note" in columns
    with again.connect() as conn:
        notes = conn.execute(sa.select(DATA_TABLES["allocations"].c.note)).scalars().all()
    assert len(notes) == before and set(notes) == {None}
    again.dispose()



def test_a_reference_set_stored_before_a_new_required_column_gives_way_to_the_shipped_one(engine, reference):
    """ref_kpis gained `measure` (required): a reference set stored before cannot be completed row by row, so the
    reference tables are made anew, the shipped default applies, and the audit says why and what to do."""
    from store.db import connect
    from store.reference import current_reference, save_reference

    save_reference(engine, reference, "admin1", "reference.xlsx")
    with engine.begin() as conn:  # the table as an older version made it
        conn.execute(sa.text('ALTER TABLE ref_kpis DROP COLUMN "measure"'))

    again = connect(engine.url.render_as_string(hide_password=False))
    assert "measure" in {c["name"] for c in sa.inspect(again).get_columns("ref_kpis")}
    assert current_reference(again)["kpis"]["measure"].tolist() == reference["kpis"]["measure"].tolist()
    with again.connect() as conn:
        [comment] = conn.execute(sa.select(audit.c.comment).where(audit.c.actor == "sms")).scalars()
    assert "ref_kpis" in comment and "load your reference workbook again" in comment
    again.dispose()


def test_the_default_database_is_the_projects_wherever_a_command_runs_from(tmp_path, monkeypatch):
    """Run from another folder, `sms` once made a new empty database there and checked workbooks against it."""
    from store.db import database_url

    monkeypatch.delenv("SMS_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    project = Path(__file__).resolve().parents[1]
    assert database_url() == f"sqlite:///{project / 'outputs' / 'sms.sqlite'}"


# -- a new version that would leave rows already sent wrong ------------------------------------------------------
def activity_cut(year):
    """Projects: activity P1/1 cut from 60,000 to 20,000 (its T1 funding and P1's budget with it), while 20,000
    paid and an advance of 10,000 less 2,000 returned are stored against it: 28,000 disbursed."""
    year["projects"]["activities"].loc[0, "budget"] = 20000
    year["projects"]["funding"].loc[0, "amount"] = 20000
    year["projects"]["projects"].loc[0, "budget"] = 50000


def stored_year(engine, folder, reference) -> None:
    folder.mkdir()
    assert {r.status for r in submit(engine, write_year(folder, reference, mini_year()), reference, actor="maker1",
                                     as_of=AS_OF)} == {"stored"}


def new_version(folder, reference, change, *keys) -> list[Path]:
    year = mini_year()
    change(year)
    folder.mkdir()
    return write_year(folder, reference, {key: year[key] for key in keys})


def test_a_new_version_that_makes_stored_payments_overspend_is_refused_naming_them(engine, tmp_path, reference):
    """B08 the other way round: the activity's budget is in the projects workbook being sent, the payments are
    stored. Said to the projects workbook (it has no wrong cell of its own), naming the stored payment that takes
    the activity over (D1's 20,000 is within the new 20,000), and the projects are not stored; sent with corrected
    disbursements, both pass."""
    stored_year(engine, tmp_path / "v1", reference)
    [projects] = new_version(tmp_path / "v2", reference, activity_cut, "projects")
    [report] = validate([projects], reference, as_of=AS_OF, stored=stored_context(engine)).files
    disbursed = 20000 + 10000 - 2000
    assert [(f.rule, f.file, f.cell, f.message_en) for f in report.findings if f.is_error] == [(
        "B08", str(projects), "",
        "With this version, the Disbursements and advances workbook already sent breaks B08 in its sheet Payments "
        "and advances, row 3 (93901 / A1): Activity 1 of project P1 has "
        f"{disbursed:,.2f} disbursed, more than its budget of 20,000.00 (over from document A1 on); check the "
        "amounts or the activity. If this version is right, correct that workbook and send it together with this one.")]
    assert report.findings[0].message_th.startswith(
        "เมื่อใช้ไฟล์นี้ แบบฟอร์มเบิกจ่ายและเงินยืมที่ส่งไว้แล้วผิดกฎ B08 ที่แผ่นงานเบิกจ่าย-ยืม แถว 3 (93901 / A1): ")
    [refused] = submit(engine, [projects], reference, actor="maker1", as_of=AS_OF)
    with engine.connect() as conn:
        assert refused.status == "refused" and current_submission(conn, "projects", CC, FY)["version"] == 1

    def paid_less(year):
        activity_cut(year)
        year["disbursements"]["payments"].loc[0, "amount"] = 10000  # 18,000 disbursed
    both = new_version(tmp_path / "v3", reference, paid_less, "projects", "disbursements")
    assert not [f for r in validate(both, reference, as_of=AS_OF, stored=stored_context(engine)).files
                for f in r.findings if f.is_error]


def test_a_new_version_that_drops_what_stored_rows_name_is_refused_naming_them(engine, tmp_path, reference):
    """B11 the other way round: activity P1/1 renumbered 3 in the projects sent, while stored payments and activity
    results name P1/1; and B03: unit 93902's share of T1 cut to 30,000 in the allocations sent, while its stored
    project P2 draws 40,000 from it."""
    stored_year(engine, tmp_path / "v1", reference)

    def renumbered(year):
        year["projects"]["activities"].loc[0, "activity_no"] = 3
    [projects] = new_version(tmp_path / "v2", reference, renumbered, "projects")
    [report] = validate([projects], reference, as_of=AS_OF, stored=stored_context(engine)).files
    found = [(f.rule, f.cell, f.message_en.split(":")[0]) for f in report.findings if f.is_error]
    assert found == [
        ("B11", "", "With this version, the Disbursements and advances workbook already sent breaks B11 in its sheet "
                    "Payments and advances, row 2 (93901 / D1), row 3 (93901 / A1)"),
        ("B11", "", "With this version, the Results workbook already sent breaks B11 in its sheet Activity results, "
                    "row 2 (P1 / 1 / 1)")]

    def cut_share(year):
        year["allocations"]["allocations"].loc[[0, 1], "amount"] = [70000, 30000]
    [allocations] = new_version(tmp_path / "v3", reference, cut_share, "allocations")
    [report] = validate([allocations], reference, as_of=AS_OF, stored=stored_context(engine)).files
    assert [(f.rule, f.message_en) for f in report.findings if f.is_error] == [(
        "B03", "With this version, the Projects and activities workbook already sent breaks B03 in its sheet Funding "
               "sources, row 4 (P2 / T1): Projects of unit 93902 draw 40,000.00 from transfer T1, more than the "
               "30,000.00 allocated; reduce the funding. If this version is right, correct that workbook and send it "
               "together with this one.")]
