"""Step 4 of the demo (seed 001): activity, output and KPI results for each quarter elapsed by the as-of date.

Records carry the columns of the outputs template's ``activity_results``, ``output_results`` and
``kpi_results`` sheets. Results only grow from quarter to quarter; an output behind its Small
Success says why (problems) and what would help (suggestions), as seed 003's tables do.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from demo.context import Context, Year, pick
from demo.themes import KPIS_BY_TYPE, PROBLEMS, SUGGESTIONS
from domain.vocabulary import KpiMeasure
from reference.reference_set import ReferenceSet
from templates.catalog import ACTIVITY_STATUS

# The spec's activity statuses by name, in its order; unpacking fails loudly when it adds or drops one.
_, IN_PROGRESS, DONE, _ = ACTIVITY_STATUS  # not started, in progress, done, cancelled


def activity_results(ctx: Context, activity: dict) -> list[dict]:
    """An activity's result each quarter from the one it is planned in: in progress, then done (its target)."""
    rng, year = ctx.rng, ctx.year
    if activity["_month"] > year.now:
        return []
    planned_quarter = activity["_month"] // 3 + 1
    done, result, rows = False, 0, []
    for q in range(planned_quarter, year.quarter + 1):
        if q > planned_quarter:
            done = done or rng.random() < 0.85
        elif q < year.quarter:
            done = rng.random() < 0.5
        else:
            done = activity["_month"] < year.now and rng.random() < 0.4
        target = activity["target"]
        result = target if done else max(result, int(round(target * rng.uniform(0.2, 0.8))))
        rows.append({"project_code": activity["project_code"], "activity_no": activity["activity_no"], "quarter": q,
                     "status": DONE if done else IN_PROGRESS, "result": result,
                     "result_note": "ดำเนินการแล้วเสร็จตามแผน" if done
                     else f"ดำเนินการแล้ว {result:,} {activity['target_unit']}"})
    return rows


def output_results(ctx: Context, output: dict) -> list[dict]:
    """An output's cumulative result each elapsed quarter, against its Small-Success target.

    One output in four lags (55–90 % of the quarter's target); the others land around it (90–112 %).
    """
    rng = ctx.rng
    lagging = rng.random() < 0.25
    rows, result = [], 0
    for q in range(1, ctx.year.quarter + 1):
        planned = output[f"target_q{q}"]
        factor = rng.uniform(0.55, 0.9) if lagging else rng.uniform(0.9, 1.12)
        result = max(result, int(round(planned * factor)))
        below = result < planned
        rows.append({"project_code": output["project_code"], "output_no": output["output_no"], "quarter": q,
                     "result": result, "problems": pick(rng, PROBLEMS) if below else None,
                     "suggestions": pick(rng, SUGGESTIONS) if below or rng.random() < 0.1 else None})
    return rows


def unit_kpis(ctx: Context, unit: dict, project_kpis: list[str]) -> list[str]:
    """The 2–4 KPIs a unit reports: those its projects name first, then ones units of its type report."""
    known = set(ctx.reference.codes("kpis"))
    ordered = list(dict.fromkeys([*project_kpis, *KPIS_BY_TYPE.get(unit["unit_type"], ())]))
    candidates = [k for k in ordered if k in known]
    if not candidates:
        return []
    count = min(len(candidates), int(ctx.rng.integers(2, 5)))
    own = [k for k in dict.fromkeys(project_kpis) if k in known][:count]
    rest = [k for k in candidates if k not in own]
    picks = ctx.rng.choice(len(rest), size=count - len(own), replace=False) if count > len(own) else []
    return own + [rest[int(i)] for i in sorted(picks)]


def kpi_results(ctx: Context, unit: dict, kpi_codes: list[str]) -> list[dict]:
    """A unit's result of each KPI each elapsed quarter, near the quarter's Small Success (else the target)."""
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    rows = []
    for code in kpi_codes:
        kpi = kpis.loc[code]
        scale = _kpi_scale(str(kpi["unit_label"]))
        denominator = _kpi_denominator(ctx.rng, scale, str(kpi["unit_label"]))
        for q in range(1, ctx.year.quarter + 1):
            anchor = kpi[f"ss_q{q}"] if pd.notna(kpi[f"ss_q{q}"]) else kpi["target"]
            numerator, result = _kpi_value(ctx.rng, float(anchor), str(kpi["direction"]), scale, denominator)
            rows.append({"unit_code": unit["unit_code"], "kpi_code": code, "quarter": q, "numerator": numerator,
                         "denominator": denominator, "result": result, "note": None})
    return rows


def _kpi_scale(label: str) -> float | None:
    """What the result is numerator / denominator times: None when the KPI is a level, score or count."""
    if "ร้อยละ" in label:
        return 100.0
    if "แสน" in label:
        return 100_000.0
    if "เท่า" in label:
        return 1.0
    return None


def _kpi_denominator(rng: np.random.Generator, scale: float | None, label: str) -> int | None:
    """A plausible denominator for the KPI's kind: people for a percentage, baht for a ratio, the
    population (or births) for a rate per 100,000."""
    if scale is None:
        return None
    if scale == 100.0:
        return int(rng.integers(20, 2000))
    if scale == 1.0:  # revenue / expense, baht
        return int(rng.integers(5_000_000, 60_000_000))
    return int(rng.integers(2_000, 15_000)) if "เกิด" in label else int(rng.integers(200_000, 1_500_000))


def _kpi_value(rng: np.random.Generator, anchor: float, direction: str, scale: float | None,
               denominator: int | None) -> tuple[float | None, float]:
    """(numerator, result) near the quarter's Small Success; result = numerator / denominator × scale."""
    better = direction.startswith(">")
    value = anchor * (rng.uniform(0.85, 1.15) if better else rng.uniform(0.4, 1.2))
    if scale is None:
        if anchor <= 5:  # a level, a count of places or a pass (1) / fail (0)
            return None, float(max(0, min(round(value), math.ceil(anchor) + (anchor > 1))))
        return None, round(value, 2)
    percentage = scale == 100.0
    if percentage:
        value = min(value, 100.0)
    numerator = round(value / scale * denominator)
    if percentage:  # nor is a numerator above its denominator
        numerator = min(numerator, denominator)
    return float(numerator), round(numerator / denominator * scale, 2)


def accounting_results(reference: ReferenceSet, year: Year, unit: dict, rng: np.random.Generator) -> list[dict]:
    """A hospital's results of seed 003's accounting measures each elapsed quarter: the KPIs counted on hospitals
    only, judged on the share of them passing and not computed from hospital finance (K32 trial-balance score,
    K33 GFMIS cash account, K34 e-payment). Most pass: a score of 100 four times in five, yes six times in seven."""
    criteria = reference.hospital_criteria()
    own = criteria[criteria["computed"].fillna("") == ""]
    rows = []
    for k in own.itertuples():
        for q in range(1, year.quarter + 1):
            if k.measure == KpiMeasure.YESNO:
                figures = {"numerator": None, "denominator": None, "result": float(rng.random() < 6 / 7)}
            else:
                score = 100 if rng.random() < 0.8 else int(rng.integers(70, 100))
                figures = {"numerator": float(score), "denominator": 100.0, "result": float(score)}
            rows.append({"unit_code": unit["unit_code"], "kpi_code": k.kpi_code, "quarter": q, **figures, "note": None})
    return rows
