"""One reading of each sheet's XML: the same cells written any legal way give the same findings, at the cells
the user sees; error values, formulas without values, merges, hidden rows and columns, percent formats and
far blank-looking cells, in the field cases and in their kind from other producers."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mini_year import AS_OF, mini_year
from sheet_forms import Cell, Extras, Form, replace_sheet, shared_count, sheet_xml
from test_rules import write_year

import importer.sheet_xml as sheet_xml_module
from importer.parse import parse_workbook
from importer.safety import WorkbookRefused
from templates import TEMPLATES
from validators.validate import validate

FIELD = Path(__file__).parent / "field_cases"
TRANSFERS = TEMPLATES["allocations"].sheet("transfers")


@pytest.fixture
def allocations(tmp_path, reference) -> Path:
    return write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]


def transfers_rows(**cells: Cell) -> dict[int, list[Cell]]:
    """The transfers sheet of the mini year as cells (header, T1, T2) and a third transfer T3, with ``cells``
    (keyed by address, e.g. ``H3=Cell(...)``) put in place of what stood there."""
    rows = {1: [Cell(i, "s", c.header, 4) for i, c in enumerate(TRANSFERS.columns)]}
    data = [("2100200131", "T1", "45976", "2100235001000000", "N4504", "2", "1", "100000"),
            ("2100200131", "T2", "46032", "2100235001000000", "N4504", "2", "2", "50000"),
            ("2100200131", "T3", "46040", "2100235001000000", "N4504", "2", "3", "25000")]
    styles = (5, 5, 6, 5, 5, 5, 7, 8)
    for r, values in enumerate(data, start=2):
        rows[r] = [Cell(i, "n" if i in (2, 6, 7) else "s", v, styles[i]) for i, v in enumerate(values)]
    for ref, cell in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(row, [])
        rows[row] = [c for c in rows[row] if c.col != cell.col] + [cell]
    return rows


# Field case 01's kind: H3 an error value, H4 a formula never calculated, and I2 an error value in the optional
# note column, which must never be read as blank.
CASE_01 = dict(H3=Cell(7, "e", "#DIV/0!", 8, "H2/0"), H4=Cell(7, "f", "", 8, "SUM(H2:H3)"),
               I2=Cell(8, "e", "#N/A", 5, "VLOOKUP(A2,X:Y,2,0)"))


def findings_of(path: Path, reference) -> set[tuple[str, str, str, str]]:
    report = validate([path], reference, as_of=AS_OF)
    assert not report.unreadable, report.files[0].unreadable
    return {(f.rule, f.sheet, f.cell, f.value) for f in report.files[0].findings}


def written(path: Path, rows, form: Form, rnd=None, extras=None, sheet="รับโอน") -> Path:
    strings: list[str] = []
    xml = sheet_xml(rows, form, rnd, extras, strings, base=shared_count(path))
    return replace_sheet(path, sheet, xml, strings)


EXPECTED_01 = {("S03", "transfers", "H3", "#DIV/0!"), ("S03", "transfers", "H4", ""),
               ("S03", "transfers", "I2", "#N/A")}


def test_the_error_cells_are_found_as_excel_writes_them(allocations, reference):
    assert findings_of(written(allocations, transfers_rows(**CASE_01), Form()), reference) == EXPECTED_01


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(["", "x", "main"]), strings=st.sampled_from(["shared", "inline"]),
       addresses=st.sampled_from(["all", "none", "some"]), rnd=st.randoms(use_true_random=False),
       surveyed=st.booleans())
def test_any_legal_writing_of_the_sheet_gives_the_same_findings(tmp_path_factory, reference, monkeypatch,
                                                                 prefix, strings, addresses, rnd, surveyed):
    """Attribute order and quotes, spaces around "=", namespace prefixes, cell and row addresses present or
    not, inline, rich or shared strings, comments: the findings never change. ``surveyed`` reads the sheet
    the way a large one is read (a survey, then the marked rows), in pieces of a few hundred bytes."""
    if surveyed:
        monkeypatch.setattr(sheet_xml_module, "SMALL_PART", 0)
        monkeypatch.setattr(sheet_xml_module, "CHUNK", 97)
        monkeypatch.setattr(sheet_xml_module, "EDGE_ROWS", 200)
    folder = tmp_path_factory.mktemp("form")
    path = write_year(folder, reference, {"allocations": mini_year()["allocations"]})[0]
    form = Form(prefix=prefix, strings=strings, addresses=addresses, plain=False)
    assert findings_of(written(path, transfers_rows(**CASE_01), form, rnd), reference) == EXPECTED_01


# --------------------------------------------------------------------------------------- field cases

def field_case(name: str, tmp_path: Path) -> Path:
    return shutil.copy(FIELD / name, tmp_path / name)


@pytest.mark.parametrize("name", ["as-excel-writes-it.xlsx", "cells-without-address.xlsx"])
def test_field_case_01_error_cells_written_either_way(tmp_path, reference, name):
    report = validate([field_case(name, tmp_path)], reference, as_of=AS_OF)
    found = {(f.rule, f.cell) for f in report.files[0].findings}
    assert {("S03", "H3"), ("S03", "H4")} <= found and ("S04", "H3") not in found and ("S04", "H4") not in found
    assert report.errors >= 2


def test_field_case_02_a_space_at_xfd1048576_is_ignored_and_reported_once(tmp_path, reference):
    start = time.perf_counter()
    report = validate([field_case("stray-cell-no-dimension.xlsx", tmp_path)], reference, as_of=AS_OF)
    assert time.perf_counter() - start < 10
    strays = [f for f in report.files[0].findings if f.rule == "S11"]
    assert [(f.sheet, f.cell, f.severity) for f in strays] == [("transfers", "XFD1048576", "warning")]
    assert "ignored" in strays[0].message_en and "ไม่อ่าน" in strays[0].message_th
    assert report.files[0].parsed.rows == 42  # the data itself is read in full


# --------------------------------------------------------------------------------------- a large sheet's survey

@pytest.fixture
def surveyed(monkeypatch):
    """Read every sheet as a large one is read: the survey, then only the rows it marks, in small pieces."""
    monkeypatch.setattr(sheet_xml_module, "SMALL_PART", 0)
    monkeypatch.setattr(sheet_xml_module, "CHUNK", 211)
    monkeypatch.setattr(sheet_xml_module, "EDGE_ROWS", 300)


def guard_of(path: Path, sheet: str, tmp_path: Path) -> sheet_xml_module.Guard:
    from importer.safety import check_workbook

    with sheet_xml_module.Workbook(check_workbook(path)) as book:
        guard = book.guard(sheet, tmp_path)
        book.details(guard)
        return guard


def test_a_large_sheet_written_as_excel_writes_it_is_surveyed_not_parsed_whole(allocations, reference, tmp_path,
                                                                              surveyed):
    extras = Extras(hidden_rows={3})
    path = written(allocations, transfers_rows(**CASE_01), Form(), extras=extras)
    guard = guard_of(path, "รับโอน", tmp_path)
    assert not guard.xml.whole and guard.copy is None
    assert guard.xml.errors == {(3, 7): "#DIV/0!", (2, 8): "#N/A"} and guard.xml.formulas == {(4, 7)}
    assert guard.xml.hidden_rows == {3} and guard.xml.last_row == 4
    assert findings_of(path, reference) == EXPECTED_01 | {("S13", "transfers", "A3", "")}


@pytest.mark.parametrize("extra", [
    Cell(26, "s", " "),  # a space at AA in a middle row: wider than the first rows
    Cell(1, "blank", "", 5),  # style only: costs the reader nothing, ignored silently
])
def test_what_the_survey_cannot_vouch_for_is_parsed_whole(allocations, tmp_path, surveyed, extra):
    rows = transfers_rows()
    rows[3].append(extra) if extra.col == 26 else rows.setdefault(900, []).append(extra)
    guard = guard_of(written(allocations, rows, Form()), "รับโอน", tmp_path)
    assert guard.xml.whole == (extra.col == 26) and guard.xml.last_row == 4 and guard.copy is None


# --------------------------------------------------------------------------------------- far cells (case 02's kind)

@pytest.mark.parametrize("where,stray", [
    ("allocations", Cell(51, "s", " ")),  # AZ1048576 on the other sheet: once 30 s and 2 GB
    ("transfers", Cell(16383, "s", "")),  # an empty text, as some exporters leave
    ("transfers", Cell(8, "s", "\u00a0\u200b")),  # a no-break space and a zero-width space in column I
])
def test_a_far_blank_looking_cell_is_ignored_in_seconds(allocations, reference, where, stray):
    sheet = {"transfers": "รับโอน", "allocations": "จัดสรร"}[where]
    if where == "transfers":
        rows = transfers_rows()
    else:
        allocations_sheet = TEMPLATES["allocations"].sheet("allocations")
        rows = {1: [Cell(i, "s", c.header, 4) for i, c in enumerate(allocations_sheet.columns)],
                2: [Cell(0, "s", "T1"), Cell(1, "s", "93901"), Cell(2, "n", "45981", 6), Cell(3, "n", "60000")],
                3: [Cell(0, "s", "T1"), Cell(1, "s", "93902"), Cell(2, "n", "45981", 6), Cell(3, "n", "40000")],
                4: [Cell(0, "s", "T2"), Cell(1, "s", "93901"), Cell(2, "n", "46034", 6), Cell(3, "n", "50000")]}
    rows[1_048_576] = [stray]
    for form in (Form(), Form(strings="inline", addresses="none", plain=False)):
        path = written(allocations, rows, form, random.Random(1), sheet=sheet)
        start = time.perf_counter()
        report = validate([path], reference, as_of=AS_OF)
        assert time.perf_counter() - start < 10
        found = [(f.rule, f.sheet, f.cell) for f in report.files[0].findings]
        assert found == [("S11", where, f"{sheet_xml_module.column_letter(stray.col)}1048576")]


def test_far_cells_are_never_read_on_a_sheet_the_template_does_not_use(allocations, reference):
    rows = {1: [Cell(0, "s", "หมายเหตุของหน่วยงาน")], 1_048_576: [Cell(16383, "s", " ")]}
    path = written(allocations, rows, Form(), sheet="คำแนะนำ")
    report = validate([path], reference, as_of=AS_OF)
    assert not report.unreadable and report.errors == 0


def test_data_really_beyond_the_cell_cap_is_refused_with_its_address(allocations):
    rows = transfers_rows()
    rows[1_048_576] = [Cell(16383, "s", "สิ้นสุด")]
    with pytest.raises(WorkbookRefused) as refused:
        parse_workbook(written(allocations, rows, Form()))
    assert refused.value.cell == "XFD1048576" and refused.value.reason == "too_large"
    assert "XFD1048576" in refused.value.message_th and "XFD1048576" in refused.value.message_en


# --------------------------------------------------------------------------------------- a real large sheet

def many_transfers(n: int, **cells: Cell) -> dict[int, list[Cell]]:
    rows = transfers_rows()
    styles = (5, 5, 6, 5, 5, 5, 7, 8)
    for r in range(5, n + 2):
        values = ("2100200131", f"T{r}", "46040", "2100235001000000", "N4504", "2", "1", f"{r * 10}")
        rows[r] = [Cell(i, "n" if i in (2, 6, 7) else "s", v, styles[i]) for i, v in enumerate(values)]
    for ref, cell in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        rows[row] = [c for c in rows.get(row, []) if c.col != cell.col] + [cell]
    return rows


@pytest.fixture(scope="module")
def big_allocations(tmp_path_factory, reference) -> Path:
    """30,000 transfers written as Excel writes them (~9 MB of sheet XML, a survey's size) with an error value at
    H15000, a formula never calculated at H25000 and row 20000 hidden."""
    folder = tmp_path_factory.mktemp("big")
    path = write_year(folder, reference, {"allocations": mini_year()["allocations"]})[0]
    rows = many_transfers(30_000, H15000=Cell(7, "e", "#REF!", 8, "#REF!*2"), H25000=Cell(7, "f", "", 8, "1+1"))
    return written(path, rows, Form(), extras=Extras(hidden_rows={20_000}))


def test_a_large_sheet_is_surveyed_and_its_marked_rows_found(big_allocations, reference, tmp_path):
    guard = guard_of(big_allocations, "รับโอน", tmp_path)
    assert not guard.xml.whole and guard.xml.last_row == 30_001
    assert guard.xml.errors == {(15_000, 7): "#REF!"} and guard.xml.formulas == {(25_000, 7)}
    assert guard.xml.hidden_rows == {20_000}
    found = findings_of(big_allocations, reference)
    assert found == {("S03", "transfers", "H15000", "#REF!"), ("S03", "transfers", "H25000", ""),
                     ("S13", "transfers", "A20000", "")}


def test_a_space_far_below_a_large_sheet_is_cut_out_not_read(big_allocations, reference, tmp_path):
    path = shutil.copy(big_allocations, tmp_path / "stray.xlsx")
    rows = many_transfers(30_000)
    rows[1_048_576] = [Cell(8, "s", " ")]  # column I, within the table's width: only the rows are far
    written(path, rows, Form())
    guard = guard_of(path, "รับโอน", tmp_path)
    assert guard.xml.whole and guard.copy is not None and guard.xml.stray.cell == "I1048576"
    report = validate([path], reference, as_of=AS_OF)
    assert [(f.rule, f.cell) for f in report.files[0].findings] == [("S11", "I1048576")]
    assert len(report.files[0].parsed.sheets["transfers"].values) == 30_000
