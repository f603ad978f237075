"""A sheet's header row: which column each header names, and findings that point at the cause.

A header names a template column by its key, its Thai or its English title or both, spelled
however it was typed (:func:`fold`). What the reader makes of a header row:

- a column named by exactly one header is read;
- a column named by two or more headers (the same title twice, or its Thai title in one cell and
  its English title in another) is read from none of them: S11 at the header row names every cell,
  since a guess could store a scratch column's values (field case 03);
- a required column named by no header is one S01 on the header row, never also a blank (S04) per
  row; when an unknown header resembles it, the S01 is at that header's cell and asks "did you mean";
- an unknown header is an S02 at its cell, with the template column it resembles if one is missing;
  more than :data:`MAX_UNKNOWN_EACH` others are one S02 with their count and range.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

from domain.findings import Finding
from domain.text import canonical
from templates import Column, Sheet

HEADER_SEARCH_ROWS = 5  # a unit may add a title row or two above the header
MAX_UNKNOWN_EACH = 3  # unknown columns reported one by one; more are one finding with their count and range
RESEMBLES = 0.8  # how alike a header's Thai or English words and a column's must be to suggest the column
MAX_COMPARED = 50  # unknown headers compared with the missing columns (a sheet may have thousands)
SHOWN = 60  # characters of a header quoted in a message


@functools.lru_cache(maxsize=65536)  # a column repeats its values: fold each once
def fold(text: object) -> str:
    """A header or sheet name reduced to what identifies it: spelled canonically (Thai typed in another order
    or decomposed folds as it looks), no case, spaces, breaks or invisible marks."""
    text = canonical(str(text or "")).lower()
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff().:/_\-]+", "", text)


def header_names(sheet: Sheet) -> dict[str, str]:
    """Every folded spelling a column's header may have -> the column key."""
    names = {}
    for col in sheet.columns:
        for spelling in (col.key, col.th, col.en, col.th + col.en, col.en + col.th):
            names[fold(spelling)] = col.key
    return names


@dataclass
class Header:
    """The header row of a sheet as found: its index among the rows searched, the key each cell names
    (by column index in the rows), and the text of every non-blank cell."""

    row: int
    names: dict[int, str]
    texts: dict[int, str]

    @property
    def positions(self) -> dict[str, list[int]]:
        """Column key -> the indexes of the cells that name it, left to right."""
        found: dict[str, list[int]] = {}
        for i in sorted(self.names):
            found.setdefault(self.names[i], []).append(i)
        return found

    @property
    def columns(self) -> dict[int, str]:
        """{column index: key} of the columns to read: each named by exactly one cell."""
        return {at[0]: key for key, at in self.positions.items() if len(at) == 1}


def locate_header(rows: list[list], sheet: Sheet, renames: dict[str, str]) -> Header:
    """The row near the top naming the most template columns, and what each of its cells names."""
    names = header_names(sheet)
    names.update({fold(old): new for old, new in renames.items()})
    best = Header(0, {}, {})
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {i: names[fold(v)] for i, v in enumerate(row) if fold(v) in names}
        if len(found) > len(best.names):
            best = Header(r, found, {i: str(v) for i, v in enumerate(row) if v != ""})
    return best


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, str]:
    """A header's Thai letters and its Latin letters, folded: what a person means by it in each language."""
    folded = fold(text)
    return re.sub(r"[^\u0e01-\u0e4e]", "", folded), re.sub(r"[^a-z]", "", folded)


def resemblance(text: str, col: Column) -> float:
    """How alike a header is to a column's Thai or English title (0–1, the better of the two)."""
    th, en = _words(text)
    best = 0.0
    for mine, theirs in ((th, _words(col.th)[0]), (en, _words(col.en)[1])):
        if len(mine) >= 3 and len(theirs) >= 3:
            matcher = SequenceMatcher(None, mine, theirs, autojunk=False)
            if matcher.real_quick_ratio() >= RESEMBLES and matcher.quick_ratio() >= RESEMBLES:
                best = max(best, matcher.ratio())
    return best


def suggestions(unknown: dict[int, str], missing: list[Column]) -> dict[int, Column]:
    """{column index: the missing column its header most resembles}, each column suggested once at most."""
    scored = sorted(((resemblance(text, col), i, col) for i, text in list(unknown.items())[:MAX_COMPARED]
                     for col in missing), key=lambda s: (-s[0], s[1]))
    chosen: dict[int, Column] = {}
    for score, i, col in scored:
        if score < RESEMBLES:
            break
        if i not in chosen and col.key not in {c.key for c in chosen.values()}:
            chosen[i] = col
    return chosen


def header_findings(header: Header, sheet: Sheet, name: str, file: str, letter: Callable[[int], str]) -> list[Finding]:
    """S11, S01 and S02 of one sheet's header row, each at a cell of that row. ``letter`` gives the Excel column
    letters of a column index (one past the last header cell gives where a missing column may go)."""
    excel_row = header.row + 1

    def cell(i: int) -> str:
        return f"{letter(i)}{excel_row}"

    where = {"file": file, "sheet": sheet.key, "row": excel_row}
    findings = []
    positions = header.positions
    for key, at in positions.items():
        if len(at) < 2:
            continue
        col = sheet.column(key)
        cells_th = " และ ".join(f"{cell(i)} (คอลัมน์ {letter(i)})" for i in at)
        cells_en = " and ".join(f"{cell(i)} (column {letter(i)})" for i in at)
        findings.append(Finding.of(
            "S11", f"หัวคอลัมน์ '{col.th}' มีซ้ำ {len(at)} คอลัมน์ ที่ช่อง {cells_th} ระบบจึงไม่อ่านค่าจากคอลัมน์ใดเลย "
                   "ให้ลบคอลัมน์ที่ไม่ใช้ หรือเปลี่ยนหัวคอลัมน์นั้นเป็นชื่ออื่น ให้เหลือหัวคอลัมน์นี้เพียงคอลัมน์เดียว",
            f"The header '{col.en}' appears {len(at)} times, at {cells_en}, so none of those columns is read; "
            f"delete or rename the one that does not hold the '{col.en}', so that only one is left.",
            column=key, header=col.header, cell=cell(at[0]), value=_shown(header.texts[at[0]]),
            **where))

    unknown = {i: text for i, text in header.texts.items() if i not in header.names}
    missing = [c for c in sheet.columns if c.key not in positions]
    near = suggestions(unknown, missing)
    after = max(header.texts, default=-1) + 1  # where a missing column may be added
    for col in (c for c in missing if c.required):
        at = next((i for i, c in near.items() if c.key == col.key), None)
        if at is None:
            th = (f"ไม่พบคอลัมน์ที่จำเป็น '{col.th}' ในแผ่นงาน {name} ให้เพิ่มคอลัมน์นี้พร้อมหัวคอลัมน์ตามแบบฟอร์ม "
                  f"เช่น ที่ช่อง {cell(after)}")
            en = (f"Required column '{col.en}' is missing from sheet {name}; add it back with its header from the "
                  f"template, e.g. at {cell(after)}.")
            findings.append(Finding.of("S01", th, en, column=col.key, header=col.header, cell=cell(after), **where))
            continue
        text = _shown(unknown[at])
        th = (f"ไม่พบคอลัมน์ที่จำเป็น '{col.th}' ในแผ่นงาน {name} หัวคอลัมน์ '{text}' ที่ช่อง {cell(at)} "
              f"ใช่คอลัมน์นี้หรือไม่ ถ้าใช่ ให้แก้หัวคอลัมน์เป็น '{col.th}' ตามแบบฟอร์ม")
        en = (f"Required column '{col.en}' is missing from sheet {name}. Did you mean the header '{text}' at "
              f"{cell(at)}? If so, change it to the template's header '{col.en}'.")
        findings.append(Finding.of("S01", th, en, column=col.key, header=col.header, cell=cell(at), value=text,
                                   **where))
    for at, col in near.items():
        if col.required:
            continue  # said by its S01
        text = _shown(unknown[at])
        th = (f"คอลัมน์ '{text}' ไม่อยู่ในแบบฟอร์ม ระบบจะไม่อ่านคอลัมน์นี้ หมายถึงคอลัมน์ '{col.th}' หรือไม่ "
              f"ถ้าใช่ ให้แก้หัวคอลัมน์เป็น '{col.th}' ตามแบบฟอร์ม")
        en = (f"Column '{text}' is not in the template and is ignored. Did you mean '{col.en}'? If so, change its "
              f"header to the template's '{col.en}'.")
        findings.append(Finding.of("S02", th, en, header=text, cell=cell(at), value=text, **where))

    rest = [i for i in unknown if i not in near]
    if len(rest) <= MAX_UNKNOWN_EACH:
        for i in rest:
            text = _shown(unknown[i])
            findings.append(Finding.of("S02", f"คอลัมน์ '{text}' ไม่อยู่ในแบบฟอร์ม ระบบจะไม่อ่านคอลัมน์นี้",
                                       f"Column '{text}' is not in the template and is ignored.",
                                       header=text, cell=cell(i), value=text, **where))
    else:
        first, last = cell(rest[0]), cell(rest[-1])
        examples = ", ".join(f"'{_shown(unknown[i])}'" for i in rest[:MAX_UNKNOWN_EACH])
        findings.append(Finding.of(
            "S02", f"{len(rest):,} คอลัมน์ตั้งแต่ {first} ถึง {last} ไม่อยู่ในแบบฟอร์ม (เช่น {examples}) "
                   "ระบบจะไม่อ่านคอลัมน์เหล่านี้ ถ้าไม่ได้ใช้ ให้ลบออก",
            f"{len(rest):,} columns from {first} to {last} are not in the template (e.g. {examples}) and are "
            "ignored; delete them if they are not needed.",
            header=_shown(unknown[rest[0]]), cell=first, value=f"{first}:{last}", **where))
    return findings
