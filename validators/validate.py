"""Validate workbooks together: parse, column checks, then budget rules per cost centre and year.

Nothing here stores anything or raises for a bad file: a file that cannot be read is *reported*
(:attr:`FileReport.unreadable`), every problem of a readable one is a :class:`domain.findings.Finding`
at its cell. Two steps, so a caller can check the same parsed files again without reading them again
(the submission service does, when one file of a group is refused and the others must be checked
without it):

1. :func:`read_many` parses files (by default each in a worker process of ``importer.isolation``, which
   no file can take down: a file that crashes the reader is reported unreadable) and runs the checks
   that need each file alone (S01–S15, and the budget rules of one workbook); :func:`read` does it for one;
2. :func:`check_together` runs the other budget rules across the files of each cost centre and
   fiscal year, against what is already stored for them (``stored``), and adds the first ones' findings.

:func:`validate` does both.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from domain.findings import Finding
from domain.fiscal import BE_OFFSET
from domain.fiscal import fiscal_year as fiscal_year_of
from domain.frames import LazyFrames, as_datetime
from importer.isolation import Parser, parse_isolated, parse_isolated_then
from importer.parse import ParsedWorkbook, Unreadable
from reference.reference_set import ReferenceSet
from templates import UNIT_TEMPLATES
from templates.catalog import SHEETS
from validators.budget import ACROSS_RULES, ONE_WORKBOOK_RULES, Tables, check_budget
from validators.columns import check_columns, percent_units

# The rows already stored for a cost centre and year, for the templates not being re-submitted.
Stored = Callable[[str, int, set[str]], Mapping[str, pd.DataFrame]]


@dataclass
class FileReport:
    """One file's result: its parsed workbook (or why it is unreadable), its cost centre and fiscal year
    (BE), and its findings ordered by sheet, row and column. ``own_findings`` are those of the file alone
    (reader, normaliser and column checks); ``own_budget`` those of the budget rules of one workbook, found
    with them (:func:`own_checks`); ``findings`` adds the budget rules (check_together)."""

    path: Path
    parsed: ParsedWorkbook | None = None
    unreadable: Unreadable | None = None
    findings: list[Finding] = field(default_factory=list)
    cost_center: str = ""
    fiscal_year: int | None = None
    own_findings: list[Finding] = field(default_factory=list)
    own_budget: list[Finding] = field(default_factory=list)
    # what makes own_findings and own_budget while the file's own checks still run in the worker that read it
    # (read_many's ``later``): check_together waits for them (settle) once the rules across files have run beside
    pending: Callable[[], tuple[list[Finding], list[Finding]]] | None = field(default=None, repr=False)

    def settle(self) -> None:
        """``own_findings`` and ``own_budget`` (and ``findings``, until the budget rules add theirs) complete, once
        the file's own checks running in the reader's worker are back."""
        if self.pending is not None:
            (self.own_findings, self.own_budget), self.pending = self.pending(), None
            self.findings = list(self.own_findings)

    @property
    def file(self) -> str:
        return self.path.name

    def tab(self, sheet_key: str) -> str:
        """Where a finding of ``sheet_key`` is, as the unit finds it: the worksheet's own name in this file,
        with the template's in brackets when the unit renamed it ("Sheet1 (จัดสรร)"); the template's name
        for a sheet the file does not have; "" for a finding of no sheet."""
        if sheet_key not in SHEETS:
            return sheet_key
        name = SHEETS[sheet_key][1].name
        read = self.parsed.sheets.get(sheet_key) if self.parsed else None
        return name if read is None or read.data.name == name else f"{read.data.name} ({name})"

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)

    def as_dict(self) -> dict:
        """The file's report as ``sms validate --json`` prints it."""
        keys = ("sheet", "row", "column", "cell", "value", "rule", "severity", "message_th", "message_en")
        doc = {"file": str(self.path), "template": None, "template_version": None, "rows": 0,
               "cost_center": self.cost_center or None, "fiscal_year": self.fiscal_year,
               "findings": [{k: getattr(f, k) for k in keys} for f in self.findings]}
        if self.parsed:
            doc.update(template=self.parsed.template.key, template_version=self.parsed.workbook.version,
                       rows=self.parsed.rows)
        if self.unreadable:
            doc.update(unreadable=self.unreadable.as_dict())
        return doc


@dataclass
class Report:
    """The files checked together, in the order given."""

    files: list[FileReport]

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)

    @property
    def unreadable(self) -> list[FileReport]:
        return [f for f in self.files if f.unreadable]

    def as_dict(self) -> dict:
        return {"files": [f.as_dict() for f in self.files],
                "summary": {"errors": self.errors, "warnings": self.warnings, "unreadable": len(self.unreadable)}}


def cost_center_of(parsed: ParsedWorkbook, reference: ReferenceSet) -> str:
    """The workbook's cost centre: its metadata, else what its rows say."""
    if parsed.workbook.meta.get("cost_center"):
        return parsed.workbook.meta["cost_center"]
    votes = []
    for ps in parsed.sheets.values():
        if "cost_center" in ps.values:
            votes += ps.values["cost_center"].dropna().tolist()
        elif "unit_code" in ps.values:
            owners = reference["units"].set_index("unit_code")["cost_center"]
            votes += ps.values["unit_code"].map(owners).dropna().tolist()
    return max(set(votes), key=votes.count) if votes and parsed.template.key != "gfmis" else ""


def fiscal_year_for(parsed: ParsedWorkbook, given: int | None, as_of: dt.date) -> int:
    """The workbook's fiscal year (BE): :func:`own_fiscal_year`, else the year ``as_of`` falls in."""
    return own_fiscal_year(parsed, given) or fiscal_year_of(as_of)


def own_fiscal_year(parsed: ParsedWorkbook, given: int | None) -> int | None:
    """The workbook's fiscal year (BE): its metadata, else ``given``, else the one most of its dates fall in (a
    template built without a year, filled in FY 2569, is not checked against the FY 2570 of a November 2026
    check); None when none of these says."""
    meta = parsed.workbook.meta.get("fiscal_year", "")
    return int(meta) if meta.isdigit() else (given or dates_fiscal_year(parsed))


def dates_fiscal_year(parsed: ParsedWorkbook) -> int | None:
    """The fiscal year (BE, October to September) most of a workbook's dates fall in; None when it has none."""
    dates = [as_datetime(ps.values[c.key]) for ps in parsed.sheets.values() for c in ps.sheet.columns
             if c.type == "date" and c.key in ps.values]
    days = pd.concat(dates, ignore_index=True).dropna() if dates else pd.Series([], dtype="datetime64[ns]")
    if days.empty:
        return None
    return int((days.dt.year + (days.dt.month >= 10) + BE_OFFSET).value_counts().idxmax())


def column_findings(parsed: ParsedWorkbook) -> list[Finding]:
    """S04 and S06–S09 of every sheet, not repeating a blank at a cell already reported unreadable (S03, S05)."""
    failed = {(f.sheet, f.row, f.column) for f in parsed.findings if f.rule in ("S03", "S05")}
    return [f for ps in parsed.sheets.values() for f in check_columns(ps, failed)]


def own_checks(parsed: ParsedWorkbook, *, fiscal_year: int | None, as_of: dt.date
               ) -> tuple[list[Finding], list[Finding]]:
    """What a workbook alone is checked for beyond its reader's findings: the column checks
    (:func:`column_findings`), and the budget rules of one workbook (``validators.budget.ONE_WORKBOOK_RULES``:
    B01, B04–B07, B09, B10, B12, B13) on its own rows, its fiscal year (BE) as :func:`read_many` works it out.

    Runs in the reader's worker when its workers are forks of the caller (read_many's ``later``), while the
    caller runs the rules across workbooks: 100,000 payments, the caller's part 0.17 → 0.12 s of CPU (BENCHMARKS.md,
    issue 15, session 11). check_together adds the rules' findings to the file's, except for a file with a
    required column not read (S01, S11), whose rules wait."""
    tables = build_tables([FileReport(parsed.workbook.path, parsed)], {}, None,
                          fiscal_year_for(parsed, fiscal_year, as_of), as_of)
    return column_findings(parsed), check_budget(tables, ONE_WORKBOOK_RULES)


def build_tables(group: list[FileReport], stored: Mapping[str, pd.DataFrame], reference: ReferenceSet | None,
                 fiscal_year: int, as_of: dt.date) -> Tables:
    """The :class:`validators.budget.Tables` of one cost centre and year: the rows of ``group``'s files with
    their ``_file`` and ``_row``, and the ``stored`` rows of the templates not given (``_file`` None). Each
    sheet's frame is put together when a rule first asks for it."""
    given: dict[str, list[pd.DataFrame]] = {}
    letters = {}
    for report in group:
        for key, ps in report.parsed.sheets.items():
            source = str(report.path)  # the full path: two units' files may share a name
            given.setdefault(key, []).append(
                ps.values.assign(_file=source, _row=ps.values.index).reset_index(drop=True))
            letters[(source, key)] = ps.data.letters

    def frame(key: str) -> pd.DataFrame:
        pieces = given.get(key, []) + ([_as_stored(stored[key])] if key in stored else [])
        sheet = SHEETS[key][1]
        columns = [*sheet.keys, "_file", "_row"]
        # concatenated among themselves, not with an empty frame of objects, which would turn Arrow text into objects
        out = (pd.concat(pieces, ignore_index=True).reindex(columns=columns) if pieces
               else pd.DataFrame({k: pd.Series(dtype=object) for k in columns}))
        for col in sheet.columns:
            if col.type in ("money", "number"):
                out[col.key] = pd.to_numeric(out[col.key], errors="coerce").astype(float)
        return out

    keys = [s.key for t in UNIT_TEMPLATES for s in t.sheets]
    checked = {key for key, pieces in given.items() if any(len(p) for p in pieces)}
    return Tables(LazyFrames(keys, frame), letters, reference, fiscal_year, as_of, checked)


def _as_stored(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows as the rules see them: no ``_file``; ``_row`` their row in the stored workbook, when known."""
    return frame.assign(_file=None) if "_row" in frame else frame.assign(_file=None, _row=pd.NA)


def without_echoes(column_level: list[Finding], budget: list[Finding]) -> list[Finding]:
    """Drop a B11 "does not exist" at a cell whose value is already unreadable or malformed."""
    flagged = {(f.sheet, f.row, f.column) for f in column_level if f.rule in ("S05", "S06")}
    return [f for f in budget if not (f.rule == "B11" and (f.sheet, f.row, f.column) in flagged)]


def mark_hidden(findings: list[Finding], parsed: ParsedWorkbook) -> list[Finding]:
    """Each finding at a row or column hidden in the workbook says so and what to do: hidden rows are read and
    counted like the others (README, "Hidden rows and columns"), so a problem there is real but unseen."""
    marked = []
    for f in findings:
        ps = parsed.sheets.get(f.sheet)
        if ps is None or f.rule == "S15":
            marked.append(f)
            continue
        th = en = ""
        if f.row in ps.hidden_rows:
            th += (f" (แถว {f.row} ถูกซ่อนอยู่ แถวที่ซ่อนถูกอ่านและนับรวมด้วย ให้ยกเลิกการซ่อนแถวเพื่อตรวจดู "
                   "และลบแถวนี้หากไม่ต้องการส่ง)")
            en += (f" Row {f.row} is hidden in the workbook; hidden rows are read and counted: unhide it to "
                   "check it, and delete the row if it is not meant to be submitted.")
        if f.column in ps.hidden_columns:
            letter = ps.data.letters.get(f.column, "")
            th += f" (คอลัมน์ {letter} ถูกซ่อนอยู่ ให้ยกเลิกการซ่อนคอลัมน์เพื่อตรวจดู)"
            en += f" Column {letter} is hidden in the workbook; unhide it to check it."
        marked.append(replace(f, message_th=f.message_th + th, message_en=f.message_en + en) if th else f)
    return marked


def order(findings: list[Finding], parsed: ParsedWorkbook) -> list[Finding]:
    """Findings in the order a unit reads its workbook: by sheet, Excel row, column, then rule."""
    sheets = [s.key for s in parsed.template.sheets]
    columns = {s.key: s.keys for s in parsed.template.sheets}

    def key(f: Finding):
        cols = columns.get(f.sheet, [])
        return (sheets.index(f.sheet) if f.sheet in sheets else -1, f.row or 0,
                cols.index(f.column) if f.column in cols else -1, f.rule)
    return sorted(findings, key=key)


def read(source: Path | ParsedWorkbook, reference: ReferenceSet, *, as_of: dt.date,
         fiscal_year: int | None = None, parser: Parser | None = None) -> FileReport:
    """Parse one file (or take one already parsed) and check what needs that file alone (see :func:`read_many`)."""
    [report] = read_many([source], reference, as_of=as_of, fiscal_year=fiscal_year, parser=parser)
    return report


def read_many(sources: Sequence[Path | ParsedWorkbook], reference: ReferenceSet, *, as_of: dt.date,
              fiscal_year: int | None = None, parser: Parser | None = None, later: bool = False) -> list[FileReport]:
    """Parse files (those not parsed yet, together, by ``parser``: default :func:`importer.isolation.
    parse_isolated`, each in a worker process) and check what needs each file alone.

    Reports, never raises, an unreadable file (one the reader crashed on, or ran out of memory or time on,
    included). The cost centre comes from the workbook's metadata or its rows; the fiscal year (BE) from
    the metadata, else ``fiscal_year``, else its dates (:func:`own_fiscal_year`), else the other workbooks' of its
    cost centre, else ``as_of``'s. Returns the reports in the order given.

    With ``later`` (for a caller that hands the reports to :func:`check_together`, which waits for them), the
    file's own checks (:func:`own_checks`) of a file read by the default parser run in the worker that read it
    while the caller goes on (:meth:`importer.isolation.ReaderPool.parse_then`); each report's findings are
    complete once settled.
    """
    sources = list(sources)
    paths = [Path(s) for s in sources if not isinstance(s, ParsedWorkbook)]
    checks = functools.partial(own_checks, fiscal_year=fiscal_year, as_of=as_of)
    if paths and later and parser is None:
        read = iter(parse_isolated_then(paths, checks))
    else:
        read = ((r, None) for r in ((parser or parse_isolated)(paths) if paths else []))
    reports = []
    for source in sources:
        result, checked = (source, None) if isinstance(source, ParsedWorkbook) else next(read)
        if isinstance(result, Unreadable):
            reports.append(FileReport(Path(source), unreadable=result))
            continue
        report = FileReport(result.workbook.path if isinstance(source, ParsedWorkbook) else Path(source), result)
        report.pending = functools.partial(own_findings, result, checked or functools.partial(checks, result),
                                           percent_units(result, reference))
        if not later:
            report.settle()
        report.cost_center = cost_center_of(report.parsed, reference)
        report.fiscal_year = own_fiscal_year(report.parsed, fiscal_year)
        reports.append(report)
    for report in reports:  # a workbook that does not say (no year, no date): its cost centre's others' year
        if report.parsed and report.fiscal_year is None:
            years = {r.fiscal_year for r in reports if r.parsed and r.cost_center == report.cost_center} - {None}
            report.fiscal_year = years.pop() if len(years) == 1 else fiscal_year_of(as_of)
    return reports


def own_findings(parsed: ParsedWorkbook, checks: Callable[[], tuple[list[Finding], list[Finding]]],
                 percent: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """What a file alone is found to have: the reader's findings, the column checks' of ``checks``
    (:func:`own_checks`, perhaps still running in the reader's worker) and ``percent``
    (:func:`validators.columns.percent_units`), each at a hidden row or column saying so; and the findings of
    ``checks``' budget rules of one workbook."""
    column, budget = checks()
    return mark_hidden(parsed.findings + column + percent, parsed), budget


# A required column the reader could not take (missing, or named by two headers): the budget rules would report
# its consequences (a key not found, a sum short) at cells that are right; they wait until it is read.
UNREAD_COLUMN = ("S01", "S11")


def check_together(reports: Iterable[FileReport], reference: ReferenceSet, *, as_of: dt.date,
                   stored: Stored | None = None) -> Report:
    """Run the budget rules across the readable files of each (cost centre, fiscal year), against the
    rows ``stored`` returns for the templates not given; set each file's ``findings`` to its own plus
    the rules'. Reference workbooks are checked alone; in a group with a column not read (S01, S11) or a
    template given twice, the rules across files wait: each file gets its own findings, those of the rules of
    one workbook unless a column of its own is not read, and a B13 for each workbook given with another of its
    template (:func:`same_template_twice`). Returns the reports, in the order given."""
    reports = list(reports)
    groups: dict[tuple[str, int], list[FileReport]] = {}
    for report in (r for r in reports if r.parsed and r.parsed.template.key != "reference"):
        groups.setdefault((report.cost_center, report.fiscal_year), []).append(report)
    for (cost_center, year), group in groups.items():
        twins = same_template_twice(group)
        if twins or any(unread_column(r) for r in group):
            for report in group:  # the rules across files wait; those of one workbook hold for a file read whole
                report.settle()
                own = [] if unread_column(report) else mark_hidden(report.own_budget, report.parsed)
                report.findings = order(report.own_findings + own + twins.get(id(report), []), report.parsed)
            continue
        given = {r.parsed.template.key for r in group}
        context = stored(cost_center, year, given) if stored and cost_center else {}
        by_file: dict[str, list[Finding]] = {}
        for finding in check_budget(build_tables(group, context, reference, year, as_of), ACROSS_RULES):
            by_file.setdefault(finding.file, []).append(finding)
        for report in group:
            report.settle()  # the file's own checks ran beside the rules, in the reader's worker
            budget = report.own_budget + by_file.get(str(report.path), [])
            budget = mark_hidden(without_echoes(report.own_findings, budget), report.parsed)
            report.findings = order(report.own_findings + budget, report.parsed)
    for report in reports:  # those in no group: unreadable, or reference data
        report.settle()
    return Report(reports)


def unread_column(report: FileReport) -> bool:
    """Whether the reader could not take a required column of the file (:data:`UNREAD_COLUMN`)."""
    return any(f.rule in UNREAD_COLUMN for f in report.parsed.findings)


def same_template_twice(group: list[FileReport]) -> dict[int, list[Finding]]:
    """One B13 per workbook of a (cost centre, year) group given with another of its template (by ``id`` of
    the report): a submission replaces the whole previous version, so only one can be sent, and the budget
    rules across such a pair would flag every key and total of both (thousands of rows). Empty when each
    template is given once."""
    by_template: dict[str, list[FileReport]] = {}
    for report in group:
        by_template.setdefault(report.parsed.template.key, []).append(report)
    return {id(report): [given_twice(report, [r.path.name for r in reports])]
            for reports in by_template.values() if len(reports) > 1 for report in reports}


def given_twice(report: FileReport, names: list[str]) -> Finding:
    """The B13 of a workbook given with ``names`` (its own among them) of the same template, cost centre and year."""
    t, name = report.parsed.template, report.path.name
    others = ", ".join(n for n in dict.fromkeys(names) if n != name)
    if not others:  # the same file twice
        return Finding.of("B13", f"ไฟล์ {name} ถูกให้มามากกว่าหนึ่งครั้ง ให้ตรวจและส่งเพียงครั้งเดียว",
                          f"{name} is given more than once; give it once.", file=str(report.path))
    return Finding.of(
        "B13", f"ไฟล์ {name} และ {others} เป็นแบบฟอร์ม{t.th} ของศูนย์ต้นทุนและปีงบประมาณเดียวกัน การส่งแต่ละครั้งแทนที่ข้อมูลเดิม"
               "ทั้งชุด จึงส่งได้ไฟล์เดียว ให้รวมแถวไว้ในไฟล์เดียว หรือนำไฟล์ที่ไม่ใช้ออก",
        f"{name} and {others} are both the {t.en} workbook of one cost centre and fiscal year; each submission "
        "replaces the whole previous version, so only one can be sent: put all the rows in one workbook, or "
        "remove the one you do not mean.", file=str(report.path))


def validate(sources: Iterable[Path | ParsedWorkbook], reference: ReferenceSet, *, as_of: dt.date | None = None,
             fiscal_year: int | None = None, stored: Stored | None = None, parser: Parser | None = None) -> Report:
    """Check files given together (paths, or workbooks already parsed); nothing is stored.

    ``as_of`` (default today) is the data-as-of date of rules B10 and B12; ``stored`` gives the rows
    already stored for a cost centre and year (see :data:`Stored`). An unreadable file is reported in
    its :class:`FileReport`, never raised. ``parser`` parses the files (see :func:`read_many`).
    """
    as_of = as_of or dt.date.today()
    return check_together(read_many(list(sources), reference, as_of=as_of, fiscal_year=fiscal_year, parser=parser,
                                    later=True),
                          reference, as_of=as_of, stored=stored)
