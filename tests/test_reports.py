"""The inspection-round reports, checked against sums of our own SQL over a small store.

The store (tests/mini_year.py, imported as workbooks into a temporary SQLite file):

- CC (สสจ.หนองบัวลำภู, province 39): the mini year as of 31 Mar 2026, plus an advance A2 of 5,000 by unit
  93902 on 1 Feb 2026 that nobody cleared (overdue at the end of Q2), Q2 results for output P1/1 (200 of a
  Small-Success target of 250, with a problem and a suggestion) and KPI results for K02 (a rate), K17 (a level)
  and K27 (counted on hospitals only: these district offices' results are not counted).
  Received 150,000; allocated 93901 110,000 and 93902 40,000; planned 90,000 and 40,000; disbursed
  28,000 (20,000 + advance 10,000 − 2,000 returned) and 5,000.
- CC2 (สสจ.อุดรธานี, province 41): the same year with its own units and D1 = 5,000.
- SILENT (รพ.หนองบัวลำภู, province 39): only in finance's GFMIS workbook (seed 000's '-' row).

The notebook tests (slow) run ``sms report`` for province 39, Q2 FY 2569, and read the figures back from
the executed notebooks' hidden last cell; the HTML and the PDF are checked as a reader would see them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import textwrap

import nbformat
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, CC2, FY, U1, U2, mini_year, mini_year_of_cc2
from rich.console import Console
from typer.testing import CliRunner

from reports import tables
from reports.config import TARGETS_ENV, disbursement_targets
from reports.fmt import FAIL, NA, NOT_RECORDED, PASS, money, number, pct
from reports.params import ReportError, check_params, check_region_params, resolve_province, resolve_region
from reports.run import jobs_for, run_with_progress
from reports.show import FIGURES_MIME
from services.submission import submit
from sms.cli import app
from store.db import connect
from templates import TEMPLATES
from templates.workbook import build_workbook

SILENT = "2100200132"
PROVINCE = "39"
Q2_END = dt.date(2026, 3, 31)
GFMIS = [  # cost centre, month, installment money (cumulative), disbursed in GFMIS (cumulative)
    (CC, 12, 120000, 15000), (CC, 1, 160000, 30000), (CC, 3, 160000, 40000),
    (CC2, 1, 140000, 13000),
    (SILENT, 1, 27945850.00, 21789167.08), (SILENT, 3, 30553230.00, 23496240.61),
]
ACCEPTED = "('submitted', 'approved', 'returned')"


# -- the store -------------------------------------------------------------------------------------------------
def year_of_cc() -> dict[str, dict[str, pd.DataFrame]]:
    year = mini_year()
    pay = year["disbursements"]["payments"]
    year["disbursements"]["payments"] = pd.concat([pay, pd.DataFrame([dict(
        unit_code=U2, document_no="A2", document_date=dt.date(2026, 2, 1), project_code="P2", activity_no=1,
        kind="ยืม", amount=5000, payee="สมหญิง ใจงาม", description="ยืมเงินเยี่ยมบ้าน")], dtype=object)],
        ignore_index=True)
    results = year["outputs"]["output_results"]
    results.loc[0, ["problems", "suggestions"]] = ["บุคลากรไม่เพียงพอ", None]
    year["outputs"]["output_results"] = pd.concat([results, pd.DataFrame([dict(
        project_code="P1", output_no=1, quarter=2, result=200, problems="บุคลากรไม่เพียงพอ",
        suggestions="ขอเพิ่มอัตรากำลัง")], dtype=object)], ignore_index=True)
    kpi = year["outputs"]["kpi_results"]
    year["outputs"]["kpi_results"] = pd.concat([kpi, pd.DataFrame([
        dict(unit_code=U1, kpi_code="K02", quarter=2, numerator=80, denominator=100, result=80, note=None),
        dict(unit_code=U2, kpi_code="K02", quarter=2, numerator=90, denominator=100, result=90, note=None),
        dict(unit_code=U1, kpi_code="K17", quarter=2, numerator=None, denominator=None, result=3, note=None),
        dict(unit_code=U2, kpi_code="K17", quarter=1, numerator=None, denominator=None, result=2, note=None),
        dict(unit_code=U1, kpi_code="K27", quarter=2, numerator=1, denominator=1, result=100, note=None),
    ], dtype=object)], ignore_index=True)
    return year


def write(folder, reference, cost_center, year) -> list:
    return [build_workbook(TEMPLATES[key], folder / f"{key}.xlsx", reference, fiscal_year=FY,
                           cost_center=cost_center, data=sheets) for key, sheets in year.items()]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("report-store")
    url = f"sqlite:///{folder / 'sms.sqlite'}"
    engine = connect(url)
    files = write(folder / "cc", reference, CC, year_of_cc())
    files += write(folder / "cc2", reference, CC2, mini_year_of_cc2())
    gfmis = build_workbook(TEMPLATES["gfmis"], folder / "gfmis.xlsx", reference, fiscal_year=FY, data={
        "gfmis": pd.DataFrame(GFMIS, columns=["cost_center", "month", "installment_money", "disbursed"])})
    results = submit(engine, [*files, gfmis], reference, actor="test", as_of=AS_OF)
    assert [r.status for r in results] == ["stored"] * 9, [
        (r.file, r.status, r.report and [(f.rule, f.cell) for f in r.report.findings]) for r in results]
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def engine(store_url):
    engine = sa.create_engine(store_url)
    yield engine
    engine.dispose()


def context(engine, reference, as_of=Q2_END, quarter=2, include_unapproved=True) -> tables.Context:
    return tables.Context(engine, reference, FY, resolve_province(reference, PROVINCE), quarter,
                          1 if quarter <= 2 else 2, as_of, include_unapproved)


# -- independent sums, straight from the tables ----------------------------------------------------------------
def current(template: str) -> str:
    """SQL: the ids of the newest accepted submission of a template per cost centre."""
    return f"""SELECT s.id FROM submissions s WHERE s.fiscal_year = {FY} AND s.template = '{template}'
        AND s.status IN {ACCEPTED} AND s.version = (SELECT MAX(v.version) FROM submissions v
            WHERE v.fiscal_year = s.fiscal_year AND v.template = s.template AND v.cost_center = s.cost_center
            AND v.status IN {ACCEPTED})"""


def scalar(engine, sql: str, **params) -> float:
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql), params).scalar()
    return float(value or 0.0)


def sql_received(engine, cc, end) -> float:
    return scalar(engine, f"""SELECT SUM(t.amount) FROM transfers t JOIN submissions s ON s.id = t.submission_id
        WHERE t.submission_id IN ({current('allocations')}) AND s.cost_center = :cc AND t.transfer_date <= :end""",
                  cc=cc, end=end.isoformat())


def sql_allocated(engine, unit, end) -> float:
    return scalar(engine, f"""SELECT SUM(amount) FROM allocations WHERE submission_id IN ({current('allocations')})
        AND unit_code = :unit AND allocation_date <= :end""", unit=unit, end=end.isoformat())


def sql_planned(engine, unit) -> float:
    return scalar(engine, f"""SELECT SUM(budget) FROM projects WHERE submission_id IN ({current('projects')})
        AND unit_code = :unit""", unit=unit)


def sql_disbursed(engine, unit, end) -> float:
    paid = scalar(engine, f"""SELECT SUM(amount) FROM payments WHERE submission_id IN ({current('disbursements')})
        AND unit_code = :unit AND document_date <= :end""", unit=unit, end=end.isoformat())
    returned = scalar(engine, f"""SELECT SUM(c.returned) FROM clearings c JOIN payments p
        ON p.submission_id = c.submission_id AND p.unit_code = c.unit_code AND p.document_no = c.advance_document_no
        WHERE c.submission_id IN ({current('disbursements')}) AND c.unit_code = :unit AND c.clearing_date <= :end
        AND p.document_date <= :end""", unit=unit, end=end.isoformat())
    return paid - returned


def sql_outstanding(engine, unit, end, overdue_days=None) -> float:
    older = "" if overdue_days is None else f"AND julianday(:end) - julianday(p.document_date) > {overdue_days}"
    return scalar(engine, f"""SELECT SUM(p.amount - COALESCE((SELECT SUM(c.spent + c.returned) FROM clearings c
            WHERE c.submission_id = p.submission_id AND c.unit_code = p.unit_code
            AND c.advance_document_no = p.document_no AND c.clearing_date <= :end), 0))
        FROM payments p WHERE p.submission_id IN ({current('disbursements')}) AND p.unit_code = :unit
        AND p.kind = 'ยืม' AND p.document_date <= :end {older}""", unit=unit, end=end.isoformat())


def sql_kpi_sums(engine, kpi, quarter) -> tuple[float, float]:
    """ΣA and ΣB of a KPI's current results of a quarter in province 39."""
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"""SELECT SUM(numerator), SUM(denominator) FROM kpi_results k
            JOIN submissions s ON s.id = k.submission_id WHERE k.submission_id IN ({current('outputs')})
            AND s.cost_center IN (:cc, :silent) AND k.kpi_code = :kpi AND k.quarter = :q"""),
                           {"cc": CC, "silent": SILENT, "kpi": kpi, "q": quarter}).one()
    return float(row[0]), float(row[1])


def sql_gfmis(engine, cc, month) -> tuple[float, float]:
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"""SELECT installment_money, disbursed FROM gfmis
            WHERE submission_id IN ({current('gfmis')}) AND cost_center = :cc AND month = :m"""),
                           {"cc": cc, "m": month}).first()
    return (float(row[0]), float(row[1])) if row else (math.nan, math.nan)


def close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and abs(float(a) - float(b)) < 0.005


# -- parameters, targets, formatting -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["39", "๓๙", "หนองบัวลำภู", "จังหวัดหนองบัวลำภู", " จ.หนองบัวลำภู ",
                                  "Nong Bua Lam Phu", "nongbualamphu"])
def test_province_by_code_or_name(reference, text):
    assert resolve_province(reference, text).code == "39"


def test_unknown_province_and_wrong_round_are_refused(reference):
    with pytest.raises(ReportError) as err:
        resolve_province(reference, "Atlantis")
    assert "ไม่พบจังหวัด" in err.value.message_th and "Unknown province" in err.value.message_en
    with pytest.raises(ReportError, match="round 1"):
        check_params(reference, fiscal_year=FY, province="39", quarter=2, round=2, database_url="sqlite://")
    params, where = check_params(reference, fiscal_year=FY, province="Udon Thani", quarter=3, database_url="x",
                                 today=dt.date(2026, 5, 2))
    assert (params.province, params.round, params.as_of, where.name_th) == ("41", 2, "2026-05-02", "อุดรธานี")
    assert check_params(reference, fiscal_year=FY, province="41", quarter=1, database_url="x")[0].as_of == "2025-12-31"


def test_cli_refuses_unknown_province_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    result = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--province", "Atlantis", "--quarter", "2"])
    assert result.exit_code == 2
    assert "ไม่พบจังหวัด 'Atlantis'" in result.output and "Unknown province 'Atlantis'" in result.output
    assert "Traceback" not in result.output
    both = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--quarter", "2"])
    assert both.exit_code == 2 and "--province" in both.output


def test_disbursement_targets_per_year_and_overridable(tmp_path, monkeypatch):
    assert disbursement_targets(2569) == {1: 0.30, 2: 0.55, 3: 0.80, 4: 1.0}
    assert disbursement_targets(2575) == {1: 0.30, 2: 0.55, 3: 0.80, 4: 1.0}  # [default]
    own = tmp_path / "targets.toml"
    own.write_text("[default]\nq1 = 25\nq2 = 50\nq3 = 75\nq4 = 100\n[fy.2569]\nq1 = 32\nq2 = 54\nq3 = 77\nq4 = 100\n")
    monkeypatch.setenv(TARGETS_ENV, str(own))
    assert disbursement_targets(2569)[2] == 0.54 and disbursement_targets(2570)[1] == 0.25


def test_thai_number_formatting():
    assert money(1234567.891) == "1,234,567.89" and money(-213737) == "-213,737.00" and money(math.nan) == "-"
    assert pct(0.29953) == "29.95%" and number(85.0) == "85" and number(1234.5) == "1,234.5"


# -- the tables, in-process ------------------------------------------------------------------------------------
def test_finance_per_cost_centre_and_unit_matches_sql(engine, reference):
    ctx = context(engine, reference)
    frame = tables.finance(ctx).frame.set_index(["cost_center", "unit_code"])
    for unit in (U1, U2, "93900", "93904"):
        row = frame.loc[(CC, unit)]
        assert close(row["allocated"], sql_allocated(engine, unit, Q2_END))
        assert close(row["planned"], sql_planned(engine, unit))
        assert close(row["disbursed"], sql_disbursed(engine, unit, Q2_END))
        assert close(row["remaining"], row["allocated"] - row["disbursed"])
        assert close(row["advances_outstanding"], sql_outstanding(engine, unit, Q2_END))
        assert close(row["advances_overdue"], sql_outstanding(engine, unit, Q2_END, 30))
    assert frame.loc[(CC, U1), ["allocated", "planned", "disbursed"]].tolist() == [110000, 90000, 28000]
    assert frame.loc[(CC, U2), ["disbursed", "advances_outstanding", "advances_overdue"]].tolist() == [5000] * 3
    head = frame.loc[(CC, "")]
    assert head["received"] == sql_received(engine, CC, Q2_END) == 150000
    assert (head["allocated"], head["disbursed"], head["remaining"]) == (150000, 33000, 117000)
    assert close(head["rate"], 33000 / 150000) and head["status"] == "ต่ำกว่าเป้าหมาย" and head["target"] == 0.55
    assert math.isnan(frame.loc[(CC, "93900"), "rate"]) and frame.loc[(CC, "93900"), "status"] == NA
    silent = frame.loc[(SILENT, "")]
    assert silent["level"] == "silent" and silent["status"] == NOT_RECORDED and math.isnan(silent["received"])
    total = frame.loc[("", "")]
    assert (total["level"], total["received"], total["disbursed"], total["advances_overdue"]) == (
        "total", 150000, 33000, 5000)
    assert set(frame.index.get_level_values(0)) == {CC, SILENT, ""}  # province 41 stays out


def test_cutoff_is_the_as_of_date_within_the_quarter(engine, reference):
    ctx = context(engine, reference, as_of=dt.date(2026, 1, 12))
    assert ctx.cutoff == dt.date(2026, 1, 12)
    frame = tables.finance(ctx).frame.set_index(["cost_center", "unit_code"])
    end = dt.date(2026, 1, 12)
    assert frame.loc[(CC, U1), "disbursed"] == sql_disbursed(engine, U1, end) == 30000  # A1 not yet cleared
    assert frame.loc[(CC, U1), "advances_outstanding"] == 10000 and frame.loc[(CC, U1), "advances_overdue"] == 0
    assert tables.reconciliation_month(ctx) == 12
    late = context(engine, reference, as_of=dt.date(2026, 4, 2))
    assert late.cutoff == Q2_END and tables.reconciliation_month(late) == 3


def test_reconciliation_columns_and_silent_cost_centres(engine, reference):
    frame = tables.reconcile(context(engine, reference)).frame
    rows = frame[frame["level"] != "total"].set_index("cost_center")
    assert list(rows.index) == [CC, SILENT]
    cc = rows.loc[CC]
    assert (cc["installment_gfmis"], cc["disbursed_gfmis"]) == sql_gfmis(engine, CC, 3) == (160000, 40000)
    assert cc["received_sms"] == sql_received(engine, CC, Q2_END)
    assert cc["disbursed_sms"] == sql_disbursed(engine, U1, Q2_END) + sql_disbursed(engine, U2, Q2_END) == 33000
    assert cc["allocated_sms"] == 130000
    assert rows.loc[SILENT, "flag"] == NOT_RECORDED and math.isnan(rows.loc[SILENT, "received_sms"])
    for _, row in frame.iterrows():
        received = 0.0 if math.isnan(row["received_sms"]) else row["received_sms"]
        disbursed = 0.0 if math.isnan(row["disbursed_sms"]) else row["disbursed_sms"]
        assert close(row["diff_installment"], row["installment_gfmis"] - received)
        assert close(row["diff_disbursed"], row["disbursed_gfmis"] - disbursed)
    total = frame.iloc[-1]
    assert total["installment_gfmis"] == 160000 + 30553230.00 and close(total["diff_disbursed"],
                                                                        40000 + 23496240.61 - 33000)


def test_kpi_verdicts_pass_rates_and_small_success(engine, reference):
    ctx = context(engine, reference)
    units = tables.kpi_units(ctx).frame
    got = {(r.kpi_code, r.unit_code): r.verdict for r in units[units["level"] == "unit"].itertuples()}
    # K02 ≥ its Q2 Small Success 85: 80 fails, 90 passes; K17 ≥ level 3: U1 3 passes, U2 reported only in Q1 → NA;
    # K27 counts hospitals only: the district offices' results are left out
    assert got == {("K02", U1): FAIL, ("K02", U2): PASS, ("K17", U1): PASS, ("K17", U2): NA}
    level = units[(units["kpi_code"] == "K17") & (units["unit_code"] == U1)].iloc[0]
    assert level["result_text"] == "ระดับ 3" and level["source"] == "typed"
    summary = tables.kpi_summary(ctx).frame.set_index("kpi_code")
    # K02, a rate: the province is ΣA ÷ ΣB × 100 against the quarter's target (≥ 85), whatever share of units passed
    a, b = sql_kpi_sums(engine, "K02", 2)
    assert summary.loc["K02", ["units", "reporting", "passing", "pass_rate", "sum_a", "sum_b"]].tolist() == [
        2, 2, 1, 0.5, a, b]
    assert summary.loc["K02", "province_result"] == a / b * 100 == 85.0 and summary.loc["K02", "verdict"] == PASS
    assert np.isnan(summary.loc["K02", "criterion"]) and summary.loc["K02", "criterion_text"] == "≥ 85 ร้อยละ"
    # K17, a level with a criterion as a share of units (100 %): 1 of the 1 unit with a result
    assert summary.loc["K17", ["reporting", "passing", "province_result", "criterion", "verdict"]].tolist() == [
        1, 1, 100.0, 1.0, PASS]
    assert "K27" not in summary.index
    outputs = tables.small_success(ctx).frame
    assert outputs[["project_code", "output_no", "ss_target", "result", "status"]].values.tolist() == [
        ["P1", 1, 250.0, 200.0, "ยังไม่บรรลุ"]]
    problems = tables.remarks(ctx, "problems").frame
    assert problems[["text", "times", "n_units", "quarters"]].values.tolist() == [["บุคลากรไม่เพียงพอ", 2, 1, "Q1, Q2"]]
    assert tables.remarks(ctx, "suggestions").frame["text"].tolist() == ["ขอเพิ่มอัตรากำลัง"]


def test_unapproved_counted_and_left_out_when_asked(engine, reference):
    ctx = context(engine, reference)
    assert tables.finance(ctx).unapproved == 3  # CC's allocations, projects, disbursements: none approved
    strict = context(engine, reference, include_unapproved=False)
    table = tables.finance(strict)
    assert table.unapproved == 3 and "ไม่รวมในตาราง" in table.caption()
    assert table.frame.set_index(["cost_center", "unit_code"]).loc[(CC, U1), "allocated"] == 0


def sql_unapproved(engine, *templates) -> float:
    """Current submissions of ``templates`` in province 39 that a checker has not approved."""
    ids = " UNION ".join(current(t) for t in templates)
    return scalar(engine, f"""SELECT COUNT(*) FROM submissions WHERE id IN ({ids}) AND status != 'approved'
        AND cost_center IN (:cc, :silent)""", cc=CC, silent=SILENT)


def test_each_table_counts_the_unapproved_workbooks_it_reads(engine, reference):
    ctx = context(engine, reference)
    # the units listed under a KPI and the writers of a remark come from the projects sheet too
    assert tables.kpi_units(ctx).unapproved == sql_unapproved(engine, "projects", "outputs") == 2
    assert tables.remarks(ctx, "problems").unapproved == 2
    assert tables.strategies(ctx).unapproved == sql_unapproved(engine, "projects", "disbursements") == 2
    # GFMIS is finance's own workbook, read whatever its review state: never counted as unapproved
    assert tables.reconcile(ctx).unapproved == sql_unapproved(engine, "allocations", "projects",
                                                              "disbursements") == 3


def test_headers_say_the_quarter_the_target_and_the_spec_titles(engine, reference):
    ctx = context(engine, reference)
    finance = {c.key: f"{c.th} / {c.en}" for c in tables.finance(ctx).columns}
    assert finance["status"] == "เทียบเป้า 55% / vs target 55%"  # FY 2569's Q2 target
    assert finance["advances_overdue"] == "ยืมเกินกำหนด (> 30 วัน) / Overdue (> 30 days)"  # rule B10
    assert finance["planned"] == "แผนโครงการ / Planned in projects"
    money = [c.th for c in tables.reconcile(ctx).columns if c.kind == "money"]
    assert [h[:3] for h in money] == [f"({n})" for n in range(1, 8)] and money[5].startswith("(6) = (1) − (2)")
    outputs = {c.key: f"{c.th} / {c.en}" for c in tables.small_success(ctx).columns}
    assert outputs["ss_target"] == "Small Success 6 เดือน / Small Success 6 months"  # what the maker filled for Q2
    assert outputs["result"] == "ผลงานสะสม / Cumulative result"
    kpis = {c.key: c.th for c in tables.kpi_summary(ctx).columns}
    assert kpis["small_success"] == "เป้าหมายไตรมาส 2" and kpis["criterion_text"] == "เกณฑ์จังหวัด"
    assert kpis["province_result_text"] == "ผลงานจังหวัด" and kpis["unit_types"] == "นับเฉพาะประเภทหน่วยงาน"

# -- the notebooks: executed, read back, looked at ---------------------------------------------------------------
@pytest.fixture(scope="module")
def made(store_url, tmp_path_factory):
    """``sms report`` for province 39, Q2: the output folder and the figures of both notebooks."""
    out = tmp_path_factory.mktemp("reports")
    mp = pytest.MonkeyPatch()
    mp.setenv("SMS_DATABASE_URL", store_url)
    try:
        result = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--province", "หนองบัวลำภู",
                                          "--quarter", "2", "--as-of", "2026-03-31", "--out", str(out)])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    folder = out / "2569" / "Q2" / "39"
    figures = {}
    for name in ("financial_report", "kpi_report"):
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        found = [o["data"][FIGURES_MIME] for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if FIGURES_MIME in o.get("data", {})]
        assert len(found) == 1
        figures[name] = found[0]
    return folder, figures


@pytest.mark.slow
def test_notebook_figures_match_independent_sums(made, engine):
    _, figures = made
    fin = figures["financial_report"]
    assert (fin["province"], fin["quarter"], fin["round"], fin["as_of"], fin["target"]) == ("39", 2, 1, "2026-03-31",
                                                                                           0.55)
    rows = {(r["cost_center"], r["unit_code"]): r for r in fin["tables"]["finance"]["rows"]}
    for unit in (U1, U2, "93900", "93901", "93902", "93904", "93952", "93954"):
        r = rows[(CC, unit)]
        assert close(r["allocated"], sql_allocated(engine, unit, Q2_END)), unit
        assert close(r["planned"], sql_planned(engine, unit)), unit
        assert close(r["disbursed"], sql_disbursed(engine, unit, Q2_END)), unit
        assert close(r["advances_overdue"], sql_outstanding(engine, unit, Q2_END, 30)), unit
    assert close(rows[(CC, "")]["received"], sql_received(engine, CC, Q2_END))
    assert close(rows[("", "")]["disbursed"], sum(sql_disbursed(engine, u, Q2_END) for u in (U1, U2)))
    assert fin["tables"]["finance"]["unapproved"] == 3

    recon = fin["tables"]["reconciliation"]["rows"]
    for r in recon:
        if r["cost_center"] in (CC, SILENT):
            assert (r["installment_gfmis"], r["disbursed_gfmis"]) == sql_gfmis(engine, r["cost_center"], 3)
        sms_received = r["received_sms"] or 0.0
        sms_disbursed = r["disbursed_sms"] or 0.0
        assert close(r["diff_installment"], r["installment_gfmis"] - sms_received)  # (6) = (1) − (2)
        assert close(r["diff_disbursed"], r["disbursed_gfmis"] - sms_disbursed)  # (7) = (4) − (5)
    assert [r["flag"] for r in recon] == ["", NOT_RECORDED, ""]

    strategies = {r["code"]: r for r in fin["tables"]["strategies"]["rows"]}
    assert strategies["PP"]["projects"] == 2 and close(strategies["PP"]["budget"], sql_planned(engine, U1)
                                                        + sql_planned(engine, U2))
    kpi = figures["kpi_report"]["tables"]
    verdicts = {(r["kpi_code"], r["unit_code"]): r["verdict"] for r in kpi["kpi_units"]["rows"] if r["level"] == "unit"}
    assert verdicts == {("K02", U1): FAIL, ("K02", U2): PASS, ("K17", U1): PASS, ("K17", U2): NA}
    assert [r["status"] for r in kpi["small_success"]["rows"]] == ["ยังไม่บรรลุ"]
    assert [r["text"] for r in kpi["problems"]["rows"]] == ["บุคลากรไม่เพียงพอ"]


@pytest.mark.slow
def test_html_reads_like_a_report(made):
    folder, figures = made
    fin = (folder / "financial_report.html").read_text(encoding="utf-8")
    kpi = (folder / "kpi_report.html").read_text(encoding="utf-8")
    for page, n_tables in ((fin, len(figures["financial_report"]["tables"])),
                           (kpi, len(figures["kpi_report"]["tables"]))):
        assert "<script" not in page and "src=\"http" not in page  # offline: nothing to fetch, nothing to run
        assert "tables.Context" not in page and "show.table" not in page and "import " not in page  # no code
        assert "In&nbsp;[" not in page and "In [" not in page
        assert page.count("ข้อมูล ณ วันที่ 31 มีนาคม 2569") >= n_tables + 1  # the header and every table
        assert page.count("ข้อมูลที่ยังไม่ได้อนุมัติ") >= n_tables + 1
        assert 'lang="th"' in page and "data:image/png;base64," in page  # charts embedded
        assert len(page) < 1_500_000
    assert "รายงานผลการดำเนินงานด้านการเงินและการเบิกจ่ายงบประมาณ" in fin and "จังหวัดหนองบัวลำภู" in fin
    assert "150,000.00" in fin and "110,000.00" in fin and "22.00%" in fin  # the mini year, Thai formatting
    assert '<span class="badge fail">ต่ำกว่าเป้าหมาย</span>' in fin and "ไม่ได้บันทึกใน SMS" in fin
    assert "(6) = (1) − (2)" in fin and "(7) = (4) − (5)" in fin
    assert "รายงานผลการดำเนินงานตามตัวชี้วัด" in kpi
    assert '<span class="badge pass">ผ่านเกณฑ์</span>' in kpi and '<span class="badge fail">ไม่ผ่านเกณฑ์</span>' in kpi
    assert '<span class="badge na">NA</span>' in kpi and "บุคลากรไม่เพียงพอ" in kpi


@pytest.mark.slow
def test_pdf_is_written_where_chromium_is(made, program):
    program("chromium")
    folder, _ = made
    for name in ("financial_report", "kpi_report"):
        data = (folder / f"{name}.pdf").read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 20_000


def pdf_pages(pdf, program) -> list[str]:
    """The PDF's text page by page (pdftotext), a Thai mark put back on its letter (pdftotext spaces some off)."""
    import re
    import subprocess

    text = subprocess.run([program("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r" +(?=[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])", "", p) for p in text.split("\f")[:-1]]


@pytest.mark.slow
def test_pdf_reads_thai_headers_and_no_page_is_only_a_chart_or_cards(made, program):
    program("chromium")
    folder, _ = made
    fin = pdf_pages(folder / "financial_report.pdf", program)
    whole = "".join(fin)
    for thai in ("(1) เงินประจำงวด (กองคลัง)", "(5) เบิกจ่าย (SMS)", "ร้อยละเบิกจ่าย", "อภิธานศัพท์หัวตาราง"):
        assert thai in whole, thai
    for name in ("financial_report", "kpi_report"):
        for n, text in enumerate(pdf_pages(folder / f"{name}.pdf", program), 1):
            if "ภาพที่" in text or "รับโอนสะสม (SMS)" in text or "ตัวชี้วัดที่มีผลงาน" in text:  # a chart, cards
                assert "ข้อมูล ณ วันที่" in text, f"{name} page {n} has only a chart or cards"


@pytest.mark.slow
def test_wide_tables_head_in_thai_and_the_glossary_gives_their_english(made, engine, reference):
    import html
    import re

    folder, _ = made
    page = (folder / "financial_report.html").read_text(encoding="utf-8")
    recon = re.search(r'<section class="report-table[^"]*" id="reconciliation">.*?</section>', page).group(0)
    assert 'class="en"' not in recon and "(6) = (1) − (2) ส่วนต่างเงินประจำงวด" in recon
    glossary = re.search(r'<section class="report-table glossary".*?</section>', page).group(0)
    listed = {(html.unescape(th), html.unescape(en)) for th, en in re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>",
                                                                             glossary)}
    dropped = {(c.th, c.en) for c in tables.reconcile(context(engine, reference)).columns}
    assert ("(1) เงินประจำงวด (กองคลัง)", "Installment money (GFMIS)") in dropped
    assert dropped <= listed


@pytest.mark.slow
def test_one_printer_prints_every_page(tmp_path, program):
    from reports.pdf import Printer
    from reports.render import page

    program("chromium")
    html_file = tmp_path / "page.html"
    html_file.write_text(page("<h1>รายงานทดสอบ</h1><p>1,234,567.89</p>", "ทดสอบ", "ท้ายกระดาษ"), encoding="utf-8")
    with Printer() as printer:
        first = printer.pdf(html_file, tmp_path / "first.pdf")
        browser = printer._browser
        second = printer.pdf(html_file, tmp_path / "second.pdf")
        assert printer._browser is browser  # the browser of the first page printed the second
    assert first.read_bytes().startswith(b"%PDF") and second.read_bytes().startswith(b"%PDF")
    assert not browser.is_connected()  # and was closed with the printer


TINY = textwrap.dedent('''\
    import json
    assert "leftover" not in globals(), "a kept kernel must not carry one notebook's names into the next"
    leftover = province
    if province == "41":
        raise ValueError("no data for " + province)
    print(json.dumps({"province": province}))''')


@pytest.mark.slow
def test_all_provinces_go_on_when_one_fails(tmp_path, reference):
    """Two provinces in two worker processes, each running two notebooks in its kept kernel (no name of one
    notebook reaches the next); one notebook of province 41 fails: the summary names its cell."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("financial_report", "kpi_report"):
        nb = nbformat.v4.new_notebook()
        nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell('province = "39"', metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell(TINY if name == "kpi_report" else TINY.replace('"41"', '"none"'),
                                              metadata={"tags": []})]
        nbformat.write(nb, notebooks / f"{name}.ipynb")
    jobs = []
    for code in ("39", "41"):
        params, where = check_params(reference, fiscal_year=FY, province=code, quarter=2, database_url="sqlite://")
        jobs += jobs_for(params, where, tmp_path / "out", pdf=False, notebooks_dir=notebooks)
    log = io.StringIO()  # as in a log file or CI: no terminal, so rich draws no bar
    outcomes = run_with_progress(jobs, workers=2, console=Console(file=log, force_terminal=False, width=300))
    lines = [line for line in log.getvalue().splitlines() if line.strip()]
    assert len(lines) == 4 and sorted(line[:5] for line in lines) == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert sum("✗ 41" in line and "รายงานผลการดำเนินงานตามตัวชี้วัด" in line for line in lines) == 1
    assert sum("✓" in line for line in lines) == 3
    assert [(o.province, o.notebook, o.ok) for o in outcomes] == [
        ("39", "financial_report", True), ("39", "kpi_report", True),
        ("41", "financial_report", True), ("41", "kpi_report", False)]
    failed = outcomes[-1]
    assert failed.cell_index == 2  # after the parameters cell and the one papermill injects
    assert "kpi_report.ipynb cell 2" in failed.error and "ValueError: no data for 41" in failed.error
    assert (tmp_path / "out" / "2569" / "Q2" / "41" / "kpi_report.ipynb").exists()  # with the traceback in it
    assert (tmp_path / "out" / "2569" / "Q2" / "39" / "kpi_report.html").exists()
    executed = json.loads((tmp_path / "out" / "2569" / "Q2" / "39" / "kpi_report.ipynb").read_text())
    assert '"province": "39"' in "".join(executed["cells"][2]["outputs"][0]["text"])


def test_a_quarter_past_the_data_reports_as_of_the_newest_data(store_url, engine, reference):
    """Q4 asked for with data only to 31 March: the report is as of 31 March and says so; no advance counts as
    overdue at a day nobody reported (it would be at 30 September)."""
    late = tables.Context.open(fiscal_year=FY, province=PROVINCE, quarter=4, database_url=store_url)
    try:
        assert (late.asked, late.as_of, late.cutoff) == (dt.date(2026, 9, 30), AS_OF, AS_OF)
        asked_q4 = tables.finance(late).frame.set_index(["cost_center", "unit_code"])
    finally:
        late.close()
    q2 = tables.finance(context(engine, reference, as_of=AS_OF)).frame.set_index(["cost_center", "unit_code"])
    assert asked_q4[["disbursed", "advances_outstanding", "advances_overdue"]].equals(
        q2[["disbursed", "advances_outstanding", "advances_overdue"]])


def test_a_province_with_nothing_sent_says_so_and_bangkok_is_no_changwat(store_url):
    ctx = tables.Context.open(fiscal_year=FY, province="10", quarter=2, database_url=store_url)
    try:
        assert (ctx.province.title_th, ctx.province.title_en, ctx.total_name) == (
            "กรุงเทพมหานคร", "Bangkok", "รวมกรุงเทพมหานคร")
        caption = tables.finance(ctx).caption()
        kpis = tables.kpi_summary(ctx)
    finally:
        ctx.close()
    assert "no data submitted yet" in caption and "ได้รับการอนุมัติแล้ว" not in caption
    assert kpis.frame.empty and "no data submitted yet" in kpis.caption()


def test_a_region_office_is_not_counted_in_its_provinces_totals(store_url, reference):
    office = reference["units"].loc[reference["units"]["unit_type"] == "สำนักงานเขตสุขภาพ", "cost_center"].iloc[0]
    province = reference["cost_centers"].set_index("cost_center").at[office, "province_code"]
    ctx = tables.Context.open(fiscal_year=FY, province=province, quarter=2, database_url=store_url)
    try:
        assert office not in ctx.cost_centers and ctx.cost_centers  # Udon Thani's own cost centres remain
    finally:
        ctx.close()


# -- the region report -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["8", "๘", "08", "เขต 8", "เขตสุขภาพที่ 8", "Health Region 8", "region8"])
def test_region_by_number_or_name(reference, text):
    assert resolve_region(reference, text).region == 8


def test_unknown_region_is_refused(reference):
    with pytest.raises(ReportError) as err:
        resolve_region(reference, "99")
    assert "ไม่พบเขตสุขภาพ" in err.value.message_th and "Unknown health region" in err.value.message_en
    params, where = check_region_params(reference, fiscal_year=FY, region="เขต 8", quarter=2, database_url="x",
                                        today=dt.date(2026, 5, 2))
    assert (params.region, params.folder, where.title_th, params.as_of) == (8, "region-08", "เขตสุขภาพที่ 8",
                                                                            "2026-03-31")


def region_context(engine, reference) -> tables.Context:
    return tables.Context(engine, reference, FY, resolve_region(reference, "8"), 2, 1, Q2_END)


def test_region_reconciliation_is_seed_000s_table_for_every_cost_centre(engine, reference):
    ctx = region_context(engine, reference)
    frame = tables.region_reconcile(ctx).frame
    provinces = reference["provinces"]
    in_region = set(provinces.loc[provinces["region"] == 8, "province_code"])
    centres = reference["cost_centers"]
    expected = sorted(centres.loc[centres["province_code"].isin(in_region), "cost_center"])
    rows = frame[frame["level"].isin(["row", "silent"])].set_index("cost_center")
    assert list(rows.index) == expected and "2100201129" in expected  # the region office is the region's
    assert frame.iloc[0]["name"] == "เขต 8" and frame.iloc[-1]["name"] == "รวมเขตสุขภาพที่ 8"
    for cc, unit in ((CC, (U1, U2)), (CC2, ("94101", "94106"))):
        assert rows.loc[cc, "received_sms"] == sql_received(engine, cc, Q2_END)
        assert close(rows.loc[cc, "disbursed_sms"], sum(sql_disbursed(engine, u, Q2_END) for u in unit))
        gfmis = sql_gfmis(engine, cc, 3)  # NaN: finance sent no March row for CC2
        assert close(rows.loc[cc, "installment_gfmis"], gfmis[0]) and close(rows.loc[cc, "disbursed_gfmis"], gfmis[1])
    silent = rows[rows["level"] == "silent"]
    assert SILENT in silent.index and (silent["flag"] == NOT_RECORDED).all() and silent["received_sms"].isna().all()
    total = frame.iloc[-1]
    assert close(total["installment_gfmis"], rows["installment_gfmis"].sum())
    assert close(total["diff_disbursed"], rows["disbursed_gfmis"].sum() - rows["disbursed_sms"].fillna(0).sum())
    by_province = tables.region_provinces(ctx).frame.set_index("province_code")
    assert list(by_province.index) == [*sorted(in_region), ""]
    for code in ("39", "41"):
        mine = rows[rows.index.map(dict(zip(centres["cost_center"], centres["province_code"], strict=True))) == code]
        assert by_province.loc[code, "cost_centres"] == len(mine)
        assert by_province.loc[code, "silent_centres"] == int((mine["level"] == "silent").sum())
        assert close(by_province.loc[code, "received_sms"], mine["received_sms"].sum())
    assert by_province.loc["", "cost_centres"] == len(expected)
    recording = tables.region_recording(ctx).frame.set_index("cost_center")
    assert list(recording.index) == expected
    assert recording.loc[CC, "allocations"] == "รอตรวจ / submitted" and "NaT" not in recording.astype(str).values


def test_cli_region_report(store_url, tmp_path):
    mp = pytest.MonkeyPatch()
    mp.setenv("SMS_DATABASE_URL", store_url)
    try:
        both = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--quarter", "2", "--province", "39",
                                        "--region", "8"])
        unknown = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--quarter", "2", "--region", "99"])
        made = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--quarter", "2", "--region", "เขต 8",
                                        "--as-of", "2026-03-31", "--out", str(tmp_path), "--no-pdf"])
    finally:
        mp.undo()
    assert both.exit_code == 2 and "--region" in both.output
    assert unknown.exit_code == 2 and "Unknown health region '99'" in unknown.output
    assert made.exit_code == 0, made.output
    page = (tmp_path / "2569" / "Q2" / "region-08" / "region_report.html").read_text(encoding="utf-8")
    assert "เขตสุขภาพที่ 8" in page and "(6) = (1) − (2)" in page and "2100201129" in page
    assert "ไม่ได้บันทึกใน SMS" in page and "<script" not in page


def test_a_trend_with_no_money_says_so_instead_of_drawing_axes_of_zero():
    from reports import charts

    months = pd.DataFrame({"label": ["ต.ค.", "พ.ย."], "received_sms": [0.0, 0.0], "disbursed_sms": [0.0, 0.0],
                           "installment_gfmis": [np.nan] * 2, "disbursed_gfmis": [np.nan] * 2, "target": [np.nan] * 2})
    assert charts.monthly_trend(months) == charts.monthly_trend(pd.DataFrame())  # the "no data yet" picture
    months.loc[1, "received_sms"] = 100_000.0
    assert charts.monthly_trend(months) != charts.monthly_trend(pd.DataFrame())


def test_a_failed_cell_is_told_in_a_line_not_with_the_whole_sql():
    """A database error's text holds its whole statement (thousands of characters): the message says the
    notebook, the cell and the first line of the error, shortened; the executed notebook keeps the rest."""
    from reports.render import NotebookFailed

    sql = "SELECT " + ", ".join(f"hospital_finance.c{i}" for i in range(300))
    failed = NotebookFailed("financial_report.ipynb", 10, 11, "DatabaseError",
                            f"Execution failed on sql '{sql}': no such column\n[SQL: {sql}]", "health = x(ctx)")
    assert failed.message_en.startswith("The report failed: financial_report.ipynb cell 10 [11]: DatabaseError: "
                                        "Execution failed on sql 'SELECT hospital_finance.c0")
    assert len(failed.message_en) < 320 and "[SQL:" not in failed.message_en
    assert failed.message_en.endswith("← health = x(ctx)") and "…" in failed.message_th


def test_the_footer_says_when_the_report_was_made_in_thailands_time(monkeypatch):
    """The server's clock may be UTC (as on this machine): the footer's time is Thailand's, UTC+7."""
    from types import SimpleNamespace

    from reports import show

    shown: list[str] = []
    monkeypatch.setattr(show, "html", shown.append)
    before = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    show.footer(SimpleNamespace(as_of=dt.date(2026, 3, 31)))
    after = dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)
    [footer] = shown
    assert any(f"{t:%H:%M} น." in footer for t in (before, after)), footer
    assert "31 มี.ค. 2569" in footer or "31 มีนาคม 2569" in footer
