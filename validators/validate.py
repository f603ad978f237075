"""Validate workbooks together: parse, column checks, then budget rules per cost centre and year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from importer.parse import ParsedWorkbook, Unreadable, parse_workbook
from reference.reference_set import ReferenceSet
from sms.findings import Finding
from sms.fiscal import fiscal_year as fiscal_year_of
from templates import UNIT_TEMPLATES
from templates.catalog import SHEETS
from validators.budget import Tables, check_budget
from validators.columns import check_columns

# The rows already stored for a cost centre and year, for the templates not being re-submitted.
Stored = Callable[[str, int, set[str]], Mapping[str, pd.DataFrame]]


@dataclass
class FileReport:
    path: Path
    parsed: ParsedWorkbook | None = None
    unreadable: Unreadable | None = None
    findings: list[Finding] = field(default_factory=list)
    cost_center: str = ""
    fiscal_year: int | None = None

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)

    def as_dict(self) -> dict:
        out = {"file": str(self.path), "template": None, "template_version": None, "rows": 0,
               "cost_center": self.cost_center or None, "fiscal_year": self.fiscal_year}
        if self.parsed:
            out.update(template=self.parsed.template.key, template_version=self.parsed.workbook.version,
                       rows=self.parsed.rows)
        if self.unreadable:
            out["unreadable"] = {"reason": self.unreadable.reason, "message_th": self.unreadable.message_th,
                                 "message_en": self.unreadable.message_en}
        keys = ("sheet", "row", "column", "cell", "value", "rule", "severity", "message_th", "message_en")
        out["findings"] = [{k: getattr(f, k) for k in keys} for f in self.findings]
        return out


@dataclass
class Report:
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
    meta = parsed.workbook.meta.get("fiscal_year", "")
    return int(meta) if meta.isdigit() else (given or fiscal_year_of(as_of))


def column_findings(parsed: ParsedWorkbook) -> list[Finding]:
    failed = {(f.sheet, f.row, f.column) for f in parsed.findings if f.rule in ("S03", "S05")}
    return [f for ps in parsed.sheets.values() for f in check_columns(ps, failed)]


def build_tables(group: list[FileReport], stored: Mapping[str, pd.DataFrame], reference: ReferenceSet,
                 fiscal_year: int, as_of: dt.date) -> Tables:
    parts: dict[str, list[pd.DataFrame]] = {s.key: [] for t in UNIT_TEMPLATES for s in t.sheets}
    letters = {}
    for report in group:
        for key, ps in report.parsed.sheets.items():
            source = str(report.path)  # the full path: two units' files may share a name
            parts[key].append(ps.values.assign(_file=source, _row=ps.values.index).reset_index(drop=True))
            letters[(source, key)] = ps.data.letters
    for key, frame in stored.items():
        parts[key].append(frame.assign(_file=None, _row=pd.NA))
    frames = {}
    for key, pieces in parts.items():
        columns = [*SHEETS[key][1].keys, "_file", "_row"]
        # concatenated among themselves, not with an empty frame of objects, which would turn Arrow text into objects
        frames[key] = (pd.concat(pieces, ignore_index=True).reindex(columns=columns) if pieces
                       else pd.DataFrame({k: pd.Series(dtype=object) for k in columns}))
        for col in SHEETS[key][1].columns:
            if col.type in ("money", "number"):
                frames[key][col.key] = pd.to_numeric(frames[key][col.key], errors="coerce").astype(float)
    return Tables(frames, letters, reference, fiscal_year, as_of)


def without_echoes(column_level: list[Finding], budget: list[Finding]) -> list[Finding]:
    """Drop a B11 "does not exist" at a cell whose value is already unreadable or malformed."""
    flagged = {(f.sheet, f.row, f.column) for f in column_level if f.rule in ("S05", "S06")}
    return [f for f in budget if not (f.rule == "B11" and (f.sheet, f.row, f.column) in flagged)]


def order(findings: list[Finding], parsed: ParsedWorkbook) -> list[Finding]:
    sheets = [s.key for s in parsed.template.sheets]
    columns = {s.key: s.keys for s in parsed.template.sheets}

    def key(f: Finding):
        cols = columns.get(f.sheet, [])
        return (sheets.index(f.sheet) if f.sheet in sheets else -1, f.row or 0,
                cols.index(f.column) if f.column in cols else -1, f.rule)
    return sorted(findings, key=key)


def validate(paths: Iterable[Path], reference: ReferenceSet, *, as_of: dt.date | None = None,
             fiscal_year: int | None = None, stored: Stored | None = None) -> Report:
    """Check workbooks given together; nothing is stored."""
    as_of = as_of or dt.date.today()
    reports = []
    for path in paths:
        report = FileReport(Path(path))
        try:
            report.parsed = parse_workbook(report.path)
        except Unreadable as exc:
            report.unreadable = exc
            reports.append(report)
            continue
        report.findings = report.parsed.findings + column_findings(report.parsed)
        report.cost_center = cost_center_of(report.parsed, reference)
        report.fiscal_year = fiscal_year_for(report.parsed, fiscal_year, as_of)
        reports.append(report)

    groups: dict[tuple[str, int], list[FileReport]] = {}
    for report in (r for r in reports if r.parsed and r.parsed.template.key != "reference"):
        groups.setdefault((report.cost_center, report.fiscal_year), []).append(report)
    for (cost_center, year), group in groups.items():
        given = {r.parsed.template.key for r in group}
        context = stored(cost_center, year, given) if stored and cost_center else {}
        by_file: dict[str, list[Finding]] = {}
        for finding in check_budget(build_tables(group, context, reference, year, as_of)):
            by_file.setdefault(finding.file, []).append(finding)
        for report in group:
            budget = without_echoes(report.findings, by_file.get(str(report.path), []))
            report.findings = order(report.findings + budget, report.parsed)
    return Report(reports)
