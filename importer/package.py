"""The workbook package located as any reader of the format locates it (ECMA-376 Part 2, Open Packaging
Conventions), and a copy the readers can open when the file itself puts them off.

The format fixes two names only: ``[Content_Types].xml`` and ``_rels/.rels``. The package relationships
name the office document (the workbook part); the workbook's relationships part, ``_rels/<name>.rels``
beside it, names its worksheets, shared strings and styles, wherever the producer put them. A zip item is
matched to a part name as readers match it: backslashes read as slashes (one Windows exporter writes
them), ASCII case ignored (part names are case-insensitive), percent-encoding decoded, a leading ``/`` or
``./`` dropped; two items naming one part are refused, since readers disagree on which one counts.

A sheet whose entry leads to no part (an empty or unknown relationship id, a target that is not in the
file, an external target) is listed in :attr:`Package.unreadable` rather than refused: Excel opens such
files, and whether it matters depends on whether the template uses that sheet (the reader decides).

fastexcel (calamine) looks the workbook, its relationships, shared strings and styles up at their usual
names (``xl/workbook.xml`` ...; styles elsewhere are not an error: dates silently read as numbers), reads no
percent-encoded target, no item named with ``./`` or a leading ``/``, and no file with a sheet entry that
leads nowhere (measured, fastexcel 0.21: tests/test_package.py). :attr:`Package.as_is` says whether it can open the file
itself; when it cannot, :func:`readable` writes a copy laid out as it expects, holding the same sheet,
shared-string and style parts byte for byte and only the readable sheets.
"""

from __future__ import annotations

import posixpath
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from domain.errors import Reason

CONTENT_TYPES, PACKAGE_RELS = "[content_types].xml", "_rels/.rels"  # part keys (lower case)
# Where fastexcel (calamine) looks for the workbook, its relationships, shared strings and styles (part keys).
USUAL_WORKBOOK, USUAL_RELATIONSHIPS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
USUAL_STRINGS, USUAL_STYLES = "xl/sharedstrings.xml", "xl/styles.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
NO_RELATIONSHIP, MISSING_PART, EXTERNAL = "no_relationship", "missing_part", "external"  # SheetEntry.problem

Read = Callable[[str], bytes]  # a zip member's bytes (the gate's, capped)
Parse = Callable[[bytes, str], Element]  # XML of a member parsed safely (the gate's, refusing a DTD)


class PackageError(Exception):
    """Not a workbook package: the gate refuses the file for ``reason`` (``variant`` says what it is instead)."""

    def __init__(self, reason: Reason, variant: str = ""):
        super().__init__(reason, variant)
        self.reason, self.variant = reason, variant


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet as the workbook lists it: its tab name, visibility, the zip member holding its cells, and
    why it cannot be read ('' when it can; else ``no_relationship``, ``missing_part`` or ``external``)."""

    name: str
    state: str = "visible"  # visible, hidden or veryHidden
    part: str | None = None
    problem: str = ""


@dataclass(frozen=True)
class Package:
    """A workbook package as located: the zip members of its parts, its sheets in tab order (chartsheets and
    dialog sheets hold no cells and are not listed), and whether fastexcel can read the file unchanged."""

    workbook: str
    relationships: str
    shared_strings: str | None
    styles: str | None
    sheets: tuple[SheetEntry, ...]
    date1904: bool = False
    as_is: bool = True

    @property
    def worksheets(self) -> dict[str, str]:
        """Worksheet name -> zip member of every sheet that can be read, in tab order."""
        return {s.name: s.part for s in self.sheets if not s.problem}

    @property
    def unreadable(self) -> tuple[SheetEntry, ...]:
        return tuple(s for s in self.sheets if s.problem)


def part_key(name: str, *, decode: bool = True) -> str:
    """The part name a zip item or an absolute target names, as readers compare them."""
    name = name.replace("\\", "/")
    name = posixpath.normpath("/" + (unquote(name) if decode else name)).lstrip("/")
    return name.lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _resolve(source: str, target: str, *, decode: bool = True) -> str | None:
    """The part key a relationship target names, relative to its source part (or absolute); None outside."""
    target = target.replace("\\", "/").split("#", 1)[0]
    if decode:
        target = unquote(target)
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
    norm = posixpath.normpath(joined) if joined else "."
    if norm.startswith("../") or norm in ("..", "."):
        return None
    return norm.lower()


def _rels_of(part: str) -> str:
    """The key of a part's relationships part: ``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Parts:
    """The zip members of a package by part key."""

    def __init__(self, members: Iterable[str]):
        self.by_key: dict[str, str] = {}
        self.plain: set[str] = set()  # keys whose item is named as calamine finds it (only \\ and case differ)
        for member in members:
            if member.endswith(("/", "\\")):
                continue  # a folder entry
            key = part_key(member)
            if key in self.by_key:
                raise PackageError(Reason.TRUNCATED)  # two items, one part
            self.by_key[key] = member
            if member.replace("\\", "/").lower() == key:
                self.plain.add(key)

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def get(self, key: str | None) -> str | None:
        return self.by_key.get(key) if key else None


def relationships(root: Element) -> dict[str, Element]:
    return {r.get("Id"): r for r in root if _local(r.tag) == "Relationship" and r.get("Id")}


def _type_is(rel: Element, kind: str) -> bool:
    return (rel.get("Type") or "").rsplit("/", 1)[-1] == kind  # transitional and strict namespaces alike


def _external(rel: Element) -> bool:
    return (rel.get("TargetMode") or "").lower() == "external"


def find_workbook(parts: Parts, read: Read, parse: Parse) -> str:
    """The key of the workbook part: the package relationships' office document, or the part the content types
    declare the workbook when the package relationships are missing. Raise :class:`PackageError` when the file
    is another kind of package, or a spreadsheet package missing its core parts."""
    if CONTENT_TYPES not in parts:
        raise _other_kind(parts)
    types = parse(read(parts.get(CONTENT_TYPES)), parts.get(CONTENT_TYPES))
    overrides = {part_key(el.get("PartName") or ""): el.get("ContentType") or ""
                 for el in types if _local(el.tag) == "Override"}
    document = None
    if PACKAGE_RELS in parts:
        rels = parse(read(parts.get(PACKAGE_RELS)), parts.get(PACKAGE_RELS))
        document = next((_resolve("", r.get("Target") or "") for r in relationships(rels).values()
                         if _type_is(r, "officeDocument") and not _external(r)), None)
    else:
        document = next((key for key, kind in overrides.items()
                         if kind.startswith(SHEET_TYPE) and kind.endswith(".main+xml")), None)
    if document is None or document not in parts:
        raise _other_kind(parts)
    kind = overrides.get(document, "")
    if document.endswith(".bin") or "binary" in kind:
        raise PackageError(Reason.NOT_A_WORKBOOK, "xlsb")
    if "wordprocessingml" in kind:
        raise PackageError(Reason.NOT_A_WORKBOOK, "docx")
    if "presentationml" in kind:
        raise PackageError(Reason.NOT_A_WORKBOOK, "pptx")
    return document


def _other_kind(parts: Parts) -> PackageError:
    """What a zip that is no workbook package is, by the parts it holds."""
    if "xl/workbook.bin" in parts:
        return PackageError(Reason.NOT_A_WORKBOOK, "xlsb")
    if "word/document.xml" in parts:
        return PackageError(Reason.NOT_A_WORKBOOK, "docx")
    if "ppt/presentation.xml" in parts:
        return PackageError(Reason.NOT_A_WORKBOOK, "pptx")
    if "content.xml" in parts and "mimetype" in parts:
        return PackageError(Reason.NOT_A_WORKBOOK, "ods")
    if any(key.startswith("xl/") for key in parts.by_key):  # an Excel package missing its core parts
        return PackageError(Reason.TRUNCATED)
    return PackageError(Reason.NOT_A_WORKBOOK, "zip")


def locate(parts: Parts, workbook: str, read: Read, parse: Parse) -> Package:
    """The workbook's sheets and parts, found through its relationships. Raise :class:`PackageError` when the
    workbook lists no sheet (``empty``), none that can be read, or two with one name (``truncated``)."""
    rels_key = _rels_of(workbook)
    if rels_key not in parts:
        raise PackageError(Reason.TRUNCATED)
    rels = relationships(parse(read(parts.get(rels_key)), parts.get(rels_key)))
    book = parse(read(parts.get(workbook)), parts.get(workbook))
    if _local(book.tag) != "workbook":
        raise PackageError(Reason.TRUNCATED)

    def target(kind: str) -> str | None:
        rel = next((r for r in rels.values() if _type_is(r, kind) and not _external(r)), None)
        return None if rel is None else _resolve(workbook, rel.get("Target") or "")

    as_is = PACKAGE_RELS in parts.plain and rels_key == USUAL_RELATIONSHIPS and rels_key in parts.plain
    sheets: list[SheetEntry] = []
    for el in (e for group in book if _local(group.tag) == "sheets" for e in group if _local(e.tag) == "sheet"):
        name, state = el.get("name"), el.get("state") or "visible"
        if not name or name.casefold() in {s.name.casefold() for s in sheets}:
            raise PackageError(Reason.TRUNCATED)  # a tab without a name, or two tabs with one name
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        rel = rels.get(rid) if rid else None
        if rel is None:
            sheets.append(SheetEntry(name, state, problem=NO_RELATIONSHIP))
        elif not _type_is(rel, "worksheet"):
            continue  # a chartsheet, dialog sheet or macro sheet: no cells to read
        elif _external(rel):
            sheets.append(SheetEntry(name, state, problem=EXTERNAL))
        elif (part := parts.get(_resolve(workbook, rel.get("Target") or ""))) is None:
            sheets.append(SheetEntry(name, state, problem=MISSING_PART))
        else:
            sheets.append(SheetEntry(name, state, part))
            raw = _resolve(workbook, rel.get("Target") or "", decode=False)
            as_is = as_is and raw == part_key(part) and raw in parts.plain
    if not sheets:
        raise PackageError(Reason.EMPTY, "no_sheets")
    if all(s.problem for s in sheets):
        raise PackageError(Reason.TRUNCATED)
    shared, styles = target("sharedStrings"), target("styles")
    as_is = as_is and not any(s.problem for s in sheets) and all(
        key is None or (key == usual and key in parts.plain)
        for usual, key in ((USUAL_STRINGS, shared), (USUAL_STYLES, styles), (USUAL_WORKBOOK, workbook)))
    pr = next((e for e in book if _local(e.tag) == "workbookPr"), None)
    date1904 = pr is not None and (pr.get("date1904") or "").lower() in ("1", "true")
    return Package(parts.get(workbook), parts.get(rels_key), parts.get(shared), parts.get(styles), tuple(sheets),
                   date1904, as_is)


# ---------------------------------------------------------------------------------- the readable copy

def _attr(text: str) -> str:
    """``text`` as a quoted XML attribute value (xml.sax.saxutils would pull urllib.request into start-up)."""
    return '"' + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") + '"'


def _copy_layout(package: Package) -> tuple[list[tuple[SheetEntry, str]], dict[str, str]]:
    """(readable sheets with their new part names, {new part name: old member}) of the copy."""
    sheets = [(s, f"xl/worksheets/sheet{i}.xml") for i, s in enumerate(
        (s for s in package.sheets if not s.problem), start=1)]
    parts = {new: s.part for s, new in sheets}
    if package.shared_strings:
        parts["xl/sharedStrings.xml"] = package.shared_strings
    if package.styles:
        parts["xl/styles.xml"] = package.styles
    return sheets, parts


def _skeleton(package: Package, sheets: list[tuple[SheetEntry, str]]) -> dict[str, str]:
    """The small XML parts of the copy, written afresh: content types, relationships, the workbook."""
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="' + SHEET_TYPE + 'sheet.main+xml"/>']
    overrides += [f'<Override PartName="/{new}" ContentType="{SHEET_TYPE}worksheet+xml"/>' for _, new in sheets]
    rels = [f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="/{new}"/>'
            for i, (_, new) in enumerate(sheets, start=1)]
    for present, kind, name, content in ((package.shared_strings, "sharedStrings", "sharedStrings.xml",
                                          "sharedStrings+xml"), (package.styles, "styles", "styles.xml", "styles+xml")):
        if present:
            overrides.append(f'<Override PartName="/xl/{name}" ContentType="{SHEET_TYPE}{content}"/>')
            rels.append(f'<Relationship Id="rId{len(rels) + 1}" Type="{REL}/{kind}" Target="/xl/{name}"/>')
    tabs = "".join(f'<sheet name={_attr(s.name)} sheetId="{i}"'
                   + (f' state={_attr(s.state)}' if s.state != "visible" else "") + f' r:id="rId{i}"/>'
                   for i, (s, _) in enumerate(sheets, start=1))
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>",
        "_rels/.rels": head + f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        + ('<workbookPr date1904="1"/>' if package.date1904 else "") + f"<sheets>{tabs}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head + f'<Relationships xmlns="{PACKAGE_REL}">' + "".join(rels)
        + "</Relationships>",
    }


def write_copy(source: Path, package: Package, dest: Path) -> Path:
    """Write, at ``dest``, the workbook laid out as fastexcel expects: the readable sheets, shared strings and
    styles copied byte for byte (streamed), the package's small parts written afresh."""
    sheets, parts = _copy_layout(package)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, text in _skeleton(package, sheets).items():
            out.writestr(name, text)
        for new, old in parts.items():
            with zin.open(old) as src, out.open(new, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    return dest


@contextmanager
def readable(path: Path, package: Package | None) -> Iterator[Path]:
    """The file fastexcel should open for ``path``: itself when it can read it as it is, else a copy laid out
    as it expects (in a temporary folder, removed afterwards)."""
    if package is None or package.as_is:
        yield path
        return
    import tempfile  # rarely needed: not at start-up

    with tempfile.TemporaryDirectory(prefix="sms-read-") as folder:
        yield write_copy(path, package, Path(folder) / "readable.xlsx")
