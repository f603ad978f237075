"""Every rule passes on the mini year and fails at a known cell when one value is broken."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from collections.abc import Mapping

import openpyxl
import pandas as pd
import pytest
from mini_year import AS_OF, CC, FY, U2, d, mini_year

from domain.rules import RULES
from importer.isolation import parse_in_process
from templates import TEMPLATES
from templates.catalog import SHEETS
from templates.workbook import build_workbook
from validators.budget import ONE_WORKBOOK_RULES, check_budget
from validators.validate import FileReport, build_tables, validate


def write_year(folder, reference, year) -> list:
    return [build_workbook(TEMPLATES[key], folder / f"{key}.xlsx", reference, fiscal_year=FY, cost_center=CC,
                           data=sheets) for key, sheets in year.items()]


def check(tmp_path, reference, change=None, edit=None, as_of=AS_OF):
    """Validate the mini year after ``change(year)`` (on the data) or ``edit(folder)`` (on the files)."""
    year = mini_year()
    if change:
        change(year)
    paths = write_year(tmp_path, reference, year)
    if edit:
        edit(tmp_path)
    return validate(paths, reference, as_of=as_of)


def found(report, rule: str) -> set[tuple[str, str]]:
    """(sheet, cell) of every finding of a rule."""
    return {(f.sheet, f.cell) for fr in report.files for f in fr.findings if f.rule == rule}


def test_mini_year_passes_every_rule(tmp_path, reference):
    report = check(tmp_path, reference)
    assert [(f.rule, f.cell, f.message_en) for fr in report.files for f in fr.findings] == []
    assert [fr.parsed.rows for fr in report.files] == [5, 9, 3, 3]


def test_every_finding_speaks_both_languages_and_names_its_cell(tmp_path, reference):
    def break_many(y):
        y["allocations"]["allocations"].loc[1, "amount"] = 50000
        y["allocations"]["transfers"].loc[0, "cost_center"] = "123"
    report = check(tmp_path, reference, break_many)
    findings = [f for fr in report.files for f in fr.findings]
    assert findings
    for f in findings:
        assert f.message_th and f.message_en and f.rule in RULES and f.cell and f.row
        assert f.severity == RULES[f.rule].severity


# -- column rules -------------------------------------------------------------------------------
def set_cell(key, sheet, row, column, value):
    def change(y):
        y[key][sheet].loc[row, column] = value
    return change


@pytest.mark.parametrize("rule,change,cell", [
    ("S04", set_cell("allocations", "transfers", 0, "amount", None), ("transfers", "H2")),
    ("S05", set_cell("allocations", "transfers", 1, "amount", "หนึ่งแสน"), ("transfers", "H3")),
    ("S05", set_cell("allocations", "transfers", 0, "transfer_date", "31/2/2569"), ("transfers", "C2")),
    ("S06", set_cell("allocations", "transfers", 0, "cost_center", "21002001"), ("transfers", "A2")),
    ("S07", set_cell("disbursements", "payments", 0, "kind", "โอน"), ("payments", "F2")),
    ("S08", set_cell("allocations", "transfers", 0, "installment", 0), ("transfers", "G2")),
    ("S08", set_cell("allocations", "transfers", 1, "amount", -5), ("transfers", "H3")),
    ("S09", set_cell("allocations", "transfers", 1, "amount", 50000.555), ("transfers", "H3")),
])
def test_column_rule_fails_at_its_cell(tmp_path, reference, rule, change, cell):
    report = check(tmp_path, reference, change)
    assert cell in found(report, rule)
    assert report.errors >= 1


def test_normal_thai_input_is_not_an_error(tmp_path, reference):
    def thai(y):
        y["allocations"]["transfers"]["transfer_date"] = ["๑๕/๑๑/๒๕๖๘", "10 ม.ค. 2569"]
        y["allocations"]["transfers"]["amount"] = ["๑๐๐,๐๐๐.๐๐", "50,000.-"]
        y["allocations"]["allocations"]["amount"] = ["60,000", "40,000.00", " 50000 "]
    report = check(tmp_path, reference, thai)
    assert report.errors == 0 and report.warnings == 0


def edit_book(name, action):
    def edit(folder):
        book = openpyxl.load_workbook(folder / name)
        action(book)
        book.save(folder / name)
    return edit


def test_s01_missing_required_column(tmp_path, reference):
    report = check(tmp_path, reference, edit=edit_book("allocations.xlsx", lambda b: b["รับโอน"].delete_cols(8)))
    s01 = [f for f in report.files[0].findings if f.rule == "S01"]
    assert [(f.sheet, f.column) for f in s01] == [("transfers", "amount")]
    assert "Amount (THB)" in s01[0].message_en


def test_s02_unknown_column_is_a_warning(tmp_path, reference):
    def extra(book):
        book["รับโอน"]["J1"] = "ผู้อนุมัติ"
    report = check(tmp_path, reference, edit=edit_book("allocations.xlsx", extra))
    s02 = [f for f in report.files[0].findings if f.rule == "S02"]
    assert [f.header for f in s02] == ["ผู้อนุมัติ"] and s02[0].severity == "warning"
    assert report.errors == 0


def test_s03_formula_without_cached_value(tmp_path, reference):
    def formula(book):
        book["จัดสรร"]["D4"] = "=50000*1"  # openpyxl saves formulas without a cached value
    report = check(tmp_path, reference, edit=edit_book("allocations.xlsx", formula))
    assert ("allocations", "D4") in found(report, "S03")


def test_s03_error_value_is_reported_not_read_as_blank(tmp_path, reference):
    def errors(book):
        book["จัดสรร"]["D4"] = "=50000/0"
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    edit_book(path.name, errors)(tmp_path)
    # openpyxl keeps no cached value: put in what Excel saves for a formula that fails
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            data = re.sub(rb'<c r="D4"([^>]*)><f>50000/0</f>(?:<v\s*/>|<v></v>)?</c>',
                          rb'<c r="D4"\1 t="e"><f>50000/0</f><v>#DIV/0!</v></c>', data)
            archive.writestr(info, data)
    report = validate([path], reference, as_of=AS_OF)
    s03 = [f for f in report.files[0].findings if f.cell == "D4"]
    assert [(f.rule, f.value) for f in s03] == [("S03", "#DIV/0!")]  # and no S04 "blank" echo
    assert "#DIV/0!" in s03[0].message_th and "fix the formula" in s03[0].message_en


def test_s10_missing_sheet_is_read_as_empty(tmp_path, reference):
    report = check(tmp_path, reference, edit=edit_book("outputs.xlsx", lambda b: b.remove(b["ผลตัวชี้วัด"])))
    assert ("kpi_results", "") in found(report, "S10")


def test_a_trailing_total_row_and_blank_rows_are_skipped(tmp_path, reference):
    def total(book):
        ws = book["รับโอน"]
        ws["A6"], ws["H6"] = "รวม", 150000
    report = check(tmp_path, reference, edit=edit_book("allocations.xlsx", total))
    assert report.errors == 0 and report.files[0].parsed.rows == 5


# -- budget-balance rules ----------------------------------------------------------------------------
def over_allocate(y):
    y["allocations"]["allocations"].loc[1, "amount"] = 50000


def renamed_allocations(folder, reference):
    """The mini year's allocations workbook, over-allocated (B01 at D2 and D3 of the allocations sheet), with that
    sheet renamed "Sheet2" by the unit."""
    year = mini_year()
    over_allocate(year)
    [path] = write_year(folder, reference, {"allocations": year["allocations"]})
    book = openpyxl.load_workbook(path)
    book["จัดสรร"].title = "Sheet2"
    book.save(path)
    return path


def unit_of_another_cost_centre(y):
    y["allocations"]["allocations"].loc[1, "unit_code"] = "10683"  # รพ.ตรัง


def overdraw_allocation(y):
    y["projects"]["funding"].loc[2, "amount"] = 45000
    y["projects"]["projects"].loc[1, "budget"] = 45000
    y["projects"]["activities"].loc[2, "budget"] = 45000


def funding_short_of_budget(y):
    y["projects"]["projects"].loc[0, "budget"] = 95000


def foreign_source(y):
    y["projects"]["activities"].loc[1, "source_transfer_no"] = "T9"


def activities_over_source(y):
    y["projects"]["activities"].loc[0, "budget"] = 70000


def money_not_planned(y):
    y["projects"]["activities"].loc[2, "budget"] = 30000


def overspend(y):
    y["disbursements"]["payments"].loc[0, "amount"] = 55000


def overclear(y):
    y["disbursements"]["clearings"].loc[0, "spent"] = 9000


def no_clearing(y):
    y["disbursements"]["clearings"] = y["disbursements"]["clearings"].iloc[0:0]


def unknown_kpi(y):
    y["outputs"]["kpi_results"].loc[0, "kpi_code"] = "K99"


def date_before_year(y):
    y["allocations"]["transfers"].loc[0, "transfer_date"] = dt.date(2025, 9, 30)


def date_after_as_of(y):
    y["allocations"]["allocations"].loc[2, "allocation_date"] = d(1, 4)


def duplicate_document(y):
    y["disbursements"]["payments"].loc[1, "document_no"] = "D1"
    y["disbursements"]["clearings"].loc[0, "advance_document_no"] = "D1"


def percentage_above_100(y):
    y["outputs"]["kpi_results"].loc[0, ["numerator", "result"]] = [120, 120]


def zero_denominator(y):
    y["outputs"]["kpi_results"].loc[0, ["denominator"]] = [0]


@pytest.mark.parametrize("rule,change,cells", [
    ("B01", over_allocate, {("allocations", "D2"), ("allocations", "D3")}),
    ("B02", unit_of_another_cost_centre, {("allocations", "B3")}),
    ("B03", overdraw_allocation, {("funding", "C4")}),
    ("B04", funding_short_of_budget, {("projects", "I2")}),
    ("B05", foreign_source, {("activities", "F3")}),
    ("B06", activities_over_source, {("activities", "D2")}),
    ("B07", money_not_planned, {("projects", "I3")}),
    ("B08", overspend, {("payments", "G3")}),  # D1 55,000 is within 60,000; A1 takes it to 63,000
    ("B09", overclear, {("clearings", "E2")}),
    ("B10", no_clearing, {("payments", "C3")}),
    ("B11", unknown_kpi, {("kpi_results", "B2")}),
    ("B12", date_before_year, {("transfers", "C2")}),
    ("B12", date_after_as_of, {("allocations", "C4")}),
    ("B13", duplicate_document, {("payments", "B2"), ("payments", "B3")}),
    ("B14", percentage_above_100, {("kpi_results", "F2")}),
    ("B14", zero_denominator, {("kpi_results", "E2")}),
])
def test_budget_rule_fails_at_its_cells(tmp_path, reference, rule, change, cells):
    report = check(tmp_path, reference, change)
    assert found(report, rule) == cells
    severity = RULES[rule].severity
    assert (report.errors if severity == "error" else report.warnings) >= len(cells)


def test_b10_says_how_much_of_a_partly_cleared_advance_is_outstanding(tmp_path, reference):
    def half_cleared(y):
        y["disbursements"]["clearings"].loc[0, ["spent", "returned"]] = [5000, 0]
    [f] = [f for fr in check(tmp_path, reference, half_cleared).files for f in fr.findings if f.rule == "B10"]
    days = (AS_OF - d(5, 1)).days  # advance A1 of 10,000 paid on 5/1/2569, 5,000 of it cleared
    assert f.cell == "C3" and f.message_en == (
        f"Advance A1 of 10,000.00 still has 5,000.00 not cleared after {days} days; record its clearing.")


def test_b01_message_gives_both_totals(tmp_path, reference):
    report = check(tmp_path, reference, over_allocate)
    b01 = next(f for fr in report.files for f in fr.findings if f.rule == "B01")
    assert "110,000.00" in b01.message_en and "100,000.00" in b01.message_en
    assert "110,000.00" in b01.message_th and b01.value == "60000"


def test_b13_names_the_other_row_with_the_same_key(tmp_path, reference):
    report = check(tmp_path, reference, duplicate_document)  # document D1 of unit U1 at Excel rows 2 and 3
    b13 = {f.cell: f for fr in report.files for f in fr.findings if f.rule == "B13"}
    assert "appears more than once (also row 3)" in b13["B2"].message_en and "ซ้ำกับแถว 3 " in b13["B2"].message_th
    assert "(also row 2)" in b13["B3"].message_en and "ซ้ำกับแถว 2 " in b13["B3"].message_th


def test_two_workbooks_of_one_template_get_one_b13_each_not_one_per_row(tmp_path, reference):
    """Two disbursements workbooks of one cost centre and year given together (an old and a new one): only one can
    be sent, since a submission replaces the whole previous version. Each gets one B13 naming the other; the rows
    are not flagged one by one (the rules across both flagged every key and total of both)."""
    paths = write_year(tmp_path, reference, mini_year())
    newer = mini_year()
    overclear(newer)  # a mistake of the new workbook alone (B09) is still said
    again = build_workbook(TEMPLATES["disbursements"], tmp_path / "disbursements-new.xlsx", reference,
                           fiscal_year=FY, cost_center=CC, data=newer["disbursements"])
    report = validate([*paths, again], reference, as_of=AS_OF)
    by_file = {fr.path.name: [(f.rule, f.cell) for f in fr.findings] for fr in report.files}
    assert by_file == {"allocations.xlsx": [], "projects.xlsx": [], "disbursements.xlsx": [("B13", "")],
                       "outputs.xlsx": [], "disbursements-new.xlsx": [("B13", ""), ("B09", "E2")]}
    [old] = next(fr for fr in report.files if fr.path.name == "disbursements.xlsx").findings
    assert old.is_error and old.message_en.startswith("disbursements.xlsx and disbursements-new.xlsx are both the ")
    assert "only one can be sent" in old.message_en and "disbursements-new.xlsx เป็นแบบฟอร์ม" in old.message_th
    same = validate([paths[0], paths[0]], reference, as_of=AS_OF)
    assert [f.message_en for fr in same.files for f in fr.findings] == [
        "allocations.xlsx is given more than once; give it once."] * 2


def test_b02_unit_of_this_cost_centre_passes(tmp_path, reference):
    assert U2 in reference.units_of(CC)["unit_code"].tolist()
    assert not found(check(tmp_path, reference), "B02")


def test_b11_is_not_repeated_for_a_malformed_code(tmp_path, reference):
    report = check(tmp_path, reference, set_cell("allocations", "transfers", 0, "activity_code", "N45"))
    assert ("transfers", "E2") in found(report, "S06") and not found(report, "B11")



def test_b11_on_a_long_code_says_excel_keeps_15_digits(tmp_path, reference):
    """2100235001000011 typed into a General cell: Excel keeps 15 digits and stores the number
    2100235001000010, which is no known output; the message says why and what to do."""
    def as_number(book):
        book["รับโอน"]["D3"] = 2100235001000010
    report = check(tmp_path, reference, edit=edit_book("allocations.xlsx", as_number))
    b11 = [f for fr in report.files for f in fr.findings if f.rule == "B11"]
    assert [(f.cell, f.value) for f in b11] == [("D3", "2100235001000010")]
    assert "15 หลัก" in b11[0].message_th and "format the cell as Text" in b11[0].message_en
    short = check(tmp_path, reference, set_cell("outputs", "kpi_results", 0, "kpi_code", "K99"))
    kpi = next(f for fr in short.files for f in fr.findings if f.rule == "B11")
    assert "15" not in kpi.message_en
    # a KPI code is reference data: the unit cannot "submit that data first", the admin adds it
    assert "tell your admin if it is right but not yet in the system" in kpi.message_en
    assert "submit that data first" not in kpi.message_en and "แจ้งผู้ดูแลระบบ" in kpi.message_th


def test_b11_on_a_code_without_its_leading_zeros_names_the_code_and_says_format_as_text(tmp_path, reference):
    """Project 0012 exists; a payment names 12 (typed into a number cell, Excel dropped the zeros): the B11 says
    which code was probably meant and what to do; a code not found for another reason gets no such hint."""
    def zeros(year):
        year["projects"]["projects"].loc[0, "project_code"] = "0012"
        year["disbursements"]["payments"].loc[0, "project_code"] = "12"
    report = check(tmp_path, reference, zeros)
    b11 = {f.cell: f for fr in report.files for f in fr.findings if f.rule == "B11" and f.sheet == "payments"}
    assert b11["D2"].value == "12"
    assert "0012" in b11["D2"].message_th and "Text" in b11["D2"].message_th
    assert "If 0012 was meant" in b11["D2"].message_en and "leading zeros" in b11["D2"].message_en
    assert "or submit that data first" in b11["D2"].message_en  # a project: the unit's own data, sent first
    assert not any("leading zeros" in f.message_en for cell, f in b11.items() if cell != "D2")


def test_a_workbook_that_does_not_say_its_year_is_checked_in_the_year_of_its_dates(tmp_path, reference):
    """Templates built without a fiscal year, filled with FY 2569's rows and checked in November 2026 (FY 2570):
    the year is the one their dates fall in, not today's, so no date is outside it (B12) and nothing is missing."""
    paths = [build_workbook(TEMPLATES[key], tmp_path / f"{key}.xlsx", reference, cost_center=CC, data=sheets)
             for key, sheets in mini_year().items()]
    report = validate(paths, reference, as_of=dt.date(2026, 11, 30))
    assert [fr.fiscal_year for fr in report.files] == [FY] * 4
    assert [(f.rule, f.cell) for fr in report.files for f in fr.findings] == []


def test_rules_hold_across_workbooks_given_together(tmp_path, reference):
    """B03 needs allocations (step 1) and funding (step 2): two files, one finding."""
    year = mini_year()
    overdraw_allocation(year)
    paths = write_year(tmp_path, reference, year)
    alone = validate([paths[1]], reference, as_of=AS_OF)
    assert not found(alone, "B03")  # without allocations there is nothing to check against (B11 says so)
    together = validate(paths[:2], reference, as_of=AS_OF)
    assert found(together, "B03") == {("funding", "C4")}


def broken_year():
    """The mini year with a mistake for each rule of one workbook but B10 (B13 at two payments), and for B08 and
    B11, which read across workbooks."""
    year = mini_year()
    for change in (over_allocate, funding_short_of_budget, foreign_source, activities_over_source, overclear,
                   date_before_year, duplicate_document, overdraw_allocation, money_not_planned, unknown_kpi):
        change(year)
    year["disbursements"]["payments"].loc[0, "amount"] = 95000  # over activity P1/1's 70,000 (B08)
    return year


class OneTemplate(Mapping):
    """A cost centre's tables seen by a rule of one workbook: the sheets of ``template``; any other sheet asked for
    fails the test (the rule would not find it where it runs, on that workbook alone)."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], template: str):
        self.frames, self.template = frames, template

    def __getitem__(self, key: str) -> pd.DataFrame:
        assert SHEETS[key][0].key == self.template, f"reads {key}, not a sheet of {self.template}"
        return self.frames[key]

    def __iter__(self):
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)


def test_each_rule_of_one_workbook_reads_that_workbook_only_and_finds_what_it_finds_among_all(tmp_path, reference):
    """The rules declared of one workbook (``one_workbook``) run on its rows alone, in the worker that read it
    (validators.validate.own_checks): each reads no sheet of another template and no reference data, and finds on
    each workbook's tables alone what it finds on the cost centre's tables of every workbook."""
    paths = write_year(tmp_path, reference, broken_year())
    reports = [FileReport(path, parsed) for path, parsed in zip(paths, parse_in_process(paths), strict=True)]
    tables = build_tables(reports, {}, reference, FY, AS_OF)
    for rule in ONE_WORKBOOK_RULES:
        across = {(f.file, f.rule, f.cell, f.message_en) for f in rule(tables)}
        alone = set()
        for report in reports:
            own = build_tables([report], {}, None, FY, AS_OF)
            template = report.parsed.template.key
            if rule.sheets and SHEETS[rule.sheets[0]][0].key != template:
                continue
            own = dataclasses.replace(own, frames=OneTemplate(own.frames, template))
            alone |= {(f.file, f.rule, f.cell, f.message_en) for f in rule(own)}
        assert alone == across, rule.__name__
    found_alone = {f.rule for report in reports for f in check_budget(build_tables([report], {}, None, FY, AS_OF),
                                                                     ONE_WORKBOOK_RULES)}
    assert found_alone == {"B01", "B04", "B05", "B06", "B07", "B09", "B12", "B13"}  # B10: every advance is cleared


@pytest.mark.parametrize("amount,ok", [(143_458_123.45, True), (9_876_543_210.99, True), (0.1 + 0.2, True),
                                        (1_000_000.005, False), (12.345, False)])
def test_s09_holds_for_large_amounts_of_two_decimals(amount, ok):
    import pandas as pd

    from validators.columns import _has_at_most_2_decimals

    assert bool(_has_at_most_2_decimals(pd.Series([amount]))[0]) is ok


def test_b08_names_the_payment_that_takes_the_activity_over(tmp_path, reference):
    def late_big_payment(y):  # activity P1/1 has 60,000: D1 20,000 + A1 10,000 − 2,000 returned, then D9 35,000
        payments = y["disbursements"]["payments"]
        extra = payments.iloc[[0]].assign(document_no="D9", document_date=d(10, 3), amount=35000)
        y["disbursements"]["payments"] = pd.concat([payments, extra], ignore_index=True)
    report = check(tmp_path, reference, late_big_payment)
    b08 = [f for fr in report.files for f in fr.findings if f.rule == "B08"]
    assert {f.cell for f in b08} == {"G4"}  # D9, not D1 and A1 before it, which were within the budget
    assert all("63,000.00" in f.message_en and "over from document D9 on" in f.message_en for f in b08)
    assert all("เกินตั้งแต่เอกสาร D9" in f.message_th for f in b08)
