"""The KPI report's tables (DOMAIN.md "Reports"; seed 003): the province's KPI summary, each unit's KPI result,
the Small Success of project outputs, and the problems and suggestions units wrote.

- **KPI verdict**: the unit's result of the quarter against the KPI's target *for that quarter* in its
  direction (ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์): the quarter's Small-Success target (``ss_q1..ss_q4``) where the
  reference sets one, else the annual target (at Q4 they agree); NA when the unit has no result for the
  quarter. A quarterly inspection judges the milestone due by then: judging a Q2 result of "≥ 60 % by year
  end" against 60 would fail every unit on track. A unit is listed under a KPI when it reported that KPI in
  any quarter so far or runs a project linked to it. Province pass rate = units passing ÷ units with a result,
  against the KPI's province criterion (``pass_rate_target``; none → no province verdict, ไม่กำหนดเกณฑ์).
- **Small Success of outputs**: the cumulative result of the quarter against the output's Small-Success
  target of that quarter (``target_q1..q4``).
- **Problems and suggestions**: those written on output results of the round's quarters up to this one,
  grouped by identical text, with the units that wrote them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.fiscal import inspection_round
from domain.vocabulary import FIGURES
from reports.fmt import ACHIEVED, FAIL, NA, NO_CRITERION, NOT_ACHIEVED, PASS, Col, ReportTable, number
from reports.tables.context import Context, report_table
from reports.tables.labels import either, of_quarter
from reports.tables.money import ratio
from templates.headers import header

DIRECTIONS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
SUMMARY_COLUMNS = ["kpi_code", "name", "target", "small_success", "units", "reporting", "passing", "pass_rate",
                   "criterion", "verdict"]


def verdict(result: pd.Series, direction: pd.Series, target: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ of each result against its target in its direction; NA without a result."""
    out = []
    for r, d, t in zip(result, direction, target, strict=True):
        if pd.isna(r) or pd.isna(t) or d not in DIRECTIONS:
            out.append(NA)
        else:
            out.append(PASS if bool(DIRECTIONS[d](float(r), float(t))) else FAIL)
    return pd.Series(out, index=result.index, dtype=object)


def target_text(direction, target, unit_label) -> str:
    """A KPI target as it reads: ``≥ 85 ร้อยละ``; ``-`` without one."""
    if pd.isna(target):
        return "-"
    return f"{SIGNS.get(direction, direction or '')} {number(target)} {unit_label or ''}".strip()


def kpi_results(ctx: Context) -> pd.DataFrame:
    """Per KPI and unit listed (see the module's doc), by kpi_code, cost_center, unit_code: the quarter's
    numerator, denominator and result (as reported), the KPI's direction, annual target and quarter_target
    (its Small-Success target of the quarter, else the annual one), the verdict and the unit's name."""
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


def province_verdict(rate: float, criterion: float) -> str:
    """The province's verdict: its pass rate against the KPI's criterion (fractions); ไม่กำหนดเกณฑ์ without
    a criterion, NA without a unit reporting."""
    if np.isnan(criterion):
        return NO_CRITERION
    if np.isnan(rate):
        return NA
    return PASS if rate >= criterion - 1e-9 else FAIL


def summary_row(ctx: Context, code: str, mine: pd.DataFrame, k: pd.Series | None) -> dict:
    """One KPI's row of :func:`kpi_summary` from its units' results ``mine`` and its reference row ``k``."""
    reporting = int((mine["verdict"] != NA).sum())
    passing = int((mine["verdict"] == PASS).sum())
    rate = passing / reporting if reporting else np.nan
    row = {"kpi_code": code, "name": code, "target": "-", "small_success": "-", "units": len(mine),
           "reporting": reporting, "passing": passing, "pass_rate": rate, "criterion": np.nan}
    if k is not None:
        ss = k[f"ss_q{ctx.quarter}"]
        row.update(name=k["name_th"], target=target_text(k["direction"], k["target"], k["unit_label"]),
                   small_success=target_text(k["direction"], ss if pd.notna(ss) else k["target"], k["unit_label"]),
                   criterion=float(k["pass_rate_target"]) / 100 if pd.notna(k["pass_rate_target"]) else np.nan)
    return row | {"verdict": province_verdict(rate, row["criterion"])}


@report_table
def kpi_summary(ctx: Context) -> ReportTable:
    """Table 1, per KPI with any unit listed (by code): name, annual target and the quarter's target as text,
    units listed, reporting and passing (counts), pass_rate and its province criterion (fractions) and the
    province verdict. Columns :data:`SUMMARY_COLUMNS`."""
    res = kpi_results(ctx)
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    rows = [summary_row(ctx, code, mine, kpis.loc[code] if code in kpis.index else None)
            for code, mine in res.groupby("kpi_code", sort=True)]
    return ctx.table(
        "kpi_summary", "1. สรุปผลการประเมินตัวชี้วัดระดับจังหวัด / KPI summary for the province",
        pd.DataFrame(rows, columns=SUMMARY_COLUMNS),
        [Col("kpi_code", "code", sheet="kpis"), Col("name", figure="indicator"), Col("target", sheet="kpis"),
         Col("small_success", label=of_quarter(ctx.quarter)), Col("units", "int"), Col("reporting", "int"),
         Col("passing", "int"), Col("pass_rate", "pct"),
         Col("criterion", "pct", sheet="kpis", figure="pass_rate_target"), Col("verdict", "verdict")],
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=[f"หน่วยงานผ่านเกณฑ์เมื่อผลงานไตรมาสที่ {ctx.quarter} ถึงเป้าหมายไตรมาส (Small Success; ถ้าไม่กำหนดใช้เป้าหมายทั้งปี). "
               "ร้อยละที่ผ่าน = หน่วยงานที่ผ่านเกณฑ์ ÷ หน่วยงานที่รายงานผล; จังหวัดผ่านเกณฑ์เมื่อร้อยละที่ผ่านถึงเกณฑ์จังหวัด "
               "(ไม่กำหนดเกณฑ์ = ไม่มีเกณฑ์จังหวัดในข้อมูลอ้างอิง).",
               "A unit passes when its result of the quarter meets the quarter's target (Small Success, else the "
               "annual target). Pass rate = units passing ÷ units reporting, against the province criterion."])


@report_table
def kpi_units(ctx: Context) -> ReportTable:
    """Table 2, per KPI a heading row (level ``group``: code and name, the annual and the quarter's target as
    text) and its units' rows (``unit``): numerator, denominator and result of the quarter, and the verdict."""
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
        [Col("unit", label=either(header("kpi_code", "projects"), FIGURES["unit"])), Col("target", sheet="kpis"),
         Col("quarter_target_text", label=of_quarter(ctx.quarter)),
         *(Col(k, "number", sheet="kpi_results") for k in ("numerator", "denominator", "result")),
         Col("verdict", "verdict")],
        level="level", blank={"target": {"unit"}, "quarter_target_text": {"unit"},
                              "numerator": {"group"}, "denominator": {"group"}, "result": {"group"}},
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=["NA = หน่วยงานยังไม่ได้รายงานผลของไตรมาสนี้ / no result for the quarter."])


@report_table
def small_success(ctx: Context) -> ReportTable:
    """Table 3, each promised output (by cost centre, unit, project, output no.): its annual and this quarter's
    Small-Success target and cumulative result (as typed, in its unit of measure), achievement = result ÷
    milestone (fraction) and the status บรรลุ / ยังไม่บรรลุ (NA without a result or a milestone)."""
    outputs, results = ctx.rows("outputs"), ctx.rows("output_results")
    projects = ctx.rows("projects")[["cost_center", "project_code", "project_name", "unit_code"]]
    now = results[results["quarter"] == ctx.quarter][["cost_center", "project_code", "output_no", "result"]]
    out = (outputs.merge(projects, on=["cost_center", "project_code"], how="left")
           .merge(now, on=["cost_center", "project_code", "output_no"], how="left"))
    milestone = f"target_q{ctx.quarter}"
    out["ss_target"] = out[milestone]
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
        [Col("unit"), Col("project"), Col("output_name", sheet="outputs"), Col("target_unit", sheet="outputs"),
         Col("target", "number", sheet="outputs"), Col("ss_target", "number", sheet="outputs", figure=milestone),
         Col("result", "number", sheet="output_results"), Col("achievement", "pct"), Col("status", "verdict")],
        period=f"ผลงานสะสมไตรมาสที่ {ctx.quarter}",
        notes=[f"บรรลุ Small Success {done:,} จาก {judged:,} ผลผลิตที่มีผลงานและเป้าหมาย / "
               f"{done:,} of {judged:,} outputs reached their milestone."])


def round_quarters(ctx: Context) -> list[int]:
    """The quarters of the context's inspection round up to its quarter (Q2 of round 1: [1, 2])."""
    return [q for q in range(1, ctx.quarter + 1) if inspection_round(q) == ctx.round]


def remark_groups(ctx: Context, column: str) -> pd.DataFrame:
    """The texts of ``column`` (problems or suggestions) on output results of :func:`round_quarters`, one row
    per distinct text: no, text, n_units, times, quarters ("Q1, Q2"), units (names), most units first."""
    results = ctx.rows("output_results")
    results = results[results["quarter"].isin(round_quarters(ctx))]
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
    return grouped[["no", "text", "n_units", "times", "quarters", "units"]]


@report_table
def remarks(ctx: Context, column: str) -> ReportTable:
    """Table 4 (``column`` = ``problems``) or 5 (``suggestions``): :func:`remark_groups` with who wrote them."""
    words, number_ = header(column, "output_results"), "4" if column == "problems" else "5"
    return ctx.table(
        column, f"{number_}. {words.th}จากหน่วยงาน (จัดกลุ่ม) / {words.en} written by units, grouped",
        remark_groups(ctx, column),
        [Col("no", "int"), Col("text", sheet="output_results", figure=column), Col("n_units", "int", figure="units"),
         Col("times", "int"), Col("quarters"), Col("units", figure="written_by")],
        period=f"ไตรมาส {', '.join(str(q) for q in round_quarters(ctx))} ของรอบที่ {ctx.round}")
