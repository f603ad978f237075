"""Write a template as a standardised Excel workbook (xlsxwriter).

The workbook carries everything a unit needs to fill it without calling anyone:
an instructions sheet with the column dictionary, one sheet per table with a
bilingual protected header, dropdowns fed from a hidden protected lists sheet,
input messages, number and date formats, and a hidden metadata sheet the
importer reads the template id and version from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from domain.fiscal import FISCAL_MONTH_ORDER, fiscal_year_bounds, month_label
from templates.spec import META, Column, Sheet, Template

DATA_ROWS = 5000  # rows below the header that get formats, dropdowns and input messages
INSTRUCTIONS = "คำแนะนำ"
LISTS = "_lists"
GENERATOR = "SMS Workbench"

DATE_FORMAT = "[$-1070000]d/m/yyyy"  # Buddhist-Era display (calendar 07) in Excel and LibreOffice
NUMBER_FORMATS = {"money": "#,##0.00", "number": "#,##0.##", "integer": "0", "date": DATE_FORMAT,
                  "quarter": "0", "text": "@", "code": "@", "choice": "@", "month": "@"}
TYPE_LABELS = {"text": "ข้อความ / text", "code": "รหัส / code", "choice": "ตัวเลือก / choice",
               "integer": "จำนวนเต็ม / integer", "number": "ตัวเลข / number",
               "money": "จำนวนเงิน / amount (THB)", "date": "วันที่ / date", "month": "เดือน / month",
               "quarter": "ไตรมาส / quarter"}
STEPS = (
    ("กรอกข้อมูลแต่ละแผ่นงานตั้งแต่แถวที่ 2 หนึ่งแถวต่อหนึ่งรายการ",
     "Fill each sheet from row 2, one row per record."),
    ("ช่องที่มีรายการให้เลือก ให้เลือกจากรายการ หรือพิมพ์เฉพาะรหัส",
     "Pick coded values from the dropdown, or type the code alone."),
    ("วันที่พิมพ์แบบ วัน/เดือน/ปี พ.ศ. เช่น 15/11/2568 หรือใช้วันที่ของ Excel",
     "Type dates as day/month/BE year, e.g. 15/11/2568, or use a real Excel date."),
    ("จำนวนเงินเป็นบาท ไม่ติดลบ ทศนิยมไม่เกิน 2 ตำแหน่ง",
     "Amounts are in baht, not negative, with at most 2 decimals."),
    ("ห้ามเปลี่ยนชื่อแผ่นงานหรือหัวตาราง และห้ามลบแผ่นงานที่ซ่อนไว้",
     "Do not rename sheets or headers, and do not delete the hidden sheets."),
    ("ตรวจไฟล์ก่อนส่งด้วยแอปตรวจทาน หรือคำสั่ง sms validate แล้วอัปโหลดในแอป",
     "Check the file in the review app or with `sms validate`, then upload it in the app."),
)


class CodeLists(Protocol):
    """What a workbook needs of the reference data (``reference.reference_set.ReferenceSet`` has it): the dropdown
    entries of a code list ("code name"), restricted to a cost centre's own where that applies, and the
    name of one code. A protocol, so the templates do not depend on the reference data above them."""

    def labels(self, sheet_key: str, cost_center: str | None = None) -> list[str]: ...

    def name_of(self, sheet_key: str, code: str) -> str: ...


def metadata(template: Template, fiscal_year: int | None, cost_center: str | None) -> dict[str, str]:
    meta = {"template": template.key, "template_version": str(template.version), "generator": GENERATOR,
            "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if fiscal_year:
        meta["fiscal_year"] = str(fiscal_year)
    if cost_center:
        meta["cost_center"] = cost_center
    return meta


def requirement(col: Column) -> str:
    """The rule a column's values follow, in words, for the dictionary and input messages."""
    parts = ["จำเป็น / required" if col.required else "ไม่บังคับ / optional"]
    if col.choices:
        parts.append(" | ".join(col.choices))
    if col.codes:
        parts.append(f"รหัสจากรายการ {col.codes} / a code from the {col.codes} list")
    if col.ref:
        parts.append(f"ต้องมีใน {col.ref} / must exist in {col.ref}")
    low, high = col.lower_bound, col.upper_bound
    if col.type not in ("month", "quarter"):
        if low is not None and high is not None:
            parts.append(f"{low:g} – {high:g}")
        elif low is not None:
            parts.append(f">= {low:g}")
        elif high is not None:
            parts.append(f"<= {high:g}")
    if col.decimals:
        parts.append(f"ทศนิยมไม่เกิน {col.decimals} / at most {col.decimals} decimals")
    return "; ".join(parts)


class _Writer:
    """One workbook being written; holds its formats and dropdown sources."""

    def __init__(self, path: Path, template: Template, reference: CodeLists,
                 fiscal_year: int | None, cost_center: str | None, refs: Mapping[str, Iterable[str]]):
        self.book = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
        self.template, self.reference = template, reference
        self.fiscal_year, self.cost_center = fiscal_year, cost_center
        self.refs = {k: list(v) for k, v in refs.items()}
        base = {"font_name": "Tahoma", "font_size": 10, "valign": "top"}
        self.header = self.book.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#DCE6F1",
                                            "border": 1, "locked": True})
        self.cell = {t: self.book.add_format({**base, "num_format": f, "locked": False})
                     for t, f in NUMBER_FORMATS.items()}
        self.title = self.book.add_format({**base, "bold": True, "font_size": 14})
        self.bold = self.book.add_format({**base, "bold": True})
        self.wrap = self.book.add_format({**base, "text_wrap": True})
        self.lists: dict[str, str] = {}
        self.sheets = {s.key: s for s in template.sheets}

    # -- dropdown sources ------------------------------------------------------------------
    def list_source(self, col: Column) -> str | None:
        """A formula for the column's dropdown, or None when the column has no closed list."""
        if col.choices:
            return self._list(f"{col.key}:choices", col.choices)
        if col.type == "month":
            return self._list("months", [month_label(m) for m in FISCAL_MONTH_ORDER])
        if col.type == "quarter":
            return self._list("quarters", ["1", "2", "3", "4"])
        if col.codes:
            return self._list(col.codes, self.reference.labels(col.codes, self.cost_center))
        if col.ref:
            sheet_key, key = col.ref.split(".")
            if sheet_key in self.sheets:  # the key column of another sheet of this workbook
                target = self.sheets[sheet_key]
                letter = xl_col_to_name(target.keys.index(key))
                return f"='{target.name}'!${letter}$2:${letter}${DATA_ROWS + 1}"
            if col.ref in self.refs:  # known keys from the store, when personalised
                return self._list(col.ref, self.refs[col.ref])
        return None

    def _list(self, key: str, values: Iterable[str]) -> str:
        if key not in self.lists:
            values = list(values)
            ws = self.book.get_worksheet_by_name(LISTS)
            col = len(self.lists)
            ws.write_string(0, col, key, self.bold)
            for row, value in enumerate(values, start=1):
                ws.write_string(row, col, str(value))
            letter = xl_col_to_name(col)
            self.lists[key] = f"={LISTS}!${letter}$2:${letter}${max(len(values), 1) + 1}"
        return self.lists[key]

    # -- sheets ----------------------------------------------------------------------------
    def instructions(self) -> None:
        t = self.template
        ws = self.book.add_worksheet(INSTRUCTIONS)
        ws.set_column(0, 0, 14)
        ws.set_column(1, 2, 34)
        ws.set_column(3, 6, 26)
        ws.write(0, 0, f"{t.th} / {t.en}", self.title)
        ws.write(1, 0, f"{t.help_th} / {t.help_en}", self.wrap)
        facts = [("แบบฟอร์ม / Template", f"{t.key} v{t.version}")]
        if self.fiscal_year:
            start, end = fiscal_year_bounds(self.fiscal_year)
            facts.append(("ปีงบประมาณ / Fiscal year", f"{self.fiscal_year} ({start:%d/%m/%Y} – {end:%d/%m/%Y} CE)"))
        if self.cost_center:
            name = self.reference.name_of("cost_centers", self.cost_center)
            facts.append(("ศูนย์ต้นทุน / Cost centre", f"{self.cost_center} {name}"))
        row = 3
        for label, value in facts:
            ws.write(row, 0, label, self.bold)
            ws.write_string(row, 1, value)
            row += 1
        row += 1
        ws.write(row, 0, "วิธีกรอก / How to fill", self.bold)
        for n, (th, en) in enumerate(STEPS, start=1):
            ws.write(row + n, 0, n)
            ws.write(row + n, 1, th, self.wrap)
            ws.write(row + n, 2, en, self.wrap)
        row += len(STEPS) + 2
        ws.write(row, 0, "พจนานุกรมคอลัมน์ / Column dictionary", self.bold)
        row += 1
        heads = ("แผ่นงาน / Sheet", "หัวคอลัมน์ / Header (TH)", "Header (EN)", "ชนิด / Type",
                 "เงื่อนไข / Rule", "คำอธิบาย / Help")
        for c, head in enumerate(heads):
            ws.write(row, c, head, self.header)
        for sheet in t.sheets:
            for i, col in enumerate(sheet.columns):
                row += 1
                ws.write_string(row, 0, f"{sheet.name} {xl_col_to_name(i)}")
                ws.write_string(row, 1, col.th)
                ws.write_string(row, 2, col.en)
                ws.write_string(row, 3, TYPE_LABELS[col.type])
                ws.write_string(row, 4, requirement(col), self.wrap)
                ws.write_string(row, 5, " / ".join(h for h in (col.help_th, col.help_en) if h), self.wrap)
        ws.activate()

    def table(self, sheet: Sheet, rows: pd.DataFrame | None) -> None:
        ws = self.book.get_worksheet_by_name(sheet.name)
        ws.set_row(0, 42)
        for i, col in enumerate(sheet.columns):
            ws.set_column(i, i, col.width or max(14, len(col.en) + 2), self.cell[col.type])
            ws.write_string(0, i, col.header, self.header)
            self.validate(ws, i, col)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, DATA_ROWS, len(sheet.columns) - 1)
        ws.protect(options={"insert_rows": True, "delete_rows": True, "sort": True, "autofilter": True,
                            "format_columns": True, "format_rows": True})
        if rows is not None:
            self.fill(ws, sheet, rows)

    def validate(self, ws, i: int, col: Column) -> None:
        """A dropdown or a type check on the column, with its help as the input message."""
        options: dict = {"input_title": col.en[:32], "ignore_blank": True, "error_type": "warning",
                         "input_message": _clip(" / ".join(h for h in (col.help_th, col.help_en) if h)
                                                + ("\n" if col.help_th or col.help_en else "") + requirement(col))}
        source = self.list_source(col)
        if source:
            options.update(validate="list", source=source)
            options["error_type"] = "stop" if (col.choices or col.type in ("month", "quarter")) else "warning"
        elif col.type == "date":
            low, high = (fiscal_year_bounds(self.fiscal_year) if self.fiscal_year
                         else (dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
            options.update(validate="date", criteria="between", minimum=_datetime(low), maximum=_datetime(high))
        elif col.type in ("money", "number", "integer"):
            low, high = col.lower_bound, col.upper_bound
            options.update(validate="integer" if col.type == "integer" else "decimal", criteria="between",
                           minimum=-1e15 if low is None else low, maximum=1e15 if high is None else high)
        else:
            options["validate"] = "any"
        ws.data_validation(1, i, DATA_ROWS, i, options)

    def fill(self, ws, sheet: Sheet, rows: pd.DataFrame) -> None:
        """Write data rows; a string in a typed column is written as typed (demo mistakes)."""
        for r, record in enumerate(rows.itertuples(index=False), start=1):
            for i, col in enumerate(sheet.columns):
                value = getattr(record, col.key, None)
                if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
                    continue
                fmt = self.cell[col.type]
                if isinstance(value, str):
                    ws.write_string(r, i, value, fmt)
                elif col.type == "month":
                    ws.write_string(r, i, month_label(int(value)), fmt)
                elif col.type == "date":
                    ws.write_datetime(r, i, _datetime(value), fmt)
                elif col.type in ("code", "text", "choice"):
                    ws.write_string(r, i, str(value), fmt)
                else:
                    ws.write_number(r, i, float(value), fmt)

    def meta(self) -> None:
        ws = self.book.get_worksheet_by_name(META)
        for row, (key, value) in enumerate(metadata(self.template, self.fiscal_year, self.cost_center).items()):
            ws.write_string(row, 0, key)
            ws.write_string(row, 1, value)

    def write(self, data: Mapping[str, pd.DataFrame]) -> None:
        self.instructions()
        for sheet in self.template.sheets:
            self.book.add_worksheet(sheet.name)
        for name in (LISTS, META):
            hidden = self.book.add_worksheet(name)
            hidden.hide()
            hidden.protect()
        for sheet in self.template.sheets:
            self.table(sheet, data.get(sheet.key))
        self.meta()
        self.book.close()


def _datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return dt.datetime.combine(value, dt.time())


def _clip(text: str, limit: int = 255) -> str:
    """Excel's input message limit counts UTF-16 units; Thai is one unit a character."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_workbook(template: Template, path: Path, reference: CodeLists, *, fiscal_year: int | None = None,
                   cost_center: str | None = None, data: Mapping[str, pd.DataFrame] | None = None,
                   refs: Mapping[str, Iterable[str]] | None = None) -> Path:
    """Write ``template`` to ``path``; personalised when ``cost_center`` is given, filled when ``data`` is."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _Writer(path, template, reference, fiscal_year, cost_center, refs or {}).write(data or {})
    return path

