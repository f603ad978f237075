"""The hospitals' financial figures a report is made of, computed once from the store for both reports.

:func:`hospital_inputs` is :func:`finance.health.hospital_health` of the scope's current ``hospital_finance`` rows for
:func:`hospital_month`, with the fiscal year's thresholds; 7 Plus medians and unit-cost limits come from the peers in
the province (no national figures are stored). The financial report's hospital section
(:mod:`reports.tables.hospitals`) and the KPI report's computed KPIs (:mod:`reports.tables.kpi`) both read these, so
the two reports cannot disagree on a hospital's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.fiscal import THAI_MONTHS, be_year
from finance import health as fh
from reports.tables.context import Context
from store.queries import due_months, month_end


@dataclass(frozen=True)
class Hospitals:
    """What every hospital table is made from: the hospitals' figures (one row per hospital, sorted by cost centre
    and unit code, level ``unit``), the province row (level ``total``: every figure computed from the summed items,
    seed 003's "ภาพรวมจังหวัด"), the month, the thresholds and the caption's period (ข้อมูล ณ สิ้นเดือน…)."""

    frame: pd.DataFrame
    total: pd.DataFrame
    month: int
    thresholds: fh.Thresholds
    when: str


def hospital_month(ctx: Context) -> int | None:
    """The latest month that ended by the cut-off and has a hospital_finance row in the province (None: none)."""
    rows = ctx.rows("hospital_finance")
    have = set(pd.to_numeric(rows["month"], errors="coerce").dropna().astype(int)) if len(rows) else set()
    found = [m for m, _ in due_months(ctx.fiscal_year, ctx.cutoff) if m in have]
    return found[-1] if found else None


def finance_rows(ctx: Context) -> pd.DataFrame:
    """The province's current hospital_finance rows, month as an integer."""
    rows = ctx.rows("hospital_finance")
    return rows.assign(month=pd.to_numeric(rows["month"]).astype(int))


def province_row(ctx: Context, rows: pd.DataFrame, month: int, t: fh.Thresholds) -> pd.DataFrame:
    """The province as one hospital: ratios, Risk Score, Planfin and IP of the summed items of ``month``
    (:func:`finance.health.totals`), named ภาพรวม<province>, level ``total``."""
    total = fh.totals(fh.rows_of_month(rows, month), f"ภาพรวม{ctx.province.title_th}")
    total = fh.risk_score(fh.ratios(total, ctx.fiscal_year), t)
    return fh.ip_revenue_share(fh.planfin_variance(total, t), t).assign(level="total", cost_center="")


def hospital_inputs(ctx: Context) -> Hospitals | None:
    """The figures of :func:`hospital_month` (None when the province has no hospital finance by the cut-off),
    computed once per context: both report sections and the KPIs read them."""
    month = hospital_month(ctx)  # reads the rows, so the table being built counts their submissions every time
    if "hospitals" not in ctx.memo:
        ctx.memo["hospitals"] = None if month is None else compute(ctx, month)
    return ctx.memo["hospitals"]


def compute(ctx: Context, month: int) -> Hospitals:
    """:class:`Hospitals` of ``month``."""
    t = fh.thresholds_for(ctx.fiscal_year)
    rows = finance_rows(ctx)
    frame = fh.hospital_health(rows, ctx.reference["units"], fiscal_year=ctx.fiscal_year, month=month, thresholds=t)
    frame["name"] = frame["name"].fillna(frame["unit_code"])
    frame = frame.sort_values(["cost_center", "unit_code"]).reset_index(drop=True).assign(level="unit")
    when = f"ข้อมูล ณ สิ้นเดือน{THAI_MONTHS[month]} {be_year(month_end(ctx.fiscal_year, month).year)}"
    return Hospitals(frame, province_row(ctx, rows, month, t), month, t, when)
