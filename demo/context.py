"""What every part of the demo stands on: its year, its random streams, its money and its frames.

Money is generated as integer satang (:data:`SATANG` to the baht), so every sum is exact; it becomes
baht with two decimals only when records become a sheet's frame (:func:`to_frame`). Each cost centre
draws from its own random stream (:func:`stream`, seeded by the demo's seed and the cost centre's
code), so one cost centre's data does not change when another is added to the reference set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from domain.fiscal import fiscal_months, fiscal_quarter, fiscal_year_bounds
from reference.reference_set import ReferenceSet
from templates.spec import Sheet

SATANG = 100  # money is generated in satang (integers), written in baht
TEN_BAHT = 10 * SATANG

# One sheet's records (money in satang), by sheet key: what the generating steps pass each other.
Rows = dict[str, list[dict]]
# Workbooks as frames (money in baht): (cost centre, template key) -> {sheet key: frame}.
Books = dict[tuple[str, str], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Year:
    """The demo's fiscal year (BE) and the date its data is as of.

    Months are indexed within the fiscal year: 0 = October .. 11 = September.
    """

    fiscal_year: int
    as_of: date

    @property
    def start(self) -> date:
        return fiscal_year_bounds(self.fiscal_year)[0]

    @property
    def end(self) -> date:
        return fiscal_year_bounds(self.fiscal_year)[1]

    @property
    def last(self) -> date:
        """The last day anything can have happened on: the as-of date, or the year's end."""
        return min(self.as_of, self.end)

    @property
    def now(self) -> int:
        """Fiscal month index (0 = October) of the last day."""
        return self.month_index(self.last)

    @property
    def quarter(self) -> int:
        """The fiscal quarter (1–4) of the last day: results exist up to it."""
        return fiscal_quarter(self.last)

    def month_index(self, d: date) -> int:
        """The fiscal month index of a day of the year (0 = October)."""
        return (d.year - self.start.year) * 12 + d.month - 10

    def month_bounds(self, index: int) -> tuple[date, date]:
        """First and last day of a fiscal month."""
        year, month = fiscal_months(self.fiscal_year)[index]
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return first, following - timedelta(days=1)

    def calendar_month(self, index: int) -> int:
        """The calendar month (1–12) of a fiscal month index."""
        return fiscal_months(self.fiscal_year)[index][1]


@dataclass
class Context:
    """What one cost centre's generating steps share: the reference set, the year and its random stream."""

    reference: ReferenceSet
    year: Year
    rng: np.random.Generator


# What a random stream is for, beside the code it belongs to: a cost centre's SMS year draws from
# stream(seed, code), its GFMIS figures from stream(seed, code, GFMIS_STREAM), and so on.
GFMIS_STREAM, UNCLEARED_STREAM, MISTAKES_STREAM, HOSPITAL_STREAM, ACCOUNTING_STREAM = 1, 2, 3, 4, 5


def stream(seed: int, *keys: int) -> np.random.Generator:
    """The random stream of ``seed`` and ``keys`` (a cost centre's or unit's code, a ``*_STREAM`` purpose)."""
    return np.random.default_rng([seed, *keys])


def pick(rng: np.random.Generator, items):
    """One of ``items``, uniformly."""
    return items[int(rng.integers(len(items)))]


def day_between(rng: np.random.Generator, low: date, high: date) -> date:
    """A day from ``low`` to ``high``, both included; ``low`` when the range is empty."""
    if high <= low:
        return low
    return low + timedelta(days=int(rng.integers(0, (high - low).days + 1)))


def split(total: int, parts: int, rng: np.random.Generator, step: int = TEN_BAHT, floor: float = 0.3) -> list[int]:
    """``total`` (satang) in ``parts`` positive pieces, multiples of ``step`` but the last, adding up exactly.

    Each piece gets at least ``floor / parts`` of the total before rounding, so none is a sliver.
    """
    if parts <= 1:
        return [total]
    shares = rng.dirichlet(np.full(parts, 2.0)) * (1 - floor) + floor / parts
    pieces = [max(step, int(total * s) // step * step) for s in shares[:-1]]
    pieces.append(total - sum(pieces))
    if pieces[-1] <= 0:  # too little money for uneven pieces: even ones
        even = total // parts // step * step
        pieces = [even] * (parts - 1) + [total - even * (parts - 1)]
    assert min(pieces) > 0, f"cannot split {total} in {parts} pieces of at least {step}"
    return pieces


def to_frame(sheet: Sheet, records: list[dict]) -> pd.DataFrame:
    """Records as a frame with exactly the sheet's columns; money from satang to baht with 2 decimals.

    Keys of a record that are not columns of the sheet (the steps' own ``_month`` and the like) are dropped.
    """
    frame = pd.DataFrame(records, columns=sheet.keys)
    for col in sheet.columns:
        if col.type == "money":
            frame[col.key] = (frame[col.key].astype("float64") / SATANG).round(2)
    return frame.reset_index(drop=True)
