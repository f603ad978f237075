"""The header row as a person reads the findings: a column named twice is read from neither cell (S11), a
missing column is one S01, unknown columns are S02s that say what they resemble, all at header-row cells."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from mini_year import AS_OF, mini_year
from test_rules import write_year
from typer.testing import CliRunner

from domain.findings import column_letter
from sms.cli import app
from templates import TEMPLATES
from validators.annotate import FINDINGS_SUFFIX, annotate_all
from validators.validate import validate

FIELD = Path(__file__).parent / "field_cases"
CELL = re.compile(r"^[A-Z]{1,3}[1-9]\d*$")
SHEETS = {s.key: (t.key, s) for t in TEMPLATES.values() for s in t.sheets}


def year_with(tmp_path, reference, template: str, action):
    """The mini year's four workbooks with ``action(worksheet)`` done to one sheet of ``template``."""
    paths = write_year(tmp_path, reference, mini_year())
    path = tmp_path / f"{template}.xlsx"
    book = openpyxl.load_workbook(path)
    action(book)
    book.save(path)
    return validate(paths, reference, as_of=AS_OF)


def every_finding(report):
    return [f for fr in report.files for f in fr.findings]


def title(sheet_key: str, column: str, how: str) -> str:
    col = SHEETS[sheet_key][1].column(column)
    return {"bilingual": col.header, "thai": col.th, "english": col.en, "key": col.key}[how]


# -- S11: a header naming one column twice ------------------------------------------------------------

def test_field_case_03_the_amount_header_twice_is_an_error_naming_both_cells(reference):
    report = validate([FIELD / "amount-header-twice.xlsx"], reference, as_of=AS_OF)
    [finding] = every_finding(report)
    assert (finding.rule, finding.severity, finding.sheet, finding.row, finding.cell) == (
        "S11", "error", "allocations", 1, "D1")
    assert "D1 (column D) and F1 (column F)" in finding.message_en and "delete or rename" in finding.message_en
    assert "D1 (คอลัมน์ D) และ F1 (คอลัมน์ F)" in finding.message_th
    amounts = report.files[0].parsed.sheets["allocations"].values["amount"]
    assert len(amounts) == 31 and amounts.isna().all()  # neither D nor the scratch column F (1 in every row)


def test_field_case_03_is_annotated_as_a_list_of_findings_in_the_original(tmp_path, reference):
    """A checked copy would keep neither amount column: the unit fixes the original, guided by the list."""
    report = validate([FIELD / "amount-header-twice.xlsx"], reference, as_of=AS_OF)
    [written] = annotate_all(report, tmp_path)
    assert written.name.endswith(FINDINGS_SUFFIX)


def test_field_case_03_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'sms.sqlite'}")
    file = shutil.copy(FIELD / "amount-header-twice.xlsx", tmp_path)
    result = CliRunner().invoke(app, ["import", str(file), "--as-of", "2026-09-30"])
    assert result.exit_code == 1 and "S11" in result.output
    with sqlite3.connect(tmp_path / "sms.sqlite") as db:
        assert db.execute("select count(*) from allocations").fetchone() == (0,)
        assert db.execute("select count(*) from transfers").fetchone() == (0,)


@pytest.mark.parametrize(("sheet_key", "column", "spellings"), [
    ("allocations", "amount", ["bilingual", "bilingual"]),  # field case 03 on the mini year
    ("allocations", "amount", ["bilingual", "english"]),  # its English title alone in a scratch column
    ("transfers", "transfer_no", ["bilingual", "thai"]),  # a key column, its Thai title alone
    ("projects", "budget", ["bilingual", "key", "english"]),  # three times, one of them the column key
    ("payments", "document_date", ["bilingual", "thai"]),
    ("kpi_results", "result", ["bilingual", "english"]),
    ("allocations", "note", ["bilingual", "thai"]),  # an optional column is no guess either
])
def test_a_column_named_twice_is_read_from_neither(tmp_path, reference, sheet_key, column, spellings):
    template, sheet = SHEETS[sheet_key]
    first = sheet.keys.index(column)

    def duplicate(book):
        ws = book[sheet.name]
        ws.cell(1, first + 1, title(sheet_key, column, spellings[0]))
        for n, how in enumerate(spellings[1:]):
            at = len(sheet.keys) + n + 1  # scratch columns right of the table, 1 in every row
            ws.cell(1, at, title(sheet_key, column, how))
            for row in range(2, 2 + len(mini_year()[template][sheet_key])):
                ws.cell(row, at, 1)
    report = year_with(tmp_path, reference, template, duplicate)
    [finding] = every_finding(report)  # and nothing the unread column would cause further down
    letters = [column_letter(first)] + [column_letter(len(sheet.keys) + n) for n in range(len(spellings) - 1)]
    assert (finding.rule, finding.sheet, finding.row, finding.column, finding.cell) == (
        "S11", sheet_key, 1, column, f"{letters[0]}1")
    for letter in letters:
        assert f"{letter}1 (column {letter})" in finding.message_en and f"{letter}1 (คอลัมน์ {letter})" in \
            finding.message_th
    parsed = next(fr.parsed for fr in report.files if fr.parsed.template.key == template)
    assert parsed.sheets[sheet_key].values[column].isna().all()
    assert column not in parsed.sheets[sheet_key].data.letters


# -- S01: a missing required column, once -----------------------------------------------------------

@pytest.mark.parametrize(("sheet_key", "column"), [
    ("transfers", "transfer_no"), ("allocations", "amount"), ("projects", "project_code"), ("funding", "amount"),
    ("activities", "budget"), ("payments", "unit_code"), ("clearings", "spent"), ("kpi_results", "kpi_code"),
])
def test_a_missing_required_column_is_one_s01_on_the_header_row(tmp_path, reference, sheet_key, column):
    """Not an S04 per row, nor a B11 or B04 at cells whose values are right because the column is not read."""
    template, sheet = SHEETS[sheet_key]
    report = year_with(tmp_path, reference, template,
                       lambda book: book[sheet.name].delete_cols(sheet.keys.index(column) + 1))
    after = column_letter(len(sheet.keys) - 1)  # the first cell right of the table: where to add it back
    assert [(f.rule, f.sheet, f.row, f.column, f.cell) for f in every_finding(report)] == [
        ("S01", sheet_key, 1, column, f"{after}1")]


def test_s01_is_on_the_header_row_below_a_title(tmp_path, reference):
    def shift(book):
        ws = book["รับโอน"]
        ws.delete_cols(8)
        ws.insert_rows(1)
        ws["A1"] = "รายการรับโอน ปีงบประมาณ 2569"
    report = year_with(tmp_path, reference, "allocations", shift)
    assert [(f.rule, f.row, f.cell) for f in every_finding(report)] == [("S01", 2, "I2")]


# -- did you mean ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "Amount alocated", "amount allocated", "Amount allocated THB baht", "จำนวนเงินที่จัดสร", "จำนวนเงินจัดสรร (บาท)",
    "จำนวนเงินที่จัดสรร\nAmont allocated",
])
def test_a_required_header_typed_differently_is_named(tmp_path, reference, typed):
    def retype(book):
        book["จัดสรร"]["D1"] = typed
    report = year_with(tmp_path, reference, "allocations", retype)
    [finding] = every_finding(report)
    shown = " ".join(typed.split())
    assert (finding.rule, finding.column, finding.cell, finding.value) == ("S01", "amount", "D1", shown)
    assert f"Did you mean the header '{shown}' at D1?" in finding.message_en
    assert "Amount allocated (THB)" in finding.message_en and "จำนวนเงินที่จัดสรร (บาท)" in finding.message_th


def test_an_optional_header_typed_differently_is_a_warning_that_names_it(tmp_path, reference):
    def retype(book):
        book["รับโอน"]["I1"] = "Notes"
    report = year_with(tmp_path, reference, "allocations", retype)
    [finding] = every_finding(report)
    assert (finding.rule, finding.severity, finding.cell) == ("S02", "warning", "I1")
    assert "Did you mean 'Note'?" in finding.message_en and "หมายถึงคอลัมน์ 'หมายเหตุ'" in finding.message_th


def test_an_unknown_header_like_a_column_already_there_suggests_nothing(tmp_path, reference):
    def scratch(book):
        book["จัดสรร"]["F1"] = "Amount allocated (THB) 2"
    report = year_with(tmp_path, reference, "allocations", scratch)
    [finding] = every_finding(report)
    assert (finding.rule, finding.cell) == ("S02", "F1") and "Did you mean" not in finding.message_en


# -- S02: unknown columns, one each or one for many ------------------------------------------------------

def test_a_few_unknown_columns_are_one_warning_each_at_their_cells(tmp_path, reference):
    def extra(book):
        ws = book["รับโอน"]
        ws["J1"], ws["K1"], ws["M1"] = "ผู้อนุมัติ", "Approved by", "ตรวจแล้ว"
    report = year_with(tmp_path, reference, "allocations", extra)
    assert [(f.rule, f.cell, f.header) for f in every_finding(report)] == [
        ("S02", "J1", "ผู้อนุมัติ"), ("S02", "K1", "Approved by"), ("S02", "M1", "ตรวจแล้ว")]


def test_every_column_of_the_sheet_filled_is_one_warning_with_the_count_and_range(tmp_path, reference):
    """16,384 header columns: 16,375 beyond the template's nine, one S02."""
    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    book = openpyxl.load_workbook(path)
    ws = book["รับโอน"]
    for c in range(10, 16385):
        ws.cell(1, c, f"คอลัมน์ {c}")
    book.save(path)
    report = validate([path], reference, as_of=AS_OF)
    [finding] = every_finding(report)
    assert (finding.rule, finding.row, finding.cell, finding.value) == ("S02", 1, "J1", "J1:XFD1")
    assert "16,375 columns from J1 to XFD1" in finding.message_en and "16,375 คอลัมน์" in finding.message_th
    assert report.files[0].parsed.sheets["transfers"].values["amount"].tolist() == [100000.0, 50000.0]


def test_header_findings_are_at_header_row_cells(tmp_path, reference):
    """S01, S02 and S11 together, each at a real cell of the header row."""
    def mess(book):
        ws = book["จัดสรร"]
        ws["B1"] = "Unit kode"  # unit_code missing, but resembled
        ws["C1"] = "จำนวนเงินที่จัดสรร (บาท)"  # the amount twice (C and D)
        for c in range(6, 12):
            ws.cell(1, c, f"extra {c}")
    report = year_with(tmp_path, reference, "allocations", mess)
    findings = every_finding(report)
    assert sorted((f.rule, f.cell) for f in findings) == [
        ("S01", "B1"), ("S01", "L1"), ("S02", "F1"), ("S11", "C1")]
    assert all(CELL.match(f.cell) and f.row == 1 for f in findings)
    [s02] = [f for f in findings if f.rule == "S02"]
    assert "6 columns from F1 to K1" in s02.message_en
    values = report.files[0].parsed.sheets["allocations"].values  # every spec column, those not read as NA
    assert values["unit_code"].isna().all() and values["amount"].isna().all()
