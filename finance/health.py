"""Hospital financial health: Risk Score, 7 Plus, Planfin, IP revenue and unit cost.

The financial-health section of the inspection report (DOMAIN.md, "Reports", the
"Hospital financial health" bullet; seed 003, Trang province, FY 2562 round 1). Every
function is pure and vectorised: it takes a DataFrame with one row per hospital (and
month), returns a copy with the computed columns added, and never reads the store.
The rows are those of the ``hospital_finance`` template: balance-sheet items at month
end, income items year to date (YTD) from 1 October, the annual Planfin plan, and the
unit-cost inputs.

Every threshold lives in :class:`Thresholds`, one per fiscal year (:data:`THRESHOLDS`,
:func:`thresholds_for`); the defaults are DOMAIN.md's and seed 003's.

Formulas and their sources (seed tables are named by their Thai titles):

**Ratios** (:func:`ratios`) — seed 003, "ผลการประเมินภาวะวิกฤติทางการเงิน (Risk Scoring)
ณ สิ้นไตรมาส 1/2562" and "หลักเกณฑ์การคิดประสิทธิภาพทางการเงิน 7 Plus"; the seed names the
indicators and their criteria, not their formulas, so these are the usual MOPH definitions:

- current ratio CR = current assets ÷ current liabilities; quick ratio QR = (current
  assets − inventories) ÷ current liabilities; cash ratio = cash and equivalents ÷
  current liabilities; net working capital NWC = current assets − current liabilities.
- operating margin = EBITDA ÷ revenue × 100; return on assets ROA = NI ÷ total assets
  × 100 (both YTD, not annualised: they are only compared with peers of the same month).
- periods in days, YTD flows over ``days`` = days from 1 October to the month's end:
  payment period = drug and supply payables × days ÷ drug and supply purchases;
  collection period per scheme (UC, CSMBS, SSS) = receivables × days ÷ that scheme's
  medical revenue; inventory period = inventories × days ÷ drugs and supplies used.

A ratio over a zero denominator is ``inf`` (x ÷ 0) or ``NaN`` (0 ÷ 0); a missing input
gives ``NaN``, and every point or verdict computed from a ``NaN`` is ``<NA>``.

**Risk Score 0–7** (:func:`risk_score`) — DOMAIN.md's rule, which it calls the public
rebuild of the MOPH rule and which matches seed 003's table:

- liquidity 0–3: CR < 1.5, QR < 1.0, cash ratio < 0.8 score a point each, each ratio
  rounded half up to 2 decimals first;
- status 0–2: NWC < 0 and YTD net income NI < 0 score a point each;
- survival 0–2, with m = months elapsed in the fiscal year (the month of the row counts):
  NWC ≥ 0 and NI ≥ 0 → 0; both < 0 → 2; NWC ≥ 0, NI < 0 → s = NWC ÷ (|NI| ÷ m), the
  months the working capital lasts at this rate of loss: s < 3 → 2, 3 ≤ s < 6 → 1,
  else 0; NWC < 0, NI ≥ 0 → r = |NWC| ÷ (NI ÷ m), the months of profit it takes to
  close the gap: r < 3 → 0, 3 ≤ r < 6 → 1, else 2 (NI = 0 gives r = ∞ → 2).

**7 Plus** (:func:`seven_plus`) — seed 003, "หลักเกณฑ์การคิดประสิทธิภาพทางการเงิน 7 Plus":
operating margin and ROA pass at or above the median of the hospital's peer group
(service level A/S/M1/M2/F1/F2/F3, DOMAIN.md "Organisation"); payment period ≤ 90 days
(≤ 180 when the cash ratio < 0.8); collection periods UC, CSMBS, SSS ≤ 60 days;
inventory ≤ 60 days. Indicators are rounded half up to 2 decimals first, as the seed
prints them. Grade by the number passed: A 7, A- 6, B 5, B- 4, C 3, C- 2, D 1, F 0.
MOPH's medians are national; seed 003's pass counts cannot come from the ten Trang
hospitals' own medians, so :func:`seven_plus` takes published medians when given and
otherwise uses the medians of the peers in the frame.

**Risk × 7 Plus matrix** (:func:`risk_matrix`) — seed 003, "Matrix Grading : Risk Scoring
+ 7 Plus Efficiency Score": grade rows A…F against Risk Score columns 0…7.

**Planfin** (:func:`planfin_variance`) — seed 003, "ตารางแสดงประมาณการรายได้/รายจ่าย
เปรียบเทียบรายได้/รายจ่ายจริง" (FY 2561 and ณ สิ้น ธันวาคม 2561) and DOMAIN.md: plan to date
= annual plan × q ÷ 4 for the fiscal quarter q of the row's month (annual ÷ 4 per
quarter); variance = actual YTD − plan to date; variance % = variance ÷ plan to date ×
100, rounded half up to 2 decimals; a side passes within ±5 %, and the hospital passes
when revenue and expense both do (this reproduces the seed's round-1 verdict "มีผลต่าง
ของแผนและผล ทั้งด้านรายได้และการควบคุมค่าใช้จ่าย ไม่เกินร้อยละ 5": only รพ.ย่านตาขาว).
``revenue_to_expense`` (เท่า) = (actual revenue ÷ revenue plan to date) ÷ (actual expense ÷
expense plan to date), rounded half up to 2 decimals; it passes at 1.00 or more: revenue,
measured against its plan, at least expense measured against its plan. This is seed 003's
"มีรายได้ ≥ ค่าใช้จ่าย เมื่อเทียบกับแผนทางการเงิน (Planfin)" in the reference's own terms for it
(K28: "เท่า (รายได้ต่อค่าใช้จ่าย)", ≥ 1) and gives the seed's Q1 column, 9 of 10: only
รพ.ย่านตาขาว fails (0.96: revenue at 98.15 % of plan, expense at 102.13 %), although its
revenue (47,075,276.10) is above its expense (45,075,641.72). Plain "revenue ≥ expense" would
pass all ten, against the seed.
``planfin_complete``: all seven Planfin sheets complete ("ความครบถ้วน … ของแผนทางการเงิน").

**IP revenue** (:func:`ip_revenue_share`) — seed 003, "รายรับงบ IP ตามผลงานการให้บริการ
ปี 2562 (ผลงาน 3 เดือน)": share = IP revenue received YTD ÷ the annual IP estimate after
wage deduction × 100; expected = months elapsed ÷ 12 × 100 (25.00 % at Q1); passes when
share ≥ expected.

**Unit cost** (:func:`unit_cost`) — seed 003, "ต้นทุนบริการ Unit Cost แบบ Quick Method":
OPD cost ÷ OPD visits and IPD cost ÷ sum of AdjRW, rounded to 2 decimals; each passes
at or below Mean + 1 SD of its peer group (sample SD, as Excel's STDEV; a hospital alone
in its group has no limit). MOPH publishes national limits, which :func:`unit_cost` takes
when given.

**Cost ÷ medical revenue** (:func:`cost_to_revenue`) — seed 003, "สัดส่วนของต้นทุนบริการ
(เฉพาะรายการใช้ไป) ต่อ รายได้ค่ารักษาพยาบาล": (2) ÷ (1), rounded to 2 decimals, where (1) is
medical revenue and (2) the cost of the items used up, which the template records as drugs and
supplies used (``drug_cost``); passes at or below the peer group's Mean + 1 SD, as unit cost.

**Risk groups** (:func:`risk_group`) — seed 003, "การจัดกลุ่มตามความเสี่ยงด้านการเงินของหน่วยบริการ"
groups without stating its rule: close watch (เฝ้าระวังอย่างใกล้ชิด) = Risk Score 1 or more (its
four hospitals under a letter of intent, scores 1–2); stable (มั่นคง) = Risk Score 0 and a current
ratio of at least twice the Risk Score's limit (3.0): the seed's two stable hospitals are the only
score-0 ones there (CR 3.17, 3.06; the four it watches have 1.60–2.08); watch (เฝ้าระวัง) = the rest.

**Criteria** (:func:`criteria`) — the hospital-finance KPIs the store computes
(:class:`domain.vocabulary.HospitalCriterion`), each hospital's result in the KPI's own unit and
whether it passes, from the figures above; seed 003's "ผลการประเมินตามประเด็นตรวจราชการการบริหาร
การเงินการคลัง" and its KPI 5 (วิกฤตทางการเงินระดับ 7 = Risk Score 7).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from domain.fiscal import FISCAL_MONTH_ORDER, fiscal_months
from domain.vocabulary import HospitalCriterion, RiskGroup

GRADES = ("F", "D", "C-", "C", "B-", "B", "A-", "A")  # by the number of 7 Plus indicators passed, 0..7
INDICATORS = ("operating_margin", "roa", "payment_period", "uc_collection_period", "csmbs_collection_period",
              "sss_collection_period", "inventory_period")
PASSES = ("om_pass", "roa_pass", "payment_pass", "uc_pass", "csmbs_pass", "sss_pass", "inventory_pass")
MEDIAN_PASSES = PASSES[:2]
ADDITIVE = (  # hospital_finance columns that add up across hospitals (a province's total)
    "current_assets", "current_liabilities", "cash", "inventory", "total_assets", "revenue", "expense", "net_income",
    "ebitda", "medical_revenue", "uc_receivable", "uc_revenue", "csmbs_receivable", "csmbs_revenue",
    "sss_receivable", "sss_revenue", "drug_payables", "drug_purchases", "drug_cost", "planfin_revenue",
    "planfin_expense", "ip_revenue_plan", "ip_revenue_received", "opd_cost", "opd_visits", "ipd_cost", "adjrw",
    "maintenance_fund",
)


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the section. Defaults: DOMAIN.md "Reports" and seed 003 (FY 2562)."""

    decimals: int = 2  # ratios, indicators and percentages are rounded half up to this before comparing
    current_ratio: float = 1.5  # CR below it scores a point
    quick_ratio: float = 1.0  # QR below it scores a point
    cash_ratio: float = 0.8  # cash ratio below it scores a point (and allows the longer payment period)
    survival_months: tuple[float, float] = (3.0, 6.0)  # the survival bands: < 3, 3 to < 6, ≥ 6 months
    payment_days: float = 90.0
    payment_days_low_cash: float = 180.0  # when the cash ratio is below ``cash_ratio``
    uc_collection_days: float = 60.0
    csmbs_collection_days: float = 60.0
    sss_collection_days: float = 60.0
    inventory_days: float = 60.0
    grades: tuple[str, ...] = GRADES  # index = number of 7 Plus indicators passed
    planfin_tolerance_pct: float = 5.0  # |variance %| at most this passes
    planfin_sheets: int = 7  # Planfin sheets a complete plan has
    ip_expected_pct_per_month: float = 100 / 12  # expected IP revenue share per elapsed month
    unit_cost_sd: float = 1.0  # limit = peer mean + this many peer SDs (unit cost, cost ÷ medical revenue)
    unit_cost_ddof: int = 1  # 1: sample SD (Excel STDEV); 0: population SD
    peer: str = "service_level"  # the column that defines peer groups
    crisis_score: int = 7  # the Risk Score of financial crisis level 7 (seed 003's KPI 5)
    seven_plus_passed: int = 5  # 7 Plus indicators a hospital passes the criterion with (grade B, A-, A)
    stable_current_ratio: float = 3.0  # a Risk Score 0 hospital with CR at least this is stable (risk_group)


DEFAULT = Thresholds()
# Per fiscal year (BE); a year not listed uses DEFAULT. Change a year's rule here, e.g.
# THRESHOLDS[2570] = replace(DEFAULT, payment_days=120.0).
THRESHOLDS: dict[int, Thresholds] = {2562: DEFAULT, 2569: DEFAULT}


def thresholds_for(fiscal_year: int, **overrides) -> Thresholds:
    """The thresholds of a fiscal year, with ``overrides`` (field=value) applied."""
    return replace(THRESHOLDS.get(fiscal_year, DEFAULT), **overrides)


# -- helpers ------------------------------------------------------------------------------------------
def round_half_up(values: pd.Series, decimals: int = 2) -> pd.Series:
    """Round half away from zero, as Excel's ROUND (and the MOPH tables) do: 1.005 → 1.01, 1.495 → 1.50.

    ``np.round`` rounds half to even and trips on binary fractions (1.005 is 1.00499…); the scaled
    value is first rounded to 6 decimals to undo that. ``NaN`` and ``inf`` pass through.
    """
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    scale = 10.0 ** decimals
    with np.errstate(invalid="ignore"):
        out = np.sign(x) * np.floor(np.round(np.abs(x) * scale, 6) + 0.5) / scale
    return pd.Series(out, index=values.index, dtype="float64")


def _need(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} needs the column(s) {', '.join(missing)}")


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _flag(condition: pd.Series, *inputs: pd.Series) -> pd.Series:
    """A nullable boolean: ``condition``, or ``<NA>`` where any input is missing."""
    missing = pd.concat(inputs, axis=1).isna().any(axis=1) if inputs else pd.Series(False, index=condition.index)
    return condition.astype("boolean").mask(missing)


def _point(condition: pd.Series, *inputs: pd.Series) -> pd.Series:
    """A point (1/0) as nullable Int64, ``<NA>`` where any input is missing."""
    return _flag(condition, *inputs).astype("Int64")


def month_position(month: pd.Series) -> pd.Series:
    """Months elapsed in the fiscal year through a calendar month (10 → 1, 12 → 3, 9 → 12), Int64."""
    position = {m: i for i, m in enumerate(FISCAL_MONTH_ORDER, start=1)}
    return pd.to_numeric(month, errors="coerce").map(position).astype("Int64")


def days_elapsed(fiscal_year: int, month: pd.Series) -> pd.Series:
    """Days from 1 October through the end of a calendar month of ``fiscal_year`` (12 → 92 days)."""
    total, days = 0, {}
    for year, m in fiscal_months(fiscal_year):
        total += calendar.monthrange(year, m)[1]
        days[m] = total
    return pd.to_numeric(month, errors="coerce").map(days).astype("float64")


def _months(frame: pd.DataFrame) -> pd.Series:
    if "months" in frame.columns:
        return _num(frame, "months")
    _need(frame, ["month"], "months elapsed")
    return month_position(frame["month"]).astype("float64")


# -- ratios -------------------------------------------------------------------------------------------
RATIO_INPUTS = ("month", "current_assets", "current_liabilities", "cash", "inventory", "total_assets", "revenue",
                "net_income", "ebitda", "uc_receivable", "uc_revenue", "csmbs_receivable", "csmbs_revenue",
                "sss_receivable", "sss_revenue", "drug_payables", "drug_purchases", "drug_cost")


def ratios(frame: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """The liquidity ratios, NWC and the seven 7 Plus indicators from ``hospital_finance`` rows (unrounded).

    Adds ``months``, ``days``, ``current_ratio``, ``quick_ratio``, ``cash_ratio``, ``nwc`` and the
    :data:`INDICATORS` (percentages and days).
    """
    _need(frame, RATIO_INPUTS, "ratios")
    out = frame.copy()
    n = {c: _num(frame, c) for c in RATIO_INPUTS if c != "month"}
    days = days_elapsed(fiscal_year, frame["month"])
    liabilities = n["current_liabilities"]
    out["months"] = month_position(frame["month"])
    out["days"] = days
    out["current_ratio"] = n["current_assets"] / liabilities
    out["quick_ratio"] = (n["current_assets"] - n["inventory"]) / liabilities
    out["cash_ratio"] = n["cash"] / liabilities
    out["nwc"] = n["current_assets"] - liabilities
    out["operating_margin"] = n["ebitda"] / n["revenue"] * 100
    out["roa"] = n["net_income"] / n["total_assets"] * 100
    out["payment_period"] = n["drug_payables"] * days / n["drug_purchases"]
    for scheme in ("uc", "csmbs", "sss"):
        out[f"{scheme}_collection_period"] = n[f"{scheme}_receivable"] * days / n[f"{scheme}_revenue"]
    out["inventory_period"] = n["inventory"] * days / n["drug_cost"]
    return out


# -- Risk Score ---------------------------------------------------------------------------------------
def risk_score(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT) -> pd.DataFrame:
    """Risk Score 0–7 with its components (DOMAIN.md's rule; see the module's docstring).

    Needs ``current_ratio``, ``quick_ratio``, ``cash_ratio``, ``nwc``, ``net_income`` and ``month``
    (or ``months``). Adds ``cr_point``, ``qr_point``, ``cash_point``, ``liquidity`` (0–3),
    ``nwc_point``, ``ni_point``, ``status`` (0–2), ``survival_ratio`` (s or r, in months; NaN when
    the signs alone decide), ``survival`` (0–2) and ``risk_score`` (0–7), all Int64.
    """
    t = thresholds
    _need(frame, ["current_ratio", "quick_ratio", "cash_ratio", "nwc", "net_income"], "risk_score")
    out = frame.copy()
    cr, qr, cash = (round_half_up(_num(frame, c), t.decimals) for c in ("current_ratio", "quick_ratio", "cash_ratio"))
    nwc, ni, m = _num(frame, "nwc"), _num(frame, "net_income"), _months(frame)
    out["cr_point"] = _point(cr < t.current_ratio, cr)
    out["qr_point"] = _point(qr < t.quick_ratio, qr)
    out["cash_point"] = _point(cash < t.cash_ratio, cash)
    out["liquidity"] = out["cr_point"] + out["qr_point"] + out["cash_point"]
    out["nwc_point"] = _point(nwc < 0, nwc)
    out["ni_point"] = _point(ni < 0, ni)
    out["status"] = out["nwc_point"] + out["ni_point"]

    low, high = t.survival_months
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = nwc.abs() / (ni.abs() / m)  # s or r: months; inf when NI = 0
    losing = (nwc >= 0) & (ni < 0)
    short = (nwc < 0) & (ni >= 0)
    survival = np.select(
        [(nwc >= 0) & (ni >= 0), (nwc < 0) & (ni < 0),
         losing & (ratio < low), losing & (ratio < high), losing,
         short & (ratio < low), short & (ratio < high), short],
        [0, 2, 2, 1, 0, 0, 1, 2], 0)
    out["survival_ratio"] = ratio.where(losing | short)
    missing = pd.concat([nwc, ni, m], axis=1).isna().any(axis=1)
    out["survival"] = pd.Series(survival, index=frame.index).astype("Int64").mask(missing)
    out["risk_score"] = out["liquidity"] + out["status"] + out["survival"]
    return out


# -- 7 Plus -------------------------------------------------------------------------------------------
def _peer_groups(frame: pd.DataFrame, peer: str) -> list[str]:
    _need(frame, [peer], "peer groups")
    return [peer, "month"] if "month" in frame.columns else [peer]


def seven_plus(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT,
               medians: pd.DataFrame | None = None) -> pd.DataFrame:
    """The seven 7 Plus indicators' verdicts, the number passed and the grade.

    Needs the :data:`INDICATORS`, ``cash_ratio`` and the peer column (``thresholds.peer``).
    ``medians``: published medians, indexed by peer group with columns ``operating_margin`` and
    ``roa``; without it each peer group's median in the frame (per month) is used. Adds
    ``om_median``, ``roa_median``, ``payment_limit``, the :data:`PASSES` (nullable booleans),
    ``passed`` (0–7, a missing indicator does not pass), ``passed_without_median`` (0–5, the
    five indicators with fixed limits) and ``grade``.
    """
    t = thresholds
    _need(frame, [*INDICATORS, "cash_ratio"], "seven_plus")
    out = frame.copy()
    value = {c: round_half_up(_num(frame, c), t.decimals) for c in INDICATORS}
    if medians is None:
        groups = _peer_groups(frame, t.peer)
        keyed = frame[groups].assign(om=value["operating_margin"], roa=value["roa"])
        found = keyed.groupby(groups, dropna=False)[["om", "roa"]].transform("median")
        out["om_median"], out["roa_median"] = found["om"], found["roa"]
    else:
        _need(frame, [t.peer], "seven_plus")
        out["om_median"] = frame[t.peer].map(medians["operating_margin"]).astype("float64")
        out["roa_median"] = frame[t.peer].map(medians["roa"]).astype("float64")
    cash = round_half_up(_num(frame, "cash_ratio"), t.decimals)
    out["payment_limit"] = np.where(cash < t.cash_ratio, t.payment_days_low_cash, t.payment_days)
    out["payment_limit"] = out["payment_limit"].where(cash.notna())
    out["om_pass"] = _flag(value["operating_margin"] >= out["om_median"], value["operating_margin"], out["om_median"])
    out["roa_pass"] = _flag(value["roa"] >= out["roa_median"], value["roa"], out["roa_median"])
    out["payment_pass"] = _flag(value["payment_period"] <= out["payment_limit"], value["payment_period"],
                                out["payment_limit"])
    limits = {"uc": t.uc_collection_days, "csmbs": t.csmbs_collection_days, "sss": t.sss_collection_days}
    for scheme, limit in limits.items():
        days = value[f"{scheme}_collection_period"]
        out[f"{scheme}_pass"] = _flag(days <= limit, days)
    out["inventory_pass"] = _flag(value["inventory_period"] <= t.inventory_days, value["inventory_period"])
    passes = out[list(PASSES)].fillna(False).astype(int)
    out["passed"] = passes.sum(axis=1).astype("Int64")
    out["passed_without_median"] = passes.drop(columns=list(MEDIAN_PASSES)).sum(axis=1).astype("Int64")
    out["grade"] = grade(out["passed"], t)
    return out


def grade(passed: pd.Series, thresholds: Thresholds = DEFAULT) -> pd.Series:
    """The 7 Plus grade of a number of indicators passed (A 7, A- 6, B 5, B- 4, C 3, C- 2, D 1, F 0)."""
    grades = thresholds.grades
    return pd.Series([grades[int(p)] if pd.notna(p) else pd.NA for p in passed], index=passed.index, dtype=object)


def risk_matrix(frame: pd.DataFrame, label: str = "name", thresholds: Thresholds = DEFAULT) -> pd.DataFrame:
    """Seed 003's Risk × 7 Plus matrix: grade rows (A first) × Risk Score columns 0–7.

    Each cell lists the ``label`` of the hospitals in it, comma-separated in the frame's order
    ("" when none). Needs ``risk_score``, ``grade`` and ``label``.
    """
    _need(frame, ["risk_score", "grade", label], "risk_matrix")
    grades = list(reversed(thresholds.grades))
    scores = list(range(8))
    cells = {(g, s): [] for g in grades for s in scores}
    for name, g, s in zip(frame[label], frame["grade"], frame["risk_score"], strict=True):
        if pd.notna(g) and pd.notna(s) and (g, int(s)) in cells:
            cells[(g, int(s))].append(str(name))
    matrix = pd.DataFrame({s: [", ".join(cells[(g, s)]) for g in grades] for s in scores}, index=grades)
    matrix.index.name, matrix.columns.name = "grade", "risk_score"
    return matrix


# -- Planfin ------------------------------------------------------------------------------------------
def fiscal_quarter_of(month: pd.Series) -> pd.Series:
    """The fiscal quarter of a calendar month (Oct–Dec 1 … Jul–Sep 4), Int64."""
    return ((month_position(month) - 1) // 3 + 1).astype("Int64")


def planfin_variance(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT) -> pd.DataFrame:
    """Actual revenue and expense YTD against the quarter-prorated Planfin plan.

    Needs ``month``, ``planfin_revenue``, ``planfin_expense``, ``revenue`` and ``expense``
    (``planfin_sheets`` optional). Adds ``quarter``; per side (``revenue``/``expense``)
    ``<side>_plan_to_date`` (annual × quarter ÷ 4, unrounded), ``<side>_variance``,
    ``<side>_variance_pct`` (rounded) and ``<side>_pass``; then ``planfin_pass`` (both sides
    pass), ``revenue_to_expense`` (เท่า, rounded) and ``revenue_to_expense_pass`` (see the
    module's docstring) and, with ``planfin_sheets``, ``planfin_complete``.
    """
    t = thresholds
    _need(frame, ["month", "planfin_revenue", "planfin_expense", "revenue", "expense"], "planfin_variance")
    out = frame.copy()
    quarter = fiscal_quarter_of(frame["month"])
    share = quarter.astype("float64") / 4
    out["quarter"] = quarter
    for side in ("revenue", "expense"):
        plan, actual = _num(frame, f"planfin_{side}") * share, _num(frame, side)
        out[f"{side}_plan_to_date"] = plan
        out[f"{side}_variance"] = actual - plan
        pct = round_half_up((actual - plan) / plan * 100, t.decimals)
        out[f"{side}_variance_pct"] = pct
        out[f"{side}_pass"] = _flag(pct.abs() <= t.planfin_tolerance_pct, pct)
    out["planfin_pass"] = out["revenue_pass"] & out["expense_pass"]
    with np.errstate(divide="ignore", invalid="ignore"):
        against = (_num(frame, "revenue") / out["revenue_plan_to_date"]) / (
            _num(frame, "expense") / out["expense_plan_to_date"])
    against = round_half_up(against.where(np.isfinite(against)), t.decimals)  # no plan (or no expense): no figure
    out["revenue_to_expense"] = against
    out["revenue_to_expense_pass"] = _flag(against >= 1, against)
    if "planfin_sheets" in frame.columns:
        sheets = _num(frame, "planfin_sheets")
        out["planfin_complete"] = _flag(sheets >= t.planfin_sheets, sheets)
    return out


# -- IP revenue ---------------------------------------------------------------------------------------
def ip_revenue_share(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT) -> pd.DataFrame:
    """IP revenue received YTD as a share of the annual estimate, against the elapsed share of the year.

    Needs ``ip_revenue_plan``, ``ip_revenue_received`` and ``month`` (or ``months``). Adds
    ``ip_share_pct`` and ``ip_expected_pct`` (both rounded) and ``ip_pass`` (share ≥ expected).
    """
    t = thresholds
    _need(frame, ["ip_revenue_plan", "ip_revenue_received"], "ip_revenue_share")
    out = frame.copy()
    share = round_half_up(_num(frame, "ip_revenue_received") / _num(frame, "ip_revenue_plan") * 100, t.decimals)
    expected = round_half_up(_months(frame) * t.ip_expected_pct_per_month, t.decimals)
    out["ip_share_pct"], out["ip_expected_pct"] = share, expected
    out["ip_pass"] = _flag(share >= expected, share, expected)
    return out


# -- unit cost ----------------------------------------------------------------------------------------
def peer_limit(frame: pd.DataFrame, values: pd.Series, thresholds: Thresholds = DEFAULT) -> pd.Series:
    """Mean + ``unit_cost_sd`` SD of ``values`` over each row's peer group (per month when the frame has
    one), rounded; NaN for a hospital alone in its group: judged against itself it would always pass."""
    t = thresholds
    groups = _peer_groups(frame, t.peer)
    keyed = frame[groups].assign(value=values.replace([np.inf, -np.inf], np.nan))
    grouped = keyed.groupby(groups, dropna=False)["value"]
    sd = grouped.transform("std", ddof=t.unit_cost_ddof).where(grouped.transform("count") > 1)
    return round_half_up(grouped.transform("mean") + t.unit_cost_sd * sd, t.decimals)


def _limit(frame: pd.DataFrame, values: pd.Series, limits: pd.DataFrame | None, column: str,
           thresholds: Thresholds) -> pd.Series:
    """The published ``column`` of ``limits`` (indexed by ``unit_code`` or by peer group, as its index's name
    says) for each row, else :func:`peer_limit` of ``values``."""
    if limits is None:
        return peer_limit(frame, values, thresholds)
    key = limits.index.name or "unit_code"
    _need(frame, [key], "published limits")
    return frame[key].map(limits[column]).astype("float64")


def unit_cost(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT,
              limits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost per OPD visit and per AdjRW against Mean + 1 SD of the peer group.

    Needs ``opd_cost``, ``opd_visits``, ``ipd_cost``, ``adjrw`` and, without ``limits``, the peer
    column. ``limits``: published limits with columns ``opd_limit`` and ``ipd_limit``, indexed by
    ``unit_code`` or by peer group (the index's name says which). Adds ``opd_cost_per_visit``,
    ``opd_limit``, ``opd_pass``, ``ipd_cost_per_adjrw``, ``ipd_limit``, ``ipd_pass`` and
    ``unit_cost_pass`` (both pass). A hospital alone in its peer group has no limit and no verdict (NA):
    judged against its own cost it would always pass.
    """
    t = thresholds
    _need(frame, ["opd_cost", "opd_visits", "ipd_cost", "adjrw"], "unit_cost")
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        opd = round_half_up(_num(frame, "opd_cost") / _num(frame, "opd_visits"), t.decimals)
        ipd = round_half_up(_num(frame, "ipd_cost") / _num(frame, "adjrw"), t.decimals)
    out["opd_cost_per_visit"], out["ipd_cost_per_adjrw"] = opd, ipd
    out["opd_limit"] = _limit(frame, opd, limits, "opd_limit", t)
    out["ipd_limit"] = _limit(frame, ipd, limits, "ipd_limit", t)
    out["opd_pass"] = _flag(opd <= out["opd_limit"], opd, out["opd_limit"])
    out["ipd_pass"] = _flag(ipd <= out["ipd_limit"], ipd, out["ipd_limit"])
    out["unit_cost_pass"] = out["opd_pass"] & out["ipd_pass"]
    return out


def cost_to_revenue(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT,
                    limits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Seed 003's cost of the items used up ÷ medical revenue against the peer group's Mean + 1 SD.

    Needs ``drug_cost`` and ``medical_revenue`` (both YTD) and, without ``limits``, the peer column;
    ``limits`` as :func:`unit_cost`'s, with a column ``cost_ratio_limit``. Adds ``cost_ratio`` (rounded),
    ``cost_ratio_limit`` and ``cost_ratio_pass`` (NA without medical revenue or without a peer).
    """
    t = thresholds
    _need(frame, ["drug_cost", "medical_revenue"], "cost_to_revenue")
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = _num(frame, "drug_cost") / _num(frame, "medical_revenue")
    share = round_half_up(share.where(np.isfinite(share)), t.decimals)
    out["cost_ratio"] = share
    out["cost_ratio_limit"] = _limit(frame, share, limits, "cost_ratio_limit", t)
    out["cost_ratio_pass"] = _flag(share <= out["cost_ratio_limit"], share, out["cost_ratio_limit"])
    return out


# -- risk groups and the criteria ---------------------------------------------------------------------
def risk_group(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT) -> pd.Series:
    """Each hospital's :class:`domain.vocabulary.RiskGroup` value (rule: the module's docstring), or NA
    without a Risk Score. Needs ``risk_score`` and ``current_ratio``."""
    t = thresholds
    _need(frame, ["risk_score", "current_ratio"], "risk_group")
    score = _num(frame, "risk_score")
    cr = round_half_up(_num(frame, "current_ratio"), t.decimals)
    group = np.select([score >= 1, cr >= t.stable_current_ratio], [RiskGroup.CLOSE_WATCH.value, RiskGroup.STABLE.value],
                      RiskGroup.WATCH.value)
    return pd.Series(group, index=frame.index, dtype=object).where(score.notna(), pd.NA)


def criteria(frame: pd.DataFrame, thresholds: Thresholds = DEFAULT) -> pd.DataFrame:
    """Each hospital's result of every :class:`domain.vocabulary.HospitalCriterion`, one row per hospital and
    criterion: ``unit_code``, ``criterion`` (the term's value), ``numerator``, ``denominator``, ``result`` (in
    the KPI's own unit) and ``passes`` (nullable boolean; NA where a figure is missing).

    Needs the columns :func:`hospital_health` adds. The results, and why each passes:

    - crisis: A = 1 when the Risk Score is ``crisis_score`` (7), B = 1, result = A ÷ B × 100 (per cent of
      hospitals in crisis, seed 003's KPI 5); passes when not in crisis;
    - planfin_complete: A = Planfin sheets complete, B = ``planfin_sheets`` (7), result = A ÷ B × 100;
      passes when all are (``planfin_complete``);
    - revenue_to_expense: A = revenue ÷ revenue plan to date, B = expense ÷ expense plan to date, result =
      ``revenue_to_expense`` (เท่า); passes with ``revenue_to_expense_pass``;
    - planfin_variance: result = the larger of |revenue variance %| and |expense variance %|; passes with
      ``planfin_pass`` (both within the tolerance);
    - seven_plus: A = indicators passed, B = 7, result = A; passes at ``seven_plus_passed`` (grade B or better);
    - cost_ratio: result = 1 when cost ÷ medical revenue is within the peer limit, else 0 (``cost_ratio_pass``).
      Seed 003's criterion 3.3 ("มีสัดส่วนของต้นทุน OPD และต้นทุน IPD ไม่เกินค่ากลางของหน่วยบริการในกลุ่มระดับ
      เดียวกัน") is this ratio's verdict: its column (7 of 10) is the cost-ratio table's, where รพ.ปะเหลียน,
      นาโยง and รัษฎา fail, while its unit-cost table passes all ten.
    """
    t = thresholds
    crisis = _num(frame, "risk_score") == t.crisis_score
    score_known = frame["risk_score"].notna()
    sheets = _num(frame, "planfin_sheets")
    passed = _num(frame, "passed")
    cost_pass = frame["cost_ratio_pass"].astype("boolean")
    one = pd.Series(1.0, index=frame.index)
    found = {
        HospitalCriterion.CRISIS: (crisis.astype(float).where(score_known), one.where(score_known),
                                   (crisis * 100.0).where(score_known), _flag(~crisis, frame["risk_score"])),
        HospitalCriterion.PLANFIN_COMPLETE: (sheets, one * t.planfin_sheets, sheets / t.planfin_sheets * 100,
                                             frame["planfin_complete"].astype("boolean")),
        HospitalCriterion.REVENUE_TO_EXPENSE: (
            _num(frame, "revenue") / frame["revenue_plan_to_date"],
            _num(frame, "expense") / frame["expense_plan_to_date"],
            frame["revenue_to_expense"], frame["revenue_to_expense_pass"].astype("boolean")),
        HospitalCriterion.PLANFIN_VARIANCE: (
            one * np.nan, one * np.nan,
            pd.concat([frame["revenue_variance_pct"].abs(), frame["expense_variance_pct"].abs()], axis=1).max(
                axis=1, skipna=False), frame["planfin_pass"].astype("boolean")),
        HospitalCriterion.SEVEN_PLUS: (passed, one * len(INDICATORS), passed,
                                       _flag(passed >= t.seven_plus_passed, passed)),
        HospitalCriterion.COST_RATIO: (one * np.nan, one * np.nan, cost_pass.astype("Float64").astype("float64"),
                                      cost_pass),
    }
    parts = [pd.DataFrame({"unit_code": frame["unit_code"], "criterion": c.value, "numerator": a, "denominator": b,
                           "result": r.astype("float64"), "passes": ok.astype("boolean")})
             for c, (a, b, r, ok) in found.items()]
    return pd.concat(parts, ignore_index=True)


# -- a province, and the whole section ---------------------------------------------------------------
def totals(frame: pd.DataFrame, label: str = "ภาพรวมจังหวัด") -> pd.DataFrame:
    """One row summing every additive ``hospital_finance`` column of the frame (a province's total).

    The frame must hold one month; the row keeps it, ``name`` is ``label`` and ``unit_code`` is blank.
    Figures of the total row are computed from the summed items, as seed 003's "รวม" and "ภาพรวมจังหวัด"
    rows of the Planfin and IP tables are (4.99 %, 25.64 %, 31.29 %).
    """
    row: dict = {"unit_code": "", "name": label}
    if "month" in frame.columns:
        months = frame["month"].dropna().unique()
        if len(months) > 1:
            raise ValueError(f"totals of several months ({sorted(months)}); pick one month first")
        row["month"] = months[0] if len(months) else pd.NA
    for column in (c for c in ADDITIVE if c in frame.columns):
        row[column] = _num(frame, column).sum(min_count=1)
    return pd.DataFrame([row])


def rows_of_month(rows: pd.DataFrame, month: int | None = None) -> pd.DataFrame:
    """Each hospital's row of ``month`` (calendar), or of its latest month when ``month`` is None."""
    _need(rows, ["unit_code", "month"], "rows_of_month")
    if month is not None:
        return rows[pd.to_numeric(rows["month"], errors="coerce") == month].reset_index(drop=True)
    order = rows.assign(_pos=month_position(rows["month"])).sort_values(["unit_code", "_pos"])
    return order.groupby("unit_code").tail(1).drop(columns="_pos").reset_index(drop=True)


UNIT_COST_INPUTS = ("opd_cost", "opd_visits", "ipd_cost", "adjrw")


def latest_unit_cost_inputs(rows: pd.DataFrame, month: int) -> pd.DataFrame:
    """Per hospital, the unit-cost inputs of the latest month up to ``month`` that has them all.

    Unit cost arrives per quarter (seed 003 uses the Quick Method figures of the last quarter);
    columns: ``unit_code``, ``unit_cost_month`` and :data:`UNIT_COST_INPUTS`.
    """
    pos = month_position(pd.Series([month])).iloc[0]
    have = rows[[*UNIT_COST_INPUTS]].notna().all(axis=1) & (month_position(rows["month"]) <= pos)
    found = rows[have].assign(_pos=month_position(rows.loc[have, "month"])).sort_values(["unit_code", "_pos"])
    found = found.groupby("unit_code").tail(1)
    return found[["unit_code", "month", *UNIT_COST_INPUTS]].rename(columns={"month": "unit_cost_month"})


def hospital_health(rows: pd.DataFrame, units: pd.DataFrame, *, fiscal_year: int, month: int | None = None,
                    thresholds: Thresholds | None = None, medians: pd.DataFrame | None = None,
                    limits: pd.DataFrame | None = None) -> pd.DataFrame:
    """The whole section for one month: one row per hospital with every figure and verdict.

    ``rows``: ``hospital_finance`` rows (e.g. ``store.queries.current_rows(engine, "hospital_finance",
    fiscal_year=…)``); ``units``: the reference units (``unit_code``, ``name_th``, ``service_level``,
    ``beds``). ``month``: calendar month; None takes each hospital's latest month. Unit cost comes
    from the latest month up to that one with unit-cost inputs (``unit_cost_month``).
    """
    t = thresholds or thresholds_for(fiscal_year)
    chosen = rows_of_month(rows, month)
    info = units[["unit_code", "name_th", "service_level", "beds"]].rename(columns={"name_th": "name"})
    frame = chosen.drop(columns=[c for c in ("name", "service_level", "beds") if c in chosen.columns])
    frame = frame.merge(info, on="unit_code", how="left")
    costs = latest_unit_cost_inputs(rows, FISCAL_MONTH_ORDER[-1] if month is None else month)
    frame = frame.drop(columns=list(UNIT_COST_INPUTS)).merge(costs, on="unit_code", how="left")
    frame = ratios(frame, fiscal_year)
    frame = risk_score(frame, t)
    frame = seven_plus(frame, t, medians)
    frame = planfin_variance(frame, t)
    frame = ip_revenue_share(frame, t)
    frame = cost_to_revenue(unit_cost(frame, t, limits), t)
    frame["risk_group"] = risk_group(frame, t)
    return frame.reset_index(drop=True)
