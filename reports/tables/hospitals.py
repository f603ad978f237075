"""The hospital financial-health tables of the financial report (DOMAIN.md "Reports", the hospital bullet;
seed 003): Risk Score, 7 Plus, the Risk × 7 Plus matrix, Planfin, IP revenue and unit cost.

Every figure is :func:`finance.health.hospital_health` of the province's current ``hospital_finance`` rows for
:func:`hospital_month`, with the fiscal year's thresholds; 7 Plus medians and unit-cost limits come from the
peers in the province (no national figures are stored). Planfin and IP get seed 003's province row, computed
from the summed items (:func:`finance.health.totals`). Ratios are plain numbers (2 decimals as seed 003 prints
them), ``*_pct`` columns are already per cent (7.35 = 7.35 %), money is baht.

Rows: one per hospital (level ``unit``) by cost centre and unit code, keyed by unit_code, with
cost_center, name and month; Planfin and IP add the province (level ``total``, unit_code ``""``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.fiscal import THAI_MONTHS, be_year
from finance import health as fh
from reports.fmt import FAIL, NA, PASS, Col, ReportTable
from reports.tables.context import Context, report_table
from reports.tables.labels import risk_column, within
from store.queries import due_months, month_end

HEAD = ["level", "cost_center", "unit_code", "name", "month"]
HOSPITAL = Col("name", figure="hospital")
PEER = Col("service_level", "code", sheet="units")
RISK_POINTS = {"cr_ok": "cr_point", "qr_ok": "qr_point", "cash_ok": "cash_point", "nwc_ok": "nwc_point",
               "ni_ok": "ni_point"}  # a cell is green when its figure scores no risk point


@dataclass(frozen=True)
class Hospitals:
    """What every hospital table is made from: the hospitals' figures, the province row, the month, the
    thresholds and the caption's period (ข้อมูล ณ สิ้นเดือน…)."""

    frame: pd.DataFrame
    total: pd.DataFrame
    month: int
    thresholds: fh.Thresholds
    when: str


def verdict_of(flag: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ / NA of a nullable boolean."""
    return pd.Series([NA if pd.isna(f) else (PASS if bool(f) else FAIL) for f in flag], index=flag.index, dtype=object)


def hospital_month(ctx: Context) -> int | None:
    """The latest month that ended by the cut-off and has a hospital_finance row in the province (None: none)."""
    rows = ctx.rows("hospital_finance")
    have = set(pd.to_numeric(rows["month"], errors="coerce").dropna().astype(int)) if len(rows) else set()
    found = [m for m, _ in due_months(ctx.fiscal_year, ctx.cutoff) if m in have]
    return found[-1] if found else None


def hospital_inputs(ctx: Context) -> Hospitals | None:
    """The figures of :func:`hospital_month` (None when the province has no hospital finance by the cut-off)."""
    month = hospital_month(ctx)
    if month is None:
        return None
    t = fh.thresholds_for(ctx.fiscal_year)
    rows = ctx.rows("hospital_finance")
    rows = rows.assign(month=pd.to_numeric(rows["month"]).astype(int))
    frame = fh.hospital_health(rows, ctx.reference["units"], fiscal_year=ctx.fiscal_year, month=month, thresholds=t)
    frame["name"] = frame["name"].fillna(frame["unit_code"])
    frame = frame.sort_values(["cost_center", "unit_code"]).reset_index(drop=True).assign(level="unit")
    total = fh.totals(fh.rows_of_month(rows, month), f"ภาพรวม{ctx.province.title_th}")
    total = fh.ip_revenue_share(fh.planfin_variance(total, t), t).assign(level="total", cost_center="")
    when = f"ข้อมูล ณ สิ้นเดือน{THAI_MONTHS[month]} {be_year(month_end(ctx.fiscal_year, month).year)}"
    return Hospitals(frame, total, month, t, when)


def hospital_risk(ctx: Context, h: Hospitals) -> ReportTable:
    """4.1 Risk Score 0–7 per hospital: CR, QR, Cash ratio, NWC and NI (baht), the liquidity (0–3), status (0–2)
    and survival (0–2) points and the score; ``*_ok`` flag the cells that score no point."""
    risk, t = h.frame.copy(), h.thresholds
    for ok, point in RISK_POINTS.items():
        risk[ok] = risk[point].map(lambda p: pd.NA if pd.isna(p) else p == 0).astype("boolean")
    risk["risk_ok"] = risk["risk_score"].map(lambda r: pd.NA if pd.isna(r) else r <= 1).astype("boolean")
    return ctx.table(
        "hospital_risk", "4.1 ผลการประเมินภาวะวิกฤติทางการเงิน (Risk Scoring) / Risk Score",
        risk[[*HEAD, "service_level", "current_ratio", "quick_ratio", "cash_ratio", "nwc", "net_income",
              "cr_point", "qr_point", "cash_point", "liquidity", "nwc_point", "ni_point", "status",
              "survival_ratio", "survival", "risk_score", *RISK_POINTS, "risk_ok"]],
        [HOSPITAL, PEER, Col("current_ratio", "ratio", "cr_ok"), Col("quick_ratio", "ratio", "qr_ok"),
         Col("cash_ratio", "ratio", "cash_ok"), Col("nwc", "money", "nwc_ok"),
         Col("net_income", "money", "ni_ok", sheet="hospital_finance"), Col("liquidity", "int"),
         Col("status", "int", figure="risk_status"), Col("survival", "int"), Col("risk_score", "int", "risk_ok")],
        level="level", period=h.when,
        notes=[f"คะแนนสภาพคล่อง: CR < {t.current_ratio:g}, QR < {t.quick_ratio:g}, Cash < {t.cash_ratio:g} "
               "ได้ข้อละ 1 คะแนน · สถานะ: NWC < 0 และ NI < 0 ได้ข้อละ 1 คะแนน · ความอยู่รอด 0–2 ตามจำนวนเดือนที่ทุนหมุนเวียน"
               "รองรับการขาดทุน (หรือที่ต้องใช้กำไรปิดทุนหมุนเวียนที่ติดลบ) · ช่องสีแดง = ได้คะแนนความเสี่ยง / "
               "a red cell scores a risk point; Risk Score = liquidity + status + survival (0 best, 7 worst)."])


def hospital_seven_plus(ctx: Context, h: Hospitals) -> ReportTable:
    """4.2 7 Plus efficiency per hospital: the seven indicators (margins in per cent, periods in days, rounded
    half up as compared), each's pass flag, the peer medians and payment limit, passed (0–7) and the grade."""
    seven, t = h.frame.copy(), h.thresholds
    for key in fh.INDICATORS:
        seven[key] = fh.round_half_up(seven[key].astype("float64"), t.decimals)
    return ctx.table(
        "hospital_seven_plus", "4.2 ผลการประเมินประสิทธิภาพทางการเงิน (7 Plus Efficiency) / 7 Plus",
        seven[[*HEAD, "service_level", *fh.INDICATORS, "om_median", "roa_median", "payment_limit", *fh.PASSES,
               "passed", "grade"]],
        [HOSPITAL, PEER, *(Col(k, "ratio", flag) for k, flag in zip(fh.INDICATORS, fh.PASSES, strict=True)),
         Col("passed", "int"), Col("grade", "code")],
        level="level", period=h.when,
        notes=["ช่องสีเขียว = ผ่าน, สีแดง = ไม่ผ่าน / green passes, red fails. Operating Margin และ ROA ผ่านเมื่อไม่ต่ำกว่า"
               "ค่ามัธยฐานของกลุ่มระดับบริการเดียวกันในจังหวัด (ไม่มีค่ามัธยฐานระดับประเทศในระบบ) · ระยะเวลาชำระหนี้ "
               f"≤ {t.payment_days:g} วัน (≤ {t.payment_days_low_cash:g} วันเมื่อ Cash < {t.cash_ratio:g}) · "
               f"เก็บหนี้ UC, ข้าราชการ, ประกันสังคม ≤ {t.uc_collection_days:g} วัน · สินค้าคงคลัง ≤ "
               f"{t.inventory_days:g} วัน · เกรดตามจำนวนข้อที่ผ่าน: A 7, A- 6, B 5, B- 4, C 3, C- 2, D 1, F 0."])


def hospital_matrix(ctx: Context, h: Hospitals) -> ReportTable:
    """4.3 the Risk × 7 Plus matrix (:func:`finance.health.risk_matrix`): one row per grade, A first; columns
    risk_0..risk_7 list the hospitals' names with that grade and score; hospitals counts them."""
    matrix = fh.risk_matrix(h.frame, thresholds=h.thresholds)
    grid = matrix.reset_index().rename(columns={s: f"risk_{s}" for s in matrix.columns})
    grid["hospitals"] = [sum(bool(c) for c in r) for r in matrix.itertuples(index=False)]
    grid["level"] = "unit"
    return ctx.table(
        "hospital_matrix", "4.3 Matrix Grading: Risk Scoring × 7 Plus Efficiency / Risk × 7 Plus matrix",
        grid, [Col("grade", "code"), *(Col(f"risk_{s}", label=risk_column(s)) for s in matrix.columns),
               Col("hospitals", "int")],
        period=h.when,
        notes=["แถว = เกรด 7 Plus (A ดีที่สุด), คอลัมน์ = Risk Score (0 ดีที่สุด) / rows: 7 Plus grade; columns: Risk Score."])


def hospital_planfin(ctx: Context, h: Hospitals) -> ReportTable:
    """4.4 Planfin per hospital and the province: revenue and expense plans to date (annual × quarter ÷ 4),
    actuals (baht), variances (per cent) with their pass flags, and the verdicts both within the tolerance
    and revenue_to_expense against plan."""
    plan = pd.concat([h.frame, h.total], ignore_index=True)
    for side in ("revenue", "expense", "planfin", "revenue_to_expense"):
        plan[f"{side}_verdict"] = verdict_of(plan[f"{side}_pass"])
    return ctx.table(
        "hospital_planfin", "4.4 แผนทางการเงิน (Planfin) เปรียบเทียบผลการดำเนินงาน / Planfin plan against actual",
        plan[[*HEAD, "quarter", "planfin_revenue", "revenue_plan_to_date", "revenue", "revenue_variance",
              "revenue_variance_pct", "revenue_pass", "planfin_expense", "expense_plan_to_date", "expense",
              "expense_variance", "expense_variance_pct", "expense_pass", "planfin_pass", "revenue_to_expense_pass",
              "revenue_verdict", "expense_verdict", "planfin_verdict", "revenue_to_expense_verdict"]],
        [HOSPITAL, Col("revenue_plan_to_date", "money"), Col("revenue", "money", sheet="hospital_finance"),
         Col("revenue_variance_pct", "percent", "revenue_pass"), Col("expense_plan_to_date", "money"),
         Col("expense", "money", sheet="hospital_finance"), Col("expense_variance_pct", "percent", "expense_pass"),
         Col("planfin_verdict", "verdict", label=within(h.thresholds.planfin_tolerance_pct)),
         Col("revenue_to_expense_verdict", "verdict")],
        level="level", period=h.when,
        notes=["แผนถึงไตรมาส = แผนทั้งปี × ไตรมาส ÷ 4; ผลต่าง % = (ผล − แผน) ÷ แผน × 100 / plan to date = annual plan × "
               "quarter ÷ 4; variance % = (actual − plan) ÷ plan × 100. แถวภาพรวมจังหวัดคำนวณจากยอดรวม."])


def hospital_ip(ctx: Context, h: Hospitals) -> ReportTable:
    """4.5 IP revenue per hospital and the province: the annual estimate and what was received (baht), the
    share received and the elapsed share of the year (per cent), and the verdict (share ≥ elapsed)."""
    ip = pd.concat([h.frame, h.total], ignore_index=True)
    ip["ip_verdict"] = verdict_of(ip["ip_pass"])
    months = fh.month_position(pd.Series([h.month])).iloc[0]
    return ctx.table(
        "hospital_ip", "4.5 รายรับงบ IP ตามผลงานการให้บริการ / IP revenue against the elapsed share of the year",
        ip[[*HEAD, "ip_revenue_plan", "ip_revenue_received", "ip_share_pct", "ip_expected_pct", "ip_pass",
            "ip_verdict"]],
        [HOSPITAL, Col("ip_revenue_plan", "money", sheet="hospital_finance"),
         Col("ip_revenue_received", "money", sheet="hospital_finance"), Col("ip_share_pct", "percent", "ip_pass"),
         Col("ip_expected_pct", "percent"), Col("ip_verdict", "verdict", figure="verdict")],
        level="level", period=h.when,
        notes=[f"ผ่านเมื่อร้อยละที่ได้รับไม่ต่ำกว่าร้อยละตามเดือนที่ผ่านไป ({months} "
               "เดือน ÷ 12) / passes when the share received is at least the elapsed share of the year."])


def hospital_unit_cost(ctx: Context, h: Hospitals) -> ReportTable:
    """4.6 unit cost per hospital from its latest month with unit-cost inputs: cost per OPD visit and per AdjRW
    (baht) against the peer group's Mean + 1 SD, and their verdicts (NA without unit-cost data)."""
    cost = h.frame.copy()
    cost["opd_verdict"], cost["ipd_verdict"] = verdict_of(cost["opd_pass"]), verdict_of(cost["ipd_pass"])
    cost["unit_cost_label"] = ["-" if pd.isna(m) else THAI_MONTHS[int(m)] for m in cost["unit_cost_month"]]
    return ctx.table(
        "hospital_unit_cost", "4.6 ต้นทุนบริการต่อหน่วย (Unit Cost แบบ Quick Method) / Unit cost",
        cost[[*HEAD, "service_level", "unit_cost_month", "unit_cost_label", "opd_cost", "opd_visits",
              "opd_cost_per_visit", "opd_limit", "opd_pass", "ipd_cost", "adjrw", "ipd_cost_per_adjrw", "ipd_limit",
              "ipd_pass", "unit_cost_pass", "opd_verdict", "ipd_verdict"]],
        [HOSPITAL, PEER, Col("unit_cost_label", figure="unit_cost_month"), Col("opd_cost_per_visit", "money"),
         Col("opd_limit", "money"), Col("opd_verdict", "verdict"), Col("ipd_cost_per_adjrw", "money"),
         Col("ipd_limit", "money"), Col("ipd_verdict", "verdict")],
        level="level", period=h.when,
        notes=["ผ่านเมื่อต้นทุนไม่เกิน Mean + 1 SD ของโรงพยาบาลระดับบริการเดียวกันในจังหวัด (SD ตัวอย่าง) · "
               "โรงพยาบาลที่ไม่มีโรงพยาบาลอื่นในระดับเดียวกันไม่มีเกณฑ์เทียบ (NA) · ข้อมูลเดือน = เดือนล่าสุดที่มีข้อมูลต้นทุน / "
               "passes at or below the peer group's Mean + 1 SD; NA = no unit-cost data yet, or no peer to compare "
               "with."])


SECTION = (hospital_risk, hospital_seven_plus, hospital_matrix, hospital_planfin, hospital_ip, hospital_unit_cost)


@report_table
def hospital_health(ctx: Context) -> dict[str, ReportTable]:
    """Seed 003's financial-health tables for the province's hospitals, by key: hospital_risk,
    hospital_seven_plus, hospital_matrix, hospital_planfin, hospital_ip, hospital_unit_cost (in that order).
    Empty when the province has no hospital finance up to the cut-off."""
    h = hospital_inputs(ctx)
    if h is None:
        return {}
    return {t.key: t for t in (build(ctx, h) for build in SECTION)}
