"""The gate every uploaded workbook passes before any reader touches it.

``check_workbook(path)`` looks at the bytes and at the zip directory only; it never
decompresses a whole sheet, so it takes milliseconds even for a 100,000-row file. It
refuses (``WorkbookRefused``, with a Thai and an English sentence naming the file and
saying what to do) anything that is not a plain .xlsx/.xlsm a reader can open safely:

==================  ===========================================================
reason              refused because
==================  ===========================================================
``not_found``       the path does not exist or is not a regular file
``empty``           the file has 0 bytes, or the workbook has no worksheet
``too_large``       the file is bigger than ``max_file_bytes``
``csv``             plain text / CSV / tab-separated text with an Excel name
``xls``             the old binary Excel 97-2003 format (OLE2 container)
``encrypted``       a password-protected workbook (OLE2 ``EncryptedPackage``)
                    or a zip with encrypted members
``truncated``       a damaged or incompletely uploaded zip or workbook
``not_a_workbook``  anything else: a .docx/.pptx/.ods/.xlsb, an HTML page,
                    random bytes
``zip_bomb``        declared or actual expansion beyond the limits, or a zip
                    directory that lies about its sizes
``xml_bomb``        a DTD (``<!DOCTYPE``/``<!ENTITY``) in any XML part, or an
                    XML prolog longer than 64 KB / in an unusual encoding
``unreadable``      anything unexpected (an OSError, a zip library error ...)
==================  ===========================================================

Macro-enabled workbooks (.xlsm) are accepted with ``has_macros=True``; their
macros are never read or run.

The package is located as any reader of the format locates it, through ``_rels/.rels``
and the workbook's relationships, never by fixed paths (:mod:`importer.package`):
backslashes in item names, case-different names and parts in unusual places are a
workbook like any other. A sheet entry that leads to no part (an empty relationship id,
a missing part) is refused as ``truncated`` unless ``skip_unreadable_sheets`` is given,
when it is listed in ``Checked.package.unreadable`` for the reader to judge.

A sheet's ``<dimension>`` is not looked at: producers omit it or understate it, and Excel writes
one reaching XFD1048576 for a single space typed there, so it says nothing of what a reader will
hold. How far a sheet's cells really reach, against ``max_cells``, is judged from its XML before
the reader loads it (:mod:`importer.sheet_xml`: far blank-looking cells cut out with S13, data
beyond the cap refused with its cell). A deflate stream may expand beyond the size the zip
directory declares (Python's zipfile stops at the declared size, other readers may not).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from domain.errors import Reason, Unreadable
from importer.package import Package, PackageError, Parts, find_workbook, locate

__all__ = ["Checked", "WorkbookRefused", "REASONS", "check_workbook"]

REASONS = frozenset({  # the reasons this gate refuses for
    Reason.NOT_FOUND, Reason.EMPTY, Reason.TOO_LARGE, Reason.CSV, Reason.XLS, Reason.ENCRYPTED, Reason.TRUNCATED,
    Reason.NOT_A_WORKBOOK, Reason.ZIP_BOMB, Reason.XML_BOMB, Reason.UNREADABLE,
})

MAX_MEMBERS = 10_000            # a real workbook has tens of parts, a big one a few hundred
MAX_PART_BYTES = 32_000_000     # cap for the parts read whole (workbook.xml and its rels)
PROLOG_LIMIT = 64 * 1024        # the DTD, if any, stands before the root element
HEAD_CHUNK = 4096
RATIO_FLOOR = 1_000_000         # members smaller than this are never refused for their ratio
SNIFF_BYTES = 64 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_ENCODING = re.compile(r"""\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class WorkbookRefused(Unreadable):
    """An uploaded file the importer will not read (``reason`` is one of :data:`REASONS`), with what to do
    about it in Thai and English; ``file`` is its name as shown to the user."""


@dataclass(frozen=True)
class Checked:
    """A file that passed the gate."""

    path: Path
    size: int
    has_macros: bool
    sheet_parts: dict[str, str] = field(hash=False)  # worksheet name -> zip member, in tab order
    package: Package | None = field(default=None, hash=False, compare=False)  # as located (importer.package)
    max_cells: int = 12_000_000  # the cap the readers keep to on what a sheet really holds (importer.sheet_xml)


# --------------------------------------------------------------------------- messages

_SAVE_AS_TH = "กรุณาเปิดไฟล์ใน Excel แล้วบันทึกเป็น (Save As) ชนิด Excel Workbook (.xlsx) แล้วอัปโหลดใหม่"
_SAVE_AS_EN = "open it in Excel, use Save As > Excel Workbook (.xlsx) and upload it again."
_RESAVE_TH = ("กรุณาเปิดไฟล์ใน Excel บันทึกใหม่เป็น Excel Workbook (.xlsx) แล้วอัปโหลดอีกครั้ง "
              "หากยังไม่ผ่านให้ติดต่อผู้ดูแลระบบ")
_RESAVE_EN = ("open it in Excel, save it again as an Excel Workbook (.xlsx) and upload it again; "
              "contact the system administrator if it is still refused.")

_KINDS = {  # not_a_workbook variants: (Thai noun, English noun, can Excel convert it?)
    "other": ("ไฟล์ประเภทอื่น", "another kind of file", True),
    "docx": ("เอกสาร Word", "a Word document", False),
    "doc": ("เอกสาร Word รุ่นเก่า (.doc)", "an old Word document (.doc)", False),
    "pptx": ("งานนำเสนอ PowerPoint", "a PowerPoint presentation", False),
    "ods": ("ไฟล์ OpenDocument (.ods) ของ LibreOffice", "an OpenDocument file (.ods) from LibreOffice", True),
    "xlsb": ("ไฟล์ Excel แบบไบนารี (.xlsb)", "an Excel Binary Workbook (.xlsb)", True),
    "web": ("หน้าเว็บหรือไฟล์ XML ที่ตั้งชื่อเป็นไฟล์ Excel", "a web page or XML file with an Excel name", True),
    "zip": ("ไฟล์บีบอัด (zip)", "a zip archive", False),
    "pdf": ("เอกสาร PDF", "a PDF document", False),
    "image": ("ไฟล์รูปภาพ", "a picture", False),
}
# the first bytes of files people pick by mistake; a PDF's first line is text, which the sniffing took for a CSV
SIGNATURES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "image", b"\xff\xd8\xff": "image", b"GIF8": "image"}


def _mb(n: int, up: bool = False) -> str:
    """Bytes in decimal MB (KB, bytes for small numbers); ``up`` rounds up, so a size over a limit never
    prints as equal to it."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if n >= scale:
            tenths = -(-n * 10 // scale) if up else n * 10 // scale
            return f"{tenths / 10:,.1f} {unit}"
    return f"{n:,} bytes"


def _display_name(name: str) -> str:
    """The file name as shown in messages: no control or bidi characters, at most 80 characters."""
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in name)
    name = " ".join(name.split()) or "(ไม่มีชื่อ / unnamed)"
    return name if len(name) <= 80 else name[:38] + "…" + name[-38:]


def _refuse(reason: Reason, name: str, variant: str = "", **kw) -> WorkbookRefused:
    f = f"“{name}”"
    if reason == Reason.NOT_FOUND and variant == "folder":
        th = f"{f} เป็นโฟลเดอร์ ไม่ใช่ไฟล์ กรุณาระบุไฟล์ Excel ในโฟลเดอร์นั้น เช่น {name}/*.xlsx"
        en = f"{f} is a folder, not a file; name the Excel files in it instead, e.g. {name}/*.xlsx."
    elif reason == Reason.NOT_FOUND:
        th = f"ไม่พบไฟล์ {f} กรุณาเลือกไฟล์แล้วอัปโหลดใหม่อีกครั้ง"
        en = f"The file {f} could not be found; choose the file and upload it again."
    elif reason == Reason.EMPTY and variant == "no_sheets":
        th = (f"ไฟล์ {f} ไม่มีแผ่นงาน (worksheet) ให้อ่าน "
              "กรุณาใช้แบบฟอร์มมาตรฐาน กรอกข้อมูลแล้วบันทึก แล้วอัปโหลดใหม่")
        en = (f"The file {f} contains no worksheet to read; "
              "fill in the standard template, save it and upload it again.")
    elif reason == Reason.EMPTY:
        th = f"ไฟล์ {f} ว่างเปล่า (ขนาด 0 ไบต์) กรุณาตรวจสอบว่าบันทึกไฟล์เรียบร้อยแล้ว แล้วอัปโหลดใหม่"
        en = f"The file {f} is empty (0 bytes); check that it was saved properly and upload it again."
    elif reason == Reason.TOO_LARGE:
        size, limit = kw["size"], kw["limit"]
        th = (f"ไฟล์ {f} มีขนาด {_mb(size, up=True)} เกินขนาดสูงสุดที่รับได้ {_mb(limit)} "
              "กรุณาแบ่งข้อมูลเป็นหลายไฟล์ หรือลบแผ่นงานและรูปภาพที่ไม่จำเป็นออก แล้วอัปโหลดใหม่")
        en = (f"The file {f} is {_mb(size, up=True)}, more than the {_mb(limit)} limit; split the data into "
              "several files or remove unneeded sheets and pictures, and upload again.")
    elif reason == Reason.CSV:
        th = f"ไฟล์ {f} เป็นไฟล์ข้อความหรือ CSV ไม่ใช่ไฟล์ Excel (.xlsx) {_SAVE_AS_TH}"
        en = f"The file {f} is a text or CSV file, not an Excel workbook (.xlsx); {_SAVE_AS_EN}"
    elif reason == Reason.XLS:
        th = f"ไฟล์ {f} เป็นไฟล์ Excel รุ่นเก่า (.xls, Excel 97-2003) ซึ่งระบบไม่รับ {_SAVE_AS_TH}"
        en = f"The file {f} is in the old Excel 97-2003 format (.xls), which is not accepted; {_SAVE_AS_EN}"
    elif reason == Reason.ENCRYPTED and variant == "zip":
        th = (f"ไฟล์ {f} ถูกบีบอัดพร้อมตั้งรหัสผ่าน ระบบจึงเปิดอ่านไม่ได้ "
              "กรุณาอัปโหลดไฟล์ Excel (.xlsx) ต้นฉบับที่ไม่ได้ตั้งรหัสผ่าน")
        en = (f"The file {f} is a password-protected archive, so it cannot be read; "
              "upload the original Excel workbook (.xlsx) without a password.")
    elif reason == Reason.ENCRYPTED:
        th = (f"ไฟล์ {f} ถูกตั้งรหัสผ่านไว้ ระบบจึงเปิดอ่านไม่ได้ กรุณาเปิดไฟล์ใน Excel ไปที่ "
              "ไฟล์ > ข้อมูล > ป้องกันเวิร์กบุ๊ก > เข้ารหัสด้วยรหัสผ่าน "
              "(File > Info > Protect Workbook > Encrypt with Password) ลบรหัสผ่านออก บันทึก แล้วอัปโหลดใหม่")
        en = (f"The file {f} is protected with a password, so it cannot be read; open it in Excel, "
              "remove the password under File > Info > Protect Workbook > Encrypt with Password, "
              "save it and upload it again.")
    elif reason == Reason.TRUNCATED:
        th = (f"ไฟล์ {f} เสียหายหรืออัปโหลดมาไม่ครบ กรุณาตรวจสอบว่าเปิดไฟล์ใน Excel ได้ตามปกติ "
              "บันทึกอีกครั้ง แล้วอัปโหลดใหม่")
        en = (f"The file {f} is damaged or was not uploaded completely; check that it opens in Excel, "
              "save it again and upload it again.")
    elif reason == Reason.NOT_A_WORKBOOK:
        kind_th, kind_en, convertible = _KINDS.get(variant, _KINDS["other"])
        if variant in ("", "other"):
            th = f"ไฟล์ {f} ไม่ใช่ไฟล์ Excel (.xlsx) กรุณาบันทึกเป็น Excel Workbook (.xlsx) แล้วอัปโหลดใหม่"
            en = (f"The file {f} is not an Excel workbook (.xlsx); "
                  "save it as an Excel Workbook (.xlsx) and upload it again.")
        elif convertible:
            th = f"ไฟล์ {f} เป็น{kind_th} ไม่ใช่ไฟล์ Excel Workbook (.xlsx) {_SAVE_AS_TH}"
            en = f"The file {f} is {kind_en}, not an Excel workbook (.xlsx); {_SAVE_AS_EN}"
        else:
            th = (f"ไฟล์ {f} เป็น{kind_th} ไม่ใช่ไฟล์ Excel (.xlsx) "
                  "กรุณาเลือกไฟล์ Excel ที่กรอกข้อมูลตามแบบฟอร์มแล้วอัปโหลดใหม่")
            en = (f"The file {f} is {kind_en}, not an Excel workbook (.xlsx); "
                  "choose the Excel workbook you filled in from the template and upload it.")
    elif reason == Reason.ZIP_BOMB:
        detail_th, detail_en = kw["detail"]
        th = (f"ไฟล์ {f} มีส่วนประกอบที่ขยายตัวผิดปกติเมื่อแตกไฟล์ ({detail_th}) "
              f"ลักษณะเดียวกับไฟล์ที่สร้างขึ้นเพื่อโจมตีระบบ ระบบจึงไม่รับไฟล์นี้ {_RESAVE_TH}")
        en = (f"The file {f} expands abnormally when unpacked ({detail_en}), like files built to attack "
              f"a server, so it was refused; {_RESAVE_EN}")
    elif reason == Reason.XML_BOMB:
        part, detail_th, detail_en = kw["part"], *kw["detail"]
        th = (f"ไฟล์ {f} มี XML ที่ไม่ปลอดภัยในส่วน {part} ({detail_th}) ซึ่ง Excel ไม่สร้างขึ้นเอง "
              f"และเป็นลักษณะของไฟล์ที่สร้างขึ้นเพื่อโจมตีระบบ ระบบจึงไม่รับไฟล์นี้ {_RESAVE_TH}")
        en = (f"The file {f} contains unsafe XML in {part} ({detail_en}), which Excel never writes and "
              f"which is used in files built to attack a server, so it was refused; {_RESAVE_EN}")
    else:  # unreadable
        reason = Reason.UNREADABLE
        th = (f"ระบบอ่านไฟล์ {f} ไม่ได้ กรุณาบันทึกไฟล์ใหม่เป็น Excel Workbook (.xlsx) แล้วอัปโหลดอีกครั้ง "
              "หากยังไม่ได้ให้ติดต่อผู้ดูแลระบบ")
        en = (f"The file {f} could not be read; save it again as an Excel Workbook (.xlsx) and upload it "
              "again, and contact the system administrator if the problem continues.")
    return WorkbookRefused(th, en, reason, file=name)


# --------------------------------------------------------------------------- entry point

# The default limits admit a 1,000,000-row sheet of up to 12 columns: ~60 MB zipped, ~1 GB of XML,
# ~1.4 GB at the validator's peak (BENCHMARKS.md); a workbook beyond them should be split.
def check_workbook(path: str | os.PathLike, *, max_file_bytes: int = 100_000_000,
                   max_uncompressed_bytes: int = 1_200_000_000, max_ratio: float = 200,
                   max_cells: int = 12_000_000, display_name: str | None = None,
                   skip_unreadable_sheets: bool = False) -> Checked:
    """Check ``path`` is an .xlsx/.xlsm that is safe to hand to a reader; raise ``WorkbookRefused`` if not.

    ``display_name`` is the name shown in messages (the uploaded file's own name when
    ``path`` is a temporary copy); it defaults to the name in ``path``. With
    ``skip_unreadable_sheets``, a sheet entry that leads to no part is listed in
    ``Checked.package.unreadable`` (the reader knows whether its template uses it)
    instead of refusing the file as damaged.
    """
    path = Path(os.fsdecode(path))
    name = _display_name(display_name if display_name is not None else path.name)
    limits = _Limits(max_file_bytes, max_uncompressed_bytes, max_ratio, max_cells, skip_unreadable_sheets)
    try:
        return _check(path, name, limits)
    except WorkbookRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # damaged while reading members
        raise _refuse(Reason.TRUNCATED, name) from exc
    except ParseError as exc:
        raise _refuse(Reason.TRUNCATED, name) from exc
    except DefusedXmlException as exc:
        raise _refuse(Reason.XML_BOMB, name, part="XML",
                      detail=("มีการประกาศ DTD/ENTITY", "a DTD/ENTITY declaration")) from exc
    except Exception as exc:  # OSError, NotImplementedError, RuntimeError, ValueError, MemoryError ...
        raise _refuse(Reason.UNREADABLE, name) from exc


@dataclass(frozen=True)
class _Limits:
    file_bytes: int
    uncompressed_bytes: int
    ratio: float
    cells: int
    skip_unreadable_sheets: bool = False


def _check(path: Path, name: str, limits: _Limits) -> Checked:
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _refuse(Reason.NOT_FOUND, name) from exc
    if not stat.S_ISREG(st.st_mode):  # a directory, a FIFO (opening one would block), a device
        raise _refuse(Reason.NOT_FOUND, name, "folder" if stat.S_ISDIR(st.st_mode) else "")
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise _refuse(Reason.EMPTY, name)
        if size > limits.file_bytes:
            raise _refuse(Reason.TOO_LARGE, name, size=size, limit=limits.file_bytes)
        head = fh.read(SNIFF_BYTES)
        if head.startswith(ZIP_MAGIC):
            fh.seek(0)
            return _check_zip(fh, path, size, name, limits)
        if head.startswith(OLE2_MAGIC):
            fh.seek(0)
            raise _ole2_refusal(fh, name)
        kind = next((k for magic, k in SIGNATURES.items() if head.startswith(magic)), None) or _sniff_text(head)
        if kind == "csv":
            raise _refuse(Reason.CSV, name)
        raise _refuse(Reason.NOT_A_WORKBOOK, name, kind)


# --------------------------------------------------------------------------- not a zip

def _ole2_refusal(fh, name: str) -> WorkbookRefused:
    """An OLE2 compound file: an encrypted OOXML package, an old .doc, or (by default) an old .xls."""
    needles = {n: n.encode("utf-16-le") for n in ("EncryptedPackage", "EncryptionInfo", "WordDocument")}
    found = set()
    overlap = max(len(b) for b in needles.values())
    tail = b""
    while chunk := fh.read(1 << 20):
        buf = tail + chunk
        found.update(n for n, b in needles.items() if b in buf)
        tail = buf[-overlap:]
    if found & {"EncryptedPackage", "EncryptionInfo"}:
        return _refuse(Reason.ENCRYPTED, name)
    if "WordDocument" in found:
        return _refuse(Reason.NOT_A_WORKBOOK, name, "doc")
    return _refuse(Reason.XLS, name)


def _sniff_text(head: bytes) -> str:
    """'csv' for text (CSV, TSV, 'Unicode text'), 'web' for HTML/XML text, 'other' for binary."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = _decode(head, "utf-32")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(head, "utf-16")
    elif b"\x00" in head:
        return "other"
    else:
        text = _decode(head.removeprefix(codecs.BOM_UTF8), "utf-8")
        if text is None:
            text = _decode(head, "cp874")  # Thai Windows (TIS-620) CSV saved by Excel
    if not text:
        return "other"
    control = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\x0c")
    if control > len(text) // 100:
        return "other"
    start = text.lstrip()[:512].lower()
    if start.startswith("<") and any(t in start for t in ("<html", "<!doctype", "<?xml", "<table", "<workbook")):
        return "web"
    return "csv"


def _decode(data: bytes, encoding: str) -> str | None:
    """Decode a sniffed head that may end inside a multibyte character; None if it is not that encoding."""
    for cut in range(4):
        try:
            return data[:len(data) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


# --------------------------------------------------------------------------- the zip

def _check_zip(fh, path: Path, size: int, name: str, limits: _Limits) -> Checked:
    try:
        zf = zipfile.ZipFile(fh)
    except Exception as exc:  # BadZipFile, EOFError, ValueError, struct.error ...: no or a damaged directory
        raise _refuse(Reason.TRUNCATED, name) from exc
    with zf:
        infos = zf.infolist()
        _check_directory(infos, size, name, limits)
        members = {i.filename: i for i in infos}
        if len(members) != len(infos):  # duplicate names: readers disagree on which one counts
            raise _refuse(Reason.TRUNCATED, name)

        def read(member: str) -> bytes:
            return _read_part(zf, members[member], name)

        def parse(data: bytes, member: str):
            return _parse(data, member, name)

        try:
            parts = Parts(members)
            workbook = find_workbook(parts, read, parse)
            for info in infos:
                _check_prolog(zf, info, name)
            package = locate(parts, workbook, read, parse)
        except PackageError as exc:
            raise _refuse(exc.reason, name, exc.variant) from None
        if package.unreadable and not limits.skip_unreadable_sheets:
            raise _refuse(Reason.TRUNCATED, name)  # a sheet entry leading to no part
        sheets = package.worksheets
        lowered = [n.replace("\\", "/").lower() for n in members]
        has_macros = any(n.endswith("vbaproject.bin") or "/macrosheets/" in f"/{n}" for n in lowered)
    return Checked(path=path, size=size, has_macros=has_macros, sheet_parts=sheets, package=package,
                   max_cells=limits.cells)


def _check_directory(infos: list[zipfile.ZipInfo], size: int, name: str, limits: _Limits) -> None:
    """Everything the central directory alone tells: count, encryption, methods, declared sizes."""
    if len(infos) > MAX_MEMBERS:
        raise _refuse(Reason.ZIP_BOMB, name, detail=(f"มี {len(infos):,} ส่วนประกอบ", f"{len(infos):,} parts"))
    if any(i.flag_bits & 0x41 for i in infos):  # bit 0 encrypted, bit 6 strong encryption
        raise _refuse(Reason.ENCRYPTED, name, "zip")
    if any(i.flag_bits & 0x20 or not 0 <= i.header_offset < size or i.header_offset + i.compress_size > size
           for i in infos):  # bit 5 "patched data" (never in a workbook), or a member outside the file
        raise _refuse(Reason.TRUNCATED, name)
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise _refuse(Reason.NOT_A_WORKBOOK, name, "zip")  # Excel only ever stores or deflates
    total = sum(i.file_size for i in infos)
    if total > limits.uncompressed_bytes:
        raise _refuse(Reason.ZIP_BOMB, name, detail=(
            f"ขนาดรวมเมื่อแตกไฟล์ {_mb(total, up=True)} เกินขีดจำกัด {_mb(limits.uncompressed_bytes)}",
            f"{_mb(total, up=True)} unpacked, more than the {_mb(limits.uncompressed_bytes)} limit"))
    if sum(i.compress_size for i in infos) > size:  # members overlap: one stream counted many times
        raise _refuse(Reason.ZIP_BOMB, name, detail=("ส่วนประกอบซ้อนทับกัน", "overlapping parts"))
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > limits.ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise _refuse(Reason.ZIP_BOMB, name, detail=(
                f"ส่วน {i.filename} ขยาย {ratio:,.0f} เท่า เกินขีดจำกัด {limits.ratio:,.0f} เท่า",
                f"part {i.filename} expands {ratio:,.0f} times, more than the {limits.ratio:,.0f} limit"))
        if i.compress_type == zipfile.ZIP_STORED and i.compress_size != i.file_size:
            raise _refuse(Reason.TRUNCATED, name)
        if i.compress_size > i.file_size + i.file_size // 1000 + 1024:
            # deflate never grows data this much: the declared size understates the stream
            raise _refuse(Reason.ZIP_BOMB, name, detail=(
                f"ขนาดที่ระบุของส่วน {i.filename} ไม่ตรงกับข้อมูลจริง",
                f"the declared size of part {i.filename} does not match its data"))


def _read_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, stop) -> bytes:
    """Up to ``limit`` decompressed bytes from the start of a member, read in chunks until ``stop(buf)``."""
    buf = b""
    with zf.open(info) as member:
        while len(buf) < limit:
            chunk = member.read(min(HEAD_CHUNK if not buf else 16 * HEAD_CHUNK, limit - len(buf)))
            if not chunk:
                break
            buf += chunk
            if stop(buf):
                break
    return buf


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cap: int = MAX_PART_BYTES) -> bytes:
    """A whole (small) member, read in chunks, refused past ``cap`` whatever its declared size."""
    if info.file_size > cap:
        raise _refuse(Reason.ZIP_BOMB, name, detail=(f"ส่วน {info.filename} ใหญ่ผิดปกติ",
                                                f"part {info.filename} is abnormally large"))
    chunks, total = [], 0
    with zf.open(info) as member:
        while chunk := member.read(1 << 16):
            total += len(chunk)
            if total > cap:
                raise _refuse(Reason.ZIP_BOMB, name, detail=(f"ส่วน {info.filename} ใหญ่ผิดปกติ",
                                                        f"part {info.filename} is abnormally large"))
            chunks.append(chunk)
    return b"".join(chunks)


# ----------------------------------------------------------------- XML prologs (entity bombs)

_SAFE_CODECS = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii",
                "cp874", "tis-620")  # plus iso8859-* and cp125x below
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # '<?xm' in EBCDIC


def _safe_encoding(declared: str) -> bool:
    """A declared encoding that cannot hide markup from a byte scan (no UTF-7, no EBCDIC ...)."""
    try:
        codec = codecs.lookup(declared.lower().replace("windows-", "cp")).name
    except LookupError:
        return False
    return codec in _SAFE_CODECS or codec.startswith(("iso8859-", "cp125"))


def _prolog_text(data: bytes) -> str | None:
    """The start of a member as text if it looks like XML (any encoding a parser accepts), else None."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) or data[:4] in (b"<\x00\x00\x00", b"\x00\x00\x00<"):
        enc = "utf-32-be" if data.startswith(codecs.BOM_UTF32_BE) or data[:4] == b"\x00\x00\x00<" else "utf-32-le"
        text = data[:len(data) // 4 * 4].decode(enc, "replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16-be" if data.startswith(codecs.BOM_UTF16_BE) or data[:2] == b"\x00<" else "utf-16-le"
        text = data[:len(data) // 2 * 2].decode(enc, "replace")
    else:
        text = data.decode("latin-1")  # every ASCII-compatible encoding keeps '<', '!', 'D' ... as is
    text = text.lstrip("\ufeff\ufffe\x00 \t\r\n")
    return text if text.startswith("<") else None


def _prolog_verdict(text: str) -> str:
    """'root' (a root element before any DTD), 'dtd', 'encoding' (an encoding used to hide markup),
    'more' (the prolog goes on beyond ``text``) or 'junk' (not well-formed, no parser gets further)."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return "more"
        if text[i] != "<":
            return "junk"
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return "more"
            decl = _ENCODING.search(text, i, end)
            if decl and not _safe_encoding(decl.group(1)):
                return "encoding"
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return "more"
            i = end + 3
        elif "<!--".startswith(text[i:i + 4]):  # the start of a comment cut off by the end of ``text``
            return "more"
        elif text.startswith("<!", i):  # <!DOCTYPE, <!ENTITY, or anything else a DTD-aware parser might take
            return "dtd"
        elif i + 1 >= n:
            return "more"
        else:
            return "root"


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a DTD before the root element of any XML member, whatever the member is called."""
    if info.is_dir() or info.file_size == 0:
        return

    def decided(buf: bytes) -> bool:
        text = _prolog_text(buf)
        return text is None or _prolog_verdict(text) != "more"

    buf = _read_head(zf, info, PROLOG_LIMIT, decided)
    if buf.startswith(_EBCDIC_XML):
        raise _refuse(Reason.XML_BOMB, name, part=info.filename, detail=(
            "ใช้รหัสอักขระที่ใช้ซ่อนคำสั่ง XML", "an encoding used to hide XML markup"))
    text = _prolog_text(buf)
    if text is None:
        return
    verdict = _prolog_verdict(text)
    if verdict == "dtd":
        raise _refuse(Reason.XML_BOMB, name, part=info.filename, detail=(
            "มีการประกาศ DOCTYPE/ENTITY", "a DOCTYPE/ENTITY declaration"))
    if verdict == "encoding":
        raise _refuse(Reason.XML_BOMB, name, part=info.filename, detail=(
            "ใช้รหัสอักขระที่ใช้ซ่อนคำสั่ง XML", "an encoding used to hide XML markup"))
    if verdict == "more" and len(buf) >= PROLOG_LIMIT:
        raise _refuse(Reason.XML_BOMB, name, part=info.filename, detail=(
            "ส่วนหัว XML ยาวเกิน 64 KB", "an XML header longer than 64 KB"))


# --------------------------------------------------------------------------- sheets

def _parse(data: bytes, part: str, name: str):
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _refuse(Reason.XML_BOMB, name, part=part, detail=(
            "มีการประกาศ DOCTYPE/ENTITY", "a DOCTYPE/ENTITY declaration")) from exc
    except (ParseError, ValueError, UnicodeError, LookupError) as exc:
        raise _refuse(Reason.TRUNCATED, name) from exc


