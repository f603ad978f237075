"""The Thai government calendar: Buddhist Era years, fiscal years, quarters, rounds.

A fiscal year (ปีงบประมาณ) runs 1 October – 30 September and is named by the
Buddhist Era (พ.ศ.) year in which it ends: FY 2569 = 2025-10-01 .. 2026-09-30.
Fiscal years here are always BE integers; ``datetime.date`` is always CE.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta, timezone

from domain.errors import Reason, SmsError

THAI_TIME = timezone(timedelta(hours=7), "ICT")  # the Ministry's clock: UTC+7, no daylight saving
BE_OFFSET = 543
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2500, 2700  # the BE fiscal years anyone may name (1957–2157 CE)
FISCAL_MONTH_ORDER = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)

# Indexed by calendar month like ``calendar.month_name``: index 0 is "".
THAI_MONTHS = (
    "", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_ABBR = (
    "", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI_DIGITS = str.maketrans("0123456789", THAI_DIGITS)


def be_year(ce_year: int) -> int:
    """The Buddhist Era year of a CE year (2026 → 2569)."""
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    """The CE year of a Buddhist Era year (2569 → 2026)."""
    return be_year - BE_OFFSET


def fiscal_year(d: date) -> int:
    """The (BE) fiscal year a day belongs to: October starts the next one."""
    return be_year(d.year + (d.month >= 10))


def check_fiscal_year(fy: int) -> int:
    """``fy`` if it is a BE fiscal year this system knows; else raise SmsError saying what to type (a CE year
    such as 2026 is named with its BE year, 2569)."""
    if FIRST_FISCAL_YEAR <= fy <= LAST_FISCAL_YEAR:
        return fy
    hint_th, hint_en = "", ""
    if FIRST_FISCAL_YEAR - BE_OFFSET <= fy <= LAST_FISCAL_YEAR - BE_OFFSET:
        hint_th, hint_en = f" ({fy} เป็นปี ค.ศ. คือ พ.ศ. {be_year(fy)})", f" ({fy} is a CE year: BE {be_year(fy)})"
    raise SmsError(f"ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569{hint_th}",
                   f"The fiscal year is a Buddhist Era year, e.g. 2569{hint_en}.", Reason.BAD_VALUE)


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """First and last day of a fiscal year (2569 → 2025-10-01, 2026-09-30)."""
    end = ce_year(fy)
    return date(end - 1, 10, 1), date(end, 9, 30)


def fiscal_quarter(d: date) -> int:
    """The fiscal quarter of a day: Q1 Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun, Q4 Jul–Sep."""
    return FISCAL_MONTH_ORDER.index(d.month) // 3 + 1


def _check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1..4, not {quarter!r}")


def quarter_bounds(fy: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter of a fiscal year (2569 Q1 → 2025-10-01, 2025-12-31)."""
    _check_quarter(quarter)
    months = fiscal_months(fy)
    (y0, m0), (y1, m1) = months[3 * quarter - 3], months[3 * quarter - 1]
    return date(y0, m0, 1), date(y1, m1, calendar.monthrange(y1, m1)[1])


def inspection_round(quarter: int) -> int:
    """The inspection round (รอบการตรวจราชการ) reporting a quarter: Q1–Q2 → 1, Q3–Q4 → 2."""
    _check_quarter(quarter)
    return 1 if quarter <= 2 else 2


def months_elapsed(fy: int, as_of: date) -> int:
    """Calendar months of a fiscal year from October through ``as_of``'s month, 0..12.

    The month containing ``as_of`` counts in full, as MOPH's year-to-date figures do
    (data as of 15 Dec is three months: Oct, Nov, Dec); before the year it is 0,
    after it 12.
    """
    start, _ = fiscal_year_bounds(fy)
    months = (as_of.year - start.year) * 12 + as_of.month - start.month + 1
    return min(max(months, 0), 12)


def fiscal_months(fy: int) -> list[tuple[int, int]]:
    """The (CE year, month) pairs of a fiscal year, October first."""
    end = ce_year(fy)
    return [(end - 1 if m >= 10 else end, m) for m in FISCAL_MONTH_ORDER]


def month_label(month: int) -> str:
    """The Thai abbreviation of a calendar month (10 → "ต.ค.")."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month!r}")
    return THAI_MONTHS_ABBR[month]


def format_thai_date(d: date, abbr: bool = True, thai_digits: bool = False) -> str:
    """A date as Thai documents write it: "2 ก.พ. 2569" (or "2 กุมภาพันธ์ 2569", "๒ ก.พ. ๒๕๖๙")."""
    month = THAI_MONTHS_ABBR[d.month] if abbr else THAI_MONTHS[d.month]
    text = f"{d.day} {month} {be_year(d.year)}"
    return text.translate(_TO_THAI_DIGITS) if thai_digits else text


def format_be_date(d: date) -> str:
    """A date as day/month/BE year without padding: "2/2/2569"."""
    return f"{d.day}/{d.month}/{be_year(d.year)}"
