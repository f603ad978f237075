"""The package as any reader of the format locates it: through _rels/.rels and the workbook's relationships,
wherever and however a producer named its parts; a sheet the template does not use and no reader can open
is skipped with a warning; no library's class name reaches a person."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import fastexcel
import pytest
from mini_year import AS_OF, mini_year
from test_rules import write_year
from typer.testing import CliRunner

from importer.package import Package
from importer.parse import Unreadable, parse_workbook
from importer.safety import WorkbookRefused, check_workbook
from sms.cli import app
from validators.validate import validate

FIELD = Path(__file__).parent / "field_cases"
LIBRARY_NAMES = re.compile(r"[A-Z][a-z]+(?:Error|Exception)\b|[Cc]alamine|fastexcel|Traceback")
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def repack(src: Path, dst: Path, rename: Callable[[str], str] = lambda n: n,
           edit: dict[str, Callable[[bytes], bytes]] | None = None, drop: tuple[str, ...] = (),
           add: dict[str, bytes] | None = None) -> Path:
    """A copy of the zip ``src`` with members renamed, edited (by original name), dropped or added."""
    edit = edit or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            zout.writestr(rename(info.filename), edit.get(info.filename, lambda d: d)(data))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def sub(old: str, new: str, count: int = 0) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(old.encode(), new.encode(), *((count,) if count else ()))


def prefixed(prefix: str) -> Callable[[bytes], bytes]:
    """The same XML with every element of the default namespace under ``prefix:`` (legal; the .NET SDK does it)."""
    def rewrite(data: bytes) -> bytes:
        data = re.sub(rb"<(/?)(?![?!])([A-Za-z])", rb"<\1" + prefix.encode() + rb":\2", data)
        return data.replace(b' xmlns="', b" xmlns:" + prefix.encode() + b'="', 1)
    return rewrite


def moved(old: str, new: str, rels: str, target_old: str, target_new: str) -> dict:
    """repack arguments moving part ``old`` to ``new``: its relationship in ``rels`` and its content type."""
    return {"rename": lambda n: new if n == old else n,
            "edit": {rels: sub(f'Target="{target_old}"', f'Target="{target_new}"'),
                     "[Content_Types].xml": sub(f'PartName="/{old}"', f'PartName="/{new}"')}}


WORKBOOK_ELSEWHERE = {  # the workbook in its own folder: its relationships beside it, targets absolute
    "rename": lambda n: {"xl/workbook.xml": "excel/main book.xml",
                         "xl/_rels/workbook.xml.rels": "excel/_rels/main book.xml.rels"}.get(n, n),
    "edit": {"_rels/.rels": sub('Target="xl/workbook.xml"', 'Target="excel/main%20book.xml"'),
             "[Content_Types].xml": sub('PartName="/xl/workbook.xml"', 'PartName="/excel/main%20book.xml"'),
             "xl/_rels/workbook.xml.rels": sub('Target="', 'Target="/xl/')}}

LAYOUTS = {  # how other producers write the same package; every one is legal OPC unless it says otherwise
    "backslashes (field case 08's exporter)": {"rename": lambda n: n.replace("/", "\\")},
    "upper-case part names": {"rename": lambda n: n if n == "[Content_Types].xml" else n.upper()},
    "a ./ before every name (not legal; read all the same)": {"rename": lambda n: "./" + n},
    "a / before every name (not legal; read all the same)": {"rename": lambda n: "/" + n},
    "absolute relationship targets": {"edit": {"xl/_rels/workbook.xml.rels": sub('Target="', 'Target="/xl/')}},
    "the workbook in another folder and name": WORKBOOK_ELSEWHERE,
    "shared strings elsewhere": moved("xl/sharedStrings.xml", "xl/strings/shared.xml", "xl/_rels/workbook.xml.rels",
                                      "sharedStrings.xml", "strings/shared.xml"),
    "styles elsewhere": moved("xl/styles.xml", "xl/look.xml", "xl/_rels/workbook.xml.rels", "styles.xml",
                              "look.xml"),
    "a sheet elsewhere": moved("xl/worksheets/sheet3.xml", "xl/data/allocations.xml", "xl/_rels/workbook.xml.rels",
                               "worksheets/sheet3.xml", "data/allocations.xml"),
    "a sheet named with a space, its target percent-encoded": moved(
        "xl/worksheets/sheet2.xml", "xl/worksheets/sheet two.xml", "xl/_rels/workbook.xml.rels",
        "worksheets/sheet2.xml", "worksheets/sheet%20two.xml"),
    "a namespace prefix on the workbook and its relationships": {
        "edit": {"xl/workbook.xml": prefixed("x"), "xl/_rels/workbook.xml.rels": prefixed("pr"),
                 "_rels/.rels": prefixed("pr")}},
    "another prefix for relationship ids": {"edit": {"xl/workbook.xml": lambda d: d.replace(
        b"xmlns:r=", b"xmlns:rel=").replace(b" r:id=", b" rel:id=")}},
    "no package relationships (the content types name the workbook)": {"drop": ("_rels/.rels",)},
}


@pytest.fixture(scope="module")
def base(tmp_path_factory, reference) -> Path:
    return write_year(tmp_path_factory.mktemp("base"), reference, {"allocations": mini_year()["allocations"]})[0]


def read_back(path: Path):
    parsed = parse_workbook(path)
    return ({k: s.values for k, s in parsed.sheets.items()}, [(f.rule, f.cell) for f in parsed.findings],
            parsed.workbook.meta)


def same(a, b) -> bool:
    return a[1:] == b[1:] and a[0].keys() == b[0].keys() and all(a[0][k].equals(b[0][k]) for k in a[0])


def fastexcel_values(path: Path) -> dict:
    book = fastexcel.read_excel(path)
    return {n: book.load_sheet(n, header_row=None, skip_rows=0, dtypes="string").to_arrow().to_pylist()
            for n in book.sheet_names}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_as_the_template_it_is(tmp_path, base, layout):
    variant = repack(base, tmp_path / "variant.xlsx", **LAYOUTS[layout])
    package = check_workbook(variant).package
    assert isinstance(package, Package)
    assert list(package.worksheets) == ["คำแนะนำ", "รับโอน", "จัดสรร", "_lists", "_meta"]
    assert same(read_back(variant), read_back(base))
    if package.as_is:  # measured: only then can fastexcel read the file itself, to the same values
        assert fastexcel_values(variant) == fastexcel_values(base)


def test_what_fastexcel_reads_itself_is_read_without_a_copy(tmp_path, base):
    """Measured with fastexcel 0.21: it reads backslashed and upper-case names, absolute targets, sheets anywhere
    and prefixed XML; it fails on a ./ or / before the names, a workbook or shared strings elsewhere and a
    percent-encoded target, and reads dates as numbers when the styles are elsewhere. Package.as_is is exactly
    "fastexcel reads it right" (if this fails after an upgrade, measure again and update Package.as_is)."""
    itself = {"backslashes (field case 08's exporter)", "upper-case part names", "absolute relationship targets",
              "a sheet elsewhere", "a namespace prefix on the workbook and its relationships",
              "another prefix for relationship ids"}
    expected = fastexcel_values(base)
    for layout, how in LAYOUTS.items():
        variant = repack(base, tmp_path / "variant.xlsx", **how)
        try:
            right = fastexcel_values(variant) == expected
        except Exception:  # the library's own error is what is measured here
            right = False
        assert (check_workbook(variant).package.as_is, right) == (layout in itself, layout in itself), layout


def test_a_1904_workbook_read_through_a_copy_keeps_its_dates(tmp_path, base):
    """The copy keeps the workbook's date system: a serial means the same day read either way."""
    in_1904 = repack(base, tmp_path / "1904.xlsx",
                     edit={"xl/workbook.xml": sub("<workbookPr ", '<workbookPr date1904="1" ')})
    moved_1904 = repack(in_1904, tmp_path / "1904-moved.xlsx", **WORKBOOK_ELSEWHERE)
    assert check_workbook(in_1904).package.as_is and not check_workbook(moved_1904).package.as_is
    assert check_workbook(moved_1904).package.date1904
    direct, copied = read_back(in_1904), read_back(moved_1904)
    assert same(direct, copied)
    assert direct[0]["transfers"]["transfer_date"].iloc[0] != read_back(base)[0]["transfers"]["transfer_date"].iloc[0]


def test_two_names_for_one_part_are_refused(tmp_path, base):
    """Readers disagree on which of two items naming one part counts: the gate refuses, as for duplicate names."""
    with zipfile.ZipFile(base) as z:
        workbook = z.read("xl/workbook.xml")
    for other in ("XL/Workbook.xml", "xl\\workbook.xml", "./xl/workbook.xml"):
        twice = repack(base, tmp_path / "twice.xlsx", add={other: workbook})
        with pytest.raises(WorkbookRefused) as refused:
            check_workbook(twice)
        assert refused.value.reason == "truncated"


# -- sheets that lead nowhere -----------------------------------------------------------------------------

def extra_sheet(rid: str, *, state: str = "veryHidden", rel: str = "", name: str = " ") -> dict:
    """repack arguments adding one more sheet entry (and, if given, its relationship) to the workbook."""
    tab = f'<sheet name="{name}" sheetId="99"' + (f' state="{state}"' if state else "") + f' r:id="{rid}"/>'
    edit = {"xl/workbook.xml": sub("</sheets>", tab + "</sheets>")}
    if rel:
        edit["xl/_rels/workbook.xml.rels"] = sub("</Relationships>", rel + "</Relationships>")
    return {"edit": edit}


UNUSED_BROKEN = {  # kind: (how, the sheet's name)
    "an empty relationship id (field case 09)": (extra_sheet(""), " "),
    "a relationship id with no relationship": (extra_sheet("rId77", state="hidden", name="Sheet9"), "Sheet9"),
    "a missing part": (extra_sheet("rId77", state="", name="สรุป", rel=f'<Relationship Id="rId77" Type="{WORKSHEET}" '
                                                                     'Target="worksheets/sheet77.xml"/>'), "สรุป"),
    "an external target": (extra_sheet("rId77", name="ลิงก์", rel=f'<Relationship Id="rId77" Type="{WORKSHEET}" '
                                                                  'Target="file:///C:/x.xlsx" TargetMode="External"/>'),
                           "ลิงก์"),
    "the template's own lists sheet lost": ({"drop": ("xl/worksheets/sheet4.xml",)}, "_lists"),
}


@pytest.mark.parametrize("kind", UNUSED_BROKEN)
def test_a_sheet_the_template_does_not_use_and_no_reader_opens_is_skipped_with_a_warning(tmp_path, base, kind,
                                                                                        reference):
    how, name = UNUSED_BROKEN[kind]
    variant = repack(base, tmp_path / "variant.xlsx", **how)
    with pytest.raises(WorkbookRefused) as strict:  # the gate alone still calls such a file damaged
        check_workbook(variant)
    assert strict.value.reason == "truncated"
    report = validate([variant], reference, as_of=AS_OF).files[0]
    assert report.unreadable is None and report.errors == 0
    [warning] = report.findings
    assert (warning.rule, warning.severity, warning.value) == ("S12", "warning", name)
    assert f"'{name}'" in warning.message_en and f"'{name}'" in warning.message_th
    values, base_values = read_back(variant)[0], read_back(base)[0]
    assert all(values[k].equals(base_values[k]) for k in base_values)


@pytest.mark.parametrize("sheet", ["xl/worksheets/sheet3.xml", "xl/worksheets/sheet5.xml"])
def test_a_template_sheet_no_reader_opens_refuses_the_file_naming_it(tmp_path, base, sheet):
    """The allocations sheet (or the metadata) with its part lost: the file is damaged where it matters."""
    variant = repack(base, tmp_path / "lost.xlsx", drop=(sheet,))
    with pytest.raises(Unreadable) as refused:
        parse_workbook(variant)
    name = {"xl/worksheets/sheet3.xml": "จัดสรร", "xl/worksheets/sheet5.xml": "_meta"}[sheet]
    assert refused.value.reason == "truncated" and refused.value.sheet == name
    assert f"'{name}'" in refused.value.message_en and "damaged" in refused.value.message_en
    assert not LIBRARY_NAMES.search(str(refused.value))


# -- the field cases ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("file", "warnings"), [("template-backslash-paths.xlsx", 0),
                                                ("template-plus-broken-hidden-sheet.xlsx", 1)])
def test_field_cases_08_and_09_read_as_the_template(tmp_path, monkeypatch, file, warnings):
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'sms.sqlite'}")
    result = CliRunner().invoke(app, ["validate", str(FIELD / file), "--json", "--as-of", "2026-09-30"])
    assert result.exit_code == 0, result.output
    assert '"template": "disbursements"' in result.output and f'"warnings": {warnings}' in result.output
    assert not LIBRARY_NAMES.search(result.output)


def test_field_case_09_says_which_sheet_was_skipped(reference):
    report = validate([FIELD / "template-plus-broken-hidden-sheet.xlsx"], reference, as_of=dt.date(2026, 9, 30))
    [warning] = report.files[0].findings
    assert warning.rule == "S12" and "hidden sheet ' '" in warning.message_en
    assert set(report.files[0].parsed.sheets) == {"payments", "clearings"}


# -- no library class name, whatever breaks -----------------------------------------------------------------

BROKEN = {
    "shared strings lost": {"drop": ("xl/sharedStrings.xml",)},
    "a sheet's XML cut short": {"edit": {"xl/worksheets/sheet2.xml": lambda d: d[: len(d) // 2]}},
    "a sheet that is no XML": {"edit": {"xl/worksheets/sheet3.xml": lambda d: b"not xml at all"}},
    "styles that are no XML": {"edit": {"xl/styles.xml": lambda d: b"<styleSheet"}},
}


@pytest.mark.parametrize("kind", BROKEN)
def test_no_library_class_name_in_any_message(tmp_path, base, kind):
    variant = repack(base, tmp_path / "broken.xlsx", **BROKEN[kind])
    try:
        parsed = parse_workbook(variant)
    except Unreadable as refused:
        assert refused.message_th and refused.message_en
        assert not LIBRARY_NAMES.search(str(refused)), str(refused)
    else:
        assert not any(LIBRARY_NAMES.search(f.message_en + f.message_th) for f in parsed.findings)
