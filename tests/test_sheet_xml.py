"""One reading of each sheet's XML: the same cells written any legal way give the same findings, at the cells
the user sees; error values, formulas without values, merges, hidden rows and columns, percent formats and
far blank-looking cells, in the field cases and in their kind from other producers."""

from __future__ import annotations

import random
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd
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


@pytest.mark.parametrize("dimension", [None, "A1:XFD1048576", "A1:I43"])
def test_field_case_02_a_space_at_xfd1048576_is_ignored_and_reported_once(tmp_path, reference, dimension):
    """As the field case came (no <dimension>), as Excel saves it (a dimension reaching the space) and with one
    that understates: the same warning, the same rows (the gate refused Excel's way as too large)."""
    path = field_case("stray-cell-no-dimension.xlsx", tmp_path)
    if dimension:
        with zipfile.ZipFile(path) as source:
            parts = {info: source.read(info) for info in source.infolist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in parts.items():
                if info.filename == "xl/worksheets/sheet2.xml":  # the transfers, holding the space
                    data = data.replace(b"<sheetViews>", b'<dimension ref="%s"/><sheetViews>' % dimension.encode(), 1)
                out.writestr(info, data)
    report = validate([path], reference, as_of=AS_OF)
    strays = [f for f in report.files[0].findings if f.rule == "S13"]
    assert [(f.sheet, f.cell, f.severity) for f in strays] == [("transfers", "XFD1048576", "warning")]
    assert "ignored" in strays[0].message_en and "ไม่อ่าน" in strays[0].message_th
    assert report.files[0].parsed.rows == 42  # the data itself is read in full


def test_field_case_04_merged_key_cells_are_reported_at_the_range(tmp_path, reference):
    report = validate([field_case("transfer-no-merged.xlsx", tmp_path)], reference, as_of=AS_OF)
    found = [(f.rule, f.sheet, f.cell) for f in report.files[0].findings]
    assert ("S14", "allocations", "A2:A3") in found and ("S04", "allocations", "A3") not in found
    s12 = next(f for f in report.files[0].findings if f.rule == "S14")
    assert "merged" in s12.message_en and "each row needs its own value" in s12.message_en.lower()
    assert "ผสาน" in s12.message_th and s12.severity == "error"


def test_field_case_05_findings_on_the_hidden_row_say_it_is_hidden(tmp_path, reference):
    report = validate([field_case("superseded-row-hidden.xlsx", tmp_path)], reference, as_of=AS_OF)
    on_row_2 = [f for f in report.files[0].findings if f.row == 2]
    assert {f.rule for f in on_row_2} >= {"S15", "B13", "B01"}
    for f in on_row_2:
        assert "hidden" in f.message_en and "ซ่อน" in f.message_th, f
    elsewhere = [f for f in report.files[0].findings if f.row != 2]
    assert elsewhere and all("hidden" not in f.message_en for f in elsewhere)
    assert report.files[0].parsed.rows == 43  # hidden rows are read and counted


def test_field_case_06_a_percent_formatted_kpi_result_is_read_as_shown(tmp_path, reference):
    path = field_case("kpi-result-as-percent.xlsx", tmp_path)
    parsed = parse_workbook(path)
    assert parsed.sheets["kpi_results"].values.at[2, "result"] == pytest.approx(24.68)
    assert parsed.sheets["kpi_results"].percent_rows == {"result": [2]}
    inputs = [FIELD / "inputs" / n for n in ("allocations.xlsx", "projects.xlsx")]
    report = validate([*inputs, path], reference, as_of=AS_OF)
    assert not [f for f in report.files[-1].findings if f.cell == "F2"]  # K04 is counted in ร้อยละ


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
    assert findings_of(path, reference) == EXPECTED_01 | {("S15", "transfers", "A3", "")}


@pytest.mark.parametrize("extra", [
    Cell(26, "s", " "),  # a space at AA in a middle row: wider than the first rows
    Cell(1, "blank", "", 5),  # style only: costs the reader nothing, ignored silently
])
def test_what_the_survey_cannot_vouch_for_is_parsed_whole(allocations, tmp_path, surveyed, extra):
    rows = transfers_rows()
    rows[3].append(extra) if extra.col == 26 else rows.setdefault(900, []).append(extra)
    guard = guard_of(written(allocations, rows, Form()), "รับโอน", tmp_path)
    assert guard.xml.whole == (extra.col == 26) and guard.xml.last_row == 4 and guard.copy is None


def test_a_cell_in_another_namespace_is_still_a_cell_as_the_reader_reads_it(allocations, reference, surveyed):
    """calamine takes ``<o:c>`` for a cell whatever ``o`` stands for; so does the survey, which cannot vouch for
    it: the part is read whole, and a space far right in row 50 of 100 found and cut out."""
    strings: list[str] = []
    xml = sheet_xml(many_transfers(100), Form(), strings=strings, base=shared_count(allocations))
    stray = b'<o:c xmlns:o="urn:other" r="XFD50" t="inlineStr"><o:is><o:t> </o:t></o:is></o:c></row>'
    at = xml.index(b"</row>", xml.index(b'<row r="50"'))
    xml = xml[:at] + stray + xml[at + len(b"</row>"):]
    report = validate([replace_sheet(allocations, "รับโอน", xml, strings)], reference, as_of=AS_OF)
    assert [(f.rule, f.cell) for f in report.files[0].findings] == [("S13", "XFD50")]


def test_a_sheet_whose_first_rows_hold_no_value_is_parsed_whole(allocations, tmp_path, surveyed):
    rows = {r: [Cell(0, "blank", "", 5)] for r in range(1, 30)}  # a formatted, empty title area
    rows.update({r + 29: cells for r, cells in transfers_rows().items()})
    guard = guard_of(written(allocations, rows, Form()), "รับโอน", tmp_path)
    assert guard.xml.whole and guard.xml.last_row == 33


@pytest.mark.parametrize("cap,passes", [(36, True), (35, False)])
def test_the_survey_passes_no_row_beyond_what_the_cell_cap_allows_at_the_sheets_width(allocations, tmp_path,
                                                                                     surveyed, cap, passes):
    """Four rows of nine columns: 36 cells. Whatever the rows' order or addresses claim, a surveyed sheet never
    lets the reader size more than the cap; past it the whole parse decides, and refuses."""
    from importer.safety import check_workbook

    with sheet_xml_module.Workbook(check_workbook(written(allocations, transfers_rows(), Form())), cap) as book:
        if passes:
            assert not book.guard("รับโอน", tmp_path).xml.whole
        else:
            with pytest.raises(WorkbookRefused):
                book.guard("รับโอน", tmp_path)


# --------------------------------------------------------------------------------------- far cells (case 02's kind)

@pytest.mark.parametrize("where,stray", [
    ("allocations", Cell(51, "s", " ")),  # AZ1048576 on the other sheet: once 30 s and 2 GB
    ("transfers", Cell(16383, "s", "")),  # an empty text, as some exporters leave
    ("transfers", Cell(8, "s", "\u00a0\u200b")),  # a no-break space and a zero-width space in column I
])
def test_a_far_blank_looking_cell_is_ignored_and_reported_once(allocations, reference, where, stray):
    """Read in the reader's worker under its memory cap and time limit (a reader sizing the sheet from the far
    cell would be refused, not read): the data as it is, and one S13 at the stray cell. How fast: bench/."""
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
        report = validate([path], reference, as_of=AS_OF)
        assert not report.files[0].unreadable
        found = [(f.rule, f.sheet, f.cell) for f in report.files[0].findings]
        assert found == [("S13", where, f"{sheet_xml_module.column_letter(stray.col)}1048576")]


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


# --------------------------------------------------------------------------------------- merged cells (case 04's kind)

def test_merged_cells_across_columns_and_in_an_optional_column_are_each_reported(allocations, reference):
    rows = transfers_rows()
    rows[3] = [c for c in rows[3] if c.col != 4] + [Cell(8, "s", "งวดแรก", 5)]
    extras = Extras(merged=["D3:E3", "I3:I4", "A1:I1"[:0] or "K2:K3"])
    report = validate([written(allocations, rows, Form(), extras=extras)], reference, as_of=AS_OF)
    found = {(f.rule, f.cell) for f in report.files[0].findings}
    assert found == {("S14", "D3:E3"), ("S14", "I3:I4")}  # no S04 at E3; K2:K3 lies outside the template


def test_a_merged_title_above_the_header_is_no_finding(allocations, reference):
    rows = {r + 1: [Cell(c.col, c.kind, c.value, c.style) for c in cells] for r, cells in transfers_rows().items()}
    rows[1] = [Cell(0, "s", "รับโอนงบประมาณ ปี 2569")]
    report = validate([written(allocations, rows, Form(), extras=Extras(merged=["A1:I1"]))], reference, as_of=AS_OF)
    assert report.files[0].findings == [] and len(report.files[0].parsed.sheets["transfers"].values) == 3


# --------------------------------------------------------------------------------------- hidden rows and columns

def test_hidden_columns_and_rows_are_read_and_findings_there_say_so(allocations, reference):
    rows = transfers_rows(H4=Cell(7, "n", "-5", 8))  # an S08 in hidden column H
    extras = Extras(hidden_rows={3, 40}, hidden_cols=[(8, 8)])
    report = validate([written(allocations, rows, Form(), extras=extras)], reference, as_of=AS_OF)
    by_cell = {(f.rule, f.cell): f for f in report.files[0].findings}
    assert set(by_cell) == {("S15", "A3"), ("S15", "H1"), ("S08", "H4")}
    assert "Row 3 is hidden" in by_cell[("S15", "A3")].message_en  # row 40 holds nothing: not mentioned
    assert "Column H" in by_cell[("S08", "H4")].message_en and "ซ่อน" in by_cell[("S08", "H4")].message_th
    assert report.files[0].parsed.sheets["transfers"].values["amount"].tolist() == [100000, 50000, -5]


# --------------------------------------------------------------------------------------- percent (case 06's kind)


def with_styles(path: Path, formats: list[str]) -> dict[str, int]:
    """Add number formats to the workbook's styles; returns each format code's new style index."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    styles = next(d for i, d in members if i.filename == "xl/styles.xml").decode()
    count = int(styles.split('<cellXfs count="')[1].split('"')[0])
    fmts = "".join(f'<numFmt numFmtId="{200 + i}" formatCode={quoteattr(code)}/>' for i, code in enumerate(formats))
    styles = styles.replace("</numFmts>", fmts + "</numFmts>")
    xfs = "".join(f'<xf numFmtId="{200 + i}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                  for i in range(len(formats)))
    styles = styles.replace("</cellXfs>", xfs + "</cellXfs>").replace(f'<cellXfs count="{count}"',
                                                                      f'<cellXfs count="{count + len(formats)}"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(zipfile.ZipInfo(info.filename, info.date_time),
                             styles.encode() if info.filename == "xl/styles.xml" else data)
    return {code: count + i for i, code in enumerate(formats)}


def outputs_book(tmp_path: Path, reference) -> Path:
    return write_year(tmp_path, reference, {"outputs": mini_year()["outputs"]})[0]


@pytest.mark.parametrize("builtin", [False, True])
def test_a_percent_kpi_result_reads_as_shown_and_a_non_percent_kpi_is_an_error(tmp_path, reference, builtin):
    path = outputs_book(tmp_path, reference)
    style = 0 if builtin else with_styles(path, ["0.0%"])["0.0%"]
    kpi = TEMPLATES["outputs"].sheet("kpi_results")
    rows = {1: [Cell(i, "s", c.header) for i, c in enumerate(kpi.columns)]}
    for r, (code, result) in enumerate([("K02", "0.85"), ("K01", "0.171")], start=2):
        rows[r] = [Cell(0, "s", "93901"), Cell(1, "s", code), Cell(2, "n", "1"), Cell(5, "n", result, style)]
    if builtin:  # Excel's builtin "0.00%" (numFmtId 10) in a style of its own
        style = with_styles(path, ["0.00%"])["0.00%"]
        rows = {r: [Cell(c.col, c.kind, c.value, style if c.col == 5 else c.style) for c in cells]
                for r, cells in rows.items()}
    report = validate([written(path, rows, Form(), sheet="ผลตัวชี้วัด")], reference, as_of=AS_OF)
    values = report.files[0].parsed.sheets["kpi_results"].values["result"]
    assert values.tolist() == pytest.approx([85.0, 17.1])
    wrong = [f for f in report.files[0].findings if f.rule == "S05"]
    assert [(f.cell, f.value) for f in wrong] == [("F3", "17.1%")]
    assert "ต่อการเกิดมีชีพแสนคน" in wrong[0].message_en and "percentage" in wrong[0].message_en


def test_a_percent_format_in_an_amount_is_an_error_and_a_literal_percent_sign_is_no_percent(allocations, reference):
    styles = with_styles(allocations, ["0.00%", '0.00"%"', "0.00\\%"])
    rows = transfers_rows(H2=Cell(7, "n", "0.5", styles["0.00%"]), H3=Cell(7, "n", "50000", styles['0.00"%"']),
                          H4=Cell(7, "n", "25000", styles["0.00\\%"]))
    report = validate([written(allocations, rows, Form())], reference, as_of=AS_OF)
    assert [(f.rule, f.cell, f.value) for f in report.files[0].findings] == [("S05", "H2", "50%")]
    amounts = report.files[0].parsed.sheets["transfers"].values["amount"]
    assert pd.isna(amounts.iat[0]) and amounts.tolist()[1:] == [50000, 25000]


def test_a_kpi_target_formatted_as_percent_reads_by_the_unit_in_its_row(tmp_path, reference):
    """In the reference data a KPI's targets are in the unit its own row names: ร้อยละ reads as shown, any
    other unit is an error rather than a target 100 times too small."""
    import openpyxl

    from templates.workbook import build_workbook
    from validators.reference import read_reference

    path = build_workbook(TEMPLATES["reference"], tmp_path / "reference.xlsx", reference, data=reference.tables)
    book = openpyxl.load_workbook(path)
    ws = book["ตัวชี้วัด"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for code, value in (("K02", 0.85), ("K01", 0.17)):
        ws.cell(rows[code], 6).value, ws.cell(rows[code], 6).number_format = value, "0.00%"
    book.save(path)
    loaded, report = read_reference(path)
    targets = loaded["kpis"].set_index("kpi_code")["target"]
    assert targets["K02"] == pytest.approx(85) and targets["K01"] == pytest.approx(17)
    assert [(f.rule, f.cell, f.value) for f in report.findings] == [("S05", f"F{rows['K01']}", "17%")]


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
                     ("S15", "transfers", "A20000", "")}


def test_a_space_far_below_a_large_sheet_is_cut_out_not_read(big_allocations, reference, tmp_path):
    path = shutil.copy(big_allocations, tmp_path / "stray.xlsx")
    rows = many_transfers(30_000)
    rows[1_048_576] = [Cell(8, "s", " ")]  # column I, within the table's width: only the rows are far
    written(path, rows, Form())
    guard = guard_of(path, "รับโอน", tmp_path)
    assert guard.xml.whole and guard.copy is not None and guard.xml.stray.cell == "I1048576"
    report = validate([path], reference, as_of=AS_OF)
    assert [(f.rule, f.cell) for f in report.files[0].findings] == [("S13", "I1048576")]
    assert len(report.files[0].parsed.sheets["transfers"].values) == 30_000
