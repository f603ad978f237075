import functools
import math
from datetime import date, datetime, time
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.fiscal import format_be_date, format_thai_date
from importer import normalise
from importer.normalise import (
    NormaliseError,
    clean_text,
    normalise_column,
    parse_choice,
    parse_code,
    parse_date,
    parse_integer,
    parse_month,
    parse_number,
    parse_quarter,
)
from templates.spec import PANDAS_DTYPES

PARSERS = {
    "text": clean_text,
    "code": parse_code,
    "number": parse_number,
    "money": parse_number,
    "integer": parse_integer,
    "date": parse_date,
    "month": parse_month,
    "quarter": parse_quarter,
}
BLANKS = [None, "", "   ", "\u00a0", "\u200b", float("nan"), pd.NA, pd.NaT]


def assert_refused(parse, value, th, en):
    """``parse(value)`` fails, saying what is wrong in both languages."""
    with pytest.raises(NormaliseError) as caught:
        parse(value)
    assert th in caught.value.message_th
    assert en in caught.value.message_en


def test_error_carries_both_languages():
    error = NormaliseError("ไม่ใช่ตัวเลข", "not a number")
    assert isinstance(error, ValueError)
    assert (error.message_th, error.message_en, str(error)) == ("ไม่ใช่ตัวเลข", "not a number",
                                                                "ไม่ใช่ตัวเลข / not a number")


@pytest.mark.parametrize("parse", PARSERS.values())
@pytest.mark.parametrize("blank", BLANKS)
def test_blank_cells_are_none(parse, blank):
    assert parse(blank) is None


# ---- text and codes


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("  สสจ.\u00a0หนองบัวลำภู  ", "สสจ. หนองบัวลำภู"),
        ("รพ.\u200bตรัง\ufeff", "รพ.ตรัง"),
        ("ค่า\u2060ใช้จ่าย  \t เดินทาง", "ค่าใช้จ่าย เดินทาง"),
        ("บรรทัดแรก \r\n\r\n  บรรทัดสอง", "บรรทัดแรก\nบรรทัดสอง"),
        (10683.0, "10683"),
        (12.5, "12.5"),
        (7, "7"),
        (True, "TRUE"),
        (datetime(2026, 2, 2), "2026-02-02"),
        (date(2026, 2, 2), "2026-02-02"),
    ],
)
def test_clean_text(cell, text):
    assert clean_text(cell) == text


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("๑๐๖๘๓", "10683"),
        (1234567890.0, "1234567890"),
        (2100200131, "2100200131"),
        ("0001", "0001"),
        (" N4504\u00a0", "N4504"),
        ("0000000001", "0000000001"),
        ("93900\u201169\u201102", "93900-69-02"),  # non-breaking hyphens, as Word puts them
        ("P\u2013๐๑", "P-01"),  # an en dash and Thai digits
    ],
)
def test_parse_code(cell, code):
    assert parse_code(cell) == code


@pytest.mark.parametrize("cell", [True, date(2026, 2, 2), time(8, 30)])
def test_parse_code_refuses_what_is_not_a_code(cell):
    assert_refused(parse_code, cell, "ไม่ใช่รหัส", "not a code")


def test_parse_code_refuses_a_long_code_excel_rounded():
    # a 16-digit output code typed as a number: Excel kept 15 digits
    assert_refused(parse_code, 2100200131000010.0, "15 หลัก", "more than 15 digits")


# ---- numbers


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (1234.5, 1234.5),
        (7, 7.0),
        (np.float64(2.25), 2.25),
        ("1234.5", 1234.5),
        ("1,234.50", 1234.5),
        ("1,234,567", 1234567.0),
        (" 12 ", 12.0),
        ("๑,๒๓๔.๕๐", 1234.5),
        ("-", 0.0),
        ("–", 0.0),
        (" - ", 0.0),
        ("(1,234.00)", -1234.0),
        ("( 1,234.00 )", -1234.0),
        ("- 1,234.00", -1234.0),
        ("−1,234", -1234.0),
        ("-1,234", -1234.0),
        ("+1,234", 1234.0),
        ("1,234.50 บาท", 1234.5),
        ("1,500.-", 1500.0),
        ("1,500.- บาท", 1500.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("0001", 1.0),
    ],
)
def test_parse_number(cell, number):
    assert parse_number(cell) == number


@pytest.mark.parametrize(
    ("cell", "th", "en"),
    [
        ("abc", "ไม่ใช่ตัวเลข", "not a number"),
        ("รอเบิก", "ไม่ใช่ตัวเลข", "not a number"),
        ("บาท", "ไม่ใช่ตัวเลข", "not a number"),
        ("1 234", "ไม่ใช่ตัวเลข", "not a number"),
        ("1e5", "ไม่ใช่ตัวเลข", "not a number"),
        ("(-5)", "ไม่ใช่ตัวเลข", "not a number"),
        ("nan", "ไม่ใช่ตัวเลข", "not a number"),
        (float("inf"), "ไม่ใช่ตัวเลข", "not a number"),
        (True, "ไม่ใช่ตัวเลข", "not a number"),
        (date(2026, 2, 2), "ไม่ใช่ตัวเลข", "not a number"),
        ("1234,50", "จุลภาค", "misplaced comma"),
        ("1,2345", "จุลภาค", "misplaced comma"),
        ("12,34,567", "จุลภาค", "misplaced comma"),
        ("75%", "%", "leave out the %"),
    ],
)
def test_parse_number_refuses(cell, th, en):
    assert_refused(parse_number, cell, th, en)


@pytest.mark.parametrize(("cell", "number"), [(12.0, 12), ("1,234", 1234), ("(5)", -5), ("-", 0), ("๑๒", 12)])
def test_parse_integer(cell, number):
    assert parse_integer(cell) == number
    assert type(parse_integer(cell)) is int


@pytest.mark.parametrize("cell", [1.5, "1,234.50", 1e15])
def test_parse_integer_refuses_fractions(cell):
    assert_refused(parse_integer, cell, "จำนวนเต็ม", "not a whole number")


def test_parse_integer_says_when_it_is_no_number_at_all():
    assert_refused(parse_integer, "สิบ", "ไม่ใช่ตัวเลข", "not a number")
    assert_refused(parse_integer, "สิบ", "เช่น 1,234", "e.g. 1,234")  # a whole number's example
    with pytest.raises(NormaliseError) as caught:
        parse_integer("สิบ")
    assert "1,234.50" not in caught.value.message_en + caught.value.message_th  # not an amount's


# ---- dates

FEB_2 = date(2026, 2, 2)


@pytest.mark.parametrize(
    "cell",
    [
        datetime(2026, 2, 2),
        datetime(2026, 2, 2, 13, 5),
        FEB_2,
        datetime(2569, 2, 2),  # 2/2/2569 typed into a date cell: Excel keeps 2569 as a CE year
        46055.0,  # Excel serial
        46055,
        46055.75,
        "46055",  # a serial read as text by fastexcel
        "2026-02-02",
        "2026-02-02 00:00:00",
        "2026-02-02T13:05:00",
        "2569-02-02",
        "2/2/2569",
        "02/02/2569",
        "2-2-2569",
        "2.2.2569",
        "2/2/2026",
        "2/2/69",
        " 2/2/2569 ",
        "๒/๒/๒๕๖๙",
        "2 ก.พ. 2569",
        "2 ก.พ. 69",
        "2 ก.พ.2569",
        "2 กพ 2569",
        "2 กุมภาพันธ์ 2569",
        "2 กุมภา 2569",
        "๒ กุมภาพันธ์ ๒๕๖๙",
        "วันที่ 2 ก.พ. 2569",
        "วันที่ 2/2/2569",
        "2 ก.พ. พ.ศ. 2569",
        "2 Feb 2026",
        "2 February 2026",
        "2-Feb-2026",
    ],
)
def test_parse_date(cell):
    assert parse_date(cell) == FEB_2


def test_two_digit_and_be_years_around_a_leap_day():
    assert parse_date("29/2/2567") == date(2024, 2, 29)
    assert parse_date("29 ก.พ. 67") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("cell", "th", "en"),
    [
        ("31/2/2569", "ไม่มีวันที่ 31 เดือนกุมภาพันธ์ 2569 (มี 28 วัน)", "no day 31 in February 2569 (it has 28 days)"),
        ("29/2/2568", "ไม่มีวันที่ 29 เดือนกุมภาพันธ์ 2568", "no day 29 in February 2568"),
        # Excel accepts 29/2/2568 as a date because CE 2568 is a leap year; BE 2568 is not.
        (datetime(2568, 2, 29), "ไม่มีวันที่ 29 เดือนกุมภาพันธ์ 2568", "no day 29 in February 2568"),
        ("31 เม.ย. 2569", "ไม่มีวันที่ 31 เดือนเมษายน 2569 (มี 30 วัน)", "no day 31 in April 2569"),
        ("0/1/2569", "ไม่มีวันที่ 0", "no day 0"),
        ("1/13/2569", "ไม่มีเดือนที่ 13", "there is no month 13"),
        ("2/2/1500", "ปี 1500 อยู่นอกช่วง", "year 1500 is out of range"),
        # a date cell of 5 January 1900 (a day number typed into a date cell), as the reader renders it: said in BE
        ("1900-01-05 00:00:00", "วันที่ 5/1/2443 อยู่นอกช่วงที่รับได้", "the date 5/1/2443 (BE) is out of range"),
        ("1899-12-31 08:30:00", "เป็นเวลา", "a time of day"),  # a time-of-day cell as the reader renders it
        (2569.0, "ตัวเลข 2569 ไม่ใช่วันที่", "the number 2569 is not a date"),
        ("2569", "ตัวเลข 2569 ไม่ใช่วันที่", "the number 2569 is not a date"),
        (15.0, "ตัวเลข 15 ไม่ใช่วันที่", "the number 15 is not a date"),
        (time(8, 30), "เป็นเวลา ไม่ใช่วันที่", "a time of day, not a date"),
        ("abc", "ไม่ใช่วันที่ที่อ่านได้ ให้พิมพ์เป็น 15/11/2568", "not a readable date; type it as 15/11/2568"),
        ("2 ตุลาคา 2569", "ไม่ใช่วันที่ที่อ่านได้", "not a readable date"),
        ("Feb 2, 2026", "ไม่ใช่วันที่ที่อ่านได้", "not a readable date"),
        ("2/2", "ไม่ใช่วันที่ที่อ่านได้", "not a readable date"),
        (True, "ไม่ใช่วันที่ที่อ่านได้", "not a readable date"),
    ],
)
def test_parse_date_refuses(cell, th, en):
    assert_refused(parse_date, cell, th, en)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2400, 12, 31)), st.booleans(), st.booleans())
def test_dates_written_the_thai_way_read_back(day, abbr, thai_digits):
    assert parse_date(format_be_date(day)) == day
    assert parse_date(format_thai_date(day, abbr=abbr, thai_digits=thai_digits)) == day


# ---- months, quarters, choices


@pytest.mark.parametrize(
    "cell",
    [
        10,
        10.0,
        "10",
        "๑๐",
        "ต.ค.",
        "ตค",
        "ต.ค",
        "ต. ค.",
        "ตุลาคม",
        "ตุลา",
        "Oct",
        "oct.",
        "OCTOBER",
        "ต.ค. 68",
        "ต.ค. 2568",
        "ต.ค.2568",
        date(2025, 10, 5),
        datetime(2025, 10, 5),
        "2025-10-05 00:00:00",
        "5 ต.ค. 2568",
    ],
)
def test_parse_month(cell):
    assert parse_month(cell) == 10


def test_parse_month_knows_every_thai_abbreviation():
    abbrs = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
    assert [parse_month(a) for a in abbrs] == list(range(1, 13))
    assert parse_month("Sept") == 9


@pytest.mark.parametrize("cell", [0, 13, 13.0, 1.5, "13", "1.0", "abc", "Q1", 46055.0, "46055", True, time(8, 30)])
def test_parse_month_refuses(cell):
    assert_refused(parse_month, cell, "ไม่ใช่เดือนที่อ่านได้", "not a readable month")


@pytest.mark.parametrize(
    ("cell", "quarter"),
    [
        (1, 1),
        (1.0, 1),
        ("1", 1),
        ("Q1", 1),
        ("q 2", 2),
        ("ไตรมาส 3", 3),
        ("ไตรมาสที่ 4", 4),
        ("ไตรมาสที่ ๒", 2),
        ("๔", 4),
    ],
)
def test_parse_quarter(cell, quarter):
    assert parse_quarter(cell) == quarter


@pytest.mark.parametrize("cell", [0, 5, 1.5, "Q5", "ไตรมาส", "Q1/2569", True, date(2026, 2, 2)])
def test_parse_quarter_refuses(cell):
    assert_refused(parse_quarter, cell, "ไม่ใช่ไตรมาสที่อ่านได้ ให้พิมพ์ 1, 2, 3 หรือ 4", "type 1, 2, 3 or 4")


LEVELS = ("A", "S", "M1", "M2", "F1", "F2", "F3")
EXPENSES = ("งบบุคลากร", "งบดำเนินงาน", "งวดที่ 1")


@pytest.mark.parametrize(
    ("cell", "choices", "choice"),
    [
        ("M1", LEVELS, "M1"),
        ("m1", LEVELS, "M1"),
        (" M 1 ", LEVELS, "M1"),
        ("งบดำเนินงาน\u00a0", EXPENSES, "งบดำเนินงาน"),
        ("งวดที่ ๑", EXPENSES, "งวดที่ 1"),
        ("งวดที่1", EXPENSES, "งวดที่ 1"),
    ],
)
def test_parse_choice(cell, choices, choice):
    assert parse_choice(cell, choices) == choice


def test_parse_choice_lists_what_may_be_chosen():
    parse = functools.partial(parse_choice, choices=LEVELS)
    assert_refused(parse, "M3", "ให้เลือกหนึ่งใน: A, S, M1", "choose one of: A, S, M1, M2, F1, F2, F3")


# ---- normalise_column


def test_normalise_column_types_and_index():
    index = pd.RangeIndex(2, 7)  # Excel row numbers
    cells = pd.Series([1234.5, "(1,234.00)", "", "รอเบิก", "-"], index=index, dtype=object)
    values, errors = normalise_column(cells, "money")
    assert values.dtype == "float64"
    assert values.index.equals(index) and errors.index.equals(index)
    assert values.tolist()[:2] == [1234.5, -1234.0]
    assert math.isnan(values[4]) and math.isnan(values[5])
    assert values[6] == 0.0
    assert errors[5].message_en.startswith("not a number")
    assert errors.drop(5).isna().all()


@pytest.mark.parametrize(
    ("column_type", "cells", "dtype", "expected"),
    [
        ("text", [" รพ.ตรัง ", 5.0, ""], "str", ["รพ.ตรัง", "5", None]),
        ("code", ["๑๐๖๘๓", 2100200131.0, None], "str", ["10683", "2100200131", None]),
        ("integer", ["1,234", 7.0, ""], "Int64", [1234, 7, pd.NA]),
        ("month", ["ต.ค.", 3.0, "กุมภาพันธ์", ""], "Int64", [10, 3, 2, pd.NA]),
        ("quarter", ["Q2", 4.0, "ไตรมาสที่ 1"], "Int64", [2, 4, 1]),
        ("date", [datetime(2026, 2, 2), "2/2/2569", 46055.0, "2 ก.พ. 69", ""], "object", [FEB_2] * 4 + [None]),
    ],
)
def test_normalise_column_values(column_type, cells, dtype, expected):
    values, errors = normalise_column(pd.Series(cells, dtype=object), column_type)
    assert values.dtype == dtype
    assert values.astype(object).where(values.notna(), None).tolist() == [None if e is pd.NA else e for e in expected]
    assert errors.isna().all()


def test_normalise_column_choice():
    values, errors = normalise_column(pd.Series(["m1", "A", "X", None]), "choice", LEVELS)
    assert values.astype(object).where(values.notna(), None).tolist() == ["M1", "A", None, None]
    assert errors[2].message_en.startswith("not an allowed value")


def test_normalise_column_reads_text_columns_from_fastexcel():
    # fastexcel with string dtypes gives Arrow-backed text and NaN for blank cells
    cells = pd.Series(["1234.5", "1,234.50", None, "(1.00)"], dtype="str")
    values, errors = normalise_column(cells, "money")
    assert values.tolist()[:2] == [1234.5, 1234.5] and values[3] == -1.0 and math.isnan(values[2])
    assert errors.isna().all()


def test_normalise_column_accepts_a_float_column():
    values, errors = normalise_column(pd.Series([1.0, np.nan, 3.5]), "number")
    assert values.tolist()[::2] == [1.0, 3.5] and math.isnan(values[1])
    assert errors.isna().all()


def test_normalise_column_refuses_unknown_types():
    with pytest.raises(ValueError, match="unknown column type"):
        normalise_column(pd.Series([1.0]), "colour")


# Every kind of cell the readers produce, accepted and refused, for every column type.
MIXED = [
    *BLANKS,
    1234.5,
    7,
    -3.0,
    0.0,
    1e15,
    1e300,
    float("inf"),
    True,
    False,
    46055.0,
    2569.0,
    10.0,
    "1,234.50",
    "(1,234.00)",
    "- 1,234.00",
    "−1,234",
    "-",
    "๑,๒๓๔",
    "1,500.- บาท",
    "บาท",  # the unit alone: the number rules strip it to nothing, which is no blank cell
    "1234,50",
    "75%",
    "0001",
    " N4504 ",
    "๑๐๖๘๓",
    "a\u00a0 b\r\n\n c ",
    datetime(2026, 2, 2),
    datetime(2569, 2, 2),
    datetime(2568, 2, 29),
    date(1899, 12, 31),
    time(8, 30),
    "2026-02-02 00:00:00",
    "2/2/2569",
    "2 ก.พ. 69",
    "๒ กุมภาพันธ์ ๒๕๖๙",
    "31/2/2569",
    "46055",
    "ต.ค.",
    "ตค",
    "ตุลาคม",
    "Q1",
    "ไตรมาสที่ ๒",
    "m1",
    "รอเบิก",
    "93900\u201169\u201102",
    "A\u2212\u20131",
]


def per_value(parse, cell):
    try:
        return parse(cell), None
    except NormaliseError as error:
        return None, error.message_en


def column_outcomes(cells, column_type, choices=(), dtype=object):
    """normalise_column's (value, error) per cell, the same by each of its paths: every distinct text
    vectorised, every distinct text one by one, and every cell one by one (a short column). ``dtype``:
    the cells' (object, or "str" as the reader gives text: Arrow-backed, NaN for a blank)."""
    paths = []
    for small_column, direct_cells in ((0, -1), (10**9, -1), (0, 10**9)):
        with (mock.patch.object(normalise, "SMALL_COLUMN", small_column),
              mock.patch.object(normalise, "DIRECT_CELLS", direct_cells)):
            values, errors = normalise_column(pd.Series(cells, dtype=dtype), column_type, choices)
        assert values.dtype == PANDAS_DTYPES[column_type] and list(values.index) == list(range(len(cells)))
        values = values.astype(object).where(values.notna(), None)
        paths.append([(v, e and e.message_en) for v, e in zip(values, errors, strict=True)])
    assert paths[0] == paths[1] == paths[2]
    return paths[0]


@pytest.mark.parametrize("column_type", [*PARSERS, "choice"])
def test_normalise_column_agrees_with_the_per_value_parsers(column_type):
    parse = PARSERS.get(column_type, functools.partial(parse_choice, choices=LEVELS))
    assert column_outcomes(MIXED, column_type, LEVELS) == [per_value(parse, cell) for cell in MIXED]


CELLS = st.one_of(
    st.sampled_from(MIXED),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.text(alphabet=" ,.-()/%0123456789๐๑๒๓๔๕๖๗๘๙กพตคบาทQ\u00a0\u200b\n", max_size=12),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31)),
)


@settings(deadline=None)  # three paths of up to 30 cells: over 200 ms on a loaded machine
@given(st.lists(CELLS, max_size=30), st.sampled_from([*PARSERS, "choice"]))
def test_no_cell_is_lost_and_both_paths_agree(cells, column_type):
    parse = PARSERS.get(column_type, functools.partial(parse_choice, choices=LEVELS))
    outcomes = column_outcomes(cells, column_type, LEVELS)
    assert outcomes == [per_value(parse, cell) for cell in cells]
    for cell, (value, error) in zip(cells, outcomes, strict=True):
        assert value is None or error is None
        if value is None and error is None:  # only a blank cell may come back empty
            assert clean_text(cell) is None


TEXTS = st.one_of(st.none(), st.sampled_from([c for c in MIXED if isinstance(c, str)]),
                  st.text(alphabet=" ,.-()/%0123456789๐๑๒๓๔๕๖๗๘๙กพตคบาทQ\u00a0\u200b\n", max_size=12))


@settings(deadline=None)
@given(st.lists(TEXTS, max_size=30), st.sampled_from([*PARSERS, "choice"]))
def test_the_readers_arrow_text_reads_as_the_same_text_as_python_strings(cells, column_type):
    # The reader's Arrow text is factorised whole, blanks and all; Python objects after dropping the blanks.
    assert column_outcomes(cells, column_type, LEVELS, dtype="str") == column_outcomes(cells, column_type, LEVELS)


AMOUNT_STYLES = [
    lambda t: t,
    lambda t: f"-{t}",
    lambda t: f"- {t}",
    lambda t: f"−{t}",
    lambda t: f"({t})",
    lambda t: f"{t} บาท",
    lambda t: t.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
]


@given(st.integers(min_value=0, max_value=10**14), st.integers(min_value=0, max_value=len(AMOUNT_STYLES) - 1))
def test_amounts_as_accountants_write_them_read_back(satang, style):
    text = f"{satang // 100:,}.{satang % 100:02d}"
    expected = satang / 100 * (-1 if 1 <= style <= 4 else 1)
    cell = AMOUNT_STYLES[style](text)
    assert parse_number(cell) == expected
    assert normalise_column(pd.Series([cell, text]), "money")[0].tolist() == [expected, satang / 100]


def test_a_long_sheet_typed_two_columns_at_a_time_reads_as_one_typed_column_by_column():
    """A sheet of THREADED_ROWS rows or more has its columns typed on two threads: the same values, dtypes and S05
    findings, in the same order, as typed one column after the other (every kind of column, blanks and bad cells
    among them)."""
    from importer import parse
    from importer.reader import SheetData
    from templates.catalog import SHEETS

    sheet = SHEETS["payments"][1]
    n = 3_000
    cells = {"unit_code": ["10683", " 10683", "๑๐๖๘๓", None], "document_no": [f"D{i:05d}" for i in range(7)],
             "document_date": ["2026-01-15 00:00:00", "15/1/2569", "31/2/2569", None, "2 ก.พ. 69"],
             "project_code": ["P01", "P02 ", "P01"], "activity_no": ["1", "2", "1.5", "x"],
             "kind": ["เบิกจ่าย", "เงินยืม", "อื่น ๆ"], "amount": ["1,234.50", "(10.00)", "1,2345", "-", "บาท", "99"],
             "payee": ["ร้าน ก", "ร้าน\u00a0ข"], "description": ["ค่าวัสดุ", "  ", "x\r\ny"]}
    rows = pd.RangeIndex(2, n + 2, name="row")  # Excel rows, under a header on row 1
    frame = pd.DataFrame({key: pd.Series([values[i % len(values)] for i in range(n)], index=rows, dtype="str")
                          for key, values in cells.items()}, index=rows)
    data = SheetData(sheet, "payments", frame, {key: chr(65 + i) for i, key in enumerate(cells)}, 1)
    with mock.patch.object(parse, "THREADED_ROWS", 10**9):
        one_by_one, found_one_by_one = parse.typed_sheet(data, "f.xlsx")
    with mock.patch.object(parse, "THREADED_ROWS", n):
        threaded, found_threaded = parse.typed_sheet(data, "f.xlsx")
    assert threaded.values.dtypes.equals(one_by_one.values.dtypes)
    assert threaded.values.equals(one_by_one.values)
    assert found_threaded == found_one_by_one
    assert {f.column for f in found_threaded} == {"document_date", "activity_no", "amount"}
    assert found_threaded[0].rule == "S05" and found_threaded[0].cell == "C4"  # 31/2/2569 on row 4, column C
