"""The hospitals' own workbook of the demo: monthly finance, seed 003's inputs to the financial-health report.

One row per hospital and elapsed month: the balance sheet at month end, income and flows year to date,
the Planfin plan, IP revenue, and at each quarter end the Quick Method's unit-cost figures. Some
hospitals are healthy and some in financial risk, in the mix seed 003 shows; Trang's hospitals are
set to how seed 003 groups them. Figures follow seed 003's Trang hospitals: about 2.2–3.4 million
baht of revenue a bed a year, OPD cost 520–1,000 baht a visit, IPD cost 9,000–17,500 baht an AdjRW.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo.context import HOSPITAL_STREAM, SATANG, Year, stream, to_frame
from demo.themes import HOSPITAL_TYPES
from domain.fiscal import FISCAL_MONTH_ORDER
from reference.reference_set import ReferenceSet
from templates.catalog import HOSPITAL_FINANCE


@dataclass(frozen=True)
class _Health:
    """How a hospital's finances run, as ranges its figures are drawn from."""

    expense_ratio: tuple[float, float]  # expense ÷ revenue
    cash_ratio: tuple[float, float]  # cash ÷ current liabilities at the start of the year
    payment_days: tuple[float, float]  # drug and supply payables, in days of purchases
    other_liabilities: tuple[float, float]  # current liabilities besides drug payables, share of annual expense


HEALTH = {
    "healthy": _Health((0.82, 0.94), (1.1, 2.6), (45, 100), (0.03, 0.07)),
    "watch": _Health((0.93, 1.0), (0.75, 1.1), (80, 200), (0.05, 0.09)),
    "risk": _Health((1.0, 1.07), (0.35, 0.75), (150, 300), (0.06, 0.1)),
    "crisis": _Health((1.06, 1.12), (0.1, 0.3), (220, 360), (0.12, 0.2)),
}
HEALTH_WEIGHTS = {"healthy": 0.55, "watch": 0.25, "risk": 0.15, "crisis": 0.05}
# Trang's hospitals as seed 003 groups them: รพ.ย่านตาขาว, สิเกา, ห้วยยอด and นาโยง are watched closely.
HEALTH_OF = {"11408": "risk", "11410": "watch", "11411": "watch", "11413": "watch", "10683": "healthy"}
BIG_LEVELS = ("A", "S", "M1")  # regional, general and large community hospitals: fewer visits per bed
QUARTER_ENDS = FISCAL_MONTH_ORDER[2::3]  # December, March, June, September: unit cost (Quick Method) arrives
DEFAULT_BEDS = 30  # a hospital whose bed count the reference set lacks


@dataclass(frozen=True)
class _Profile:
    """A hospital's year, drawn once: what its monthly figures vary around (baht a year, days, shares)."""

    unit_code: str
    beds: int
    annual: float  # revenue, baht a year
    expense_ratio: float
    plan_revenue: float  # Planfin, baht
    plan_expense: float
    ip_plan: float  # IP revenue planned, baht a year
    sheets: int  # Planfin sheets filled (of 7)
    medical: float  # share of revenue from medical services
    schemes: dict[str, float]  # share of medical revenue per insurance scheme (uc, csmbs, sss)
    days_target: dict[str, float]  # receivable days per scheme
    drug_share: float  # drug cost ÷ expense
    buy_factor: float  # drug purchases ÷ drug cost
    inventory_days: float
    payment_days: float
    other_liabilities: float  # baht
    other_assets: float  # baht
    fixed_assets: float  # baht
    cash_start: float  # cash ÷ current liabilities in October
    cash_end: float  # ... and in September
    visits_a_bed: float  # OPD visits a bed a year
    cost_a_visit: float  # baht
    adjrw_a_bed: float  # AdjRW a bed a year
    cost_an_adjrw: float  # baht


def hospital_units(reference: ReferenceSet, cost_center: str) -> pd.DataFrame:
    """The hospitals among a cost centre's units: they submit the hospital finance workbook."""
    units = reference.units_of(cost_center)
    return units[units["unit_type"].isin(HOSPITAL_TYPES)]


def hospital_finance(reference: ReferenceSet, year: Year, seed: int, cc: str) -> pd.DataFrame | None:
    """A cost centre's hospital finance sheet (every hospital unit, every elapsed month; baht), or None
    when it has no hospital. Each hospital draws from its own stream, seeded by its unit code."""
    rows = [row for unit in hospital_units(reference, cc).sort_values("unit_code").to_dict("records")
            for row in _hospital_months(unit, year, stream(seed, int(unit["unit_code"]), HOSPITAL_STREAM))]
    return to_frame(HOSPITAL_FINANCE.sheet(HOSPITAL_FINANCE.key), rows) if rows else None


def _health_of(unit: str, rng: np.random.Generator) -> _Health:
    """A hospital's health: Trang's as seed 003 has them, the others drawn by HEALTH_WEIGHTS."""
    drawn = str(rng.choice(list(HEALTH_WEIGHTS), p=list(HEALTH_WEIGHTS.values())))
    return HEALTH[HEALTH_OF.get(unit, drawn)]


def _profile(unit: dict, rng: np.random.Generator) -> _Profile:
    """Draw a hospital's year from its reference row (beds, service level) and its health."""
    health = _health_of(unit["unit_code"], rng)
    beds = int(unit["beds"]) if pd.notna(unit["beds"]) else DEFAULT_BEDS
    big = unit["service_level"] in BIG_LEVELS
    u = rng.uniform  # every draw below is in a fixed order: reordering them changes the demo
    annual = beds * u(2.2e6, 3.4e6)
    expense_ratio = u(*health.expense_ratio)
    plan_revenue = round(annual * u(0.92, 1.06), -3)
    plan_expense = round(plan_revenue * u(0.9, 0.985), -3)
    ip_plan = round(annual * u(0.08, 0.16), 2)
    sheets = 6 if rng.random() < 0.08 else 7
    medical, schemes = u(0.6, 0.75), {"uc": u(0.5, 0.65), "csmbs": u(0.15, 0.25), "sss": u(0.04, 0.12)}
    days_target = {"uc": u(20, 80), "csmbs": u(35, 110), "sss": u(50, 140)}
    drug_share, buy_factor = u(0.14, 0.2), u(0.97, 1.06)
    inventory_days, payment_days = u(25, 90), u(*health.payment_days)
    other_liabilities = annual * expense_ratio * u(*health.other_liabilities)
    other_assets, fixed_assets = annual * u(0.005, 0.02), annual * u(0.35, 0.8)
    cash_start = u(*health.cash_ratio)
    cash_end = cash_start * u(0.85, 1.15)
    visits_a_bed = u(1000, 1500) if big else u(2500, 4500)
    cost_a_visit, adjrw_a_bed, cost_an_adjrw = u(750, 1000) if big else u(520, 900), u(60, 120), u(9000, 17500)
    return _Profile(unit["unit_code"], beds, annual, expense_ratio, plan_revenue, plan_expense, ip_plan,
                    sheets, medical, schemes, days_target, drug_share, buy_factor, inventory_days, payment_days,
                    other_liabilities, other_assets, fixed_assets, cash_start, cash_end, visits_a_bed, cost_a_visit,
                    adjrw_a_bed, cost_an_adjrw)


def _satang(baht: float) -> int:
    """Whole baht, in satang: the S09 decimals check misreads satang above ~90 million baht."""
    return int(round(baht)) * SATANG


def _hospital_months(unit: dict, year: Year, rng: np.random.Generator) -> list[dict]:
    """One hospital's records, one per elapsed month (money in satang but net income and EBITDA, in baht).

    Month to month the year-to-date flows only grow and the balance sheet drifts, so each month
    follows from the last.
    """
    p = _profile(unit, rng)
    rows, ytd = [], defaultdict(int)
    for k in range(year.now + 1):
        month = year.calendar_month(k)
        days = (year.month_bounds(k)[1] - year.start).days + 1  # of the year so far
        _add_month_flows(p, ytd, rng)
        row = {"unit_code": p.unit_code, "month": month, **_balance_sheet(p, ytd, days, k, rng),
               "revenue": ytd["revenue"], "expense": ytd["expense"],
               "net_income": (ytd["revenue"] - ytd["expense"]) / SATANG,
               "ebitda": (ytd["revenue"] - ytd["expense"] + ytd["depreciation"]) / SATANG,
               "medical_revenue": ytd["medical_revenue"], **{f"{s}_revenue": ytd[f"{s}_revenue"] for s in p.schemes},
               "drug_purchases": ytd["drug_purchases"], "drug_cost": ytd["drug_cost"],
               "planfin_revenue": _satang(p.plan_revenue), "planfin_expense": _satang(p.plan_expense),
               "planfin_sheets": p.sheets, "ip_revenue_plan": _satang(p.ip_plan),
               "ip_revenue_received": ytd["ip_revenue_received"], "note": None}
        if month in QUARTER_ENDS:  # the Quick Method's year-to-date figures, each quarter end
            row.update(_unit_cost(p, days, rng))
        rows.append(row)
    return rows


def _add_month_flows(p: _Profile, ytd: dict[str, int], rng: np.random.Generator) -> None:
    """Draw one month's revenue, expense and flows (satang) and add them to the year-to-date sums ``ytd``."""
    u = rng.uniform
    revenue = _satang(p.annual / 12 * u(0.9, 1.12))
    expense = _satang(revenue / SATANG * p.expense_ratio * u(0.97, 1.03))
    drug_cost = _satang(expense / SATANG * p.drug_share * u(0.95, 1.05))
    flows = {"revenue": revenue, "expense": expense, "depreciation": _satang(p.annual / 12 * u(0.03, 0.06)),
             "medical_revenue": _satang(revenue / SATANG * p.medical * u(0.97, 1.03)), "drug_cost": drug_cost,
             "drug_purchases": _satang(drug_cost / SATANG * p.buy_factor * u(0.95, 1.05)),
             "ip_revenue_received": _satang(p.ip_plan / 12 * u(0.7, 1.35))}
    for key, value in flows.items():
        ytd[key] += value
    for scheme, share in p.schemes.items():
        ytd[f"{scheme}_revenue"] += _satang(flows["medical_revenue"] / SATANG * share)


def _balance_sheet(p: _Profile, ytd: dict[str, int], days: int, k: int, rng: np.random.Generator) -> dict[str, int]:
    """The balance sheet at the end of fiscal month ``k`` (satang; the maintenance fund in baht), from the
    year-to-date flows over ``days``.

    Receivables, payables and inventory are so many days of their flow; cash drifts from its October
    to its September share of current liabilities. The maintenance fund left after debts is cash less current
    liabilities: seed 003's "เงินบำรุงคงเหลือ (หักหนี้แล้ว)" is close to that for its ten hospitals.
    """
    u = rng.uniform
    receivables = {f"{s}_receivable": _satang(ytd[f"{s}_revenue"] / SATANG / days * p.days_target[s] * u(0.9, 1.1))
                   for s in p.schemes}
    payables = _satang(ytd["drug_purchases"] / SATANG / days * p.payment_days * u(0.92, 1.08))
    inventory = _satang(ytd["drug_cost"] / SATANG / days * p.inventory_days * u(0.9, 1.1))
    liabilities = payables + _satang(p.other_liabilities * u(0.95, 1.05))
    cash = _satang(liabilities / SATANG * (p.cash_start + (p.cash_end - p.cash_start) * k / 11) * u(0.97, 1.03))
    current = cash + sum(receivables.values()) + inventory + _satang(p.other_assets)
    return {"current_assets": current, "current_liabilities": liabilities, "cash": cash, "inventory": inventory,
            "total_assets": current + _satang(p.fixed_assets), **receivables, "drug_payables": payables,
            "maintenance_fund": (cash - liabilities) / SATANG}  # a signed column: baht, as net income


def _unit_cost(p: _Profile, days: int, rng: np.random.Generator) -> dict:
    """The Quick Method's year-to-date OPD visits and cost, AdjRW and IPD cost (satang) over ``days``."""
    u = rng.uniform
    share = days / 365
    visits = int(p.beds * p.visits_a_bed * share * u(0.95, 1.05))
    adjrw = round(p.beds * p.adjrw_a_bed * share * u(0.95, 1.05), 2)
    return {"opd_visits": visits, "opd_cost": _satang(visits * p.cost_a_visit * u(0.97, 1.03)),
            "adjrw": adjrw, "ipd_cost": _satang(adjrw * p.cost_an_adjrw * u(0.97, 1.03))}
