"""Annotated workbooks: what ``sms validate --annotate DIR`` writes for the unit to fix in Excel.

For each validated workbook, one of:

- a **checked copy** (``<stem>.checked.xlsx``, "full"): the template sheets rewritten with
  xlsxwriter from the values the reader already holds, every value at its original cell
  (same sheet names, column letters and Excel rows), the template's header, number and date
  formats, the ``_meta`` sheet (so the copy is recognised and can be uploaded again), error
  cells filled light red and warning cells light yellow, each with a comment giving the
  finding in Thai and English with its rule id; and, first, a findings sheet listing every
  finding with a link to its cell;
- a **findings list** (``<stem>.findings.xlsx``, "findings only"): the findings sheet alone,
  cells as plain references into the original file, which is the one to fix.

Measured (2 cores): a 100,000-row, 9-column workbook with 1,000 findings takes ~9 s and
~10 MB more memory for the full copy (xlsxwriter in constant_memory mode, ~10 µs a cell; each
comment adds ~0.1 ms and ~3 KB), 0.1 s for the findings list. So the full copy is the
default up to :data:`FULL_COPY_MAX_ROWS` data rows and the findings list above; the caller
may force either.

Each cell is written as its parsed value (a number as a number, a date as a date), or as the
text typed where it did not parse. Round trip: reading the checked copy back with
:func:`importer.parse.parse_workbook` gives the same typed values and, validated again, the
same findings. What the copy does not
keep: formulas (their calculated values are written instead, so an S03 "formula without a
value" cell comes back blank), columns and sheets outside the template (S02 columns, the
unit's own sheets), rows the reader skipped (blank, title and total rows), the instructions
sheet and the dropdowns.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

from domain.findings import Finding
from domain.vocabulary import FIGURES, Severity
from importer.parse import ParsedSheet
from templates.spec import Column
from templates.workbook import DATE_FORMAT, GENERATOR, META, NUMBER_FORMATS
from validators.validate import FileReport, Report

FULL_COPY_MAX_ROWS = 50_000  # above this many data rows the default is the findings list alone
FINDINGS_SHEET = "ผลการตรวจ"
CHECKED_SUFFIX = ".checked.xlsx"
FINDINGS_SUFFIX = ".findings.xlsx"
MAX_LINKS = 65_530  # Excel's limit of hyperlinks in one worksheet; later findings get a plain reference
MAX_FINDING_ROWS = 1_048_576 - 4  # the findings sheet's rows below its title and header
COMMENT_FINDINGS = 5  # findings spelled out in one cell's comment; the rest are counted
MAX_COMMENTS = 50_000  # comments per copy (~3 KB of memory and ~0.1 ms each); later flagged cells are only filled

FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C"}  # Excel's light red and light yellow
GENERAL = "General"
BASE = {"font_name": "Tahoma", "font_size": 10, "valign": "top"}
PROTECTION = {"insert_rows": True, "delete_rows": True, "sort": True, "autofilter": True,
              "format_columns": True, "format_rows": True, "format_cells": True}  # the template's, and clearing a fill
CELL_REF = re.compile(r"^[A-Z]{1,3}[1-9]\d*$")

HEADS = (("no", 6), ("sheet", 16), ("cell", 8), ("column", 28), ("rule", 6), ("severity", 16),  # key, width
         ("message_th", 60), ("message_en", 60), ("value", 20))
TITLE_ROWS = 2  # a title and a how-to line above the findings header


def wants_full(report: FileReport) -> bool:
    """The default: a full checked copy up to :data:`FULL_COPY_MAX_ROWS` data rows, else the findings list; the
    list too when a header names a column twice (S11), since the copy would keep neither column's values."""
    return (report.parsed is not None and report.parsed.rows <= FULL_COPY_MAX_ROWS
            and not any(f.rule == "S11" for f in report.findings))


def output_path(report: FileReport, out_dir: Path, full: bool) -> Path:
    return Path(out_dir) / f"{report.path.stem}{CHECKED_SUFFIX if full else FINDINGS_SUFFIX}"


def annotate(report: FileReport, out_dir: Path, *, full: bool | None = None, path: Path | None = None) -> Path:
    """Write the checked copy (``full``) or the findings list of one validated workbook; return its path.

    ``full=None`` chooses by size (:func:`wants_full`). ``path`` overrides the file name.
    Raises ``ValueError`` for a file that could not be read (there is nothing to annotate).
    """
    if report.parsed is None:
        raise ValueError(f"{report.path} could not be read; there is nothing to annotate")
    full = wants_full(report) if full is None else full
    target = Path(path) if path else output_path(report, out_dir, full)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        _Annotation(report, partial, full).write()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def annotate_all(report: Report, out_dir: Path, *, full: bool | None = None) -> list[Path]:
    """Annotate every readable file of a report into ``out_dir``; two inputs of one name get distinct outputs."""
    written: list[Path] = []
    for fr in report.files:
        if fr.parsed is None:
            continue
        chosen = wants_full(fr) if full is None else full
        target, n = output_path(fr, out_dir, chosen), 1
        while target in written:
            n += 1
            suffix = CHECKED_SUFFIX if chosen else FINDINGS_SUFFIX
            target = Path(out_dir) / f"{fr.path.stem}-{n}{suffix}"
        written.append(annotate(fr, out_dir, full=chosen, path=target))
    return written


@dataclass
class _Mark:
    """The findings at one cell."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return "error" if any(f.is_error for f in self.findings) else "warning"

    def comment(self) -> str:
        shown = [f"{f.message_th}\n{f.message_en}\n[{f.rule}]" for f in self.findings[:COMMENT_FINDINGS]]
        if len(self.findings) > COMMENT_FINDINGS:
            more = len(self.findings) - COMMENT_FINDINGS
            shown.append(f"… อีก {more} รายการ ดูแผ่นงาน {FINDINGS_SHEET} / {more} more on the {FINDINGS_SHEET} sheet")
        return "\n\n".join(shown)


def _comment_options(text: str) -> dict:
    """A box wide enough to read: about 60 characters a line at x_scale 3, 15 px a line."""
    lines = sum(max(1, math.ceil(len(line) / 60)) for line in text.split("\n"))
    return {"author": GENERATOR, "x_scale": 3, "y_scale": max(1.0, lines * 15 / 74), "font_name": "Tahoma",
            "font_size": 9}


class _Exact(float):
    """A float xlsxwriter writes with every digit: it writes 16 significant digits, which can change a value."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return repr(float(self))


def _exact(number: float) -> float:
    return number if float(f"{number:.16g}") == number else _Exact(number)


def _quote(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


class _Annotation:
    def __init__(self, report: FileReport, path: Path, full: bool):
        self.report, self.parsed, self.full = report, report.parsed, full
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                     "strings_to_formulas": False, "strings_to_urls": False})
        self.book.set_properties({"title": f"{report.file}: {FINDINGS_SHEET}", "author": GENERATOR,
                                  "comments": f"Checked by {GENERATOR}"})
        self._formats: dict[tuple, object] = {}
        self.header = self.book.add_format({**BASE, "bold": True, "text_wrap": True, "bg_color": "#DCE6F1",
                                            "border": 1, "locked": True})
        # sheet key -> {(row, column) counted from 0: the findings there}, for a full copy
        self.marks: dict[str, dict[tuple[int, int], _Mark]] = {}
        self.comments = 0
        if full:
            for f in report.findings:
                first = (f.cell or "").split(":")[0]  # a range (merged cells, S14) is marked at its first cell
                if f.sheet in self.parsed.sheets and CELL_REF.match(first):
                    at = xl_cell_to_rowcol(first)
                    self.marks.setdefault(f.sheet, {}).setdefault(at, _Mark()).findings.append(f)

    def fmt(self, num_format: str | None, fill: str | None = None, **extra):
        key = (num_format, fill, tuple(sorted(extra.items())))
        if key not in self._formats:
            props = {**BASE, "locked": False, **extra}
            if num_format and num_format != GENERAL:
                props["num_format"] = num_format
            if fill:
                props.update(bg_color=fill, pattern=1)
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    def sheet_name(self, key: str) -> str:
        if key in self.parsed.sheets:
            return self.parsed.sheets[key].data.name
        try:
            return self.parsed.template.sheet(key).name
        except KeyError:
            return key

    # -- the findings sheet ----------------------------------------------------------------------
    def findings_sheet(self) -> None:
        ws = self.book.add_worksheet(FINDINGS_SHEET)
        findings = self.report.findings
        errors, warnings = self.report.errors, self.report.warnings
        ws.write_string(0, 0, f"ผลการตรวจไฟล์ {self.report.file}: ข้อผิดพลาด {errors:,} คำเตือน {warnings:,} / "
                              f"Findings for {self.report.file}: {errors:,} errors, {warnings:,} warnings",
                        self.fmt(None, bold=True, font_size=12))
        if self.full:
            how = ("แก้ช่องที่ระบายสีในไฟล์นี้ (สีแดง = ข้อผิดพลาด สีเหลือง = คำเตือน ดูคำอธิบายในข้อคิดเห็นของช่อง) "
                   "คลิกที่ช่องในคอลัมน์ 'ช่อง' เพื่อไปยังช่องนั้น แล้วบันทึกและอัปโหลดไฟล์นี้ใหม่ สำเนานี้มีเฉพาะแผ่นงานของ"
                   f"แบบฟอร์ม ไม่มีแผ่นงานอื่นของหน่วยงาน สูตร คำแนะนำ และรายการให้เลือก ให้เก็บไฟล์ต้นฉบับ {self.report.file} "
                   "ไว้ อย่าบันทึกทับ / Fix the coloured cells in this file (red = error, yellow = warning; each "
                   "cell's comment says why), click a cell reference to go there, then save and upload this file "
                   "again. This copy holds the template's sheets only, without your own sheets, formulas, the "
                   f"instructions and the dropdowns: keep your original {self.report.file}; do not save over it.")
        else:
            how = (f"แก้ไขในไฟล์ต้นฉบับ {self.report.file} ตามช่องที่ระบุ แล้วอัปโหลดใหม่ / Fix these cells in the "
                   f"original file {self.report.file}, then upload it again.")
        ws.write_string(1, 0, how)
        head = TITLE_ROWS
        ws.set_row(head, 30)
        for c, (key, width) in enumerate(HEADS):
            ws.set_column(c, c, width, self.fmt(None, text_wrap=c in (3, 6, 7)))
            ws.write_string(head, c, f"{FIGURES[key].th}\n{FIGURES[key].en}", self.header)
        shown = findings[:MAX_FINDING_ROWS]
        links = 0
        for n, f in enumerate(shown, start=1):
            r = head + n
            name = self.sheet_name(f.sheet)
            ws.write_number(r, 0, n)
            ws.write_string(r, 1, name)
            linkable = self.full and f.sheet in self.parsed.sheets and CELL_REF.match((f.cell or "").split(":")[0])
            if linkable and links < MAX_LINKS:
                ws.write_url(r, 2, f"internal:{_quote(name)}!{f.cell}", string=f.cell,
                             tip=f"ไปที่ / go to {name}!{f.cell}")
                links += 1
            elif f.cell:
                ws.write_string(r, 2, f.cell)
            if f.header:
                ws.write_string(r, 3, f.header.replace("\n", " / "))
            ws.write_string(r, 4, f.rule)
            ws.write_string(r, 5, Severity(f.severity).label, self.fmt(None, FILLS.get(f.severity)))
            ws.write_string(r, 6, f.message_th)
            ws.write_string(r, 7, f.message_en)
            if f.value:
                ws.write_string(r, 8, f.value)
        last = head + max(len(shown), 1)
        if not findings:
            ws.write_string(head + 1, 6, "ไม่พบข้อผิดพลาดหรือคำเตือน")
            ws.write_string(head + 1, 7, "No errors or warnings.")
        elif len(findings) > len(shown):
            ws.write_string(last + 1, 6, f"… อีก {len(findings) - len(shown):,} รายการ ไม่แสดง")
            ws.write_string(last + 1, 7, f"… {len(findings) - len(shown):,} more not shown.")
        ws.freeze_panes(head + 1, 0)
        ws.autofilter(head, 0, last, len(HEADS) - 1)
        ws.activate()

    # -- a data sheet ------------------------------------------------------------------------------
    def data_sheet(self, ps: ParsedSheet) -> None:
        sd = ps.data
        ws = self.book.add_worksheet(sd.name)
        marks = self.marks.get(sd.sheet.key, {})
        cells = ps.cells()
        columns: list[tuple[int, Column, list]] = []
        for key, letter in sd.letters.items():
            c = xl_cell_to_rowcol(f"{letter}1")[1]
            columns.append((c, sd.sheet.column(key), cells[key].tolist()))
        columns.sort(key=lambda item: item[0])
        head = sd.header_row - 1
        ws.set_row(head, 42)
        for c, col, _ in columns:
            ws.set_column(c, c, col.width or max(14, len(col.en) + 2), self.fmt(NUMBER_FORMATS[col.type]))
            ws.write_string(head, c, col.header, self.header)
        # the unflagged text and number cells (nearly all) take a short path
        plain = [(c, col, values, self.fmt(NUMBER_FORMATS[col.type])) for c, col, values in columns]
        write_string, write_number = ws.write_string, ws.write_number

        at = {row: i for i, row in enumerate(sd.frame.index.tolist())}
        by_row: dict[int, dict[int, _Mark]] = {}
        for (r, c), mark in marks.items():
            by_row.setdefault(r, {})[c] = mark
        rows = sorted(set(at) | {r + 1 for r in by_row if r > head})  # Excel rows, in order (constant_memory)
        for row in rows:
            r, i = row - 1, at.get(row)
            row_marks = by_row.get(r, {})
            written = set()
            if i is not None:
                for c, col, values, own_format in plain:
                    value, mark = values[i], row_marks.get(c)
                    kind = type(value)
                    if mark is None and kind is str:
                        write_string(r, c, value, own_format)
                    elif mark is None and kind is float:
                        write_number(r, c, _exact(value), own_format)
                    else:
                        self.cell(ws, r, c, value, col, FILLS[mark.severity] if mark else None)
                    written.add(c)
            for c in sorted(row_marks):
                if c not in written:  # a flagged cell the reader holds no value for
                    ws.write_blank(r, c, None, self.fmt(None, FILLS[row_marks[c].severity]))
            for c, mark in row_marks.items():
                if self.comments < MAX_COMMENTS:
                    text = mark.comment()
                    ws.write_comment(r, c, text, _comment_options(text))
                    self.comments += 1
        if columns:
            ws.freeze_panes(head + 1, 0)
            ws.autofilter(head, columns[0][0], max(rows[-1] - 1 if rows else head, head), columns[-1][0])
        ws.protect(options=PROTECTION)

    def cell(self, ws, r: int, c: int, value, col: Column, fill: str | None) -> None:
        """Write one cell: a value of the column's type, or the text typed where it did not parse."""
        own = NUMBER_FORMATS[col.type]
        if isinstance(value, str) and value:
            ws.write_string(r, c, value, self.fmt(own, fill))
        elif isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
            ws.write_number(r, c, _exact(float(value)), self.fmt(own, fill))
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.fmt(DATE_FORMAT, fill))
        elif fill:
            ws.write_blank(r, c, None, self.fmt(own, fill))

    # -- the metadata sheet ----------------------------------------------------------------------
    def meta_sheet(self) -> None:
        meta = dict(self.parsed.workbook.meta)
        if not meta.get("template"):  # a file recognised by its sheets: say what it was recognised as
            meta = {"template": self.parsed.template.key, "template_version": str(self.parsed.workbook.version),
                    **meta}
        ws = self.book.add_worksheet(META)
        for r, (key, value) in enumerate(meta.items()):
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, value)
        ws.hide()
        ws.protect()

    def write(self) -> None:
        self.findings_sheet()
        if self.full:
            for sheet in self.parsed.template.sheets:
                if sheet.key in self.parsed.sheets:
                    self.data_sheet(self.parsed.sheets[sheet.key])
            self.meta_sheet()
        self.book.close()


def describe(path: Path) -> str:
    """What a written file is, in both languages, for the CLI's output."""
    if path.name.endswith(CHECKED_SUFFIX):
        return "สำเนาที่ระบายสีช่องที่ต้องแก้ / checked copy, flagged cells coloured"
    return "รายการผลการตรวจ (แก้ในไฟล์ต้นฉบับ) / findings list (fix the original file)"
