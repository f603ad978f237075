"""How figures read in a Thai inspection report: 1,234,567.89 baht, 45.67%, verdicts in colour.

A :class:`ReportTable` carries its raw figures (a DataFrame, which the tests read back) with
the way to show them; :func:`table_html` turns it into the HTML of one table with its caption:
the data-as-of date and how many submissions behind it are still unapproved.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from domain.fiscal import format_thai_date
from domain.vocabulary import Label, Verdict
from templates.catalog import SHEETS
from templates.headers import header, meaning

# The vocabulary's verdicts under the names the report code uses, and the colour class each gets.
V = Verdict
PASS, FAIL, NA = V.PASS, V.FAIL, V.NA
ON_TARGET, BELOW_TARGET = V.ON_TARGET, V.BELOW_TARGET
ACHIEVED, NOT_ACHIEVED = V.ACHIEVED, V.NOT_ACHIEVED
NOT_RECORDED, NO_CRITERION, DIFFERS = V.NOT_RECORDED, V.NO_CRITERION, V.DIFFERS
VERDICT_CLASS = {PASS: "pass", ON_TARGET: "pass", ACHIEVED: "pass",
                 FAIL: "fail", BELOW_TARGET: "fail", NOT_ACHIEVED: "fail", NOT_RECORDED: "fail", DIFFERS: "fail",
                 NA: "na", NO_CRITERION: "na", "": "na"}

SHORT_ROWS = 18  # a table this short is kept on one page
# A table of more columns shows its headers in Thai only: with the English line under each it would not fit the
# width of A4 landscape at a readable size. Their English is in the report's glossary (:func:`glossary`).
WIDE_COLUMNS = 10
KINDS = ("text", "code", "money", "pct", "int", "number", "verdict", "date", "ratio", "percent")


def blank(x) -> bool:
    """None, NaN or NA: shown as '-'."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def money(x) -> str:
    """1234567.891 → '1,234,567.89'; missing → '-' (seed 000 writes '-' for nothing recorded)."""
    if blank(x):
        return "-"
    return f"{float(x):,.2f}"


def pct(x, digits: int = 2) -> str:
    """A fraction as per cent: 0.4567 → '45.67%'."""
    if blank(x):
        return "-"
    return f"{float(x) * 100:,.{digits}f}%"


def ratio(x) -> str:
    """A ratio to 2 decimals, as seed 003 prints CR, QR and days: 1.5 → '1.50'; ±∞ → '∞'."""
    if blank(x):
        return "-"
    if math.isinf(float(x)):
        return "∞" if x > 0 else "-∞"
    return f"{float(x):,.2f}"


def integer(x) -> str:
    if blank(x):
        return "-"
    return f"{int(x):,}"


def number(x) -> str:
    """A result as typed: 85 → '85', 83.456 → '83.46', 1234.5 → '1,234.5'."""
    if blank(x):
        return "-"
    text = f"{float(x):,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def thai_date(d: dt.date) -> str:
    return format_thai_date(d, abbr=False)


def esc(text) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return html.escape(str(text))


@dataclass
class Col:
    """A column a report table shows: the frame's column ``key``, how its cells read and its header.

    The header is the title of ``figure`` (default ``key``) from :func:`templates.headers.header`: the
    column of the spec's ``sheet`` when given (it must be a column of that sheet), else the vocabulary's
    :data:`domain.vocabulary.FIGURES`. ``label`` replaces it where the header depends on the report (the
    quarter, the target), built from those same words (see :mod:`reports.tables.labels`).
    """

    key: str
    kind: str = "text"
    flag: str | None = None  # a boolean column of the frame that colours this cell (pass green, fail red)
    sheet: str | None = None
    figure: str | None = None
    label: Label | None = None
    meaning: Label | None = field(default=None, init=False)  # the spec's help text of the column, where it has one

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        name = self.figure or self.key
        if self.sheet is not None and name not in SHEETS[self.sheet][1].keys:
            raise ValueError(f"{name!r} is not a column of the spec's sheet {self.sheet!r}")
        if self.label is None:
            self.label = header(name, self.sheet)  # KeyError: a header nobody defined
            self.meaning = meaning(name, self.sheet)

    @property
    def th(self) -> str:
        return self.label.th

    @property
    def en(self) -> str:
        return self.label.en


@dataclass
class ReportTable:
    """One table of a report: the figures and how to show them.

    ``level`` names a column whose value styles the row (``total``, ``group``, ``sub`` …);
    ``blank`` maps a column to the row levels where it does not apply (shown empty).
    """

    key: str
    title: str
    frame: pd.DataFrame
    columns: list[Col]
    as_of: dt.date
    unapproved: int
    include_unapproved: bool
    notes: list[str] = field(default_factory=list)
    level: str | None = None
    blank: dict[str, set[str]] = field(default_factory=dict)
    period: str = ""  # e.g. "สะสมถึงสิ้นเดือน มกราคม 2569" when the figures stop before the as-of date
    submitted: int | None = None  # current submissions behind the table (0: nothing sent yet)

    @property
    def english_headers(self) -> bool:
        """Whether the headers carry their English under the Thai (up to :data:`WIDE_COLUMNS` columns)."""
        return len(self.columns) <= WIDE_COLUMNS

    @property
    def number(self) -> str:
        """How the glossary names the table: its number ("4.1"), else its Thai title."""
        found = re.match(r"\d+(\.\d+)*", self.title)
        return found.group(0).rstrip(".") if found else self.title.split(" / ")[0]

    def caption(self) -> str:
        parts = [f"ข้อมูล ณ วันที่ {thai_date(self.as_of)}"]
        if self.period:
            parts.append(self.period)
        if self.submitted == 0:
            parts.append("ยังไม่มีข้อมูลที่ส่งสำหรับตารางนี้ / no data submitted yet")
        elif self.unapproved:
            how = "รวมอยู่ในตาราง" if self.include_unapproved else "ไม่รวมในตาราง"
            parts.append(f"ข้อมูลที่ยังไม่ได้อนุมัติ {self.unapproved:,} ฉบับ ({how})")
        else:
            parts.append("ข้อมูลทุกฉบับได้รับการอนุมัติแล้ว")
        return " · ".join(parts)

    def records(self) -> list[dict]:
        """The figures as JSON-ready rows (dates ISO, missing values None)."""
        import json

        return json.loads(self.frame.to_json(orient="records", date_format="iso", force_ascii=False))


def cell(value, kind: str) -> tuple[str, str]:
    """(text, css class) of one cell."""
    if kind == "money":
        cls = "num neg" if isinstance(value, int | float) and not math.isnan(value) and value < 0 else "num"
        return money(value), cls
    if kind == "pct":
        return pct(value), "num"
    if kind == "int":
        return integer(value), "num"
    if kind == "ratio":
        return ratio(value), "num"
    if kind == "percent":  # already in per cent (finance.health): 7.35 → '7.35%'
        text = ratio(value)
        return (text if text == "-" else text + "%"), "num"
    if kind == "number":
        return number(value), "num"
    if kind == "verdict":
        text = esc(value)
        return (f'<span class="badge {VERDICT_CLASS.get(str(value), "na")}">{text}</span>' if text else ""), "verdict"
    if kind == "date":
        return (thai_date(value) if isinstance(value, dt.date) else esc(value)), "date"
    if kind == "code":
        return esc(value), "code"
    return esc(value), "text"


def table_html(t: ReportTable) -> str:
    """The HTML of a table with its heading, caption (as-of date, unapproved) and notes."""
    size = "report-table short" if len(t.frame) <= SHORT_ROWS else "report-table"
    out = [f'<section class="{size}" id="{esc(t.key)}">', f"<h3>{esc(t.title)}</h3>",
           '<div class="table-wrap"><table>', f'<caption>{esc(t.caption())}</caption>', "<thead><tr>"]
    for c in t.columns:
        en = f'<span class="en">{esc(c.en)}</span>' if c.en and t.english_headers else ""
        out.append(f'<th class="{c.kind}">{esc(c.th)}{en}</th>')
    out.append("</tr></thead><tbody>")
    if t.frame.empty:
        out.append(f'<tr><td class="empty" colspan="{len(t.columns)}">ไม่มีข้อมูล / no data</td></tr>')
    for row in t.frame.to_dict("records"):
        level = str(row.get(t.level, "")) if t.level else ""
        out.append(f'<tr class="{esc(level)}">' if level else "<tr>")
        for c in t.columns:
            if level and level in t.blank.get(c.key, ()):
                out.append('<td class="blank"></td>')
                continue
            text, cls = cell(row.get(c.key), c.kind)
            if c.flag:
                ok = row.get(c.flag)
                if ok is not None and ok is not pd.NA and not (isinstance(ok, float) and math.isnan(ok)):
                    cls += " ok" if bool(ok) else " bad"
            out.append(f'<td class="{cls}">{text}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    out.extend(f'<p class="note">{esc(n)}</p>' for n in t.notes)
    out.append("</section>")
    return "".join(out)


@dataclass(frozen=True)
class GlossaryEntry:
    """A glossary row: a header's Thai and English, what it holds (the spec's help, if any), the tables using it."""

    th: str
    en: str
    meaning: Label | None
    tables: tuple[str, ...]


def glossary(tables: Iterable[ReportTable]) -> list[GlossaryEntry]:
    """The headers whose English the wide tables left out (:attr:`ReportTable.english_headers`), once per
    Thai/English pair, in order of first use, each with the tables (:attr:`ReportTable.number`) that use it."""
    found: dict[tuple[str, str], tuple[Label | None, list[str]]] = {}
    for t in tables:
        if t.english_headers:
            continue
        for c in t.columns:
            if not c.en:
                continue
            help_, used = found.setdefault((c.th, c.en), (c.meaning, []))
            if t.number not in used:
                used.append(t.number)
    return [GlossaryEntry(th, en, help_, tuple(used)) for (th, en), (help_, used) in found.items()]
