"""Read a filled workbook into raw tables, one per template sheet, found by header.

The template comes from the hidden metadata sheet, or, when a unit copied its
sheets into a new file, from the sheet names and headers. Values are read with
fastexcel, every cell as text (its type guessing from the first 1,000 rows would
silently null a later "1,234.50"), into Arrow; the normaliser parses them. Each raw
table is indexed by Excel row number, so every later finding knows its cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.errors import Reason, Unreadable
from domain.findings import Finding, column_letter
from importer.headers import HEADER_SEARCH_ROWS, fold, header_findings, header_names, locate_header
from importer.package import Package, readable
from templates import TEMPLATES, Sheet, Template
from templates.spec import META

TOTAL_WORDS = ("รวม", "total", "grand total", "รวมทั้งสิ้น")


class TemplateNotRecognised(Unreadable):
    """The workbook is not one of ours (``unknown_template``), or of a template version that cannot be read
    (``newer_version``, ``old_version``)."""

    reason = Reason.UNKNOWN_TEMPLATE


@dataclass
class SheetData:
    """One template sheet as found in a file: its worksheet name, header row and column letters, and every
    kept row's raw text."""

    sheet: Sheet
    name: str  # the worksheet's name in the file
    frame: pd.DataFrame  # raw text ("str", Arrow-backed), columns = spec keys found, index = Excel row number
    letters: dict[str, str]  # column key -> Excel column letter in this file
    header_row: int

    def cell(self, key: str, row: int) -> str:
        return f"{self.letters.get(key, '')}{row}"


@dataclass
class WorkbookData:
    """A workbook as the reader found it: its template and version, its ``_meta`` sheet, and each template
    sheet's raw rows (a sheet that is missing is absent, with an S10 finding)."""

    path: Path
    template: Template
    version: int
    meta: dict[str, str]
    sheets: dict[str, SheetData]
    findings: list[Finding] = field(default_factory=list)


def sheet_names(sheet: Sheet) -> set[str]:
    """Every folded spelling a worksheet holding ``sheet`` may be named by."""
    return {fold(sheet.name), fold(sheet.th), fold(sheet.en), fold(sheet.key)}


# How a worksheet is loaded: every cell as text; skip_rows=0 keeps the rows above the first filled one, so batch
# rows are Excel rows; leading empty columns are dropped, and each column says where it was.
AS_TEXT = {"header_row": None, "skip_rows": 0, "dtypes": "string"}


def load_rows(book: fastexcel.ExcelReader, name: str, n_rows: int | None = None) -> tuple[pa.RecordBatch, list[int]]:
    """Every cell of a worksheet as text (:data:`AS_TEXT`), row i of the batch being Excel row i + 1, and the
    Excel column index (0 = A) of each of its columns."""
    sheet = book.load_sheet(name, n_rows=n_rows, **AS_TEXT)
    return sheet.to_arrow(), [c.absolute_index for c in sheet.available_columns()]


def top_rows(batch: pa.RecordBatch, n: int | None = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first rows of a batch as lists of text, '' for a blank cell."""
    columns = [[v or "" for v in col.to_pylist()] for col in batch.slice(0, n).columns]
    return [list(row) for row in zip(*columns, strict=True)]


def read_meta(book: fastexcel.ExcelReader) -> dict[str, str]:
    """The hidden ``_meta`` sheet as {key: value}; empty when the workbook has none (sheets copied elsewhere)."""
    if META not in book.sheet_names:
        return {}
    rows = top_rows(load_rows(book, META)[0], n=None)
    return {r[0].strip(): r[1].strip() for r in rows if len(r) >= 2 and r[0] != ""}


def detect_template(book: fastexcel.ExcelReader, meta: dict[str, str], file: str) -> tuple[Template, int]:
    """The template and version the file was made from."""
    if meta.get("template"):
        key = meta["template"]
        if key not in TEMPLATES:
            raise TemplateNotRecognised(f"ไฟล์ {file} ระบุแบบฟอร์ม '{key}' ที่ระบบไม่รู้จัก",
                                        f"{file} names a template '{key}' this system does not know.")
        try:
            version = int(meta.get("template_version", "1"))
        except ValueError:
            version = 0
        return TEMPLATES[key], version
    folded = {fold(n) for n in book.sheet_names}
    scores = {key: sum(bool(sheet_names(s) & folded) for s in t.sheets) for key, t in TEMPLATES.items()}
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        best = _detect_by_headers(book)
    if best is None:
        raise TemplateNotRecognised(
            f"ไม่รู้จักแบบฟอร์มของไฟล์ {file}: ไม่พบแผ่นงานหรือหัวตารางของแบบฟอร์มมาตรฐาน "
            "กรุณาดาวน์โหลดแบบฟอร์มใหม่แล้วคัดลอกข้อมูลลงไป",
            f"{file} is not one of the standard templates: no known sheet or header was found. "
            "Download the template again and copy your data into it.")
    return TEMPLATES[best], TEMPLATES[best].version


def _top_cells(book: fastexcel.ExcelReader, name: str) -> set[str]:
    rows = top_rows(load_rows(book, name, n_rows=HEADER_SEARCH_ROWS)[0])
    return {fold(v) for row in rows for v in row if v != ""}


def looks_like(cells: set[str], sheet: Sheet) -> bool:
    """Whether a worksheet's top rows carry enough of a sheet's headers to be that sheet."""
    names = header_names(sheet)
    found = {names[c] for c in cells if c in names}
    required = [c.key for c in sheet.columns if c.required]
    return len(found) >= max(2, (len(required) + 1) // 2)


def _detect_by_headers(book: fastexcel.ExcelReader) -> str | None:
    tops = [_top_cells(book, name) for name in book.sheet_names]
    scores = {key: sum(any(looks_like(cells, s) for cells in tops) for s in t.sheets) for key, t in TEMPLATES.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def check_version(template: Template, version: int, file: str) -> dict[str, str]:
    """Header renames to apply for an older version; refuse versions the spec cannot map."""
    if version == template.version:
        return {}
    if version in template.readable_versions:
        return template.readable_versions[version]
    if version > template.version:
        raise TemplateNotRecognised(
            f"ไฟล์ {file} ใช้แบบฟอร์ม {template.key} รุ่น {version} ซึ่งใหม่กว่าระบบนี้ (รุ่น {template.version}) "
            "กรุณาแจ้งผู้ดูแลระบบให้ปรับปรุงระบบ", f"{file} uses version {version} of the {template.key} template, "
            f"newer than this system's version {template.version}; ask the administrator to update it.",
            reason=Reason.NEWER_VERSION)
    raise TemplateNotRecognised(
        f"ไฟล์ {file} ใช้แบบฟอร์ม {template.key} รุ่น {version} ซึ่งอ่านไม่ได้แล้ว "
        f"กรุณาดาวน์โหลดแบบฟอร์มรุ่น {template.version} แล้วคัดลอกข้อมูลลงไป",
        f"{file} uses version {version} of the {template.key} template, which can no longer be read; "
        f"download version {template.version} and copy your data into it.",
        reason=Reason.OLD_VERSION)


def named_as_a_sheet(name: str) -> bool:
    """Whether a worksheet is named as a sheet of some template (:func:`find_worksheet` takes it by that name)."""
    return fold(name) in _SHEET_NAMES


_SHEET_NAMES = frozenset(n for t in TEMPLATES.values() for s in t.sheets for n in sheet_names(s))


def find_worksheet(book: fastexcel.ExcelReader, sheet: Sheet, claimed: set[str]) -> str | None:
    """The worksheet holding a sheet: by its name, else an unclaimed worksheet with its headers."""
    wanted = sheet_names(sheet)
    by_name = next((n for n in book.sheet_names if fold(n) in wanted), None)
    if by_name:
        return by_name
    return next((n for n in book.sheet_names if n not in claimed and n != META
                 and looks_like(_top_cells(book, n), sheet)), None)


FOLDED_TOTAL_WORDS = tuple(fold(w) for w in TOTAL_WORDS)
# A cheap Arrow test for the cells worth folding: anchored, so most cells fail at their first character.
TOTAL_HINT = ("(?i)^[\\s\u200b-\u200d\u2060\ufeff().:/_\\-]*(?:"
              + "|".join(w.replace(" ", "\\s*") for w in TOTAL_WORDS) + ")")


def _present(col: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.not_equal(col, ""), False).to_numpy(zero_copy_only=False)


def kept_rows(body: pa.RecordBatch, template_columns: list[int]) -> np.ndarray:
    """Rows with something in a template column, less a total row (its first non-blank cell says รวม)."""
    if body.num_rows == 0 or not template_columns:
        return np.zeros(body.num_rows, dtype=bool)
    present = [_present(col) for col in body.columns]
    filled = np.logical_or.reduce([present[i] for i in template_columns])
    # Only a row's first non-blank cell can say รวม: the hint is tried on that cell alone, one cell a row
    # instead of every cell of every row (0.045 s of regex per 100,000 rows of 9 columns).
    leading = np.argmax(present, axis=0)  # the first column with something in it (0 when none: not filled)
    hinted = np.zeros(body.num_rows, dtype=bool)
    for i, col in enumerate(body.columns):
        rows = np.flatnonzero(filled & (leading == i))
        if len(rows):
            hinted[rows] = pc.fill_null(pc.match_substring_regex(col.take(rows), TOTAL_HINT), False
                                        ).to_numpy(zero_copy_only=False)
    for r in np.flatnonzero(hinted):  # a handful of rows: fold them one by one
        first = next(v for v in (col[r].as_py() for col in body.columns) if v)
        filled[r] = not fold(first).startswith(FOLDED_TOTAL_WORDS)
    return filled


def read_sheet(book: fastexcel.ExcelReader, name: str, sheet: Sheet, renames: dict[str, str],
               file: str) -> tuple[SheetData, list[Finding]]:
    """One template sheet's raw rows, found by header in the worksheet ``name``, with the header row's findings
    (S01 missing, S02 unknown, S11 duplicated columns: :mod:`importer.headers`)."""
    batch, absolute = load_rows(book, name)
    header = locate_header(top_rows(batch), sheet, renames)

    def letter(i: int) -> str:  # an index past the last column read counts on from it
        last = absolute[-1] if absolute else -1
        return column_letter(absolute[i] if i < len(absolute) else last + 1 + i - len(absolute))

    findings = header_findings(header, sheet, name, file, letter)
    found = header.columns  # a column named twice is read from neither cell
    header_at = header.row
    positions = sorted(found)
    body = batch.slice(header_at + 1)
    kept = kept_rows(body, positions)
    rows = pd.Index(np.flatnonzero(kept) + header_at + 2, name="row")  # Excel rows, 1-based
    every = kept.all()  # as usual: no copy of the columns then
    frame = pd.DataFrame({found[i]: pd.Series(body.column(i) if every else body.column(i).filter(kept), index=rows,
                                              dtype="str") for i in positions}, index=rows)
    letters = {found[i]: column_letter(absolute[i]) for i in positions}
    return SheetData(sheet, name, frame, letters, header_at + 1), findings


def unreadable_sheets(package: Package | None, template: Template, file: str) -> list[Finding]:
    """The sheets the file lists but holds no content for (an empty relationship id, a missing part): a
    template sheet (or ``_meta``) among them refuses the file as damaged; any other is skipped with S12."""
    findings = []
    for entry in package.unreadable if package else ():
        folded = fold(entry.name)
        if folded == fold(META) or any(folded in sheet_names(s) for s in template.sheets):
            raise Unreadable(
                f"แผ่นงาน '{entry.name}' ในไฟล์ {file} เสียหาย (ไม่พบเนื้อหาของแผ่นงานในไฟล์) ระบบจึงอ่านไม่ได้ "
                "กรุณาเปิดไฟล์ใน Excel ตรวจดูแผ่นงานนี้ บันทึกใหม่ แล้วอัปโหลดอีกครั้ง",
                f"Sheet '{entry.name}' of {file} is damaged (the file holds no content for it), so it cannot be "
                "read; open the file in Excel, check that sheet, save it again and upload it again.",
                Reason.TRUNCATED, file=file, sheet=entry.name)
        hidden_th, hidden_en = ("ที่ซ่อนไว้", " hidden") if entry.state != "visible" else ("", "")
        findings.append(Finding.of(
            "S12", f"แผ่นงาน{hidden_th} '{entry.name}' เปิดอ่านไม่ได้ (ไม่พบเนื้อหาของแผ่นงานในไฟล์) "
                   "และไม่ใช่แผ่นงานของแบบฟอร์ม ระบบจึงข้ามไป แผ่นงานของแบบฟอร์มอ่านได้ตามปกติ",
            f"The{hidden_en} sheet '{entry.name}' cannot be opened (the file holds no content for it) and is not "
            "one of the template's sheets, so it was skipped; the template's sheets were read as usual.",
            file=file, value=entry.name))
    return findings


def read_workbook(path: Path, package: Package | None = None, book: fastexcel.ExcelReader | None = None
                  ) -> WorkbookData:
    """Read every template sheet of a workbook that passed the safety gate. ``package`` is the package the gate
    located: when fastexcel cannot open the file as it is (parts in unusual places, a sheet entry leading
    nowhere), it reads a copy laid out as it expects (:func:`importer.package.readable`). ``book``, when given,
    is read instead: an object with fastexcel's ``sheet_names`` and ``load_sheet`` opened on that copy, such
    as ``importer.parse.GuardedBook``."""
    path = Path(path)
    if book is not None:
        return _read(path, book, package)
    with readable(path, package) as source:
        return _read(path, fastexcel.read_excel(source), package)


def _read(path: Path, book: fastexcel.ExcelReader, package: Package | None) -> WorkbookData:
    file = path.name
    meta = read_meta(book)
    template, version = detect_template(book, meta, file)
    renames = check_version(template, version, file)
    sheets, findings = {}, unreadable_sheets(package, template, file)
    claimed = {n for n in book.sheet_names if any(fold(n) in sheet_names(s) for s in template.sheets)}
    for sheet in template.sheets:
        name = find_worksheet(book, sheet, claimed)
        claimed.add(name)
        if name is None:
            findings.append(Finding.of("S10", f"ไม่พบแผ่นงาน '{sheet.name}' ถือว่าไม่มีข้อมูล",
                                    f"Sheet '{sheet.name}' ({sheet.en}) is missing; it is read as empty.",
                                    file=file, sheet=sheet.key))
            continue
        sheets[sheet.key], sheet_findings = read_sheet(book, name, sheet, renames, file)
        findings.extend(sheet_findings)
    return WorkbookData(path, template, version, meta, sheets, findings)
