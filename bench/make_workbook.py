"""Generate a valid N-row disbursements workbook, plus the small workbooks it depends on.

    python bench/make_workbook.py --rows 100000 [--out bench/data] [--seed 1]

writes, for one real cost centre of the default reference set and fiscal year 2569:

- ``allocations.xlsx`` and ``projects.xlsx``: one transfer and allocation per unit, 20
  projects of 5 activities per unit, budgets that cover the payments below. Small,
  written with ``templates.workbook.build_workbook``; the benchmark imports them into its
  own SQLite database, so validating the big file runs the real cross-workbook checks
  (B11 project/activity references, B08 activity budgets) against stored data.
- ``disbursements_<N>.xlsx``: N payment rows and one clearing per advance, streamed with
  xlsxwriter ``constant_memory=True`` (the template writer writes cell by cell in memory).
  Same sheet names, header texts, number/date formats and hidden ``_meta`` sheet as the
  template writer. Amounts are numbers and dates real Excel dates, except ~1 % of each,
  typed as text ("1,234.50", "15/11/2568") so the normaliser's slow path runs.

The data breaks no rule: ``sms validate`` against that database reports no finding.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from domain.vocabulary import PaymentKind
from reference.reference_set import ReferenceSet, load_default
from templates import TEMPLATES
from templates.workbook import META, NUMBER_FORMATS, build_workbook, metadata

COST_CENTER = "2100200131"  # สสจ.หนองบัวลำภู: a real cost centre of the default reference set, 8 units
FISCAL_YEAR = 2569
START, AS_OF = dt.date(2025, 10, 1), dt.date(2026, 9, 30)  # the whole fiscal year has happened
PROJECTS_PER_UNIT, ACTIVITIES_PER_PROJECT = 20, 5
TEXT_SHARE = 0.01  # share of amount and date cells typed as text
EXCEL_EPOCH = dt.date(1899, 12, 30)

ACTIVITY_NAMES = ("อบรมเชิงปฏิบัติการ อสม.", "คัดกรองเบาหวานและความดันโลหิตสูง", "เยี่ยมบ้านผู้ป่วยติดเตียง",
                  "รณรงค์ป้องกันไข้เลือดออก", "ประชุมคณะกรรมการพัฒนาคุณภาพชีวิตระดับอำเภอ")
EXPENSES = ("ค่าอาหารกลางวัน", "ค่าอาหารว่างและเครื่องดื่ม", "ค่าวัสดุสำนักงาน", "ค่าตอบแทนวิทยากร",
            "ค่าจ้างเหมาถ่ายเอกสาร", "ค่าน้ำมันเชื้อเพลิง", "ค่าวัสดุการแพทย์")
PAYEES = ("ร้านอาหารครัวบ้านสวน", "หจก.หนองบัวการพิมพ์", "ร้านเจริญวัสดุ", "บริษัท ปตท. จำกัด (มหาชน)",
          "นางสาวสุภาพร ศรีสุข", "นายสมชาย บุญมา", "นางพรทิพย์ แก้วมณี", "ร้านสมบูรณ์เภสัช")
STAFF = ("นางสาวกัญญารัตน์ ทองดี", "นายประเสริฐ พลราชม", "นางวิไลวรรณ ศรีวงศ์", "นายธนากร จันทร์แก้ว")


def serial(days: np.ndarray) -> np.ndarray:
    """Days since START as Excel date serials (what a date cell stores)."""
    return days + (START - EXCEL_EPOCH).days


def thai_date(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}"


def plan(rows: int, reference: ReferenceSet, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Every sheet's rows: the N payments, their clearings, and the projects and allocations they need."""
    rng = np.random.default_rng(seed)
    units = reference.units_of(COST_CENTER)["unit_code"].tolist()
    acts = pd.DataFrame([(u, f"{u}-69-{p:02d}", a) for u in units for p in range(1, PROJECTS_PER_UNIT + 1)
                         for a in range(1, ACTIVITIES_PER_PROJECT + 1)],
                        columns=["unit_code", "project_code", "activity_no"])

    year_days = (AS_OF - START).days
    pay = acts.iloc[rng.integers(len(acts), size=rows)].reset_index(drop=True)
    pay["day"] = rng.integers(0, year_days + 1, size=rows)
    pay["cents"] = np.clip(np.round(rng.lognormal(8.0, 1.0, size=rows) * 100), 5_000, 50_000_000).astype(np.int64)
    # One advance in a thousand rows, at least 30 days before the as-of date; each is cleared below.
    advance = np.zeros(rows, dtype=bool)
    old = np.flatnonzero(pay["day"].to_numpy() <= year_days - 35)
    advance[rng.choice(old, size=min(len(old), max(5, rows // 1000)), replace=False)] = True
    pay["kind"] = np.where(advance, PaymentKind.ADVANCE.value, PaymentKind.PAYMENT.value)
    pay.loc[advance, "cents"] = pay.loc[advance, "cents"] // 10_000 * 10_000 + 100_000  # whole hundreds of baht
    pay = pay.sort_values(["unit_code", "day"], kind="stable").reset_index(drop=True)
    prefix = np.where(pay["kind"] == PaymentKind.ADVANCE, "สย.", "ขบ.")  # loan contracts and payment vouchers
    number = pay.groupby([pay["unit_code"], prefix]).cumcount() + 1
    pay["document_no"] = [f"{p}{FISCAL_YEAR}/{n:06d}" for p, n in zip(prefix, number, strict=True)]
    pay = pay.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # filled in no particular order
    names = dict(zip(range(1, ACTIVITIES_PER_PROJECT + 1), ACTIVITY_NAMES, strict=True))
    items = rng.choice(EXPENSES, size=rows)
    pay["description"] = [f"{i} {names[a]}" for i, a in zip(items, pay["activity_no"], strict=True)]
    is_advance = pay["kind"] == PaymentKind.ADVANCE
    pay["payee"] = np.where(is_advance, rng.choice(STAFF, size=rows), rng.choice(PAYEES, size=rows))

    adv = pay[pay["kind"] == PaymentKind.ADVANCE].sort_values(["unit_code", "day"]).reset_index(drop=True)
    returned = np.where(rng.random(len(adv)) < 0.5, (adv["cents"] * rng.uniform(0.02, 0.25, len(adv))) // 100 * 100, 0)
    clr = pd.DataFrame({"unit_code": adv["unit_code"], "advance_document_no": adv["document_no"],
                        "day": adv["day"] + rng.integers(5, 29, len(adv)),
                        "spent": adv["cents"] - returned, "returned": returned.astype(np.int64)})
    clr["document_no"] = [f"ลย.{FISCAL_YEAR}/{n:04d}" for n in clr.groupby("unit_code").cumcount() + 1]
    clr["note"] = np.where(clr["returned"] > 0, "คืนเงินสดเหลือจ่าย", None)

    # Budgets: each activity gets 110 % of what it spends, rounded up to 1,000 baht (10,000 at least).
    spent = pay.groupby(["project_code", "activity_no"])["cents"].sum()
    acts["budget"] = [max(10_000, -(-spent.get((p, a), 0) * 11 // 10 // 100_000) * 1_000)
                      for p, a in zip(acts["project_code"], acts["activity_no"], strict=True)]
    acts["transfer_no"] = "TR" + str(FISCAL_YEAR) + "-" + acts["unit_code"]
    projects = acts.groupby(["unit_code", "project_code", "transfer_no"], as_index=False)["budget"].sum()
    per_unit = projects.groupby(["unit_code", "transfer_no"], as_index=False)["budget"].sum()

    return {
        "payments": pay, "clearings": clr,
        "transfers": pd.DataFrame({
            "cost_center": COST_CENTER, "transfer_no": per_unit["transfer_no"], "transfer_date": dt.date(2025, 10, 15),
            "output_code": "2100235001000000", "activity_code": "N4504", "expense_type": "2", "installment": 1,
            "amount": per_unit["budget"].astype(float)}),
        "allocations": pd.DataFrame({
            "transfer_no": per_unit["transfer_no"], "unit_code": per_unit["unit_code"],
            "allocation_date": dt.date(2025, 10, 20), "amount": per_unit["budget"].astype(float)}),
        "projects": pd.DataFrame({
            "unit_code": projects["unit_code"], "project_code": projects["project_code"],
            "project_name": "โครงการพัฒนาระบบบริการสุขภาพ " + projects["project_code"], "plan_code": "P01",
            "strategic_project_code": "P01-01", "kpi_code": "K02", "start_date": dt.date(2025, 10, 1),
            "end_date": AS_OF, "budget": projects["budget"].astype(float), "owner": "นายสมชาย บุญมา"}),
        "funding": pd.DataFrame({"project_code": projects["project_code"], "transfer_no": projects["transfer_no"],
                                 "amount": projects["budget"].astype(float)}),
        "activities": pd.DataFrame({
            "project_code": acts["project_code"], "activity_no": acts["activity_no"],
            "activity_name": acts["activity_no"].map(names), "budget": acts["budget"].astype(float),
            "planned_month": 11, "source_transfer_no": acts["transfer_no"], "target": 100.0, "target_unit": "คน"}),
    }


def write_context(folder: Path, sheets: dict[str, pd.DataFrame], reference: ReferenceSet) -> list[Path]:
    """The allocations and projects workbooks the disbursements refer to (small: the template writer is fine)."""
    paths = []
    for key in ("allocations", "projects"):
        template = TEMPLATES[key]
        data = {s.key: sheets[s.key] for s in template.sheets if s.key in sheets}
        paths.append(build_workbook(template, folder / f"{key}.xlsx", reference, fiscal_year=FISCAL_YEAR,
                                    cost_center=COST_CENTER, data=data))
    return paths


def write_disbursements(path: Path, sheets: dict[str, pd.DataFrame], seed: int = 1) -> Path:
    """Stream the disbursements workbook: the template's sheets, headers, formats and ``_meta``."""
    template = TEMPLATES["disbursements"]
    payments, clearings = (template.sheet(k) for k in ("payments", "clearings"))
    rng = np.random.default_rng(seed + 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": "Tahoma", "font_size": 10, "valign": "top"}
    header = book.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#DCE6F1", "border": 1})
    fmt = {t: book.add_format({**base, "num_format": f, "locked": False}) for t, f in NUMBER_FORMATS.items()}
    sheets_out = {s.key: book.add_worksheet(s.name) for s in template.sheets}
    meta = book.add_worksheet(META)
    meta.hide()
    for sheet, ws in ((payments, sheets_out["payments"]), (clearings, sheets_out["clearings"])):
        for i, col in enumerate(sheet.columns):
            ws.set_column(i, i, col.width or max(14, len(col.en) + 2))
            ws.write_string(0, i, col.header, header)

    # payments: unit, document no., date, project, activity no., kind, amount, payee, description
    ws, pay = sheets_out["payments"], sheets["payments"]
    n = len(pay)
    date_text = rng.random(n) < TEXT_SHARE
    amount_text = rng.random(n) < TEXT_SHARE
    serials = serial(pay["day"].to_numpy())
    baht = pay["cents"].to_numpy() / 100
    ws_str, ws_num = ws.write_string, ws.write_number
    for r, (unit, doc, project, act, kind, payee, desc) in enumerate(zip(
            pay["unit_code"], pay["document_no"], pay["project_code"], pay["activity_no"].tolist(), pay["kind"],
            pay["payee"], pay["description"], strict=True)):
        row = r + 1
        ws_str(row, 0, unit, fmt["code"])
        ws_str(row, 1, doc, fmt["code"])
        if date_text[r]:
            ws_str(row, 2, thai_date(START + dt.timedelta(days=int(pay["day"].iat[r]))), fmt["date"])
        else:
            ws_num(row, 2, serials[r], fmt["date"])
        ws_str(row, 3, project, fmt["code"])
        ws_num(row, 4, act, fmt["integer"])
        ws_str(row, 5, kind, fmt["choice"])
        if amount_text[r]:
            ws_str(row, 6, f"{baht[r]:,.2f}", fmt["money"])
        else:
            ws_num(row, 6, baht[r], fmt["money"])
        ws_str(row, 7, payee, fmt["text"])
        ws_str(row, 8, desc, fmt["text"])

    ws = sheets_out["clearings"]
    ws_str, ws_num = ws.write_string, ws.write_number
    for r, c in enumerate(sheets["clearings"].itertuples(index=False), start=1):
        ws_str(r, 0, c.unit_code, fmt["code"])
        ws_str(r, 1, c.document_no, fmt["code"])
        ws_str(r, 2, c.advance_document_no, fmt["code"])
        ws_num(r, 3, serial(c.day), fmt["date"])
        ws_num(r, 4, c.spent / 100, fmt["money"])
        ws_num(r, 5, c.returned / 100, fmt["money"])
        if isinstance(c.note, str):
            ws_str(r, 6, c.note, fmt["text"])

    for r, (key, value) in enumerate(metadata(template, FISCAL_YEAR, COST_CENTER).items()):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, value)
    sheets_out["payments"].activate()
    book.close()
    return path


def make(rows: int, folder: Path, seed: int = 1, reference: ReferenceSet | None = None) -> dict[str, Path]:
    """Write the three workbooks for ``rows`` payments; return their paths by template key."""
    reference = reference or load_default()
    sheets = plan(rows, reference, seed)
    allocations, projects = write_context(folder / f"context_{rows}", sheets, reference)
    disbursements = write_disbursements(folder / f"disbursements_{rows}.xlsx", sheets, seed)
    return {"allocations": allocations, "projects": projects, "disbursements": disbursements}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for key, path in make(args.rows, args.out, args.seed).items():
        print(f"{key}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
