"""The hospital financial-health tables of the financial report (DOMAIN.md "Reports", the hospital bullet;
seed 003), in seed 003's order: Risk Score and its quarters, 7 Plus, the Risk × 7 Plus matrix, Planfin complete,
Planfin against actual, IP revenue, unit cost, cost ÷ medical revenue, the eight inspection criteria per hospital
and for the province, and the risk groups.

Every figure is :func:`reports.tables.hospital_figures.hospital_inputs` (finance.health on the province's current
``hospital_finance`` rows of the latest month by the cut-off); the criteria tables are the KPI report's own
evaluation (:func:`reports.tables.kpi.kpi_results`, :func:`reports.tables.kpi.summary_frame`), so both reports give
one figure for each. Ratios are plain numbers (2 decimals as seed 003 prints them), ``*_pct`` columns are already
per cent (7.35 = 7.35 %), money is baht to 2 decimals.

Rows: one per hospital (level ``unit``) by cost centre and unit code, keyed by unit_code, with cost_center, name
and month; tables with seed 003's province row add it last (level ``total``, unit_code ``""``), its figures
computed from the summed items (:func:`finance.health.totals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.fiscal import FISCAL_MONTH_ORDER, THAI_MONTHS
from domain.vocabulary import RiskGroup
from finance import health as fh
from reports.fmt import FAIL, PASS, Col, ReportTable
from reports.tables.context import Context, report_table
from reports.tables.hospital_figures import Hospitals, finance_rows, hospital_inputs
from reports.tables.kpi import kpi_results, passed, summary_frame
from reports.tables.labels import kpi_column, quarter_column, risk_column, within

HEAD = ["level", "cost_center", "unit_code", "name", "month"]
HOSPITAL = Col("name", figure="hospital")
CODE = Col("unit_code", "code", figure="code")
PEER = Col("service_level", "code", sheet="units")
RISK_POINTS = {"cr_ok": "cr_point", "qr_ok": "qr_point", "cash_ok": "cash_point", "nwc_ok": "nwc_point",
               "ni_ok": "ni_point"}  # a cell is green when its figure scores no risk point
QUARTERS = (1, 2, 3, 4)


def with_province(h: Hospitals) -> pd.DataFrame:
    """The hospitals' rows and the province's (level ``total``) last."""
    return pd.concat([h.frame, h.total], ignore_index=True)


def hospital_risk(ctx: Context, h: Hospitals) -> ReportTable:
    """4.1 Risk Score 0–7 per hospital and for the province (seed 003's "ผลการประเมินภาวะวิกฤติทางการเงิน (Risk
    Scoring)" and its "ภาพรวมจังหวัด" row): the 5-digit code, CR, QR, Cash ratio, NWC and NI (baht), the liquidity
    (0–3), status (0–2) and survival (0–2) points, the score, the maintenance fund left after debts and EBITDA
    (baht); ``*_ok`` flag the cells that score no point. The province row's money is the hospitals' sum and its
    ratios and score those of the summed items."""
    risk, t = with_province(h), h.thresholds
    for ok, point in RISK_POINTS.items():
        risk[ok] = risk[point].map(lambda p: pd.NA if pd.isna(p) else p == 0).astype("boolean")
    risk["risk_ok"] = risk["risk_score"].map(lambda r: pd.NA if pd.isna(r) else r <= 1).astype("boolean")
    return ctx.table(
        "hospital_risk", "4.1 ผลการประเมินภาวะวิกฤติทางการเงิน (Risk Scoring) / Risk Score",
        risk[[*HEAD, "service_level", "current_ratio", "quick_ratio", "cash_ratio", "nwc", "net_income",
              "cr_point", "qr_point", "cash_point", "liquidity", "nwc_point", "ni_point", "status",
              "survival_ratio", "survival", "risk_score", "maintenance_fund", "ebitda", *RISK_POINTS, "risk_ok"]],
        [CODE, HOSPITAL, PEER, Col("current_ratio", "ratio", "cr_ok"), Col("quick_ratio", "ratio", "qr_ok"),
         Col("cash_ratio", "ratio", "cash_ok"), Col("nwc", "money", "nwc_ok"),
         Col("net_income", "money", "ni_ok", sheet="hospital_finance"), Col("liquidity", "int"),
         Col("status", "int", figure="risk_status"), Col("survival", "int"), Col("risk_score", "int", "risk_ok"),
         Col("maintenance_fund", "money", sheet="hospital_finance"), Col("ebitda", "money", sheet="hospital_finance")],
        level="level", period=h.when,
        notes=[f"คะแนนสภาพคล่อง: CR < {t.current_ratio:g}, QR < {t.quick_ratio:g}, Cash < {t.cash_ratio:g} "
               "ได้ข้อละ 1 คะแนน · สถานะ: NWC < 0 และ NI < 0 ได้ข้อละ 1 คะแนน · ความอยู่รอด 0–2 ตามจำนวนเดือนที่ทุนหมุนเวียน"
               "รองรับการขาดทุน (หรือที่ต้องใช้กำไรปิดทุนหมุนเวียนที่ติดลบ) · ช่องสีแดง = ได้คะแนนความเสี่ยง / "
               "a red cell scores a risk point; Risk Score = liquidity + status + survival (0 best, 7 worst).",
               "แถวภาพรวมจังหวัด: เงินเป็นยอดรวมของโรงพยาบาล อัตราส่วนและคะแนนคำนวณจากยอดรวม / the province row sums "
               "the money and scores the summed items."])


def risk_by_quarter(ctx: Context, h: Hospitals) -> pd.DataFrame:
    """Per hospital and for the province: code, name, beds and ``q1``..``q4``, the Risk Score at the last month of
    each quarter that has finance data up to the report's month (the report's month itself in its own quarter;
    NaN for a quarter not reached or without data)."""
    rows, t = finance_rows(ctx), h.thresholds
    position = {m: i for i, m in enumerate(FISCAL_MONTH_ORDER)}
    out = with_province(h)[[*HEAD, "beds"]].copy()
    for q in QUARTERS:
        months = [m for m in FISCAL_MONTH_ORDER[3 * (q - 1):3 * q]
                  if position[m] <= position[h.month] and m in set(rows["month"])]
        scores = pd.Series(np.nan, index=out.index)
        if months:
            month = months[-1]
            these = fh.risk_score(fh.ratios(fh.rows_of_month(rows, month), ctx.fiscal_year), t)
            scores = out["unit_code"].map(dict(zip(these["unit_code"], these["risk_score"], strict=True)))
            total = fh.risk_score(fh.ratios(fh.totals(fh.rows_of_month(rows, month)), ctx.fiscal_year), t)
            scores[out["level"] == "total"] = total["risk_score"].iloc[0]
        out[f"q{q}"] = pd.to_numeric(scores, errors="coerce").astype("float64")
    return out


def hospital_risk_quarters(ctx: Context, h: Hospitals) -> ReportTable:
    """4.2 the Risk Score by quarter through the fiscal year (seed 003's "สถานะทางการเงิน (Risk Scoring)"):
    :func:`risk_by_quarter`."""
    return ctx.table(
        "hospital_risk_quarters", f"4.2 สถานะทางการเงิน (Risk Scoring) รายไตรมาส ปีงบประมาณ {ctx.fiscal_year} / "
                                  "Risk Score by quarter",
        risk_by_quarter(ctx, h),
        [CODE, HOSPITAL, Col("beds", "int", sheet="units"),
         *(Col(f"q{q}", "int", label=quarter_column(q)) for q in QUARTERS)],
        level="level", period=h.when,
        notes=["คะแนน ณ เดือนสุดท้ายของไตรมาสที่มีข้อมูล (ไตรมาสปัจจุบัน: เดือนล่าสุดของรายงาน) · '-' = ยังไม่ถึงหรือไม่มีข้อมูล / "
               "the score at each quarter's last month with data (the current quarter: the report's month)."])


def hospital_seven_plus(ctx: Context, h: Hospitals) -> ReportTable:
    """4.3 7 Plus efficiency per hospital: the seven indicators (margins in per cent, periods in days, rounded
    half up as compared), each's pass flag, the peer medians and payment limit, passed (0–7) and the grade."""
    seven, t = h.frame.copy(), h.thresholds
    for key in fh.INDICATORS:
        seven[key] = fh.round_half_up(seven[key].astype("float64"), t.decimals)
    return ctx.table(
        "hospital_seven_plus", "4.3 ผลการประเมินประสิทธิภาพทางการเงิน (7 Plus Efficiency) / 7 Plus",
        seven[[*HEAD, "service_level", *fh.INDICATORS, "om_median", "roa_median", "payment_limit", *fh.PASSES,
               "passed", "grade"]],
        [CODE, HOSPITAL, PEER, *(Col(k, "ratio", flag) for k, flag in zip(fh.INDICATORS, fh.PASSES, strict=True)),
         Col("passed", "int"), Col("grade", "code")],
        level="level", period=h.when,
        notes=["ช่องสีเขียว = ผ่าน, สีแดง = ไม่ผ่าน / green passes, red fails. Operating Margin = EBITDA ÷ รายได้รวม × 100 "
               "และ ROA = รายได้สูง(ต่ำ)กว่าค่าใช้จ่าย ÷ สินทรัพย์รวม × 100 (สะสมตั้งแต่ ต.ค.) / operating margin = EBITDA ÷ "
               "total revenue × 100, ROA = net income ÷ total assets × 100, year to date. ทั้งสองผ่านเมื่อไม่ต่ำกว่า"
               "ค่ามัธยฐานของกลุ่มระดับบริการเดียวกันในจังหวัด (ไม่มีค่ามัธยฐานระดับประเทศในระบบ) · ระยะเวลาชำระหนี้ "
               f"≤ {t.payment_days:g} วัน (≤ {t.payment_days_low_cash:g} วันเมื่อ Cash < {t.cash_ratio:g}) · "
               f"เก็บหนี้ UC, ข้าราชการ, ประกันสังคม ≤ {t.uc_collection_days:g} วัน · สินค้าคงคลัง ≤ "
               f"{t.inventory_days:g} วัน · เกรดตามจำนวนข้อที่ผ่าน: A 7, A- 6, B 5, B- 4, C 3, C- 2, D 1, F 0."])


def hospital_matrix(ctx: Context, h: Hospitals) -> ReportTable:
    """4.4 the Risk × 7 Plus matrix (:func:`finance.health.risk_matrix`): one row per grade, A first; columns
    risk_0..risk_7 list the hospitals' names with that grade and score; hospitals counts them."""
    matrix = fh.risk_matrix(h.frame, thresholds=h.thresholds)
    grid = matrix.reset_index().rename(columns={s: f"risk_{s}" for s in matrix.columns})
    grid["hospitals"] = [sum(bool(c) for c in r) for r in matrix.itertuples(index=False)]
    grid["level"] = "unit"
    return ctx.table(
        "hospital_matrix", "4.4 Matrix Grading: Risk Scoring × 7 Plus Efficiency / Risk × 7 Plus matrix",
        grid, [Col("grade", "code"), *(Col(f"risk_{s}", label=risk_column(s)) for s in matrix.columns),
               Col("hospitals", "int")],
        period=h.when,
        notes=["แถว = เกรด 7 Plus (A ดีที่สุด), คอลัมน์ = Risk Score (0 ดีที่สุด) / rows: 7 Plus grade; columns: Risk Score."])


def hospital_planfin_complete(ctx: Context, h: Hospitals) -> ReportTable:
    """4.5 Planfin complete (seed 003's "ความครบถ้วน ถูกต้อง สมบูรณ์ ของแผนทางการเงิน (Planfin)"): per hospital the
    sheets complete (of 7) and the verdict; the province row counts the complete hospitals and their share
    (a fraction)."""
    plan, t = h.frame.copy(), h.thresholds
    plan["planfin_complete_verdict"] = passed(plan["planfin_complete"])
    judged = plan["planfin_complete"].dropna()
    complete = int(judged.astype(bool).sum())
    total = {"level": "total", "cost_center": "", "unit_code": "", "name": h.total["name"].iloc[0],
             "month": h.month, "hospitals_complete": complete,
             "complete_share": complete / len(judged) if len(judged) else np.nan}
    frame = pd.concat([plan, pd.DataFrame([total])], ignore_index=True)
    return ctx.table(
        "hospital_planfin_complete", "4.5 ความครบถ้วนของแผนทางการเงิน (Planfin) / Planfin complete",
        frame[[*HEAD, "planfin_sheets", "planfin_complete", "planfin_complete_verdict", "hospitals_complete",
               "complete_share"]],
        [CODE, HOSPITAL, Col("planfin_sheets", "int", sheet="hospital_finance"),
         Col("planfin_complete_verdict", "verdict"), Col("hospitals_complete", "int"), Col("complete_share", "pct")],
        level="level", period=h.when,
        blank={"planfin_sheets": {"total"}, "planfin_complete_verdict": {"total"}, "hospitals_complete": {"unit"},
               "complete_share": {"unit"}},
        notes=[f"ครบถ้วนเมื่อกรอกแผนครบ {t.planfin_sheets} แผน / complete when all {t.planfin_sheets} Planfin sheets "
               "are."])


def hospital_planfin(ctx: Context, h: Hospitals) -> ReportTable:
    """4.6 Planfin per hospital and the province: revenue and expense plans to date (annual × quarter ÷ 4),
    actuals (baht), variances (per cent) with their pass flags, revenue ÷ expense each against its plan (เท่า,
    :func:`finance.health.planfin_variance`), and the verdicts both within the tolerance and revenue ≥ expense
    against plan."""
    plan = with_province(h)
    for side in ("revenue", "expense", "planfin", "revenue_to_expense"):
        plan[f"{side}_verdict"] = passed(plan[f"{side}_pass"])
    return ctx.table(
        "hospital_planfin", "4.6 แผนทางการเงิน (Planfin) เปรียบเทียบผลการดำเนินงาน / Planfin plan against actual",
        plan[[*HEAD, "quarter", "planfin_revenue", "revenue_plan_to_date", "revenue", "revenue_variance",
              "revenue_variance_pct", "revenue_pass", "planfin_expense", "expense_plan_to_date", "expense",
              "expense_variance", "expense_variance_pct", "expense_pass", "planfin_pass", "revenue_to_expense",
              "revenue_to_expense_pass", "revenue_verdict", "expense_verdict", "planfin_verdict",
              "revenue_to_expense_verdict"]],
        [HOSPITAL, Col("revenue_plan_to_date", "money"), Col("revenue", "money", sheet="hospital_finance"),
         Col("revenue_variance_pct", "percent", "revenue_pass"), Col("expense_plan_to_date", "money"),
         Col("expense", "money", sheet="hospital_finance"), Col("expense_variance_pct", "percent", "expense_pass"),
         Col("planfin_verdict", "verdict", label=within(h.thresholds.planfin_tolerance_pct)),
         Col("revenue_to_expense", "ratio", "revenue_to_expense_pass"), Col("revenue_to_expense_verdict", "verdict")],
        level="level", period=h.when,
        notes=["แผนถึงไตรมาส = แผนทั้งปี × ไตรมาส ÷ 4; ผลต่าง % = (ผล − แผน) ÷ แผน × 100 / plan to date = annual plan × "
               "quarter ÷ 4; variance % = (actual − plan) ÷ plan × 100. แถวภาพรวมจังหวัดคำนวณจากยอดรวม.",
               "รายได้ ≥ ค่าใช้จ่าย เมื่อเทียบกับแผน: (รายได้ ÷ แผนรายได้) ÷ (ค่าใช้จ่าย ÷ แผนค่าใช้จ่าย) ≥ 1.00 เท่า "
               "(ตัวชี้วัด K28) / revenue ≥ expense against plan: (revenue ÷ its plan) ÷ (expense ÷ its plan) ≥ 1.00."])


def hospital_ip(ctx: Context, h: Hospitals) -> ReportTable:
    """4.7 IP revenue per hospital and the province: the annual estimate and what was received (baht), the
    share received and the elapsed share of the year (per cent), and the verdict (share ≥ elapsed)."""
    ip = with_province(h)
    ip["ip_verdict"] = passed(ip["ip_pass"])
    months = fh.month_position(pd.Series([h.month])).iloc[0]
    return ctx.table(
        "hospital_ip", "4.7 รายรับงบ IP ตามผลงานการให้บริการ / IP revenue against the elapsed share of the year",
        ip[[*HEAD, "ip_revenue_plan", "ip_revenue_received", "ip_share_pct", "ip_expected_pct", "ip_pass",
            "ip_verdict"]],
        [HOSPITAL, Col("ip_revenue_plan", "money", sheet="hospital_finance"),
         Col("ip_revenue_received", "money", sheet="hospital_finance"), Col("ip_share_pct", "percent", "ip_pass"),
         Col("ip_expected_pct", "percent"), Col("ip_verdict", "verdict", figure="verdict")],
        level="level", period=h.when,
        notes=[f"ผ่านเมื่อร้อยละที่ได้รับไม่ต่ำกว่าร้อยละตามเดือนที่ผ่านไป ({months} "
               "เดือน ÷ 12) / passes when the share received is at least the elapsed share of the year."])


def hospital_unit_cost(ctx: Context, h: Hospitals) -> ReportTable:
    """4.8 unit cost per hospital from its latest month with unit-cost inputs (seed 003's "ต้นทุนบริการ Unit Cost
    แบบ Quick Method"): OPD cost (baht) and visits, cost per visit, IPD cost (baht) and sum of AdjRW, cost per
    AdjRW, each against the peer group's Mean + 1 SD (baht), and their verdicts (NA without unit-cost data)."""
    cost = h.frame.copy()
    cost["opd_verdict"], cost["ipd_verdict"] = passed(cost["opd_pass"]), passed(cost["ipd_pass"])
    cost["unit_cost_label"] = ["-" if pd.isna(m) else THAI_MONTHS[int(m)] for m in cost["unit_cost_month"]]
    return ctx.table(
        "hospital_unit_cost", "4.8 ต้นทุนบริการต่อหน่วย (Unit Cost แบบ Quick Method) / Unit cost",
        cost[[*HEAD, "service_level", "unit_cost_month", "unit_cost_label", "opd_cost", "opd_visits",
              "opd_cost_per_visit", "opd_limit", "opd_pass", "ipd_cost", "adjrw", "ipd_cost_per_adjrw", "ipd_limit",
              "ipd_pass", "unit_cost_pass", "opd_verdict", "ipd_verdict"]],
        [CODE, HOSPITAL, PEER, Col("unit_cost_label", figure="unit_cost_month"),
         Col("opd_cost", "money", sheet="hospital_finance"), Col("opd_visits", "int", sheet="hospital_finance"),
         Col("opd_cost_per_visit", "money"), Col("opd_limit", "money"), Col("opd_verdict", "verdict"),
         Col("ipd_cost", "money", sheet="hospital_finance"), Col("adjrw", "number", sheet="hospital_finance"),
         Col("ipd_cost_per_adjrw", "money"), Col("ipd_limit", "money"), Col("ipd_verdict", "verdict")],
        level="level", period=h.when,
        notes=["ผ่านเมื่อต้นทุนไม่เกิน Mean + 1 SD ของโรงพยาบาลระดับบริการเดียวกันในจังหวัด (SD ตัวอย่าง) · "
               "โรงพยาบาลที่ไม่มีโรงพยาบาลอื่นในระดับเดียวกันไม่มีเกณฑ์เทียบ (NA) · ข้อมูลเดือน = เดือนล่าสุดที่มีข้อมูลต้นทุน / "
               "passes at or below the peer group's Mean + 1 SD; NA = no unit-cost data yet, or no peer to compare "
               "with."])


def hospital_cost_ratio(ctx: Context, h: Hospitals) -> ReportTable:
    """4.9 cost ÷ medical revenue per hospital (seed 003's "สัดส่วนของต้นทุนบริการ (เฉพาะรายการใช้ไป) ต่อ รายได้ค่า
    รักษาพยาบาล", :func:`finance.health.cost_to_revenue`): (1) medical revenue and (2) drugs and supplies used
    (baht, year to date), (2) ÷ (1) against the peer group's Mean + 1 SD, and the verdict."""
    cost = h.frame.copy()
    cost["cost_ratio_verdict"] = passed(cost["cost_ratio_pass"])
    return ctx.table(
        "hospital_cost_ratio", "4.9 สัดส่วนต้นทุนบริการ (เฉพาะรายการใช้ไป) ต่อรายได้ค่ารักษาพยาบาล / Cost ÷ medical revenue",
        cost[[*HEAD, "service_level", "medical_revenue", "drug_cost", "cost_ratio", "cost_ratio_limit",
              "cost_ratio_pass", "cost_ratio_verdict"]],
        [CODE, HOSPITAL, PEER, Col("medical_revenue", "money", sheet="hospital_finance"),
         Col("drug_cost", "money", sheet="hospital_finance"), Col("cost_ratio", "ratio", "cost_ratio_pass"),
         Col("cost_ratio_limit", "ratio"), Col("cost_ratio_verdict", "verdict", figure="verdict")],
        level="level", period=h.when,
        notes=["สัดส่วน = ต้นทุนยาและเวชภัณฑ์ที่ใช้ไป ÷ รายได้ค่ารักษาพยาบาล (สะสม) ผ่านเมื่อไม่เกิน Mean + 1 SD ของกลุ่มระดับ"
               "บริการเดียวกันในจังหวัด / ratio = drugs and supplies used ÷ medical revenue (year to date); passes at or "
               "below the peer group's Mean + 1 SD."])


def criteria_per_hospital(ctx: Context, h: Hospitals, codes: list[str]) -> pd.DataFrame:
    """Per hospital: one column per criterion KPI (``codes``), 1 passes, 0 fails, NaN not judged (the KPI report's
    verdict of that hospital), passed_criteria, judged_criteria and criteria_share (a fraction); then the
    province row (level ``total``): the hospitals passing each criterion."""
    res = kpi_results(ctx)
    res = res[res["kpi_code"].isin(codes)]
    marks = res.assign(mark=res["verdict"].map({PASS: 1.0, FAIL: 0.0}))
    grid = marks.pivot_table(index="unit_code", columns="kpi_code", values="mark", aggfunc="first")
    out = h.frame[HEAD].copy()
    for code in codes:
        out[code] = out["unit_code"].map(grid[code]) if code in grid.columns else np.nan
    out["passed_criteria"] = out[codes].sum(axis=1, min_count=1)
    out["judged_criteria"] = out[codes].notna().sum(axis=1).astype("float64")
    out["criteria_share"] = out["passed_criteria"] / out["judged_criteria"].where(out["judged_criteria"] > 0)
    total = {"level": "total", "cost_center": "", "unit_code": "", "name": h.total["name"].iloc[0],
             "month": h.month, **{code: out[code].sum(min_count=1) for code in codes}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def hospital_criteria(ctx: Context, h: Hospitals) -> list[ReportTable]:
    """4.10 and 4.11, seed 003's "ผลการประเมินตามประเด็นตรวจราชการการบริหารการเงินการคลัง": the criteria
    (:meth:`reference.reference_set.ReferenceSet.hospital_criteria`) per hospital, 1 / 0
    (:func:`criteria_per_hospital`), and per criterion for the province: hospitals passing and judged, the share,
    its criterion and the verdict (the KPI report's summary rows of the same KPIs)."""
    codes = list(ctx.reference.hospital_criteria()["kpi_code"])
    per_hospital = ctx.table(
        "hospital_criteria", "4.10 ผลการประเมินตามประเด็นตรวจราชการการบริหารการเงินการคลัง รายโรงพยาบาล / "
                             "Financial inspection criteria by hospital",
        criteria_per_hospital(ctx, h, codes),
        [CODE, HOSPITAL, *(Col(code, "number", label=kpi_column(code)) for code in codes),
         Col("passed_criteria", "int"), Col("judged_criteria", "int"), Col("criteria_share", "pct")],
        level="level", period=h.when,
        blank={"passed_criteria": {"total"}, "judged_criteria": {"total"}, "criteria_share": {"total"}},
        notes=["1 = ผ่าน, 0 = ไม่ผ่าน, '-' = ไม่มีผล · แถวภาพรวมจังหวัด = จำนวนโรงพยาบาลที่ผ่าน · ชื่อเกณฑ์ดูตาราง 4.11 / "
               "1 passes, 0 fails, '-' no result; the province row counts the hospitals passing; table 4.11 names "
               "each criterion."])
    summary = summary_frame(ctx, codes)
    province = ctx.table(
        "hospital_criteria_province", "4.11 ผลการประเมินตามประเด็นตรวจราชการการบริหารการเงินการคลัง ภาพรวมจังหวัด / "
                                      "Financial inspection criteria for the province",
        summary, [Col("kpi_code", "code", sheet="kpis"), Col("name", figure="indicator"), Col("passing", "int"),
                  Col("reporting", "int"), Col("province_result_text", figure="province_result"),
                  Col("criterion_text", figure="province_criterion"), Col("verdict", "verdict")],
        period=h.when,
        notes=["ตรงกับสรุปผลตัวชี้วัดในรายงานตัวชี้วัด (ตาราง 1) / the KPI report's summary rows of the same KPIs."])
    return [per_hospital, province]


def hospital_risk_groups(ctx: Context, h: Hospitals) -> ReportTable:
    """4.12 the risk groups (seed 003's "การจัดกลุ่มตามความเสี่ยงด้านการเงินของหน่วยบริการ",
    :func:`finance.health.risk_group`): per group (level ``unit``) its name, hospitals (count) and their names."""
    rows = []
    for group in RiskGroup:
        names = h.frame.loc[h.frame["risk_group"] == group.value, "name"]
        rows.append({"level": "unit", "risk_group": group.value, "group": group.label, "hospitals": len(names),
                     "names": ", ".join(names) or "-"})
    t = h.thresholds
    return ctx.table(
        "hospital_risk_groups", "4.12 การจัดกลุ่มตามความเสี่ยงด้านการเงินของหน่วยบริการ / Hospitals by financial risk",
        pd.DataFrame(rows),
        [Col("group", figure="risk_group"), Col("hospitals", "int"), Col("names", figure="hospital")],
        period=h.when,
        notes=[f"เฝ้าระวังอย่างใกล้ชิด: Risk Score ≥ 1 · มั่นคง: Risk Score 0 และ CR ≥ {t.stable_current_ratio:g} · "
               f"เฝ้าระวัง: ที่เหลือ / close watch: Risk Score 1 or more; stable: score 0 and CR ≥ "
               f"{t.stable_current_ratio:g}; watch: the rest."])


SECTION = (hospital_risk, hospital_risk_quarters, hospital_seven_plus, hospital_matrix, hospital_planfin_complete,
           hospital_planfin, hospital_ip, hospital_unit_cost, hospital_cost_ratio, hospital_criteria,
           hospital_risk_groups)


@report_table
def hospital_health(ctx: Context) -> dict[str, ReportTable]:
    """Seed 003's financial-health tables for the province's hospitals, by key, in :data:`SECTION`'s order:
    hospital_risk, hospital_risk_quarters, hospital_seven_plus, hospital_matrix, hospital_planfin_complete,
    hospital_planfin, hospital_ip, hospital_unit_cost, hospital_cost_ratio, hospital_criteria,
    hospital_criteria_province, hospital_risk_groups. Empty when the province has no hospital finance up to the
    cut-off."""
    h = hospital_inputs(ctx)
    if h is None:
        return {}
    made = []
    for build in SECTION:
        tables = build(ctx, h)
        made += tables if isinstance(tables, list) else [tables]
    return {t.key: t for t in made}

