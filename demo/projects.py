"""Step 2 of the demo (seed 001): a unit's projects, their funding sources, activities and promised outputs.

Records carry the columns of the projects template's ``projects``, ``funding``, ``activities`` and
``outputs`` sheets; amounts are integer satang. Activity records also carry what the later steps need
and the workbook does not show: ``_month`` (fiscal month index it is planned for), ``_unit`` (the
unit's code) and ``_start`` (its project's start date).

The money holds by construction: a unit's projects draw at most each allocation's amount (B03),
a project's funding adds up to its budget (B04), each activity has one of its project's sources (B05)
and the activities of a source add up to the project's funding from it (B06) — except on about one
project in ten, whose activities leave part of it unplanned (the B07 warning real projects show).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

import numpy as np

from demo.context import SATANG, TEN_BAHT, Context, Rows, pick, split
from demo.themes import KPIS_BY_TYPE, THEMES, Theme, generic_theme, person

MAX_PROJECTS = 4  # a unit runs 1–4 projects on the year's allocations
MAX_ACTIVITIES = 4  # a project has 1–4 activities (more when it draws on more sources)
MIN_SECOND_ACTIVITY = 5_000 * SATANG  # a source's money is split over two activities only from this much


def unit_projects(ctx: Context, unit: dict, allocs: list[dict], transfers: dict[str, dict]) -> Rows:
    """One unit's projects with funding, activities and outputs, from the unit's allocations.

    ``unit`` is a reference row of the unit; ``transfers`` the cost centre's transfers by number.
    """
    rng, year = ctx.rng, ctx.year
    amounts = [a["amount"] for a in allocs]
    sources = _assign_sources(amounts, rng)
    draws = _draws(amounts, sources, rng)
    rows: Rows = defaultdict(list)
    used_themes: set[str] = set()
    for n, (src, drawn) in enumerate(zip(sources, draws, strict=True), start=1):
        main = transfers[allocs[max(drawn, key=drawn.get)]["transfer_no"]]  # the money it mostly spends
        theme = _choose_theme(ctx, unit["unit_type"], main["activity_code"], used_themes)
        code = f"{unit['unit_code']}-{year.fiscal_year % 100:02d}-{n:02d}"
        start = min(max(allocs[i]["allocation_date"] for i in src) + timedelta(days=int(rng.integers(0, 15))),
                    year.last)
        # most projects run to September; none ends before the month after it starts
        end_index = max(year.month_index(start) + 1, int(rng.choice([8, 9, 10, 11], p=[0.1, 0.1, 0.1, 0.7])))
        end = year.month_bounds(min(end_index, 11))[1]
        # the keys' order is the order the random draws are made in: keep it, or the demo changes
        project = {
            "unit_code": unit["unit_code"], "project_code": code,
            "project_name": f"โครงการ{pick(rng, theme.names)} {unit['name_th']} ปีงบประมาณ {year.fiscal_year}",
            "plan_code": _plan_of(ctx, theme.strategic_project), "strategic_project_code": theme.strategic_project,
            "kpi_code": _kpi_for(ctx, theme.strategic_project, unit["unit_type"]), "start_date": start, "end_date": end,
            "budget": sum(drawn.values()), "owner": person(rng),
        }
        rows["projects"].append(project)
        funding = {allocs[i]["transfer_no"]: amount for i, amount in sorted(drawn.items())}
        rows["funding"] += [{"project_code": code, "transfer_no": t, "amount": a} for t, a in funding.items()]
        rows["activities"] += _activities(ctx, project, theme, funding)
        rows["outputs"] += _outputs(ctx, project, theme)
    return rows


def _assign_sources(amounts: list[int], rng: np.random.Generator) -> list[list[int]]:
    """Per project, the indices (into ``amounts``, the unit's allocations) of the 1–2 allocations it draws on."""
    m = len(amounts)
    # enough projects to plan most of the money
    wanted = max(int(rng.integers(1, MAX_PROJECTS + 1)), min(MAX_PROJECTS, math.ceil(m / 2)))
    order = [int(i) for i in rng.permutation(m)]
    sources = [[order[j]] for j in range(min(wanted, m))]
    for i in order[len(sources):]:  # every further allocation to a project with one source, while there is one
        open_ = [s for s in sources if len(s) < 2]
        if open_:
            pick(rng, open_).append(i)
    big = [i for i in range(m) if amounts[i] >= 100_000 * SATANG]
    for _ in range(wanted - len(sources)):  # more projects than allocations: they share a large one
        if big:
            sources.append([pick(rng, big)])
    for s in sources:  # now and then a project tops up from a large allocation another project also uses
        extra = pick(rng, big) if big else None
        if len(s) == 1 and extra is not None and extra not in s and rng.random() < 0.25:
            s.append(extra)
    return sources


def _draws(amounts: list[int], sources: list[list[int]], rng: np.random.Generator) -> list[dict[int, int]]:
    """Per project, {allocation index: satang drawn}; per allocation the draws add up to at most its amount."""
    draws: list[dict[int, int]] = [{} for _ in sources]
    for i, amount in enumerate(amounts):
        drawers = [j for j, s in enumerate(sources) if i in s]
        if not drawers:
            continue
        used = amount if rng.random() < 0.45 else int(amount * rng.uniform(0.85, 1.0)) // TEN_BAHT * TEN_BAHT
        for j, part in zip(drawers, split(used, len(drawers), rng, floor=0.5), strict=True):
            draws[j][i] = part
    return draws


def _themes_for(ctx: Context, unit_type: str, activity_code: str) -> list[Theme]:
    """The themes a unit of this type may run on money of this main activity, most specific first."""
    known = set(ctx.reference.codes("strategic_projects"))
    fits = [t for t in THEMES if unit_type in t.unit_types and t.strategic_project in known]
    specific = [t for t in fits if activity_code in t.budget_activities]
    if specific or fits:
        return specific or [t for t in fits if not t.budget_activities] or fits
    first = ctx.reference["strategic_projects"].iloc[0]  # a reference set none of ours fit
    return [generic_theme(str(first["strategic_project_code"]), first["name_th"])]


def _choose_theme(ctx: Context, unit_type: str, activity_code: str, used: set[str]) -> Theme:
    """A theme for the unit's next project, one it does not run yet while there is one."""
    themes = _themes_for(ctx, unit_type, activity_code)
    fresh = [t for t in themes if t.names[0] not in used] or themes
    theme = pick(ctx.rng, fresh)
    used.add(theme.names[0])
    return theme


def _kpi_for(ctx: Context, sp: str, unit_type: str) -> str | None:
    """A KPI of the strategic project that units of this type report, or none (the column is optional)."""
    kpis = ctx.reference["kpis"]
    mine = KPIS_BY_TYPE.get(unit_type, ())
    codes = [k for k in kpis.loc[kpis["strategic_project_code"] == sp, "kpi_code"] if k in mine]
    if not codes or ctx.rng.random() < 0.2:
        return None
    return pick(ctx.rng, codes)


def _plan_of(ctx: Context, sp: str) -> str:
    """The plan (แผนงาน) a strategic project belongs to, as the reference set says."""
    table = ctx.reference["strategic_projects"]
    return str(table.loc[table["strategic_project_code"] == sp, "plan_code"].iloc[0])


def _activity_budgets(funding: dict[str, int], rng: np.random.Generator) -> list[tuple[str, int]]:
    """(source transfer no., budget in satang) per activity: each source's money split over its activities."""
    counts = {source: 1 for source in funding}
    for _ in range(int(rng.integers(1, MAX_ACTIVITIES + 1)) - len(funding)):
        source = pick(rng, list(funding))
        if funding[source] // (counts[source] + 1) >= MIN_SECOND_ACTIVITY:
            counts[source] += 1
    budgets = [(s, b) for s in funding for b in split(funding[s], counts[s], rng, floor=0.5)]
    if rng.random() < 0.1:  # money not yet planned to an activity: a B07 warning, as real projects show
        i = int(rng.integers(len(budgets)))
        source, budget = budgets[i]
        budgets[i] = (source, budget - max(TEN_BAHT, int(budget * rng.uniform(0.05, 0.2)) // TEN_BAHT * TEN_BAHT))
    return [budgets[int(i)] for i in rng.permutation(len(budgets))]


def _activities(ctx: Context, project: dict, theme: Theme, funding: dict[str, int]) -> list[dict]:
    """A project's activities, numbered from 1, planned in months between its start and end."""
    rng, year = ctx.rng, ctx.year
    budgets = _activity_budgets(funding, rng)
    picks = sorted(rng.choice(len(theme.activities), size=min(len(budgets), len(theme.activities)), replace=False))
    names = [theme.activities[int(i)] for i in picks]
    while len(names) < len(budgets):  # more money lines than the theme has activities: follow-up rounds
        base = theme.activities[len(names) % len(theme.activities)]
        names.append((f"{base[0]} (ครั้งที่ 2)", *base[1:]))
    low, high = year.month_index(project["start_date"]), year.month_index(project["end_date"])
    # early months more likely: units plan their work for the first half of the project
    months = np.sort(low + np.floor(rng.beta(1.0, 1.5, size=len(budgets)) * (high - low + 1)).astype(int))
    rows = []
    lines = zip(budgets, names, months, strict=True)
    for n, ((source, budget), (name, unit, t_low, t_high), month) in enumerate(lines, start=1):
        rows.append({"project_code": project["project_code"], "activity_no": n, "activity_name": name,
                     "budget": budget, "planned_month": year.calendar_month(int(month)),
                     "source_transfer_no": source, "target": int(rng.integers(t_low, t_high + 1)),
                     "target_unit": unit, "_month": int(month), "_unit": project["unit_code"],
                     "_start": project["start_date"]})
    return rows


def _outputs(ctx: Context, project: dict, theme: Theme) -> list[dict]:
    """A project's 1–2 promised outputs, each with an annual target and quarterly Small-Success targets
    that grow to it (Q4 = the annual target)."""
    rng = ctx.rng
    picks = sorted(rng.choice(len(theme.outputs), size=int(rng.integers(1, min(2, len(theme.outputs)) + 1)),
                              replace=False))
    rows = []
    for n, i in enumerate(picks, start=1):
        name, unit, low, high = theme.outputs[int(i)]
        target = int(rng.integers(low, high + 1))
        shares = np.sort(rng.uniform([0.1, 0.35, 0.6], [0.35, 0.6, 0.85]))
        steps = [int(target * s) for s in shares] + [target]
        rows.append({"project_code": project["project_code"], "output_no": n, "output_name": name,
                     "target_unit": unit, "target": target,
                     **{f"target_q{q}": v for q, v in enumerate(np.maximum.accumulate(steps).tolist(), start=1)}})
    return rows
