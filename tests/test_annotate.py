"""Annotated workbooks: the checked copy marks each finding at its cell and reads back unchanged."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from mini_year import AS_OF, CC, FY, mini_year

from domain.findings import Finding
from importer.parse import parse_workbook
from templates import TEMPLATES
from templates.workbook import META, build_workbook
from validators import annotate as annotation
from validators.annotate import (
    CHECKED_SUFFIX,
    FILLS,
    FINDINGS_SHEET,
    FINDINGS_SUFFIX,
    TITLE_ROWS,
    annotate,
    annotate_all,
)
from validators.validate import validate

FIRST = TITLE_ROWS + 2  # the findings sheet's first finding, as an Excel row
RED, YELLOW = ("FF" + FILLS[s].lstrip("#").upper() for s in ("error", "warning"))


def mistakes(y) -> None:
    y["allocations"]["allocations"].loc[1, "amount"] = 50000  # B01 at allocations D2 and D3
    y["allocations"]["transfers"].loc[0, "transfer_date"] = "31/2/2569"  # S05 at transfers C2, text in a date column
    y["allocations"]["allocations"].loc[0, "allocation_date"] = dt.datetime(2025, 11, 20, 10, 30)  # a time of day
    y["projects"]["activities"].loc[2, "budget"] = 30000  # B07 (a warning) at projects I3


def write_year(folder, reference, year) -> list:
    return [build_workbook(TEMPLATES[key], folder / f"{key}.xlsx", reference, fiscal_year=FY, cost_center=CC,
                           data=sheets) for key, sheets in year.items()]


@pytest.fixture(scope="module")
def checked(tmp_path_factory, reference):
    """The mini year with mistakes, one workbook with a sheet removed; validated, then annotated in full."""
    folder = tmp_path_factory.mktemp("year")
    year = mini_year()
    mistakes(year)
    paths = write_year(folder, reference, year)
    book = openpyxl.load_workbook(folder / "outputs.xlsx")
    book.remove(book["ผลตัวชี้วัด"])  # S10, a finding without a cell
    book.save(folder / "outputs.xlsx")
    report = validate(paths, reference, as_of=AS_OF)
    out = tmp_path_factory.mktemp("checked")
    return report, annotate_all(report, out, full=True)


def by_file(report, name):
    return next(fr for fr in report.files if fr.path.name == name)


def findings_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=FIRST) if row[0].value is not None]


def fill_of(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


def test_the_year_has_the_findings_the_test_expects(checked):
    report, written = checked
    cells = {(fr.path.name, f.rule, f.sheet, f.cell) for fr in report.files for f in fr.findings}
    assert {("allocations.xlsx", "B01", "allocations", "D2"), ("allocations.xlsx", "B01", "allocations", "D3"),
            ("allocations.xlsx", "S05", "transfers", "C2"), ("projects.xlsx", "B07", "projects", "I3"),
            ("outputs.xlsx", "S10", "kpi_results", "")} <= cells
    assert [p.name for p in written] == [f"{k}{CHECKED_SUFFIX}" for k in ("allocations", "projects",
                                                                          "disbursements", "outputs")]


def test_findings_sheet_lists_every_finding_with_a_link_to_its_cell(checked):
    report, written = checked
    for fr, path in zip(report.files, written, strict=True):
        book = openpyxl.load_workbook(path)
        assert book.sheetnames[0] == FINDINGS_SHEET and book.active.title == FINDINGS_SHEET
        ws = book[FINDINGS_SHEET]
        assert fr.path.name in ws["A1"].value
        # what the copy leaves out is said, so its user keeps the original (their own sheets are not in it)
        assert f"keep your original {fr.path.name}; do not save over it" in ws["A2"].value
        assert f"ให้เก็บไฟล์ต้นฉบับ {fr.path.name} ไว้ อย่าบันทึกทับ" in ws["A2"].value
        rows = findings_rows(ws)
        assert len(rows) == len(fr.findings)
        for n, (row, f) in enumerate(zip(rows, fr.findings, strict=True), start=1):
            no, sheet, cell, _column, rule, severity, th, en, _value = (c.value for c in row[:9])
            assert (no, rule, th, en) == (n, f.rule, f.message_th, f.message_en)
            assert f.severity in severity
            if f.cell:
                name = fr.parsed.sheets[f.sheet].data.name
                assert (sheet, cell) == (name, f.cell)
                assert row[2].hyperlink.location == f"'{name}'!{f.cell}"
                assert book[name][f.cell].comment is not None  # the link leads to the marked cell
            else:
                assert cell is None and row[2].hyperlink is None
        assert ws.auto_filter.ref and ws.freeze_panes == f"A{FIRST}"


def test_a_finding_without_a_cell_is_only_on_the_findings_sheet(checked):
    report, written = checked
    book = openpyxl.load_workbook(written[3])
    s10 = [row for row in findings_rows(book[FINDINGS_SHEET]) if row[4].value == "S10"]
    assert [(r[1].value, r[2].value) for r in s10] == [("ผลตัวชี้วัด", None)]
    assert "ผลตัวชี้วัด" not in book.sheetnames


def test_flagged_cells_are_filled_and_commented_and_no_other_cell_is(checked):
    report, written = checked
    for fr, path in zip(report.files, written, strict=True):
        book = openpyxl.load_workbook(path)
        flagged: dict[tuple[str, str], list[Finding]] = {}
        for f in fr.findings:
            if f.cell:
                flagged.setdefault((fr.parsed.sheets[f.sheet].data.name, f.cell), []).append(f)
        for ps in fr.parsed.sheets.values():
            ws = book[ps.data.name]
            for row in ws.iter_rows(min_row=ps.data.header_row + 1):
                for cell in row:
                    found = flagged.pop((ws.title, cell.coordinate), None)
                    if found is None:
                        assert cell.comment is None and fill_of(cell) is None, (path.name, cell.coordinate)
                        continue
                    assert fill_of(cell) == (RED if any(f.is_error for f in found) else YELLOW)
                    for f in found:
                        assert f.message_th in cell.comment.text and f.message_en in cell.comment.text
                        assert f"[{f.rule}]" in cell.comment.text
        assert not flagged, flagged  # every flagged cell was in the copy
    assert fill_of(openpyxl.load_workbook(written[1])["โครงการ"]["I3"]) == YELLOW  # B07 is a warning


def test_meta_is_kept_and_the_copy_is_recognised(checked):
    report, written = checked
    for fr, path in zip(report.files, written, strict=True):
        original, copy = openpyxl.load_workbook(fr.path), openpyxl.load_workbook(path)
        assert [tuple(r) for r in copy[META].values] == [tuple(r) for r in original[META].values]
        assert copy[META].sheet_state == "hidden"
        parsed = parse_workbook(path)
        assert (parsed.template.key, parsed.workbook.meta) == (fr.parsed.template.key, fr.parsed.workbook.meta)


def test_the_copy_reads_back_to_the_same_values_and_findings(checked, reference):
    report, written = checked
    again = validate(written, reference, as_of=AS_OF)
    assert not again.unreadable
    for before, after in zip(report.files, again.files, strict=True):
        assert before.parsed.sheets.keys() == after.parsed.sheets.keys()
        for key, ps in before.parsed.sheets.items():
            other = after.parsed.sheets[key]
            pd.testing.assert_frame_equal(ps.values, other.values, check_exact=True)
            assert (ps.data.name, ps.data.letters, ps.data.header_row) == (
                other.data.name, other.data.letters, other.data.header_row)

        def key(f):
            return f.rule, f.severity, f.sheet, f.cell, f.value, f.message_en

        assert [key(f) for f in after.findings] == [key(f) for f in before.findings]
    assert report.files[0].parsed.sheets["allocations"].data.frame.at[2, "allocation_date"] == "2025-11-20 10:30:00"


def test_several_findings_on_one_cell_share_one_comment(tmp_path, reference):
    year = mini_year()
    mistakes(year)
    path = write_year(tmp_path, reference, {"allocations": year["allocations"]})[0]
    fr = validate([path], reference, as_of=AS_OF).files[0]
    fr.findings.append(Finding.of("B14", "คำเตือนทดสอบ", "a test warning", sheet="allocations", row=2,
                                  column="amount", cell="D2", value="60000"))
    fr.findings.append(Finding.of("B14", "คำเตือนอย่างเดียว", "a warning alone", sheet="allocations", row=4,
                                  column="note", cell="E4"))
    ws = openpyxl.load_workbook(annotate(fr, tmp_path / "out", full=True))["จัดสรร"]
    text = ws["D2"].comment.text
    assert "[B01]" in text and "[B14]" in text and "a test warning" in text
    assert text.index("[B01]") < text.index("a test warning")
    assert fill_of(ws["D2"]) == RED  # the worst severity wins
    assert fill_of(ws["E4"]) == YELLOW and ws["E4"].value is None and "[B14]" in ws["E4"].comment.text


def test_comments_stop_at_the_cap_but_fills_do_not(tmp_path, reference, monkeypatch):
    year = mini_year()
    mistakes(year)
    fr = validate(write_year(tmp_path, reference, {"allocations": year["allocations"]}), reference,
                  as_of=AS_OF).files[0]
    monkeypatch.setattr(annotation, "MAX_COMMENTS", 1)
    book = openpyxl.load_workbook(annotate(fr, tmp_path / "out", full=True))
    assert book["รับโอน"]["C2"].comment is not None
    d2, d3 = book["จัดสรร"]["D2"], book["จัดสรร"]["D3"]
    assert d2.comment is None and d3.comment is None and fill_of(d2) == fill_of(d3) == RED


def test_findings_only_lists_plain_references_to_the_original(checked, tmp_path):
    report, _ = checked
    fr = by_file(report, "allocations.xlsx")
    path = annotate(fr, tmp_path, full=False)
    assert path.name == f"allocations{FINDINGS_SUFFIX}"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [FINDINGS_SHEET]
    ws = book[FINDINGS_SHEET]
    assert "allocations.xlsx" in ws["A2"].value  # says which file to fix
    rows = findings_rows(ws)
    assert [(r[1].value, r[2].value, r[4].value) for r in rows] == [
        (fr.parsed.sheets[f.sheet].data.name, f.cell, f.rule) for f in fr.findings]
    assert all(r[2].hyperlink is None for r in rows)


def test_size_chooses_the_kind_unless_the_caller_does(checked, tmp_path, monkeypatch):
    report, _ = checked
    fr = by_file(report, "allocations.xlsx")  # 5 rows
    monkeypatch.setattr(annotation, "FULL_COPY_MAX_ROWS", 5)
    assert annotate(fr, tmp_path / "a").name == f"allocations{CHECKED_SUFFIX}"
    monkeypatch.setattr(annotation, "FULL_COPY_MAX_ROWS", 4)
    assert annotate(fr, tmp_path / "b").name == f"allocations{FINDINGS_SUFFIX}"
    assert annotate(fr, tmp_path / "c", full=True).name == f"allocations{CHECKED_SUFFIX}"
    assert [p.name for p in annotate_all(report, tmp_path / "d")] == [
        f"{k}{FINDINGS_SUFFIX if fr.parsed.rows > 4 else CHECKED_SUFFIX}"
        for k, fr in zip(("allocations", "projects", "disbursements", "outputs"), report.files, strict=True)]


def test_a_clean_workbook_gets_a_clean_copy(checked):
    report, written = checked
    assert not by_file(report, "disbursements.xlsx").findings
    book = openpyxl.load_workbook(written[2])
    assert "No errors or warnings." in [c.value for row in book[FINDINGS_SHEET].iter_rows() for c in row]
    for name in ("เบิกจ่าย-ยืม", "ล้างเงินยืม"):
        assert all(c.comment is None and fill_of(c) is None for row in book[name].iter_rows(min_row=2) for c in row)


def test_unreadable_files_are_skipped_and_same_names_kept_apart(tmp_path, reference):
    year = mini_year()
    first = write_year(tmp_path / "unit1", reference, {"allocations": year["allocations"]})[0]
    second = write_year(tmp_path / "unit2", reference, {"allocations": year["allocations"]})[0]
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    report = validate([first, second, broken], reference, as_of=AS_OF)
    assert [p.name for p in annotate_all(report, tmp_path / "out")] == [
        f"allocations{CHECKED_SUFFIX}", f"allocations-2{CHECKED_SUFFIX}"]
    with pytest.raises(ValueError):
        annotate(report.files[2], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"allocations-2{CHECKED_SUFFIX}", f"allocations{CHECKED_SUFFIX}"]  # no partial file left


def test_an_unknown_column_is_listed_but_not_copied(tmp_path, reference):
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    book = openpyxl.load_workbook(path)
    book["รับโอน"]["J1"], book["รับโอน"]["J2"] = "ผู้อนุมัติ", "สมชาย"
    book.save(path)
    fr = validate([path], reference, as_of=AS_OF).files[0]
    assert [f.rule for f in fr.findings] == ["S02"]
    copy = annotate(fr, tmp_path / "out", full=True)
    assert [r[4].value for r in findings_rows(openpyxl.load_workbook(copy)[FINDINGS_SHEET])] == ["S02"]
    again = validate([copy], reference, as_of=AS_OF).files[0]
    assert again.findings == []  # the column the template does not know is left out of the copy
    pd.testing.assert_frame_equal(again.parsed.sheets["transfers"].values, fr.parsed.sheets["transfers"].values,
                                  check_exact=True)


EXCEL_17_DIGITS = 48156.86 * 1.07  # 51527.840200000006


def rewrite_parts(path, old: str, new: str) -> None:
    """Replace text in every worksheet part of an xlsx file."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(old.encode(), new.encode())
            archive.writestr(info, data)


def test_odd_cells_read_back_as_the_same_values(tmp_path, reference):
    """What units type besides the template's formats: numbers for dates and codes, times, booleans, 17 digits."""
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    book = openpyxl.load_workbook(path)
    ws = book["จัดสรร"]
    ws["C3"], ws["C3"].number_format = 46011, "General"  # a date typed as its serial number
    ws["B2"] = 93901  # a code typed as a number
    ws["E2"], ws["E3"] = True, dt.time(10, 30)
    ws["D4"] = 48156.86 * 1.07  # a formula's result
    ws["A6"], ws["D6"] = "รวม", 150000  # a total row, which the reader skips
    book.save(path)
    # openpyxl writes 16 significant digits, Excel 17: put back the one xlsxwriter alone would lose
    assert float(f"{EXCEL_17_DIGITS:.16g}") != EXCEL_17_DIGITS
    rewrite_parts(path, f"<v>{EXCEL_17_DIGITS:.16g}</v>", f"<v>{EXCEL_17_DIGITS!r}</v>")
    before = validate([path], reference, as_of=AS_OF).files[0]
    values = before.parsed.sheets["allocations"].values
    assert values.at[3, "allocation_date"] == dt.date(1899, 12, 30) + dt.timedelta(days=46011)
    assert (values.at[2, "unit_code"], values.at[2, "note"], values.at[3, "note"]) == ("93901", "true", "10:30:00")
    # the reader has number cells as text to 9 decimals: 17 significant digits come back to 1e-9
    assert values.at[4, "amount"] == pytest.approx(EXCEL_17_DIGITS, abs=1e-9)
    assert [f.cell for f in before.findings if f.rule == "S09"] == ["D4"]  # more than 2 decimals
    assert 6 not in values.index  # the total row
    copy = annotate(before, tmp_path / "out", full=True)
    after = validate([copy], reference, as_of=AS_OF).files[0]
    for key, ps in before.parsed.sheets.items():
        pd.testing.assert_frame_equal(ps.values, after.parsed.sheets[key].values, check_exact=True)
    assert [(f.rule, f.cell, f.value) for f in after.findings] == [(f.rule, f.cell, f.value) for f in before.findings]
