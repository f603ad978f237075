"""From an uploaded file to typed tables: the safety gate, the sheets' XML, the reader, then the normaliser.

A file that cannot be read at all raises :class:`Unreadable` (the CLI exits 2);
everything else, however wrong, comes back as tables plus findings at their cells.

What the value reader cannot see comes from each sheet's XML (:mod:`importer.sheet_xml`) and is turned
into findings here: S03 (an error value, a formula never calculated), S13 (a far blank-looking cell,
ignored), S14 (merged cells in the table), S15 (hidden rows and columns holding data, read and counted)
and S05 for a percent-formatted number in a column that holds no percentage; in a column that may, the
number is read as shown (0.2468 formatted 0.00% is read as 24.68).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import fastexcel
import pandas as pd

from domain.errors import Unreadable
from domain.findings import Finding, as_typed, column_letter
from importer.normalise import clean_text, normalise_column
from importer.package import Package, readable, write_copy
from importer.reader import AS_TEXT, SheetData, WorkbookData, named_as_a_sheet, read_workbook
from importer.safety import check_workbook
from importer.sheet_xml import SMALL_PART, Guard, SheetXml, column_index, percent_shown
from importer.sheet_xml import Workbook as SheetXmlBook
from templates.spec import Column


@dataclass
class ParsedSheet:
    """One sheet read and typed: the raw text (``data``) and the typed ``values`` (every spec column, index =
    Excel row; money in baht as float64, dates as ``datetime.date``, blanks as NA)."""

    data: SheetData
    values: pd.DataFrame  # typed, every spec column present, index = Excel row number
    file: str = ""
    hidden_rows: frozenset[int] = frozenset()  # kept rows hidden in the workbook (read and counted all the same)
    hidden_columns: frozenset[str] = frozenset()  # column keys hidden in the workbook
    merged_away: frozenset[tuple[int, str]] = frozenset()  # (row, key) blank only because merged into another cell
    percent_rows: dict[str, list[int]] = field(default_factory=dict)  # key -> rows read as the percentage shown

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
    findings of reading it (S01–S03, S05, S10–S15)."""

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


class GuardedBook:
    """The value reader's workbook (fastexcel), opening a worksheet only once its XML's guard has passed
    (:meth:`importer.sheet_xml.Workbook.guard`): a sheet whose data reaches beyond the cell cap raises the
    guard's refusal, one with far blank-looking cells is read from the guard's copy without them, and
    ``loading`` hears of each sheet loaded (to read its XML's details beside the load).

    The sheets in ``unguarded`` are loaded while their guards run (parse_workbook's ``abandon``), and those in
    ``early`` (a subset: a future of each one's whole load as text) were started before anything asked for them.
    ``spent``, when given, keeps every sheet loaded (see :func:`parse_workbook`).
    """

    def __init__(self, path: Path, guards: dict[str, Future], loading: Callable[[Guard], None],
                 package: Package | None = None, unguarded: frozenset[str] = frozenset(),
                 early: dict[str, Future] | None = None, spent: list | None = None):
        self._book, self._guards, self._loading = fastexcel.read_excel(path), guards, loading
        self._package = package  # a guard's copy keeps the file's layout: laid out again when fastexcel needs it
        self._copies: dict[Path, fastexcel.ExcelReader] = {}
        self._unguarded, self._early, self._spent = unguarded, early or {}, spent

    def load_sheet(self, name: str, **options):
        sheet = self._load(name, **options)
        if self._spent is not None:
            self._spent.append(sheet)
        return sheet

    @property
    def sheet_names(self) -> list[str]:
        return self._book.sheet_names

    def _load(self, name: str, **options):
        book = self._book
        if name in self._early and options == WHOLE_AS_TEXT:
            return self._early.pop(name).result()
        if name in self._unguarded:
            return _ahead(book, name, **options)
        if name in self._guards:
            guard = self._guards[name].result()
            self._loading(guard)
            if guard.copy is not None:
                if guard.copy not in self._copies:
                    self._copies[guard.copy] = fastexcel.read_excel(self._readable(guard.copy))
                book = self._copies[guard.copy]
        return book.load_sheet(name, **options)

    def _readable(self, copy: Path) -> Path:
        if self._package is None or self._package.as_is:
            return copy
        return write_copy(copy, self._package, copy.with_name(f"{copy.stem}-readable.xlsx"))


WHOLE_AS_TEXT = {**AS_TEXT, "n_rows": None}  # how read_sheet loads a worksheet (importer.reader.load_rows)


def _load_early(source: Path, name: str):
    """A large worksheet loaded whole as text, on a fastexcel reader of its own (one reader is not used from two
    threads), while the main thread reads ``_meta`` and finds the template: ~0.02 s sooner for 100,000 rows."""
    return _ahead(fastexcel.read_excel(source), name, **WHOLE_AS_TEXT)


def _ahead(book: fastexcel.ExcelReader, name: str, **options):
    """A worksheet loaded while its guard still surveys it (in a reader worker only, whose standard error goes
    nowhere: what a reader that dies this way prints is not for the user, whose file is read again, guarded)."""
    return book.load_sheet(name, **options)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (" …" if len(rows) > 10 else "")


def xml_findings(sd: SheetData, xml: SheetXml, file: str) -> tuple[list[Finding], dict]:
    """The findings of what a template sheet's XML says (S03 error values and uncalculated formulas, S13 a far
    blank-looking cell, S14 merged cells, S15 hidden rows and columns holding data), and what the parse
    needs to know of it: the merged-away cells, hidden rows and columns."""
    findings = []
    by_col = {column_index(letter): key for key, letter in sd.letters.items()}
    where = dict(file=file, sheet=sd.sheet.key)

    def at(key: str, row: int, cell: str, value: str = "") -> dict:
        return dict(where, row=row, column=key, header=sd.sheet.column(key).header, cell=cell, value=value)

    cells = sorted({*xml.errors, *xml.formulas})
    for row, col in cells:
        key, cell = by_col.get(col), f"{column_letter(col)}{row}"
        if key is None or row <= sd.header_row:
            continue
        if (row, col) in xml.errors:
            error = xml.errors[(row, col)]
            th = f"ช่อง {cell} มีค่าผิดพลาด {error or '(ไม่ระบุ)'} ให้แก้สูตรหรือพิมพ์ค่าที่ถูกต้องแทน"
            en = f"Cell {cell} holds the error {error or 'value'}; fix the formula or type the right value."
        else:
            error = ""
            th = f"ช่อง {cell} เป็นสูตรที่ยังไม่ได้คำนวณ ให้เปิดไฟล์ใน Excel แล้วบันทึกใหม่ หรือวางเป็นค่า"
            en = (f"Cell {cell} holds a formula with no calculated value; open the file in Excel "
                  "and save it again, or paste the values.")
        findings.append(Finding.of("S03", th, en, **at(key, row, cell, error)))

    if xml.stray is not None:
        s = xml.stray
        if not s.text:
            what_th, what_en = "ข้อความว่าง", "an empty text"
        elif s.text.strip(" "):
            what_th, what_en = "อักขระที่มองไม่เห็น", "invisible characters"
        else:
            what_th, what_en = "ช่องว่าง (space)", "a space" if len(s.text) == 1 else "spaces"
        end = f"{column_letter(xml.last_col)}{xml.last_row}" if xml.last_row else "A1"
        more_th = f" และอีก {s.count - 1:,} ช่องในลักษณะเดียวกัน" if s.count > 1 else ""
        more_en = f" (and {s.count - 1:,} more such cells)" if s.count > 1 else ""
        findings.append(Finding.of(
            "S13", f"ช่อง {s.cell} ดูเหมือนว่าง (มีเพียง{what_th}) แต่อยู่ไกลจากข้อมูลซึ่งสิ้นสุดที่ช่อง {end}{more_th} "
                   "ระบบไม่อ่านช่องนี้ ให้ลบออก (เลือกแถวและคอลัมน์ที่อยู่ถัดจากข้อมูลแล้วกด Delete) แล้วบันทึก",
            f"Cell {s.cell} looks blank (it holds only {what_en}) but lies far outside the data, which ends at "
            f"{end}{more_en}; it was ignored. Delete it (select the rows and columns beyond your data and press "
            "Delete) and save, so that every program reads the file quickly.",
            **where, row=s.row, cell=s.cell, value=s.text))

    kept = set(sd.frame.index) if xml.merged or xml.hidden_rows else set()
    merged_away = set()
    for r1, c1, r2, c2 in xml.merged:
        top = max(r1, sd.header_row + 1)
        keys = [by_col[c] for c in range(c1, c2 + 1) if c in by_col]
        if r2 < top or not keys or not any(r in kept for r in range(top, r2 + 1)):
            continue  # a title above the table, or merged cells outside the template's columns and rows
        covered = {(r, by_col[c]) for r in range(top, r2 + 1) for c in range(c1, c2 + 1)
                   if c in by_col and (r, c) != (r1, c1)}
        if not covered:
            continue
        merged_away |= covered
        ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        first = f"{column_letter(c1)}{r1}"
        findings.append(Finding.of(
            "S14", f"ช่อง {ref} ถูกผสานเซลล์ (Merge) ระบบอ่านค่าได้เฉพาะช่อง {first} ช่องอื่นจึงว่าง "
                   "ทุกแถวต้องมีค่าของตัวเอง ให้ยกเลิกการผสานเซลล์ (หน้าแรก > ผสานและจัดกึ่งกลาง > ยกเลิกการผสานเซลล์) "
                   "แล้วพิมพ์ค่าลงในทุกช่อง",
            f"Cells {ref} are merged: only {first} holds the value and the other cells read as blank. Each row "
            "needs its own value: unmerge the cells (Home > Merge & Center > Unmerge Cells) and type the value "
            "in every cell.", **at(keys[0], top, ref)))

    hidden_rows = sorted(kept & xml.hidden_rows)
    if hidden_rows and sd.letters:
        key = min(sd.letters, key=lambda k: column_index(sd.letters[k]))
        n = len(hidden_rows)
        findings.append(Finding.of(
            "S15", f"แถว {_rows_text(hidden_rows)} ถูกซ่อนอยู่ ({n:,} แถว) ระบบอ่านและนับรวมแถวที่ซ่อนเหมือนแถวอื่น "
                   "ให้ยกเลิกการซ่อนแถว (คลิกขวาที่หัวแถว > ยกเลิกการซ่อน) แล้วตรวจดู และลบแถวที่ไม่ต้องการส่ง",
            f"{'Row' if n == 1 else 'Rows'} {_rows_text(hidden_rows)} {'is' if n == 1 else 'are'} hidden ({n:,} "
            f"{'row' if n == 1 else 'rows'}); hidden rows are read and counted like the others. Unhide them "
            "(right-click the row headers > Unhide) to check them, and delete any row not meant to be submitted.",
            **at(key, hidden_rows[0], f"{sd.letters[key]}{hidden_rows[0]}")))
    hidden_columns = set()
    for key, letter in sd.letters.items():
        if xml.col_hidden(column_index(letter)):
            hidden_columns.add(key)
            if sd.frame[key].fillna("").ne("").any():
                col = sd.sheet.column(key)
                findings.append(Finding.of(
                    "S15", f"คอลัมน์ {letter} ({col.th}) ถูกซ่อนอยู่ ระบบอ่านคอลัมน์ที่ซ่อนเหมือนคอลัมน์อื่น "
                           "ให้ยกเลิกการซ่อนคอลัมน์ (คลิกขวาที่หัวคอลัมน์ > ยกเลิกการซ่อน) แล้วตรวจค่าในคอลัมน์นี้",
                    f"Column {letter} ({col.en}) is hidden; hidden columns are read like the others. Unhide it "
                    "(right-click the column headers > Unhide) and check its values.",
                    **at(key, sd.header_row, f"{letter}{sd.header_row}")))
    return findings, {"merged_away": frozenset(merged_away), "hidden_rows": frozenset(hidden_rows),
                      "hidden_columns": frozenset(hidden_columns)}


def read_percentages(sd: SheetData, xml: SheetXml, file: str) -> tuple[list[Finding], dict[str, list[int]],
                                                                         dict[str, list[int]]]:
    """Percent-formatted number cells of a template sheet: in a column that may hold a percentage
    (``Column.percent``) the raw text becomes the number shown (0.2468 → "24.68"); in any other an S05
    finding. Returns the findings, the rows read as shown and the rows refused, by column key."""
    findings, shown_rows, refused = [], {}, {}
    if not xml.percent:
        return findings, shown_rows, refused
    by_col = {column_index(letter): key for key, letter in sd.letters.items()}
    kept = set(sd.frame.index)
    shown_text: dict[str, dict[int, str]] = {}
    for (row, col), stored in sorted(xml.percent.items()):
        key = by_col.get(col)
        if key is None or row not in kept:
            continue
        column, shown, cell = sd.sheet.column(key), percent_shown(stored), f"{column_letter(col)}{row}"
        if column.percent:
            shown_text.setdefault(key, {})[row] = shown
            shown_rows.setdefault(key, []).append(row)
            continue
        refused.setdefault(key, []).append(row)
        findings.append(Finding.of(
            "S05", f"{column.th}: ช่องนี้จัดรูปแบบเป็นร้อยละ (แสดง {shown}%) แต่คอลัมน์นี้ไม่ใช่ร้อยละ "
                   "ให้จัดรูปแบบเซลล์เป็นตัวเลข (Number) แล้วพิมพ์ค่าที่ต้องการ",
            f"{column.en}: the cell is formatted as a percentage (it shows {shown}%) but this column is not a "
            "percentage; format the cell as Number and type the value you mean.",
            file=file, sheet=sd.sheet.key, row=row, column=key, header=column.header, cell=cell,
            value=f"{shown}%"))
    for key, texts in shown_text.items():
        update = pd.Series(texts, dtype=sd.frame[key].dtype)
        sd.frame[key] = sd.frame[key].mask(sd.frame.index.isin(update.index), update.reindex(sd.frame.index))
    return findings, shown_rows, refused

def typed_column(sd: SheetData, col: Column, file: str) -> tuple[pd.Series, list[Finding]]:
    """One column of a raw sheet normalised (``sd.frame`` holds it): its typed values by Excel row, and an S05
    finding at each cell that will not parse."""
    values, errors = normalise_column(sd.frame[col.key], col.type, col.choices)
    failed = errors.notna()
    if not failed.any():
        return values, []
    if col.type == "choice":  # an unknown choice is the validator's S07, with the list to pick from
        values[failed] = sd.frame.loc[failed, col.key].map(clean_text)
        return values, []
    findings = []
    for row, error in errors[failed].items():
        raw = as_typed(str(sd.frame.at[row, col.key]))  # a date cell's text in BE, as everywhere it is shown
        typed = _quoted(raw)
        findings.append(Finding.of("S05", f"{col.th} {typed}: {error.message_th}",
                                   f"{col.en} {typed}: {error.message_en}", file=file, sheet=sd.sheet.key,
                                   row=int(row), column=col.key, header=col.header, cell=sd.cell(col.key, int(row)),
                                   value=raw))
    return values, findings


def _quoted(text: str, most: int = 40) -> str:
    """What was typed, quoted for a message, cut at ``most`` characters (a cell may hold a paragraph)."""
    return f"'{text}'" if len(text) <= most else f"'{text[:most]}…'"


# A sheet this long has its columns typed two at a time: much of a column's time is in Arrow's kernels, which
# leave the GIL free (100,000 rows: 0.085 → 0.065 s); a shorter one is not worth the threads.
THREADED_ROWS = 20_000


def typed_sheet(sd: SheetData, file: str) -> tuple[ParsedSheet, list[Finding]]:
    """Normalise every column of a raw sheet; a cell that will not parse becomes an S05 finding."""
    present = [col for col in sd.sheet.columns if col.key in sd.frame]

    def typed_one(col: Column) -> tuple[pd.Series, list[Finding]]:
        return typed_column(sd, col, file)
    if len(sd.frame) >= THREADED_ROWS:
        with ThreadPoolExecutor(2) as pool:
            typed = dict(zip(present, pool.map(typed_one, present), strict=True))
    else:
        typed = {col: typed_one(col) for col in present}
    columns = {col.key: typed[col][0] if col in typed else pd.Series(pd.NA, index=sd.frame.index, dtype=object)
               for col in sd.sheet.columns}
    values = pd.DataFrame(columns, index=sd.frame.index)
    return ParsedSheet(sd, values, file), [f for col in present for f in typed[col][1]]


def _sizes(xml: SheetXmlBook) -> dict[str, int]:
    """Each worksheet's XML size in bytes, by name."""
    return {name: xml.archive.getinfo(part).file_size for name, part in xml.checked.sheet_parts.items()}


def _survey_or_abandon(xml: SheetXmlBook, name: str, folder: Path, abandon: Callable[[], NoReturn]) -> Guard:
    """The guard of a large sheet the reader is already loading: its survey, or, when the survey cannot vouch
    for it (or fails), ``abandon`` (the temporary folder removed first: nothing else is left behind)."""
    try:
        verdict = xml.guard(name, folder, survey_only=True)
    except Exception:  # noqa: BLE001 - whatever it is, the parse without ``abandon`` reports it
        verdict = None
    if verdict is None:
        shutil.rmtree(folder, ignore_errors=True)
        abandon()
    return verdict


def parse_workbook(path: Path, abandon: Callable[[], NoReturn] | None = None, spent: list | None = None
                   ) -> ParsedWorkbook:
    """Parse one file; raise :class:`Unreadable` when it is not a readable workbook of ours.

    The sheets' XML (:mod:`importer.sheet_xml`) is read in a worker thread: each sheet's guard before the
    reader loads it (how far its data reaches), its details beside the load (fastexcel leaves the GIL free).

    ``abandon`` (in a worker process only: it must end the process, never return) lets a large sheet be loaded
    while its guard surveys it rather than after (the survey, ~0.13 s for 100,000 rows, is then off the
    user's wait). The survey, on a thread of its own from the start, is about four times quicker than the
    reader's load, and the reader only sizes its table once it has read every cell, so a sheet the survey cannot
    vouch for (whose data may reach far enough to abort the reader) calls ``abandon`` long before then; a load
    that fails first calls it too, and one that aborts all the same (a survey starved of CPU) says nothing on
    standard error. The caller then parses the file again without it (:mod:`importer.isolation`), when every
    guard has its say first and every finding and refusal is as usual.

    ``spent`` (a list), when given, receives every worksheet the reader loaded, whose cells would otherwise be
    freed as soon as their text is taken: freeing 100,000 rows' cells takes ~0.03 s, which a worker whose caller
    goes on with the result need not spend before sending it (``importer.isolation``).
    """
    path = Path(path)
    unguarded: frozenset[str] = frozenset()
    try:
        checked = check_workbook(path, skip_unreadable_sheets=True)  # the reader judges them against its template
        with (readable(path, checked.package) as source, SheetXmlBook(checked) as xml,
              tempfile.TemporaryDirectory(prefix="sms-xml-") as folder):
            sizes = _sizes(xml)
            as_is = checked.package is None or checked.package.as_is  # no laid-out copy to leave behind
            unguarded = frozenset(n for n, size in sizes.items() if size > SMALL_PART and abandon and as_is)
            # The surveys of the sheets loaded unguarded on a thread of their own, started at once: queued behind
            # the small sheets' guards (a user's sheet of 1 MB), a survey was overtaken by the load it must outrun.
            pool, surveys, loads = ThreadPoolExecutor(1), ThreadPoolExecutor(1), ThreadPoolExecutor(1)
            try:
                guards = {name: surveys.submit(_survey_or_abandon, xml, name, Path(folder), abandon)
                          for name in unguarded}
                # small parts first: their guards are quick, and the reader opens _meta first
                guards |= {name: pool.submit(xml.guard, name, Path(folder))
                           for name in sorted(sizes, key=lambda n: sizes[n] > SMALL_PART) if name not in unguarded}
                # A large sheet named as a template's is read whatever the template: its load starts now. Another
                # (a unit's own data beside the template's) waits until the reader asks for it, if it ever does.
                early = {name: loads.submit(_load_early, source, name) for name in unguarded if named_as_a_sheet(name)}
                details: dict[str, Future] = {}
                for name in unguarded:  # on the survey's thread, right after it
                    details[name] = surveys.submit(lambda name: xml.details(guards[name].result()), name)

                def loading(guard: Guard) -> None:
                    if guard.name not in details:
                        details[guard.name] = pool.submit(xml.details, guard)
                book = GuardedBook(source, guards, loading, checked.package, unguarded, early, spent)
                data = read_workbook(path, checked.package, book=book)
                sheets_xml = {sd.name: details[sd.name].result() for sd in data.sheets.values()}
                for name in unguarded:  # a sheet read unguarded but not kept still had its guard's say
                    guards[name].result()
            finally:
                pool.shutdown(cancel_futures=True)
                surveys.shutdown(cancel_futures=True)
                loads.shutdown(cancel_futures=True)
    except (Unreadable, MemoryError):  # a MemoryError is the worker's memory cap (importer.isolation)
        raise
    except Exception:  # a reader failure on a file that passed the gate: still the file's fault (no library name)
        if unguarded:  # the load may have failed ahead of a guard that says where: the file is read again, guarded
            abandon()
        raise Unreadable(f"อ่านไฟล์ {path.name} ไม่ได้ กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่",
                         f"{path.name} could not be read; open it in Excel and save it again as .xlsx.",
                         file=path.name) from None
    findings = list(data.findings)
    sheets = {}
    for key, sd in data.sheets.items():
        xml_found, marks = xml_findings(sd, sheets_xml[sd.name], path.name)
        percent_found, shown, refused = read_percentages(sd, sheets_xml[sd.name], path.name)
        sheets[key], sheet_findings = typed_sheet(sd, path.name)
        for column, rows in refused.items():  # not read as a number: which one the user meant is unknown
            sheets[key].values.loc[rows, column] = pd.NA
        sheets[key].percent_rows = shown
        for name, value in marks.items():
            setattr(sheets[key], name, value)
        findings += xml_found + percent_found + sheet_findings
    return ParsedWorkbook(data, sheets, findings, checked.has_macros)
