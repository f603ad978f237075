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
    first = write_year(tmp_path / "v1", reference, year)
    submit(engine, first, reference, actor="maker1", as_of=AS_OF)
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
