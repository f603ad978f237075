"""The editor's plumbing: flagged rows first, BE dates, edits by Excel row, and the rewritten workbook."""

from __future__ import annotations

import datetime as dt

from mini_year import AS_OF, mini_year
from test_rules import over_allocate, write_year

from importer.parse import parse_workbook
from review.editor import FINDINGS, ROW, Draft, editor_frame, edits_from_state, write_draft
from services.edits import as_read
from store.submissions import Edit
from templates.catalog import SHEETS
from validators.validate import validate

AMOUNT = SHEETS["transfers"][1].column("amount")


def test_flagged_rows_first_with_their_findings_and_be_dates(tmp_path, reference):
    year = mini_year()
    year["allocations"]["allocations"].loc[2, "amount"] = 60000  # T2 over-allocated: row 4 flagged
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["allocations"], report.findings)
    assert shown[ROW].tolist() == [4, 2, 3]
    assert "B01" in shown.iloc[0][FINDINGS] and shown.iloc[1][FINDINGS] == ""
    assert shown["allocation_date"].tolist() == ["12/1/2569", "20/11/2568", "20/11/2568"]


def test_edits_are_applied_by_excel_row_and_the_workbook_is_rewritten(tmp_path, reference):
    year = mini_year()
    over_allocate(year)
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["allocations"], report.findings)
    state = {"edited_rows": {1: {"amount": 40000, "allocation_date": "21/11/2568"}}}  # position 1 = Excel row 3
    edits = edits_from_state(state, shown, "allocations")
    assert [(e.row, e.column, e.old, e.new) for e in edits] == [
        (3, "amount", "50000", "40000"), (3, "allocation_date", "20/11/2568", "21/11/2568")]
    out = write_draft(Draft(path, report.parsed, edits), reference, tmp_path / "edited" / path.name)
    again = validate([out], reference, as_of=AS_OF).files[0]
    assert again.errors == 0
    values = parse_workbook(out).sheets["allocations"].values
    assert values.loc[3, "amount"] == 40000 and values.loc[3, "allocation_date"] == dt.date(2025, 11, 21)
    assert parse_workbook(out).workbook.meta["cost_center"] == report.parsed.workbook.meta["cost_center"]


def test_an_amount_edited_with_satang_keeps_every_digit(tmp_path, reference):
    year = mini_year()
    over_allocate(year)
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["allocations"], report.findings)
    [edit] = edits_from_state({"edited_rows": {1: {"amount": 39999.75}}}, shown, "allocations")
    assert edit.new == "39999.75"  # not "39999.8": six significant digits lost a satang
    out = write_draft(Draft(path, report.parsed, [edit]), reference, tmp_path / "edited" / path.name)
    assert parse_workbook(out).sheets["allocations"].values.loc[3, "amount"] == 39999.75


def test_an_edit_is_written_as_the_reader_reads_it_and_words_in_an_amount_are_flagged_not_fatal(tmp_path, reference):
    year = mini_year()
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    edits = [Edit("transfers", 2, "amount", "100000", as_read("๑๒๐,๐๐๐.๕๐", AMOUNT)),
             Edit("transfers", 3, "amount", "50000", as_read("ห้าหมื่น", AMOUNT))]
    assert [e.new for e in edits] == ["120000.5", "ห้าหมื่น"]  # the audit keeps what the reader reads, or the words
    out = write_draft(Draft(path, report.parsed, edits), reference, tmp_path / "edited" / path.name)
    again = validate([out], reference, as_of=AS_OF).files[0]
    assert again.parsed.sheets["transfers"].values.loc[2, "amount"] == 120000.5
    assert ("S05", "H3", "ห้าหมื่น") in {(f.rule, f.cell, f.value) for f in again.findings}
