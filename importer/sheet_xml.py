"""One reading of each worksheet's XML: what the value reader cannot tell, and how far the data reaches.

The value reader (fastexcel over calamine, :mod:`importer.reader`) hands back every cell as text. What
it cannot say comes from the worksheet's own XML, read here with expat through defusedxml (a DTD or an
entity is refused), namespace-aware and streaming:

- cells holding an error value such as ``#DIV/0!`` (``t="e"``) and formulas with no calculated value:
  the reader sees both as blank;
- which number cells carry a percent number format (``xl/styles.xml``): 0.2468 formatted ``0.00%`` is
  shown as 24.68 % but read as 0.2468;
- merged ranges (``<mergeCells>``), hidden rows (``<row hidden="1">``) and hidden columns
  (``<cols><col hidden="1" min max>``);
- the real extent of the data: the last row and column holding a value that is not blank-looking.
  ``<dimension>`` is never trusted; calamine sizes a sheet from the farthest cell it finds, so one
  space at XFD1048576 asks for ~500 GB and aborts the process. A blank-looking cell (a space, an empty
  string) that would make the reader's area more than :data:`FAR_CELLS` cells bigger than the data is
  cut out of a copy of the workbook the reader reads instead, and reported once at its address; data
  that really reaches beyond the cell cap is refused with the address. Cells with no value (only a
  style) cost the reader nothing and are ignored.

Any legal writing reads the same: attributes in any order and either quote, namespace prefixes, the
strict namespace, cells and rows with or without their ``r=`` address. A cell without one stands right
of the cell before it in its row, a row without one below the row before it, and elements count by
their local name in any namespace: calamine's own rules, so rows and columns here are the reader's
(rows are Excel's 1-based numbers, columns 0-based indexes).

Speed, and what it costs. Expat calling Python for each element takes ~3 s for a 100,000-row sheet
(900,000 cells), four times the value reader's whole read. So a sheet part above :data:`SMALL_PART`
bytes is *surveyed*: searched in C, and parsed only where the searches point.

1. :meth:`Workbook.guard`, before the reader loads the sheet (the extent must be known first): the
   part's head (through ``<sheetData>``, with ``<cols>``), its first rows, the row of its last cell
   that holds a value, and its tail (after ``</sheetData>``, with ``<mergeCells>``) are parsed; in
   between, one regular expression checks that every cell tag is written ``<c r="A1"`` with a column
   no further right than the first rows reach and a row no further down than the cell cap allows at
   that width. Anything else (a cell without its address first, a prefix or quote Excel does not write
   there, a wider row, a last value that is blank-looking) sends the whole part to the full parse. The
   survey trusts what the format requires and Excel enforces on opening, rows in ascending order and a
   cell's address in its own row, only to find where the data ends: a file breaking that trust still
   costs the reader at most the cell cap, never an abort. Cost on the benchmark's 100,000 rows (70 MB
   of XML): ~45 ms to inflate with ISA-L (zlib: ~90 ms) and ~70 ms for the expression, ~0.13 s in all.
   In the reader's worker process the load starts beside the survey instead of after it, and a survey
   that cannot vouch for the part ends the worker for a guarded read (``guard(survey_only=True)``,
   :func:`importer.parse.parse_workbook`'s ``abandon``), so the user no longer waits for it.
2. :meth:`Workbook.details`, beside the reader's load (fastexcel leaves the GIL free): the part is
   inflated again and searched for what marks a formula (``<f``), an error value (a quoted ``e``), a
   hidden row (``hidden``) or a percent style; only rows holding a mark are parsed (~0.2 s of CPU,
   well inside the load's 0.6 s). A sheet with a formula on every row is parsed row by row, at
   about the full parse's price.
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

try:  # ISA-L's inflate, twice zlib's speed; zlib where it is not installed
    from isal import isal_zlib as _inflate
except ImportError:  # pragma: no cover
    import zlib as _inflate

from domain.errors import Reason
from domain.findings import column_letter
from importer.safety import Checked, WorkbookRefused

__all__ = ["SheetXml", "Stray", "Guard", "Workbook", "address", "blank_looking", "column_index", "percent_shown",
           "FAR_CELLS", "MAX_ROWS", "SMALL_PART"]

SEP = "}"  # expat's namespace separator: "uri}local", as ElementTree spells "{uri}local"

SMALL_PART = 2_000_000  # bytes of XML: a part this small is parsed whole (~60 ms at most)
CHUNK = 1 << 20  # decompressed bytes per read
EDGE_ROWS = 64 * 1024  # bytes of rows parsed at each end of a surveyed part
CARRY_LIMIT = 32 << 20  # a "row" longer than this is no row: the part is parsed whole
HEAD_LIMIT = 32 << 20  # bytes before <sheetData> a surveyed part may have
FAR_CELLS = 1_000_000  # blank-looking cells that widen the reader's area by more than this are cut out
MAX_ROWS, MAX_COLS = 1_048_576, 16_384  # Excel's sheet

# builtin number formats that are percentages (ECMA-376 18.8.30): 9 "0%", 10 "0.00%"
PERCENT_BUILTINS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # literal text, escapes, [colour]/[condition], fill
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_BLANK_STRING = re.compile(  # a shared string's text that may be blank: nothing, or only spaces and invisible marks
    rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?(?:/>|>(?:\s|\xc2\xa0|\xe2\x80[\x80-\x8d\xaf]|\xe2\x81[\x9f\xa0]|\xe3\x80\x80"
    rb"|\xef\xbb\xbf)*<)")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

ROW, CELL, VALUE, FORMULA, INLINE, TEXT, PHONETIC, MERGE, COLUMN = range(1, 10)
_LOCAL = {"row": ROW, "c": CELL, "v": VALUE, "f": FORMULA, "is": INLINE, "t": TEXT, "rPh": PHONETIC,
          "mergeCell": MERGE, "col": COLUMN}


class _Kinds(dict):
    """Element name ("uri}local", or "local" outside any namespace) → its kind, 0 for an element of no interest.
    By local name, in any namespace: calamine reads ``<o:c>`` as a cell whatever ``o`` stands for, and the
    positions here must be the reader's."""

    def __missing__(self, name: str) -> int:
        if len(self) > 10_000:  # a part inventing names by the thousand: forget them rather than grow
            self.clear()
        kind = self[name] = _LOCAL.get(name.rpartition(SEP)[2], 0)
        return kind


_KIND = _Kinds()


def blank_looking(text: str) -> bool:
    """Text a person sees as an empty cell: nothing, spaces (any Unicode space) or zero-width marks."""
    return not text.translate(_ZERO_WIDTH).strip()


@functools.lru_cache(maxsize=20_000)
def column_index(letters: str) -> int:
    """The 0-based index of Excel column letters: "A" → 0, "XFD" → 16383."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def address(ref: str) -> tuple[int, int]:
    """(row, column index) of a cell address such as "H12"; ValueError if it is none."""
    m = _REF.fullmatch(ref)
    if m is None:
        raise ValueError(f"not a cell address: {ref!r}")
    return int(m.group(2)), column_index(m.group(1))


def percent_shown(stored: str) -> str:
    """A percent-formatted cell's stored fraction as the number it shows: "0.2468" → "24.68"."""
    try:
        shown = Decimal(stored.strip()).scaleb(2).normalize()
    except InvalidOperation:
        return stored
    text = format(shown, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _parser():
    """A namespace-aware expat parser with defusedxml's guards (DTDs, entities, external references refused)
    and none of ElementTree's handlers: the caller sets its own."""
    parser = SafeET.DefusedXMLParser(forbid_dtd=True).parser
    for handler in ("StartElementHandler", "EndElementHandler", "CharacterDataHandler", "DefaultHandlerExpand",
                    "CommentHandler", "ProcessingInstructionHandler"):
        setattr(parser, handler, None)
    parser.ordered_attributes = False
    parser.buffer_text = True
    return parser


# --------------------------------------------------------------------------- what a sheet's XML says

@dataclass(frozen=True)
class Stray:
    """Blank-looking cells far outside the data, cut out of the copy the reader reads: the farthest one
    (``row``, ``col``), what it holds, and how many there were."""

    row: int
    col: int
    text: str
    count: int

    @property
    def cell(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


@dataclass
class SheetXml:
    """What one worksheet's XML says beyond its values. Rows are Excel's numbers, columns 0-based."""

    name: str
    part: str
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cell → its error value, e.g. "#DIV/0!"
    formulas: set[tuple[int, int]] = field(default_factory=set)  # formulas with no calculated value
    percent: dict[tuple[int, int], str] = field(default_factory=dict)  # percent-formatted number → stored text
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # (first, last) column index ranges
    last_row: int = 0  # the data's extent: the last row and column holding a value that is not blank-looking
    last_col: int = -1
    stray: Stray | None = None
    whole: bool = True  # parsed whole (False: surveyed, and parsed where the survey pointed)

    def col_hidden(self, col: int) -> bool:
        return any(first <= col <= last for first, last in self.hidden_cols)


class _Strings:
    """Which shared strings (``xl/sharedStrings.xml``) are blank-looking, read only when first asked."""

    def __init__(self, archive: zipfile.ZipFile, part: str | None):
        self.archive, self.part, self._blank = archive, part, None

    def blank(self, index: str) -> bool:
        if self._blank is None:
            self._blank = self._read()
        try:
            return int(index) in self._blank
        except ValueError:
            return False

    def _read(self) -> set[int]:
        if self.part is None:
            return set()
        with self.archive.open(self.part) as stream:
            data = stream.read()
        if not _BLANK_STRING.search(data):  # no text element that could be blank: no need to parse
            return set()
        blank, texts, depth = set(), [], {"si": 0, "rPh": 0}
        index = -1

        def start(name, attrs):
            nonlocal index
            local = name.rsplit(SEP, 1)[-1]
            if local == "si":
                index += 1
                texts.clear()
            elif local == "t" and not depth["rPh"]:
                parser.CharacterDataHandler = texts.append
            if local in depth:
                depth[local] += 1

        def end(name):
            local = name.rsplit(SEP, 1)[-1]
            if local == "t":
                parser.CharacterDataHandler = None
            elif local == "si" and blank_looking("".join(texts)):
                blank.add(index)
            if local in depth:
                depth[local] -= 1

        parser = _parser()
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.Parse(data, True)
        return blank


class _Cells:
    """expat's handlers for a worksheet: each cell's address (given, or from its place), type, style,
    formula and value, and what the sheet says about merges and hidden rows and columns."""

    def __init__(self, parser, percent_styles: frozenset[str], strings: _Strings, spans: bool = False):
        self.parser, self.percent_styles, self.strings, self.spans = parser, percent_styles, strings, spans
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        self.values: list[str] = []
        self.texts: list[str] = []
        self.row, self.col = 0, -1  # the current row, the last cell's column
        self.at = (0, 0)
        self.type = self.style = None
        self.formula = self.inline = self.has_value = self.phonetic = False
        self.begin = 0
        self.survey = self.hidden_row = False
        self.xml = SheetXml("", "")
        self.reach_row, self.reach_col = 0, -1  # every cell the reader counts, blank-looking ones too
        self.blanks: list[tuple[int, int, int, int, str]] = []  # row, col, first byte, end tag's byte, text

    def start(self, name, attrs):
        kind = _KIND[name]
        if not kind:
            return
        if kind == CELL:
            ref = attrs.get("r")
            if ref:
                row, col = address(ref)
                if not self.row:
                    self.row = row
                    if self.hidden_row:
                        self.xml.hidden_rows.add(row)
            else:
                row, col = self.row, self.col + 1
            self.col, self.at = col, (row, col)
            self.type, self.style = attrs.get("t"), attrs.get("s")
            self.formula = self.inline = self.has_value = False
            self.values.clear()
            self.texts.clear()
            if self.spans:
                self.begin = self.parser.CurrentByteIndex
        elif kind == VALUE:
            self.has_value = True
            self.parser.CharacterDataHandler = self.values.append
        elif kind == ROW:
            ref = attrs.get("r")
            if ref:
                self.row = int(ref)
                if self.row < 1:
                    raise ValueError(f"row {ref!r}")
            else:  # below the row before; in a survey, rows are skipped: the row of its first cell
                self.row = 0 if self.survey else self.row + 1
            self.col = -1
            self.hidden_row = attrs.get("hidden") in ("1", "true")
            if self.hidden_row and self.row:
                self.xml.hidden_rows.add(self.row)
        elif kind == TEXT:
            if self.inline and not self.phonetic:
                self.parser.CharacterDataHandler = self.texts.append
        elif kind == FORMULA:
            self.formula = True
        elif kind == INLINE:
            self.inline = True
        elif kind == PHONETIC:
            self.phonetic = True
        elif kind == MERGE:
            first, _, last = (attrs.get("ref") or "").partition(":")
            if first and last:
                (r1, c1), (r2, c2) = address(first), address(last)
                self.xml.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
        elif kind == COLUMN and attrs.get("hidden") in ("1", "true"):
            first, last = int(attrs.get("min") or 1), int(attrs.get("max") or attrs.get("min") or 1)
            self.xml.hidden_cols.append((first - 1, last - 1))

    def end(self, name):
        kind = _KIND[name]
        if kind == CELL:
            self.cell()
        elif kind in (VALUE, TEXT):
            self.parser.CharacterDataHandler = None
        elif kind == PHONETIC:
            self.phonetic = False

    def cell(self):
        """Sort out the cell just closed: an error, a formula without a value, a value the reader counts
        (blank-looking or not), a percent-formatted number; a cell with no value is nothing."""
        kind, at = self.type, self.at
        value = "".join(self.values)
        if kind == "e":
            self.xml.errors[at] = value.strip()
            counted, text = True, None
        elif kind == "inlineStr":
            counted, text = self.inline, "".join(self.texts)
        elif kind == "s":
            counted, text = bool(value.strip()), None
            if counted and self.strings.blank(value):
                text = ""
        elif kind == "str":
            counted, text = self.has_value, value
        else:  # a number (n, or no type), a boolean (b), an ISO date (d)
            counted, text = bool(value.strip()), None
            if counted and self.style in self.percent_styles and kind in (None, "n"):
                self.xml.percent[at] = value.strip()
        if self.formula and not counted:
            self.xml.formulas.add(at)
        if not counted:
            return
        row, col = at
        if row > self.reach_row:
            self.reach_row = row
        if col > self.reach_col:
            self.reach_col = col
        if text is not None and blank_looking(text):
            end = self.parser.CurrentByteIndex if self.spans else 0
            self.blanks.append((row, col, self.begin, end, text))
            return
        if row > self.xml.last_row:
            self.xml.last_row = row
        if col > self.xml.last_col:
            self.xml.last_col = col


# --------------------------------------------------------------------------- the workbook's sheets

@dataclass
class Guard:
    """A worksheet's verdict before the reader loads it: ``copy`` is a workbook to read it from instead (its
    far blank-looking cells cut out), ``xml`` what its XML says so far (all of it when ``xml.whole``)."""

    name: str
    xml: SheetXml
    copy: Path | None = None
    width: int = -1  # a surveyed part: the last column its first rows reach


class Workbook:
    """The worksheets' XML of one checked workbook (:class:`importer.safety.Checked`), read on demand.

    :meth:`guard` (before the reader loads a sheet) and :meth:`details` (beside the load) are safe to call
    from a worker thread; :meth:`close` when done."""

    def __init__(self, checked: Checked, max_cells: int | None = None):
        self.checked = checked
        self.max_cells = max_cells if max_cells is not None else checked.max_cells
        self.archive = zipfile.ZipFile(checked.path)
        members = {n.replace("\\", "/").lower(): n for n in self.archive.namelist()}
        styles, strings = self._related(members)
        self.percent_styles = _percent_styles(self.archive, styles) if styles else frozenset()
        self.strings = _Strings(self.archive, strings)
        self.file = checked.path.name

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _related(self, members: dict[str, str]) -> tuple[str | None, str | None]:
        """The styles and shared-strings parts, found through the workbook's relationships."""
        found = {"styles": None, "sharedStrings": None}
        rels = members.get("xl/_rels/workbook.xml.rels")
        if rels is None:
            return None, None
        root = SafeET.fromstring(self.archive.read(rels), forbid_dtd=True)
        for rel in root:
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if kind in found and (rel.get("TargetMode") or "").lower() != "external":
                target = (rel.get("Target") or "").replace("\\", "/")
                joined = posixpath.normpath(target.lstrip("/") if target.startswith("/") else "xl/" + target)
                found[kind] = members.get(joined.lower())
        return found.get("styles"), found.get("sharedStrings")

    # ------------------------------------------------------------------ reading a part

    def _chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes, inflated about :data:`CHUNK` at a time (by ISA-L, where installed: four times
        zlib's speed) and checked against the CRC-32 the zip directory holds; never past its declared size."""
        info = self.archive.getinfo(part)
        with open(self.checked.path, "rb") as raw:
            raw.seek(info.header_offset)
            local = raw.read(30)
            if local[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"no local header for {part}")
            raw.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                     + int.from_bytes(local[28:30], "little"))
            left, todo, crc = info.compress_size, info.file_size, 0
            inflate = _inflate.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            pending = b""
            while todo > 0:
                if inflate is None:
                    chunk = raw.read(min(CHUNK, left, todo))
                    left -= len(chunk)
                else:
                    if not pending and left > 0:
                        pending = raw.read(min(1 << 16, left))
                        left -= len(pending)
                    chunk = inflate.decompress(pending, min(CHUNK, todo))
                    pending = inflate.unconsumed_tail
                if not chunk:
                    if inflate is None or (not pending and left <= 0):
                        break
                    continue
                todo -= len(chunk)
                crc = _inflate.crc32(chunk, crc)
                yield chunk
            if todo or crc != info.CRC:
                raise zipfile.BadZipFile(f"{part} is damaged")

    def _cells(self, spans: bool = False) -> _Cells:
        return _Cells(_parser(), self.percent_styles, self.strings, spans)

    def _refused(self, name: str, cell: str, rows: int, cols: int) -> WorkbookRefused:
        limit = self.max_cells
        th = (f"แผ่นงาน “{name}” ในไฟล์ {self.file} มีข้อมูลไกลถึงช่อง {cell} ({rows:,} แถว × {cols:,} คอลัมน์ "
              f"= {rows * cols:,} เซลล์) เกินขีดจำกัด {limit:,} เซลล์ต่อแผ่นงาน ให้ลบข้อมูลที่ช่อง {cell} "
              "ถ้าไม่ใช่ข้อมูลจริง หรือแบ่งข้อมูลเป็นหลายไฟล์ แล้วอัปโหลดใหม่")
        en = (f"Sheet “{name}” in {self.file} has data as far as cell {cell} ({rows:,} rows × {cols:,} columns = "
              f"{rows * cols:,} cells), more than the limit of {limit:,} cells per sheet; delete what is in "
              f"{cell} if it is not real data, or split the data into several files, and upload again.")
        return WorkbookRefused(th, en, Reason.TOO_LARGE, file=self.file, sheet=name, cell=cell)

    def _damaged(self, name: str) -> WorkbookRefused:
        th = (f"แผ่นงาน “{name}” ในไฟล์ {self.file} เสียหาย อ่านไม่ได้ กรุณาเปิดไฟล์ใน Excel "
              "บันทึกใหม่เป็น Excel Workbook (.xlsx) แล้วอัปโหลดอีกครั้ง")
        en = (f"Sheet “{name}” in {self.file} is damaged and cannot be read; open the file in Excel, save it "
              "again as an Excel Workbook (.xlsx) and upload it again.")
        return WorkbookRefused(th, en, Reason.TRUNCATED, file=self.file, sheet=name)

    def guard(self, name: str, folder: Path, survey_only: bool = False) -> Guard | None:
        """Read what must be known before the reader loads worksheet ``name``: how far its data reaches (a
        :class:`WorkbookRefused` beyond the cell cap), and far blank-looking cells to cut out (into a copy of
        the workbook in ``folder``). A small part is read whole; a large one surveyed (module docstring), and
        parsed whole when the survey cannot vouch for it, or, with ``survey_only``, None then."""
        part = self.checked.sheet_parts[name]
        try:
            if self.archive.getinfo(part).file_size > SMALL_PART:
                guard = self._survey(name, part)
                if guard is not None or survey_only:
                    return guard
            return self._whole(name, part, folder)
        except (expat.ExpatError, DefusedXmlException, ValueError, UnicodeError, zipfile.BadZipFile) as exc:
            raise self._damaged(name) from exc

    def details(self, guard: Guard) -> SheetXml:
        """Everything the XML of a guarded sheet says: for a surveyed part, its rows that bear a mark of a
        formula, an error value, a hidden row or a percent style are parsed now."""
        if guard.xml.whole:
            return guard.xml
        try:
            self._marked_rows(guard)
            return guard.xml
        except (expat.ExpatError, DefusedXmlException, ValueError, UnicodeError):
            pass  # a mark the survey could not cut a row around: read the part whole, as any other
        try:
            xml = self._parse(guard.xml.part).xml
        except (expat.ExpatError, DefusedXmlException, ValueError, UnicodeError, zipfile.BadZipFile) as exc:
            raise self._damaged(guard.name) from exc
        xml.name, xml.part = guard.name, guard.xml.part
        return xml

    # ------------------------------------------------------------------ the whole part

    def _parse(self, part: str) -> _Cells:
        cells = self._cells(spans=True)
        parser = cells.parser
        for chunk in self._chunks(part):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return cells

    def _whole(self, name: str, part: str, folder: Path) -> Guard:
        cells = self._parse(part)
        xml = cells.xml
        xml.name, xml.part = name, part
        rows, cols = xml.last_row, xml.last_col + 1
        if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > self.max_cells:
            raise self._refused(name, f"{column_letter(xml.last_col)}{xml.last_row}", rows, cols)
        reach = cells.reach_row * (cells.reach_col + 1)
        if reach - rows * cols <= FAR_CELLS and reach <= self.max_cells:
            return Guard(name, xml)
        far = [b for b in cells.blanks if b[0] > xml.last_row or b[1] > xml.last_col]
        farthest = max(far, key=lambda b: (b[0], b[1]))
        xml.stray = Stray(farthest[0], farthest[1], farthest[4], len(far))
        return Guard(name, xml, copy=self._copy(part, [(b[2], b[3]) for b in far], folder / name.replace("/", "_")))

    def _copy(self, part: str, cuts: list[tuple[int, int]], folder: Path) -> Path:
        """A copy of the workbook whose ``part`` lacks the cells starting at each cut's first byte and ending
        with the end tag at its second: the reader reads it in place of the original."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.checked.path.name
        cuts = sorted(cuts)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in self.archive.infolist():
                data = self.archive.read(info)
                if info.filename == part:
                    pieces, at = [], 0
                    for begin, end in cuts:
                        pieces.append(data[at:begin])
                        at = data.index(b">", end) + 1
                    pieces.append(data[at:])
                    data = b"".join(pieces)
                # a new ZipInfo: writing one updates its offsets and sizes, and this one is the original's
                out.writestr(zipfile.ZipInfo(info.filename, info.date_time), data)
        return target

    # ------------------------------------------------------------------ the survey of a large part

    def _survey(self, name: str, part: str) -> Guard | None:
        """Guard a large part from its head, first rows, last counted cell and tail, checking with one regular
        expression in between that every cell is written plainly within the first rows' width; None when
        the part must be parsed whole instead."""
        cells = self._cells()
        cells.survey = True
        parser = cells.parser
        plain, width, last, head = None, -1, [], b""
        for kind, data, begin, end in _pieces(self._chunks(part)):
            if kind == "head":
                head = data[begin:end]
                parser.Parse(head, False)
            elif kind == "rows":
                if plain is None:  # the first rows say how wide the sheet is
                    cut = data.find(b"</row>", begin + EDGE_ROWS, end)
                    cut = end if cut < 0 else cut + 6
                    parser.Parse(data[begin:cut], False)
                    width = cells.reach_col
                    if not 0 <= width < 26:  # no value in the first rows, or columns of two letters
                        return None
                    rows = min(MAX_ROWS, self.max_cells // (width + 1))  # so the reader's area stays in the cap
                    if rows < 1:
                        return None
                    plain = _plain_cells(width, rows)
                if _unplain(plain, data, begin, end):
                    return None
                if any(data.find(needle, begin, end) >= 0 for needle in _VALUE_ENDS):
                    last = [(data, begin, end)]  # the last piece holding a value, for the last counted cell
                elif last and len(last) < 64:
                    last.append((data, begin, end))
            elif kind == "tail":
                if not _last_value(cells, last):
                    return None  # blank-looking cells below the data: how far, the full parse says
                parser.Parse(data[begin:end], True)
            else:
                return None
        if plain is None or cells.reach_col > width:
            return None
        xml = cells.xml
        xml.name, xml.part, xml.whole = name, part, False
        xml.last_col = max(xml.last_col, width)  # a bound: the survey parsed the first and last rows only
        return Guard(name, xml, width=width)

    def _marked_rows(self, guard: Guard) -> None:
        """Parse the rows of a surveyed part that bear a mark, into ``guard.xml``."""
        needles = [b"<f", b'"e"', b"hidden"]
        rare = [(b"'", b"'e'"), (b":", b":f")]  # looked for only where the piece has a ' or a : at all
        for style in sorted(self.percent_styles):
            needles.append(b's="%s"' % style.encode())
            rare.append((b"'", b"s='%s'" % style.encode()))
        cells = self._cells()
        cells.survey = True
        parser = cells.parser
        for kind, data, begin, end in _pieces(self._chunks(guard.xml.part)):
            if kind == "rows":
                found = needles + [needle for byte, needle in rare if data.find(byte, begin, end) >= 0]
                done = begin
                for at in _marks(data, begin, end, found, spaced=bool(self.percent_styles)):
                    if at < done:
                        continue
                    first = data.rfind(b"<row", begin, at)
                    if first < 0:
                        continue
                    close = data.find(b">", first, end)
                    if data[close - 1:close] == b"/" and close >= at:
                        done = close + 1
                    else:
                        done = data.find(b"</row>", at, end)
                        done = end if done < 0 else done + 6
                    parser.Parse(data[first:done], False)
            elif kind in ("head", "tail"):
                parser.Parse(data[begin:end], kind == "tail")
            else:
                raise ValueError("the part no longer cuts as it did")
        found, xml = cells.xml, guard.xml
        xml.errors.update(found.errors)
        xml.formulas |= found.formulas
        xml.percent.update(found.percent)
        xml.hidden_rows |= found.hidden_rows


_VALUE_ENDS = (b"</v>", b":v>", b"</is>", b":is>")  # every cell the reader counts has a value element


def _last_value(cells: _Cells, rows: list[tuple[bytes, int, int]], tries: int = 64) -> bool:
    """Parse the row holding the last cell the reader counts (rows go down the sheet, so that cell is the
    farthest down), found from the end of ``rows`` by its value element; False when that cell is
    blank-looking (the data ends above it), or when no row parsed this way counts one further down than
    the rows parsed before (``tries`` rows at most): the whole parse must say."""
    for data, begin, end in reversed(rows):
        while tries:
            at = max(data.rfind(needle, begin, end) for needle in _VALUE_ENDS)
            if at < 0:
                break
            first = data.rfind(b"<row", begin, at)
            if first < 0:
                return False
            done = data.find(b"</row>", at, end)
            before = cells.reach_row
            cells.parser.Parse(data[first:end if done < 0 else done + 6], False)
            if cells.reach_row > before:
                return cells.reach_row <= cells.xml.last_row
            end, tries = first, tries - 1
    return False


def _at_most(n: int) -> bytes:
    """A regular expression for the numbers 1 to ``n`` written without leading zeros."""
    digits = str(n)
    parts = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, ch in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(ch) > low:
            parts.append(f"{digits[:i]}[{low}-{int(ch) - 1}][0-9]{{{len(digits) - i - 1}}}")
    parts.append(digits)
    return ("(?:" + "|".join(parts) + ")").encode()


@functools.lru_cache(maxsize=32)
def _plain_cells(width: int, rows: int) -> tuple[re.Pattern, re.Pattern]:
    """Two expressions for a cell tag not written ``<c r="A1"`` with a column up to ``width`` (0-based) and a row
    up to ``rows``: one for unprefixed tags only (``<c``), quicker, where no prefix can stand (the piece has
    no ":"), and one that also finds ``<x:c``: ``c`` then a space (to be checked for a ``<`` or prefix
    before it), or ``>``/``/>`` right after ``<c`` or ``:c`` (``</c>`` is no start)."""
    address = rb'r="[A-%c]%s"' % (ord("A") + width, _at_most(rows))
    return (re.compile(rb"<c(?![ \t\r\n]" + address + rb")[ \t\r\n>/]"),
            re.compile(rb"c(?![ \t\r\n]" + address + rb")(?:[ \t\r\n]|(?<=[<:]c)/?>)"))


def _unplain(plain: tuple[re.Pattern, re.Pattern], data: bytes, begin: int, end: int) -> bool:
    """Whether ``data[begin:end]`` holds a cell tag the survey cannot vouch for (:func:`_plain_cells`)."""
    unprefixed, any_prefix = plain
    if data.find(b":", begin, end) < 0:
        return unprefixed.search(data, begin, end) is not None
    return any(data[m.end() - 1] in b">/" or data[m.start() - 1] in b"<:"
               for m in any_prefix.finditer(data, begin, end))


_SPACED = re.compile(rb"=(?:(?<=[ \t\r\n]=)|[ \t\r\n])")  # an attribute written with spaces around its "="


def _marks(data: bytes, begin: int, end: int, needles: list[bytes], spaced: bool) -> list[int]:
    """Where in ``data[begin:end]`` a needle stands (``<f`` and ``:f`` only as a whole tag name), in order;
    with ``spaced``, also where an attribute is written ``s = "9"``, which the style needles would miss."""
    found = []
    for needle in needles:
        at = data.find(needle, begin, end)
        while at >= 0:
            if needle[-1:] != b"f" or data[at + 2:at + 3] in (b" ", b"\t", b"\r", b"\n", b"/", b">"):
                found.append(at)
            at = data.find(needle, at + 1, end)
    if spaced:
        found += [m.start() for m in _SPACED.finditer(data, begin, end)]
    return sorted(found)


def _pieces(chunks: Iterator[bytes]) -> Iterator[tuple[str, bytes, int, int]]:
    """A worksheet part cut into its head (through the ``<sheetData ...>`` start tag), pieces of whole rows
    and its tail (from ``</sheetData>``), each as (kind, data, begin, end) for ``data[begin:end]``; a last
    ("", b"", 0, 0) when it cannot be cut so (a prefixed or empty ``<sheetData>``, a row longer than
    :data:`CARRY_LIMIT`)."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        at = buf.find(b"sheetData")
        if at > 0 and (end := buf.find(b">", at)) > 0:
            break
        if len(buf) > HEAD_LIMIT:
            yield "", b"", 0, 0
            return
    else:
        yield "", b"", 0, 0
        return
    if buf[at - 1:at] != b"<" or buf[end - 1:end] == b"/":
        yield "", b"", 0, 0
        return
    yield "head", buf, 0, end + 1
    carry = b""
    for chunk in itertools.chain([buf[end + 1:]], chunks):  # no chunk is copied whole: only what straddles two
        start = 0
        if carry:
            first = chunk.find(b"</row>")
            if first < 0:  # no row ends here: the tail has begun, or a very long row goes on
                data = carry + chunk
                stop = data.find(b"</sheetData>")
                if stop >= 0:
                    if stop:
                        yield "rows", data, 0, stop
                    tail = b"".join([data[stop:], *chunks])
                    yield "tail", tail, 0, len(tail)
                    return
                if len(data) > CARRY_LIMIT:
                    break
                carry = data
                continue
            joined = carry + chunk[:first + 6]
            yield "rows", joined, 0, len(joined)
            start = first + 6
        cut = chunk.rfind(b"</row>", start)
        stop = chunk.find(b"</sheetData>", max(cut, start))
        if stop >= 0:
            if stop > start:
                yield "rows", chunk, start, stop
            tail = b"".join([chunk[stop:], *chunks])
            yield "tail", tail, 0, len(tail)
            return
        if cut < 0:
            carry = chunk[start:]
            continue
        yield "rows", chunk, start, cut + 6
        carry = chunk[cut + 6:]
    yield "", b"", 0, 0


def _percent_styles(archive: zipfile.ZipFile, part: str) -> frozenset[str]:
    """The cell style indexes (``s=``, as text) whose number format shows a percentage."""
    root = SafeET.fromstring(archive.read(part), forbid_dtd=True)
    local = {el: el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    codes = {}
    for el in root.iter():
        if local[el] == "numFmt":
            try:
                codes[int(el.get("numFmtId", ""))] = el.get("formatCode") or ""
            except ValueError:
                continue
    found = set()
    for xfs in (el for el in root if local[el] == "cellXfs"):
        for i, xf in enumerate(el for el in xfs if local[el] == "xf"):
            try:
                fmt = int(xf.get("numFmtId") or 0)
            except ValueError:
                continue
            if fmt in PERCENT_BUILTINS or "%" in _QUOTED.sub("", codes.get(fmt, "")):
                found.add(str(i))
    return frozenset(found)
