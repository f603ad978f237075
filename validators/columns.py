"""Column checks: a pandera schema per sheet, derived from the spec, run lazily.

Blank required cells (S04) are found with one vectorised mask rather than
pandera's ``nullable``, because a failed null check stops pandera from running
the column's other checks, and every failure should be reported at once.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from domain.findings import Finding, display
from importer.parse import ParsedSheet, ParsedWorkbook
from reference.reference_set import ReferenceSet
from templates.spec import PERCENT_UNIT, Column, Sheet

# pandera registers its pandas backend on first use (~0.15 s of imports): pay it at import time
# like any other import, not in the first upload's check.
pa.DataFrameSchema({"x": pa.Column(checks=pa.Check.ge(0))}).validate(pd.DataFrame({"x": [1.0]}))


def _matches(pattern: str) -> pa.Check:
    """pandera's str_matches, run by Arrow's regex engine: pandas matches object text one cell at a time."""
    def check(values: pd.Series) -> pd.Series:
        text = pyarrow.array(values, type=pyarrow.string(), from_pandas=True)  # Arrow text is taken as it is
        # Codes repeat: when every distinct one matches (as usual), no cell fails (100,000 cells: 2 → 0.5 ms).
        if pc.all(pc.match_substring_regex(pc.unique(text), pattern)).as_py() is not False:
            return pd.Series(True, index=values.index)
        matched = pc.fill_null(pc.match_substring_regex(text, pattern), True)  # blanks are S04's business
        return pd.Series(matched.to_numpy(zero_copy_only=False), index=values.index)
    return pa.Check(check, name="str_matches", error=f"str_matches('{pattern}')")


def _has_at_most_2_decimals(values: pd.Series) -> pd.Series:
    cents = values * 100
    # A float's own error grows with its size: 143,458,123.45 × 100 is off by ~3e-6.
    tolerance = np.maximum(1e-6, cents.abs() * 8 * np.finfo(float).eps)
    return (cents - cents.round()).abs() <= tolerance


@cache
def column_checks(col: Column) -> tuple[tuple[str, pa.Check], ...]:
    """(rule id, pandera check) pairs; failure cases name a check by its position in this tuple."""
    checks = []
    if col.pattern:
        checks.append(("S06", _matches(col.pattern)))
    if col.choices:
        checks.append(("S07", pa.Check.isin(col.choices)))
    low, high = col.lower_bound, col.upper_bound
    if low is not None or high is not None:
        checks.append(("S08", pa.Check.in_range(-float("inf") if low is None else low,
                                                float("inf") if high is None else high)))
    if col.decimals:
        checks.append(("S09", pa.Check(_has_at_most_2_decimals, name="at_most_2_decimals")))
    return tuple(checks)


@cache
def sheet_schema(sheet: Sheet) -> pa.DataFrameSchema:
    """The pandera schema of a sheet's typed values (types are already settled by the normaliser)."""
    return pa.DataFrameSchema({c.key: pa.Column(checks=[check for _, check in column_checks(c)], nullable=True,
                                                required=False) for c in sheet.columns if column_checks(c)})


def describe(col: Column, rule: str) -> tuple[str, str]:
    """What the value should have been, for the finding's message."""
    if rule == "S06":
        return (f"รูปแบบไม่ถูกต้อง ต้องเป็น{col.help_th or ' ' + col.pattern}",
                f"wrong format; it must be a {col.help_en or col.pattern}")
    if rule == "S07":
        options = " | ".join(col.choices)
        return f"เลือกได้เฉพาะ: {options}", f"choose one of: {options}"
    if rule == "S08":
        low, high = col.lower_bound, col.upper_bound
        span = f"{low:g} – {high:g}" if low is not None and high is not None else (
            f">= {low:g}" if low is not None else f"<= {high:g}")
        return f"ค่าต้องอยู่ในช่วง {span}", f"the value must be {span}"
    return "ปัดเศษให้เหลือทศนิยมไม่เกิน 2 ตำแหน่ง", "round it to at most 2 decimals"


def check_columns(parsed: ParsedSheet, failed: set[tuple[str, int, str]]) -> list[Finding]:
    """S04 and S06–S09 findings of one sheet; ``failed`` are (sheet, row, column) cells already reported
    as unreadable (S03, S05), so not also as blank, nor is a cell blank only because merged (S14); a column
    the sheet lacks is its header's finding."""
    sheet, values, sd = parsed.sheet, parsed.values, parsed.data
    findings = []
    # a required column not read (missing: S01; named twice: S11) is one finding on the header row, not a blank per row
    for col in (c for c in sheet.columns if c.required and c.key in sd.letters):
        for row in values.index[values[col.key].isna()]:
            if (sheet.key, row, col.key) not in failed and (row, col.key) not in parsed.merged_away:
                findings.append(Finding.of("S04", f"ยังไม่ได้กรอก {col.th} ซึ่งจำเป็นต้องกรอก",
                                           f"{col.en} is required; fill it in.", file=parsed.file,
                                           sheet=sheet.key, row=int(row), column=col.key, header=col.header,
                                           cell=sd.cell(col.key, int(row))))
    try:
        sheet_schema(sheet).validate(values, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        for case in cases.itertuples(index=False):
            col, row = sheet.column(case.column), int(case.index)
            rule = column_checks(col)[int(case.check_number)][0]
            th, en = describe(col, rule)
            value = display(case.failure_case)
            findings.append(Finding.of(rule, f"{col.th} '{value}': {th}", f"{col.en} '{value}': {en}",
                                       file=parsed.file, sheet=sheet.key, row=row, column=col.key,
                                       header=col.header, cell=sd.cell(col.key, row), value=value))
    return findings


def percent_units(parsed: ParsedWorkbook, reference: ReferenceSet) -> list[Finding]:
    """S05 at each cell read as the percentage it shows (``ParsedSheet.percent_rows``: 0.2468 formatted as
    24.68 % read as 24.68) in a measure whose unit is not a percentage: the unit named in the row
    (``Column.percent`` a column key) or the row's KPI's (``"kpi"``). A unit that is not known (a KPI not in
    the reference data, a blank unit) leaves the number as shown: B11 or S04 says what is missing."""
    findings = []
    for ps in parsed.sheets.values():
        for key, rows in ps.percent_rows.items():
            col = ps.sheet.column(key)
            if col.percent == "yes":
                continue
            if col.percent == "kpi":
                labels = reference["kpis"].drop_duplicates("kpi_code").set_index("kpi_code")["unit_label"]
                units = ps.values.loc[rows, "kpi_code"].map(labels)
            else:
                units = ps.values.loc[rows, col.percent]
            units = units.astype(object).where(units.notna(), "").astype(str)
            wrong = units[(units != "") & ~units.str.contains(PERCENT_UNIT, regex=True)]
            for row, unit in wrong.items():
                value = display(ps.values.at[row, key])
                findings.append(Finding.of(
                    "S05", f"{col.th}: ช่องนี้จัดรูปแบบเป็นร้อยละ (แสดง {value}%) แต่หน่วยนับคือ '{unit}' ไม่ใช่ร้อยละ "
                           f"ให้จัดรูปแบบเซลล์เป็นตัวเลข (Number) แล้วพิมพ์ค่าเป็น{unit}",
                    f"{col.en}: the cell is formatted as a percentage (it shows {value}%) but the unit is "
                    f"'{unit}', not a percentage; format the cell as Number and type the figure in {unit}.",
                    file=parsed.file, sheet=ps.sheet.key, row=int(row), column=key, header=col.header,
                    cell=ps.data.cell(key, int(row)), value=f"{value}%"))
    return findings
