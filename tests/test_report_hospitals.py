"""The financial report's hospital financial-health section (seed 003), on a small Trang store.

Three Trang hospitals with seed 003's Q1 FY 2562 figures (tests/test_finance.py's fixtures): รพ.ตรัง (cost
centre 2100200233), รพ.กันตัง and รพ.ย่านตาขาว (สสจ.ตรัง 2100200232). The balance-sheet items are rebuilt
from the printed ratios (CR, QR, Cash, NWC) and the 7 Plus indicators from the printed days and margins; the
Planfin, IP, unit-cost inputs and the money left after debts are the seed's own numbers, and medical revenue keeps
the seed's cost ÷ medical revenue. EBITDA follows the printed operating margins (the Risk table's EBITDA column,
of another download, does not: รพ.ตรัง 69,508,655.04 against 16.52 % of 522,721,848.56). รพ.กันตัง also has a
November row and a January row: the report as of 31 December must use December.
"""

from __future__ import annotations

import datetime as dt
import re

import nbformat
import pandas as pd
import pytest
import sqlalchemy as sa
from test_finance import (
    COST_RATIO,
    CRITERIA,
    CRITERIA_PROVINCE,
    HOSPITALS,
    IP,
    PLANFIN_Q1,
    PUB_PLANFIN_Q1,
    PUB_REVENUE_TO_EXPENSE_Q1,
    RISK,
    RISK_MONEY,
    SEED_COLUMN,
    SEVEN_PLUS,
    UNIT_COST,
)
from typer.testing import CliRunner

from finance import health as fh
from reports import tables
from reports.fmt import FAIL, PASS
from reports.params import resolve_province
from reports.show import FIGURES_MIME
from reports.tables.kpi import province_result
from services.submission import submit
from sms.cli import app
from store.db import connect
from store.queries import current_rows
from templates import TEMPLATES
from templates.workbook import build_workbook

FY, DEC, PROVINCE = 2562, 12, "92"
AS_OF = dt.date(2018, 12, 31)
PICK = [0, 1, 2]  # รพ.ตรัง, รพ.กันตัง, รพ.ย่านตาขาว in the seed's order
CENTRES = {"10683": "2100200233", "11407": "2100200232", "11408": "2100200232"}
DAYS = 92  # 1 October to 31 December


def seed_row(i: int, month: int = DEC) -> dict:
    """Raw hospital_finance items that give seed 003's printed figures for hospital ``i``."""
    r, s, p, ip, uc = RISK.iloc[i], SEVEN_PLUS.iloc[i], PLANFIN_Q1.iloc[i], IP.iloc[i], UNIT_COST.iloc[i]
    money, cost = RISK_MONEY.iloc[i], COST_RATIO.iloc[i]
    liabilities = round(r["nwc"] / (r["current_ratio"] - 1), 2)
    assets = round(r["nwc"] + liabilities, 2)
    inventory = round(assets - r["quick_ratio"] * liabilities, 2)
    revenue, expense = p["revenue"], p["expense"]
    purchases, scheme = round(expense * 0.2, 2), round(revenue * 0.1, 2)
    return {
        "unit_code": HOSPITALS.loc[i, "unit_code"], "month": month,
        "current_assets": assets, "current_liabilities": liabilities,
        "cash": round(r["cash_ratio"] * liabilities, 2), "inventory": inventory,
        "total_assets": round(r["net_income"] * 100 / s["roa"], 2),
        "revenue": revenue, "expense": expense, "net_income": r["net_income"],
        "ebitda": round(s["operating_margin"] * revenue / 100, 2),
        "uc_revenue": scheme, "uc_receivable": round(s["uc_collection_period"] * scheme / DAYS, 2),
        "csmbs_revenue": scheme, "csmbs_receivable": round(s["csmbs_collection_period"] * scheme / DAYS, 2),
        "sss_revenue": scheme, "sss_receivable": round(s["sss_collection_period"] * scheme / DAYS, 2),
        "drug_purchases": purchases, "drug_payables": round(s["payment_period"] * purchases / DAYS, 2),
        "drug_cost": (drug_cost := round(inventory * DAYS / s["inventory_period"], 2)),
        # medical revenue that keeps the seed's cost ÷ revenue of this hospital (its table is of another quarter)
        "medical_revenue": round(drug_cost * cost["medical_revenue"] / cost["drug_cost"], 2),
        "maintenance_fund": money["maintenance_fund"],
        "planfin_revenue": p["planfin_revenue"], "planfin_expense": p["planfin_expense"], "planfin_sheets": 7,
        "ip_revenue_plan": ip["ip_revenue_plan"], "ip_revenue_received": ip["pub_received"],
        "opd_cost": uc["opd_cost"], "opd_visits": int(uc["opd_visits"]), "ipd_cost": uc["ipd_cost"],
        "adjrw": uc["adjrw"],
    }


def rows_of(cc: str) -> pd.DataFrame:
    rows = [seed_row(i) for i in PICK if CENTRES[HOSPITALS.loc[i, "unit_code"]] == cc]
    if cc == "2100200232":  # กันตัง: an older month and a month after the cut-off, neither to be used
        early = seed_row(1, 11) | {"net_income": -5_000_000.0, "opd_cost": None, "opd_visits": None,
                                   "ipd_cost": None, "adjrw": None}
        late = seed_row(1, 1) | {"net_income": -9_000_000.0, "current_assets": 1.0}
        rows += [early, late]
    return pd.DataFrame(rows)


# What the hospitals typed for their KPIs in Q1: seed 003's accounting measures (trial balance 100, GFMIS cash
# account and e-payment: yes), and two results the store computes otherwise: รพ.ย่านตาขาว's revenue ÷ expense
# (1.04, not against plan) and รพ.ตรัง's 7 Plus count.
TYPED = [("11407", "K32", 100, 100, 100), ("11408", "K32", 100, 100, 100), ("10683", "K32", 100, 100, 100),
         ("11407", "K33", None, None, 1), ("11408", "K33", None, None, 1), ("10683", "K33", None, None, 1),
         ("11407", "K34", None, None, 1), ("11408", "K34", None, None, 0), ("10683", "K34", None, None, 1),
         ("11408", "K28", 47_075_276.10, 45_075_641.72, 1.04), ("10683", "K30", None, None, 5)]


def typed_of(cc: str) -> pd.DataFrame:
    return pd.DataFrame([dict(unit_code=u, kpi_code=k, quarter=1, numerator=a, denominator=b, result=r, note=None)
                         for u, k, a, b, r in TYPED if CENTRES[u] == cc], dtype=object)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("hospital-store")
    url = f"sqlite:///{folder / 'sms.sqlite'}"
    engine = connect(url)
    files = []
    for cc in sorted(set(CENTRES.values())):
        files.append(build_workbook(TEMPLATES["hospital_finance"], folder / f"{cc}.xlsx", reference, fiscal_year=FY,
                                    cost_center=cc, data={"hospital_finance": rows_of(cc)}))
        files.append(build_workbook(TEMPLATES["outputs"], folder / f"{cc}-outputs.xlsx", reference, fiscal_year=FY,
                                    cost_center=cc, data={"kpi_results": typed_of(cc)}))
    results = submit(engine, files, reference, actor="test", as_of=AS_OF)
    assert [r.status for r in results] == ["stored"] * 4, [
        (r.file, r.status, r.report and [(f.rule, f.cell, f.message) for f in r.report.findings]) for r in results]
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def engine(store_url):
    engine = sa.create_engine(store_url)
    yield engine
    engine.dispose()


def context(engine, reference, province=PROVINCE) -> tables.Context:
    return tables.Context(engine, reference, FY, resolve_province(reference, province), 1, 1, AS_OF)


def independent(engine, reference) -> pd.DataFrame:
    rows = current_rows(engine, "hospital_finance", fiscal_year=FY)
    rows = rows.assign(month=rows["month"].astype(int))
    return fh.hospital_health(rows, reference["units"], fiscal_year=FY, month=DEC).set_index("unit_code")


SECTION = ["hospital_risk", "hospital_risk_quarters", "hospital_seven_plus", "hospital_matrix",
           "hospital_planfin_complete", "hospital_planfin", "hospital_ip", "hospital_unit_cost", "hospital_cost_ratio",
           "hospital_criteria", "hospital_criteria_province", "hospital_risk_groups"]
CODES = [HOSPITALS.loc[i, "unit_code"] for i in PICK]


@pytest.fixture(scope="module")
def health(engine, reference) -> dict:
    return tables.hospital_health(context(engine, reference))


def units_of(table) -> pd.DataFrame:
    frame = table.frame
    return frame[frame["level"] == "unit"].set_index("unit_code")


def province_of(table) -> pd.Series:
    frame = table.frame
    return frame[frame["level"] == "total"].iloc[0]


def test_section_matches_finance_health_and_the_seed(engine, reference, health):
    assert tables.hospital_month(context(engine, reference)) == DEC  # January is after the cut-off
    assert list(health) == SECTION
    mine = independent(engine, reference)
    risk = units_of(health["hospital_risk"])
    assert sorted(risk.index) == ["10683", "11407", "11408"] and (risk["month"] == DEC).all()
    for i in PICK:
        code = HOSPITALS.loc[i, "unit_code"]
        for column in ("current_ratio", "quick_ratio", "cash_ratio"):
            assert fh.round_half_up(pd.Series([risk.loc[code, column]])).iloc[0] == RISK.loc[i, column], (code, column)
        assert risk.loc[code, "risk_score"] == mine.loc[code, "risk_score"] == RISK.loc[i, "pub_risk"]
        assert risk.loc[code, "liquidity"] == RISK.loc[i, "pub_liquidity"]
        assert risk.loc[code, "net_income"] == RISK.loc[i, "net_income"]
        assert risk.loc[code, "maintenance_fund"] == RISK_MONEY.loc[i, "maintenance_fund"]
    plan = health["hospital_planfin"]
    units, total = units_of(plan), province_of(plan)
    for i in PICK:
        code = HOSPITALS.loc[i, "unit_code"]
        for side in ("revenue", "expense"):
            assert units.loc[code, f"{side}_variance_pct"] == mine.loc[code, f"{side}_variance_pct"] \
                == PLANFIN_Q1.loc[i, f"pub_{side}_pct"]
            assert abs(units.loc[code, f"{side}_plan_to_date"] - PLANFIN_Q1.loc[i, f"pub_{side}_plan"]) < 0.006
        assert int(units.loc[code, "planfin_pass"]) == PUB_PLANFIN_Q1[i]
        assert int(units.loc[code, "revenue_to_expense_pass"]) == PUB_REVENUE_TO_EXPENSE_Q1[i]
    summed = PLANFIN_Q1.loc[PICK]
    expected = round((summed["revenue"].sum() - summed["planfin_revenue"].sum() / 4)
                     / (summed["planfin_revenue"].sum() / 4) * 100, 2)
    assert total["revenue_variance_pct"] == expected
    ip = units_of(health["hospital_ip"])
    assert [ip.loc[c, "ip_share_pct"] for c in CODES] == IP.loc[PICK, "pub_pct"].tolist()
    assert (ip.loc[CODES, "ip_expected_pct"] == 25.0).all()
    cost = units_of(health["hospital_unit_cost"])
    assert [cost.loc[c, "opd_cost_per_visit"] for c in CODES] == UNIT_COST.loc[PICK, "pub_opd"].tolist()
    assert cost.loc[CODES, ["opd_cost", "opd_visits", "ipd_cost", "adjrw"]].values.tolist() == \
        UNIT_COST.loc[PICK, ["opd_cost", "opd_visits", "ipd_cost", "adjrw"]].values.tolist()
    assert cost.loc["11407", "opd_limit"] == mine.loc["11407", "opd_limit"]
    seven = units_of(health["hospital_seven_plus"])
    assert seven["grade"].to_dict() == mine["grade"].to_dict()
    matrix = health["hospital_matrix"].frame.set_index("grade")
    placed = {(g, s): matrix.at[g, f"risk_{s}"] for g in matrix.index for s in range(8) if matrix.at[g, f"risk_{s}"]}
    assert sum(len(v.split(", ")) for v in placed.values()) == 3
    assert "รพ.ย่านตาขาว" in placed[(mine.loc["11408", "grade"], 2)]


def stored(engine) -> pd.DataFrame:
    """The December rows as stored, by unit code (the test's own read, not the report's)."""
    rows = current_rows(engine, "hospital_finance", fiscal_year=FY)
    return rows[rows["month"].astype(int) == DEC].set_index("unit_code")


def points(cr: float, qr: float, cash: float) -> int:
    return sum(round(x + 1e-9, 2) < limit for x, limit in ((cr, 1.5), (qr, 1.0), (cash, 0.8)))


def test_risk_table_has_the_code_the_money_left_ebitda_and_a_province_row(engine, health):
    rows = stored(engine)
    risk = health["hospital_risk"]
    assert [c.key for c in risk.columns][:2] == ["unit_code", "name"]
    units = units_of(risk)
    assert units["ebitda"].to_dict() == rows.loc[units.index, "ebitda"].to_dict()
    province = province_of(risk)
    assert province["name"] == "ภาพรวมจังหวัดตรัง"
    for column in ("maintenance_fund", "ebitda", "net_income"):
        assert province[column] == pytest.approx(rows[column].sum(), abs=0.005)
    assert province["nwc"] == pytest.approx(RISK.loc[PICK, "nwc"].sum(), abs=0.05)
    assets, debts = rows["current_assets"].sum(), rows["current_liabilities"].sum()
    liquid = points(assets / debts, (assets - rows["inventory"].sum()) / debts, rows["cash"].sum() / debts)
    assert province["liquidity"] == liquid and province["risk_score"] == liquid  # NWC, NI and survival: 0


def test_risk_by_quarter(health):
    quarters = health["hospital_risk_quarters"].frame.set_index("unit_code")
    assert quarters.loc[CODES, "q1"].tolist() == RISK.loc[PICK, "pub_risk"].tolist()  # December, not January
    assert quarters[["q2", "q3", "q4"]].isna().all().all()
    assert quarters.loc["", "q1"] == province_of(health["hospital_risk"])["risk_score"]
    assert quarters.loc[CODES, "beds"].tolist() == [575, 60, 60]  # the beds of the seed's history table


def test_planfin_complete_cost_ratio_and_risk_groups(engine, health):
    complete = health["hospital_planfin_complete"]
    assert units_of(complete)["planfin_sheets"].tolist() == [7, 7, 7]
    assert (province_of(complete)["hospitals_complete"], province_of(complete)["complete_share"]) == (3, 1.0)
    rows, cost = stored(engine), units_of(health["hospital_cost_ratio"])
    for code in CODES:
        assert cost.loc[code, "cost_ratio"] == fh.round_half_up(
            pd.Series([rows.loc[code, "drug_cost"] / rows.loc[code, "medical_revenue"]])).iloc[0]
    assert cost.loc[CODES, "cost_ratio"].tolist() == COST_RATIO.loc[PICK, "pub_ratio"].tolist()
    groups = health["hospital_risk_groups"].frame.set_index("risk_group")
    assert groups["names"].to_dict() == {"stable": "รพ.กันตัง, รพ.ตรัง", "watch": "-", "close_watch": "รพ.ย่านตาขาว"}


def test_criteria_are_the_kpi_reports_and_the_seeds(engine, reference, health):
    """4.10 and 4.11 against the KPI report of the same store, and the seed's columns where they do not hang on
    peers (which here are three Trang hospitals, not the nation's)."""
    ctx = context(engine, reference)
    units = tables.kpi_units(ctx).frame
    units = units[units["level"] == "unit"]
    criteria = health["hospital_criteria"]
    per_hospital = units_of(criteria)
    codes = [c.key for c in criteria.columns if c.key.startswith("K")]
    assert codes == ["K27", "K28", "K29", "K30", "K31", "K32", "K33", "K34"]
    for row in units[units["kpi_code"].isin(codes)].itertuples():
        mark = per_hospital.loc[row.unit_code, row.kpi_code]
        assert (mark == 1.0 if row.verdict == PASS else (mark == 0.0 if row.verdict == FAIL else pd.isna(mark)))
    assert per_hospital.loc[CODES, "K28"].tolist() == PUB_REVENUE_TO_EXPENSE_Q1[:3]
    assert per_hospital.loc[CODES, "K29"].tolist() == PUB_PLANFIN_Q1[:3]
    assert per_hospital.loc[CODES, "K34"].tolist() == [1, 1, 0]  # as typed
    assert province_of(criteria)["K28"] == 2
    summary = tables.kpi_summary(ctx).frame.set_index("kpi_code")
    province = health["hospital_criteria_province"].frame.set_index("kpi_code")
    shared = ["passing", "reporting", "province_result", "criterion", "verdict"]
    assert province[shared].equals(summary.loc[codes, shared])
    assert province.loc["K28", ["passing", "reporting", "verdict"]].tolist() == [2, 3, FAIL]  # 66.67 % < 90 %


def test_typed_results_beside_the_computed_ones(engine, reference, health):
    units = tables.kpi_units(context(engine, reference)).frame.set_index(["kpi_code", "unit_code"])
    yan = units.loc[("K28", "11408")]
    assert (yan["source"], yan["typed_result"], yan["verdict"], yan["check"]) == (
        "computed", 1.04, FAIL, "ต่างจากที่คำนวณ")
    assert yan["result"] == units_of(health["hospital_planfin"]).loc["11408", "revenue_to_expense"] == 0.96
    assert yan["typed_verdict"] == PASS  # what the unit typed would have passed
    trang = units.loc[("K30", "10683")]
    passed = units_of(health["hospital_seven_plus"]).loc["10683", "passed"]
    assert trang["result"] == passed and (trang["check"] == "ต่างจากที่คำนวณ") == (passed != 5)
    kantang = units.loc[("K28", "11407")]  # computed only
    assert kantang["source"] == "computed" and kantang["check"] == "" and pd.isna(kantang["typed_result"])
    yes = units.loc[("K34", "11408")]
    assert (yes["source"], yes["result_text"], yes["verdict"]) == ("typed", "ไม่ใช่ (0)", FAIL)


def test_the_reference_computes_the_seeds_measures(reference):
    kpis = reference["kpis"]
    computed = dict(zip(kpis["computed"], kpis["kpi_code"], strict=True))
    assert {c: computed[c.value] for c in SEED_COLUMN} == SEED_COLUMN
    assert list(reference.hospital_criteria()["kpi_code"]) == sorted(CRITERIA.columns)


def test_the_seeds_eight_criteria_for_the_province(reference):
    """Seed 003's province rows of the eight measures, from its ten hospitals' 0/1 columns: hospitals passing,
    per cent, criterion and verdict, with the reference's criteria."""
    kpis = reference["kpis"].set_index("kpi_code")
    for code, (passing, pct, criterion, passes) in CRITERIA_PROVINCE.items():
        mine = pd.DataFrame({"verdict": [PASS if v else FAIL for v in CRITERIA[code]]})
        got = province_result(mine, kpis.loc[code], kpis.loc[code, "target"])
        assert got["province_result"] == pytest.approx(pct) and got["criterion"] * 100 == criterion, code
        assert got["verdict"] == (PASS if passes else FAIL), code
        assert f"({passing}/10 " in got["province_result_text"]


def test_a_province_without_hospital_finance_gets_one_line(engine, reference):
    ctx = context(engine, reference, "39")
    assert tables.hospital_month(ctx) is None and tables.hospital_health(ctx) == {}


@pytest.mark.slow
def test_report_notebook_shows_the_section(store_url, tmp_path):
    mp = pytest.MonkeyPatch()
    mp.setenv("SMS_DATABASE_URL", store_url)
    try:
        result = CliRunner().invoke(app, ["report", "--fiscal-year", str(FY), "--province", "ตรัง", "--quarter", "1",
                                          "--as-of", AS_OF.isoformat(), "--out", str(tmp_path), "--no-pdf"])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    folder = tmp_path / str(FY) / "Q1" / PROVINCE
    nb = nbformat.read(folder / "financial_report.ipynb", as_version=4)
    figures = [o["data"][FIGURES_MIME] for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if FIGURES_MIME in o.get("data", {})][0]
    tables_ = figures["tables"]
    assert sorted(k for k in tables_ if k.startswith("hospital_")) == sorted(SECTION)
    risk = {r["unit_code"]: r for r in tables_["hospital_risk"]["rows"]}
    assert {k: risk[k]["risk_score"] for k in risk} == {"10683": 0, "11407": 0, "11408": 2, "": 0}  # "": province
    plan = {r["unit_code"]: r for r in tables_["hospital_planfin"]["rows"] if r["level"] == "unit"}
    assert [plan[HOSPITALS.loc[i, "unit_code"]]["revenue_variance_pct"] for i in PICK] == \
        PLANFIN_Q1.loc[PICK, "pub_revenue_pct"].tolist()
    page = (folder / "financial_report.html").read_text(encoding="utf-8")
    assert "ส่วนที่ 4 สถานะการเงินการคลังหน่วยบริการ / Hospital financial health" in page
    assert "Matrix Grading" in page and "34.18%" in page and "-1.85%" in page
    assert '<span class="badge pass">ผ่านเกณฑ์</span>' in page
    assert "ภาพรวมจังหวัดตรัง" in page and "98,045,341.65" in page and "10683" in page  # money left, the code
    assert "กลุ่มเฝ้าระวังอย่างใกล้ชิด" in page and "Operating Margin (EBITDA ÷ รายได้)" in page
    kpi = (folder / "kpi_report.html").read_text(encoding="utf-8")
    assert '<span class="badge fail">ต่างจากที่คำนวณ</span>' in kpi and "ใช่ (1)" in kpi
    for shown in (page, kpi):  # no cell reads None or NaN
        assert not re.search(r">\s*(None|nan|NaN|<NA>)\s*<", shown)
