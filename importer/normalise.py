"""Turning what staff type into Excel cells into clean values.

The reader hands over every cell as text, as fastexcel renders it (a number cell as
``1234.5``, with at most 9 decimals; a date cell as ``2026-01-15 00:00:00``; TRUE as
``true``); other callers may pass Python values (float, int, bool, datetime, date,
time, None, NaN). Each ``parse_*`` function takes one cell and returns its clean value,
None for a blank cell, or raises :class:`NormaliseError` saying in Thai and English
what is wrong and what to type instead. :func:`normalise_column` does the same for a
whole column at once.

Accepted as normal input (DOMAIN.md, "Calendar"): Thai digits, thousands
separators, a lone ``-`` for zero, ``(1,234.00)`` and ``- 1,234.00`` for negatives,
dates as real Excel dates, Excel serial numbers, ISO text, ``2/2/2569``,
``2 ก.พ. 2569`` and ``๒ กุมภาพันธ์ ๒๕๖๙``; a year above 2400 is BE and a two-digit
year is short for BE 25xx.

Refused on purpose, because a guess could be silently wrong: commas not grouping
thousands (``1234,50``), ``%``, exponents, dates outside 1950–2400 (a bare year or a
time of day read as a date), month-first English dates, and codes typed as numbers of more
than 15 digits (Excel has already rounded them).
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.errors import Reason, SmsError
from domain.fiscal import BE_OFFSET, THAI_DIGITS, THAI_MONTHS, THAI_MONTHS_ABBR
from domain.text import SUSPECT, canonical
from templates.spec import PANDAS_DTYPES


class NormaliseError(SmsError, ValueError):
    """A cell (or a typed option) that cannot be read as its type, with what to type instead, in Thai and
    English. The parsers raise it; the importer reports it as finding S05 at its cell."""

    reason = Reason.BAD_VALUE


_DATE_MSG = (
    "ไม่ใช่วันที่ที่อ่านได้ ให้พิมพ์เป็น 15/11/2568 (วัน/เดือน/ปี พ.ศ.)",
    "not a readable date; type it as 15/11/2568 (day/month/BE year)",
)
_NUMBER_MSG = (
    "ไม่ใช่ตัวเลข ให้พิมพ์เฉพาะตัวเลข เช่น 1,234.50 หรือ -1,234.50",
    "not a number; type digits only, e.g. 1,234.50 or -1,234.50",
)
_WHOLE_NUMBER_MSG = (
    "ไม่ใช่ตัวเลข ให้พิมพ์เฉพาะตัวเลขจำนวนเต็ม เช่น 1,234",
    "not a number; type digits only, a whole number, e.g. 1,234",
)
_INTEGER_MSG = (
    "ต้องเป็นจำนวนเต็มไม่มีทศนิยม เช่น 1,234",
    "not a whole number; type it without decimals, e.g. 1,234",
)
_MONTH_MSG = (
    "ไม่ใช่เดือนที่อ่านได้ ให้พิมพ์เลขเดือน 1–12 หรือชื่อย่อ เช่น ต.ค.",
    "not a readable month; type its number 1–12 or its Thai abbreviation, e.g. ต.ค.",
)
_QUARTER_MSG = (
    "ไม่ใช่ไตรมาสที่อ่านได้ ให้พิมพ์ 1, 2, 3 หรือ 4",
    "not a readable quarter; type 1, 2, 3 or 4",
)
_CODE_MSG = (
    "ไม่ใช่รหัส ให้พิมพ์รหัสเป็นข้อความ เช่น 0001",
    "not a code; type the code as text, e.g. 0001",
)

_ARABIC_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")
_STRING = pd.StringDtype("pyarrow")  # regex replaces and matches run in Arrow's C++, not per cell in Python

# Patterns shared by the per-value parsers (Python re) and the vectorised fast path
# (Arrow's RE2), so both read a cell the same way: real characters rather than \u
# escapes (RE2 has none), [0-9] rather than \d (Python's \d also matches Thai digits).
_ZERO_WIDTH = "\u200b-\u200d\ufeff\u2060"  # pasted from web pages and LINE
_ODD_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"  # NBSP and friends
_TEXT_RULES = (
    (f"[{_ZERO_WIDTH}]", ""),
    ("\r\n?", "\n"),
    (f"[ {_ODD_SPACES}]+", " "),
    (" ?\n[ \n]*", "\n"),  # line breaks (Alt+Enter) are kept; blank lines are not
)
_UNTIDY = f"[{_ZERO_WIDTH}{_ODD_SPACES}\r\n]|  "  # what some _TEXT_RULES rule would change
_NUMBER = "[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]*)?|[-+]?\\.[0-9]+"
_NUMBER_RULES = (
    ("[−–—]", "-"),  # minus sign and dashes, as Word and LINE autocorrect them
    (" *บาท$", ""),
    ("\\.-$", ""),  # "1,500.-": Thai for exactly 1,500 baht
    ("^\\( *(.*?) *\\)$", "-\\1"),  # accountants' (1,234.00)
    ("^([-+]) +", "\\1"),  # "- 1,234.00"
    ("^-$", "0"),  # a lone dash is zero
)
# In a code, the hyphens and dashes Word and LINE put for "-" (non-breaking hyphen, en dash, minus sign…) are its
# hyphen: on screen "93900‑69‑02" cannot be told from the project it names.
_DASH = "[\u2010-\u2015\u2212]"
_MIDNIGHT = ("^([0-9]{4}-[0-9]{2}-[0-9]{2}) 00:00:00$", "\\1")  # a date cell in a text column reads as its date
_CLOCK = ("^1899-12-3[01] ([0-9]{2}:[0-9]{2}:[0-9]{2})$", "\\1")  # and a time cell as its time
_TIME_TEXT = "1899-12-3[01][ T][0-9:.]+"  # a time-of-day cell: Excel's day 0 or 1 and a time
# A date cell as the reader writes it: ISO, with the (CE) year Excel stored and a time of day.
_DATE_CELL = "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
_ISO_DATE = ("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9:.]+)?$", "\\3/\\2/\\1")  # time of day dropped
_DMY_DATE = "^(?:วันที่ ?)?(?P<d>[0-9]{1,2})[/.-](?P<m>[0-9]{1,2})[/.-](?P<y>[0-9]{4}|[0-9]{2})$"
_NAMED_DATE = "^(?:วันที่ ?)?(?P<d>[0-9]{1,2})[ /-]*(?P<m>[^0-9]+?)[ /-]*(?:พ\\.? ?ศ\\.? ?)?(?P<y>[0-9]{4}|[0-9]{2})$"
_MONTH_YEAR = "([^0-9]+?)[ /-]*(?:พ\\.? ?ศ\\.? ?)?(?:[0-9]{4}|[0-9]{2})"
_SERIAL = "[0-9]+(?:\\.[0-9]+)?"
# A text some step of clean_text changes (groups not captured: only whether it matches counts).
_WORK = "|".join((_UNTIDY, _MIDNIGHT[0].replace("(", "(?:"), _CLOCK[0].replace("(", "(?:"), SUSPECT))
_re = functools.cache(re.compile)  # re's own cache lookup costs more than most matches here

# Nothing this system records predates 1950; a year outside the window is a slip
# (a time of day read as text comes back as 1899-12-31, a bare year as 1907).
_FIRST_YEAR, _LAST_YEAR = 1950, 2400
_EXCEL_EPOCH = date(1899, 12, 30)  # 1900 date system, right for every serial from March 1900 on
_FIRST_SERIAL = (date(_FIRST_YEAR, 1, 1) - _EXCEL_EPOCH).days
_END_SERIAL = (date(_LAST_YEAR + 1, 1, 1) - _EXCEL_EPOCH).days


def _key(text: str) -> str:
    """How month names, quarters and choices are compared: no spaces, no case, Arabic digits."""
    return _re(r"\s+").sub("", text.translate(_ARABIC_DIGITS)).lower()


def _month_keys() -> dict[str, int]:
    keys = {}
    for m in range(1, 13):
        names = (THAI_MONTHS[m], THAI_MONTHS_ABBR[m], calendar.month_name[m], calendar.month_abbr[m])
        spoken = re.sub("(คม|ยน|พันธ์)$", "", THAI_MONTHS[m])  # ตุลา, กุมภา, เมษา: as Thai say them
        for name in names + (spoken,) + (("Sept",) if m == 9 else ()):
            # ต.ค. / ตค / ต.ค / Oct.: staff drop or add the dots freely
            for variant in (name, name.replace(".", ""), name.rstrip("."), name.rstrip(".") + "."):
                keys[_key(variant)] = m
    return keys


_MONTH_NAMES = _month_keys()
_MONTHS = _MONTH_NAMES | {str(m): m for m in range(1, 13)} | {f"{m:02}": m for m in range(1, 10)}
_QUARTERS = {f"{prefix}{q}": q for q in range(1, 5) for prefix in ("", "0", "q", "ไตรมาส", "ไตรมาสที่")}


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _number_text(v: float) -> str:
    """A number as Excel shows it in a General cell: 1234567890.0 → "1234567890"."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def clean_text(v: object) -> str | None:
    """Text with stray whitespace and zero-width characters removed, spelled canonically
    (:func:`domain.text.canonical`: Thai typed in another order or decomposed reads as it looks); None
    when blank."""
    if _missing(v):
        return None
    if isinstance(v, bool):
        text = "TRUE" if v else "FALSE"
    elif _is_number(v):
        text = _number_text(v)
    elif isinstance(v, datetime) and v.time() == time():
        text = v.date().isoformat()
    else:
        text = str(v)
    if _re(_UNTIDY).search(text):
        for pattern, repl in _TEXT_RULES:
            text = _re(pattern).sub(repl, text)
    for pattern, repl in (_MIDNIGHT, _CLOCK):
        text = _re(pattern).sub(repl, text.strip())
    return canonical(text) or None


def _typed_text(v: object, message: tuple[str, str]) -> str | None:
    """A text cell cleaned and with Arabic digits; None when blank; any other kind is wrong."""
    if isinstance(v, str):
        text = clean_text(v)
        return text and text.translate(_ARABIC_DIGITS)
    if _missing(v):
        return None
    raise NormaliseError(*message)


def parse_code(v: object) -> str | None:
    """A code as text: Thai digits made Arabic, a number typed as 10683.0 read as "10683"."""
    if isinstance(v, (bool, date, time)) and not _missing(v):
        raise NormaliseError(*_CODE_MSG)
    if _is_number(v) and abs(v) >= 1e15:
        raise NormaliseError(
            "รหัสยาวเกิน 15 หลักถูกพิมพ์เป็นตัวเลข Excel จึงเก็บไว้ไม่ครบ ให้จัดรูปแบบเซลล์เป็นข้อความ (Text) แล้วพิมพ์รหัสใหม่",
            "a code of more than 15 digits was typed as a number and Excel kept only "
            "15 of them; format the cell as Text and type the code again",
        )
    text = clean_text(v)
    return text and _re(_DASH).sub("-", text).translate(_ARABIC_DIGITS)


def parse_number(v: object) -> float | None:
    """A number from a number cell or from text like "๑,๒๓๔", "(1,234.00)", "- 1,234.00", "-"."""
    if _is_number(v):
        if math.isinf(v):
            raise NormaliseError(*_NUMBER_MSG)
        return None if math.isnan(v) else float(v)
    text = _typed_text(v, _NUMBER_MSG)
    if text is None:
        return None
    for pattern, repl in _NUMBER_RULES:
        text = _re(pattern).sub(repl, text)
    if _re(_NUMBER).fullmatch(text):
        return float(text.replace(",", ""))
    if _re(_NUMBER).fullmatch(text.replace(",", "")):
        # Refused rather than guessed: "1,2345" or a decimal comma "1234,50" could be 100× off.
        raise NormaliseError(
            "ใส่จุลภาคผิดที่ จุลภาคใช้คั่นทุกสามหลัก ส่วนทศนิยมใช้จุด เช่น 1,234.50",
            "misplaced comma: commas separate thousands and the decimal point is a dot, e.g. 1,234.50",
        )
    if text.endswith("%"):
        # Refused: "75%" may mean 75 or 0.75 depending on the column.
        raise NormaliseError(
            "ไม่ต้องใส่เครื่องหมาย % ให้พิมพ์เฉพาะตัวเลข เช่น 75.5",
            "leave out the %; type the number only, e.g. 75.5",
        )
    raise NormaliseError(*_NUMBER_MSG)


def parse_integer(v: object) -> int | None:
    """A whole number (any form :func:`parse_number` reads, without a fraction)."""
    try:
        n = parse_number(v)
    except NormaliseError as exc:  # words: said with a whole number's example, not an amount's "1,234.50"
        if (exc.message_th, exc.message_en) == _NUMBER_MSG:
            raise NormaliseError(*_WHOLE_NUMBER_MSG) from None
        raise
    if n is None:
        return None
    if not (n.is_integer() and abs(n) < 1e15):  # past 15 digits Excel itself has rounded it
        raise NormaliseError(*_INTEGER_MSG)
    return int(n)


def _ce(year):
    """The CE year of a typed year (int or array): two digits are short for BE 25xx, above 2400 is BE."""
    year = year + 2500 * (year < 100)
    return year - BE_OFFSET * (year > 2400)


def _make_date(year: int, month: int, day: int, cell: bool = False) -> date:
    """The date of a typed day, month and year, or an error saying which part is wrong. ``cell``: they are a date
    cell's, whose year the unit never typed as such: a year out of range is said as the date in BE."""
    ce = _ce(year)
    if not _FIRST_YEAR <= ce <= _LAST_YEAR and cell:
        raise NormaliseError(
            f"วันที่ {day}/{month}/{ce + BE_OFFSET} อยู่นอกช่วงที่รับได้ ให้พิมพ์วันที่เป็น 15/11/2568 (วัน/เดือน/ปี พ.ศ.)",
            f"the date {day}/{month}/{ce + BE_OFFSET} (BE) is out of range; type it as 15/11/2568 (day/month/BE year)",
        )
    if not _FIRST_YEAR <= ce <= _LAST_YEAR:
        raise NormaliseError(
            f"ปี {year} อยู่นอกช่วงที่รับได้ ให้พิมพ์ปี พ.ศ. เช่น 15/11/2568",
            f"year {year} is out of range; type the BE year, e.g. 15/11/2568",
        )
    if not 1 <= month <= 12:
        raise NormaliseError(
            f"ไม่มีเดือนที่ {month} เดือนต้องเป็น 1–12 ให้พิมพ์เป็น วัน/เดือน/ปี เช่น 15/11/2568",
            f"there is no month {month}; type day/month/year with the month 1–12, e.g. 15/11/2568",
        )
    last = calendar.monthrange(ce, month)[1]
    if not 1 <= day <= last:
        be = ce + BE_OFFSET
        raise NormaliseError(
            f"ไม่มีวันที่ {day} เดือน{THAI_MONTHS[month]} {be} (มี {last} วัน) ให้ตรวจวันและเดือน",
            f"there is no day {day} in {calendar.month_name[month]} {be} (it has {last} days); check the day and month",
        )
    return date(ce, month, day)


def _from_serial(n: float) -> date:
    # A serial is what Excel stored, so its year is never BE: one past 2400 is a slip.
    if not _FIRST_SERIAL <= n < _END_SERIAL:
        raise NormaliseError(
            f"ตัวเลข {n:g} ไม่ใช่วันที่ ให้พิมพ์เป็น 15/11/2568 (วัน/เดือน/ปี พ.ศ.)",
            f"the number {n:g} is not a date; type it as 15/11/2568 (day/month/BE year)",
        )
    return _EXCEL_EPOCH + timedelta(days=int(n))


def parse_date(v: object) -> date | None:
    """A date from an Excel date or serial, ISO text, 2/2/2569, 2 ก.พ. 69, ๒ กุมภาพันธ์ ๒๕๖๙ or 2 Feb 2026."""
    if _missing(v):
        return None
    if isinstance(v, date):
        # 2/2/2569 typed into a date cell is stored as the CE year 2569: read it as BE.
        return _make_date(v.year, v.month, v.day)
    if isinstance(v, time) or (isinstance(v, str) and _re(_TIME_TEXT).fullmatch(v.strip())):
        raise NormaliseError(
            "เป็นเวลา ไม่ใช่วันที่ ให้พิมพ์วันที่เป็น 15/11/2568",
            "a time of day, not a date; type the date as 15/11/2568",
        )
    if _is_number(v):
        return _from_serial(v)
    cell = isinstance(v, str) and _re(_DATE_CELL).fullmatch(v.strip()) is not None
    text = _typed_text(v, _DATE_MSG)
    if text is None:
        return None
    text = _re(_ISO_DATE[0]).sub(_ISO_DATE[1], text)
    if m := _re(_DMY_DATE).fullmatch(text):
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), cell)
    if (m := _re(_NAMED_DATE).fullmatch(text)) and (month := _MONTH_NAMES.get(_key(m["m"]))):
        return _make_date(int(m["y"]), month, int(m["d"]))
    if _re(_SERIAL).fullmatch(text):  # a serial number read as text by fastexcel
        return _from_serial(float(text))
    raise NormaliseError(*_DATE_MSG)


def _whole(v: float, top: int, message: tuple[str, str]) -> int:
    if float(v).is_integer() and 1 <= v <= top:
        return int(v)
    raise NormaliseError(*message)


def parse_month(v: object) -> int | None:
    """A calendar month 1..12 from 10, "ต.ค.", "ตค", "ตุลาคม", "Oct", "ต.ค. 68" or a date."""
    if isinstance(v, date) and not _missing(v):
        return v.month
    if _is_number(v):
        return None if math.isnan(v) else _whole(v, 12, _MONTH_MSG)
    text = _typed_text(v, _MONTH_MSG)
    if text is None:
        return None
    if month := _MONTHS.get(_key(text)):
        return month
    if (m := _re(_MONTH_YEAR).fullmatch(text)) and (month := _MONTH_NAMES.get(_key(m[1]))):
        return month
    if not _re(_SERIAL).fullmatch(text):  # a bare number is not a date here, as in a number cell
        try:
            return parse_date(text).month
        except NormaliseError:
            pass
    raise NormaliseError(*_MONTH_MSG)


def parse_quarter(v: object) -> int | None:
    """A fiscal quarter 1..4 from 1, "Q1", "ไตรมาส 1", "ไตรมาสที่ ๑"."""
    if _is_number(v):
        return None if math.isnan(v) else _whole(v, 4, _QUARTER_MSG)
    text = _typed_text(v, _QUARTER_MSG)
    if text is None:
        return None
    if quarter := _QUARTERS.get(_key(text)):
        return quarter
    raise NormaliseError(*_QUARTER_MSG)


def parse_choice(v: object, choices: Iterable[str]) -> str | None:
    """One of ``choices``, matched ignoring case, spaces and Thai/Arabic digits."""
    text = clean_text(v)
    if text is None:
        return None
    choices = tuple(choices)
    if (choice := {_key(c): c for c in choices}.get(_key(text))) is not None:
        return choice
    listed = ", ".join(choices)
    raise NormaliseError(f"ไม่อยู่ในรายการ ให้เลือกหนึ่งใน: {listed}", f"not an allowed value; choose one of: {listed}")


# ---- the vectorised fast path -------------------------------------------------------
# The reader hands over every cell as text (fastexcel's rendering: numbers with up to 9
# decimals, dates as ISO date-times). Each fast function takes a column's distinct texts,
# stripped, and returns (values, done) for them with whole-column operations in Arrow
# (regexes run in C++, not per cell in Python); normalise_column passes every text not
# done, and any non-text cell, to the per-value parser, which gives it a value from a
# rarer format or its error. Only the values that need a rewriting rule pay for it.

_Fast = Callable[[pd.Series], tuple[pd.Series | np.ndarray, np.ndarray]]


def _rewrite(s: pd.Series, rules: Iterable[tuple[str, str]]) -> pd.Series:
    for pattern, repl in rules:
        s = s.str.replace(pattern, repl, regex=True)
    return s


def _arabic(s: pd.Series) -> pd.Series:
    thai = s.str.contains("[๐-๙]").to_numpy(dtype=bool, na_value=False)
    return s.mask(thai, _rewrite(s[thai], [(d, str(i)) for i, d in enumerate(THAI_DIGITS)]))


def _blank(s: pd.Series) -> np.ndarray:
    return (s == "").to_numpy(bool)


def _clean(s: pd.Series) -> pd.Series:
    """Vectorised clean_text of stripped text, still in Arrow; missing for blank. One pass finds the few texts some
    rule would change (nearly every text is clean already); only those are rewritten."""
    work = s.str.contains(_WORK).to_numpy(bool)
    if work.any():
        s = s.mask(work, _tidy(s[work]))
    blank = _blank(s)
    return s.where(~blank) if blank.any() else s


def _tidy(s: pd.Series) -> pd.Series:
    """clean_text's rules, vectorised, on texts :data:`_WORK` matched."""
    untidy = s.str.contains(_UNTIDY).to_numpy(bool)
    s = _rewrite(s.mask(untidy, _rewrite(s[untidy], _TEXT_RULES)).str.strip(), (_MIDNIGHT, _CLOCK))
    suspect = s.str.contains(SUSPECT).to_numpy(bool)  # the few texts not already spelled canonically
    return s.mask(suspect, s[suspect].map(canonical).astype(s.dtype))


def _fast_text(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    return _clean(s), np.ones(len(s), dtype=bool)


def _fast_code(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    dashed = s.str.contains(_DASH).to_numpy(bool)
    s = s.mask(dashed, s[dashed].str.replace(_DASH, "-", regex=True)) if dashed.any() else s
    return _clean(_arabic(s)), np.ones(len(s), dtype=bool)


def _fast_number(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    blank = _blank(s)  # before the rules: "บาท" alone rewrites to "" but is no blank cell
    ok = s.str.fullmatch(_NUMBER).to_numpy(bool, copy=True)  # written to below
    rest = _rewrite(_arabic(s[~ok]), _NUMBER_RULES)  # only what is not already plain pays for this
    s = s.mask(~ok, rest)
    ok[~ok] = rest.str.fullmatch(_NUMBER).to_numpy(bool)
    values = np.full(len(s), np.nan)
    # Arrow's cast reads what _NUMBER matched as float() does, 15× faster than pd.to_numeric.
    values[ok] = pc.cast(pa.array(s[ok].str.replace(",", "")), pa.float64()).to_numpy(zero_copy_only=False)
    return values, ok | blank


def _fast_integer(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    values, done = _fast_number(s)
    done &= np.isnan(values) | ((np.trunc(values) == values) & (np.abs(values) < 1e15))
    return values, done


def _extract(s: pd.Series, pattern: str) -> pd.DataFrame:
    """``s.str.extract(pattern)`` for the groups d, m and y, done by Arrow: pandas' own is 10× slower."""
    parts = pc.extract_regex(pa.array(s), pattern)
    return pd.DataFrame({name: pd.Series(pc.struct_field(parts, name), dtype=_STRING) for name in "dmy"})


def _assemble(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Vectorised _make_date of float arrays: datetime64[D], NaT where _make_date would refuse."""
    year = _ce(year)
    ok = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12) & (day >= 1)
    first = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype(np.int64).astype("datetime64[M]")
    ok &= day <= ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
    days = first.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype(np.int64)
    return np.where(ok, days, np.datetime64("NaT"))


def _fast_date(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised parse_date of stripped text (an Excel date arrives as ISO text)."""
    s = _arabic(s).str.replace(*_ISO_DATE, regex=True)
    dmy, named = _extract(s, _DMY_DATE), _extract(s, _NAMED_DATE)
    named["m"] = named["m"].str.replace(" ", "").str.lower().map(_MONTH_NAMES)
    ymd = dmy.astype(float).fillna(named.astype(float))
    days = _assemble(*(ymd[k].to_numpy() for k in "ymd"))
    values = days.astype(object)
    values[np.isnat(days)] = None
    return values, ~np.isnat(days) | _blank(s)


def _fast_lookup(keys: dict[str, object], dtype: type) -> _Fast:
    """Fast path for months, quarters (float) and choices (object): text looked up by its key."""
    def fast(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        found = _arabic(s).str.replace(" ", "").str.lower().map(keys)
        hit = found.notna().to_numpy()
        return found.to_numpy(dtype=dtype, na_value=np.nan if dtype is float else None), hit | _blank(s)

    return fast


# Amounts are mostly distinct (94,000 of 100,000 in the bench's payments): factorising them first costs more than
# it saves (100,000 cells: 0.025 → 0.012 s), so their cells are vectorised as they are.
CELLS_AS_THEY_ARE = ("number", "money")
SMALL_COLUMN = 2000  # distinct texts; the vectorised path costs ~10 ms a column, fewer parse faster one by one
DIRECT_CELLS = 200  # a column this short is parsed cell by cell: its distinct values' bookkeeping costs ~1.5 ms

_COLUMN_TYPES: dict[str, tuple[Callable[[object], object], _Fast]] = {
    "text": (clean_text, _fast_text),
    "code": (parse_code, _fast_code),
    "number": (parse_number, _fast_number),
    "money": (parse_number, _fast_number),
    "integer": (parse_integer, _fast_integer),
    "date": (parse_date, _fast_date),
    "month": (parse_month, _fast_lookup(_MONTHS, float)),
    "quarter": (parse_quarter, _fast_lookup(_QUARTERS, float)),
}


def _parse_each(parse: Callable[[object], object], cells: Iterable[object]) -> tuple[list, list]:
    """(values, errors) of cells parsed one by one."""
    values, errors = [], []
    for cell in cells:
        try:
            values.append(parse(cell))
            errors.append(None)
        except NormaliseError as error:
            values.append(None)
            errors.append(error)
    return values, errors


def _kinds(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Where the cells are text, and where they are some other Python value (not blank)."""
    present = series.notna().to_numpy()
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):  # the reader's Arrow text
        return present, np.zeros(len(series), dtype=bool)
    text = np.fromiter((type(v) is str for v in series.to_numpy(dtype=object)), dtype=bool, count=len(series))
    return text, present & ~text


def normalise_column(series: pd.Series, column_type: str, choices: Iterable[str] = ()) -> tuple[pd.Series, pd.Series]:
    """Normalise a column of cells: (values, errors), both indexed like ``series``.

    ``values`` is typed for the column (Arrow-backed "str" for text, codes and choices,
    float64, Int64, or object holding dates; blanks and failed cells missing); ``errors``
    holds the NormaliseError of each failed cell and None elsewhere. A non-blank cell
    always yields one or the other. Text is parsed once per distinct value (columns repeat
    themselves); any other Python value (from a caller other than the reader) one by one.
    """
    if column_type == "choice":
        choices = tuple(choices)
        keys = {_key(c): c for c in choices}
        parse, fast = functools.partial(parse_choice, choices=choices), _fast_lookup(keys, object)
    elif column_type in _COLUMN_TYPES:
        parse, fast = _COLUMN_TYPES[column_type]
    else:
        raise ValueError(f"unknown column type {column_type!r}")
    dtype = PANDAS_DTYPES[column_type]
    work = {"Int64": "float64"}.get(dtype, dtype)  # whole numbers are checked as floats, typed at the end
    if len(series) <= DIRECT_CELLS:
        found, failed = _parse_each(parse, series.to_numpy(dtype=object))
        return (pd.Series(found, index=series.index, dtype=work).astype(dtype),
                pd.Series(failed, index=series.index, dtype=object))

    text, other = _kinds(series)
    # The reader's Arrow text is factorised whole (a blank's code is -1): filtering it first copied every cell.
    whole = not other.any() and getattr(series.dtype, "storage", None) == "pyarrow"
    if whole and column_type in CELLS_AS_THEY_ARE:
        return _by_cell(series, parse, fast, work, dtype)
    return _by_distinct(series, text, other, whole, parse, fast, work, dtype)


def _by_cell(series: pd.Series, parse: Callable[[object], object], fast: _Fast, work: str, dtype: str
             ) -> tuple[pd.Series, pd.Series]:
    """normalise_column of the reader's text, vectorised over the cells as they are; the few cells the fast path
    leaves are parsed once per distinct text."""
    found, done = fast(series.fillna("").str.strip())  # a blank cell reads as an empty one
    values = pd.Series(found, index=series.index, dtype=work)
    errors = pd.Series(np.full(len(series), None, dtype=object), index=series.index)
    todo = np.flatnonzero(~done)
    if len(todo):
        every = np.ones(len(todo), dtype=bool)
        rest, failed = _by_distinct(series.iloc[todo], every, ~every, True, parse, fast, work, work)
        values.iloc[todo], errors.iloc[todo] = rest.to_numpy(), failed.to_numpy()
    return values.astype(dtype), errors


def _by_distinct(series: pd.Series, text: np.ndarray, other: np.ndarray, whole: bool,
                 parse: Callable[[object], object], fast: _Fast, work: str, dtype: str
                 ) -> tuple[pd.Series, pd.Series]:
    """normalise_column parsing each distinct text once (``text``: where the cells are text; ``other``: where
    they are other Python values; ``whole``: all of them are the reader's Arrow text)."""
    codes, distinct = pd.factorize(series if whole else series[text].astype(_STRING))
    codes = codes[text] if whole else codes
    distinct = pd.Series(distinct, dtype=_STRING)
    if len(distinct) >= SMALL_COLUMN:
        found, done = fast(distinct.str.strip())
        found = pd.Series(found, dtype=work).reset_index(drop=True)
    else:
        found, done = pd.Series([None] * len(distinct), dtype=work), np.zeros(len(distinct), dtype=bool)
    todo = np.flatnonzero(~done)
    slow, failed = _parse_each(parse, distinct.to_numpy(dtype=object)[todo])
    if len(todo):
        found.iloc[todo] = pd.Series(slow, dtype=work).to_numpy()
    if (whole and series.dtype == dtype and all(e is None for e in failed)
            and found.astype(_STRING).equals(distinct)):
        # Every text is its own value (codes, names and choices typed as they should be): the column as it is.
        return series, pd.Series(np.full(len(series), None, dtype=object), index=series.index)
    wrong = np.full(len(distinct) + 1, None, dtype=object)
    wrong[todo] = failed

    # Every cell takes its distinct text's outcome in one take; the others point past the end, at a blank.
    at = np.full(len(series), len(distinct))
    at[text] = codes
    values = pd.concat([found, pd.Series([None], dtype=work)], ignore_index=True).take(at)
    values.index, errors = series.index, pd.Series(wrong[at], index=series.index, dtype=object)

    # Python values other than text: rare, and 1 == 1.0 == True, so never factorised together.
    outcomes: dict[tuple[type, object], tuple[object, NormaliseError | None]] = {}
    for i in np.flatnonzero(other):
        cell = series.iat[i]
        if (type(cell), cell) not in outcomes:
            value, error = _parse_each(parse, [cell])
            outcomes[type(cell), cell] = (value[0], error[0])
        value, errors.iat[i] = outcomes[type(cell), cell]
        if value is not None:
            values.iat[i] = value
    return values.astype(dtype), errors
