"""The financial report's hospital financial-health section (seed 003), on a small Trang store.

Three Trang hospitals with seed 003's Q1 FY 2562 figures (tests/test_finance.py's fixtures): รพ.ตรัง (cost
centre 2100200233), รพ.กันตัง and รพ.ย่านตาขาว (สสจ.ตรัง 2100200232). The balance-sheet items are rebuilt
from the printed ratios (CR, QR, Cash, NWC) and the 7 Plus indicators from the printed days and margins; the
Planfin, IP and unit-cost inputs are the seed's own numbers. รพ.กันตัง also has a November row and a January
row: the report as of 31 December must use December.
"""

from __future__ import annotations

import datetime as dt

import nbformat
import pandas as pd
import pytest
import sqlalchemy as sa
from test_finance import HOSPITALS, IP, PLANFIN_Q1, PUB_PLANFIN_Q1, PUB_REVENUE_TO_EXPENSE_Q1, RISK, SEVEN_PLUS, UNIT_COST
from typer.testing import CliRunner

from finance import health as fh
from reports import tables
from reports.params import resolve_province
from reports.show import FIGURES_MIME
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
        "drug_cost": round(inventory * DAYS / s["inventory_period"], 2),
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


@pytest.fixture(scope="module")
def store_url(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("hospital-store")
    url = f"sqlite:///{folder / 'sms.sqlite'}"
    engine = connect(url)
    files = [build_workbook(TEMPLATES["hospital_finance"], folder / f"{cc}.xlsx", reference, fiscal_year=FY,
                            cost_center=cc, data={"hospital_finance": rows_of(cc)})
             for cc in sorted(set(CENTRES.values()))]
    results = submit(engine, files, reference, actor="test", as_of=AS_OF)
    assert [r.status for r in results] == ["stored"] * 2, [
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


def test_section_matches_finance_health_and_the_seed(engine, reference):
    ctx = context(engine, reference)
    assert tables.hospital_month(ctx) == DEC  # January is after the cut-off
    health = tables.hospital_health(ctx)
    assert set(health) == {"hospital_risk", "hospital_seven_plus", "hospital_matrix", "hospital_planfin",
                           "hospital_ip", "hospital_unit_cost"}
    mine = independent(engine, reference)
    risk = health["hospital_risk"].frame.set_index("unit_code")
    assert sorted(risk.index) == ["10683", "11407", "11408"] and (risk["month"] == DEC).all()
    for i in PICK:
        code = HOSPITALS.loc[i, "unit_code"]
        for column in ("current_ratio", "quick_ratio", "cash_ratio"):
            assert fh.round_half_up(pd.Series([risk.loc[code, column]])).iloc[0] == RISK.loc[i, column], (code, column)
        assert risk.loc[code, "risk_score"] == mine.loc[code, "risk_score"] == RISK.loc[i, "pub_risk"]
        assert risk.loc[code, "liquidity"] == RISK.loc[i, "pub_liquidity"]
        assert risk.loc[code, "net_income"] == RISK.loc[i, "net_income"]
    plan = health["hospital_planfin"].frame
    units, total = plan[plan["level"] == "unit"].set_index("unit_code"), plan[plan["level"] == "total"].iloc[0]
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
    ip = health["hospital_ip"].frame.set_index("unit_code")
    assert [ip.loc[HOSPITALS.loc[i, "unit_code"], "ip_share_pct"] for i in PICK] == IP.loc[PICK, "pub_pct"].tolist()
    assert (ip.loc[["10683", "11407", "11408"], "ip_expected_pct"] == 25.0).all()
    cost = health["hospital_unit_cost"].frame.set_index("unit_code")
    assert [cost.loc[HOSPITALS.loc[i, "unit_code"], "opd_cost_per_visit"] for i in PICK] == \
        UNIT_COST.loc[PICK, "pub_opd"].tolist()
    assert cost.loc["11407", "opd_limit"] == mine.loc["11407", "opd_limit"]
    seven = health["hospital_seven_plus"].frame.set_index("unit_code")
    assert seven["grade"].to_dict() == mine["grade"].to_dict()
    matrix = health["hospital_matrix"].frame.set_index("grade")
    placed = {(g, s): matrix.at[g, f"risk_{s}"] for g in matrix.index for s in range(8) if matrix.at[g, f"risk_{s}"]}
    assert sum(len(v.split(", ")) for v in placed.values()) == 3
    assert "รพ.ย่านตาขาว" in placed[(mine.loc["11408", "grade"], 2)]


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
    risk = {r["unit_code"]: r for r in figures["tables"]["hospital_risk"]["rows"]}
    assert {k: risk[k]["risk_score"] for k in risk} == {"10683": 0, "11407": 0, "11408": 2}
    plan = {r["unit_code"]: r for r in figures["tables"]["hospital_planfin"]["rows"] if r["level"] == "unit"}
    assert [plan[HOSPITALS.loc[i, "unit_code"]]["revenue_variance_pct"] for i in PICK] == \
        PLANFIN_Q1.loc[PICK, "pub_revenue_pct"].tolist()
    page = (folder / "financial_report.html").read_text(encoding="utf-8")
    assert "ส่วนที่ 4 สถานะการเงินการคลังหน่วยบริการ / Hospital financial health" in page
    assert "Matrix Grading" in page and "34.18%" in page and "-1.85%" in page
    assert '<span class="badge pass">ผ่านเกณฑ์</span>' in page
