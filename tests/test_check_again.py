"""Check again without rewriting: edits applied to the workbook as parsed give exactly what writing the edited
workbook and reading it back gives (services.edits.edited against services.edits.write_edited)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from mini_year import AS_OF, mini_year
from test_rules import write_year

from importer.isolation import parse_in_process
from importer.parse import ParsedWorkbook
from services.edits import edited, renumbered, write_edited, write_parsed
from services.submission import check
from store.db import connect
from store.submissions import Edit
from templates.catalog import SHEETS

EDITS = [  # disbursements of the mini year: payments D1 (row 2), A1 (row 3); clearing C1 (row 2)
    Edit("payments", 2, "amount", "20000", "15,000.50"),  # a number with separators and satang
    Edit("payments", 3, "document_date", "5/1/2569", "๖ ม.ค. ๒๕๖๙"),  # a date typed in Thai, BE
    Edit("payments", 2, "document_no", "D1", "0042"),  # a code with leading zeros
    Edit("payments", 2, "unit_code", "93901", "93999"),  # a unit that does not exist: B11
    Edit("clearings", 2, "clearing_date", "20/1/2569", "31/02/2569"),  # no such day: unreadable, S05
    Edit("payments", 3, "amount", "10000", "10000"),  # typed back to what it was
    Edit("payments", 3, "activity_no", "1", "1.5"),  # not a whole number: S05 in an integer column
    Edit("payments", 3, "payee", "สมชาย ใจดี", ""),  # a text blanked
]


@pytest.fixture
def year(tmp_path, reference):
    """The mini year's allocations, projects and disbursements, parsed, and an empty SQLite store."""
    paths = write_year(tmp_path / "upload", reference, {k: v for k, v in mini_year().items() if k != "outputs"})
    engine = connect(f"sqlite:///{tmp_path / 'sms.sqlite'}")
    yield engine, parse_in_process(paths)
    engine.dispose()


def checked(engine, reference, workbooks):
    return check(engine, workbooks, reference, as_of=AS_OF, parser=parse_in_process).files


def assert_same(ours, theirs):
    """Same findings (cell, rule, value, message) and, sheet by sheet, the same typed values and cells. The budget
    rules name a file by its full path (two units' files may share a name): the two paths differ here by design."""
    def named(findings):
        return [replace(f, file=Path(f.file).name) for f in findings]

    assert named(ours.findings) == named(theirs.findings)
    assert (ours.cost_center, ours.fiscal_year) == (theirs.cost_center, theirs.fiscal_year)
    for key, ps in theirs.parsed.sheets.items():
        pd.testing.assert_frame_equal(ours.parsed.sheets[key].values, ps.values)
        pd.testing.assert_frame_equal(ours.parsed.sheets[key].cells(), ps.cells())


@pytest.mark.parametrize("edits", [EDITS, EDITS[:1], EDITS[4:5], EDITS[5:6]],
                         ids=["all", "a number", "unreadable", "back to the original"])
def test_edits_applied_in_memory_find_what_the_rewritten_file_does(year, tmp_path, reference, edits):
    engine, (allocations, projects, disbursements) = year
    in_memory = edited(disbursements, edits, reference, tmp_path / "memory" / disbursements.file)
    assert isinstance(in_memory, ParsedWorkbook) and not in_memory.workbook.path.exists()  # nothing written
    rewritten = write_edited(disbursements, edits, reference, tmp_path / "rewritten" / disbursements.file)

    ours = checked(engine, reference, [allocations, projects, in_memory])[2]
    theirs = checked(engine, reference, [allocations, projects, rewritten])[2]
    assert_same(ours, theirs)
    if edits == EDITS:  # every kind of edit took effect, each as the reader reads it
        payments = ours.parsed.sheets["payments"].values
        assert payments.loc[2, "amount"] == 15000.5 and payments.loc[2, "document_no"] == "0042"
        assert str(payments.loc[3, "document_date"]) == "2026-01-06"
        assert pd.isna(payments.loc[3, "payee"])
        assert {(f.rule, f.cell) for f in ours.findings} >= {("S05", "D2"), ("S05", "E3"), ("B11", "A2")}

    written = write_parsed(in_memory, reference)  # the file, when it is needed, reads back the same
    assert written == in_memory.workbook.path
    assert_same(checked(engine, reference, [allocations, projects, written])[2], theirs)


def test_a_month_and_long_decimals_are_read_as_the_written_cells_would_be(year, tmp_path, reference):
    engine, (allocations, projects, disbursements) = year
    edits = [Edit("activities", 2, "planned_month", "12", "1"),  # written as ม.ค., read back as 1
             Edit("activities", 2, "target", "100", "100.1234567891"),  # a number cell shows 9 decimals
             Edit("activities", 3, "budget", "30000", "(1,000)")]  # a negative budget: S06
    in_memory = edited(projects, edits, reference, tmp_path / "memory" / projects.file)
    rewritten = write_edited(projects, edits, reference, tmp_path / "rewritten" / projects.file)
    assert isinstance(in_memory, ParsedWorkbook)
    ours, theirs = (checked(engine, reference, [allocations, p, disbursements])[1] for p in (in_memory, rewritten))
    assert_same(ours, theirs)
    activities = ours.parsed.sheets["activities"].values
    assert activities.loc[2, "planned_month"] == 1 and activities.loc[2, "target"] == 100.123456789


def test_edits_over_edits_stay_exact(year, tmp_path, reference):
    """A second check again starts from the first one's workbook in memory, as the app does."""
    engine, (allocations, projects, disbursements) = year
    first = edited(disbursements, EDITS[:4], reference, tmp_path / "m1" / disbursements.file)
    second = edited(first, [*EDITS[:4], Edit("payments", 2, "amount", "15000.5", "-")], reference,
                    tmp_path / "m2" / disbursements.file)
    rewritten = write_edited(disbursements, [*EDITS[:4], Edit("payments", 2, "amount", "", "-")], reference,
                             tmp_path / "r" / disbursements.file)
    assert isinstance(second, ParsedWorkbook)
    assert_same(checked(engine, reference, [allocations, projects, second])[2],
                checked(engine, reference, [allocations, projects, rewritten])[2])
    assert second.sheets["payments"].values.loc[2, "amount"] == 0  # a lone "-" is zero


def test_where_memory_cannot_be_exact_the_workbook_is_written(year, tmp_path, reference):
    engine, (allocations, projects, disbursements) = year
    new_row = [Edit("payments", 9, "amount", "", "500")]  # the sheet has no row 9: the builder appends one
    out = edited(disbursements, new_row, reference, tmp_path / "new-row" / disbursements.file)
    assert out == tmp_path / "new-row" / disbursements.file and out.exists()
    blanked = [Edit("clearings", 2, c.key, "", "") for c in disbursements.sheets["clearings"].sheet.columns]
    out = edited(disbursements, blanked, reference, tmp_path / "blank-row" / disbursements.file)
    assert out.exists()  # a row left blank is dropped by the reader
    [report] = checked(engine, reference, [out])
    assert report.parsed.sheets["clearings"].values.empty


def test_edits_keep_their_rows_when_the_rewrite_moves_the_rows(tmp_path, reference):
    """A title typed above the header: the rewrite writes the header in row 1, so every row moves up one; the
    edits checked take the rows they have now, and applying them again with the next edit changes no other row."""
    [path] = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})
    book = openpyxl.load_workbook(path)
    book[SHEETS["allocations"][1].name].insert_rows(1)
    book[SHEETS["allocations"][1].name]["A1"] = "การจัดสรรงบประมาณ ปีงบประมาณ 2569"
    book.save(path)
    [uploaded] = parse_in_process([path])
    assert uploaded.sheets["allocations"].values["amount"].to_dict() == {3: 60000, 4: 40000, 5: 50000}
    first = [Edit("allocations", 4, "amount", "40000", "39000")]
    out = edited(uploaded, first, reference, tmp_path / "e1" / path.name)
    assert isinstance(out, Path)  # not laid out as the builder lays it out: written and read
    [rewritten] = parse_in_process([out])
    moved = renumbered(uploaded, first)
    assert [e.row for e in moved] == [3] and rewritten.sheets["allocations"].values.at[3, "amount"] == 39000

    second = edited(rewritten, [*moved, Edit("allocations", 2, "amount", "60000", "61000")], reference,
                    tmp_path / "e2" / path.name)
    assert second.sheets["allocations"].values["amount"].to_dict() == {2: 61000, 3: 39000, 4: 50000}


def test_an_edit_of_a_row_the_reader_drops_goes_with_it(year, reference):
    _, (_, _, disbursements) = year
    blanked = [Edit("clearings", 2, c.key, "", "") for c in disbursements.sheets["clearings"].sheet.columns]
    kept = Edit("payments", 3, "amount", "10000", "9000")
    assert renumbered(disbursements, [*blanked, kept]) == [kept]


def test_an_error_value_or_a_formula_without_a_value_stays_reported_until_typed_over(tmp_path, reference):
    """Field case 01: H3 holds #DIV/0! and H4 a formula never calculated (S03 both). Typing an amount over H3 and
    checking again: H3 is read as typed, H4 is still S03 (not S04 "fill it in", which a rewrite, writing the
    unreadable cell blank, would say of a cell the user sees filled in Excel)."""
    field = Path(__file__).parent / "field_cases"
    [parsed] = parse_in_process([field / "as-excel-writes-it.xlsx"])
    engine = connect(f"sqlite:///{tmp_path / 'sms.sqlite'}")
    source = edited(parsed, [Edit("transfers", 3, "amount", "", "250000")], reference,
                    tmp_path / "edit-1" / "as-excel-writes-it.xlsx")
    assert isinstance(source, ParsedWorkbook)  # checked in memory
    [report] = checked(engine, reference, [source])
    on_h = sorted((f.cell, f.rule) for f in report.findings if f.sheet == "transfers" and f.cell.startswith("H"))
    assert on_h == [("H4", "S03")]
    assert source.sheets["transfers"].values.at[3, "amount"] == 250000
    engine.dispose()
