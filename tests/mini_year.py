"""A small, hand-checked fiscal year of one cost centre that breaks no rule.

Tests copy it, break one cell, and expect the finding at that cell. The numbers
are chosen so every balance is easy to check by eye:

- transfer T1 100,000 -> units 93901 (60,000) and 93902 (40,000); T2 50,000 -> 93901 (50,000)
- project P1 (unit 93901) 90,000 = T1 60,000 + T2 30,000; activities 1 (T1 60,000) and 2 (T2 30,000)
- project P2 (unit 93902) 40,000 = T1 40,000; activity 1 (T1 40,000)
- payments against P1/1: 20,000 paid + an advance A1 of 10,000 cleared: spent 8,000, returned 2,000
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

CC, U1, U2 = "2100200131", "93901", "93902"
CC2, V1, V2 = "2100200136", "94101", "94106"  # สสจ.อุดรธานี and two of its units: a second cost centre
FY, AS_OF = 2569, dt.date(2026, 3, 31)
OUTPUT, ACTIVITY = "2100235001000000", "N4504"


def d(day: int, month: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def mini_year() -> dict[str, dict[str, pd.DataFrame]]:
    """template key -> sheet key -> rows, in Excel row order from row 2."""
    def frame(rows: list[dict]) -> pd.DataFrame:
        return pd.DataFrame(rows, dtype=object)  # so a test may put any value in any cell
    return {
        "allocations": {
            "transfers": frame([
                dict(cost_center=CC, transfer_no="T1", transfer_date=d(15, 11, 2025), output_code=OUTPUT,
                     activity_code=ACTIVITY, expense_type="2", installment=1, amount=100000),
                dict(cost_center=CC, transfer_no="T2", transfer_date=d(10, 1), output_code=OUTPUT,
                     activity_code=ACTIVITY, expense_type="2", installment=2, amount=50000),
            ]),
            "allocations": frame([
                dict(transfer_no="T1", unit_code=U1, allocation_date=d(20, 11, 2025), amount=60000),
                dict(transfer_no="T1", unit_code=U2, allocation_date=d(20, 11, 2025), amount=40000),
                dict(transfer_no="T2", unit_code=U1, allocation_date=d(12, 1), amount=50000),
            ]),
        },
        "projects": {
            "projects": frame([
                dict(unit_code=U1, project_code="P1", project_name="คัดกรองเบาหวาน", plan_code="P01",
                     strategic_project_code="P01-01", kpi_code="K02", start_date=d(1, 12, 2025),
                     end_date=d(30, 9), budget=90000, owner="สมชาย ใจดี"),
                dict(unit_code=U2, project_code="P2", project_name="ลดการตายมารดา", plan_code="P01",
                     strategic_project_code="P01-01", kpi_code=None, start_date=d(1, 12, 2025),
                     end_date=d(30, 9), budget=40000, owner="สมหญิง ใจงาม"),
            ]),
            "funding": frame([
                dict(project_code="P1", transfer_no="T1", amount=60000),
                dict(project_code="P1", transfer_no="T2", amount=30000),
                dict(project_code="P2", transfer_no="T1", amount=40000),
            ]),
            "activities": frame([
                dict(project_code="P1", activity_no=1, activity_name="อบรม อสม.", budget=60000, planned_month=12,
                     source_transfer_no="T1", target=100, target_unit="คน"),
                dict(project_code="P1", activity_no=2, activity_name="คัดกรอง", budget=30000, planned_month=2,
                     source_transfer_no="T2", target=500, target_unit="คน"),
                dict(project_code="P2", activity_no=1, activity_name="เยี่ยมบ้าน", budget=40000, planned_month=1,
                     source_transfer_no="T1", target=50, target_unit="ครัวเรือน"),
            ]),
            "outputs": frame([
                dict(project_code="P1", output_no=1, output_name="ผู้ได้รับการคัดกรอง", target_unit="คน",
                     target=500, target_q1=100, target_q2=250, target_q3=400, target_q4=500),
            ]),
        },
        "disbursements": {
            "payments": frame([
                dict(unit_code=U1, document_no="D1", document_date=d(15, 12, 2025), project_code="P1",
                     activity_no=1, kind="เบิกจ่าย", amount=20000, payee="ร้านอาหาร", description="ค่าอาหาร"),
                dict(unit_code=U1, document_no="A1", document_date=d(5, 1), project_code="P1", activity_no=1,
                     kind="ยืม", amount=10000, payee="สมชาย ใจดี", description="ยืมเงินจัดอบรม"),
            ]),
            "clearings": frame([
                dict(unit_code=U1, document_no="C1", advance_document_no="A1", clearing_date=d(20, 1), spent=8000,
                     returned=2000, note=None),
            ]),
        },
        "outputs": {
            "activity_results": frame([
                dict(project_code="P1", activity_no=1, quarter=1, status="เสร็จสิ้น", result=100, result_note=None),
            ]),
            "output_results": frame([
                dict(project_code="P1", output_no=1, quarter=1, result=120, problems=None, suggestions=None),
            ]),
            "kpi_results": frame([
                dict(unit_code=U1, kpi_code="K02", quarter=1, numerator=85, denominator=100, result=85, note=None),
            ]),
        },
    }


def mini_year_of_cc2() -> dict[str, dict[str, pd.DataFrame]]:
    """The same year recorded by CC2's units, with payment D1 of 5,000 instead of 20,000."""
    year = mini_year()
    swap = {CC: CC2, U1: V1, U2: V2}
    for sheets in year.values():
        for frame in sheets.values():
            for column in ("cost_center", "unit_code"):
                if column in frame:
                    frame[column] = frame[column].map(lambda v: swap.get(v, v))
    year["disbursements"]["payments"].loc[0, "amount"] = 5000
    return year
