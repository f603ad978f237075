"""The figures of the inspection-round reports, as tables computed from the store.

Every function takes a :class:`Context` (one fiscal year, province, quarter and round, data as
of a day) and returns a :class:`reports.fmt.ReportTable`: a DataFrame of raw figures and how to
show it. The notebooks only call these and display the result; the tests read the same frames
back from the executed notebook and compare them with sums of their own.

Decisions (DOMAIN.md "Reports"; seeds 000 and 003):

- **Cut-off.** Money is counted up to ``cutoff`` = the as-of date or the quarter's last day,
  whichever is earlier (a Q2 report made on 2 April counts to 31 March, and says the data is as
  of 2 April). Project budgets and promised outputs are not dated: all current rows count.
- **Per cost centre and unit.** A cost centre *receives* transfers and *allocates* them to its
  units; a unit *plans* projects and *disburses* (payments + advances − returned money, as
  :func:`domain.ledger.net_disbursed`). *Remaining* and the *disbursement rate* are against
  what the row received: the transfers for a cost centre (and the province), the allocations for
  a unit. The rate is judged against the quarter's cumulative target (reports/targets.toml).
- **Advances.** Outstanding = advanced − (spent + returned) of the clearings dated by the cut-off;
  overdue = still outstanding more than 30 days after it was paid (rule B10).
- **Reconciliation** is :func:`store.queries.reconciliation` for the last month that ended by the
  cut-off (seed 000's columns (1)–(7)); a cost centre that recorded nothing is flagged.
- **KPI verdict**: the unit's result of the quarter against the KPI's target *for that quarter* in
  its direction (ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์): the quarter's Small-Success target (``ss_q1..ss_q4``)
  where the reference sets one, else the annual target (at Q4 they agree); NA when the unit has no
  result for the quarter. A quarterly inspection judges the milestone due by then: judging a Q2
  result of "≥ 60 % by year end" against 60 would fail every unit on track. A unit is listed
  under a KPI when it reported that KPI in any quarter so far or runs a project linked to it.
  Province pass rate = units passing ÷ units with a result, against the KPI's province criterion
  (``pass_rate_target``; none → no province verdict, shown as ไม่กำหนดเกณฑ์).
- **Small Success of outputs**: the cumulative result of the quarter against the output's
  Small-Success target of that quarter (``target_q1..q4``).
- **Problems and suggestions**: those written on output results of the round's quarters up to
  this one, grouped by identical text, with the units that wrote them.
- **Unapproved**: each table counts the current submissions of its templates in the province
  that a checker has not approved (status submitted or returned).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import sqlalchemy as sa

from domain import ledger
from domain.fiscal import THAI_MONTHS, be_year, fiscal_months, inspection_round, month_label, quarter_bounds
from domain.ledger import ACROSS_COST_CENTRES, ADVANCE_OVERDUE_DAYS, CENT, net_disbursed
from domain.vocabulary import RECONCILIATION
from finance import health as fh
from reference.reference_set import ReferenceSet
from reports.config import disbursement_targets
from reports.fmt import (
    ACHIEVED,
    BELOW_TARGET,
    FAIL,
    NA,
    NO_CRITERION,
    NOT_ACHIEVED,
    NOT_RECORDED,
    ON_TARGET,
    PASS,
    Col,
    ReportTable,
    thai_date,
)
from reports.params import Province, resolve_province
from store.db import connect
from store.queries import (
    ACCEPTED,
    current_rows,
    current_submissions,
    due_months,
    month_end,
    on_or_before,
    reconciliation,
    sum_by,
    up_to,
)
from store.reference import current_reference

FINANCE_TEMPLATES = ("allocations", "projects", "disbursements")
KPI_TEMPLATES = ("projects", "outputs")
DIRECTIONS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


@dataclass
class Context:
    """One report's scope: the store, the province's cost centres, the quarter and the cut-off."""

    engine: sa.Engine
    reference: ReferenceSet
    fiscal_year: int
    province: Province
    quarter: int
    round: int
    as_of: dt.date
    include_unapproved: bool = True
    tables: dict[str, ReportTable] = field(default_factory=dict)  # every table made, for the figures cell
    _rows: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def open(cls, *, fiscal_year, province, quarter, round=None, as_of=None, database_url=None,
             include_unapproved=True) -> Context:
        """The context of a notebook's parameters (as papermill passes them: dates as ISO text)."""
        engine = connect(database_url or None)
        reference = current_reference(engine)
        quarter = int(quarter)
        as_of = dt.date.fromisoformat(str(as_of)) if as_of else quarter_bounds(int(fiscal_year), quarter)[1]
        return cls(engine, reference, int(fiscal_year), resolve_province(reference, str(province)), quarter,
                   int(round or inspection_round(quarter)), as_of, bool(include_unapproved))

    def close(self) -> None:
        """Release the database connections (the notebook's last cell; a kept kernel runs many notebooks)."""
        self.engine.dispose()

    # -- scope -----------------------------------------------------------------------------------------
    @property
    def quarter_end(self) -> dt.date:
        return quarter_bounds(self.fiscal_year, self.quarter)[1]

    @property
    def cutoff(self) -> dt.date:
        return min(self.as_of, self.quarter_end)

    @cached_property
    def target(self) -> float:
        return disbursement_targets(self.fiscal_year)[self.quarter]

    @cached_property
    def centres(self) -> pd.DataFrame:
        """The province's cost centres: cost_center, name, in code order."""
        frame = self.reference["cost_centers"]
        frame = frame[frame["province_code"] == self.province.code][["cost_center", "name_th"]]
        return frame.rename(columns={"name_th": "name"}).sort_values("cost_center").reset_index(drop=True)

    @property
    def cost_centers(self) -> list[str]:
        return list(self.centres["cost_center"])

    @cached_property
    def units(self) -> pd.DataFrame:
        """The reference units of the province's cost centres: unit_code, name, unit_type, cost_center."""
        frame = self.reference["units"]
        frame = frame[frame["cost_center"].isin(self.cost_centers)]
        return frame[["unit_code", "name_th", "unit_type", "cost_center"]].rename(columns={"name_th": "name"})

    def unit_name(self, code) -> str:
        names = dict(zip(self.reference["units"]["unit_code"], self.reference["units"]["name_th"], strict=True))
        return names.get(code, str(code))

    def rows(self, sheet_key: str) -> pd.DataFrame:
        """The current rows of a sheet for the province's cost centres (cached for the notebook)."""
        if sheet_key not in self._rows:
            self._rows[sheet_key] = current_rows(
                self.engine, sheet_key, fiscal_year=self.fiscal_year, cost_centers=self.cost_centers,
                include_unapproved=self.include_unapproved or sheet_key == "gfmis")
        return self._rows[sheet_key]

    def unapproved(self, templates) -> int:
        """Current submissions of ``templates`` in the province that are not approved yet."""
        cur = current_submissions(self.fiscal_year, templates, ACCEPTED)
        query = sa.select(sa.func.count()).select_from(cur).where(
            cur.c.status != "approved", cur.c.cost_center.in_(self.cost_centers))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def table(self, key, title, frame, columns, templates, **kw) -> ReportTable:
        t = ReportTable(key, title, frame.reset_index(drop=True), columns, self.as_of,
                        self.unapproved(templates), self.include_unapproved, **kw)
        self.tables[key] = t
        return t

    @property
    def title_period(self) -> str:
        return (f"ปีงบประมาณ {self.fiscal_year} ไตรมาสที่ {self.quarter} "
                f"(รอบการตรวจราชการที่ {self.round}/{self.fiscal_year})")

    def figures(self) -> dict:
        """Every table's figures and the parameters, for the notebook's last (hidden) cell."""
        return {"fiscal_year": self.fiscal_year, "province": self.province.code, "quarter": self.quarter,
                "round": self.round, "as_of": self.as_of.isoformat(), "cutoff": self.cutoff.isoformat(),
                "target": self.target, "include_unapproved": self.include_unapproved,
                "tables": {k: {"unapproved": t.unapproved, "rows": t.records()} for k, t in self.tables.items()}}


# -- money ------------------------------------------------------------------------------------------------
def advances(ctx: Context) -> pd.DataFrame:
    """Every advance paid by the cut-off with what is still outstanding and whether it is overdue
    (:func:`domain.ledger.advances` on the cut-off)."""
    return ledger.advances(ctx.rows("payments"), ctx.rows("clearings"), ctx.cutoff, on=ACROSS_COST_CENTRES,
                           end=ctx.cutoff).reset_index(drop=True)


def target_status(rate: pd.Series, target: float) -> pd.Series:
    """ถึงเป้าหมาย / ต่ำกว่าเป้าหมาย against a cumulative target; NA where there is no rate."""
    status = np.where(rate >= target - 1e-9, ON_TARGET, BELOW_TARGET)
    return pd.Series(np.where(rate.isna(), NA, status), index=rate.index)


def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > CENT)).astype("float64")


def finance(ctx: Context) -> ReportTable:
    """Per cost centre and unit: received, allocated, planned, disbursed, remaining, rate, advances."""
    end = ctx.cutoff
    keys = ["cost_center", "unit_code"]
    allocations = up_to(ctx.rows("allocations"), "allocation_date", end)
    projects, payments, clearings = ctx.rows("projects"), ctx.rows("payments"), ctx.rows("clearings")
    adv = advances(ctx)
    units = ctx.units[["cost_center", "unit_code", "name"]]
    seen = pd.concat([f[keys] for f in (allocations, projects, payments) if len(f)] or [units[keys]])
    extra = seen.drop_duplicates().merge(units[keys], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    extra["name"] = [ctx.unit_name(u) for u in extra["unit_code"]]
    rows = pd.concat([units, extra]).sort_values(keys).reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(rows[keys])

    def by_unit(series: pd.Series) -> np.ndarray:
        return series.reindex(idx).fillna(0.0).to_numpy() if len(series) else np.zeros(len(rows))

    rows["allocated"] = by_unit(sum_by(allocations, keys, "amount"))
    rows["planned"] = by_unit(sum_by(projects, keys, "budget"))
    rows["disbursed"] = by_unit(net_disbursed(payments, clearings, keys, on=ACROSS_COST_CENTRES, end=end))
    rows["advances_outstanding"] = by_unit(sum_by(adv, keys, "outstanding"))
    rows["advances_overdue"] = by_unit(sum_by(adv[adv["overdue"]], keys, "outstanding"))
    rows["advances_overdue_count"] = by_unit(adv[adv["overdue"]].groupby(keys).size().astype(float)
                                             if adv["overdue"].any() else pd.Series(dtype=float))
    rows["received"] = np.nan
    rows["basis"] = rows["allocated"]
    rows["level"] = "unit"
    money = ["received", "allocated", "planned", "disbursed", "advances_outstanding", "advances_overdue"]

    received = sum_by(up_to(ctx.rows("transfers"), "transfer_date", end), "cost_center", "amount")
    recorded = ctx_recorded(ctx)
    blocks = []
    for cc, name in zip(ctx.centres["cost_center"], ctx.centres["name"], strict=True):
        mine = rows[rows["cost_center"] == cc]
        head = {"level": "cost_center", "cost_center": cc, "unit_code": "", "name": name,
                **{k: mine[k].sum() for k in money[1:]},
                "advances_overdue_count": mine["advances_overdue_count"].sum(),
                "received": float(received.get(cc, 0.0))}
        head["basis"] = head["received"]
        if cc not in recorded:
            head.update({k: np.nan for k in (*money, "advances_overdue_count", "basis")}, level="silent")
            blocks.append(pd.DataFrame([head]))
            continue
        blocks.append(pd.DataFrame([head]))
        blocks.append(mine)
    out = pd.concat(blocks, ignore_index=True) if blocks else rows.iloc[:0]
    heads = out[out["level"] == "cost_center"]
    total = {"level": "total", "cost_center": "", "unit_code": "", "name": f"รวมจังหวัด{ctx.province.name_th}",
             **{k: heads[k].sum() for k in (*money, "advances_overdue_count", "basis")}}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out[money] = out[money].astype("float64").round(2)
    out["remaining"] = (out["basis"] - out["disbursed"]).round(2)
    out["rate"] = ratio(out["disbursed"], out["basis"])
    out["target"] = ctx.target
    out["status"] = target_status(out["rate"], ctx.target)
    out.loc[out["level"] == "silent", ["status", "target"]] = [NOT_RECORDED, np.nan]
    out["advances_overdue_count"] = out["advances_overdue_count"].astype("float64")
    columns = ["level", "cost_center", "unit_code", "name", "received", "allocated", "planned", "disbursed",
               "remaining", "rate", "target", "status", "advances_outstanding", "advances_overdue",
               "advances_overdue_count"]
    out = out[columns]
    target = f"{ctx.target * 100:g}%"
    return ctx.table(
        "finance", "1. การรับโอน จัดสรร และเบิกจ่ายงบประมาณ รายศูนย์ต้นทุนและหน่วยงาน / "
                   "Transfers, allocations and disbursement by cost centre and unit",
        out, [Col("name", "ศูนย์ต้นทุน / หน่วยงาน", "Cost centre / unit"),
              Col("received", "รับโอน", "Received", "money"),
              Col("allocated", "จัดสรรให้หน่วยงาน", "Allocated", "money"),
              Col("planned", "แผนโครงการ", "Planned in projects", "money"),
              Col("disbursed", "เบิกจ่าย", "Disbursed", "money"),
              Col("remaining", "คงเหลือ", "Remaining", "money"),
              Col("rate", "ร้อยละเบิกจ่าย", "Disbursement rate", "pct"),
              Col("status", f"เทียบเป้า {target}", f"vs target {target}", "verdict"),
              Col("advances_outstanding", "เงินยืมคงค้าง", "Advances outstanding", "money"),
              Col("advances_overdue", "ยืมเกิน 30 วัน", "Overdue > 30 days", "money")],
        FINANCE_TEMPLATES, level="level", blank={"received": {"unit"}},
        period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}",
        notes=[f"ร้อยละเบิกจ่าย = เบิกจ่าย ÷ รับโอน (ศูนย์ต้นทุน) หรือ ÷ เงินที่ได้รับจัดสรร (หน่วยงาน); "
               f"เป้าหมายสะสมไตรมาสที่ {ctx.quarter} = {target}. "
               "คงเหลือ = รับโอน (หรือจัดสรร) − เบิกจ่าย. เบิกจ่าย = เบิกจ่าย + เงินยืม − เงินยืมที่ส่งคืน.",
               "Rate = disbursed ÷ received (cost centre) or ÷ allocated (unit). Advances overdue: not cleared "
               f"{ADVANCE_OVERDUE_DAYS} days after payment (rule B10)."])


def ctx_recorded(ctx: Context) -> set[str]:
    from store.queries import recorded_cost_centres

    return recorded_cost_centres(ctx.engine, ctx.fiscal_year, ctx.cost_centers)


def reconciliation_month(ctx: Context) -> int:
    """The last calendar month that ended by the cut-off (the cut-off's own month before any has)."""
    due = due_months(ctx.fiscal_year, ctx.cutoff)
    return due[-1][0] if due else ctx.cutoff.month


def reconcile(ctx: Context) -> ReportTable:
    """Seed 000's GFMIS vs SMS table for the province, with a total and the cost centres that recorded nothing."""
    month = reconciliation_month(ctx)
    rec = reconciliation(ctx.engine, ctx.reference, fiscal_year=ctx.fiscal_year, month=month,
                         cost_centers=ctx.cost_centers, include_unapproved=ctx.include_unapproved)
    money = list(RECONCILIATION)
    rec = rec.sort_values("cost_center").reset_index(drop=True)
    rec["level"] = np.where(rec["recorded"], "row", "silent")
    rec["flag"] = np.where(rec["recorded"], "", NOT_RECORDED)
    silent = ~rec["recorded"]
    rec.loc[silent, ["received_sms", "allocated_sms", "disbursed_sms"]] = np.nan  # seed 000's '-'
    rec.insert(0, "no", range(1, len(rec) + 1))
    total = {"no": None, "region": None, "cost_center": "", "name": f"รวมจังหวัด{ctx.province.name_th}",
             "level": "total", "flag": "", "recorded": bool(rec["recorded"].all())}
    for k in money:
        total[k] = rec[k].sum(min_count=1)
    out = pd.concat([rec, pd.DataFrame([total])], ignore_index=True)
    sms = ["received_sms", "allocated_sms", "disbursed_sms"]
    filled = out[sms].fillna(0.0)
    out.loc[out.index[-1], "diff_installment"] = out["installment_gfmis"].iloc[-1] - filled["received_sms"].iloc[-1]
    out.loc[out.index[-1], "diff_disbursed"] = out["disbursed_gfmis"].iloc[-1] - filled["disbursed_sms"].iloc[-1]
    out[money] = out[money].astype("float64").round(2)
    labels = [("(1) เงินประจำงวด (กองคลัง)", "Installment money (GFMIS)"), ("(2) รับโอน (SMS)", "Received (SMS)"),
              ("(3) จัดให้โครงการ (SMS)", "Allocated to projects (SMS)"),
              ("(4) เบิกจ่าย (กองคลัง)", "Disbursed (GFMIS)"), ("(5) เบิกจ่าย (SMS)", "Disbursed (SMS)"),
              ("(6) = (1) − (2)", "Installment − received"), ("(7) = (4) − (5)", "Disbursed GFMIS − SMS")]
    end = month_end(ctx.fiscal_year, month)
    n_silent = int(silent.sum())
    notes = ["(6) ส่วนต่างเงินประจำงวด GFMIS กับรับโอน SMS · (7) ส่วนต่างเบิกจ่าย GFMIS กับเบิกจ่าย SMS "
             "(ไม่รวมงบกลาง) · '-' = ไม่มีข้อมูล"]
    if n_silent:
        notes.insert(0, f"ศูนย์ต้นทุนที่ยังไม่ได้บันทึกข้อมูลใน SMS {n_silent} แห่ง (แถวสีแดง) / "
                        f"{n_silent} cost centre(s) recorded nothing in SMS.")
    return ctx.table(
        "reconciliation", "2. เปรียบเทียบเงินประจำงวดและการเบิกจ่าย GFMIS กับ SMS / GFMIS vs SMS reconciliation",
        out[["no", "level", "region", "cost_center", "name", *money, "recorded", "flag"]],
        [Col("no", "ลำดับ", "No.", "int"), Col("cost_center", "รหัสศูนย์ต้นทุน", "Cost centre", "code"),
         Col("name", "หน่วยงาน", "Name"),
         *(Col(k, th, en, "money") for k, (th, en) in zip(money, labels, strict=True)),
         Col("flag", "หมายเหตุ", "Flag", "verdict")],
        ("allocations", "projects", "disbursements"), level="level", blank={"no": {"total"}},
        period=f"สะสมถึงสิ้นเดือน{THAI_MONTHS[month]} {be_year(end.year)}", notes=notes)


def strategies(ctx: Context) -> ReportTable:
    """Projects by excellence strategy and plan: count, budget, disbursed, remaining, rate."""
    projects = project_money(ctx)
    plans = ctx.reference["plans"][["plan_code", "name_th", "excellence_code"]].rename(columns={"name_th": "plan"})
    ex = ctx.reference["excellences"][["excellence_code", "name_th"]].rename(columns={"name_th": "strategy"})
    merged = projects.merge(plans, on="plan_code", how="left").merge(ex, on="excellence_code", how="left")
    sums = dict(projects=("project_code", "size"), budget=("budget", "sum"), disbursed=("disbursed", "sum"))
    blocks = []
    for _, e in ex.iterrows():
        mine = merged[merged["excellence_code"] == e["excellence_code"]]
        head = {"level": "group", "code": e["excellence_code"], "name": e["strategy"],
                "projects": len(mine), "budget": mine["budget"].sum(), "disbursed": mine["disbursed"].sum()}
        blocks.append(pd.DataFrame([head]))
        if len(mine):
            by_plan = mine.groupby(["plan_code", "plan"], dropna=False).agg(**sums).reset_index()
            by_plan = by_plan.rename(columns={"plan_code": "code", "plan": "name"}).assign(level="sub")
            blocks.append(by_plan)
    unknown = merged[merged["excellence_code"].isna()]
    if len(unknown):
        blocks.append(pd.DataFrame([{"level": "group", "code": "", "name": "ไม่ระบุยุทธศาสตร์",
                                     "projects": len(unknown), "budget": unknown["budget"].sum(),
                                     "disbursed": unknown["disbursed"].sum()}]))
    blocks.append(pd.DataFrame([{"level": "total", "code": "", "name": f"รวมจังหวัด{ctx.province.name_th}",
                                 "projects": len(projects), "budget": projects["budget"].sum(),
                                 "disbursed": projects["disbursed"].sum()}]))
    out = pd.concat(blocks, ignore_index=True)
    out["projects"] = out["projects"].astype("int64")
    out[["budget", "disbursed"]] = out[["budget", "disbursed"]].astype("float64").round(2)
    out["remaining"] = (out["budget"] - out["disbursed"]).round(2)
    out["rate"] = ratio(out["disbursed"], out["budget"])
    out["status"] = target_status(out["rate"], ctx.target)
    return ctx.table(
        "strategies", "3. โครงการตามยุทธศาสตร์และแผนงาน / Projects by strategy and plan",
        out[["level", "code", "name", "projects", "budget", "disbursed", "remaining", "rate", "status"]],
        [Col("code", "รหัส", "Code", "code"), Col("name", "ยุทธศาสตร์ / แผนงาน", "Strategy / plan"),
         Col("projects", "จำนวนโครงการ", "Projects", "int"), Col("budget", "งบประมาณโครงการ", "Budget", "money"),
         Col("disbursed", "เบิกจ่าย", "Disbursed", "money"), Col("remaining", "คงเหลือ", "Remaining", "money"),
         Col("rate", "ร้อยละเบิกจ่าย", "Rate", "pct"),
         Col("status", f"เทียบเป้า {ctx.target * 100:g}%", "vs target", "verdict")],
        ("projects", "disbursements"), level="level", period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}",
        notes=["ร้อยละเบิกจ่ายของโครงการ = เบิกจ่าย ÷ งบประมาณโครงการ / project rate = disbursed ÷ project budget."])


def project_money(ctx: Context) -> pd.DataFrame:
    """Every current project of the province with its disbursement up to the cut-off."""
    projects = ctx.rows("projects")
    spent = net_disbursed(ctx.rows("payments"), ctx.rows("clearings"), ["cost_center", "project_code"],
                          on=ACROSS_COST_CENTRES, end=ctx.cutoff)
    key = pd.MultiIndex.from_frame(projects[["cost_center", "project_code"]])
    out = projects[["cost_center", "unit_code", "project_code", "project_name", "plan_code", "kpi_code",
                    "budget"]].copy()
    out["disbursed"] = spent.reindex(key).fillna(0.0).to_numpy() if len(projects) and len(spent) else 0.0
    return out


def projects(ctx: Context) -> ReportTable:
    """Appendix: every project with its budget, disbursement and rate against the target."""
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
        [Col("unit", "หน่วยงาน", "Unit"), Col("project_code", "รหัสโครงการ", "Project", "code"),
         Col("project_name", "ชื่อโครงการ", "Project name"), Col("plan_code", "แผนงาน", "Plan", "code"),
         Col("budget", "งบประมาณ", "Budget", "money"), Col("disbursed", "เบิกจ่าย", "Disbursed", "money"),
         Col("remaining", "คงเหลือ", "Remaining", "money"), Col("rate", "ร้อยละ", "Rate", "pct"),
         Col("status", f"เทียบเป้า {ctx.target * 100:g}%", "vs target", "verdict")],
        ("projects", "disbursements"), period=f"ผลการเบิกจ่ายสะสมถึง {thai_date(ctx.cutoff)}")


def monthly(ctx: Context) -> pd.DataFrame:
    """Cumulative money per fiscal month up to the cut-off's month: SMS received and disbursed, GFMIS figures,
    and the cumulative disbursement target at each quarter's end (of what was received by then)."""
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


# -- KPIs ------------------------------------------------------------------------------------------------
def verdict(result: pd.Series, direction: pd.Series, target: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ of each result against its target in its direction; NA without a result."""
    out = []
    for r, d, t in zip(result, direction, target, strict=True):
        if pd.isna(r) or pd.isna(t) or d not in DIRECTIONS:
            out.append(NA)
        else:
            out.append(PASS if bool(DIRECTIONS[d](float(r), float(t))) else FAIL)
    return pd.Series(out, index=result.index, dtype=object)


def kpi_results(ctx: Context) -> pd.DataFrame:
    """Per KPI and unit listed (see module doc): the quarter's numerator, denominator, result and verdict."""
    results = ctx.rows("kpi_results")
    so_far = results[results["quarter"] <= ctx.quarter]
    linked = ctx.rows("projects").dropna(subset=["kpi_code"])
    pairs = pd.concat([so_far[["cost_center", "unit_code", "kpi_code"]],
                       linked[["cost_center", "unit_code", "kpi_code"]]]).drop_duplicates(["unit_code", "kpi_code"])
    now = results[results["quarter"] == ctx.quarter][["unit_code", "kpi_code", "numerator", "denominator", "result"]]
    out = pairs.merge(now, on=["unit_code", "kpi_code"], how="left")
    kpis = ctx.reference["kpis"]
    out = out.merge(kpis[["kpi_code", "direction", "target", f"ss_q{ctx.quarter}"]], on="kpi_code", how="left")
    out["quarter_target"] = out.pop(f"ss_q{ctx.quarter}").fillna(out["target"])
    out["verdict"] = verdict(out["result"], out["direction"], out["quarter_target"])
    out["unit"] = [ctx.unit_name(u) for u in out["unit_code"]]
    return out.sort_values(["kpi_code", "cost_center", "unit_code"]).reset_index(drop=True)


def target_text(direction, target, unit_label) -> str:
    from reports.fmt import number

    if pd.isna(target):
        return "-"
    sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(direction, direction or "")
    return f"{sign} {number(target)} {unit_label or ''}".strip()


def kpi_summary(ctx: Context) -> ReportTable:
    """Per KPI with any unit listed: target, the quarter's Small-Success target, units reporting and passing,
    the province's pass rate against its criterion, and the province verdict."""
    res = kpi_results(ctx)
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    rows = []
    for code, mine in res.groupby("kpi_code", sort=True):
        k = kpis.loc[code] if code in kpis.index else None
        reporting = int((mine["verdict"] != NA).sum())
        passing = int((mine["verdict"] == PASS).sum())
        rate = passing / reporting if reporting else np.nan
        criterion = float(k["pass_rate_target"]) / 100 if k is not None and pd.notna(k["pass_rate_target"]) else np.nan
        if np.isnan(criterion):
            province = NO_CRITERION
        elif np.isnan(rate):
            province = NA
        else:
            province = PASS if rate >= criterion - 1e-9 else FAIL
        ss = k[f"ss_q{ctx.quarter}"] if k is not None else np.nan
        rows.append({"kpi_code": code, "name": k["name_th"] if k is not None else code,
                     "target": target_text(k["direction"], k["target"], k["unit_label"]) if k is not None else "-",
                     "small_success": target_text(k["direction"], ss if pd.notna(ss) else k["target"],
                                                  k["unit_label"]) if k is not None else "-",
                     "units": len(mine), "reporting": reporting, "passing": passing, "pass_rate": rate,
                     "criterion": criterion, "verdict": province})
    out = pd.DataFrame(rows, columns=["kpi_code", "name", "target", "small_success", "units", "reporting", "passing",
                                      "pass_rate", "criterion", "verdict"])
    return ctx.table(
        "kpi_summary", "1. สรุปผลการประเมินตัวชี้วัดระดับจังหวัด / KPI summary for the province",
        out,
        [Col("kpi_code", "รหัส", "KPI", "code"), Col("name", "ตัวชี้วัด", "Indicator"),
         Col("target", "เป้าหมาย", "Target"),
         Col("small_success", f"เป้าหมายไตรมาส {ctx.quarter} (Small Success)", f"Q{ctx.quarter} target"),
         Col("units", "หน่วยงาน", "Units", "int"), Col("reporting", "รายงานผล", "Reporting", "int"),
         Col("passing", "ผ่านเกณฑ์", "Passing", "int"), Col("pass_rate", "ร้อยละที่ผ่าน", "Pass rate", "pct"),
         Col("criterion", "เกณฑ์จังหวัด", "Criterion", "pct"), Col("verdict", "ผลการประเมิน", "Verdict", "verdict")],
        ("projects", "outputs"),
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=[f"หน่วยงานผ่านเกณฑ์เมื่อผลงานไตรมาสที่ {ctx.quarter} ถึงเป้าหมายไตรมาส (Small Success; ถ้าไม่กำหนดใช้เป้าหมายทั้งปี). "
               "ร้อยละที่ผ่าน = หน่วยงานที่ผ่านเกณฑ์ ÷ หน่วยงานที่รายงานผล; จังหวัดผ่านเกณฑ์เมื่อร้อยละที่ผ่านถึงเกณฑ์จังหวัด "
               "(ไม่กำหนดเกณฑ์ = ไม่มีเกณฑ์จังหวัดในข้อมูลอ้างอิง).",
               "A unit passes when its result of the quarter meets the quarter's target (Small Success, else the "
               "annual target). Pass rate = units passing ÷ units reporting, against the province criterion."])


def kpi_units(ctx: Context) -> ReportTable:
    """Per KPI (a heading row with its target) the units' results of the quarter and their verdicts."""
    res = kpi_results(ctx)
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    blocks = []
    for code, mine in res.groupby("kpi_code", sort=True):
        k = kpis.loc[code] if code in kpis.index else None
        name = k["name_th"] if k is not None else code
        target = target_text(k["direction"], k["target"], k["unit_label"]) if k is not None else "-"
        quarter = target_text(k["direction"], mine["quarter_target"].iloc[0], k["unit_label"]) if k is not None else "-"
        blocks.append(pd.DataFrame([{"level": "group", "kpi_code": code, "unit_code": "", "unit": f"{code} {name}",
                                     "target": target, "quarter_target_text": quarter, "verdict": ""}]))
        blocks.append(mine.assign(level="unit", target=target, quarter_target_text=quarter))
    columns = ["level", "kpi_code", "cost_center", "unit_code", "unit", "target", "quarter_target",
               "quarter_target_text", "numerator", "denominator", "result", "verdict"]
    out = pd.concat(blocks, ignore_index=True).reindex(columns=columns) if blocks else pd.DataFrame(columns=columns)
    return ctx.table(
        "kpi_units", f"2. ผลการดำเนินงานตามตัวชี้วัด รายหน่วยงาน ไตรมาสที่ {ctx.quarter} / KPI results by unit",
        out,
        [Col("unit", "ตัวชี้วัด / หน่วยงาน", "KPI / unit"), Col("target", "เป้าหมายทั้งปี", "Annual target"),
         Col("quarter_target_text", f"เป้าหมายไตรมาส {ctx.quarter}", f"Q{ctx.quarter} target"),
         Col("numerator", "ตัวตั้ง (A)", "A", "number"), Col("denominator", "ตัวหาร (B)", "B", "number"),
         Col("result", "ผลงาน", "Result", "number"), Col("verdict", "ผลการประเมิน", "Verdict", "verdict")],
        ("outputs",), level="level", blank={"target": {"unit"}, "quarter_target_text": {"unit"},
                                             "numerator": {"group"}, "denominator": {"group"}, "result": {"group"}},
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=["NA = หน่วยงานยังไม่ได้รายงานผลของไตรมาสนี้ / no result for the quarter."])


def small_success(ctx: Context) -> ReportTable:
    """Each promised output's Small-Success target of the quarter, its cumulative result and status."""
    outputs, results = ctx.rows("outputs"), ctx.rows("output_results")
    projects = ctx.rows("projects")[["cost_center", "project_code", "project_name", "unit_code"]]
    now = results[results["quarter"] == ctx.quarter][["cost_center", "project_code", "output_no", "result"]]
    out = (outputs.merge(projects, on=["cost_center", "project_code"], how="left")
           .merge(now, on=["cost_center", "project_code", "output_no"], how="left"))
    out["ss_target"] = out[f"target_q{ctx.quarter}"]
    out["achievement"] = ratio(out["result"], out["ss_target"])
    status = np.where(out["result"] >= out["ss_target"] - 1e-9, ACHIEVED, NOT_ACHIEVED)
    out["status"] = np.where(out["result"].isna() | out["ss_target"].isna(), NA, status)
    out["unit"] = [ctx.unit_name(u) for u in out["unit_code"]]
    out["project"] = out["project_code"] + " " + out["project_name"].fillna("")
    out = out.sort_values(["cost_center", "unit_code", "project_code", "output_no"])
    done, judged = int((out["status"] == ACHIEVED).sum()), int((out["status"] != NA).sum())
    return ctx.table(
        "small_success", f"3. ความก้าวหน้าผลผลิตโครงการ (Small Success) ไตรมาสที่ {ctx.quarter} / "
                         "Small Success of project outputs",
        out[["cost_center", "unit_code", "unit", "project_code", "project", "output_no", "output_name", "target_unit",
             "target", "ss_target", "result", "achievement", "status"]],
        [Col("unit", "หน่วยงาน", "Unit"), Col("project", "โครงการ", "Project"),
         Col("output_name", "ผลผลิต", "Output"), Col("target_unit", "หน่วยนับ", "Unit of measure"),
         Col("target", "เป้าหมายทั้งปี", "Annual target", "number"),
         Col("ss_target", f"เป้า Small Success ไตรมาส {ctx.quarter}", f"Small Success Q{ctx.quarter}", "number"),
         Col("result", "ผลงานสะสม", "Cumulative result", "number"),
         Col("achievement", "ร้อยละของเป้า", "% of milestone", "pct"),
         Col("status", "สถานะ", "Status", "verdict")],
        ("projects", "outputs"), period=f"ผลงานสะสมไตรมาสที่ {ctx.quarter}",
        notes=[f"บรรลุ Small Success {done:,} จาก {judged:,} ผลผลิตที่มีผลงานและเป้าหมาย / "
               f"{done:,} of {judged:,} outputs reached their milestone."])


def remarks(ctx: Context, column: str) -> ReportTable:
    """Problems or suggestions written on output results, grouped by identical text, with who wrote them."""
    quarters = [q for q in range(1, ctx.quarter + 1) if inspection_round(q) == ctx.round]
    results = ctx.rows("output_results")
    results = results[results["quarter"].isin(quarters)]
    projects = ctx.rows("projects")[["cost_center", "project_code", "unit_code"]]
    texts = results.merge(projects, on=["cost_center", "project_code"], how="left")
    texts = texts.assign(text=texts[column].astype(object).where(texts[column].notna(), "").str.strip())
    texts = texts[texts["text"] != ""]
    texts = texts.assign(unit=[ctx.unit_name(u) for u in texts["unit_code"]])
    grouped = (texts.groupby("text").agg(times=("text", "size"), units=("unit", lambda u: ", ".join(sorted(set(u)))),
                                         n_units=("unit", "nunique"), quarters=("quarter", lambda q: ", ".join(
                                             f"Q{x}" for x in sorted(set(q)))))
               .reset_index().sort_values(["n_units", "times", "text"], ascending=[False, False, True]))
    grouped.insert(0, "no", range(1, len(grouped) + 1))
    th, en, number = (("ปัญหาอุปสรรค", "Problems", "4") if column == "problems"
                      else ("ข้อเสนอแนะ", "Suggestions", "5"))
    return ctx.table(
        column, f"{number}. {th}จากหน่วยงาน (จัดกลุ่ม) / {en} written by units, grouped",
        grouped[["no", "text", "n_units", "times", "quarters", "units"]],
        [Col("no", "ลำดับ", "No.", "int"), Col("text", th, en), Col("n_units", "จำนวนหน่วยงาน", "Units", "int"),
         Col("times", "จำนวนครั้ง", "Times", "int"), Col("quarters", "ไตรมาส", "Quarters"),
         Col("units", "หน่วยงานที่รายงาน", "Written by")],
        ("outputs",), period=f"ไตรมาส {', '.join(str(q) for q in quarters)} ของรอบที่ {ctx.round}")


# -- hospital financial health (seed 003) ----------------------------------------------------------------
HOSPITAL_TEMPLATES = ("hospital_finance",)


def _verdict(flag: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ / NA of a nullable boolean."""
    return pd.Series([NA if pd.isna(f) else (PASS if bool(f) else FAIL) for f in flag], index=flag.index, dtype=object)


def hospital_month(ctx: Context) -> int | None:
    """The latest month that ended by the cut-off and has a hospital_finance row in the province (None: none)."""
    rows = ctx.rows("hospital_finance")
    have = set(pd.to_numeric(rows["month"], errors="coerce").dropna().astype(int)) if len(rows) else set()
    found = [m for m, _ in due_months(ctx.fiscal_year, ctx.cutoff) if m in have]
    return found[-1] if found else None


def hospital_health(ctx: Context) -> dict[str, ReportTable]:
    """Seed 003's financial-health tables for the province's hospitals, for :func:`hospital_month`.

    Every figure is :func:`finance.health.hospital_health` of the province's current ``hospital_finance``
    rows (thresholds of the fiscal year; 7 Plus medians and unit-cost limits from the peers in the
    province, as no national figures are stored). Planfin and IP get seed 003's province row, computed
    from the summed items (:func:`finance.health.totals`). Empty when the province has no hospital
    finance up to the cut-off. Keys: hospital_risk, hospital_seven_plus, hospital_matrix,
    hospital_planfin, hospital_ip, hospital_unit_cost.
    """
    month = hospital_month(ctx)
    if month is None:
        return {}
    t = fh.thresholds_for(ctx.fiscal_year)
    rows = ctx.rows("hospital_finance")
    rows = rows.assign(month=pd.to_numeric(rows["month"]).astype(int))
    units = ctx.reference["units"]
    frame = fh.hospital_health(rows, units, fiscal_year=ctx.fiscal_year, month=month, thresholds=t)
    frame["name"] = frame["name"].fillna(frame["unit_code"])
    frame = frame.sort_values(["cost_center", "unit_code"]).reset_index(drop=True)
    frame["level"] = "unit"
    total = fh.totals(fh.rows_of_month(rows, month), f"ภาพรวมจังหวัด{ctx.province.name_th}")
    total = fh.ip_revenue_share(fh.planfin_variance(total, t), t).assign(level="total", cost_center="")
    when = f"ข้อมูล ณ สิ้นเดือน{THAI_MONTHS[month]} {be_year(month_end(ctx.fiscal_year, month).year)}"
    head = ["level", "cost_center", "unit_code", "name", "month"]
    peer = Col("service_level", "ระดับ", "Level", "code")
    hosp = Col("name", "โรงพยาบาล", "Hospital")
    out: dict[str, ReportTable] = {}

    risk = frame.copy()
    for col, point in (("cr_ok", "cr_point"), ("qr_ok", "qr_point"), ("cash_ok", "cash_point"),
                       ("nwc_ok", "nwc_point"), ("ni_ok", "ni_point")):
        risk[col] = risk[point].map(lambda p: pd.NA if pd.isna(p) else p == 0).astype("boolean")
    risk["risk_ok"] = risk["risk_score"].map(lambda r: pd.NA if pd.isna(r) else r <= 1).astype("boolean")
    out["hospital_risk"] = ctx.table(
        "hospital_risk", "4.1 ผลการประเมินภาวะวิกฤติทางการเงิน (Risk Scoring) / Risk Score",
        risk[[*head, "service_level", "current_ratio", "quick_ratio", "cash_ratio", "nwc", "net_income",
              "cr_point", "qr_point", "cash_point", "liquidity", "nwc_point", "ni_point", "status",
              "survival_ratio", "survival", "risk_score", "cr_ok", "qr_ok", "cash_ok", "nwc_ok", "ni_ok", "risk_ok"]],
        [hosp, peer, Col("current_ratio", "CR", "Current ratio", "ratio", "cr_ok"),
         Col("quick_ratio", "QR", "Quick ratio", "ratio", "qr_ok"),
         Col("cash_ratio", "Cash", "Cash ratio", "ratio", "cash_ok"),
         Col("nwc", "NWC (บาท)", "Net working capital", "money", "nwc_ok"),
         Col("net_income", "NI สะสม (บาท)", "Net income YTD", "money", "ni_ok"),
         Col("liquidity", "สภาพคล่อง (0–3)", "Liquidity", "int"), Col("status", "สถานะ (0–2)", "Status", "int"),
         Col("survival", "ความอยู่รอด (0–2)", "Survival", "int"),
         Col("risk_score", "Risk Score (0–7)", "Risk Score", "int", "risk_ok")],
        HOSPITAL_TEMPLATES, level="level", period=when,
        notes=[f"คะแนนสภาพคล่อง: CR < {t.current_ratio:g}, QR < {t.quick_ratio:g}, Cash < {t.cash_ratio:g} "
               "ได้ข้อละ 1 คะแนน · สถานะ: NWC < 0 และ NI < 0 ได้ข้อละ 1 คะแนน · ความอยู่รอด 0–2 ตามจำนวนเดือนที่ทุนหมุนเวียน"
               "รองรับการขาดทุน (หรือที่ต้องใช้กำไรปิดทุนหมุนเวียนที่ติดลบ) · ช่องสีแดง = ได้คะแนนความเสี่ยง / "
               "a red cell scores a risk point; Risk Score = liquidity + status + survival (0 best, 7 worst)."])

    seven = frame.copy()
    indicators = [("operating_margin", "Operating Margin", "%", "om_pass"), ("roa", "ROA", "%", "roa_pass"),
                  ("payment_period", "ระยะเวลาชำระหนี้", "Payment period (days)", "payment_pass"),
                  ("uc_collection_period", "เก็บหนี้ UC", "UC collection (days)", "uc_pass"),
                  ("csmbs_collection_period", "เก็บหนี้ข้าราชการ", "CSMBS collection (days)", "csmbs_pass"),
                  ("sss_collection_period", "เก็บหนี้ประกันสังคม", "SSS collection (days)", "sss_pass"),
                  ("inventory_period", "สินค้าคงคลัง", "Inventory (days)", "inventory_pass")]
    for key, *_ in indicators:
        seven[key] = fh.round_half_up(seven[key].astype("float64"), t.decimals)
    seven["grade_verdict"] = seven["grade"].fillna(NA)
    out["hospital_seven_plus"] = ctx.table(
        "hospital_seven_plus", "4.2 ผลการประเมินประสิทธิภาพทางการเงิน (7 Plus Efficiency) / 7 Plus",
        seven[[*head, "service_level", *[k for k, *_ in indicators], "om_median", "roa_median", "payment_limit",
               *fh.PASSES, "passed", "grade"]],
        [hosp, peer, *[Col(k, th, en, "ratio", flag) for k, th, en, flag in indicators],
         Col("passed", "ผ่าน (ข้อ)", "Passed of 7", "int"), Col("grade", "เกรด", "Grade", "code")],
        HOSPITAL_TEMPLATES, level="level", period=when,
        notes=["ช่องสีเขียว = ผ่าน, สีแดง = ไม่ผ่าน / green passes, red fails. Operating Margin และ ROA ผ่านเมื่อไม่ต่ำกว่า"
               "ค่ามัธยฐานของกลุ่มระดับบริการเดียวกันในจังหวัด (ไม่มีค่ามัธยฐานระดับประเทศในระบบ) · ระยะเวลาชำระหนี้ "
               f"≤ {t.payment_days:g} วัน (≤ {t.payment_days_low_cash:g} วันเมื่อ Cash < {t.cash_ratio:g}) · "
               f"เก็บหนี้ UC, ข้าราชการ, ประกันสังคม ≤ {t.uc_collection_days:g} วัน · สินค้าคงคลัง ≤ "
               f"{t.inventory_days:g} วัน · เกรดตามจำนวนข้อที่ผ่าน: A 7, A- 6, B 5, B- 4, C 3, C- 2, D 1, F 0."])

    matrix = fh.risk_matrix(frame, thresholds=t)
    grid = matrix.reset_index().rename(columns={s: f"risk_{s}" for s in matrix.columns})
    grid["hospitals"] = [sum(bool(c) for c in r) for r in matrix.itertuples(index=False)]
    grid["level"] = "unit"
    out["hospital_matrix"] = ctx.table(
        "hospital_matrix", "4.3 Matrix Grading: Risk Scoring × 7 Plus Efficiency / Risk × 7 Plus matrix",
        grid, [Col("grade", "เกรด 7 Plus", "Grade", "code"),
               *[Col(f"risk_{s}", f"Risk {s}", "", "text") for s in matrix.columns],
               Col("hospitals", "จำนวน รพ.", "Hospitals", "int")],
        HOSPITAL_TEMPLATES, period=when,
        notes=["แถว = เกรด 7 Plus (A ดีที่สุด), คอลัมน์ = Risk Score (0 ดีที่สุด) / rows: 7 Plus grade; columns: Risk Score."])

    plan = pd.concat([frame, total], ignore_index=True)
    plan["revenue_verdict"] = _verdict(plan["revenue_pass"])
    plan["expense_verdict"] = _verdict(plan["expense_pass"])
    plan["planfin_verdict"] = _verdict(plan["planfin_pass"])
    plan["surplus_verdict"] = _verdict(plan["surplus_pass"])
    out["hospital_planfin"] = ctx.table(
        "hospital_planfin", "4.4 แผนทางการเงิน (Planfin) เปรียบเทียบผลการดำเนินงาน / Planfin plan against actual",
        plan[[*head, "quarter", "planfin_revenue", "revenue_plan_to_date", "revenue", "revenue_variance",
              "revenue_variance_pct", "revenue_pass", "planfin_expense", "expense_plan_to_date", "expense",
              "expense_variance", "expense_variance_pct", "expense_pass", "planfin_pass", "surplus_pass",
              "revenue_verdict", "expense_verdict", "planfin_verdict", "surplus_verdict"]],
        [hosp, Col("revenue_plan_to_date", "แผนรายได้ถึงไตรมาส", "Revenue plan to date", "money"),
         Col("revenue", "รายได้จริง", "Actual revenue", "money"),
         Col("revenue_variance_pct", "ผลต่างรายได้", "Revenue variance", "percent", "revenue_pass"),
         Col("expense_plan_to_date", "แผนค่าใช้จ่ายถึงไตรมาส", "Expense plan to date", "money"),
         Col("expense", "ค่าใช้จ่ายจริง", "Actual expense", "money"),
         Col("expense_variance_pct", "ผลต่างค่าใช้จ่าย", "Expense variance", "percent", "expense_pass"),
         Col("planfin_verdict", f"ผลต่างไม่เกิน ±{t.planfin_tolerance_pct:g}% ทั้งสองด้าน", "Both within tolerance",
             "verdict"),
         Col("surplus_verdict", "รายได้ ≥ ค่าใช้จ่าย เทียบแผน", "Surplus vs plan", "verdict")],
        HOSPITAL_TEMPLATES, level="level", period=when,
        notes=["แผนถึงไตรมาส = แผนทั้งปี × ไตรมาส ÷ 4; ผลต่าง % = (ผล − แผน) ÷ แผน × 100 / plan to date = annual plan × "
               "quarter ÷ 4; variance % = (actual − plan) ÷ plan × 100. แถวภาพรวมจังหวัดคำนวณจากยอดรวม."])

    ip = pd.concat([frame, total], ignore_index=True)
    ip["ip_verdict"] = _verdict(ip["ip_pass"])
    out["hospital_ip"] = ctx.table(
        "hospital_ip", "4.5 รายรับงบ IP ตามผลงานการให้บริการ / IP revenue against the elapsed share of the year",
        ip[[*head, "ip_revenue_plan", "ip_revenue_received", "ip_share_pct", "ip_expected_pct", "ip_pass",
            "ip_verdict"]],
        [hosp, Col("ip_revenue_plan", "ประมาณการรายรับ IP (หลังปรับลดค่าแรง)", "IP estimate net of wages", "money"),
         Col("ip_revenue_received", "ได้รับสะสม", "Received YTD", "money"),
         Col("ip_share_pct", "ร้อยละที่ได้รับ", "Share received", "percent", "ip_pass"),
         Col("ip_expected_pct", "ร้อยละตามเวลาที่ผ่านไป", "Elapsed share", "percent"),
         Col("ip_verdict", "ผลการประเมิน", "Verdict", "verdict")],
        HOSPITAL_TEMPLATES, level="level", period=when,
        notes=[f"ผ่านเมื่อร้อยละที่ได้รับไม่ต่ำกว่าร้อยละตามเดือนที่ผ่านไป ({fh.month_position(pd.Series([month])).iloc[0]} "
               "เดือน ÷ 12) / passes when the share received is at least the elapsed share of the year."])

    cost = frame.copy()
    cost["opd_verdict"], cost["ipd_verdict"] = _verdict(cost["opd_pass"]), _verdict(cost["ipd_pass"])
    cost["unit_cost_label"] = [
        "-" if pd.isna(m) else f"{THAI_MONTHS[int(m)]}" for m in cost["unit_cost_month"]]
    out["hospital_unit_cost"] = ctx.table(
        "hospital_unit_cost", "4.6 ต้นทุนบริการต่อหน่วย (Unit Cost แบบ Quick Method) / Unit cost",
        cost[[*head, "service_level", "unit_cost_month", "unit_cost_label", "opd_cost", "opd_visits",
              "opd_cost_per_visit", "opd_limit", "opd_pass", "ipd_cost", "adjrw", "ipd_cost_per_adjrw", "ipd_limit",
              "ipd_pass", "unit_cost_pass", "opd_verdict", "ipd_verdict"]],
        [hosp, peer, Col("unit_cost_label", "ข้อมูลเดือน", "Month"),
         Col("opd_cost_per_visit", "ต้นทุนต่อครั้ง OPD", "OPD cost per visit", "money"),
         Col("opd_limit", "Mean + 1SD (OPD)", "Peer limit", "money"),
         Col("opd_verdict", "OPD", "OPD verdict", "verdict"),
         Col("ipd_cost_per_adjrw", "ต้นทุนต่อ AdjRW", "IPD cost per AdjRW", "money"),
         Col("ipd_limit", "Mean + 1SD (IPD)", "Peer limit", "money"),
         Col("ipd_verdict", "IPD", "IPD verdict", "verdict")],
        HOSPITAL_TEMPLATES, level="level", period=when,
        notes=["ผ่านเมื่อต้นทุนไม่เกิน Mean + 1 SD ของโรงพยาบาลระดับบริการเดียวกันในจังหวัด (SD ตัวอย่าง; กลุ่มที่มี "
               "โรงพยาบาลเดียวใช้ค่าของตนเอง) · ข้อมูลเดือน = เดือนล่าสุดที่มีข้อมูลต้นทุน / passes at or below the "
               "peer group's Mean + 1 SD; NA = no unit-cost data yet."])
    return out
