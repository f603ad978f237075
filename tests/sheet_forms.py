"""Worksheet XML written the many legal ways producers write it, and workbooks with one sheet replaced.

A sheet is a dict {Excel row: [Cell, ...]}; :func:`sheet_xml` writes it in a :class:`Form` (namespace
prefix, shared or inline strings) with the small choices drawn from a ``random.Random`` (attribute order,
quotes, spaces around ``=``, addresses given or left to the cell's place, rich-text runs, comments), and
:func:`replace_sheet` puts it in place of one sheet of a workbook written by
``templates.workbook.build_workbook``, appending its shared strings to the workbook's own.
"""

from __future__ import annotations

import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from domain.findings import column_letter
from importer.safety import check_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Cell:
    """One cell: ``kind`` "s" text, "n" number, "e" an error value, "f" a formula with no value, "blank" a
    cell with a style only."""

    col: int  # 0-based
    kind: str
    value: str = ""
    style: int | None = None
    formula: str = ""


@dataclass(frozen=True)
class Form:
    prefix: str = ""  # the spreadsheet namespace's prefix ("" for the default namespace)
    strings: str = "shared"  # "shared" (xl/sharedStrings.xml) or "inline"
    addresses: str = "all"  # "all", "none" (every cell and row at its place) or "some"
    plain: bool = True  # Excel's own writing: no random choices at all


@dataclass
class Extras:
    merged: list[str] = field(default_factory=list)  # "A2:A3"
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)  # 1-based min, max


def _attrs(pairs: list[tuple[str, str]], rnd: random.Random | None) -> str:
    if rnd is None:
        return "".join(f' {k}="{escape(v)}"' for k, v in pairs)
    pairs = list(pairs)
    rnd.shuffle(pairs)
    out = []
    for k, v in pairs:
        quote = rnd.choice(['"', "'"])
        eq = rnd.choice(["=", "=", " = ", "\n=\t"])
        value = escape(v, {'"': "&quot;"} if quote == '"' else {"'": "&apos;"})
        out.append(rnd.choice([" ", " ", "\n  ", "\t"]) + f"{k}{eq}{quote}{value}{quote}")
    return "".join(out)


def sheet_xml(rows: dict[int, list[Cell]], form: Form, rnd: random.Random | None = None,
              extras: Extras | None = None, strings: list[str] | None = None, base: int = 0) -> bytes:
    """The worksheet XML of ``rows``; text cells in shared form append their text to ``strings`` and point
    at ``base`` plus its index there."""
    rnd = None if form.plain else rnd or random.Random(0)
    extras = extras or Extras()
    strings = strings if strings is not None else []
    p = f"{form.prefix}:" if form.prefix else ""
    ns = f' xmlns:{form.prefix}="{MAIN}"' if form.prefix else f' xmlns="{MAIN}"'
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' if not rnd or rnd.random() < 0.7 else "",
           f'<{p}worksheet{ns} xmlns:r="{REL}">']
    if extras.hidden_cols:
        out.append(f"<{p}cols>" + "".join(
            f"<{p}col{_attrs([('min', str(a)), ('max', str(b)), ('width', '12'), ('hidden', '1')], rnd)}/>"
            for a, b in extras.hidden_cols) + f"</{p}cols>")
    out.append(f"<{p}sheetData>")
    previous_row = 0
    for number in sorted(rows):
        cells = sorted(rows[number], key=lambda c: c.col)
        addressed = form.addresses == "all" or (form.addresses == "some" and rnd and rnd.random() < 0.5)
        if not addressed:
            while previous_row + 1 < number:  # a row without an address stands below the one before
                out.append(f"<{p}row/>")
                previous_row += 1
        pairs = [("r", str(number))] if addressed else []
        if number in extras.hidden_rows:
            pairs.append(("hidden", rnd.choice(["1", "true"]) if rnd else "1"))
        if rnd and rnd.random() < 0.3:
            pairs.append(("spans", f"1:{max((c.col for c in cells), default=0) + 1}"))
        out.append(f"<{p}row{_attrs(pairs, rnd)}>")
        previous_row = number
        last_col = -1
        for cell in cells:
            given = form.addresses == "all" or (form.addresses == "some" and rnd and rnd.random() < 0.5)
            if not given:
                while last_col + 1 < cell.col:  # a cell without an address stands right of the one before
                    out.append(f"<{p}c/>")
                    last_col += 1
            out.append(_cell(cell, f"{column_letter(cell.col)}{number}" if given else None, p, form, rnd,
                             strings, base))
            last_col = cell.col
            if rnd and rnd.random() < 0.05:
                out.append("<!-- a comment a producer left -->")
        out.append(f"</{p}row>")
    out.append(f"</{p}sheetData>")
    if extras.merged:
        out.append(f"<{p}mergeCells count=\"{len(extras.merged)}\">" + "".join(
            f"<{p}mergeCell{_attrs([('ref', ref)], rnd)}/>" for ref in extras.merged) + f"</{p}mergeCells>")
    out.append(f"</{p}worksheet>")
    return "".join(out).encode()


def _cell(cell: Cell, ref: str | None, p: str, form: Form, rnd: random.Random | None, strings: list[str],
          base: int) -> str:
    pairs = [("r", ref)] if ref else []
    if cell.style is not None:
        pairs.append(("s", str(cell.style)))
    body = ""
    if cell.kind == "s":
        if form.strings == "inline":
            pairs.append(("t", "inlineStr"))
            text = cell.value
            if rnd and len(text) > 2 and rnd.random() < 0.3:  # rich text: the same text in runs
                cut = rnd.randrange(1, len(text))
                body = (f"<{p}is><{p}r><{p}t>{escape(text[:cut])}</{p}t></{p}r>"
                        f"<{p}r><{p}t>{escape(text[cut:])}</{p}t></{p}r></{p}is>")
            else:
                space = ' xml:space="preserve"' if rnd and rnd.random() < 0.3 else ""
                body = f"<{p}is><{p}t{space}>{escape(text)}</{p}t></{p}is>"
        else:
            pairs.append(("t", "s"))
            strings.append(cell.value)
            body = f"<{p}v>{base + len(strings) - 1}</{p}v>"
    elif cell.kind == "n":
        if rnd and rnd.random() < 0.3:
            pairs.append(("t", "n"))
        body = f"<{p}v>{cell.value}</{p}v>"
    elif cell.kind == "e":
        pairs.append(("t", "e"))
        formula = f"<{p}f>{escape(cell.formula)}</{p}f>" if cell.formula else ""
        body = f"{formula}<{p}v>{escape(cell.value)}</{p}v>"
    elif cell.kind == "f":
        empty = rnd.choice(["", f"<{p}v/>", f"<{p}v></{p}v>"]) if rnd else ""
        body = f"<{p}f>{escape(cell.formula)}</{p}f>{empty}"
    if not body:
        return f"<{p}c{_attrs(pairs, rnd)}/>"
    return f"<{p}c{_attrs(pairs, rnd)}>{body}</{p}c>"


def shared_count(path: Path) -> int:
    """How many shared strings the workbook at ``path`` has: a new sheet's own strings come after them."""
    with zipfile.ZipFile(path) as archive:
        return len(re.findall(rb"<si[ >]", archive.read("xl/sharedStrings.xml")))


def replace_sheet(path: Path, sheet: str, xml: bytes, strings: list[str] = ()) -> Path:
    """Rewrite the workbook at ``path`` with worksheet ``sheet``'s XML replaced by ``xml``, appending
    ``strings`` to its shared strings (``xml`` written with ``base=shared_count(path)``)."""
    part = check_workbook(path).sheet_parts[sheet]
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    sst = next(data for info, data in members if info.filename == "xl/sharedStrings.xml").decode()
    if strings:
        base = shared_count(path)
        added = "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
        sst = sst.replace("</sst>", added + "</sst>")
        total = base + len(strings)
        sst = re.sub(r'count="\d+"', f'count="{total}"', sst, count=1)
        sst = re.sub(r'uniqueCount="\d+"', f'uniqueCount="{total}"', sst, count=1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == part:
                data = xml
            elif info.filename == "xl/sharedStrings.xml":
                data = sst.encode()
            archive.writestr(zipfile.ZipInfo(info.filename, info.date_time), data)
    return path
