"""`sms validate`, `sms import`, `sms reference` as a user runs them: exit codes, JSON, messages."""

from __future__ import annotations

import json

import openpyxl
import pytest
import sqlalchemy as sa
from mini_year import CC, CC2, FY, mini_year
from test_rules import over_allocate, renamed_allocations, write_year
from typer.testing import CliRunner

from sms.cli import app
from store.db import connect
from store.schema import submissions
from templates import TEMPLATES
from templates.workbook import build_workbook

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("SMS_DATABASE_URL", url)
    return url


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_json_lists_every_finding_with_its_cell(tmp_path, reference, database):
    year = mini_year()
    over_allocate(year)
    paths = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    result = invoke("validate", *paths, "--json", "--as-of", "31/3/2569")
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["summary"] == {"errors": 2, "warnings": 0, "unreadable": 0}
    [file] = out["files"]
    assert (file["template"], file["template_version"], file["rows"]) == ("allocations", 1, 5)
    assert [(f["sheet"], f["row"], f["column"], f["cell"], f["value"], f["rule"], f["severity"])
            for f in file["findings"]] == [("allocations", 2, "amount", "D2", "60000", "B01", "error"),
                                          ("allocations", 3, "amount", "D3", "50000", "B01", "error")]
    assert all(f["message_th"] and f["message_en"] for f in file["findings"])


def test_validate_exit_codes(tmp_path, reference, database):
    good = write_year(tmp_path, reference, mini_year())
    assert invoke("validate", *good, "--as-of", "2026-03-31").exit_code == 0
    fake = tmp_path / "budget.xlsx"
    fake.write_text("transfer_no,amount\nT1,100\n", encoding="utf-8")
    result = invoke("validate", fake)
    assert result.exit_code == 2 and "budget.xlsx" in result.output and "CSV" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("year", "hint"), [("1", ""), ("99999", ""), ("2026", "2026 is a CE year: BE 2569")])
def test_a_fiscal_year_that_is_no_be_year_is_refused_in_both_languages(tmp_path, reference, database, year, hint):
    good = write_year(tmp_path, reference, mini_year())
    for command in ("validate", "import"):
        result = invoke(command, good[0], "--fiscal-year", year)
        assert result.exit_code == 2, result.output
        assert "ปีงบประมาณต้องเป็นปี พ.ศ." in result.output and "Buddhist Era year" in result.output
        assert hint in result.output and "Traceback" not in result.output


def test_a_database_that_cannot_be_opened_is_said_so(tmp_path, reference, monkeypatch):
    good = write_year(tmp_path, reference, mini_year())
    for url in ("garbage", "postgresql+psycopg://sms:secret@127.0.0.1:1/sms"):
        monkeypatch.setenv("SMS_DATABASE_URL", url)
        result = invoke("validate", good[0])
        assert result.exit_code == 2 and "SMS_DATABASE_URL" in result.output and "เปิดฐานข้อมูล" in result.output
        assert "secret" not in result.output and "Traceback" not in result.output


def test_a_folder_and_an_unwritable_annotate_folder_are_explained(tmp_path, reference, database):
    good = write_year(tmp_path, reference, mini_year())
    folder = invoke("validate", tmp_path)
    assert folder.exit_code == 2 and "is a folder, not a file" in folder.output and "เป็นโฟลเดอร์" in folder.output
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    result = invoke("validate", good[0], "--annotate", blocked / "inside")
    assert result.exit_code == 2 and "--annotate: cannot write into" in result.output
    assert "Traceback" not in result.output


def test_validate_refuses_an_unreadable_as_of_date(tmp_path, reference, database):
    good = write_year(tmp_path, reference, mini_year())
    result = invoke("validate", good[0], "--as-of", "31/2/2569")
    assert result.exit_code == 2 and "--as-of" in result.output


def test_import_then_reimport(tmp_path, reference, database):
    paths = write_year(tmp_path, reference, mini_year())
    first = invoke("import", *paths, "--as-of", "2026-03-31", "--actor", "maker1")
    assert first.exit_code == 0 and first.output.count("stored") == 4
    again = invoke("import", *paths, "--as-of", "2026-03-31")
    assert again.exit_code == 0 and again.output.count("unchanged") == 4


def test_import_refuses_a_workbook_with_errors(tmp_path, reference, database):
    year = mini_year()
    over_allocate(year)
    paths = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    result = invoke("import", *paths, "--as-of", "2026-03-31")
    assert result.exit_code == 1 and "refused" in result.output and "B01" in result.output


def test_reference_export_and_load_round_trip(tmp_path, database):
    exported = tmp_path / "reference.xlsx"
    assert invoke("reference", "export", "--out", exported).exit_code == 0
    loaded = invoke("reference", "load", exported)
    assert loaded.exit_code == 0, loaded.output
    assert "units 95" in loaded.output and "provinces 77" in loaded.output


def test_reference_load_refuses_a_unit_of_an_unknown_cost_centre(tmp_path, database):
    exported = tmp_path / "reference.xlsx"
    invoke("reference", "export", "--out", exported)
    book = openpyxl.load_workbook(exported)
    book["หน่วยงาน"]["E2"] = "9999999999"
    book.save(exported)
    result = invoke("reference", "load", exported)
    assert result.exit_code == 1 and "B11" in result.output and "E2" in result.output
    assert "9999999999" in result.output


def test_reference_load_refuses_another_template(tmp_path, reference, database):
    paths = write_year(tmp_path, reference, mini_year())
    result = invoke("reference", "load", paths[0])
    assert result.exit_code == 2 and "not reference data" in result.output


def test_readme_lists_every_rule_as_sms_rules_prints_it():
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = invoke("rules").output.strip()
    assert table in readme


def test_personalised_template_offers_the_stored_transfers_and_projects(tmp_path, reference, database):
    paths = write_year(tmp_path / "in", reference, mini_year())
    invoke("import", *paths[:2], "--as-of", "2026-03-31")
    out = tmp_path / "out"
    result = invoke("templates", "build", "--out", out, "--fiscal-year", 2569, "--cost-center", "2100200131",
                    "--template", "projects", "--template", "disbursements")
    assert result.exit_code == 0, result.output

    def offered(name, sheet, column):
        book = openpyxl.load_workbook(out / name)
        dv = next(v for v in book[sheet].data_validations.dataValidation if str(v.sqref).startswith(column))
        ref_sheet, cells = dv.formula1.lstrip("=").split("!")
        return [c.value for row in book[ref_sheet.strip("'")][cells.replace("$", "")] for c in row]
    assert offered("projects_2100200131.xlsx", "แหล่งงบ", "B2") == ["T1", "T2"]
    assert offered("disbursements_2100200131.xlsx", "เบิกจ่าย-ยืม", "D2") == ["P1", "P2"]


def test_validate_annotate_writes_a_checked_copy(tmp_path, reference, database):
    year = mini_year()
    over_allocate(year)
    paths = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    out = tmp_path / "checked"
    result = invoke("validate", *paths, "--as-of", "2026-03-31", "--annotate", out)
    assert result.exit_code == 1
    book = openpyxl.load_workbook(out / "allocations.checked.xlsx")
    assert "B01" in book["จัดสรร"]["D2"].comment.text and book.sheetnames[0] == "ผลการตรวจ"


def test_users_add_checks_the_account_before_asking_for_the_password(database):
    result = runner.invoke(app, ["users", "add", "nobody", "--role", "boss"], input="secret-pass\nsecret-pass\n")
    assert result.exit_code == 2 and "Role boss does not exist" in result.output and "บทบาท boss" in result.output
    assert "Password" not in result.output  # refused before the prompt
    made = runner.invoke(app, ["users", "add", "maker9", "--role", "maker", "--cost-center", "2100200131"],
                         input="secret-pass\nsecret-pass\n")
    assert made.exit_code == 0 and "รหัสผ่าน / Password" in made.output and "maker9" in made.output


def test_import_says_why_it_refuses_a_workbook_without_errors(tmp_path, database):
    """A unit's blank template (no cost centre) and the reference data are refused with no error to show: the
    command says why and what to do instead (it printed "refused (errors)" beside "errors 0" and nothing else)."""
    assert invoke("templates", "build", "--out", tmp_path).exit_code == 0
    assert invoke("reference", "export", "--out", tmp_path / "reference.xlsx").exit_code == 0
    blank = invoke("import", tmp_path / "disbursements.xlsx")
    assert blank.exit_code == 1
    said = " ".join(blank.output.split())  # the console wraps lines at its width
    assert "names no cost centre" in said and "ไม่ได้ระบุศูนย์ต้นทุน" in said
    assert "✗ " in said and "✓" not in said  # refused: no tick beside "errors 0"
    checked = invoke("validate", tmp_path / "disbursements.xlsx")  # no error, so exit 0; but it could not be sent
    assert checked.exit_code == 0 and "names no cost centre" in " ".join(checked.output.split())
    reference = invoke("import", tmp_path / "reference.xlsx")
    assert reference.exit_code == 1 and "sms reference load" in " ".join(reference.output.split())


def test_an_empty_workbook_is_not_stored_over_a_version_with_rows(tmp_path, reference, database):
    """A unit's own template sent with no row filled in had no finding, was stored as version 2 and removed every
    stored row (found by a fresh user). Over a version with rows it is refused, saying why; as a first version
    (nothing to remove) it is stored as before."""
    filled = write_year(tmp_path / "filled", reference, {"allocations": mini_year()["allocations"]})[0]
    empty = build_workbook(TEMPLATES["allocations"], tmp_path / "empty" / "allocations.xlsx", reference,
                           fiscal_year=FY, cost_center=CC)
    assert invoke("import", filled, "--as-of", "31/3/2569").exit_code == 0
    refused = invoke("import", empty, "--as-of", "31/3/2569")
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "would remove every row already sent for this template" in said, said
    assert "ไฟล์นี้ไม่มีข้อมูลสักแถว" in said
    with connect(database).connect() as conn:
        kept = conn.execute(sa.select(submissions.c.version, submissions.c.status, submissions.c.rows)
                            .where(submissions.c.status != "refused")).all()
    assert kept == [(1, "submitted", 5)]
    first = build_workbook(TEMPLATES["allocations"], tmp_path / "first" / "allocations.xlsx", reference,
                           fiscal_year=FY, cost_center=CC2)
    assert invoke("import", first, "--as-of", "31/3/2569").exit_code == 0


def test_a_finding_on_a_renamed_sheet_names_the_tab_the_unit_has(tmp_path, reference, database):
    """The unit renamed the allocations sheet "Sheet2": its B01 findings name that tab (with the template's name
    beside it), in the command's table as in the app's, not a tab the file does not have."""
    path = renamed_allocations(tmp_path, reference)
    result = invoke("validate", path, "--as-of", "31/3/2569")
    assert result.exit_code == 1
    rows = [line for line in result.output.splitlines() if "B01" in line]
    assert len(rows) == 2 and all("Sheet2 (จัดสรร)" in line for line in rows), result.output


def test_a_fiscal_year_other_than_the_files_own_is_said_not_silently_ignored(tmp_path, reference, database):
    """The workbook names FY 2569; --fiscal-year 2570 applies only to files that name none: validate and import
    say which year was used and why, in both languages (it was ignored without a word)."""
    good = write_year(tmp_path, reference, mini_year())
    for command in ("validate", "import"):
        result = invoke(command, good[0], "--fiscal-year", "2570", "--as-of", "31/3/2569")
        assert result.exit_code == 0, result.output
        assert "ปีงบประมาณ 2569 ตามที่ไฟล์ระบุไว้" in result.output
        assert "checked as fiscal year 2569, which the file names (--fiscal-year 2570" in result.output
    same = invoke("validate", good[0], "--fiscal-year", "2569", "--as-of", "31/3/2569")
    assert same.exit_code == 0 and "--fiscal-year 2569" not in same.output
