"""Check a reference workbook on its own terms before it replaces the reference data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from domain.errors import Reason, Unreadable
from importer.isolation import parse
from reference.reference_set import ReferenceSet
from templates import REFERENCE
from validators.budget import Tables, b11_references_exist, b13_keys_unique
from validators.columns import percent_units
from validators.validate import FileReport, column_findings, mark_hidden, order


def read_reference(path: Path) -> tuple[ReferenceSet, FileReport]:
    """The reference set a workbook holds, and its report: codes must point inside the new set. The workbook is
    parsed in a worker process (``importer.isolation``); an unreadable one raises its :class:`Unreadable`."""
    parsed = parse(path)
    if parsed.template.key != "reference":
        raise Unreadable(f"ไฟล์ {parsed.file} เป็นแบบฟอร์ม{parsed.template.th} ไม่ใช่ข้อมูลอ้างอิง",
                         f"{parsed.file} is a workbook of {parsed.template.en.lower()}, not reference data.",
                         Reason.WRONG_TEMPLATE, file=parsed.file)
    tables = {s.key: parsed.sheets[s.key].values.reset_index(drop=True) if s.key in parsed.sheets
              else pd.DataFrame(columns=s.keys) for s in REFERENCE.sheets}
    reference = ReferenceSet(tables)
    frames = {key: ps.values.assign(_file=str(path), _row=ps.values.index).reset_index(drop=True)
              for key, ps in parsed.sheets.items()}
    letters = {(str(path), key): ps.data.letters for key, ps in parsed.sheets.items()}
    checks = Tables(frames, letters, reference, fiscal_year=0, as_of=dt.date.today())
    findings = mark_hidden(parsed.findings + column_findings(parsed) + percent_units(parsed, reference)
                           + b11_references_exist(checks) + b13_keys_unique(checks), parsed)
    return reference, FileReport(Path(path), parsed, findings=order(findings, parsed))
