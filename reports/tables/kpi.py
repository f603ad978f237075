"""The KPI report's tables (DOMAIN.md "Reports"; seed 003): the province's KPI summary, each unit's KPI result,
the Small Success of project outputs, and the problems and suggestions units wrote.

- **One definition per figure.** A KPI whose reference row names a hospital-finance criterion (``computed``,
  :class:`domain.vocabulary.HospitalCriterion`) is computed from the store (:func:`finance.health.criteria` of
  :func:`reports.tables.hospital_figures.hospital_inputs`, the figures of the financial report's hospital section)
  for every hospital with finance data; its verdict is the financial report's. What the unit typed for it is kept
  beside it and flagged when it differs (:attr:`domain.vocabulary.Verdict.DIFFERS`, results compared to 2
  decimals). Without the store's figure (no finance data, no peer to compare a unit cost with) the typed result
  stands, marked as typed (:class:`domain.vocabulary.KpiSource`).
- **Who is counted.** A unit is listed under a KPI when it reported it in any quarter so far, runs a project linked
  to it or, for a computed KPI, has hospital finance; only units of the KPI's ``unit_types`` are counted (K22 HA of
  รพศ./รพท. apart from K23 of รพช., seed 003's KPI 6 split).
- **A unit's verdict**: the unit's result of the quarter against the KPI's target *for that quarter* in its
  direction (ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์): the quarter's Small-Success target (``ss_q1..ss_q4``) where the
  reference sets one, else the annual target (at Q4 they agree); NA when the unit has no result for the
  quarter. A quarterly inspection judges the milestone due by then: judging a Q2 result of "≥ 60 % by year
  end" against 60 would fail every unit on track. A yes/no KPI's result is 1 (ใช่) or 0; a level KPI's a level.
- **The province** (seed 003's KPI table: target, result, verdict): with a criterion as a share of units
  (``pass_rate_target``, seed 003's "เกณฑ์การประเมิน ร้อยละ 90" of its financial measures) the result is units
  passing ÷ units with a verdict × 100 against it; otherwise a ``rate`` KPI's result is ΣA ÷ ΣB × its scale
  (seed 003: HA of รพช. 8 ÷ 9 = 88.89 % against 87 %) and a ``count`` KPI's ΣA, against the quarter's target in
  the KPI's direction, rounded to 2 decimals first. Units without A and B are left out of ΣA ÷ ΣB. A KPI the
  reference gives neither shows ไม่กำหนดเกณฑ์.
- **Small Success of outputs**: the cumulative result of the quarter against the output's Small-Success
  target of that quarter (``target_q1..q4``).
- **Problems and suggestions**: those written on output results of the round's quarters up to this one,
  grouped by identical text, with the units that wrote them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.fiscal import inspection_round
from domain.vocabulary import FIGURES, HospitalCriterion, KpiMeasure, KpiSource, Verdict, YesNo
from finance import health as fh
from reports.fmt import ACHIEVED, FAIL, NA, NO_CRITERION, NOT_ACHIEVED, PASS, Col, ReportTable, number
from reports.tables.context import Context, report_table
from reports.tables.hospital_figures import hospital_inputs
from reports.tables.labels import either, of_quarter
from reports.tables.money import ratio
from templates.headers import header

DIRECTIONS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
FIGURE = ["numerator", "denominator", "result"]
TYPED = {k: f"typed_{k}" for k in FIGURE}
COMPUTED = {k: f"computed_{k}" for k in FIGURE}
KPI_COLUMNS = ["kpi_code", "direction", "target", "unit_label", "measure", "scale", "pass_rate_target"]
SUMMARY_COLUMNS = ["kpi_code", "name", "unit_types", "target", "small_success", "units", "reporting", "passing",
                   "pass_rate", "disagreeing", "sum_a", "sum_b", "province_result", "province_result_text",
                   "criterion", "criterion_text", "verdict"]


def verdict(result: pd.Series, direction: pd.Series, target: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ of each result against its target in its direction; NA without a result."""
    out = []
    for r, d, t in zip(result, direction, target, strict=True):
        if pd.isna(r) or pd.isna(t) or d not in DIRECTIONS:
            out.append(NA)
        else:
            out.append(PASS if bool(DIRECTIONS[d](float(r), float(t))) else FAIL)
    return pd.Series(out, index=result.index, dtype=object)


def passed(flags: pd.Series) -> pd.Series:
    """ผ่านเกณฑ์ / ไม่ผ่านเกณฑ์ / NA of a nullable boolean."""
    return pd.Series([NA if pd.isna(f) else (PASS if bool(f) else FAIL) for f in flags], index=flags.index,
                     dtype=object)


def value_text(value, measure: str, unit_label="") -> str:
    """A KPI figure as it reads: ``ใช่ (1)`` for a yes/no KPI, ``ระดับ 3`` for a level, else the number and
    ``unit_label`` when given; ``-`` without one."""
    if pd.isna(value):
        return "-"
    if measure == KpiMeasure.YESNO:
        word = YesNo.YES if float(value) >= 1 else YesNo.NO
        return f"{word.th} ({word.value})"
    if measure == KpiMeasure.LEVEL:
        return f"{KpiMeasure.LEVEL.th} {number(value)}"
    return f"{number(value)} {unit_label or ''}".strip()


def target_text(direction, target, unit_label, measure: str = KpiMeasure.RATE) -> str:
    """A KPI target as it reads: ``≥ 85 ร้อยละ``, ``≥ ระดับ 3``, ``ใช่ (1)`` (a yes/no KPI's wants yes); ``-``
    without one."""
    if pd.isna(target):
        return "-"
    if measure == KpiMeasure.YESNO:
        return value_text(target, measure)
    shown = value_text(target, measure, unit_label if measure != KpiMeasure.LEVEL else "")
    return f"{SIGNS.get(direction, direction or '')} {shown}".strip()


def computed_results(ctx: Context) -> pd.DataFrame:
    """The store's own result of every computed KPI for each hospital with finance data (see the module's doc):
    cost_center, unit_code, kpi_code, computed_numerator, computed_denominator, computed_result, passes."""
    columns = ["cost_center", "unit_code", "kpi_code", *COMPUTED.values(), "passes"]
    kpis = ctx.reference["kpis"]
    named = kpis[kpis["computed"].isin([c.value for c in HospitalCriterion])][["kpi_code", "computed"]]
    h = hospital_inputs(ctx) if len(named) else None
    if h is None:
        return pd.DataFrame(columns=columns)
    found = fh.criteria(h.frame, h.thresholds).merge(h.frame[["unit_code", "cost_center"]], on="unit_code")
    found = found.merge(named, left_on="criterion", right_on="computed").rename(columns=COMPUTED)
    return found[columns]


def counted(ctx: Context, pairs: pd.DataFrame) -> pd.DataFrame:
    """The (unit, KPI) pairs whose unit is of a type the KPI counts."""
    types = dict(zip(ctx.reference["units"]["unit_code"], ctx.reference["units"]["unit_type"], strict=True))
    wanted = ctx.reference.kpi_unit_types()
    keep = [not wanted.get(k) or types.get(u) in wanted[k] for u, k in zip(pairs["unit_code"], pairs["kpi_code"],
                                                                           strict=True)]
    return pairs[np.array(keep, dtype=bool)]  # a bool array: an empty list would select no columns


def kpi_results(ctx: Context) -> pd.DataFrame:
    """Per KPI and unit listed (see the module's doc), by kpi_code, cost_center, unit_code: the figures judged
    (numerator, denominator, result: the store's where it computes them, else as typed), ``source``, the typed
    figures (typed_numerator, typed_denominator, typed_result) and their own verdict (typed_verdict), the
    store's (computed_*, ``passes``), ``check`` (:attr:`Verdict.DIFFERS` where they differ, else ""), the KPI's
    reference fields, quarter_target (its Small-Success target of the quarter, else the annual one), the verdict
    and the unit's name."""
    keys = ["cost_center", "unit_code", "kpi_code"]
    results = ctx.rows("kpi_results")
    so_far = results[results["quarter"] <= ctx.quarter]
    linked = ctx.rows("projects").dropna(subset=["kpi_code"])
    computed = computed_results(ctx)
    pairs = counted(ctx, pd.concat([so_far[keys], linked[keys], computed[keys]]).drop_duplicates(["unit_code",
                                                                                                   "kpi_code"]))
    now = results[results["quarter"] == ctx.quarter][["unit_code", "kpi_code", *FIGURE]].rename(columns=TYPED)
    out = pairs.merge(now, on=["unit_code", "kpi_code"], how="left")
    out = out.merge(computed.drop(columns="cost_center"), on=["unit_code", "kpi_code"], how="left")
    kpis = ctx.reference["kpis"]
    out = out.merge(kpis[[*KPI_COLUMNS, f"ss_q{ctx.quarter}"]], on="kpi_code", how="left")
    out["quarter_target"] = out.pop(f"ss_q{ctx.quarter}").fillna(out["target"])
    mine = (out["computed_result"].notna() | out["passes"].notna()).to_numpy(dtype=bool)
    out["source"] = np.where(mine, KpiSource.COMPUTED.value, KpiSource.TYPED.value)
    for k in FIGURE:
        out[k] = out[COMPUTED[k]].where(mine, out[TYPED[k]]).astype("float64")
    out["typed_verdict"] = verdict(out["typed_result"], out["direction"], out["quarter_target"])
    out["verdict"] = passed(out["passes"]).where(mine, out["typed_verdict"])
    typed, own = out["typed_result"].astype("float64").round(2), out["computed_result"].astype("float64").round(2)
    differs = mine & typed.notna().to_numpy() & ~(typed == own).to_numpy(dtype=bool)
    out["check"] = np.where(differs, Verdict.DIFFERS.value, "")
    out["unit"] = [ctx.unit_name(u) for u in out["unit_code"]]
    return out.sort_values(["kpi_code", "cost_center", "unit_code"]).reset_index(drop=True)


def province_verdict(result: float, direction: str, criterion: float) -> str:
    """The province's verdict: its result against the criterion in the direction, both rounded to 2 decimals;
    NA without a result."""
    if np.isnan(result):
        return NA
    return PASS if bool(DIRECTIONS[direction](round(result, 2), round(criterion, 2))) else FAIL


def province_result(mine: pd.DataFrame, k: pd.Series, quarter_target: float) -> dict:
    """The province's figures of one KPI from its units' rows (see the module's doc): sum_a, sum_b,
    province_result (per cent of units passing, ΣA ÷ ΣB × scale or ΣA), its text, criterion (the share of
    units, a fraction, when the province is judged on that), criterion_text and verdict."""
    reporting, passing = int((mine["verdict"] != NA).sum()), int((mine["verdict"] == PASS).sum())
    none = {"sum_a": np.nan, "sum_b": np.nan, "province_result": np.nan, "province_result_text": "-",
            "criterion": np.nan}
    if pd.notna(k["pass_rate_target"]):
        share = passing / reporting * 100 if reporting else np.nan
        text = "-" if np.isnan(share) else f"ร้อยละ {share:,.2f} ({passing:,}/{reporting:,} หน่วยงาน)"
        return none | {"province_result": share, "province_result_text": text,
                       "criterion": float(k["pass_rate_target"]) / 100,
                       "criterion_text": f"หน่วยงานผ่านเกณฑ์ ≥ ร้อยละ {float(k['pass_rate_target']):g}",
                       "verdict": province_verdict(share, ">=", float(k["pass_rate_target"]))}
    measure, criterion_text = k["measure"], target_text(k["direction"], quarter_target, k["unit_label"], k["measure"])
    if measure == KpiMeasure.RATE and pd.notna(k["scale"]):
        both = mine.dropna(subset=["numerator", "denominator"])
        a, b = both["numerator"].sum(), both["denominator"].sum()
        result = a / b * float(k["scale"]) if len(both) and b > 0 else np.nan
    elif measure == KpiMeasure.COUNT:
        a, b = mine["result"].sum(min_count=1), np.nan
        result = a
    else:
        return none | {"criterion_text": "-", "verdict": NO_CRITERION}
    return none | {"sum_a": a if len(mine) else np.nan, "sum_b": b, "province_result": result,
                   "province_result_text": value_text(round(result, 2) if pd.notna(result) else result, measure,
                                                      k["unit_label"]),
                   "criterion_text": criterion_text,
                   "verdict": province_verdict(result, k["direction"], quarter_target)}


def summary_row(ctx: Context, code: str, mine: pd.DataFrame, k: pd.Series | None) -> dict:
    """One KPI's row of :func:`kpi_summary` from its units' results ``mine`` and its reference row ``k``."""
    reporting = int((mine["verdict"] != NA).sum())
    passing = int((mine["verdict"] == PASS).sum())
    row = {"kpi_code": code, "name": code, "unit_types": "-", "target": "-", "small_success": "-",
           "units": len(mine), "reporting": reporting, "passing": passing,
           "pass_rate": passing / reporting if reporting else np.nan,
           "disagreeing": int((mine["check"] == Verdict.DIFFERS).sum())}
    if k is None:
        return row | {"sum_a": np.nan, "sum_b": np.nan, "province_result": np.nan, "province_result_text": "-",
                      "criterion": np.nan, "criterion_text": "-", "verdict": NO_CRITERION}
    quarter = k[f"ss_q{ctx.quarter}"] if pd.notna(k[f"ss_q{ctx.quarter}"]) else k["target"]
    row.update(name=k["name_th"], unit_types=k["unit_types"] or "-",
               target=target_text(k["direction"], k["target"], k["unit_label"], k["measure"]),
               small_success=target_text(k["direction"], quarter, k["unit_label"], k["measure"]))
    return row | province_result(mine, k, quarter)


def summary_frame(ctx: Context, codes: list[str] | None = None) -> pd.DataFrame:
    """Per KPI (by code; ``codes``, or every KPI with a unit listed): name, the unit types it counts, annual target
    and the quarter's target as text, units listed, reporting and passing (counts), pass_rate (fraction of those
    reporting), units whose typed result differs from the store's (disagreeing), ΣA and ΣB, the province's result
    (number and text), its criterion (a fraction of units when judged on units passing, else NaN) and its text, and
    the province verdict (NA for a KPI no unit has a result of). Columns :data:`SUMMARY_COLUMNS`."""
    res = kpi_results(ctx)
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    codes = sorted(set(res["kpi_code"])) if codes is None else codes
    rows = [summary_row(ctx, code, res[res["kpi_code"] == code], kpis.loc[code] if code in kpis.index else None)
            for code in codes]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


@report_table
def kpi_summary(ctx: Context) -> ReportTable:
    """Table 1: :func:`summary_frame` with the province's result, criterion and verdict of every KPI."""
    return ctx.table(
        "kpi_summary", "1. สรุปผลการประเมินตัวชี้วัดระดับจังหวัด / KPI summary for the province",
        summary_frame(ctx),
        [Col("kpi_code", "code", sheet="kpis"), Col("name", figure="indicator"), Col("unit_types", sheet="kpis"),
         Col("target", sheet="kpis"), Col("small_success", label=of_quarter(ctx.quarter)), Col("reporting", "int"),
         Col("passing", "int"), Col("sum_a", "number"), Col("sum_b", "number"),
         Col("province_result_text", figure="province_result"), Col("criterion_text", figure="province_criterion"),
         Col("verdict", "verdict"), Col("disagreeing", "int")],
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=[f"หน่วยงานผ่านเกณฑ์เมื่อผลงานไตรมาสที่ {ctx.quarter} ถึงเป้าหมายไตรมาส (Small Success; ถ้าไม่กำหนดใช้เป้าหมายทั้งปี). "
               "ผลงานจังหวัด = ΣA ÷ ΣB (อัตรา) หรือ ΣA (จำนวน) เทียบเป้าหมาย; ตัวชี้วัดที่มีเกณฑ์จังหวัดเป็นร้อยละของหน่วยงาน "
               "ใช้ร้อยละของหน่วยงานที่ผ่านเกณฑ์. ตัวชี้วัดฐานะการเงินโรงพยาบาลคำนวณจากข้อมูลในระบบ "
               "(ตรงกับรายงานการเงิน ส่วนที่ 4).",
               "A unit passes when its result of the quarter meets the quarter's target. The province's result is "
               "ΣA ÷ ΣB (a rate) or ΣA (a count) against the target, or the share of units passing against a "
               "criterion given as a share of units. Hospital-finance KPIs are computed from the stored finance, "
               "as in the financial report's section 4; a typed result that differs is counted in the last "
               "column."])


@report_table
def kpi_units(ctx: Context) -> ReportTable:
    """Table 2, per KPI a heading row (level ``group``: code and name, the annual and the quarter's target as
    text) and its units' rows (``unit``): numerator, denominator and result of the quarter (result_text as it
    reads), their source, the typed result where the store computes the figure, the check and the verdict."""
    res = kpi_results(ctx)
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    blocks = []
    for code, mine in res.groupby("kpi_code", sort=True):
        k = kpis.loc[code] if code in kpis.index else None
        name = k["name_th"] if k is not None else code
        measure = k["measure"] if k is not None else KpiMeasure.SCORE
        label = k["unit_label"] if k is not None else ""
        target = target_text(k["direction"], k["target"], label, measure) if k is not None else "-"
        quarter = target_text(k["direction"], mine["quarter_target"].iloc[0], label, measure) if k is not None else "-"
        blocks.append(pd.DataFrame([{"level": "group", "kpi_code": code, "unit_code": "", "unit": f"{code} {name}",
                                     "target": target, "quarter_target_text": quarter, "verdict": ""}]))
        typed = mine["typed_result"].where(mine["source"] == KpiSource.COMPUTED)
        blocks.append(mine.assign(level="unit", target=target, quarter_target_text=quarter,
                                  result_text=[value_text(v, measure) for v in mine["result"]],
                                  typed_text=[value_text(v, measure) if pd.notna(v) else "" for v in typed],
                                  source_text=[KpiSource(s).th for s in mine["source"]]))
    columns = ["level", "kpi_code", "cost_center", "unit_code", "unit", "target", "quarter_target",
               "quarter_target_text", "numerator", "denominator", "result", "result_text", "source", "source_text",
               "typed_result", "typed_text", "typed_verdict", "check", "verdict"]
    out = pd.concat(blocks, ignore_index=True).reindex(columns=columns) if blocks else pd.DataFrame(columns=columns)
    under_unit = {"unit"}
    return ctx.table(
        "kpi_units", f"2. ผลการดำเนินงานตามตัวชี้วัด รายหน่วยงาน ไตรมาสที่ {ctx.quarter} / KPI results by unit",
        out,
        [Col("unit", label=either(header("kpi_code", "projects"), FIGURES["unit"])), Col("target", sheet="kpis"),
         Col("quarter_target_text", label=of_quarter(ctx.quarter)),
         *(Col(k, "number", sheet="kpi_results") for k in ("numerator", "denominator")),
         Col("result_text", sheet="kpi_results", figure="result"), Col("source_text", figure="source"),
         Col("typed_text", figure="typed_result"), Col("check", "verdict"), Col("verdict", "verdict")],
        level="level", blank={"target": under_unit, "quarter_target_text": under_unit, "numerator": {"group"},
                              "denominator": {"group"}, "result_text": {"group"}, "source_text": {"group"},
                              "typed_text": {"group"}, "check": {"group"}},
        period=f"ผลงานไตรมาสที่ {ctx.quarter}",
        notes=["NA = หน่วยงานยังไม่ได้รายงานผลของไตรมาสนี้ / no result for the quarter. ตัวชี้วัดฐานะการเงินโรงพยาบาล: "
               "ผลลัพธ์คำนวณจากข้อมูลฐานะการเงินในระบบ ส่วนผลที่หน่วยงานรายงานแสดงไว้ข้างกัน / hospital-finance KPIs "
               "are computed from the stored finance; what the unit typed stands beside it and is flagged when it "
               "differs."])


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
