"""Step 1 of the demo (seed 001): the transfers a cost centre receives and its lump-sum allocations to units.

Records carry the columns of the allocations template's ``transfers`` and ``allocations`` sheets;
amounts are integer satang, dates ``datetime.date``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

import numpy as np

from demo.context import SATANG, TEN_BAHT, Context, split
from demo.themes import GENERAL_HOSPITAL, PHO, REGION_OFFICE, REGIONAL_HOSPITAL

# Relative frequency of main activity codes on transfers: most money is basic-mission money.
ACTIVITY_WEIGHTS = {"N4526": 6.0, "N4504": 2.0, "N4505": 1.5, "N4548": 1.5, "N4536": 1.0, "N4564": 1.0,
                    "N4554": 1.0}
# Expense types (other than operating, "2") a main activity's transfers sometimes carry.
OTHER_EXPENSE_TYPES = {"N4536": "3", "N4564": "3", "N4504": "4", "N4505": "4", "N4554": "4"}
HEAD_TYPES = (PHO, REGIONAL_HOSPITAL, GENERAL_HOSPITAL, REGION_OFFICE)  # the unit a cost centre is named after
MAX_INSTALLMENT = 3  # a main activity's money arrives in up to three installments a year


def transfers(ctx: Context, cc: str) -> list[dict]:
    """The 6–12 transfers a cost centre received by the as-of date, most of the money early in the year.

    Amounts are whole tens of baht between 30,000 and 3,000,000 baht (log-uniform), in satang.
    """
    rng, year = ctx.rng, ctx.year
    codes = ctx.reference["budget_activities"][["activity_code", "output_code"]].to_numpy().tolist()
    weights = np.array([ACTIVITY_WEIGHTS.get(code, 1.0) for code, _ in codes])
    expense_types = ctx.reference.codes("expense_types")
    first = year.start + timedelta(days=3)
    span = max(0, (year.last - timedelta(days=20) - first).days)
    days = np.sort(np.round(rng.beta(1.2, 2.2, size=int(rng.integers(6, 13))) * span))  # most money comes early
    tails = [c[-4:] for c in ctx.reference.codes("cost_centers")]
    prefix = cc[-4:] if tails.count(cc[-4:]) == 1 else cc  # transfer numbers stay unique across the demo
    installments: dict[str, int] = defaultdict(int)
    rows = []
    for n, day in enumerate(days, start=1):
        activity, output = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
        installments[activity] += 1
        baht = int(round(math.exp(rng.uniform(math.log(30_000), math.log(3_000_000))), -1))
        # the keys' order is the order the random draws are made in: keep it, or the demo changes
        rows.append({
            "cost_center": cc, "transfer_no": f"{prefix}/{year.fiscal_year}/{n:03d}",
            "transfer_date": min(first + timedelta(days=int(day)), year.last), "output_code": output,
            "activity_code": activity, "expense_type": _expense_type(rng, activity, expense_types),
            "installment": min(installments[activity], MAX_INSTALLMENT), "amount": baht * SATANG,
            "note": f"ตามหนังสือ สธ 0201.042/ว{int(rng.integers(100, 9999))}" if rng.random() < 0.3 else None,
        })
    return rows


def _expense_type(rng: np.random.Generator, activity: str, codes: list[str]) -> str:
    """Operating money ("2") mostly; investment or subsidies where the main activity has them."""
    other = OTHER_EXPENSE_TYPES.get(activity)
    if other in codes and rng.random() < 0.25:
        return other
    return "2" if "2" in codes else codes[0]


def allocations(ctx: Context, cc: str, received: list[dict]) -> list[dict]:
    """Each transfer allocated to 1–4 of the cost centre's units, the head unit most often.

    A transfer's allocations add up to its amount, or to a little less (1–6 % held back at the cost
    centre, three transfers in ten); each is dated within two weeks of the transfer.
    """
    rng = ctx.rng
    units = ctx.reference.units_of(cc)
    codes = units["unit_code"].tolist()
    weights = np.where(units["unit_type"].isin(HEAD_TYPES), 3.0, 1.0)
    rows = []
    for t in received:
        most = min(4, len(codes), max(1, t["amount"] // (20_000 * SATANG)))
        chosen = rng.choice(len(codes), size=int(rng.integers(1, most + 1)), replace=False, p=weights / weights.sum())
        total = t["amount"]
        if rng.random() < 0.3:  # part of the transfer is held back at the cost centre
            total -= int(total * rng.uniform(0.01, 0.06)) // TEN_BAHT * TEN_BAHT
        when = min(t["transfer_date"] + timedelta(days=int(rng.integers(0, 15))), ctx.year.last)
        for i, amount in zip(sorted(chosen), split(total, len(chosen), rng), strict=True):
            rows.append({"transfer_no": t["transfer_no"], "unit_code": codes[i], "allocation_date": when,
                         "amount": amount, "note": None})
    return rows
