"""The editor's plumbing: flagged rows first, BE dates, what was typed where it could not be read, edits by Excel
row, and the rewritten workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from mini_year import AS_OF, mini_year
from test_rules import over_allocate, write_year

from importer.parse import parse_workbook
from review.display import cell_text
from review.editor import FINDINGS, ROW, editor_frame, edits_from_state, unreadable_columns
from services.edits import as_read, write_edited
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
    out = write_edited(report.parsed, edits, reference, tmp_path / "edited" / path.name)
    again = validate([out], reference, as_of=AS_OF).files[0]
    assert again.errors == 0
    values = parse_workbook(out).sheets["allocations"].values
    assert values.loc[3, "amount"] == 40000 and values.loc[3, "allocation_date"] == dt.date(2025, 11, 21)
    assert parse_workbook(out).workbook.meta["cost_center"] == report.parsed.workbook.meta["cost_center"]


def test_an_amount_with_three_decimals_shows_every_digit_and_typing_it_rounded_is_an_edit(tmp_path, reference):
    """S09 at H3 (50,000.555 baht): a number column drew it "50,000.56", the amount a maker then types to fix it,
    which was no edit; the column is text while it holds one, showing every digit typed."""
    year = mini_year()
    year["allocations"]["transfers"].loc[1, "amount"] = 50000.555  # Excel row 3
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    sheet = report.parsed.sheets["transfers"]
    [s09] = [f for f in report.findings if f.rule == "S09"]
    assert s09.cell == "H3" and cell_text(s09.value, "transfers", "amount") == "50,000.555"  # the findings' Value
    assert "amount" in unreadable_columns(sheet, report.findings)
    shown = editor_frame(sheet, report.findings)
    by_row = shown.set_index(ROW)
    assert (by_row.loc[3, "amount"], by_row.loc[2, "amount"]) == ("50,000.555", "100,000.00")
    position = int((shown[ROW] == 3).to_numpy().nonzero()[0][0])
    edits = edits_from_state({"edited_rows": {position: {"amount": "50,000.56"}}}, shown, "transfers")
    assert [(e.row, e.column, e.old, e.new) for e in edits] == [(3, "amount", "50000.555", "50000.56")]
    fixed = validate([write_edited(report.parsed, edits, reference, tmp_path / "edited" / path.name)], reference,
                     as_of=AS_OF).files[0]
    assert not [f for f in fixed.findings if f.rule == "S09"]


def test_an_amount_edited_with_satang_keeps_every_digit(tmp_path, reference):
    year = mini_year()
    over_allocate(year)
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["allocations"], report.findings)
    [edit] = edits_from_state({"edited_rows": {1: {"amount": 39999.75}}}, shown, "allocations")
    assert edit.new == "39999.75"  # not "39999.8": six significant digits lost a satang
    out = write_edited(report.parsed, [edit], reference, tmp_path / "edited" / path.name)
    assert parse_workbook(out).sheets["allocations"].values.loc[3, "amount"] == 39999.75


def test_an_edit_is_written_as_the_reader_reads_it_and_words_in_an_amount_are_flagged_not_fatal(tmp_path, reference):
    year = mini_year()
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    edits = [Edit("transfers", 2, "amount", "100000", as_read("๑๒๐,๐๐๐.๕๐", AMOUNT)),
             Edit("transfers", 3, "amount", "50000", as_read("ห้าหมื่น", AMOUNT))]
    assert [e.new for e in edits] == ["120000.5", "ห้าหมื่น"]  # the audit keeps what the reader reads, or the words
    out = write_edited(report.parsed, edits, reference, tmp_path / "edited" / path.name)
    again = validate([out], reference, as_of=AS_OF).files[0]
    assert again.parsed.sheets["transfers"].values.loc[2, "amount"] == 120000.5
    assert ("S05", "H3", "ห้าหมื่น") in {(f.rule, f.cell, f.value) for f in again.findings}


def test_a_cell_typed_but_unreadable_shows_what_was_typed_beside_its_finding(tmp_path, reference):
    year = mini_year()
    transfers = year["allocations"]["transfers"]
    transfers.loc[0, "transfer_date"] = "31/02/2569"  # Excel row 2: no such day
    transfers.loc[1, "amount"] = "หนึ่งแสน"  # Excel row 3: words in an amount
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    parsed = report.parsed.sheets["transfers"]
    assert pd.isna(parsed.values.loc[3, "amount"])  # the typed words are not a number
    assert unreadable_columns(parsed) == {"transfer_date", "amount"}
    shown = editor_frame(parsed, report.findings).set_index(ROW)
    assert (shown.loc[2, "transfer_date"], shown.loc[3, "amount"]) == ("31/02/2569", "หนึ่งแสน")
    assert (shown.loc[3, "transfer_date"], shown.loc[2, "amount"]) == ("10/1/2569", "100,000.00")  # read ones, as read
    assert "S05 C2:" in shown.loc[2, FINDINGS] and "S05 H3:" in shown.loc[3, FINDINGS]
    s05 = {f.cell: f for f in report.findings if f.rule == "S05"}  # each message quotes what was typed
    assert s05["H3"].message_en.startswith("Amount (THB) 'หนึ่งแสน': not a number")
    assert s05["C2"].message_th.startswith("วันที่รับโอน '31/02/2569': ")


def test_a_date_cell_outside_the_years_is_quoted_in_be_not_as_the_readers_ce_text(tmp_path, reference):
    import openpyxl

    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    book = openpyxl.load_workbook(path)
    book["รับโอน"]["C2"] = dt.datetime(1900, 1, 5)  # a real date cell, out of the years accepted
    book.save(path)
    [s05] = [f for f in validate([path], reference, as_of=AS_OF).files[0].findings if f.rule == "S05"]
    assert s05.message_en == ("Date received '5/1/2443': the date 5/1/2443 (BE) is out of range; type it as "
                              "15/11/2568 (day/month/BE year)") and s05.value == "5/1/2443"
    assert "1900" not in s05.message_en + s05.message_th + s05.value


def test_an_error_value_and_an_uncalculated_formula_show_as_such_in_the_grid(reference):
    """Field case 01: H3 holds #DIV/0! and H4 a formula never calculated; the grid shows them so (not a blank, not
    "None"), beside their S03, and typing over one is an edit from that text."""
    from importer.isolation import parse_in_process
    from review.editor import FORMULA

    [parsed] = parse_in_process([Path(__file__).parent / "field_cases" / "as-excel-writes-it.xlsx"])
    sheet = parsed.sheets["transfers"]
    assert "amount" in unreadable_columns(sheet, parsed.findings)
    shown = editor_frame(sheet, parsed.findings).set_index(ROW)
    assert (shown.loc[3, "amount"], shown.loc[4, "amount"]) == ("#DIV/0!", FORMULA)
    assert "S03 H3:" in shown.loc[3, FINDINGS] and "S03 H4:" in shown.loc[4, FINDINGS]
    assert shown.loc[2, "amount"] not in ("", None)  # a readable amount beside them keeps its value


def test_a_fixed_unreadable_cell_is_written_as_read_and_one_left_alone_is_flagged_again(tmp_path, reference):
    year = mini_year()
    transfers = year["allocations"]["transfers"]
    transfers.loc[0, "transfer_date"] = "31/02/2569"
    transfers.loc[1, "amount"] = "หนึ่งแสน"
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["transfers"], report.findings)
    row3 = int(shown.reset_index(drop=True).index[shown[ROW].to_numpy() == 3][0])
    [edit] = edits_from_state({"edited_rows": {row3: {"amount": "๕๐,๐๐๐"}}}, shown, "transfers")
    assert (edit.row, edit.column, edit.old, edit.new) == (3, "amount", "หนึ่งแสน", "50000")  # kept as read
    out = write_edited(report.parsed, [edit], reference, tmp_path / "edited" / path.name)
    again = validate([out], reference, as_of=AS_OF).files[0]
    assert {(f.rule, f.cell, f.value) for f in again.findings if f.rule == "S05"} == {("S05", "C2", "31/02/2569")}
    assert again.parsed.sheets["transfers"].values.loc[3, "amount"] == 50000

    [still] = edits_from_state({"edited_rows": {row3: {"amount": "ห้าหมื่น"}}}, shown, "transfers")
    out = write_edited(report.parsed, [still], reference, tmp_path / "still" / path.name)
    flagged = validate([out], reference, as_of=AS_OF).files[0]
    assert ("S05", "H3", "ห้าหมื่น") in {(f.rule, f.cell, f.value) for f in flagged.findings}  # as typed, checked again
