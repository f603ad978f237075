"""The financial report's money tables (DOMAIN.md "Reports"; seed 000): money per cost centre and unit, the
GFMIS vs SMS reconciliation, projects by strategy and plan, every project (appendix) and the monthly trend.

Every amount is baht to 2 decimals, counted up to the context's cut-off; rates are fractions (0.22 = 22 %).

- **Per cost centre and unit.** A cost centre *receives* transfers and *allocates* them to its units; a unit
  *plans* projects and *disburses* (payments + advances − returned money, :func:`domain.ledger.net_disbursed`).
  *Remaining* and the *disbursement rate* are against what the row received: the transfers for a cost centre
  (and the province), the allocations for a unit, the budget for a project or strategy. The rate is judged
  against the quarter's cumulative target (reports/targets.toml). Project budgets are not dated: all current
  rows count.
- **Advances** (:func:`domain.ledger.advances` on the cut-off): outstanding = advanced − (spent + returned) of
  the clearings dated by the cut-off; overdue = still outstanding more than
  :data:`domain.ledger.ADVANCE_OVERDUE_DAYS` days after it was paid (rule B10).
- **Reconciliation** is :func:`store.queries.reconciliation` for the last month that ended by the cut-off
  (seed 000's columns (1)–(7)); a cost centre that recorded nothing is flagged.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from domain import ledger
from domain.fiscal import THAI_MONTHS, be_year, fiscal_months, month_label
from domain.ledger import ACROSS_COST_CENTRES, ADVANCE_OVERDUE_DAYS, CENT, net_disbursed
from domain.vocabulary import FIGURES, RECONCILIATION
from reports.config import disbursement_targets
from reports.fmt import BELOW_TARGET, NA, NOT_RECORDED, ON_TARGET, Col, ReportTable, thai_date
from reports.tables.context import Context, report_table
from reports.tables.labels import against_target, either, overdue
from store.queries import (
    due_months,
    month_end,
    on_or_before,
    reconciliation,
    recorded_cost_centres,
    sum_by,
    up_to,
)
from templates.headers import header

UNIT_KEYS = ["cost_center", "unit_code"]
FINANCE_MONEY = ["received", "allocated", "planned", "disbursed", "advances_outstanding", "advances_overdue"]
FINANCE_SUMMED = [*FINANCE_MONEY, "advances_overdue_count", "basis"]  # what a cost centre and the province add up
FINANCE_COLUMNS = ["level", "cost_center", "unit_code", "name", "received", "allocated", "planned", "disbursed",
                   "remaining", "rate", "target", "status", "advances_outstanding", "advances_overdue",
                   "advances_overdue_count"]
SMS_COLUMNS = ["received_sms", "allocated_sms", "disbursed_sms"]  # seed 000's (2), (3), (5): '-' when silent
# What store.queries.reconciliation reads besides finance's GFMIS: the sheets behind (2), (3) and (5).
RECONCILED_SHEETS = ("transfers", "funding", "payments", "clearings")


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num ÷ den`` as a fraction; NaN where the denominator is not above :data:`domain.ledger.CENT`."""
    return (num / den.where(den > CENT)).astype("float64")


def target_status(rate: pd.Series, target: float) -> pd.Series:
    """ถึงเป้าหมาย / ต่ำกว่าเป้าหมาย of each rate (fraction) against a cumulative target; NA where there is no rate."""
    status = np.where(rate >= target - 1e-9, ON_TARGET, BELOW_TARGET)
    return pd.Series(np.where(rate.isna(), NA, status), index=rate.index)


def advances(ctx: Context) -> pd.DataFrame:
    """Every advance paid by the cut-off with what is still outstanding and whether it is overdue
    (:func:`domain.ledger.advances` on the cut-off): the payments rows plus cleared, outstanding (baht),
    days and overdue."""
    return ledger.advances(ctx.rows("payments"), ctx.rows("clearings"), ctx.cutoff, on=ACROSS_COST_CENTRES,
                           end=ctx.cutoff).reset_index(drop=True)


# -- 1. money per cost centre and unit ------------------------------------------------------------------------
def unit_rows(ctx: Context, *frames: pd.DataFrame) -> pd.DataFrame:
    """The reference units of the province's cost centres and any other unit the ``frames`` name (a unit
    missing from the reference still shows): cost_center, unit_code, name, sorted by cost centre and unit."""
    units = ctx.units[["cost_center", "unit_code", "name"]]
    seen = pd.concat([f[UNIT_KEYS] for f in frames if len(f)] or [units[UNIT_KEYS]])
    extra = seen.drop_duplicates().merge(units[UNIT_KEYS], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    extra["name"] = [ctx.unit_name(u) for u in extra["unit_code"]]
    return pd.concat([units, extra]).sort_values(UNIT_KEYS).reset_index(drop=True)


def finance_units(ctx: Context) -> pd.DataFrame:
    """One row per unit (:func:`unit_rows`), level ``unit``: allocated (dated by the cut-off), planned (project
    budgets), disbursed, advances outstanding and overdue (baht), advances_overdue_count; received is NaN
    (a unit receives allocations) and ``basis``, what its rate is against, is what was allocated."""
    allocations = up_to(ctx.rows("allocations"), "allocation_date", ctx.cutoff)
    projects, payments, clearings = ctx.rows("projects"), ctx.rows("payments"), ctx.rows("clearings")
    adv = advances(ctx)
    late = adv[adv["overdue"]]
    rows = unit_rows(ctx, allocations, projects, payments)
    idx = pd.MultiIndex.from_frame(rows[UNIT_KEYS])

    def by_unit(series: pd.Series) -> np.ndarray:
        return series.reindex(idx).fillna(0.0).to_numpy() if len(series) else np.zeros(len(rows))

    rows["allocated"] = by_unit(sum_by(allocations, UNIT_KEYS, "amount"))
    rows["planned"] = by_unit(sum_by(projects, UNIT_KEYS, "budget"))
    rows["disbursed"] = by_unit(net_disbursed(payments, clearings, UNIT_KEYS, on=ACROSS_COST_CENTRES, end=ctx.cutoff))
    rows["advances_outstanding"] = by_unit(sum_by(adv, UNIT_KEYS, "outstanding"))
    rows["advances_overdue"] = by_unit(sum_by(late, UNIT_KEYS, "outstanding"))
    rows["advances_overdue_count"] = by_unit(late.groupby(UNIT_KEYS).size().astype(float) if len(late)
                                             else pd.Series(dtype=float))
    rows["received"] = np.nan
    rows["basis"] = rows["allocated"]
    rows["level"] = "unit"
    return rows


def finance_blocks(ctx: Context, units: pd.DataFrame) -> pd.DataFrame:
    """Each cost centre's head row (level ``cost_center``: received = its transfers dated by the cut-off, the
    rest summed over its units) followed by its units; a cost centre with no accepted SMS submission is its
    head alone, level ``silent``, figures NaN; last the province total (level ``total``, heads summed)."""
    received = sum_by(up_to(ctx.rows("transfers"), "transfer_date", ctx.cutoff), "cost_center", "amount")
    recorded = recorded_cost_centres(ctx.engine, ctx.fiscal_year, ctx.cost_centers)
    blocks = []
    for cc, name in zip(ctx.centres["cost_center"], ctx.centres["name"], strict=True):
        mine = units[units["cost_center"] == cc]
        head = {"level": "cost_center", "cost_center": cc, "unit_code": "", "name": name,
                **{k: mine[k].sum() for k in FINANCE_SUMMED}, "received": float(received.get(cc, 0.0))}
        head["basis"] = head["received"]
        if cc not in recorded:
            head.update({k: np.nan for k in FINANCE_SUMMED}, level="silent")
        blocks.append(pd.DataFrame([head]))
        if cc in recorded:
            blocks.append(mine)
    out = pd.concat(blocks, ignore_index=True) if blocks else units.iloc[:0]
    heads = out[out["level"] == "cost_center"]
    total = {"level": "total", "cost_center": "", "unit_code": "", "name": ctx.total_name,
             **{k: heads[k].sum() for k in FINANCE_SUMMED}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def with_rates(out: pd.DataFrame, target: float) -> pd.DataFrame:
    """The money rounded to 2 decimals, remaining = basis − disbursed, rate = disbursed ÷ basis, the target and
    the status against it (a silent cost centre: ไม่ได้บันทึกใน SMS, no target)."""
    out[FINANCE_MONEY] = out[FINANCE_MONEY].astype("float64").round(2)
    out["remaining"] = (out["basis"] - out["disbursed"]).round(2)
    out["rate"] = ratio(out["disbursed"], out["basis"])
    out["target"] = target
    out["status"] = target_status(out["rate"], target)
    out.loc[out["level"] == "silent", ["status", "target"]] = [NOT_RECORDED, np.nan]
    out["advances_overdue_count"] = out["advances_overdue_count"].astype("float64")
    return out


@report_table
def finance(ctx: Context) -> ReportTable:
    """Table 1: per cost centre and its units, received, allocated, planned, disbursed, remaining (baht), the
    disbursement rate (fraction) and its status against the quarter's target, advances outstanding and overdue.

    Rows: cost centre heads (level ``cost_center`` or ``silent``), their units (``unit``), the province
    (``total``); keyed by cost_center and unit_code (``""`` on a head and the total). Columns
    :data:`FINANCE_COLUMNS`.
    """
    out = with_rates(finance_blocks(ctx, finance_units(ctx)), ctx.target)
    target = f"{ctx.target * 100:g}%"
    return ctx.table(
        "finance", "1. การรับโอน จัดสรร และเบิกจ่ายงบประมาณ รายศูนย์ต้นทุนและหน่วยงาน / "
                   "Transfers, allocations and disbursement by cost centre and unit",
        out[FINANCE_COLUMNS],
        [Col("name", label=either(header("cost_center", "units"), FIGURES["unit"])),
         Col("received", "money"), Col("allocated", "money"), Col("planned", "money"), Col("disbursed", "money"),
         Col("remaining", "money"), Col("rate", "pct"), Col("status", "verdict", label=against_target(ctx.target)),
         Col("advances_outstanding", "money"), Col("advances_overdue", "money", label=overdue())],
        level="level", blank={"received": {"unit"}}, period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}",
        notes=[f"ร้อยละเบิกจ่าย = เบิกจ่าย ÷ รับโอน (ศูนย์ต้นทุน) หรือ ÷ เงินที่ได้รับจัดสรร (หน่วยงาน); "
               f"เป้าหมายสะสมไตรมาสที่ {ctx.quarter} = {target}. "
               "คงเหลือ = รับโอน (หรือจัดสรร) − เบิกจ่าย. เบิกจ่าย = เบิกจ่าย + เงินยืม − เงินยืมที่ส่งคืน.",
               "Rate = disbursed ÷ received (cost centre) or ÷ allocated (unit). Advances overdue: not cleared "
               f"{ADVANCE_OVERDUE_DAYS} days after payment (rule B10)."])


# -- 2. GFMIS vs SMS -----------------------------------------------------------------------------------------
def reconciliation_month(ctx: Context) -> int:
    """The last calendar month that ended by the cut-off (the cut-off's own month before any has)."""
    due = due_months(ctx.fiscal_year, ctx.cutoff)
    return due[-1][0] if due else ctx.cutoff.month


def with_total(ctx: Context, rec: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation's rows numbered, silent cost centres flagged with their SMS figures NaN (seed 000's
    '-'), and the scope's total (the province's, or the region's) whose (6) and (7) count a silent cost centre's
    SMS figures as 0."""
    money = list(RECONCILIATION)
    rec = rec.sort_values("cost_center").reset_index(drop=True)
    rec["level"] = np.where(rec["recorded"], "row", "silent")
    rec["flag"] = np.where(rec["recorded"], "", NOT_RECORDED)
    rec.loc[~rec["recorded"], SMS_COLUMNS] = np.nan
    rec.insert(0, "no", range(1, len(rec) + 1))
    total = {"no": None, "region": None, "cost_center": "", "name": ctx.total_name, "level": "total", "flag": "",
             "recorded": bool(rec["recorded"].all()), **{k: rec[k].sum(min_count=1) for k in money}}
    out = pd.concat([rec, pd.DataFrame([total])], ignore_index=True)
    last, sms = out.index[-1], out.loc[out.index[-1], SMS_COLUMNS].fillna(0.0)
    out.loc[last, "diff_installment"] = out.loc[last, "installment_gfmis"] - sms["received_sms"]
    out.loc[last, "diff_disbursed"] = out.loc[last, "disbursed_gfmis"] - sms["disbursed_sms"]
    out[money] = out[money].astype("float64").round(2)
    return out


@report_table
def reconcile(ctx: Context) -> ReportTable:
    """Table 2, seed 000's GFMIS vs SMS table for the province's cost centres, cumulative to the end of
    :func:`reconciliation_month`: columns (1)–(7) of :data:`domain.vocabulary.RECONCILIATION` (baht),
    one row per cost centre (level ``row``, or ``silent`` with flag ไม่ได้บันทึกใน SMS), then the total."""
    month = reconciliation_month(ctx)
    rec = reconciliation(ctx.engine, ctx.reference, fiscal_year=ctx.fiscal_year, month=month,
                         cost_centers=ctx.cost_centers, include_unapproved=ctx.include_unapproved)
    out = with_total(ctx, rec)
    n_silent = int((out["level"] == "silent").sum())
    notes = ["(6) ส่วนต่างเงินประจำงวด GFMIS กับรับโอน SMS · (7) ส่วนต่างเบิกจ่าย GFMIS กับเบิกจ่าย SMS "
             "(ไม่รวมงบกลาง) · '-' = ไม่มีข้อมูล"]
    if n_silent:
        notes.insert(0, f"ศูนย์ต้นทุนที่ยังไม่ได้บันทึกข้อมูลใน SMS {n_silent} แห่ง (แถวสีแดง) / "
                        f"{n_silent} cost centre(s) recorded nothing in SMS.")
    end = month_end(ctx.fiscal_year, month)
    return ctx.table(
        "reconciliation", "2. เปรียบเทียบเงินประจำงวดและการเบิกจ่าย GFMIS กับ SMS / GFMIS vs SMS reconciliation",
        out[["no", "level", "region", "cost_center", "name", *RECONCILIATION, "recorded", "flag"]],
        [Col("no", "int"), Col("cost_center", "code", sheet="cost_centers"), Col("name"),
         *(Col(k, "money") for k in RECONCILIATION), Col("flag", "verdict")],
        sheets=RECONCILED_SHEETS, level="level", blank={"no": {"total"}},
        period=f"สะสมถึงสิ้นเดือน{THAI_MONTHS[month]} {be_year(end.year)}", notes=notes)


# -- 3. strategies, the appendix of projects ------------------------------------------------------------------
def project_money(ctx: Context) -> pd.DataFrame:
    """Every current project of the province: cost_center, unit_code, project_code, project_name, plan_code,
    kpi_code, budget and disbursed up to the cut-off (baht)."""
    projects = ctx.rows("projects")
    spent = net_disbursed(ctx.rows("payments"), ctx.rows("clearings"), ["cost_center", "project_code"],
                          on=ACROSS_COST_CENTRES, end=ctx.cutoff)
    key = pd.MultiIndex.from_frame(projects[["cost_center", "project_code"]])
    out = projects[["cost_center", "unit_code", "project_code", "project_name", "plan_code", "kpi_code",
                    "budget"]].copy()
    out["disbursed"] = spent.reindex(key).fillna(0.0).to_numpy() if len(projects) and len(spent) else 0.0
    return out


def strategy_rows(ctx: Context, projects: pd.DataFrame) -> pd.DataFrame:
    """Per excellence strategy (level ``group``) its plans (``sub``): code, name, projects, budget, disbursed;
    projects of no known strategy in one group (ไม่ระบุยุทธศาสตร์); the province total (``total``)."""
    plans = ctx.reference["plans"][["plan_code", "name_th", "excellence_code"]].rename(columns={"name_th": "plan"})
    ex = ctx.reference["excellences"][["excellence_code", "name_th"]].rename(columns={"name_th": "strategy"})
    merged = projects.merge(plans, on="plan_code", how="left").merge(ex, on="excellence_code", how="left")

    def row(level: str, code: str, name: str, mine: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame([{"level": level, "code": code, "name": name, "projects": len(mine),
                              "budget": mine["budget"].sum(), "disbursed": mine["disbursed"].sum()}])

    blocks = []
    for code, strategy in zip(ex["excellence_code"], ex["strategy"], strict=True):
        mine = merged[merged["excellence_code"] == code]
        blocks.append(row("group", code, strategy, mine))
        if len(mine):
            by_plan = mine.groupby(["plan_code", "plan"], dropna=False).agg(
                projects=("project_code", "size"), budget=("budget", "sum"), disbursed=("disbursed", "sum"))
            blocks.append(by_plan.reset_index().rename(columns={"plan_code": "code", "plan": "name"})
                          .assign(level="sub"))
    unknown = merged[merged["excellence_code"].isna()]
    if len(unknown):
        blocks.append(row("group", "", "ไม่ระบุยุทธศาสตร์", unknown))
    blocks.append(row("total", "", ctx.total_name, projects))
    return pd.concat(blocks, ignore_index=True)


@report_table
def strategies(ctx: Context) -> ReportTable:
    """Table 3: projects by excellence strategy and plan: level, code, name, projects (count), budget, disbursed,
    remaining (baht), rate (fraction of the budget) and its status against the quarter's target."""
    out = strategy_rows(ctx, project_money(ctx))
    out["projects"] = out["projects"].astype("int64")
    out[["budget", "disbursed"]] = out[["budget", "disbursed"]].astype("float64").round(2)
    out["remaining"] = (out["budget"] - out["disbursed"]).round(2)
    out["rate"] = ratio(out["disbursed"], out["budget"])
    out["status"] = target_status(out["rate"], ctx.target)
    return ctx.table(
        "strategies", "3. โครงการตามยุทธศาสตร์และแผนงาน / Projects by strategy and plan",
        out[["level", "code", "name", "projects", "budget", "disbursed", "remaining", "rate", "status"]],
        [Col("code", "code"), Col("name", label=either(FIGURES["excellence_code"], header("plan_code", "projects"))),
         Col("projects", "int"), Col("budget", "money"), Col("disbursed", "money"), Col("remaining", "money"),
         Col("rate", "pct"), Col("status", "verdict", label=against_target(ctx.target))],
        level="level", period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}",
        notes=["ร้อยละเบิกจ่ายของโครงการ = เบิกจ่าย ÷ งบประมาณโครงการ / project rate = disbursed ÷ project budget."])


@report_table
def projects(ctx: Context) -> ReportTable:
    """Appendix: every project with its unit, plan, budget, disbursed, remaining (baht), rate (fraction of the
    budget) and status against the quarter's target, by cost centre, unit and project code."""
    out = project_money(ctx)
    out["unit"] = [ctx.unit_name(u) for u in out["unit_code"]]
    out["remaining"] = (out["budget"] - out["disbursed"]).round(2)
    out["rate"] = ratio(out["disbursed"], out["budget"])
    out["status"] = target_status(out["rate"], ctx.target)
    out = out.sort_values(["cost_center", "unit_code", "project_code"])
    return ctx.table(
        "projects", "ภาคผนวก: การเบิกจ่ายรายโครงการ / Appendix: disbursement by project",
        out[["cost_center", "unit_code", "unit", "project_code", "project_name", "plan_code", "budget", "disbursed",
             "remaining", "rate", "status"]],
        [Col("unit"), Col("project_code", "code", sheet="projects"), Col("project_name", sheet="projects"),
         Col("plan_code", "code", sheet="projects"), Col("budget", "money"), Col("disbursed", "money"),
         Col("remaining", "money"), Col("rate", "pct"), Col("status", "verdict", label=against_target(ctx.target))],
        period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}")


# -- the monthly trend (a chart) ------------------------------------------------------------------------------
def monthly(ctx: Context) -> pd.DataFrame:
    """Cumulative money per fiscal month up to the cut-off's month, one row a month: month, label, month_end,
    received_sms and disbursed_sms (baht, SMS), installment_gfmis and disbursed_gfmis (GFMIS, NaN for a month
    finance did not report) and, at each quarter's end, the target: the quarter's cumulative target × what was
    received by then (baht)."""
    targets = disbursement_targets(ctx.fiscal_year)
    transfers, payments, clearings = ctx.rows("transfers"), ctx.rows("payments"), ctx.rows("clearings")
    gfmis = ctx.rows("gfmis")
    rows = []
    for i, (year, month) in enumerate(fiscal_months(ctx.fiscal_year)):
        end = min(month_end(ctx.fiscal_year, month), ctx.cutoff)
        if dt.date(year, month, 1) > ctx.cutoff:
            break
        g = gfmis[gfmis["month"] == month]
        received = float(transfers.loc[on_or_before(transfers["transfer_date"], end), "amount"].sum())
        paid = float(net_disbursed(payments, clearings, "cost_center", on=ACROSS_COST_CENTRES, end=end).sum())
        quarter_end = (i + 1) % 3 == 0 and end == month_end(ctx.fiscal_year, month)
        rows.append({"month": month, "label": month_label(month), "month_end": end,
                     "received_sms": round(received, 2), "disbursed_sms": round(paid, 2),
                     "installment_gfmis": float(g["installment_money"].sum()) if len(g) else np.nan,
                     "disbursed_gfmis": float(g["disbursed"].sum()) if len(g) else np.nan,
                     "target": targets[(i // 3) + 1] * received if quarter_end else np.nan})
    return pd.DataFrame(rows)
