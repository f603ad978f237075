from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.fiscal import (
    FISCAL_MONTH_ORDER,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    be_year,
    ce_year,
    fiscal_months,
    fiscal_quarter,
    fiscal_year,
    fiscal_year_bounds,
    format_be_date,
    format_thai_date,
    inspection_round,
    month_label,
    months_elapsed,
    quarter_bounds,
)


def test_be_and_ce_years_differ_by_543():
    assert be_year(2026) == 2569
    assert ce_year(2569) == 2026


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2025, 12, 31), 2569),
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
    ],
)
def test_fiscal_year_starts_on_1_october(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(10, 1), (11, 1), (12, 1), (1, 2), (2, 2), (3, 2), (4, 3), (5, 3), (6, 3), (7, 4), (8, 4), (9, 4)],
)
def test_fiscal_quarter(month, quarter):
    assert fiscal_quarter(date(2026, month, 15)) == quarter


@pytest.mark.parametrize(
    ("fy", "quarter", "bounds"),
    [
        (2569, 1, (date(2025, 10, 1), date(2025, 12, 31))),
        (2569, 2, (date(2026, 1, 1), date(2026, 3, 31))),
        (2569, 3, (date(2026, 4, 1), date(2026, 6, 30))),
        (2569, 4, (date(2026, 7, 1), date(2026, 9, 30))),
        (2567, 2, (date(2024, 1, 1), date(2024, 3, 31))),
    ],
)
def test_quarter_bounds(fy, quarter, bounds):
    assert quarter_bounds(fy, quarter) == bounds


@pytest.mark.parametrize(("quarter", "round_"), [(1, 1), (2, 1), (3, 2), (4, 2)])
def test_inspection_round(quarter, round_):
    assert inspection_round(quarter) == round_


@pytest.mark.parametrize("quarter", [0, 5])
def test_quarter_out_of_range_is_refused(quarter):
    with pytest.raises(ValueError, match="quarter must be 1..4"):
        quarter_bounds(2569, quarter)
    with pytest.raises(ValueError, match="quarter must be 1..4"):
        inspection_round(quarter)


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (date(2025, 9, 30), 0),
        (date(2025, 10, 1), 1),
        (date(2025, 12, 15), 3),
        (date(2026, 3, 31), 6),
        (date(2026, 9, 30), 12),
        (date(2027, 1, 1), 12),
    ],
)
def test_months_elapsed_counts_the_current_month(as_of, months):
    assert months_elapsed(2569, as_of) == months


def test_fiscal_months_run_october_to_september():
    months = fiscal_months(2569)
    assert months[:4] == [(2025, 10), (2025, 11), (2025, 12), (2026, 1)]
    assert months[-1] == (2026, 9)
    assert [m for _, m in months] == list(FISCAL_MONTH_ORDER) == [10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_thai_month_names_are_indexed_by_calendar_month():
    assert THAI_MONTHS[1] == "มกราคม"
    assert THAI_MONTHS[2] == "กุมภาพันธ์"
    assert THAI_MONTHS[12] == "ธันวาคม"
    assert THAI_MONTHS_ABBR[1:] == (
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    )  # fmt: skip


def test_month_label():
    assert [month_label(m) for m in FISCAL_MONTH_ORDER[:3]] == ["ต.ค.", "พ.ย.", "ธ.ค."]
    with pytest.raises(ValueError, match="month must be 1..12"):
        month_label(13)


@pytest.mark.parametrize(
    ("abbr", "thai_digits", "text"),
    [
        (True, False, "2 ก.พ. 2569"),
        (False, False, "2 กุมภาพันธ์ 2569"),
        (True, True, "๒ ก.พ. ๒๕๖๙"),
        (False, True, "๒ กุมภาพันธ์ ๒๕๖๙"),
    ],
)
def test_format_thai_date(abbr, thai_digits, text):
    assert format_thai_date(date(2026, 2, 2), abbr=abbr, thai_digits=thai_digits) == text


def test_format_be_date():
    assert format_be_date(date(2026, 2, 2)) == "2/2/2569"
    assert format_be_date(date(2025, 10, 31)) == "31/10/2568"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2400, 12, 31)))
def test_every_day_lies_in_its_fiscal_year_and_quarter(day):
    fy, quarter = fiscal_year(day), fiscal_quarter(day)
    first, last = fiscal_year_bounds(fy)
    assert first <= day <= last
    q_first, q_last = quarter_bounds(fy, quarter)
    assert q_first <= day <= q_last
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1
