"""Finance's GFMIS workbook of the demo: installment money and disbursement per cost centre and month.

GFMIS figures are cumulative to each month end. For a cost centre that records in SMS they follow
its SMS records with the noise real data shows (a few cost centres 10–30 % off, the others within
a few percent; GFMIS disbursement never equals SMS to the satang); for a silent cost centre they
follow a year it would have had.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from demo.allocations import transfers
from demo.context import GFMIS_STREAM, SATANG, Context, Rows, Year, stream, to_frame
from domain.ledger import ACROSS_COST_CENTRES, net_disbursed
from reference.reference_set import ReferenceSet
from templates.catalog import DISBURSEMENTS, GFMIS

OFF_COUNT = 4  # cost centres whose installment money is 10–30 % off what SMS received


def gfmis(reference: ReferenceSet, ledgers: dict[str, Rows], year: Year, seed: int) -> pd.DataFrame:
    """The GFMIS sheet: every cost centre of the reference set, every elapsed month, cumulative baht.

    ``ledgers`` holds the SMS cost centres' records (money in satang) by cost centre code.
    """
    rng = stream(seed, GFMIS_STREAM)
    sms = sorted(ledgers)
    recorded = _sms_disbursed(year, ledgers)
    off = set(sms[int(i)] for i in rng.choice(len(sms), size=min(OFF_COUNT, len(sms)), replace=False)) if sms else set()
    rows = []
    for cc in reference.codes("cost_centers"):
        cc_rng = stream(seed, int(cc), GFMIS_STREAM)
        # received: per month; disbursed: cumulative to each month end (satang)
        if cc in ledgers:
            received = _monthly(year, [(t["transfer_date"], t["amount"]) for t in ledgers[cc]["transfers"]])
            disbursed = recorded[cc]
        else:  # the year a silent cost centre would have recorded
            received = _monthly(year, [(t["transfer_date"], t["amount"])
                                       for t in transfers(Context(reference, year, stream(seed, int(cc))), cc)])
            rates = np.sort(cc_rng.uniform(0.05, 0.45, size=len(received)))  # as the SMS cost centres spend
            disbursed = (np.cumsum(received) * rates).astype(np.int64)
        factor = cc_rng.choice([cc_rng.uniform(0.8, 0.9), cc_rng.uniform(1.1, 1.3)]) if cc in off \
            else cc_rng.uniform(0.98, 1.03)
        installment = np.cumsum((received * factor * cc_rng.uniform(0.99, 1.01, size=len(received))).astype(np.int64)
                                // SATANG * SATANG)
        paid = disbursed * cc_rng.uniform(0.97, 1.08) + cc_rng.normal(0, 20_000 * SATANG, len(disbursed))
        paid = np.maximum.accumulate(np.maximum(paid, 0).astype(np.int64))
        for m in range(year.now + 1):
            rows.append({"cost_center": cc, "month": year.calendar_month(m),
                         "installment_money": int(installment[m]), "disbursed": int(paid[m])})
    return to_frame(GFMIS.sheet(GFMIS.key), rows)


def _monthly(year: Year, entries: list[tuple[date, int]]) -> np.ndarray:
    """Amounts per elapsed fiscal month (satang), from (date, amount) entries."""
    sums = np.zeros(year.now + 1, dtype=np.int64)
    for when, amount in entries:
        sums[year.month_index(when)] += amount
    return sums


def _sms_disbursed(year: Year, ledgers: dict[str, Rows]) -> dict[str, np.ndarray]:
    """Per SMS cost centre, what SMS has disbursed by each elapsed month end (satang, cumulative), counted
    as the reconciliation report counts it (:func:`domain.ledger.net_disbursed`)."""
    if not ledgers:
        return {}
    sheets = {key: pd.concat([to_frame(DISBURSEMENTS.sheet(key), rows[key]).assign(cost_center=cc)
                              for cc, rows in ledgers.items()], ignore_index=True)
              for key in ("payments", "clearings")}
    by_month = pd.DataFrame({m: net_disbursed(sheets["payments"], sheets["clearings"], "cost_center",
                                              on=ACROSS_COST_CENTRES, end=year.month_bounds(m)[1])
                             for m in range(year.now + 1)}).reindex(list(ledgers)).fillna(0.0)
    return {cc: np.rint(by_month.loc[cc].to_numpy() * SATANG).astype(np.int64) for cc in ledgers}
