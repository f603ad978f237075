"""Thai typed in another order or decomposed is what it looks like: as a choice, a code, a name, a header, a
sheet name, a province asked for, and an edit written back; what is stored is the canonical spelling."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from mini_year import AS_OF, U1, U2, mini_year
from pythainlp.util import normalize  # the oracle (a test dependency only: README, "Libraries and why")
from test_rules import check, write_year

from domain.text import canonical
from importer.parse import parse_workbook
from reports.params import resolve_province
from review.editor import editor_frame, edits_from_state
from services.edits import write_edited
from templates import TEMPLATES
from validators.validate import validate

FIELD = Path(__file__).parent / "field_cases"
TONES = "\u0e48-\u0e4b"
VOWELS = "\u0e31\u0e34-\u0e39"  # above and below vowels


# Ways the same visible text arrives, as keyboards, PDF copies and input methods type it.
def decomposed_am(text: str) -> str:
    """SARA AM as NIKHAHIT + SARA AA, a tone mark before them staying there (น้ํา)."""
    return text.replace("\u0e33", "\u0e4d\u0e32")


def decomposed_am_tone_inside(text: str) -> str:
    """SARA AM as NIKHAHIT + SARA AA with the tone mark between them (นํ้า), as text copied from a PDF has it."""
    return re.sub(f"([{TONES}]?)\u0e33", "\u0e4d\\1\u0e32", text)


def tone_first(text: str) -> str:
    """The tone mark typed before the vowel it sits on."""
    return re.sub(f"([{VOWELS}])([{TONES}\u0e4c])", r"\2\1", text)


def doubled_marks(text: str) -> str:
    """Every tone mark and above vowel typed twice (they print over themselves)."""
    return re.sub(f"([{TONES}\u0e31\u0e34-\u0e37])", r"\1\1", text)


def two_sara_e(text: str) -> str:
    return text.replace("\u0e41", "\u0e40\u0e40")


def all_at_once(text: str) -> str:
    return two_sara_e(doubled_marks(tone_first(decomposed_am(text))))


SPELLINGS = [decomposed_am, decomposed_am_tone_inside, tone_first, doubled_marks, two_sara_e, all_at_once]


@pytest.mark.parametrize("spell", SPELLINGS)
@pytest.mark.parametrize("text", ["กำลังดำเนินการ", "น้ำ", "ยังไม่เริ่ม", "เสร็จสิ้น", "แผนงานที่ ๑", "หนองบัวลำภู",
                                  "ค่าอาหาร", "ผลตัวชี้วัด", "การ์ด"])
def test_every_spelling_that_renders_alike_is_canonical(spell, text):
    assert canonical(text) == text  # what a Thai keyboard types is left as it is
    assert canonical(spell(text)) == text


@pytest.mark.parametrize("text", ["นานาาา", "กา่", "่ก", "กๅ", "พ ุ่ม", "ก่้", "abc", "e\u0301t\u00e9", ""])
def test_what_looks_different_is_left_as_typed(text):
    """A repeated spacing vowel, a mark after a spacing vowel or standing alone, LAKKHANGYAO and a space
    show on screen: they are the user's to fix, not ours to guess (PyThaiNLP's normaliser changes them)."""
    assert canonical(text) == (text if text != "e\u0301t\u00e9" else "\u00e9t\u00e9")


_CONSONANTS = "กขคงจชซดตถทนบปผพฟมยรลวสหอฮ"
TONES_LIST = ["\u0e48", "\u0e49", "\u0e4a", "\u0e4b"]
_SYLLABLES = st.one_of(
    # a vowel and a tone mark in any order, each typed up to three times (identical marks print over themselves)
    st.tuples(st.sampled_from(_CONSONANTS), st.sampled_from("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"),
              st.sampled_from(TONES_LIST), st.integers(0, 3), st.integers(0, 3))
    .flatmap(lambda t: st.permutations([t[1]] * t[3] + [t[2]] * t[4]).map(lambda marks: t[0] + "".join(marks))),
    # SARA AM composed or as NIKHAHIT + SARA AA, a tone mark on either side of the NIKHAHIT or none
    st.tuples(st.sampled_from(_CONSONANTS), st.sampled_from(["", *TONES_LIST]),
              st.sampled_from(["{t}\u0e33", "\u0e4d{t}\u0e32", "{t}\u0e4d\u0e32"]))
    .map(lambda t: t[0] + t[2].format(t=t[1])),
    st.sampled_from(_CONSONANTS).map(lambda c: "\u0e40\u0e40" + c),  # two SARA E for SARA AE
    st.sampled_from(_CONSONANTS),
)


@given(st.lists(_SYLLABLES, min_size=1, max_size=6).map("".join))
@example("กก่ั่ั่ั")  # a vowel and a tone mark typed three times in turn: three passes of the rules (CI, session 11)
def test_canonical_agrees_with_pythainlp_where_both_apply(text):
    """On every sequence that renders alike, our spelling is PyThaiNLP's (its rules applied until they change
    nothing: one pass leaves ก่ั่ั as กั่ั่); and canonical text stays put."""
    settled = text
    while normalize(settled) != settled:
        settled = normalize(settled)
    assert canonical(text) == settled
    assert canonical(canonical(text)) == canonical(text)


def test_the_spec_and_the_reference_data_are_spelled_canonically(reference):
    """What typed text is compared with (headers, sheet names, choices, codes, names) is itself canonical."""
    texts = set()
    for template in TEMPLATES.values():
        for sheet in template.sheets:
            texts |= {sheet.name, sheet.th, sheet.en}
            for col in sheet.columns:
                texts |= {col.th, col.en, *col.choices}
    for table in reference.tables.values():
        for column in table.columns:
            texts |= {v for v in table[column].dropna() if isinstance(v, str)}
    assert {t for t in texts if canonical(t) != t} == set()


def test_field_case_07_a_status_with_sara_am_decomposed_is_the_choice_it_looks_like(reference):
    """Validated with the allocations and projects it refers to: no S07, and the status stored as it looks."""
    files = [FIELD / "inputs-allocations.xlsx", FIELD / "inputs-projects.xlsx", FIELD / "status-decomposed.xlsx"]
    report = validate(files, reference, as_of=dt.date(2026, 9, 30))
    assert report.errors == 0 and not [f for fr in report.files for f in fr.findings if f.rule == "S07"]
    results = report.files[2].parsed.sheets["activity_results"]
    assert results.data.frame.loc[3, "status"] == "\u0e01\u0e4d\u0e32ลังด\u0e4d\u0e32เนินการ"  # as typed in D3
    assert results.values.loc[3, "status"] == "กำลังดำเนินการ"  # as stored


def statuses(spell):
    def change(y):
        y["outputs"]["activity_results"] = pd.DataFrame([
            dict(project_code="P1", activity_no=1, quarter=1, status=spell("เสร็จสิ้น"), result=100),
            dict(project_code="P1", activity_no=2, quarter=1, status=spell("กำลังดำเนินการ"), result=10,
                 result_note=spell("ทำแล้วครึ่งหนึ่ง")),
            dict(project_code="P2", activity_no=1, quarter=1, status=spell("ยังไม่เริ่ม"), result=0),
        ], dtype=object)
        y["disbursements"]["payments"].loc[0, "kind"] = spell("เบิกจ่าย")
        y["projects"]["projects"].loc[1, "project_name"] = spell("ลดการตายมารดาและน้ำหนักแรกเกิดต่ำ")
    return change


@pytest.mark.parametrize("spell", SPELLINGS)
def test_choices_and_names_read_as_they_look_and_are_stored_canonically(tmp_path, reference, spell):
    report = check(tmp_path, reference, statuses(spell))
    assert [(f.rule, f.cell, f.value) for fr in report.files for f in fr.findings] == []
    parsed = {fr.parsed.template.key: fr.parsed for fr in report.files}
    results = parsed["outputs"].sheets["activity_results"].values
    assert results["status"].tolist() == ["เสร็จสิ้น", "กำลังดำเนินการ", "ยังไม่เริ่ม"]
    assert results.loc[3, "result_note"] == "ทำแล้วครึ่งหนึ่ง"
    assert parsed["disbursements"].sheets["payments"].values.loc[2, "kind"] == "เบิกจ่าย"
    assert parsed["projects"].sheets["projects"].values.loc[3, "project_name"] == "ลดการตายมารดาและน้ำหนักแรกเกิดต่ำ"


def test_a_code_typed_in_two_spellings_is_one_code(tmp_path, reference):
    """A transfer number with Thai letters, decomposed where it is referred to: one transfer, no B11."""
    number = "ลำภู 0131/2569/๑"

    def change(y):
        for sheet, column in (("transfers", "transfer_no"), ("allocations", "transfer_no")):
            frame = y["allocations"][sheet]
            frame[column] = frame[column].replace("T1", number if sheet == "transfers" else decomposed_am(number))
        y["projects"]["funding"]["transfer_no"] = y["projects"]["funding"]["transfer_no"].replace(
            "T1", tone_first(decomposed_am_tone_inside(number)))
        y["projects"]["activities"]["source_transfer_no"] = y["projects"]["activities"][
            "source_transfer_no"].replace("T1", decomposed_am(number))
    report = check(tmp_path, reference, change)  # one transfer: no B11, and B01 sums its allocations together
    assert [(f.rule, f.cell) for fr in report.files for f in fr.findings] == []
    stored = report.files[0].parsed.sheets["allocations"].values["transfer_no"]
    assert stored.tolist() == ["ลำภู 0131/2569/1", "ลำภู 0131/2569/1", "T2"]


def test_headers_and_sheet_names_typed_in_another_spelling_are_found(tmp_path, reference):
    [path] = write_year(tmp_path, reference, {"outputs": mini_year()["outputs"]})
    book = openpyxl.load_workbook(path)
    book.remove(book["_meta"])  # found by sheet names and headers alone
    ws = book["ผลตัวชี้วัด"]
    ws.title = tone_first("ผลตัวชี้วัด") + "\u0e49"  # ผลตัวช้ีวัด, the tone typed first and twice
    for cell in ws[1]:
        if cell.value:
            cell.value = all_at_once(cell.value)  # ตัวตั้ง, ผลลัพธ์, หมายเหตุ ...
    for cell in book["ผลกิจกรรม"][1]:
        if cell.value:
            cell.value = decomposed_am_tone_inside(cell.value)  # ลำดับกิจกรรม
    book.save(path)
    parsed = parse_workbook(path)
    assert parsed.template.key == "outputs"
    assert [(f.rule, f.sheet, f.cell) for f in parsed.findings] == []
    kpi = parsed.sheets["kpi_results"]
    assert kpi.data.name == ws.title and kpi.values.loc[2, "numerator"] == 85


@pytest.mark.parametrize("spell", [decomposed_am, decomposed_am_tone_inside, doubled_marks])
def test_a_province_asked_for_in_another_spelling(reference, spell):
    assert resolve_province(reference, spell("จังหวัดหนองบัวลำภู")).code == "39"


def test_what_the_editor_writes_back_is_canonical(tmp_path, reference):
    year = mini_year()
    [path] = write_year(tmp_path, reference, {"allocations": year["allocations"]})
    report = validate([path], reference, as_of=AS_OF).files[0]
    shown = editor_frame(report.parsed.sheets["allocations"], report.findings)
    state = {"edited_rows": {0: {"note": all_at_once("โอนซ้ำ แก้ไขแล้ว น้ำท่วม")}}}
    [edit] = edits_from_state(state, shown, "allocations")
    assert edit.new == "โอนซ้ำ แก้ไขแล้ว น้ำท่วม"  # the audit trail says what the user sees
    out = write_edited(report.parsed, [edit], reference, tmp_path / "edited" / path.name)
    with_note = parse_workbook(out).sheets["allocations"].values
    assert with_note.loc[edit.row, "note"] == "โอนซ้ำ แก้ไขแล้ว น้ำท่วม"
    assert {U1, U2} <= set(with_note["unit_code"])
