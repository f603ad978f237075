"""Matching rows by keys of one or several columns, at C speed.

Keys of several columns (an activity is project code + activity no.) are numbered as one int64 per
row, alike on both sides, instead of MultiIndexes or joined strings, which loop in Python. The rules
(``validators.budget``) and the ledger (:mod:`domain.ledger`) match every row this way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def composite(left: Sequence, right: Sequence | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One int64 per key of several columns, numbered alike on both sides (-1 where a part is missing).

    ``left`` and ``right`` are lists of columns (Series or arrays) of equal count; without ``right``,
    the keys of ``left`` alone (the second array is then empty).
    """
    right = right if right is not None else [pd.Series(c).iloc[:0] for c in left]
    left_keys, right_keys = np.zeros(len(left[0]), np.int64), np.zeros(len(right[0]), np.int64)
    missing_left, missing_right = np.zeros(len(left_keys), bool), np.zeros(len(right_keys), bool)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        both = pd.concat([pd.Series(a, copy=False), pd.Series(b, copy=False)], ignore_index=True)
        codes, uniques = pd.factorize(both if both.dtype != object else both.to_numpy(dtype=object))
        mine, theirs = codes[:len(a)], codes[len(a):]
        if i == 0:  # a first column's codes are already dense (0 … uniques - 1)
            left_keys, right_keys = mine.astype(np.int64), theirs.astype(np.int64)
        else:  # renumbered after each further column: keys stay dense, below the row count, far from overflow
            combined = np.concatenate([left_keys, right_keys]) * (len(uniques) + 1) + codes
            renumbered = pd.factorize(combined)[0]
            left_keys, right_keys = renumbered[:len(a)], renumbered[len(a):]
        missing_left, missing_right = missing_left | (mine < 0), missing_right | (theirs < 0)
    return np.where(missing_left, -1, left_keys), np.where(missing_right, -1, right_keys)


def match(left: Sequence, right: Sequence) -> np.ndarray:
    """For each key of ``left`` (a list of columns), the position of the first equal key of ``right``; -1 if none."""
    mine, theirs = composite(left, right)
    # The keys are dense (below len(left) + len(right)): a table from key to the position of its first row
    # (found by hashing) costs O(n) where a sorted search cost O(n log n).
    first = np.full(max(mine.max(initial=0), theirs.max(initial=0)) + 1, -1)
    at = np.flatnonzero((theirs >= 0) & ~pd.Series(theirs).duplicated().to_numpy())
    first[theirs[at]] = at
    return np.where(mine >= 0, first[mine.clip(min=0)], -1)


def take(values: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` at positions ``at`` (from :func:`match`), indexed by ``index``; NaN where ``at`` is -1."""
    taken = values.to_numpy()[at] if len(values) else np.full(len(at), np.nan, dtype=object)
    return pd.Series(taken, index=index).where(at >= 0)


def lookup(totals: pd.Series, frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """``totals`` (indexed by keys of ``len(columns)`` levels) looked up for each row of ``frame`` by its
    ``columns``; NaN where a row's key is absent."""
    levels = [totals.index.get_level_values(i) for i in range(len(columns))]
    return take(totals, match([frame[c] for c in columns], levels), frame.index)


def isin(frame: pd.DataFrame, fields: Sequence[str], target: pd.DataFrame, target_fields: Sequence[str]) -> pd.Series:
    """Whether each row's key (one column or several) is a key of ``target``; False where a part is missing."""
    return pd.Series(match([frame[f] for f in fields], [target[f] for f in target_fields]) >= 0, index=frame.index)
