"""The upload gate: every hostile file is built here, in tmp_path, and refused with a reason and
bilingual messages naming the file; good workbooks pass quickly without decompressing sheets."""

from __future__ import annotations

import pickle
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importer.safety import REASONS, Checked, WorkbookRefused, check_workbook
from templates import TEMPLATES
from templates.workbook import build_workbook

THAI = re.compile(r"[\u0e00-\u0e7f]")


# ------------------------------------------------------------------------------- builders

def make_workbook(path: Path, rows: int = 3) -> Path:
    wb = xlsxwriter.Workbook(path)
    data = wb.add_worksheet("ข้อมูล")
    data.write_row(0, 0, ["รหัสหน่วยงาน", "จำนวนเงิน"])
    for r in range(1, rows):
        data.write_row(r, 0, [f"{r:010d}", r * 1.5])
    wb.add_worksheet("Second").write(0, 0, "x")
    wb.add_chart({"type": "line"})  # a workbook with more parts than sheets
    wb.close()
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None] | None = None,
            add: dict[str, bytes] | None = None) -> Path:
    """Copy the zip ``src`` to ``dst``, replacing (or with None dropping) members and adding new ones."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    zout.writestr(info.filename, replace[info.filename])
            else:
                zout.writestr(info.filename, zin.read(info))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def refused(path: Path, reason: str, display: str | None = None, **limits) -> WorkbookRefused:
    if display is not None:
        limits["display_name"] = display
    with pytest.raises(WorkbookRefused) as info:
        check_workbook(path, **limits)
    exc = info.value
    assert exc.reason == reason, str(exc)
    assert exc.reason in REASONS
    name = display or path.name
    for message in (exc.message_th, exc.message_en):
        assert message.strip()
        assert name in message
    assert THAI.search(exc.message_th)
    assert exc.message_en.endswith(".")
    assert str(exc) == f"{exc.message_th} / {exc.message_en}"
    return exc


@pytest.fixture
def book(tmp_path) -> Path:
    return make_workbook(tmp_path / "รายงาน สสจ.xlsx")


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="&lol9;" sheetId="1" r:id="rId1"/></sheets></workbook>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>
"""


# ------------------------------------------------------------------------------- accepted

def test_valid_workbook_passes(book):
    checked = check_workbook(book)
    assert isinstance(checked, Checked)
    assert checked.path == book
    assert checked.size == book.stat().st_size
    assert checked.has_macros is False
    assert checked.sheet_parts == {"ข้อมูล": "xl/worksheets/sheet1.xml", "Second": "xl/worksheets/sheet2.xml"}
    assert list(checked.sheet_parts) == ["ข้อมูล", "Second"]  # tab order


def test_path_may_be_a_string(book):
    assert check_workbook(str(book)).path == book


def test_xlsm_with_macros_passes_and_says_so(book, tmp_path):
    xlsm = rewrite(book, tmp_path / "macro.xlsm", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really VBA"})
    checked = check_workbook(xlsm)
    assert checked.has_macros is True
    assert checked.sheet_parts["ข้อมูล"] == "xl/worksheets/sheet1.xml"


def test_hidden_and_chart_sheets(tmp_path):
    """A hidden worksheet is a worksheet; a chartsheet has no cells and is not listed."""
    path = tmp_path / "c.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("data").write(0, 0, 1)
    wb.add_worksheet("_lists").hide()
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=data!$A$1:$A$1"})
    wb.add_chartsheet("chart").set_chart(chart)
    wb.close()
    assert check_workbook(path).sheet_parts == {"data": "xl/worksheets/sheet1.xml",
                                                "_lists": "xl/worksheets/sheet2.xml"}


@pytest.fixture(scope="module")
def templates_built(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("templates")
    return {t.key: build_workbook(t, folder / f"{t.key}.xlsx", reference) for t in TEMPLATES.values()}


@pytest.mark.parametrize("key", TEMPLATES)
def test_our_own_templates_pass(templates_built, key):
    checked = check_workbook(templates_built[key])
    assert checked.sheet_parts and not checked.has_macros


def test_sheet_without_dimension_passes(book, tmp_path):
    sheet = re.sub(rb"<dimension [^>]*/>", b"", member(book, "xl/worksheets/sheet1.xml"))
    path = rewrite(book, tmp_path / "nodim.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert check_workbook(path).sheet_parts


# ------------------------------------------------------------------------------- not a workbook at all

def test_missing_file(tmp_path):
    refused(tmp_path / "ไม่มี.xlsx", "not_found")


def test_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    refused(folder, "not_found")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, "empty")


@pytest.mark.parametrize("data", [
    "รหัส,ชื่อหน่วยงาน,จำนวนเงิน\n2100200131,สสจ.หนองบัวลำภู,\"1,234.50\"\n".encode("utf-8-sig"),
    "รหัส,ชื่อหน่วยงาน,จำนวนเงิน\r\n2100200131,สสจ.หนองบัวลำภู,1234.50\r\n".encode("cp874"),
    "รหัส\tชื่อ\tจำนวนเงิน\r\n1\tก\t2\r\n".encode("utf-16"),  # Excel's "Unicode Text"
    b"a;b;c\n1;2;3\n",
], ids=["utf8-bom", "cp874", "utf16-tsv", "semicolons"])
def test_csv_renamed_xlsx(tmp_path, data):
    path = tmp_path / "budget.xlsx"
    path.write_bytes(data)
    refused(path, "csv")


def test_html_saved_with_excel_name(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    exc = refused(path, "not_a_workbook")
    assert "web page" in exc.message_en


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(random.Random(0).randbytes(4096))
    refused(path, "not_a_workbook")


def test_truncated_workbook(book, tmp_path):
    data = book.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "truncated")


def test_damaged_member_data(book, tmp_path):
    """The directory is intact but the workbook part's compressed bytes are garbage."""
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        info = z.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + info.compress_size] = b"\xff" * info.compress_size
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    refused(path, "truncated")


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_old_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(OLE2 + b"\x00" * 4096 + "Workbook".encode("utf-16-le") + b"\x00" * 4096)
    exc = refused(path, "xls")
    assert ".xlsx" in exc.message_en and ".xlsx" in exc.message_th


def test_password_protected_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(OLE2 + b"\x00" * 5000 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 70
                     + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 3000)
    exc = refused(path, "encrypted")
    assert "Protect Workbook" in exc.message_en and "Protect Workbook" in exc.message_th


def test_encrypted_marker_across_read_chunks(tmp_path):
    """The stream name straddles the 1 MB read boundary."""
    needle = "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "big-locked.xlsx"
    path.write_bytes(OLE2 + b"\x00" * (1 << 20) + b"\x00" * (-len(OLE2) - 10) + needle + b"\x00" * 100)
    refused(path, "encrypted")


def test_old_word_document(tmp_path):
    path = tmp_path / "letter.doc"
    path.write_bytes(OLE2 + b"\x00" * 2000 + "WordDocument".encode("utf-16-le") + b"\x00" * 2000)
    exc = refused(path, "not_a_workbook")
    assert "Word" in exc.message_en


def test_a_pdf_or_a_picture_is_called_what_it_is_not_a_text_file(tmp_path):
    """A PDF's first line is text, so the text sniffing called it "a text or CSV file"."""
    pdf = tmp_path / "budget.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 40)
    exc = refused(pdf, "not_a_workbook")
    assert "is a PDF document, not an Excel workbook" in exc.message_en and "เอกสาร PDF" in exc.message_th
    png = tmp_path / "screenshot.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert "is a picture, not an Excel workbook" in refused(png, "not_a_workbook").message_en


def test_docx_is_not_a_workbook(tmp_path):
    path = tmp_path / "memo.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document xmlns:w='urn:x'/>")
    exc = refused(path, "not_a_workbook")
    assert "Word" in exc.message_en


def test_plain_zip_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(100))
    refused(path, "not_a_workbook")


def test_workbook_without_worksheets(book, tmp_path):
    wb = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", member(book, "xl/workbook.xml"), flags=re.S)
    refused(rewrite(book, tmp_path / "nosheets.xlsx", {"xl/workbook.xml": wb}), "empty")


def test_sheet_pointing_at_a_missing_part(book, tmp_path):
    refused(rewrite(book, tmp_path / "lost.xlsx", {"xl/worksheets/sheet2.xml": None}), "truncated")


def test_password_zip(book, tmp_path):
    data = bytearray(book.read_bytes())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = data.find(sig)
        while at >= 0:
            data[at + flag_at] |= 1
            at = data.find(sig, at + 4)
    path = tmp_path / "zipped.xlsx"
    path.write_bytes(bytes(data))
    refused(path, "encrypted")


# ------------------------------------------------------------------------------- size limits

def test_file_too_large(book):
    exc = refused(book, "too_large", max_file_bytes=1000)
    assert "1.0 KB" in exc.message_en and "1.0 KB" in exc.message_th


def test_zip_bomb_total_size(tmp_path, book):
    """500 MB of zeros, streamed: the declared total is over the (lowered) cap."""
    path = rewrite(book, tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/zeros.bin", "w") as out:
        chunk = bytes(1 << 20)
        for _ in range(20):  # 20 MB is enough once the cap is lowered
            out.write(chunk)
    refused(path, "zip_bomb", max_uncompressed_bytes=10_000_000, max_ratio=10_000)


def test_zip_bomb_ratio(tmp_path, book):
    path = rewrite(book, tmp_path / "ratio.xlsx", add={"xl/media/image1.png": bytes(5_000_000)})
    exc = refused(path, "zip_bomb")
    assert "xl/media/image1.png" in exc.message_en


def test_zip_directory_understating_a_size(book, tmp_path):
    """A member declared far smaller than its compressed data: the declared size cannot be trusted."""
    payload = random.Random(1).randbytes(50_000)  # incompressible
    path = rewrite(book, tmp_path / "liar.xlsx", add={"xl/media/image1.png": payload})
    data = bytearray(path.read_bytes())
    name = b"xl/media/image1.png"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        while at >= 0:
            name_len = struct.unpack_from("<H", data, at + (26 if sig == b"PK\x03\x04" else 28))[0]
            start = at + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start:start + name_len]) == name:
                struct.pack_into("<I", data, at + size_at, 100)
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    refused(path, "zip_bomb")


@pytest.mark.parametrize("ref", ["A1:L2000000", "A1:XFD1048576", "A1:ZZZZZZ99999999999999", "B2"])
def test_a_dimension_of_any_size_is_not_trusted_nor_refused(book, tmp_path, ref):
    """Excel writes A1:XFD1048576 for one space typed there; others omit or understate it. The gate passes it
    (how far the cells reach is judged from them, importer.sheet_xml), and the reader, which sizes a sheet from
    its cells, reads the three rows there are."""
    import fastexcel
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="%s"/>' % ref.encode(),
                   member(book, "xl/worksheets/sheet1.xml"))
    path = rewrite(book, tmp_path / "claims.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert check_workbook(path, max_cells=5).sheet_parts
    assert fastexcel.read_excel(path).load_sheet(0, header_row=None).height == 3


# ------------------------------------------------------------------------------- XML attacks

@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_billion_laughs(book, tmp_path, part):
    exc = refused(rewrite(book, tmp_path / "lol.xlsx", {part: BILLION_LAUGHS}), "xml_bomb")
    assert part in exc.message_en


def test_external_entity_in_any_part(book, tmp_path):
    path = rewrite(book, tmp_path / "xxe.xlsx", {"xl/sharedStrings.xml": EXTERNAL_ENTITY})
    refused(path, "xml_bomb")


def test_duplicate_member_names(book, tmp_path):
    """Two members with one name: readers disagree on which one counts."""
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = rewrite(book, tmp_path / "twice.xlsx", add={"xl/sharedStrings.xml": EXTERNAL_ENTITY})
    refused(path, "truncated")


def test_dtd_in_a_part_not_named_xml(book, tmp_path):
    """Readers follow relationships, not extensions: the sheet may be called anything."""
    rels = member(book, "xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
    path = rewrite(book, tmp_path / "renamed.xlsx",
                   {"xl/_rels/workbook.xml.rels": rels, "xl/worksheets/sheet1.xml": None},
                   add={"xl/worksheets/sheet1.dat": BILLION_LAUGHS})
    refused(path, "xml_bomb")


def test_dtd_in_utf16(book, tmp_path):
    doc = BILLION_LAUGHS.decode().replace("UTF-8", "UTF-16").encode("utf-16")
    refused(rewrite(book, tmp_path / "u16.xlsx", {"xl/worksheets/sheet1.xml": doc}), "xml_bomb")


def test_dtd_after_a_long_comment(book, tmp_path):
    doc = BILLION_LAUGHS.replace(b"?>\n", b"?>\n<!--" + b" " * 100_000 + b"-->\n", 1)
    refused(rewrite(book, tmp_path / "padded.xlsx", {"xl/worksheets/sheet1.xml": doc}), "xml_bomb")


def test_utf7_declaration(book, tmp_path):
    doc = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>'
    refused(rewrite(book, tmp_path / "u7.xlsx", {"xl/worksheets/sheet1.xml": doc}), "xml_bomb")


def test_entity_text_after_the_root_is_data(book, tmp_path):
    """'<!ENTITY' after the root element is not a DTD (here in a CDATA section): accepted."""
    sheet = member(book, "xl/worksheets/sheet2.xml").replace(
        b"</worksheet>", b"<extLst><![CDATA[<!ENTITY x 'y'>]]></extLst></worksheet>")
    assert check_workbook(rewrite(book, tmp_path / "cdata.xlsx", {"xl/worksheets/sheet2.xml": sheet}))


# ------------------------------------------------------------------------------- the exception

def test_display_name_and_unsafe_characters(tmp_path):
    """An upload saved under a temporary name is reported by the name the user knows; control and
    bidi characters in that name do not reach the message."""
    path = tmp_path / "tmp123.xlsx"
    path.write_text("a,b\n1,2\n")
    exc = refused(path, "csv", display="งบ ๒๕๖๘.xlsx")
    assert "tmp123" not in exc.message_en
    with pytest.raises(WorkbookRefused) as info:
        check_workbook(path, display_name="งบ\u202e๒๕๖๘\n.xlsx")
    assert "\u202e" not in str(info.value) and "\n" not in str(info.value)
    assert "งบ ๒๕๖๘ .xlsx" in info.value.message_th
    assert info.value.file == "งบ ๒๕๖๘ .xlsx"


def test_refusal_pickles(tmp_path):
    exc = refused(tmp_path / "gone.xlsx", "not_found")
    back = pickle.loads(pickle.dumps(exc))
    assert (back.reason, back.message_th, back.message_en, str(back)) == (
        exc.reason, exc.message_th, exc.message_en, str(exc))


# ------------------------------------------------------------------------------- no traceback, ever

@pytest.fixture(scope="module")
def seed_bytes(tmp_path_factory) -> bytes:
    return make_workbook(tmp_path_factory.mktemp("seed") / "seed.xlsx", rows=20).read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=1, max_value=10**6),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.integers(0, 255)), max_size=8))
def test_damaged_workbooks_never_escape(tmp_path, seed_bytes, cut, flips):
    data = bytearray(seed_bytes[: max(1, cut % (len(seed_bytes) + 1))])
    for at, value in flips:
        data[at % len(data)] = value
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(bytes(data))
    try:
        result = check_workbook(path)
    except WorkbookRefused as exc:
        assert exc.reason in REASONS and exc.message_th and exc.message_en
    else:
        assert isinstance(result, Checked)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=2048))
def test_arbitrary_bytes_never_escape(tmp_path, data):
    path = tmp_path / "any.xlsx"
    path.write_bytes(data)
    with pytest.raises(WorkbookRefused) as info:
        check_workbook(path)
    assert info.value.reason in REASONS


# ------------------------------------------------------------------------------- speed

@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory) -> Path:
    """100,000 rows x 12 columns written by xlsxwriter (about 6 s to write)."""
    path = tmp_path_factory.mktemp("big") / "big.xlsx"
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("ข้อมูล")
    ws.write_row(0, 0, [f"คอลัมน์ {i}" for i in range(12)])
    for r in range(1, 100_001):
        ws.write_row(r, 0, [f"{r * 7919 % 10_000_019:010d}", f"หน่วยงาน {r % 977}", r * 1.37, r % 12 + 1,
                            r * 113 % 100_003 + 0.25, "ใช่" if r % 3 else "ไม่", r, r * 2.5, f"P{r % 5000}",
                            r % 4 + 1, 2568, f"หมายเหตุ {r % 131}"])
    wb.close()
    return path


def test_a_100k_row_workbook_passes_the_gate_with_its_one_sheet_found(big_workbook):
    """How fast the gate is, is bench/'s to say (issue 12's isolation bench); here, that it reads the part."""
    checked = check_workbook(big_workbook)
    assert checked.sheet_parts == {"ข้อมูล": "xl/worksheets/sheet1.xml"}
