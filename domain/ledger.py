"""The ledger of a unit's money: what is disbursed, and which advances are outstanding or overdue.

One definition for everyone who counts money (DOMAIN.md step 3 and rules B08–B10): the budget
rules, the store's read models, the review app and the inspection reports.

- **Disbursed** = payments + advances − money returned on the clearings of those advances.
- **Outstanding** (of an advance) = advanced − (spent + returned) of its clearings, never below 0.
- **Overdue**: still outstanding more than :data:`ADVANCE_OVERDUE_DAYS` days after it was paid (B10).
- Two amounts are equal when they differ by less than :data:`CENT` (half a satang): amounts are baht
  with 2 decimals, held as floats.

The frames are the spec's sheets: ``payments`` has ``document_no``, ``document_date``, ``kind``
(:class:`domain.vocabulary.PaymentKind`), ``amount`` (baht) and the keys named by ``on``;
``clearings`` has ``advance_document_no``, ``clearing_date``, ``spent`` and ``returned`` (baht) and
the same ``on`` keys. ``on`` names the columns a clearing shares with the advance it clears:
``("unit_code",)`` within one cost centre's workbooks (the validators), ``("cost_center",
"unit_code")`` across cost centres (the store's read models). Dates are ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from domain.frames import as_datetime
from domain.keys import lookup
from domain.vocabulary import PaymentKind

CENT = 0.005  # baht: amounts closer than half a satang are equal
ADVANCE_OVERDUE_DAYS = 30  # rule B10: an advance not cleared 30 days after it was paid
WITHIN_UNIT = ("unit_code",)
ACROSS_COST_CENTRES = ("cost_center", "unit_code")


def dated_by(frame: pd.DataFrame, column: str, end: dt.date | None) -> pd.DataFrame:
    """The rows of ``frame`` whose date in ``column`` is on or before ``end`` (all rows when ``end`` is None).

    A row without a readable date is left out when ``end`` is given.
    """
    if end is None:
        return frame
    dates = as_datetime(frame[column])
    return frame[(dates <= pd.Timestamp(end)).to_numpy(bool)]


def _per_advance(payments: pd.DataFrame, clearings: pd.DataFrame, amounts: pd.Series, on: Sequence[str]) -> pd.Series:
    """For each payment row, the sum of ``amounts`` (aligned with ``clearings``) of the clearings naming it."""
    if clearings.empty or payments.empty:
        return pd.Series(0.0, index=payments.index)
    keys = [clearings[k] for k in on] + [clearings["advance_document_no"]]
    totals = amounts.groupby(keys).sum()
    prefixed = payments.rename(columns={"document_no": "advance_document_no"})
    return lookup(totals, prefixed, [*on, "advance_document_no"]).astype("float64").fillna(0.0)


def net_per_row(payments: pd.DataFrame, clearings: pd.DataFrame, *, on: Sequence[str] = WITHIN_UNIT,
                end: dt.date | None = None) -> pd.Series:
    """Each payment row's contribution to what is disbursed (baht, aligned with ``payments``): its amount,
    less the money returned on clearings dated by ``end`` for an advance. Rows dated after ``end`` count 0."""
    kept = dated_by(payments, "document_date", end)
    clearings = dated_by(clearings, "clearing_date", end)
    returned = _per_advance(kept, clearings, clearings["returned"], on)
    advance = (kept["kind"] == PaymentKind.ADVANCE).to_numpy(bool)
    net = kept["amount"].astype("float64") - returned.where(advance, 0.0)
    return net.reindex(payments.index, fill_value=0.0)


def net_disbursed(payments: pd.DataFrame, clearings: pd.DataFrame, by: str | Sequence[str], *,
                  on: Sequence[str] = WITHIN_UNIT, end: dt.date | None = None) -> pd.Series:
    """Disbursed (payments + advances − returned, baht to 2 decimals) summed by the payments' columns ``by``,
    counting what is dated by ``end``. Indexed by ``by`` (one level per column); empty without payments."""
    by = [by] if isinstance(by, str) else list(by)
    net = net_per_row(payments, clearings, on=on, end=end)
    if payments.empty:
        return pd.Series(dtype="float64")
    return net.groupby([payments[k] for k in by]).sum().round(2)


def advances(payments: pd.DataFrame, clearings: pd.DataFrame, as_of: dt.date, *, on: Sequence[str] = WITHIN_UNIT,
             end: dt.date | None = None) -> pd.DataFrame:
    """Every advance paid by ``end`` with what is cleared and outstanding on ``as_of``.

    Returns the advance rows of ``payments`` (same index and columns) plus ``cleared`` (spent + returned of
    its clearings dated by ``end``, baht), ``outstanding`` (amount − cleared, not below 0, to 2 decimals),
    ``days`` (since it was paid, on ``as_of``) and ``overdue`` (outstanding by more than :data:`CENT` after
    more than :data:`ADVANCE_OVERDUE_DAYS` days).
    """
    paid = dated_by(payments, "document_date", end)
    paid = paid[(paid["kind"] == PaymentKind.ADVANCE).to_numpy(bool)]
    clearings = dated_by(clearings, "clearing_date", end)
    out = paid.copy()
    out["cleared"] = _per_advance(paid, clearings, clearings["spent"] + clearings["returned"], on)
    out["outstanding"] = (out["amount"].astype("float64") - out["cleared"]).clip(lower=0).round(2)
    dates = as_datetime(out["document_date"])
    out["days"] = (pd.Timestamp(as_of) - dates).dt.days
    out["overdue"] = ((out["outstanding"] > CENT) & (out["days"] > ADVANCE_OVERDUE_DAYS)).to_numpy(bool)
    return out

