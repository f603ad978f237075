"""The region report's tables: the checker's view of a health region (seed 000, the region office's meeting).

- **Reconciliation** (:func:`region_reconcile`): seed 000's own table, "รายงานเปรียบเทียบส่วนต่างงบประมาณที่ได้รับ
  เงินประจำงวดกับการบันทึกรับโอนงบประมาณ และรายงานส่วนต่างงบประมาณการเบิกจ่ายในระบบ GFMS และระบบ SMS": every cost centre of
  the region in code order under a "เขต N" heading, the region office's included, columns (1)–(7) of
  :func:`store.queries.reconciliation` cumulative to the last month that ended by the cut-off; a cost centre that
  recorded nothing in SMS shows '-' and is flagged; the region total counts its SMS figures as 0.
- **Per province** (:func:`region_provinces`): the same figures summed per province of the region, with how many
  cost centres it has and how many recorded nothing, then the region.
- **Recording completeness** (:func:`region_recording`): the agenda of seed 000's meeting, who has sent which
  template (:func:`store.queries.completeness_summary` as of the report's day).

Money is baht to 2 decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.fiscal import THAI_MONTHS, be_year
from domain.vocabulary import RECONCILIATION, RecordingState
from reports.fmt import Col, ReportTable
from reports.tables.context import Context, report_table
from reports.tables.labels import template_column
from reports.tables.money import RECONCILED_SHEETS, SMS_COLUMNS, reconciliation_month, with_total
from store.queries import completeness_summary, month_end, reconciliation
from templates.catalog import STEPS, TEMPLATES

MONEY = list(RECONCILIATION)


def region_rows(ctx: Context) -> pd.DataFrame:
    """:func:`store.queries.reconciliation` of the region's cost centres with their province (province_code), for
    :func:`reconciliation_month`."""
    rec = reconciliation(ctx.engine, ctx.reference, fiscal_year=ctx.fiscal_year, month=reconciliation_month(ctx),
                         cost_centers=ctx.cost_centers, include_unapproved=ctx.include_unapproved)
    provinces = ctx.reference["cost_centers"][["cost_center", "province_code"]]
    return rec.merge(provinces, on="cost_center", how="left")


def period(ctx: Context) -> str:
    month = reconciliation_month(ctx)
    return f"สะสมถึงสิ้นเดือน{THAI_MONTHS[month]} {be_year(month_end(ctx.fiscal_year, month).year)}"


@report_table
def region_reconcile(ctx: Context) -> ReportTable:
    """Table 1, seed 000's table for the region: a heading row (level ``group``: เขต N), one row per cost centre
    by code (level ``row``, or ``silent`` with flag ไม่ได้บันทึกใน SMS and its SMS figures NaN), the region total
    (``total``). Columns: no, region, cost_center, name, :data:`domain.vocabulary.RECONCILIATION`, recorded, flag."""
    out = with_total(ctx, region_rows(ctx))
    heading = {"no": None, "level": "group", "region": ctx.province.region, "cost_center": "",
               "name": f"เขต {ctx.province.region}", "recorded": True, "flag": ""}
    out = pd.concat([pd.DataFrame([heading]), out], ignore_index=True)
    silent = int((out["level"] == "silent").sum())
    return ctx.table(
        "region_reconciliation", "1. เปรียบเทียบส่วนต่างเงินประจำงวด GFMIS กับรับโอน SMS และส่วนต่างเบิกจ่าย GFMIS กับ SMS "
                                 "รายศูนย์ต้นทุน / GFMIS vs SMS reconciliation by cost centre",
        out[["no", "level", "region", "cost_center", "name", *MONEY, "recorded", "flag"]],
        [Col("no", "int"), Col("region", "int"), Col("cost_center", "code", sheet="cost_centers"), Col("name"),
         *(Col(k, "money") for k in MONEY), Col("flag", "verdict")],
        sheets=RECONCILED_SHEETS, level="level", period=period(ctx),
        blank={"no": {"total", "group"}, "region": {"total", "group"}, **{k: {"group"} for k in MONEY}},
        notes=[f"ศูนย์ต้นทุนที่ยังไม่ได้บันทึกข้อมูลใน SMS {silent:,} แห่ง (แถวสีแดง, '-') / {silent:,} cost centre(s) "
               "recorded nothing in SMS.",
               "(6) = (1) − (2) ส่วนต่างเงินประจำงวด GFMIS กับรับโอน SMS · (7) = (4) − (5) ส่วนต่างเบิกจ่าย GFMIS กับ SMS "
               "(ไม่รวมงบกลาง) · แถวรวมนับตัวเลข SMS ของศูนย์ต้นทุนที่ไม่ได้บันทึกเป็น 0."])


def province_sums(ctx: Context, rec: pd.DataFrame) -> pd.DataFrame:
    """Per province of the region (level ``row``, by code) and the region (``total``): cost_centres (count),
    silent_centres (those that recorded nothing in SMS), (1)–(5) summed, (6) = (1) − (2) and (7) = (4) − (5) with a
    silent cost centre's SMS figures as 0."""
    names = ctx.reference["provinces"].set_index("province_code")["name_th"]
    rec = rec.assign(silent_centres=~rec["recorded"])
    rec.loc[rec["silent_centres"], SMS_COLUMNS] = np.nan
    rows = []
    for code, mine in [*rec.groupby("province_code", sort=True), ("", rec)]:
        sums = {k: mine[k].sum(min_count=1) for k in MONEY[:5]}
        sms = {k: 0.0 if pd.isna(sums[k]) else sums[k] for k in SMS_COLUMNS}
        rows.append({"level": "row" if code else "total", "province_code": code,
                     "name": names.get(code, code) if code else ctx.total_name, "cost_centres": len(mine),
                     "silent_centres": int(mine["silent_centres"].sum()), **sums,
                     "diff_installment": sums["installment_gfmis"] - sms["received_sms"],
                     "diff_disbursed": sums["disbursed_gfmis"] - sms["disbursed_sms"]})
    out = pd.DataFrame(rows)
    out[MONEY] = out[MONEY].astype("float64").round(2)
    return out


@report_table
def region_provinces(ctx: Context) -> ReportTable:
    """Table 2: :func:`province_sums` of the region's reconciliation."""
    return ctx.table(
        "region_provinces", "2. สรุปการกระทบยอด GFMIS กับ SMS รายจังหวัด / Reconciliation by province",
        province_sums(ctx, region_rows(ctx)),
        [Col("province_code", "code", sheet="provinces"), Col("name", figure="province_code"),
         Col("cost_centres", "int"), Col("silent_centres", "int"),
         *(Col(k, "money") for k in MONEY)],
        sheets=RECONCILED_SHEETS, level="level", period=period(ctx),
        notes=["ผลรวมของศูนย์ต้นทุนในจังหวัด (ตารางที่ 1) / the sums of table 1's cost centres."])


@report_table
def region_recording(ctx: Context) -> ReportTable:
    """Table 3, per cost centre of the region: each SMS template's recording state (its label), the day every
    template's data is complete to (BE), submissions pending review and returned, and template-months late."""
    board = completeness_summary(ctx.engine, ctx.reference, fiscal_year=ctx.fiscal_year, as_of=ctx.as_of,
                                 cost_centers=ctx.cost_centers)
    states = RecordingState.labels()
    board = board.assign(**{key: board[key].map(states) for key in STEPS})
    board["covered_to"] = [d if pd.notna(d) else None for d in board["covered_to"]]  # NaT would read "NaT"
    return ctx.table(
        "region_recording", "3. การบันทึกข้อมูลใน SMS รายศูนย์ต้นทุน / Recording in SMS by cost centre",
        board[["cost_center", "name", *STEPS, "covered_to", "pending_review", "returned", "late"]],
        [Col("cost_center", "code", sheet="cost_centers"), Col("name"),
         *(Col(key, label=template_column(key)) for key in STEPS), Col("covered_to", "date"),
         Col("pending_review", "int"), Col("returned", "int"), Col("late", "int")],
        sheets=[s.key for key in STEPS for s in TEMPLATES[key].sheets],
        notes=["สถานะของฉบับปัจจุบันของแต่ละแบบฟอร์ม; ยังไม่ส่งและเลยกำหนด = เลยสิ้นเดือนที่ต้องส่งมาแล้วเกิน 15 วัน / each "
               "template's current state; late = a month due more than 15 days ago is not covered."])
