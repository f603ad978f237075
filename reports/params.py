"""The parameters of a report, checked before a kernel is started.

A report is for one fiscal year (BE), province, quarter and inspection round, with data as of a
day. The province may be given by its 2-digit code or its Thai or English name; anything unknown
is refused with a message in both languages (:class:`ReportError`), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from domain.errors import Reason, SmsError
from domain.fiscal import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    THAI_DIGITS,
    fiscal_year_bounds,
    format_be_date,
    format_thai_date,
    inspection_round,
    quarter_bounds,
)
from domain.text import canonical

if TYPE_CHECKING:  # a worker process unpickles these dataclasses: it need not import pandas for that
    from reference.reference_set import ReferenceSet

_FROM_THAI_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")
_PREFIXES = ("จังหวัด", "จ.")


class ReportError(SmsError, ValueError):
    """A parameter that cannot make a report; both messages are for the person who typed it."""

    reason = Reason.BAD_PARAMETER


BANGKOK = "10"  # the capital is its own administrative area, not a จังหวัด


@dataclass(frozen=True)
class Province:
    """A province of the reference data: 2-digit code, Thai and English names, health region."""

    code: str
    name_th: str
    name_en: str
    region: int

    @property
    def title_th(self) -> str:
        """How a report names it: จังหวัดตรัง, but กรุงเทพมหานคร."""
        return self.name_th if self.code == BANGKOK else f"จังหวัด{self.name_th}"

    @property
    def title_en(self) -> str:
        """Trang province, but Bangkok."""
        return self.name_en if self.code == BANGKOK else f"{self.name_en} province"


def _plain(text: str) -> str:
    """Lower case without blanks, hyphens or dots: 'Nong Bua Lam Phu' == 'nongbua-lamphu'."""
    return re.sub(r"[\s\-.]", "", text).casefold()


def resolve_province(reference: ReferenceSet, text: str) -> Province:
    """The province a user means by ``text``: code ('39', '๓๙', '9' for '09'), Thai or English name, Thai
    spelled however it was typed (หนองบัวลำภู with ํ + า for ำ is หนองบัวลำภู: :func:`domain.text.canonical`)."""
    given = canonical(str(text).strip()).translate(_FROM_THAI_DIGITS)
    provinces = reference["provinces"]
    wanted = given
    for prefix in _PREFIXES:
        wanted = wanted.removeprefix(prefix).strip()
    if wanted.isdigit():
        hits = provinces[provinces["province_code"] == wanted.zfill(2)]
    else:
        key = _plain(wanted)
        hits = provinces[(provinces["name_th"].map(_plain) == key) | (provinces["name_en"].map(_plain) == key)]
    if len(hits) != 1:
        raise ReportError(
            f"ไม่พบจังหวัด '{text}' ในข้อมูลอ้างอิง: ใส่รหัสจังหวัด 2 หลัก (เช่น 39) หรือชื่อจังหวัด (เช่น หนองบัวลำภู)",
            f"Unknown province '{text}': give its 2-digit code (e.g. 39) or its Thai or English name "
            "(e.g. Nong Bua Lam Phu).")
    row = hits.iloc[0]
    return Province(str(row["province_code"]), str(row["name_th"]), str(row["name_en"] or ""), int(row["region"]))


@dataclass(frozen=True)
class ReportParams:
    """What the ``parameters`` cell of each notebook receives (dates as ISO text, as papermill passes them)."""

    fiscal_year: int
    province: str  # the 2-digit code
    quarter: int
    round: int
    as_of: str
    database_url: str
    include_unapproved: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


def check_params(reference: ReferenceSet, *, fiscal_year: int, province: str, quarter: int,
                 round: int | None = None, as_of: dt.date | None = None, database_url: str,
                 include_unapproved: bool = True, today: dt.date | None = None) -> tuple[ReportParams, Province]:
    """Validate and complete a report's parameters (round from the quarter, as_of defaults to the quarter end
    or today, whichever is earlier)."""
    if not FIRST_FISCAL_YEAR <= int(fiscal_year) <= LAST_FISCAL_YEAR:
        raise ReportError("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569", "The fiscal year is a BE year, e.g. 2569.")
    if quarter not in (1, 2, 3, 4):
        raise ReportError("ไตรมาสต้องเป็น 1 ถึง 4", "The quarter is 1, 2, 3 or 4.")
    expected = inspection_round(quarter)
    if round is not None and round != expected:
        raise ReportError(
            f"ไตรมาส {quarter} อยู่ในรอบการตรวจราชการที่ {expected} (รอบที่ 1 = ไตรมาส 1-2, รอบที่ 2 = ไตรมาส 3-4)",
            f"Quarter {quarter} belongs to inspection round {expected} (round 1 = Q1-Q2, round 2 = Q3-Q4).")
    start, end = fiscal_year_bounds(fiscal_year)
    _, q_end = quarter_bounds(fiscal_year, quarter)
    as_of = as_of or min(q_end, today or dt.date.today())
    if not start <= as_of:
        raise ReportError(f"วันที่ข้อมูล {format_thai_date(as_of)} อยู่ก่อนปีงบประมาณ {fiscal_year} จะเริ่ม",
                          f"The as-of date {format_be_date(as_of)} (BE) is before fiscal year {fiscal_year} began.")
    where = resolve_province(reference, province)
    return ReportParams(int(fiscal_year), where.code, quarter, expected, as_of.isoformat(), database_url,
                        bool(include_unapproved)), where
