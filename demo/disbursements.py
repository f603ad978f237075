"""Step 3 of the demo (seed 001): payments and cash advances against activities, and the advances' clearing.

Records carry the columns of the disbursements template's ``payments`` and ``clearings`` sheets;
amounts are integer satang. Clearing records also carry ``_advance_date``, the date of the advance
they clear.

An activity's payments and advances add up to at most its budget, and money returned on a clearing
only lowers what is disbursed, so no activity is over-disbursed (B08); a clearing's spent + returned
is exactly its advance (B09). Every advance older than 30 days is cleared, within 28 days of being
paid, but for the couple :func:`leave_uncleared` leaves open across the whole demo (the B10 warnings
real data shows).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np

from demo.context import SATANG, Context, Rows, Year, day_between, pick, split
from demo.themes import EXPENSES, person
from domain.ledger import ADVANCE_OVERDUE_DAYS
from domain.vocabulary import PaymentKind

ADVANCE_FROM = 5_000 * SATANG  # smaller amounts are paid, never advanced
PAYMENT_LAG = 40  # days after its planned month an activity's bills may still be paid
CLEARED_IN = ADVANCE_OVERDUE_DAYS - 2  # days: an advance is cleared before B10 would warn about it


def spending(ctx: Context, activity: dict) -> list[dict]:
    """Payments and advances of one activity (a record of :mod:`demo.projects`) due by the as-of date.

    The longer ago its planned month, the more of its budget is spent (20–60 % in that month,
    up to 70–100 % two months on); they add up to at most its budget. No document number yet:
    :func:`number_documents` gives them in date order.
    """
    rng, year = ctx.rng, ctx.year
    if activity["_month"] > year.now:
        return []
    behind = year.now - activity["_month"]
    share = rng.uniform(0.2, 0.6) if behind == 0 else rng.uniform(0.5, 0.9) if behind == 1 else rng.uniform(0.7, 1.0)
    total = int(activity["budget"] * share)
    pieces = split(total, min(int(rng.integers(1, 5)), max(1, total // (3_000 * SATANG))), rng, step=1)
    first, last = year.month_bounds(activity["_month"])
    low = max(activity["_start"], first)
    high = min(year.last, last + timedelta(days=PAYMENT_LAG))
    rows = []
    for amount, when in zip(pieces, sorted(day_between(rng, low, high) for _ in pieces), strict=True):
        advance = amount >= ADVANCE_FROM and rng.random() < 0.2
        if advance:  # an advance is a round hundred baht
            amount = amount // (100 * SATANG) * (100 * SATANG)
        rows.append({"unit_code": activity["_unit"], "document_date": when,
                     "project_code": activity["project_code"], "activity_no": activity["activity_no"],
                     "kind": (PaymentKind.ADVANCE if advance else PaymentKind.PAYMENT).value, "amount": amount,
                     **_payee_and_description(rng, activity["activity_name"], advance)})
    return rows


def _payee_and_description(rng: np.random.Generator, activity_name: str, advance: bool) -> dict[str, str]:
    """Who is paid and for what: a shop or a person for a payment, a member of staff for an advance."""
    if advance:  # the borrower is a member of staff
        return {"payee": person(rng), "description": f"ยืมเงินทดรองราชการ {activity_name}"}
    item, payees = pick(rng, EXPENSES)
    return {"payee": pick(rng, payees) if payees else person(rng), "description": f"{item} {activity_name}"}


def number_documents(payments: list[dict], fiscal_year: int) -> list[dict]:
    """Payments sorted per unit by date, numbered per unit and year: ขบ. for payments, สย. (loan contracts)
    for advances, e.g. ``สย.2569/0001``."""
    payments = sorted(payments, key=lambda p: (p["unit_code"], p["document_date"], p["project_code"], p["activity_no"]))
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for p in payments:
        prefix = "สย." if p["kind"] == PaymentKind.ADVANCE else "ขบ."
        counters[p["unit_code"], prefix] += 1
        p["document_no"] = f"{prefix}{fiscal_year}/{counters[p['unit_code'], prefix]:04d}"
    return payments


def clearings(ctx: Context, payments: list[dict]) -> list[dict]:
    """The clearing of the advances among ``payments``: those older than 30 days always, younger ones sometimes.

    Half return 2–25 % of the advance unspent; each is dated 5–28 days after its advance and numbered
    per unit (ลย.), in date order.
    """
    rng, year = ctx.rng, ctx.year
    rows = []
    for p in payments:
        if p["kind"] != PaymentKind.ADVANCE:
            continue
        age = (year.last - p["document_date"]).days
        if age <= ADVANCE_OVERDUE_DAYS and (age < 6 or rng.random() < 0.6):
            continue
        returned = 0
        if rng.random() < 0.5:
            returned = int(p["amount"] * rng.uniform(0.02, 0.25))
        rows.append({"unit_code": p["unit_code"], "advance_document_no": p["document_no"],
                     "clearing_date": day_between(rng, p["document_date"] + timedelta(days=5),
                                                  min(year.last, p["document_date"] + timedelta(days=CLEARED_IN))),
                     "spent": p["amount"] - returned, "returned": returned,
                     "note": "คืนเงินสดเหลือจ่าย" if returned else None, "_advance_date": p["document_date"]})
    rows.sort(key=lambda c: (c["unit_code"], c["clearing_date"], c["advance_document_no"]))
    counters: dict[str, int] = defaultdict(int)
    for c in rows:
        counters[c["unit_code"]] += 1
        c["document_no"] = f"ลย.{year.fiscal_year}/{counters[c['unit_code']]:04d}"
    return rows


def leave_uncleared(ledgers: dict[str, Rows], year: Year, rng: np.random.Generator, count: int = 2) -> None:
    """Drop the clearing of ``count`` advances older than 30 days, in different cost centres (B10 warnings).

    ``ledgers`` is every cost centre's records by cost centre code; it is changed in place.
    """
    old = [(cc, c) for cc, rows in sorted(ledgers.items()) for c in rows["clearings"]
           if (year.last - c["_advance_date"]).days > ADVANCE_OVERDUE_DAYS]
    centres = sorted({cc for cc, _ in old})
    for cc in [centres[int(i)] for i in sorted(rng.choice(len(centres), size=min(count, len(centres)), replace=False))]:
        mine = [c for k, c in old if k == cc]
        chosen = pick(rng, mine)
        ledgers[cc]["clearings"].remove(chosen)
