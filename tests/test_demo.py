"""The demo fiscal year: judged by the real validator, deterministic, realistic, written as promised.

The budget and column rules are not recomputed here: every written demo workbook goes through
``validators.validate.validate`` (which checks each cost centre's workbooks together, and GFMIS on its
own), and the tests assert exactly the findings the demo intends. The other tests check what the
validator cannot: who takes part, that the year's story holds together, determinism, the files.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from demo import DEMO_AS_OF, DEMO_FISCAL_YEAR, MISTAKES_DIR, generate, write_demo
from domain.findings import display
from domain.ledger import ADVANCE_OVERDUE_DAYS, net_disbursed
from domain.vocabulary import PaymentKind
from finance.health import hospital_health
from templates import TEMPLATES
from templates.catalog import STEPS
from validators.validate import validate

FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)
AS_OF = DEMO_AS_OF
HOSPITAL_TYPES = ("รพศ.", "รพท.", "รพช.")  # DOMAIN.md: regional, general and community hospitals
ELAPSED_MONTHS = (10, 11, 12, 1, 2, 3)  # Oct..Mar for data as of 31 March
# The rows a mistake's rule flags beside the mistaken one: every row sharing these columns' values.
FLAGGED_WITH = {"B01": ("transfer_no",), "B05": ("project_code", "activity_no"),
                "B08": ("project_code", "activity_no")}


@pytest.fixture(scope="module")
def demo(reference):
    return generate(reference)


@pytest.fixture(scope="module")
def written(tmp_path_factory, reference):
    out = tmp_path_factory.mktemp("demo")
    calls = []
    paths = write_demo(out, reference, progress=lambda done, total, label: calls.append((done, total, label)))
    return out / str(DEMO_FISCAL_YEAR), paths, calls


@pytest.fixture(scope="module")
def checked(written, reference):
    """Every good workbook validated together, as ``sms validate`` would: per cost centre, GFMIS alone."""
    root, paths, _ = written
    good = [p for p in paths if p.suffix == ".xlsx" and MISTAKES_DIR not in p.relative_to(root).parts]
    return validate(good, reference, as_of=AS_OF)


@pytest.fixture(scope="module")
def manifest(written):
    root, _, _ = written
    return json.loads((root / MISTAKES_DIR / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mistakes_checked(written, manifest, demo, checked, reference):
    """Each mistake file validated with its cost centre's other workbooks (not the good copy it replaces),
    those already parsed for ``checked``."""
    root, _, _ = written
    parsed = {fr.path: fr.parsed for fr in checked.files}
    reports = {}
    for m in manifest:
        others = [parsed[root / cc / f"{key}.xlsx"] for cc, key in demo.workbooks if cc == m["cost_center"]
                  and key != m["template"]]
        reports[m["file"]] = validate([root / m["file"], *others], reference, as_of=AS_OF)
    return reports


def table(demo, template: str, sheet: str) -> pd.DataFrame:
    """One sheet across every cost centre, with the cost centre whose workbook it came from."""
    frames = [frames[sheet].assign(_cc=cc) for (cc, key), frames in demo.workbooks.items() if key == template]
    return pd.concat(frames, ignore_index=True)


def findings(report) -> list[tuple[str, str, object]]:
    """(cost centre, template, finding) of every finding of a validation report."""
    return [(fr.cost_center, fr.parsed.template.key, f) for fr in report.files for f in fr.findings]


def where(f) -> tuple:
    return f.rule, f.sheet, f.row, f.column


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
    expected = {(cc, t) for cc in with_units - silent for t in STEPS} | {("", "gfmis")}
    expected |= {(cc, "hospital_finance") for cc in with_hospitals - silent}
    assert set(demo.workbooks) == expected
    gfmis = demo.workbooks[("", "gfmis")]["gfmis"]
    assert set(gfmis["cost_center"]) == set(reference["cost_centers"]["cost_center"])


def test_every_frame_has_exactly_its_sheets_columns(demo):
    for (_, key), frames in demo.workbooks.items():
        assert set(frames) == {s.key for s in TEMPLATES[key].sheets}
        for sheet in TEMPLATES[key].sheets:
            assert list(frames[sheet.key].columns) == sheet.keys


def test_there_is_data_in_every_sheet_of_every_demo_cost_centre(demo):
    for (cc, _), frames in demo.workbooks.items():
        for sheet_key, frame in frames.items():
            if sheet_key != "clearings":  # a small hospital may have no advance at all
                assert len(frame), f"{cc} {sheet_key} is empty"


# -- the real validator on the written workbooks ---------------------------------------------------
def test_the_good_workbooks_have_no_error_only_the_intended_warnings(checked, demo):
    assert not checked.unreadable
    errors = [(cc, t, where(f)) for cc, t, f in findings(checked) if f.is_error]
    assert errors == [], errors[:10]
    rules = Counter(f.rule for _, _, f in findings(checked))
    assert set(rules) == {"B07", "B10"}, rules
    projects = table(demo, "projects", "projects")
    assert 0.03 * len(projects) <= rules["B07"] <= 0.15 * len(projects), "about one project in ten leaves money"
    assert rules["B10"] == 2


def test_b07_warns_at_the_budget_of_the_projects_that_leave_money_unplanned(checked, demo):
    warned = [(cc, f) for cc, _, f in findings(checked) if f.rule == "B07"]
    assert len({cc for cc, _ in warned}) > 3, "the unplanned money is spread over the cost centres"
    for cc, f in warned:
        assert (f.sheet, f.column) == ("projects", "budget")
        project = demo.workbooks[(cc, "projects")]["projects"].loc[f.row - 2]
        assert f.value == display(project["budget"])
        assert project["project_code"] in f.message_en and f"budget of {project['budget']:,.2f}" in f.message_en


def test_b10_warns_at_two_old_advances_in_two_cost_centres(checked, demo):
    warned = [(cc, f) for cc, _, f in findings(checked) if f.rule == "B10"]
    assert len({cc for cc, _ in warned}) == 2
    for cc, f in warned:
        assert (f.sheet, f.column) == ("payments", "document_date")
        advance = demo.workbooks[(cc, "disbursements")]["payments"].loc[f.row - 2]
        assert advance["kind"] == PaymentKind.ADVANCE
        days = (AS_OF - advance["document_date"]).days
        assert days > ADVANCE_OVERDUE_DAYS
        clearings = demo.workbooks[(cc, "disbursements")]["clearings"]
        mine = clearings[(clearings["advance_document_no"] == advance["document_no"])
                         & (clearings["unit_code"] == advance["unit_code"])]
        left = advance["amount"] - (mine["spent"] + mine["returned"]).sum()
        assert (f"Advance {advance['document_no']} of {advance['amount']:,.2f} still has {left:,.2f} not cleared "
                f"after {days} days") in f.message_en


def test_the_manifest_lists_one_mistake_of_each_kind_in_four_cost_centres(manifest, demo):
    assert [m["rule"] for m in manifest] == ["B01", "B05", "B08", "OK"]
    assert len({m["cost_center"] for m in manifest}) == 4
    assert manifest == [vars(m) for m in demo.mistakes]
    assert all(m["description_th"] and m["description_en"] for m in manifest)


def test_each_mistake_is_flagged_by_its_rule_at_its_cell_and_nothing_else_is_wrong(mistakes_checked, manifest, demo):
    for m in manifest:
        report = mistakes_checked[m["file"]]
        errors = [(fr.path.name, f) for fr in report.files for f in fr.findings if f.is_error]
        if m["rule"] == "OK":
            assert errors == [], m["file"]
            continue
        bad = demo.mistake_workbooks[m["file"]][m["sheet"]]
        good = demo.workbooks[(m["cost_center"], m["template"])][m["sheet"]]
        assert {name for name, _ in errors} == {m["file"].split("/")[-1]}, "an error outside the mistake file"
        assert {(f.rule, f.sheet, f.column) for _, f in errors} == {(m["rule"], m["sheet"], m["column"])}
        columns = list(FLAGGED_WITH[m["rule"]])
        same = (bad[columns] == bad.loc[m["row"] - 2, columns]).all(axis=1)
        if m["rule"] == "B08":  # the good copy is within every budget: the mistaken payment tips it, and those after
            when = list(zip(bad["document_date"], bad.index, strict=True))
            same &= pd.Series([w >= when[m["row"] - 2] for w in when], index=bad.index)
        assert sorted(f.row for _, f in errors) == [i + 2 for i in bad.index[same]], m["file"]
        at_cell = next(f for _, f in errors if f.row == m["row"])
        assert at_cell.value == display(bad.at[m["row"] - 2, m["column"]])
        assert all(str(bad.at[m["row"] - 2, c]) in at_cell.message_en for c in columns), at_cell.message_en
        assert at_cell.value != display(good.at[m["row"] - 2, m["column"]])


def test_a_mistake_file_warns_only_as_its_good_copy_does(mistakes_checked, manifest, checked):
    for m in manifest:
        intended = {(t, where(f)) for cc, t, f in findings(checked) if cc == m["cost_center"]}
        warned = {(t, where(f)) for _, t, f in findings(mistakes_checked[m["file"]]) if not f.is_error}
        assert warned == intended, m["file"]


def test_a_mistake_changes_one_cell_of_its_good_copy(manifest, demo):
    for m in manifest:
        bad = demo.mistake_workbooks[m["file"]]
        good = demo.workbooks[(m["cost_center"], m["template"])]
        assert set(bad) == set(good)
        for sheet, frame in bad.items():
            if sheet != m["sheet"]:
                pd.testing.assert_frame_equal(frame, good[sheet])
        before, after = good[m["sheet"]], bad[m["sheet"]]
        changed = after.ne(before) & ~(after.isna() & before.isna())
        cells = {(int(i) + 2, before.columns[c]) for i, c in zip(*changed.to_numpy().nonzero(), strict=True)}
        if m["rule"] == "OK":  # every transfer date, retyped
            assert cells == {(i + 2, m["column"]) for i in range(len(before))}
        else:
            assert cells == {(m["row"], m["column"])}


def test_thai_digit_be_dates_read_as_the_dates_they_stand_for(mistakes_checked, manifest, demo):
    m = next(m for m in manifest if m["rule"] == "OK")
    typed = demo.mistake_workbooks[m["file"]]["transfers"]["transfer_date"]
    assert typed.str.fullmatch(r"[๐-๙]{1,2}/[๐-๙]{1,2}/๒๕๖[๘๙]").all()
    read = next(fr for fr in mistakes_checked[m["file"]].files if fr.path.name == m["file"].split("/")[-1])
    dates = read.parsed.sheets["transfers"].values["transfer_date"]
    assert list(dates) == list(demo.workbooks[(m["cost_center"], "allocations")]["transfers"]["transfer_date"])


# -- what the validator cannot see: the year's story -----------------------------------------------
def test_money_flows_as_in_a_real_year(demo):
    transfers, allocations = table(demo, "allocations", "transfers"), table(demo, "allocations", "allocations")
    allocated = allocations.groupby("transfer_no")["amount"].sum().round(2)
    amount = transfers.set_index("transfer_no")["amount"][allocated.index]
    assert (allocated < amount).any() and (allocated == amount).any(), "some money is held back, some not"
    funding = table(demo, "projects", "funding")
    assert funding.groupby("project_code").size().between(1, 2).all()
    payments, clearings = table(demo, "disbursements", "payments"), table(demo, "disbursements", "clearings")
    assert set(payments["kind"]) == {PaymentKind.PAYMENT, PaymentKind.ADVANCE}
    assert (clearings["returned"] > 0).any() and (clearings["returned"] == 0).any()
    activities = table(demo, "projects", "activities").set_index(["project_code", "activity_no"])["budget"]
    spent = net_disbursed(payments, clearings, ["project_code", "activity_no"], on=("_cc", "unit_code"))
    rate = spent.sum() / activities[spent.index].sum()
    assert 0.3 <= rate <= 0.9, f"activities that started are {rate:.0%} disbursed"


def test_the_years_events_happen_in_order(demo):
    transfers, projects = table(demo, "allocations", "transfers"), table(demo, "projects", "projects")
    allocations = table(demo, "allocations", "allocations").merge(transfers, on="transfer_no")
    assert (allocations["allocation_date"] >= allocations["transfer_date"]).all()
    assert (projects["start_date"] <= projects["end_date"]).all()
    assert projects["end_date"].between(FY_START, FY_END).all()
    payments = table(demo, "disbursements", "payments").merge(projects[["project_code", "start_date"]],
                                                              on="project_code")
    assert (payments["document_date"] >= payments["start_date"]).all()
    clearings = table(demo, "disbursements", "clearings").merge(
        payments, left_on=["_cc", "unit_code", "advance_document_no"], right_on=["_cc", "unit_code", "document_no"],
        suffixes=("", "_advance"), validate="many_to_one")
    assert len(clearings) == len(table(demo, "disbursements", "clearings"))
    assert (clearings["clearing_date"] > clearings["document_date"]).all()


def test_every_row_belongs_to_the_cost_centre_whose_workbook_holds_it(demo, reference):
    owner = reference["units"].set_index("unit_code")["cost_center"]
    assert (table(demo, "allocations", "transfers").eval("cost_center == _cc")).all()
    for template, sheet in (("allocations", "allocations"), ("projects", "projects"), ("disbursements", "payments"),
                            ("disbursements", "clearings"), ("outputs", "kpi_results")):
        rows = table(demo, template, sheet)
        assert (rows["unit_code"].map(owner) == rows["_cc"]).all(), sheet


def test_codes_follow_the_budget_and_strategy_of_the_reference_set(demo, reference):
    codes = reference["budget_activities"]
    pairs = set(zip(codes["activity_code"], codes["output_code"], strict=True))
    transfers = table(demo, "allocations", "transfers")
    assert set(zip(transfers["activity_code"], transfers["output_code"], strict=True)) <= pairs
    projects = table(demo, "projects", "projects")
    plan_of = reference["strategic_projects"].set_index("strategic_project_code")["plan_code"]
    assert (projects["strategic_project_code"].map(plan_of) == projects["plan_code"]).all()
    with_kpi = projects[projects["kpi_code"].notna()]
    sp_of = reference["kpis"].set_index("kpi_code")["strategic_project_code"]
    assert (with_kpi["kpi_code"].map(sp_of) == with_kpi["strategic_project_code"]).all()
    assert 0 < len(with_kpi) < len(projects), "kpi_code is sometimes blank"
    numbering = table(demo, "projects", "activities").groupby("project_code")["activity_no"].apply(list)
    assert all(n == list(range(1, len(n) + 1)) for n in numbering), "activities are numbered 1, 2, ..."


def test_small_success_targets_grow_to_the_annual_target(demo):
    outputs = table(demo, "projects", "outputs")
    q = outputs[["target_q1", "target_q2", "target_q3", "target_q4"]].to_numpy()
    assert (q[:, :-1] <= q[:, 1:]).all()
    assert (outputs["target_q4"] == outputs["target"]).all()
    assert outputs.groupby("project_code").size().between(1, 2).all()


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


def test_each_unit_reports_two_to_four_kpis_each_elapsed_quarter(demo, reference):
    """Besides, every hospital reports seed 003's accounting measures, the hospital criteria the store does not
    compute (K32–K34)."""
    results = table(demo, "outputs", "kpi_results")
    labels = reference["kpis"].set_index("kpi_code")["unit_label"]
    assert (results["kpi_code"].map(labels) == "ร้อยละ").sum() > 50, "enough percentages for B14 to judge"
    criteria = reference.hospital_criteria()
    accounting = set(criteria.loc[criteria["computed"] == "", "kpi_code"])
    assert accounting == {"K32", "K33", "K34"}
    chosen = results[~results["kpi_code"].isin(accounting)]
    assert chosen.groupby("unit_code")["kpi_code"].nunique().between(2, 4).all()
    hospitals = reference["units"].loc[reference["units"]["unit_type"].isin(HOSPITAL_TYPES), "unit_code"]
    reported = results[results["kpi_code"].isin(accounting)].groupby("unit_code")["kpi_code"].nunique()
    assert set(reported.index) == set(hospitals) & set(results["unit_code"]) and (reported == 3).all()
    assert all(q == [1, 2] for q in results.groupby(["unit_code", "kpi_code"])["quarter"].apply(sorted))


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
    sms = net_disbursed(payments, clearings, "_cc", on=("_cc", "unit_code"))
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
    assert ((finance["revenue"] - finance["expense"]).round(2) == finance["net_income"]).all()
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
    root, paths, calls = written
    expected = {root / cc / f"{t}.xlsx" for cc, t in demo.workbooks if t != "gfmis"} | {root / "gfmis.xlsx"}
    expected |= {root / m.file for m in demo.mistakes} | {root / MISTAKES_DIR / "manifest.json"}
    assert set(paths) == expected and all(p.exists() for p in paths)
    assert set(p for p in root.rglob("*") if p.is_file()) == expected
    assert calls[-1][:2] == (len(paths), len(paths)) and [c[0] for c in calls] == list(range(1, len(paths) + 1))
    assert "ใบโอน" in (root / MISTAKES_DIR / "manifest.json").read_text(encoding="utf-8")  # ensure_ascii=False


def read_sheet(path, template: str, sheet_key: str) -> pd.DataFrame:
    """A written sheet back as a frame of raw cell values, indexed by Excel row."""
    sheet = TEMPLATES[template].sheet(sheet_key)
    ws = openpyxl.load_workbook(path)[sheet.name]
    rows = {r: list(values)[: len(sheet.keys)] for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2)
            if any(v is not None for v in values)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=sheet.keys)


def test_a_written_workbook_reads_back_as_generated(written, demo):
    root, _, _ = written
    cc = demo.cost_centers[0]
    path = root / cc / "allocations.xlsx"
    meta = dict(openpyxl.load_workbook(path)["_meta"].iter_rows(values_only=True))
    assert meta["cost_center"] == cc and meta["fiscal_year"] == str(DEMO_FISCAL_YEAR)
    back = read_sheet(path, "allocations", "transfers")
    frame = demo.workbooks[(cc, "allocations")]["transfers"]
    assert len(back) == len(frame)
    assert list(back["transfer_no"]) == list(frame["transfer_no"])
    assert [v.date() if isinstance(v, datetime) else v for v in back["transfer_date"]] == list(frame["transfer_date"])
    assert list(back["amount"]) == list(frame["amount"])
    gfmis = read_sheet(root / "gfmis.xlsx", "gfmis", "gfmis")
    assert list(gfmis["month"][:3]) == ["ต.ค.", "พ.ย.", "ธ.ค."]
