"""From an uploaded file to typed tables: the safety gate, the reader, then the normaliser.

A file that cannot be read at all raises :class:`Unreadable` (the CLI exits 2);
everything else, however wrong, comes back as tables plus findings at their cells.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from importer.normalise import clean_text, normalise_column
from importer.reader import SheetData, TemplateNotRecognised, WorkbookData, read_workbook
from importer.safety import Checked, WorkbookRefused, check_workbook
from sms.errors import BilingualError
from sms.findings import Finding

FORMULA_WITHOUT_VALUE = re.compile(  # <c r="F12"><f>SUM(..)</f></c>, with no <v> value or an empty one
    rb'<c r="([A-Z]+)(\d+)"[^>]*?>\s*<f[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>\s*|<v\s*/>\s*)?</c>')


class Unreadable(BilingualError):
    """The file cannot be read as a workbook at all; the messages say why and what to do."""


@dataclass
class ParsedSheet:
    data: SheetData
    values: pd.DataFrame  # typed, every spec column present, index = Excel row number
    file: str = ""

    @property
    def sheet(self):
        return self.data.sheet


@dataclass
class ParsedWorkbook:
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


def has_formula(archive: zipfile.ZipFile, part: str, chunk: int = 1 << 20) -> bool:
    """Whether a sheet holds any formula, streamed so a large sheet is never held in memory for it."""
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(chunk):
            if b"<f" in tail + block[:1] or b"<f" in block:
                return True
            tail = block[-1:]
    return False


def formulas_without_value(path: Path, checked: Checked, data: WorkbookData) -> list[Finding]:
    """Cells holding a formula but no cached value: the file was saved by a program that never calculated it."""
    findings = []
    with zipfile.ZipFile(path) as archive:
        for sd in data.sheets.values():
            part = checked.sheet_parts.get(sd.name)
            if part is None:
                continue
            if not has_formula(archive, part):
                continue
            xml = archive.read(part)
            by_letter = {letter: key for key, letter in sd.letters.items()}
            for letter, row in FORMULA_WITHOUT_VALUE.findall(xml):
                key = by_letter.get(letter.decode())
                if key is None or int(row) <= sd.header_row:
                    continue
                col = sd.sheet.column(key)
                findings.append(Finding.of(
                    "S03", f"ช่อง {letter.decode()}{int(row)} เป็นสูตรที่ยังไม่ได้คำนวณ ให้เปิดไฟล์ใน Excel แล้วบันทึกใหม่ "
                    "หรือวางเป็นค่า", f"Cell {letter.decode()}{int(row)} holds a formula with no calculated value; "
                    "open the file in Excel and save it again, or paste the values.",
                    file=data.path.name, sheet=sd.sheet.key, row=int(row), column=key, header=col.header,
                    cell=f"{letter.decode()}{int(row)}"))
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
        checked = check_workbook(path)
        data = read_workbook(path)
    except (WorkbookRefused, TemplateNotRecognised) as refused:
        raise Unreadable(refused.message_th, refused.message_en, refused.reason) from None
    except Exception as exc:  # a reader failure on a file that passed the gate: still the file's fault
        raise Unreadable(f"อ่านไฟล์ {path.name} ไม่ได้ ({type(exc).__name__}) กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
                         f"{path.name} could not be read ({type(exc).__name__}); open it in Excel and save it "
                         "again as .xlsx.", "unreadable") from None
    findings = list(data.findings) + formulas_without_value(path, checked, data)
    sheets = {}
    for key, sd in data.sheets.items():
        sheets[key], sheet_findings = typed_sheet(sd, path.name)
        findings.extend(sheet_findings)
    return ParsedWorkbook(data, sheets, findings, checked.has_macros)
