"""From an uploaded file to typed tables: the safety gate, the reader, then the normaliser.

A file that cannot be read at all raises :class:`Unreadable` (the CLI exits 2);
everything else, however wrong, comes back as tables plus findings at their cells.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from domain.errors import Unreadable
from domain.findings import Finding
from importer.normalise import clean_text, normalise_column
from importer.reader import SheetData, WorkbookData, read_workbook
from importer.safety import Checked, check_workbook

FORMULA_WITHOUT_VALUE = re.compile(  # <c r="F12"><f>SUM(..)</f></c>, with no <v> value or an empty one
    rb'<c r="([A-Z]+)(\d+)"[^>]*?>\s*<f[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>\s*|<v\s*/>\s*)?</c>')
ERROR_VALUE = re.compile(  # <c r="F12" t="e"><f>1/0</f><v>#DIV/0!</v></c>: the reader sees a blank
    rb'<c r="([A-Z]+)(\d+)"[^>]*?\st="e"[^>]*>\s*(?:<f[^>]*?(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>')
MARKERS = (b"<f", b't="e"')  # a formula, an error value


@dataclass
class ParsedSheet:
    """One sheet read and typed: the raw text (``data``) and the typed ``values`` (every spec column, index =
    Excel row; money in baht as float64, dates as ``datetime.date``, blanks as NA)."""

    data: SheetData
    values: pd.DataFrame  # typed, every spec column present, index = Excel row number
    file: str = ""

    @property
    def sheet(self):
        return self.data.sheet

    def cells(self) -> pd.DataFrame:
        """What to write back to a workbook: each cell's value where it parsed, else its text as typed."""
        frame = self.values.astype(object).where(self.values.notna(), None)
        for key, raw in self.data.frame.items():
            typed = raw.fillna("").ne("").to_numpy(bool)
            frame[key] = frame[key].where(frame[key].notna() | ~typed, raw.astype(object))
        return frame


@dataclass
class ParsedWorkbook:
    """One workbook read: what the reader found (template, version, metadata), each sheet parsed, and the
    findings of reading it (S01–S03, S05, S10)."""

    workbook: WorkbookData
    sheets: dict[str, ParsedSheet]
    findings: list[Finding] = field(default_factory=list)
    has_macros: bool = False

    @property
    def template(self):
        return self.workbook.template

    @property
    def file(self) -> str:
        return self.workbook.path.name

    @property
    def rows(self) -> int:
        return sum(len(s.values) for s in self.sheets.values())


Hit = tuple[str, int, str]  # column letter, Excel row, the error value ('' for a formula without a value)


def has_markers(archive: zipfile.ZipFile, part: str, chunk: int = 1 << 20) -> bool:
    """Whether a sheet holds a formula or an error value, streamed so a large sheet is never held for it."""
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(chunk):
            window = tail + block
            if any(m in window for m in MARKERS):
                return True
            tail = block[-max(map(len, MARKERS)):]
    return False


def scan_parts(path: Path, parts: Iterable[str]) -> dict[str, list[Hit]]:
    """The cells the reader sees as blank though they are not, by worksheet part: a formula with no
    cached value (the file was saved by a program that never calculated it) or an error value such
    as #DIV/0!. Runs beside the reader, which leaves the GIL free while it works."""
    hits = {}
    with zipfile.ZipFile(path) as archive:
        for part in parts:
            if has_markers(archive, part):
                xml = archive.read(part)
                found = [(letter, row, b"") for letter, row in FORMULA_WITHOUT_VALUE.findall(xml)]
                found += ERROR_VALUE.findall(xml)
                hits[part] = [(letter.decode(), int(row), error.decode()) for letter, row, error in found]
    return hits


def cell_problems(hits: dict[str, list[Hit]], checked: Checked, data: WorkbookData) -> list[Finding]:
    """S03 findings of the scanned cells that fall in a template column below its header."""
    findings = []
    for sd in data.sheets.values():
        by_letter = {letter: key for key, letter in sd.letters.items()}
        for letter, row, error in hits.get(checked.sheet_parts.get(sd.name), []):
            key, cell = by_letter.get(letter), f"{letter}{row}"
            if key is None or row <= sd.header_row:
                continue
            if error:
                th = f"ช่อง {cell} มีค่าผิดพลาด {error} ให้แก้สูตรหรือพิมพ์ค่าที่ถูกต้องแทน"
                en = f"Cell {cell} holds the error {error}; fix the formula or type the right value."
            else:
                th = f"ช่อง {cell} เป็นสูตรที่ยังไม่ได้คำนวณ ให้เปิดไฟล์ใน Excel แล้วบันทึกใหม่ หรือวางเป็นค่า"
                en = (f"Cell {cell} holds a formula with no calculated value; open the file in Excel "
                      "and save it again, or paste the values.")
            findings.append(Finding.of("S03", th, en, file=data.path.name, sheet=sd.sheet.key, row=row, column=key,
                                       header=sd.sheet.column(key).header, cell=cell, value=error))
    return findings


def typed_sheet(sd: SheetData, file: str) -> tuple[ParsedSheet, list[Finding]]:
    """Normalise every column of a raw sheet; a cell that will not parse becomes an S05 finding."""
    columns, findings = {}, []
    for col in sd.sheet.columns:
        if col.key not in sd.frame:
            columns[col.key] = pd.Series(pd.NA, index=sd.frame.index, dtype=object)
            continue
        values, errors = normalise_column(sd.frame[col.key], col.type, col.choices)
        if col.type == "choice":  # an unknown choice is the validator's S07, with the list to pick from
            unknown = errors.notna()
            values[unknown] = sd.frame.loc[unknown, col.key].map(clean_text)
            errors[unknown] = None
        columns[col.key] = values
        for row, error in errors[errors.notna()].items():
            raw = sd.frame.at[row, col.key]
            findings.append(Finding.of("S05", f"{col.th}: {error.message_th}", f"{col.en}: {error.message_en}",
                                       file=file, sheet=sd.sheet.key, row=int(row), column=col.key,
                                       header=col.header, cell=sd.cell(col.key, int(row)), value=str(raw)))
    values = pd.DataFrame(columns, index=sd.frame.index)
    return ParsedSheet(sd, values, file), findings


def parse_workbook(path: Path) -> ParsedWorkbook:
    """Parse one file; raise :class:`Unreadable` when it is not a readable workbook of ours."""
    path = Path(path)
    try:
        checked = check_workbook(path, skip_unreadable_sheets=True)  # the reader judges them against its template
        with ThreadPoolExecutor(1) as pool:
            scanning = pool.submit(scan_parts, path, checked.sheet_parts.values())
            data = read_workbook(path, checked.package)
            hits = scanning.result()
    except (Unreadable, MemoryError):  # a MemoryError is the worker's memory cap (importer.isolation)
        raise
    except Exception:  # a reader failure on a file that passed the gate: still the file's fault (no library name)
        raise Unreadable(f"อ่านไฟล์ {path.name} ไม่ได้ กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
                         f"{path.name} could not be read; open it in Excel and save it again as .xlsx.",
                         file=path.name) from None
    findings = list(data.findings) + cell_problems(hits, checked, data)
    sheets = {}
    for key, sd in data.sheets.items():
        sheets[key], sheet_findings = typed_sheet(sd, path.name)
        findings.extend(sheet_findings)
    return ParsedWorkbook(data, sheets, findings, checked.has_macros)
