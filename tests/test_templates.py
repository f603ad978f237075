"""The built workbooks against the spec: every sheet, header, dropdown, format and the metadata."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from domain.fiscal import FISCAL_MONTH_ORDER, fiscal_year_bounds, month_label
from templates import TEMPLATES, UNIT_TEMPLATES
from templates.catalog import SHEETS, links
from templates.workbook import DATA_ROWS, INSTRUCTIONS, LISTS, META, NUMBER_FORMATS, build_workbook

NONG_BUA = "2100200131"  # สสจ.หนองบัวลำภู, seed 000


def test_sheet_keys_are_unique_across_templates():
    keys = [s.key for t in TEMPLATES.values() for s in t.sheets]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("key", SHEETS)
def test_sheet_is_well_formed(key):
    _, sheet = SHEETS[key]
    assert len(sheet.keys) == len(set(sheet.keys)), "column keys repeat"
    assert set(sheet.primary_key) <= set(sheet.keys)
    assert len(sheet.name) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet.name)
    for link in links(sheet):
        assert set(link.fields) <= set(sheet.keys)
        assert set(link.target_fields) <= set(link.target.primary_key)


def list_values(book, formula: str) -> list[str]:
    """The values a dropdown offers, read from the range its formula names."""
    sheet, ref = formula.lstrip("=").split("!")
    ws = book[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row if c.value is not None]


def validation_for(ws, column_index: int):
    letter = get_column_letter(column_index + 1)
    hits = [dv for dv in ws.data_validations.dataValidation if f"{letter}2:{letter}{DATA_ROWS + 1}" in str(dv.sqref)]
    assert len(hits) == 1, f"{ws.title}!{letter} has {len(hits)} validations"
    return hits[0]


def column_dimension(ws, column_index: int):
    """The <col> entry covering a column (openpyxl keeps runs of alike columns as one)."""
    return next(d for d in ws.column_dimensions.values() if d.min <= column_index + 1 <= d.max)


@pytest.fixture(scope="module")
def built(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("templates")
    return {t.key: build_workbook(t, folder / f"{t.key}.xlsx", reference) for t in TEMPLATES.values()}


@pytest.mark.parametrize("key", TEMPLATES)
def test_workbook_matches_spec(built, reference, key):
    template = TEMPLATES[key]
    book = openpyxl.load_workbook(built[key])
    assert book.sheetnames == [INSTRUCTIONS, *(s.name for s in template.sheets), LISTS, META]
    assert book[LISTS].sheet_state == "hidden" and book[LISTS].protection.sheet
    assert book[META].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in book[META].iter_rows(values_only=True)}
    assert meta["template"] == key and meta["template_version"] == str(template.version)
    assert "cost_center" not in meta and "fiscal_year" not in meta

    for sheet in template.sheets:
        ws = book[sheet.name]
        assert ws.freeze_panes == "A2"
        assert ws.protection.sheet and ws.protection.insertRows is False  # False = allowed in OOXML
        for i, col in enumerate(sheet.columns):
            head = ws.cell(1, i + 1)
            assert head.value == f"{col.th}\n{col.en}"
            assert head.protection.locked
            dim = column_dimension(ws, i)
            assert dim.number_format == NUMBER_FORMATS[col.type]
            assert dim.protection.locked is False
            dv = validation_for(ws, i)
            assert dv.promptTitle == col.en[:32] and dv.prompt
            if col.choices:
                assert dv.type == "list" and list_values(book, dv.formula1) == list(col.choices)
                assert dv.errorStyle in (None, "stop")
            elif col.type == "month":
                assert list_values(book, dv.formula1) == [month_label(m) for m in FISCAL_MONTH_ORDER]
            elif col.codes:
                assert dv.type == "list"
                offered = list_values(book, dv.formula1)
                assert [v.split(" ", 1)[0] for v in offered] == reference.codes(col.codes)
            elif col.type == "money":
                assert dv.type == "decimal" and float(dv.formula1) == 0
            elif col.type == "date":
                assert dv.type == "date"


def test_dropdown_on_a_key_of_another_sheet_points_at_that_column(built):
    book = openpyxl.load_workbook(built["projects"])
    dv = validation_for(book["กิจกรรม"], 0)  # activities.project_code -> projects.project_code (column B)
    assert dv.type == "list" and dv.formula1 == f"'โครงการ'!$B$2:$B${DATA_ROWS + 1}"


def test_instructions_list_every_column(built):
    book = openpyxl.load_workbook(built["disbursements"])
    text = {c.value for row in book[INSTRUCTIONS].iter_rows() for c in row if c.value}
    for sheet in TEMPLATES["disbursements"].sheets:
        for col in sheet.columns:
            assert col.th in text and col.en in text


def test_personalised_template(tmp_path, reference):
    path = build_workbook(TEMPLATES["allocations"], tmp_path / "a.xlsx", reference,
                          fiscal_year=2569, cost_center=NONG_BUA)
    book = openpyxl.load_workbook(path)
    meta = {row[0]: row[1] for row in book[META].iter_rows(values_only=True)}
    assert meta["cost_center"] == NONG_BUA and meta["fiscal_year"] == "2569"

    ws = book["จัดสรร"]
    units = [v.split(" ", 1)[0] for v in list_values(book, validation_for(ws, 1).formula1)]
    expected = reference["units"].loc[reference["units"]["cost_center"] == NONG_BUA, "unit_code"].tolist()
    assert units == expected and units
    centres = list_values(book, validation_for(book["รับโอน"], 0).formula1)
    assert [c.split(" ", 1)[0] for c in centres] == [NONG_BUA]

    dv = validation_for(book["รับโอน"], 2)  # transfer_date: bounded by the fiscal year
    start, end = fiscal_year_bounds(2569)
    epoch = dt.date(1899, 12, 30)
    assert (float(dv.formula1), float(dv.formula2)) == ((start - epoch).days, (end - epoch).days)
    facts = " ".join(str(c.value) for row in book[INSTRUCTIONS].iter_rows(max_row=8) for c in row if c.value)
    assert NONG_BUA in facts and "2569" in facts


def test_filled_workbook_writes_values_by_type(tmp_path, reference):
    import pandas as pd

    rows = pd.DataFrame([{"cost_center": NONG_BUA, "month": 10, "installment_money": 1234.5, "disbursed": 0}])
    path = build_workbook(TEMPLATES["gfmis"], tmp_path / "g.xlsx", reference, data={"gfmis": rows})
    ws = openpyxl.load_workbook(path)["GFMIS รายเดือน"]
    assert [c.value for c in ws[2]] == [NONG_BUA, "ต.ค.", 1234.5, 0]
    assert ws["A2"].data_type == "s"  # codes stay text, leading zeros and all


def test_unit_templates_are_the_five_of_the_issue_and_hospital_finance():
    assert [t.key for t in UNIT_TEMPLATES] == ["allocations", "projects", "disbursements", "outputs", "gfmis",
                                               "hospital_finance"]
