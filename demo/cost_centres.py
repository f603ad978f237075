"""Which cost centres take part in the demo, and one cost centre's year through the four SMS steps."""

from __future__ import annotations

from collections import defaultdict

from demo import allocations, disbursements, projects, results
from demo.context import Books, Context, Rows, to_frame
from demo.themes import HOSPITAL_TYPES
from reference.reference_set import ReferenceSet
from templates.catalog import STEPS, TEMPLATES

SILENT_REGION = 8  # seed 000: region 8's hospitals that recorded nothing in SMS
SILENT_COUNT = 3


def silent_cost_centers(reference: ReferenceSet, count: int = SILENT_COUNT) -> list[str]:
    """The last ``count`` region-8 cost centres that are a single hospital: they recorded nothing in SMS
    (seed 000's rows of '-') and appear only in the GFMIS workbook."""
    provinces = reference["provinces"]
    region = set(provinces.loc[provinces["region"] == SILENT_REGION, "province_code"])
    centres = reference["cost_centers"]
    units = reference["units"]
    found = []
    for cc in sorted(centres.loc[centres["province_code"].isin(region), "cost_center"]):
        own = units[units["cost_center"] == cc]
        if len(own) == 1 and own["unit_type"].iloc[0] in HOSPITAL_TYPES:
            found.append(cc)
    return found[-count:] if count else []


def demo_cost_centers(reference: ReferenceSet) -> list[str]:
    """Cost centres that fill SMS workbooks: those with units, less the silent ones, in reference order."""
    silent = set(silent_cost_centers(reference))
    with_units = set(reference["units"]["cost_center"])
    return [cc for cc in reference.codes("cost_centers") if cc in with_units and cc not in silent]


def cost_centre_year(ctx: Context, cc: str) -> Rows:
    """Every sheet of the four SMS templates for one cost centre, as records (money in satang)."""
    rows: Rows = defaultdict(list)
    rows["transfers"] = allocations.transfers(ctx, cc)
    rows["allocations"] = allocations.allocations(ctx, cc, rows["transfers"])
    by_no = {t["transfer_no"]: t for t in rows["transfers"]}
    units = ctx.reference.units_of(cc).to_dict("records")
    for unit in units:
        allocs = [a for a in rows["allocations"] if a["unit_code"] == unit["unit_code"]]
        if allocs:
            for key, records in projects.unit_projects(ctx, unit, allocs, by_no).items():
                rows[key] += records
    spending = [p for a in rows["activities"] for p in disbursements.spending(ctx, a)]
    rows["payments"] = disbursements.number_documents(spending, ctx.year.fiscal_year)
    rows["clearings"] = disbursements.clearings(ctx, rows["payments"])
    rows["activity_results"] = [r for a in rows["activities"] for r in results.activity_results(ctx, a)]
    rows["output_results"] = [r for o in rows["outputs"] for r in results.output_results(ctx, o)]
    for unit in units:
        own = [p["kpi_code"] for p in rows["projects"] if p["unit_code"] == unit["unit_code"] and p["kpi_code"]]
        rows["kpi_results"] += results.kpi_results(ctx, unit, results.unit_kpis(ctx, unit, own))
    return rows


def workbooks(cc: str, rows: Rows) -> Books:
    """A cost centre's four SMS workbooks as frames: (cost centre, template key) -> {sheet key: frame}."""
    return {(cc, key): {s.key: to_frame(s, rows.get(s.key, [])) for s in TEMPLATES[key].sheets}
            for key in STEPS}
