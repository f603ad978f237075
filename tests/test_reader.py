"""The reader finds the template and its columns however a unit rearranged the workbook."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mini_year import AS_OF, mini_year
from test_rules import write_year

from importer.headers import fold
from importer.parse import Unreadable, parse_workbook
from importer.reader import kept_rows
from validators.validate import validate


@pytest.fixture
def allocations(tmp_path, reference):
    return write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]


def rewrite(path, action):
    book = openpyxl.load_workbook(path)
    action(book)
    book.save(path)


def transfers(path):
    return parse_workbook(path).sheets["transfers"].values


def test_without_metadata_the_template_is_found_by_sheet_names(allocations):
    before = transfers(allocations)
    rewrite(allocations, lambda b: b.remove(b["_meta"]))
    parsed = parse_workbook(allocations)
    assert parsed.template.key == "allocations" and parsed.workbook.meta == {}
    assert parsed.sheets["transfers"].values.equals(before)


def test_without_metadata_or_sheet_names_the_template_is_found_by_headers(allocations):
    before = transfers(allocations)

    def strip(book):
        book.remove(book["_meta"])
        book["รับโอน"].title = "Sheet1"
        book["จัดสรร"].title = "Sheet2"
    rewrite(allocations, strip)
    parsed = parse_workbook(allocations)
    assert parsed.template.key == "allocations" and parsed.findings == []
    assert {k: s.data.name for k, s in parsed.sheets.items()} == {"transfers": "Sheet1", "allocations": "Sheet2"}
    assert parsed.sheets["transfers"].values.equals(before)


def test_columns_are_found_by_header_in_any_order_and_spelling(allocations):
    before = transfers(allocations)

    def shuffle(book):
        ws = book["รับโอน"]
        ws.move_range("A1:A3", cols=9)  # cost centre moves from A to J
        ws["J1"] = "  Cost centre\n code "  # English only, odd spacing and a line break
        ws["H1"] = "จำนวนเงิน  (บาท)"  # Thai only, doubled space
        ws["B1"] = "transfer_no"  # the column key
        ws.insert_rows(1)  # a title row above the header
        ws["A1"] = "รายการรับโอน ปีงบประมาณ 2569"
    rewrite(allocations, shuffle)
    parsed = parse_workbook(allocations)
    after = parsed.sheets["transfers"]
    assert after.data.letters["cost_center"] == "J" and after.data.header_row == 2
    assert after.values.reset_index(drop=True).equals(before.reset_index(drop=True))
    assert after.values.index.tolist() == [3, 4]  # Excel rows shift with the title row
    assert not [f for f in parsed.findings if f.rule in ("S01", "S02")]


def test_blank_rows_and_columns_before_the_table_keep_excel_cell_references(allocations, reference):
    before = transfers(allocations)

    def shift(book):
        ws = book["รับโอน"]
        ws.insert_cols(1)  # column A left empty
        ws.insert_rows(1, 2)  # two empty rows above the header
        ws["I4"] = "หนึ่งพัน"  # the amount of the first transfer, as words
    rewrite(allocations, shift)
    parsed = parse_workbook(allocations)
    after = parsed.sheets["transfers"]
    assert (after.data.letters["cost_center"], after.data.header_row) == ("B", 3)
    assert after.values.index.tolist() == [4, 5]
    assert after.values.drop(columns="amount").reset_index(drop=True).equals(
        before.drop(columns="amount").reset_index(drop=True))
    assert [(f.rule, f.cell, f.value) for f in parsed.findings] == [("S05", "I4", "หนึ่งพัน")]


def test_an_old_template_version_is_refused_naming_the_version_to_download(allocations):
    rewrite(allocations, lambda b: b["_meta"].cell(2, 2, "0"))
    with pytest.raises(Unreadable) as refused:
        parse_workbook(allocations)
    assert refused.value.reason == "old_version"
    assert "รุ่น 1" in refused.value.message_th and "download version 1" in refused.value.message_en


def test_a_newer_template_version_is_refused(allocations):
    rewrite(allocations, lambda b: b["_meta"].cell(2, 2, "7"))
    with pytest.raises(Unreadable) as refused:
        parse_workbook(allocations)
    assert refused.value.reason == "newer_version" and "newer" in refused.value.message_en


def test_an_unknown_template_id_is_refused(allocations):
    rewrite(allocations, lambda b: b["_meta"].cell(1, 2, "budget_2020"))
    with pytest.raises(Unreadable) as refused:
        parse_workbook(allocations)
    assert "budget_2020" in refused.value.message_en and "budget_2020" in refused.value.message_th


def test_a_workbook_of_unrelated_sheets_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["ชื่อ", "ที่อยู่"])
    book.save(path)
    with pytest.raises(Unreadable) as refused:
        parse_workbook(path)
    assert "not one of the standard templates" in refused.value.message_en


def test_merged_cells_in_the_table_are_reported_and_the_values_still_read(allocations, reference):
    """Merged cells keep their value in the top-left cell only, so the other rows would read as blank while the
    user sees the value: each row needs its own (S14, an error), even in an optional note column."""
    def merge(book):
        book["รับโอน"].merge_cells("I2:I3")
        book["รับโอน"]["I2"] = "งวดแรก"
    rewrite(allocations, merge)
    report = validate([allocations], reference, as_of=AS_OF)
    assert [(f.rule, f.cell) for f in report.files[0].findings] == [("S14", "I2:I3")]
    note = report.files[0].parsed.sheets["transfers"].values["note"]
    assert note.iat[0] == "งวดแรก" and pd.isna(note.iat[1])


def test_column_letters_are_excels():
    from domain.findings import column_letter

    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA", "XFD"]


TOTAL_POOL = ["", "", "รวม", "Total", " (รวม)", "GRAND TOTAL", "รวมทั้งสิ้น", "x", "รวมค่าวัสดุ", "0012", "total cost"]


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOTAL_POOL), min_size=4, max_size=4), max_size=40),
       st.sets(st.integers(0, 3), min_size=1))
def test_a_total_row_is_the_one_whose_first_non_blank_cell_says_so(rows, template_columns):
    body = pa.RecordBatch.from_arrays([pa.array([r[i] for r in rows], pa.string()) for i in range(4)],
                                      names=list("abcd"))
    kept = []
    for r in rows:
        filled = any(r[i] for i in template_columns)
        first = next((v for v in r if v), "")
        kept.append(filled and not fold(first).startswith(("รวม", "total", "grandtotal")))
    assert kept_rows(body, sorted(template_columns)).tolist() == kept
