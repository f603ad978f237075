"""The demo fiscal year: inside the spec, true to the budget rules, deterministic, written as promised.

Every rule is recomputed here with plain pandas from the frames (or from the written
workbooks), never with the generator's own helpers.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from demo import DEMO_AS_OF, DEMO_FISCAL_YEAR, generate, write_demo
from finance.health import hospital_health
from templates import TEMPLATES
from validators.validate import validate

FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)
AS_OF = DEMO_AS_OF
SMS_TEMPLATES = ("allocations", "projects", "disbursements", "outputs")
HOSPITAL_TYPES = ("รพศ.", "รพท.", "รพช.")
FISCAL_ORDER = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
ELAPSED_MONTHS = FISCAL_ORDER[:6]  # Oct..Mar for data as of 31 March
THAI = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@pytest.fixture(scope="module")
def demo(reference):
    return generate(reference)


@pytest.fixture(scope="module")
def written(tmp_path_factory, reference):
    out = tmp_path_factory.mktemp("demo")
    calls = []
    paths = write_demo(out, reference, progress=lambda done, total, label: calls.append((done, total, label)))
    return out, paths, calls


def table(demo, template: str, sheet: str) -> pd.DataFrame:
    """One sheet across every cost centre, with the cost centre whose workbook it came from."""
    frames = [frames[sheet].assign(_cc=cc) for (cc, key), frames in demo.workbooks.items() if key == template]
    return pd.concat(frames, ignore_index=True)


def satang(values: pd.Series) -> pd.Series:
    return (values.astype(float) * 100).round().astype("int64")


def read_sheet(path, template: str, sheet_key: str) -> pd.DataFrame:
    """A written sheet back as a frame of raw cell values, indexed by Excel row."""
    sheet = TEMPLATES[template].sheet(sheet_key)
    ws = openpyxl.load_workbook(path)[sheet.name]
    rows = {r: list(values)[: len(sheet.keys)] for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2)
            if any(v is not None for v in values)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=sheet.keys)


def as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


# -- who is in the demo ----------------------------------------------------------------------------
def test_every_cost_centre_with_units_has_its_four_workbooks_but_the_silent_ones(demo, reference):
    units = reference["units"]
    with_units = set(units["cost_center"])
    with_hospitals = set(units.loc[units["unit_type"].isin(HOSPITAL_TYPES), "cost_center"])
    silent = set(demo.silent_cost_centers)
    assert 2 <= len(silent) <= 3
    region_of = reference["provinces"].set_index("province_code")["region"]
    province_of = reference["cost_centers"].set_index("cost_center")["province_code"]
    assert all(region_of[province_of[cc]] == 8 for cc in silent)
    expected = {(cc, t) for cc in with_units - silent for t in SMS_TEMPLATES} | {("", "gfmis")}
    expected |= {(cc, "hospital_finance") for cc in with_hospitals - silent}
    assert set(demo.workbooks) == expected
    gfmis = demo.workbooks[("", "gfmis")]["gfmis"]
    assert set(gfmis["cost_center"]) == set(reference["cost_centers"]["cost_center"])


def test_every_frame_has_exactly_its_sheets_columns(demo):
    for (_, key), frames in demo.workbooks.items():
        assert set(frames) == {s.key for s in TEMPLATES[key].sheets}
        for sheet in TEMPLATES[key].sheets:
            assert list(frames[sheet.key].columns) == sheet.keys


def column_problems(col, values: pd.Series, reference) -> list[str]:
    problems = []
    present = values[values.notna() & (values.astype(str) != "")]
    if col.required and len(present) != len(values):
        problems.append("blank in a required column")
    if col.pattern:
        problems += [f"{v!r} breaks {col.pattern}" for v in present if not re.fullmatch(col.pattern, str(v))]
    if col.choices:
        problems += [f"{v!r} not a choice" for v in present if v not in col.choices]
    if col.codes:
        known = set(reference.codes(col.codes))
        problems += [f"{v!r} not in {col.codes}" for v in present if str(v) not in known]
    if col.type in ("integer", "number", "money", "month", "quarter"):
        numbers = present.astype(float)
        if col.lower_bound is not None:
            problems += [f"{v} < {col.lower_bound}" for v in numbers if v < col.lower_bound]
        if col.upper_bound is not None:
            problems += [f"{v} > {col.upper_bound}" for v in numbers if v > col.upper_bound]
        if col.type in ("integer", "month", "quarter"):
            problems += [f"{v} not whole" for v in numbers if not float(v).is_integer()]
        if col.type == "money":
            problems += [f"{v} has more than 2 decimals" for v in numbers if abs(v * 100 - round(v * 100)) > 1e-6]
    if col.type == "date":
        problems += [f"{v!r} not a date" for v in present if not isinstance(v, date)]
    if col.type in ("text", "code", "choice"):
        problems += [f"{v!r} not text" for v in present if not isinstance(v, str)]
    return problems


def test_every_value_follows_its_column_spec(demo, reference):
    problems = []
    for (cc, key), frames in demo.workbooks.items():
        for sheet in TEMPLATES[key].sheets:
            for col in sheet.columns:
                found = column_problems(col, frames[sheet.key][col.key], reference)
                problems += [f"{cc} {sheet.key}.{col.key}: {p}" for p in found[:3]]
    assert not problems, problems[:20]


def test_there_is_data_in_every_sheet_of_every_demo_cost_centre(demo):
    for (cc, _), frames in demo.workbooks.items():
        for sheet_key, frame in frames.items():
            if sheet_key != "clearings":  # a small hospital may have no advance at all
                assert len(frame), f"{cc} {sheet_key} is empty"


# -- the budget-balance rules ----------------------------------------------------------------------
def test_b01_allocations_of_a_transfer_never_exceed_it(demo):
    transfers, allocations = table(demo, "allocations", "transfers"), table(demo, "allocations", "allocations")
    allocated = allocations.assign(s=satang(allocations["amount"])).groupby("transfer_no")["s"].sum()
    amount = transfers.assign(s=satang(transfers["amount"])).set_index("transfer_no")["s"]
    assert set(allocated.index) <= set(amount.index)
    assert (allocated <= amount[allocated.index]).all()
    assert (allocated < amount[allocated.index]).any() and (allocated == amount[allocated.index]).any()


def test_b02_an_allocation_goes_to_a_unit_of_the_transfers_cost_centre(demo, reference):
    transfers, allocations = table(demo, "allocations", "transfers"), table(demo, "allocations", "allocations")
    owner = reference["units"].set_index("unit_code")["cost_center"]
    merged = allocations.merge(transfers[["transfer_no", "cost_center"]], on="transfer_no", validate="many_to_one")
    assert (merged["unit_code"].map(owner) == merged["cost_center"]).all()
    assert (merged["cost_center"] == merged["_cc"]).all()


def test_b03_projects_draw_no_more_from_an_allocation_than_it_holds(demo):
    allocations, projects = table(demo, "allocations", "allocations"), table(demo, "projects", "projects")
    funding = table(demo, "projects", "funding").merge(projects[["project_code", "unit_code"]], on="project_code")
    drawn = funding.assign(s=satang(funding["amount"])).groupby(["unit_code", "transfer_no"])["s"].sum()
    held = allocations.assign(s=satang(allocations["amount"])).set_index(["unit_code", "transfer_no"])["s"]
    assert set(drawn.index) <= set(held.index), "a project draws on a transfer not allocated to its unit"
    assert (drawn <= held[drawn.index]).all()
    assert (drawn < held[drawn.index]).any()


def test_b04_funding_adds_up_to_the_project_budget_to_the_satang(demo):
    projects, funding = table(demo, "projects", "projects"), table(demo, "projects", "funding")
    total = funding.assign(s=satang(funding["amount"])).groupby("project_code")["s"].sum()
    budget = projects.assign(s=satang(projects["budget"])).set_index("project_code")["s"]
    assert total.reindex(budget.index).fillna(-1).astype("int64").equals(budget)
    assert funding.groupby("project_code").size().between(1, 2).all()


def test_b05_an_activity_has_one_source_among_its_projects(demo):
    activities, funding = table(demo, "projects", "activities"), table(demo, "projects", "funding")
    assert activities["source_transfer_no"].notna().all()
    pairs = set(zip(funding["project_code"], funding["transfer_no"], strict=True))
    assert all(pair in pairs for pair in zip(activities["project_code"], activities["source_transfer_no"], strict=True))


def test_b06_activity_budgets_per_source_fit_the_projects_funding(demo):
    activities, funding = table(demo, "projects", "activities"), table(demo, "projects", "funding")
    planned = (activities.assign(s=satang(activities["budget"]))
               .groupby(["project_code", "source_transfer_no"])["s"].sum())
    funded = funding.assign(s=satang(funding["amount"])).set_index(["project_code", "transfer_no"])["s"]
    assert (planned.to_numpy() <= funded[planned.index].to_numpy()).all()


def test_b07_most_projects_plan_all_their_money_a_few_do_not(demo):
    projects, activities = table(demo, "projects", "projects"), table(demo, "projects", "activities")
    planned = activities.assign(s=satang(activities["budget"])).groupby("project_code")["s"].sum()
    budget = projects.assign(s=satang(projects["budget"])).set_index("project_code")["s"]
    short = (planned.reindex(budget.index) < budget).sum()
    assert 0 < short < 0.25 * len(budget)
    assert (planned.reindex(budget.index) <= budget).all()


def disbursed(payments: pd.DataFrame, clearings: pd.DataFrame) -> pd.Series:
    """Payments + advances − returned, per (project_code, activity_no), in satang."""
    back = clearings.merge(payments, left_on=["unit_code", "advance_document_no"],
                           right_on=["unit_code", "document_no"])
    paid = payments.assign(s=satang(payments["amount"])).groupby(["project_code", "activity_no"])["s"].sum()
    returned = back.assign(s=satang(back["returned"])).groupby(["project_code", "activity_no"])["s"].sum()
    return paid.sub(returned, fill_value=0)


def test_b08_nothing_is_disbursed_beyond_its_activitys_budget(demo):
    payments, clearings = table(demo, "disbursements", "payments"), table(demo, "disbursements", "clearings")
    activities = table(demo, "projects", "activities")
    budget = activities.assign(s=satang(activities["budget"])).set_index(["project_code", "activity_no"])["s"]
    spent = disbursed(payments, clearings)
    assert set(spent.index) <= set(budget.index)
    assert (spent <= budget[spent.index]).all()
    rate = spent.sum() / budget[spent.index].sum()
    assert 0.3 <= rate <= 0.9, f"activities that started are {rate:.0%} disbursed"
    assert set(payments["kind"]) == {"เบิกจ่าย", "ยืม"}


def test_b09_a_clearing_accounts_for_no_more_than_its_advance(demo):
    payments, clearings = table(demo, "disbursements", "payments"), table(demo, "disbursements", "clearings")
    merged = clearings.merge(payments, left_on=["unit_code", "advance_document_no"],
                             right_on=["unit_code", "document_no"], suffixes=("", "_advance"), validate="one_to_one")
    assert len(merged) == len(clearings), "a clearing names no advance of its unit"
    assert (merged["kind"] == "ยืม").all()
    assert (satang(merged["spent"]) + satang(merged["returned"]) <= satang(merged["amount"])).all()
    assert (merged["returned"] > 0).any() and (merged["returned"] == 0).any()
    assert (merged["clearing_date"] > merged["document_date"]).all()


def test_b10_one_or_two_old_advances_are_left_uncleared(demo):
    payments, clearings = table(demo, "disbursements", "payments"), table(demo, "disbursements", "clearings")
    advances = payments[payments["kind"] == "ยืม"]
    cleared = set(zip(clearings["unit_code"], clearings["advance_document_no"], strict=True))
    old = advances[[(AS_OF - d).days > 30 for d in advances["document_date"]]]
    open_ = [pair for pair in zip(old["unit_code"], old["document_no"], strict=True) if pair not in cleared]
    assert 1 <= len(open_) <= 2
    assert len(old) > 10


def test_b11_every_reference_exists_and_the_hierarchy_holds(demo, reference):
    transfers = table(demo, "allocations", "transfers")
    codes = reference["budget_activities"]
    pairs = set(zip(codes["activity_code"], codes["output_code"], strict=True))
    assert all(p in pairs for p in zip(transfers["activity_code"], transfers["output_code"], strict=True))
    assert (transfers["cost_center"] == transfers["_cc"]).all()

    projects = table(demo, "projects", "projects")
    units = reference["units"].set_index("unit_code")["cost_center"]
    assert (projects["unit_code"].map(units) == projects["_cc"]).all()
    plan_of = reference["strategic_projects"].set_index("strategic_project_code")["plan_code"]
    assert (projects["strategic_project_code"].map(plan_of) == projects["plan_code"]).all()
    with_kpi = projects[projects["kpi_code"].notna()]
    sp_of = reference["kpis"].set_index("kpi_code")["strategic_project_code"]
    assert (with_kpi["kpi_code"].map(sp_of) == with_kpi["strategic_project_code"]).all()
    assert 0 < len(with_kpi) < len(projects), "kpi_code is sometimes blank"

    activities = table(demo, "projects", "activities")
    keys = set(zip(activities["project_code"], activities["activity_no"], strict=True))
    payments = table(demo, "disbursements", "payments")
    assert all(k in keys for k in zip(payments["project_code"], payments["activity_no"], strict=True))
    unit_of = projects.set_index("project_code")["unit_code"]
    assert (payments["project_code"].map(unit_of) == payments["unit_code"]).all()
    for sheet in ("funding", "activities", "outputs"):
        assert set(table(demo, "projects", sheet)["project_code"]) <= set(projects["project_code"])

    results = table(demo, "outputs", "activity_results")
    assert all(k in keys for k in zip(results["project_code"], results["activity_no"], strict=True))
    outputs = table(demo, "projects", "outputs")
    output_keys = set(zip(outputs["project_code"], outputs["output_no"], strict=True))
    out_results = table(demo, "outputs", "output_results")
    assert all(k in output_keys for k in zip(out_results["project_code"], out_results["output_no"], strict=True))
    kpi_results = table(demo, "outputs", "kpi_results")
    assert (kpi_results["unit_code"].map(units) == kpi_results["_cc"]).all()


DATE_COLUMNS = {  # sheet -> date columns that record something that already happened
    ("allocations", "transfers"): ("transfer_date",), ("allocations", "allocations"): ("allocation_date",),
    ("projects", "projects"): ("start_date",), ("disbursements", "payments"): ("document_date",),
    ("disbursements", "clearings"): ("clearing_date",),
}


def test_b12_dates_fall_inside_the_year_and_events_not_after_the_as_of_date(demo):
    for (template, sheet), columns in DATE_COLUMNS.items():
        frame = table(demo, template, sheet)
        for col in columns:
            assert frame[col].between(FY_START, AS_OF).all(), f"{sheet}.{col}"
    projects = table(demo, "projects", "projects")
    assert projects["end_date"].between(FY_START, FY_END).all()
    assert (projects["start_date"] <= projects["end_date"]).all()
    allocations = table(demo, "allocations", "allocations").merge(table(demo, "allocations", "transfers"),
                                                                  on="transfer_no")
    assert (allocations["allocation_date"] >= allocations["transfer_date"]).all()
    payments = table(demo, "disbursements", "payments").merge(projects[["project_code", "start_date"]],
                                                              on="project_code")
    assert (payments["document_date"] >= payments["start_date"]).all()


def test_b13_keys_are_unique(demo):
    for template in SMS_TEMPLATES:
        for sheet in TEMPLATES[template].sheets:
            frame = table(demo, template, sheet.key)
            assert not frame.duplicated(list(sheet.primary_key)).any(), f"{sheet.key} repeats a key"
    documents = pd.concat([table(demo, "disbursements", "payments")[["unit_code", "document_no"]],
                           table(demo, "disbursements", "clearings")[["unit_code", "document_no"]]])
    assert not documents.duplicated().any(), "a document number repeats within a unit"
    activities = table(demo, "projects", "activities")
    numbering = activities.groupby("project_code")["activity_no"].apply(sorted)
    assert all(n == list(range(1, len(n) + 1)) for n in numbering)


# -- results ---------------------------------------------------------------------------------------
def test_small_success_targets_grow_to_the_annual_target(demo):
    outputs = table(demo, "projects", "outputs")
    q = outputs[["target_q1", "target_q2", "target_q3", "target_q4"]].to_numpy()
    assert (q[:, :-1] <= q[:, 1:]).all()
    assert (outputs["target_q4"] == outputs["target"]).all()
    assert table(demo, "projects", "outputs").groupby("project_code").size().between(1, 2).all()


def test_results_cover_the_elapsed_quarters_only(demo):
    activities = table(demo, "projects", "activities")
    month = activities.set_index(["project_code", "activity_no"])["planned_month"]
    results = table(demo, "outputs", "activity_results")
    assert results["quarter"].between(1, 2).all()
    planned = [month[k] for k in zip(results["project_code"], results["activity_no"], strict=True)]
    assert all(m in ELAPSED_MONTHS for m in planned), "a result for an activity not yet due"
    outputs = table(demo, "projects", "outputs")
    out_results = table(demo, "outputs", "output_results")
    assert len(out_results) == 2 * len(outputs)
    assert out_results["problems"].notna().any() and out_results["suggestions"].notna().any()
    merged = out_results.merge(outputs, on=["project_code", "output_no"])
    target = [row[f"target_q{row['quarter']}"] for _, row in merged.iterrows()]
    assert merged["result"].lt(target).any(), "no output is behind its Small Success"


def test_kpi_results_are_consistent(demo, reference):
    results = table(demo, "outputs", "kpi_results")
    labels = reference["kpis"].set_index("kpi_code")["unit_label"]
    percent = results[results["kpi_code"].map(labels) == "ร้อยละ"]
    assert len(percent) > 50
    assert (percent["denominator"] > 0).all() and (percent["result"] <= 100).all()
    expected = (percent["numerator"] / percent["denominator"] * 100).round(2)
    assert (expected - percent["result"]).abs().max() < 1e-9
    per_unit = results.groupby("unit_code")["kpi_code"].nunique()
    assert per_unit.between(2, 4).all()
    assert results["quarter"].between(1, 2).all()


def test_gfmis_is_cumulative_monthly_for_every_cost_centre(demo, reference):
    gfmis = demo.workbooks[("", "gfmis")]["gfmis"]
    assert len(gfmis) == len(reference["cost_centers"]) * len(ELAPSED_MONTHS)
    for cc, rows in gfmis.groupby("cost_center"):
        assert list(rows["month"]) == list(ELAPSED_MONTHS)
        assert rows["installment_money"].is_monotonic_increasing, cc
        assert rows["disbursed"].is_monotonic_increasing, cc
    last = gfmis[gfmis["month"] == 3].set_index("cost_center")
    assert (last.loc[demo.silent_cost_centers, "disbursed"] > 0).all()
    transfers = table(demo, "allocations", "transfers").groupby("cost_center")["amount"].sum()
    ratio = last.loc[transfers.index, "installment_money"] / transfers
    assert ratio.between(0.75, 1.35).all()
    assert (ratio.sub(1).abs() < 0.05).sum() > len(ratio) / 2 and (ratio.sub(1).abs() > 0.08).any()
    payments, clearings = table(demo, "disbursements", "payments"), table(demo, "disbursements", "clearings")
    sms = payments.groupby("_cc")["amount"].sum().sub(clearings.groupby("_cc")["returned"].sum(), fill_value=0)
    assert (last.loc[sms.index, "disbursed"] / sms).between(0.85, 1.2).all()
    assert (last.loc[sms.index, "disbursed"] != sms).all(), "finance and SMS never agree to the satang"


# -- hospital finance ------------------------------------------------------------------------------
def test_hospital_finance_has_every_hospital_every_elapsed_month(demo, reference):
    finance = table(demo, "hospital_finance", "hospital_finance")
    units = reference["units"].set_index("unit_code")
    assert set(finance["unit_code"].map(units["unit_type"])) <= set(HOSPITAL_TYPES)
    assert (finance["unit_code"].map(units["cost_center"]) == finance["_cc"]).all()
    hospitals = units[units["unit_type"].isin(HOSPITAL_TYPES) & ~units["cost_center"].isin(demo.silent_cost_centers)]
    assert set(finance["unit_code"]) == set(hospitals.index)
    for unit, rows in finance.groupby("unit_code"):
        assert list(rows["month"]) == list(ELAPSED_MONTHS), unit
        for column in ("revenue", "expense", "drug_cost", "ip_revenue_received", "uc_revenue"):
            assert rows[column].is_monotonic_increasing, (unit, column)  # year to date
        assert rows[["planfin_revenue", "planfin_expense", "ip_revenue_plan"]].nunique().eq(1).all(), unit
        filled = rows.loc[rows["opd_cost"].notna(), "month"].tolist()
        assert filled == [12, 3], unit  # unit cost at the quarter ends
    assert (satang(finance["revenue"]) - satang(finance["expense"]) == satang(finance["net_income"])).all()
    assert (finance["ebitda"] >= finance["net_income"]).all()
    assert (finance["current_assets"] >= finance["cash"] + finance["inventory"]).all()


def test_hospital_finance_shows_healthy_hospitals_and_hospitals_in_risk(demo, reference):
    finance = table(demo, "hospital_finance", "hospital_finance").drop(columns="_cc")
    health = hospital_health(finance, reference["units"], fiscal_year=DEMO_FISCAL_YEAR, month=3)
    assert health["risk_score"].notna().all() and health["grade"].notna().all()
    assert (health["risk_score"] == 0).mean() > 0.5 and (health["risk_score"] >= 2).sum() >= 3
    assert health["grade"].nunique() >= 4
    assert health["planfin_pass"].any() and not health["planfin_pass"].all()
    assert health["ip_pass"].any() and not health["ip_pass"].all()
    assert health["opd_cost_per_visit"].between(400, 1200).all()
    assert health["ipd_cost_per_adjrw"].between(8000, 20000).all()
    trang = health.set_index("unit_code")
    assert trang.loc["11408", "risk_score"] >= 2  # รพ.ย่านตาขาว, watched closely in seed 003


def test_written_hospital_finance_workbooks_pass_validation(written, reference):
    _, paths, _ = written
    files = [p for p in paths if p.name == "hospital_finance.xlsx"]
    assert files
    report = validate(files, reference, as_of=AS_OF)
    assert report.errors == 0 and report.warnings == 0, [f.findings[:3] for f in report.files if f.findings]


# -- determinism -----------------------------------------------------------------------------------
def test_same_seed_same_year_other_seed_other_year(demo, reference):
    again = generate(reference)
    assert again.workbooks.keys() == demo.workbooks.keys()
    for key, frames in demo.workbooks.items():
        for sheet, frame in frames.items():
            pd.testing.assert_frame_equal(frame, again.workbooks[key][sheet])
    assert again.mistakes == demo.mistakes
    other = generate(reference, seed=7)
    some = next(k for k in demo.workbooks if k[1] == "allocations")
    assert not demo.workbooks[some]["transfers"].equals(other.workbooks[some]["transfers"])


# -- the written files -----------------------------------------------------------------------------
def test_write_demo_writes_every_workbook_the_mistakes_and_the_manifest(written, demo):
    out, paths, calls = written
    root = out / str(DEMO_FISCAL_YEAR)
    expected = {root / cc / f"{t}.xlsx" for cc, t in demo.workbooks if t != "gfmis"} | {root / "gfmis.xlsx"}
    expected |= {root / m.file for m in demo.mistakes} | {root / "mistakes" / "manifest.json"}
    assert set(paths) == expected and all(p.exists() for p in paths)
    assert set(p for p in root.rglob("*") if p.is_file()) == expected
    assert calls[-1][:2] == (len(paths), len(paths)) and [c[0] for c in calls] == list(range(1, len(paths) + 1))
    manifest = json.loads((root / "mistakes" / "manifest.json").read_text(encoding="utf-8"))
    assert {m["rule"] for m in manifest} == {"B01", "B05", "B08", "OK"}
    assert "ใบโอน" in (root / "mistakes" / "manifest.json").read_text(encoding="utf-8")  # ensure_ascii=False


def test_a_written_workbook_reads_back_as_generated(written, demo):
    out, _, _ = written
    cc = demo.cost_centers[0]
    path = out / str(DEMO_FISCAL_YEAR) / cc / "allocations.xlsx"
    meta = dict(openpyxl.load_workbook(path)["_meta"].iter_rows(values_only=True))
    assert meta["cost_center"] == cc and meta["fiscal_year"] == str(DEMO_FISCAL_YEAR)
    back = read_sheet(path, "allocations", "transfers")
    frame = demo.workbooks[(cc, "allocations")]["transfers"]
    assert len(back) == len(frame)
    assert list(back["transfer_no"]) == list(frame["transfer_no"])
    assert [as_date(v) for v in back["transfer_date"]] == list(frame["transfer_date"])
    assert list(back["amount"]) == list(frame["amount"])
    gfmis = read_sheet(out / str(DEMO_FISCAL_YEAR) / "gfmis.xlsx", "gfmis", "gfmis")
    assert list(gfmis["month"][:3]) == ["ต.ค.", "พ.ย.", "ธ.ค."]


def thai_date(text: str) -> date:
    day, month, year = (int(p) for p in text.translate(THAI).split("/"))
    return date(year - 543, month, day)


def test_each_mistake_points_at_a_cell_holding_its_offending_value(written, demo):
    out, _, _ = written
    root = out / str(DEMO_FISCAL_YEAR)
    assert len(demo.mistakes) == 4 and len({m.cost_center for m in demo.mistakes}) == 4
    for m in demo.mistakes:
        sheet = TEMPLATES[m.template].sheet(m.sheet)
        bad = read_sheet(root / m.file, m.template, m.sheet)
        good = read_sheet(root / m.cost_center / f"{m.template}.xlsx", m.template, m.sheet)
        cell = openpyxl.load_workbook(root / m.file)[sheet.name].cell(m.row, sheet.keys.index(m.column) + 1).value
        assert cell == bad.at[m.row, m.column] and cell != good.at[m.row, m.column], m
        assert bad.drop(index=m.row).equals(good.drop(index=m.row)) or m.rule == "OK", "more than one cell changed"
        check = {"B01": over_allocated, "B05": foreign_source, "B08": over_disbursed, "OK": thai_digits}[m.rule]
        check(root, m, bad, good, cell)


def over_allocated(root, m, bad, good, cell):
    transfers = read_sheet(root / m.file, "allocations", "transfers").set_index("transfer_no")["amount"]
    number = bad.at[m.row, "transfer_no"]
    assert cell == transfers[number]
    assert bad.loc[bad["transfer_no"] == number, "amount"].sum() > transfers[number] + 0.005
    assert good.loc[good["transfer_no"] == number, "amount"].sum() <= transfers[number] + 0.005


def foreign_source(root, m, bad, good, cell):
    funding = read_sheet(root / m.file, "projects", "funding")
    own = set(funding.loc[funding["project_code"] == bad.at[m.row, "project_code"], "transfer_no"])
    assert cell not in own and good.at[m.row, m.column] in own
    allocations = read_sheet(root / m.cost_center / "allocations.xlsx", "allocations", "allocations")
    assert cell in set(allocations["transfer_no"]), "the wrong source is still a real transfer (not a B11)"


def over_disbursed(root, m, bad, good, cell):
    activities = read_sheet(root / m.cost_center / "projects.xlsx", "projects", "activities")
    clearings = read_sheet(root / m.file, "disbursements", "clearings")
    key = (bad.at[m.row, "project_code"], bad.at[m.row, "activity_no"])
    budget = satang(activities.set_index(["project_code", "activity_no"])["budget"])[key]
    assert disbursed(bad, clearings)[key] > budget >= disbursed(good, clearings)[key]
    assert cell == pytest.approx(good.at[m.row, "amount"] * 10)


def thai_digits(root, m, bad, good, cell):
    assert isinstance(cell, str) and re.fullmatch(r"[๐-๙]{1,2}/[๐-๙]{1,2}/[๐-๙]{4}", cell)
    assert thai_date(cell) == as_date(good.at[m.row, m.column])
    assert all(isinstance(v, str) for v in bad["transfer_date"])
