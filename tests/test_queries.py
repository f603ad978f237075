"""The read models of the review app and the reports, checked by hand against the mini year on both databases.

The store holds (figures of tests/mini_year.py):

- CC (สสจ.หนองบัวลำภู, region 8, province 39): the mini year, all four templates, as of 31 Mar 2026.
  T1 100,000 (15 Nov) + T2 50,000 (10 Jan); funding P1 = T1 60,000 + T2 30,000, P2 = T1 40,000;
  D1 20,000 paid 15 Dec, advance A1 10,000 on 5 Jan, cleared 20 Jan returning 2,000. Plans P01 (PP).
- CC2 (สสจ.อุดรธานี, region 8, province 41): the same year with D1 = 5,000 and P1 under plan P06 (SE),
  allocations, projects and disbursements as of 31 Jan 2026; its outputs workbook was refused.
- SILENT (รพ.หนองบัวลำภู, region 8, province 39): only in finance's GFMIS workbook, seed 000's figures.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from mini_year import AS_OF, CC, CC2, FY, U1, U2, mini_year, mini_year_of_cc2

from domain.vocabulary import FIGURES, RECONCILIATION
from services.submission import submit
from store.queries import (
    completeness,
    completeness_summary,
    current_rows,
    reconciliation,
    submission_diff,
    totals,
)
from store.users import User
from store.workflow import decide
from templates import TEMPLATES
from templates.catalog import STEPS as SMS_TEMPLATES
from templates.workbook import build_workbook

SILENT = "2100200132"
TRANG = "2100200232"  # region 12: never in the store
CC2_AS_OF = dt.date(2026, 1, 31)
SCOPE = {CC, CC2, SILENT}
CHECKER = User("checker8", "checker", region=8)

GFMIS = [  # cost centre, month, installment money (cumulative), disbursed in GFMIS (cumulative)
    (CC, 12, 120000, 15000), (CC, 1, 160000, 30000),
    (CC2, 1, 140000, 13000),
    (SILENT, 1, 27945850.00, 21789167.08),
]


def variant() -> dict[str, dict[str, pd.DataFrame]]:
    """The mini year of CC2: its own units, D1 = 5,000, and P1 under plan P06 (Service Excellence)."""
    year = mini_year_of_cc2()
    projects = year["projects"]["projects"]
    projects.loc[0, ["plan_code", "strategic_project_code", "kpi_code"]] = ["P06", "P06-01", None]
    return year


def write(folder, reference, cost_center, year) -> list:
    return [build_workbook(TEMPLATES[key], folder / f"{key}.xlsx", reference, fiscal_year=FY,
                           cost_center=cost_center, data=sheets) for key, sheets in year.items()]


def gfmis_workbook(folder, reference):
    rows = pd.DataFrame(GFMIS, columns=["cost_center", "month", "installment_money", "disbursed"])
    return build_workbook(TEMPLATES["gfmis"], folder / "gfmis.xlsx", reference, fiscal_year=FY, data={"gfmis": rows})


@pytest.fixture
def store(engine, tmp_path, reference):
    """The three cost centres above; returns the import results by (cost centre, template)."""
    results = submit(engine, write(tmp_path / "cc", reference, CC, mini_year()), reference,
                           actor="maker1", as_of=AS_OF)
    other = variant()
    broken = other.pop("outputs")
    broken["kpi_results"].loc[0, "quarter"] = 5  # S08: refused
    results += submit(engine, write(tmp_path / "cc2", reference, CC2, other), reference,
                            actor="maker2", as_of=CC2_AS_OF)
    results += submit(engine, write(tmp_path / "cc2-bad", reference, CC2, {"outputs": broken}), reference,
                            actor="maker2", as_of=CC2_AS_OF)
    results += submit(engine, [gfmis_workbook(tmp_path, reference)], reference, actor="finance", as_of=AS_OF)
    by_key = {(r.cost_center, r.template): r for r in results}
    assert [r.status for r in results] == ["stored"] * 7 + ["refused", "stored"], [
        (r.file, r.status, r.report and [(f.rule, f.cell) for f in r.report.findings]) for r in results]
    return by_key


def approve(engine, reference, store, cost_center, template):
    result = store[(cost_center, template)]
    return decide(engine, reference, CHECKER, result.submission_id, 0, "approve", "ครบถ้วน")


# -- current rows --------------------------------------------------------------------------------------
def test_current_rows_are_typed_scoped_and_filtered_by_status(engine, reference, store):
    everyone = current_rows(engine, "transfers", fiscal_year=FY)
    sheet = TEMPLATES["allocations"].sheet("transfers")
    assert list(everyone.columns) == [*sheet.keys, "submission_id", "status", "row_number"]
    assert everyone[sheet.keys].dtypes.astype(str).to_dict() == sheet.dtypes
    assert list(zip(everyone["cost_center"], everyone["transfer_no"], everyone["amount"], strict=True)) == [
        (CC, "T1", 100000), (CC, "T2", 50000), (CC2, "T1", 100000), (CC2, "T2", 50000)]
    assert everyone["transfer_date"].tolist()[:2] == [dt.date(2025, 11, 15), dt.date(2026, 1, 10)]

    mine = current_rows(engine, "payments", fiscal_year=FY, cost_centers={CC2})
    assert set(mine["cost_center"]) == {CC2} and mine["amount"].tolist() == [5000, 10000]
    assert current_rows(engine, "payments", fiscal_year=FY, cost_centers=set()).empty
    assert current_rows(engine, "payments", fiscal_year=FY - 1).empty

    finance = current_rows(engine, "gfmis", fiscal_year=FY, cost_centers={SILENT})  # rows carry their centre
    assert finance[["cost_center", "month", "disbursed"]].values.tolist() == [[SILENT, 1, 21789167.08]]

    assert current_rows(engine, "transfers", fiscal_year=FY, include_unapproved=False).empty
    approve(engine, reference, store, CC, "allocations")
    approved = current_rows(engine, "transfers", fiscal_year=FY, include_unapproved=False)
    assert set(approved["cost_center"]) == {CC} and set(approved["status"]) == {"approved"}


# -- GFMIS vs SMS reconciliation ----------------------------------------------------------------------
def test_reconciliation_of_january(engine, reference, store):
    table = reconciliation(engine, reference, fiscal_year=FY, month=1, cost_centers=SCOPE)
    assert table.attrs["month_end"] == dt.date(2026, 1, 31)
    assert list(table.columns) == ["region", "cost_center", "name", *RECONCILIATION, "recorded"]
    assert table["cost_center"].tolist() == [CC, SILENT, CC2]  # region, then code
    rows = table.set_index("cost_center")

    cc = rows.loc[CC]
    assert cc["installment_gfmis"] == 160000
    assert cc["received_sms"] == 100000 + 50000
    assert cc["allocated_sms"] == 60000 + 30000 + 40000
    assert cc["disbursed_gfmis"] == 30000
    assert cc["disbursed_sms"] == 20000 + 10000 - 2000
    assert cc["diff_installment"] == 160000 - (100000 + 50000)
    assert cc["diff_disbursed"] == 30000 - (20000 + 10000 - 2000)
    assert rows.loc[CC2, "disbursed_sms"] == 5000 + 10000 - 2000 and rows.loc[CC2, "diff_disbursed"] == 0

    silent = rows.loc[SILENT]  # seed 000's first row: nothing in SMS, flagged
    assert not silent["recorded"] and rows.loc[[CC, CC2], "recorded"].all()
    assert (silent["received_sms"], silent["allocated_sms"], silent["disbursed_sms"]) == (0, 0, 0)
    assert silent["diff_installment"] == 27945850.00 and silent["diff_disbursed"] == 21789167.08

    assert (table["diff_installment"] == table["installment_gfmis"] - table["received_sms"]).all()
    assert (table["diff_disbursed"] == table["disbursed_gfmis"] - table["disbursed_sms"]).all()
    assert str(FIGURES["installment_gfmis"]) == "(1) เงินประจำงวด (กองคลัง) / Installment money (GFMIS)"
    assert [str(FIGURES[k])[:3] for k in table.columns[3:10]] == [f"({n})" for n in range(1, 8)]


def test_reconciliation_cuts_at_the_month_end(engine, reference, store):
    december = reconciliation(engine, reference, fiscal_year=FY, month=12, cost_centers={CC}).iloc[0]
    assert december["received_sms"] == 100000  # T2 arrived on 10 Jan
    assert december["allocated_sms"] == 60000 + 40000  # only the funding drawn on T1
    assert december["disbursed_sms"] == 20000  # the advance came on 5 Jan
    assert december["diff_installment"] == 120000 - 100000 and december["diff_disbursed"] == 15000 - 20000
    november = reconciliation(engine, reference, fiscal_year=FY, month=11, cost_centers={CC}).iloc[0]
    assert pd.isna(november["installment_gfmis"]) and pd.isna(november["diff_installment"])  # no GFMIS row
    assert november["received_sms"] == 100000 and november["disbursed_sms"] == 0
    with pytest.raises(ValueError):
        reconciliation(engine, reference, fiscal_year=FY, month=13)


def test_reconciliation_scope_and_approved_only(engine, reference, store):
    everyone = reconciliation(engine, reference, fiscal_year=FY, month=1)
    assert len(everyone) == len(reference["cost_centers"]) and TRANG in set(everyone["cost_center"])
    assert everyone["recorded"].sum() == 2
    region12 = reconciliation(engine, reference, fiscal_year=FY, month=1, cost_centers={TRANG})
    assert region12["cost_center"].tolist() == [TRANG] and not region12["recorded"].any()
    assert pd.isna(region12.loc[0, "installment_gfmis"])

    approve(engine, reference, store, CC, "allocations")
    approved = reconciliation(engine, reference, fiscal_year=FY, month=1, cost_centers=SCOPE,
                              include_unapproved=False).set_index("cost_center")
    assert approved.loc[CC, ["received_sms", "allocated_sms", "disbursed_sms"]].tolist() == [100000 + 50000, 0, 0]
    assert approved.loc[CC, "installment_gfmis"] == 160000  # finance's figures are not reviewed by checkers
    assert approved.loc[CC2, "received_sms"] == 0 and approved.loc[CC2, "recorded"]  # recorded, not yet approved


# -- dashboard totals ----------------------------------------------------------------------------------
def test_totals_per_level(engine, reference, store):
    def figures(level, **kw):
        frame = totals(engine, reference, fiscal_year=FY, level=level, **kw)
        key = {"region": "region", "province": "province_code", "cost_center": "cost_center",
               "strategy": "excellence_code"}[level]
        return {row[key]: (row["projects"], row["budget"], row["disbursed"], row["remaining"], row["rate"])
                for _, row in frame.iterrows()}

    cc_disbursed, cc2_disbursed = 20000 + 10000 - 2000, 5000 + 10000 - 2000
    by_centre = figures("cost_center", cost_centers=SCOPE)
    assert by_centre == {
        CC: (2, 90000 + 40000, cc_disbursed, 130000 - cc_disbursed, cc_disbursed / 130000),
        SILENT: (0, 0, 0, 0, 0),
        CC2: (2, 90000 + 40000, cc2_disbursed, 130000 - cc2_disbursed, cc2_disbursed / 130000),
    }
    assert figures("province", cost_centers=SCOPE) == {
        "39": by_centre[CC], "41": by_centre[CC2]}
    region8 = figures("region")[8]
    assert region8 == (4, 260000, cc_disbursed + cc2_disbursed, 260000 - (cc_disbursed + cc2_disbursed),
                       (cc_disbursed + cc2_disbursed) / 260000)
    assert figures("region")[12] == (0, 0, 0, 0, 0)
    assert figures("strategy") == {
        "PP": (3, 90000 + 40000 + 40000, cc_disbursed, 170000 - cc_disbursed, cc_disbursed / 170000),
        "SE": (1, 90000, cc2_disbursed, 90000 - cc2_disbursed, cc2_disbursed / 90000),  # CC2's P1, plan P06
        "PE": (0, 0, 0, 0, 0),
        "GE": (0, 0, 0, 0, 0),
    }
    assert figures("strategy", cost_centers={CC2})["PP"] == (1, 40000, 0, 40000, 0)
    assert list(figures("region", cost_centers={TRANG})) == [12]
    assert figures("cost_center", cost_centers=SCOPE, include_unapproved=False)[CC] == (0, 0, 0, 0, 0)
    frame = totals(engine, reference, fiscal_year=FY, level="province", cost_centers=SCOPE)
    assert list(frame.columns) == ["name", "region", "province_code", "projects", "budget", "disbursed",
                                   "remaining", "rate"]
    assert frame["name"].tolist() == ["หนองบัวลำภู", "อุดรธานี"]
    with pytest.raises(ValueError):
        totals(engine, reference, fiscal_year=FY, level="district")


# -- recording completeness ----------------------------------------------------------------------------
def test_completeness_states(engine, reference, store):
    approve(engine, reference, store, CC, "allocations")
    grid = completeness(engine, reference, fiscal_year=FY, as_of=dt.date(2026, 3, 31), cost_centers=SCOPE)
    assert len(grid) == 3 * 4 * 6  # Oct .. Mar have ended by 31 Mar
    state = grid.set_index(["cost_center", "template", "month"])["state"]
    assert state[(CC, "allocations", 3)] == "approved"
    assert state[(CC, "projects", 10)] == state[(CC, "outputs", 3)] == "submitted"
    assert state[(CC2, "allocations", 1)] == "submitted"  # CC2's data is as of 31 Jan
    assert state[(CC2, "allocations", 2)] == "late"  # 28 Feb + 15 days < 31 Mar
    assert state[(CC2, "allocations", 3)] == "missing"  # 31 Mar: not yet late
    assert state[(CC2, "outputs", 1)] == "refused" and state[(CC2, "outputs", 2)] == "late"
    assert state[(SILENT, "projects", 10)] == "late" and state[(SILENT, "projects", 3)] == "missing"
    assert set(grid.loc[grid["cost_center"] == CC, "state"]) == {"approved", "submitted"}
    pending = grid[grid["pending_review"]].groupby("cost_center")["template"].unique()
    assert set(pending[CC]) == {"projects", "disbursements", "outputs"}

    early = completeness(engine, reference, fiscal_year=FY, as_of=dt.date(2026, 2, 10), cost_centers={SILENT})
    assert early.groupby("month", sort=False)["state"].first().to_dict() == {
        10: "late", 11: "late", 12: "late", 1: "missing"}  # 10 Feb is 10 days after 31 Jan
    assert completeness(engine, reference, fiscal_year=FY, as_of=AS_OF, cost_centers={TRANG})["state"].eq(
        "late").sum() == 4 * 5  # Oct .. Feb late, Mar missing


def test_completeness_board(engine, reference, store):
    approve(engine, reference, store, CC, "allocations")
    board = completeness_summary(engine, reference, fiscal_year=FY, as_of=dt.date(2026, 3, 31),
                                 cost_centers=SCOPE).set_index("cost_center")
    assert list(board.columns) == ["region", "name", *SMS_TEMPLATES, "covered_to", "pending_review", "returned",
                                   "refused_newer", "late"]
    # each template's status is the review queue's (the by-month grid says how far each one goes)
    assert board.loc[CC, list(SMS_TEMPLATES)].tolist() == ["approved", "submitted", "submitted", "submitted"]
    assert board.loc[CC2, list(SMS_TEMPLATES)].tolist() == ["submitted"] * 3 + ["refused"]
    assert board.loc[SILENT, list(SMS_TEMPLATES)].tolist() == ["late"] * 4  # nothing sent, Oct .. Feb overdue
    assert board.loc[CC, "covered_to"] == AS_OF and pd.isna(board.loc[CC2, "covered_to"])  # CC2 has no outputs
    assert board.loc[[CC, CC2, SILENT], "pending_review"].tolist() == [3, 3, 0]
    assert board.loc[CC2, "late"] == 3 + 1  # February of every template (outputs: Oct..Jan were refused)
    assert board.loc[SILENT, "late"] == 4 * 5

    decide(engine, reference, CHECKER, store[(CC2, "projects")].submission_id, 0, "return", "แผนงานไม่ถูกต้อง")
    grid = completeness(engine, reference, fiscal_year=FY, as_of=dt.date(2026, 3, 31), cost_centers={CC2})
    assert grid.loc[grid["template"] == "projects", "state"].tolist() == ["returned"] * 4 + ["late", "missing"]
    before_any = completeness_summary(engine, reference, fiscal_year=FY, as_of=dt.date(2025, 10, 20),
                                      cost_centers={CC2})
    assert before_any.loc[0, list(SMS_TEMPLATES)].tolist() == ["submitted", "returned", "submitted", "refused"]
    assert (before_any.loc[0, "pending_review"], before_any.loc[0, "returned"]) == (2, 1)


def test_an_upload_refused_after_a_standing_version_leaves_the_version_on_the_board(engine, reference, store,
                                                                                   tmp_path):
    """The board, the by-month grid and the queue tell one story: the refused upload does not replace the version
    awaiting review (it is what the checker can decide), so the board shows that version's status, as the months
    it covers do, and counts the refused upload beside it."""
    broken = mini_year()["outputs"]
    broken["kpi_results"].loc[0, "quarter"] = 5  # S08
    [refused] = submit(engine, write(tmp_path / "bad", reference, CC, {"outputs": broken}), reference,
                       actor="maker1", as_of=AS_OF)
    assert refused.status == "refused"
    as_of = dt.date(2026, 3, 31)
    board = completeness_summary(engine, reference, fiscal_year=FY, as_of=as_of, cost_centers={CC}).iloc[0]
    months = completeness(engine, reference, fiscal_year=FY, as_of=as_of, cost_centers={CC})
    outputs = months[months["template"] == "outputs"]
    assert board["outputs"] == "submitted" and board["refused_newer"] == 1 and board["pending_review"] == 4
    assert set(outputs.loc[outputs["month_end"] <= AS_OF, "state"]) == {"submitted"}


# -- what changed since the previous version -------------------------------------------------------------
def test_submission_diff_against_the_previous_version(engine, tmp_path, reference, store):
    first = store[(CC, "allocations")].submission_id
    assert submission_diff(engine, first)["allocations"]["change"].tolist() == ["added"] * 3

    year = mini_year()
    alloc = year["allocations"]["allocations"]
    alloc.loc[0, "amount"] = 55000  # changed
    year["allocations"]["allocations"] = pd.concat([alloc.iloc[[0, 1]], pd.DataFrame(  # T2 -> U1 removed, -> U2 added
        [dict(transfer_no="T2", unit_code=U2, allocation_date=alloc.loc[2, "allocation_date"], amount=50000)],
        dtype=object)], ignore_index=True)
    # the stored projects drew on T2 -> U1 and on 60,000 of T1 -> U1: sent again with project P1 on T1's 55,000
    projects = year["projects"]
    projects["projects"].loc[0, "budget"] = 55000
    projects["funding"] = projects["funding"].drop(index=1).assign(amount=[55000, 40000])
    projects["activities"] = projects["activities"].drop(index=1)
    projects["activities"].loc[0, "budget"] = 55000
    [second, _] = submit(engine, write(tmp_path / "v2", reference, CC, {"allocations": year["allocations"],
                                                                       "projects": projects}),
                         reference, actor="maker1", as_of=AS_OF)
    assert (second.status, second.version) == ("stored", 2), second.report and second.report.findings

    diff = submission_diff(engine, second.submission_id, cost_centers={CC})
    assert diff["transfers"].empty
    changes = diff["allocations"].set_index(["transfer_no", "unit_code"])
    assert changes["change"].to_dict() == {("T2", U2): "added", ("T1", U1): "changed", ("T2", U1): "removed"}
    changed = changes.loc[("T1", U1)]
    assert (changed["changed_columns"], changed["old_amount"], changed["amount"]) == ("amount", 60000, 55000)
    assert pd.isna(changed["old_allocation_date"])  # unchanged columns carry no old value
    assert (changed["row_number"], changed["old_row_number"]) == (2, 2)
    removed = changes.loc[("T2", U1)]
    assert removed["old_amount"] == 50000 and pd.isna(removed["amount"]) and removed["old_row_number"] == 4
    assert changes.loc[("T2", U2), "amount"] == 50000 and pd.isna(changes.loc[("T2", U2), "old_amount"])

    with pytest.raises(LookupError):
        submission_diff(engine, second.submission_id, cost_centers={CC2})
    with pytest.raises(LookupError):
        submission_diff(engine, 10**6)

