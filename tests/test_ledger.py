"""The ledger: disbursed, outstanding and overdue advances, counted one way for rules, queries and reports.

Each figure is checked against a hand count of a few rows (DOMAIN.md step 3: disbursed = payments +
advances − returned money; B10: an advance not cleared 30 days after it was paid).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from domain.ledger import ACROSS_COST_CENTRES, advances, net_disbursed, net_per_row

PAY, ADV = "เบิกจ่าย", "ยืม"


def payments(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["cost_center", "unit_code", "document_no", "document_date", "kind", "amount",
                                       "project_code"])


def clearings(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["cost_center", "unit_code", "advance_document_no", "clearing_date", "spent",
                                       "returned"])


def test_disbursed_by_several_keys_before_and_after_a_clearing():
    pay = payments(("C", "U", "D1", dt.date(2026, 1, 5), PAY, 20000.0, "P1"),
                   ("C", "U", "A1", dt.date(2026, 1, 5), ADV, 10000.0, "P1"))
    clr = clearings(("C", "U", "A1", dt.date(2026, 2, 1), 8000.0, 2000.0))
    keys = ["cost_center", "unit_code"]
    jan = net_disbursed(pay, clr, keys, on=ACROSS_COST_CENTRES, end=dt.date(2026, 1, 31))
    feb = net_disbursed(pay, clr, keys, on=ACROSS_COST_CENTRES, end=dt.date(2026, 2, 28))
    assert jan.tolist() == [20000 + 10000] and feb.tolist() == [20000 + 10000 - 2000]
    assert list(feb.index) == [("C", "U")]


def test_returned_money_counts_only_against_an_advance_of_the_same_unit():
    pay = payments(("C", "U1", "A1", dt.date(2026, 1, 5), ADV, 1000.0, "P1"),
                   ("C", "U2", "A1", dt.date(2026, 1, 6), ADV, 500.0, "P2"),
                   ("C", "U2", "D9", dt.date(2026, 1, 7), PAY, 300.0, "P2"))
    clr = clearings(("C", "U1", "A1", dt.date(2026, 1, 20), 700.0, 300.0),
                    ("C", "U2", "D9", dt.date(2026, 1, 20), 0.0, 100.0))  # a "clearing" of a payment returns nothing
    assert net_per_row(pay, clr, on=ACROSS_COST_CENTRES).tolist() == [700.0, 500.0, 300.0]
    assert net_disbursed(pay, clr, "project_code", on=ACROSS_COST_CENTRES).to_dict() == {"P1": 700.0, "P2": 800.0}


def test_no_payments_disburse_nothing():
    assert net_disbursed(payments(), clearings(), "cost_center").empty


def test_an_advance_is_overdue_after_30_days_until_cleared_in_full():
    pay = payments(("C", "U", "A1", dt.date(2026, 1, 1), ADV, 1000.0, "P1"),   # 30 days on 31/1: not yet
                   ("C", "U", "A2", dt.date(2025, 12, 31), ADV, 1000.0, "P1"),  # 31 days: overdue
                   ("C", "U", "A3", dt.date(2025, 12, 1), ADV, 1000.0, "P1"),   # cleared in full
                   ("C", "U", "A4", dt.date(2025, 12, 1), ADV, 1000.0, "P1"),   # cleared in part
                   ("C", "U", "D1", dt.date(2025, 11, 1), PAY, 1000.0, "P1"))   # a payment is no advance
    clr = clearings(("C", "U", "A3", dt.date(2026, 1, 10), 900.0, 100.0),
                    ("C", "U", "A4", dt.date(2026, 1, 10), 600.0, 0.0),
                    ("C", "U", "A4", dt.date(2026, 2, 10), 400.0, 0.0))  # after the cut-off
    out = advances(pay, clr, dt.date(2026, 1, 31), on=ACROSS_COST_CENTRES, end=dt.date(2026, 1, 31))
    assert out["document_no"].tolist() == ["A1", "A2", "A3", "A4"]
    assert out["outstanding"].tolist() == [1000.0, 1000.0, 0.0, 400.0]
    assert out["days"].tolist() == [30, 31, 61, 61]
    assert out["overdue"].tolist() == [False, True, False, True]
