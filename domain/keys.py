"""Matching rows by keys of one or several columns, at C speed.

Keys of several columns (an activity is project code + activity no.) are numbered as one int64 per
row, alike on both sides, instead of MultiIndexes or joined strings, which loop in Python. The rules
(``validators.budget``) and the ledger (:mod:`domain.ledger`) match every row this way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def composite(left: Sequence, right: Sequence | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One int64 per key of several columns, numbered alike on both sides (-1 where a part is missing).

    ``left`` and ``right`` are lists of columns (Series or arrays) of equal count; without ``right``,
    the keys of ``left`` alone (the second array is then empty). Equal keys are equal rows; the numbers
    are not dense (a key of two columns is first code × (distinct seconds + 1) + second code).
    """
    right = right if right is not None else [pd.Series(c).iloc[:0] for c in left]
    left_keys, right_keys = np.zeros(len(left[0]), np.int64), np.zeros(len(right[0]), np.int64)
    missing_left, missing_right = np.zeros(len(left_keys), bool), np.zeros(len(right_keys), bool)
    bound = 1  # every key of the rows with no part missing lies in 0 … bound - 1
    for a, b in zip(left, right, strict=True):
        both = pd.concat([pd.Series(a, copy=False), pd.Series(b, copy=False)], ignore_index=True)
        codes, uniques = pd.factorize(both if both.dtype != object else both.to_numpy(dtype=object))
        mine, theirs = codes[:len(a)], codes[len(a):]
        width = len(uniques) + 1  # a code is -1 … len(uniques) - 1: keys of different rows never meet
        if bound * width >= 2**62:  # renumbered (densely) only when the next column could overflow
            renumbered = pd.factorize(np.concatenate([left_keys, right_keys]))[0]
            left_keys, right_keys, bound = renumbered[:len(a)], renumbered[len(a):], renumbered.max(initial=0) + 1
        left_keys, right_keys, bound = left_keys * width + mine, right_keys * width + theirs, bound * width
        missing_left, missing_right = missing_left | (mine < 0), missing_right | (theirs < 0)
    return np.where(missing_left, -1, left_keys), np.where(missing_right, -1, right_keys)


# When one side is this many times longer than the other (and at least NARROW_ROWS long), only its rows whose last
# key column holds a value of the other side's are numbered: a payment's document no. is among 100 clearings'
# advance nos. for a few of 100,000 payments, and factorising every payment's key cost 3-8 ms per match.
NARROW_RATIO, NARROW_ROWS = 8, 10_000


def match(left: Sequence, right: Sequence) -> np.ndarray:
    """For each key of ``left`` (a list of columns), the position of the first equal key of ``right``; -1 if none."""
    if len(right[0]) >= max(NARROW_ROWS, NARROW_RATIO * len(left[0])):
        rows = _may_meet(right[-1], left[-1])
        if rows is not None:  # only these rows of ``right`` can be equal to a key of ``left``
            at = _match(left, [_rows(c, rows) for c in right])
            return np.append(rows, -1)[at]  # -1 (not found) takes the -1 appended
    if len(left[0]) >= max(NARROW_ROWS, NARROW_RATIO * len(right[0])):
        rows = _may_meet(left[-1], right[-1])
        if rows is not None:
            found = np.full(len(left[0]), -1, dtype=np.int64)
            found[rows] = _match([_rows(c, rows) for c in left], right)
            return found
    return _match(left, right)


def _rows(column, rows: np.ndarray) -> pd.Series:
    return pd.Series(column, copy=False).iloc[rows]


def _may_meet(column, other) -> np.ndarray | None:
    """The positions of ``column`` whose value is one of ``other``'s; None when most rows are (then all are kept)
    or the two do not convert to one Arrow type."""
    found = _in(column, other)
    if found is None:
        return None
    rows = np.flatnonzero(found)
    return rows if len(rows) * 2 < len(found) else None


def _in(column, other) -> np.ndarray | None:
    """Whether each value of ``column`` is one of ``other``'s (False for a missing one), by Arrow's hash lookup:
    no factorising of either side. None when the two do not convert to one Arrow type."""
    try:
        values = pa.array(pd.Series(column, copy=False), from_pandas=True)
        wanted = pa.array(pd.Series(other, copy=False), from_pandas=True).cast(values.type)
        return pc.is_in(values, value_set=pc.drop_null(wanted)).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _match(left: Sequence, right: Sequence) -> np.ndarray:
    mine, theirs = composite(left, right)
    # Hashed: the first row of each key of ``right`` in a table that each key of ``left`` looks up, O(n)
    # where a sorted search cost O(n log n) (the keys are not dense enough for an array indexed by key).
    first = np.flatnonzero((theirs >= 0) & ~pd.Series(theirs).duplicated().to_numpy())
    at = pd.Index(theirs[first]).get_indexer(mine)  # -1: not found, which takes the -1 appended
    return np.where(mine >= 0, np.append(first, -1)[at], -1)


def take(values: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` at positions ``at`` (from :func:`match`), indexed by ``index``; NaN where ``at`` is -1."""
    if not len(values):
        return pd.Series(np.full(len(at), np.nan, dtype=object), index=index)
    # taken first, then made numpy: Arrow text made Python strings whole cost 9 ms per 100,000 rows
    taken = values.iloc[np.where(at >= 0, at, 0)].to_numpy()
    return pd.Series(taken, index=index).where(at >= 0)


def lookup(totals: pd.Series, frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """``totals`` (indexed by keys of ``len(columns)`` levels) looked up for each row of ``frame`` by its
    ``columns``; NaN where a row's key is absent."""
    levels = [totals.index.get_level_values(i) for i in range(len(columns))]
    return take(totals, match([frame[c] for c in columns], levels), frame.index)


def isin(frame: pd.DataFrame, fields: Sequence[str], target: pd.DataFrame, target_fields: Sequence[str]) -> pd.Series:
    """Whether each row's key (one column or several) is a key of ``target``; False where a part is missing."""
    if len(fields) == 1 and (found := _in(frame[fields[0]], target[target_fields[0]])) is not None:
        return pd.Series(found, index=frame.index)
    return pd.Series(match([frame[f] for f in fields], [target[f] for f in target_fields]) >= 0, index=frame.index)
