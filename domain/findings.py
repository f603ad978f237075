"""Findings: what the importer and validators report, one per problem, with its cell."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

import pandas as pd

from domain.fiscal import format_be_date
from domain.rules import RULES, Severity


@dataclass(frozen=True)
class Finding:
    """One problem at one place: the rule and its severity, what is wrong and what to do in Thai and English,
    and where (file, sheet key, Excel row, column key and header, cell such as "F12", the value as typed)."""

    rule: str
    severity: Severity
    message_th: str
    message_en: str
    file: str = ""
    sheet: str = ""
    row: int | None = None  # the Excel row number
    column: str = ""  # the column key
    header: str = ""  # the header text as the unit sees it
    cell: str = ""  # e.g. "F12"
    value: str = ""  # the offending value, as typed

    @classmethod
    def of(cls, rule: str, message_th: str, message_en: str, **where) -> Finding:
        """A finding of a catalogued rule, which fixes its severity."""
        return cls(rule, RULES[rule].severity, message_th, message_en, **where)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def display(value) -> str:
    """A value as a person would type it: 60000 not 60000.0, 120000.5 whole (15 significant digits: every
    digit a person typed, none of binary floating point's noise), dates in BE, blanks empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.date):
        return format_be_date(value)
    return str(value)


DATE_CELL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T][0-9]{2}:[0-9]{2}:[0-9]{2}")  # a date cell as text


def as_typed(text: str) -> str:
    """A cell's raw text as its unit reads it: a date cell, which the reader writes as CE text
    ("1900-01-05 00:00:00"), as its BE date ("5/1/2443"); any other text as it is."""
    date = DATE_CELL.fullmatch(text)
    if date is None:
        return text
    try:
        return format_be_date(dt.date(*map(int, date.groups())))
    except ValueError:
        return text


def column_letter(index: int) -> str:
    """The Excel letters of a 0-based column index: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
