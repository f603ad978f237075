"""domain.keys against a plain-Python reading of the same keys, on random data: the budget rules match rows this way."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.keys import composite, isin, match

# Few distinct values, so keys repeat and collide; None for a missing part.
part = st.one_of(st.none(), st.sampled_from(["A", "B", "0012", "12", "ก"]))
number = st.one_of(st.none(), st.integers(0, 3))


def rows(n: int):
    return st.lists(st.tuples(part, number), min_size=0, max_size=n)


def frame(data: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({"code": pd.Series([c for c, _ in data], dtype="str"),
                         "no": pd.Series([n for _, n in data], dtype="Int64")})


def first_positions(left: list[tuple], right: list[tuple], width: int) -> list[int]:
    """Where each left key first occurs on the right, by a dictionary of tuples; -1 if missing or absent."""
    first: dict[tuple, int] = {}
    for i, key in enumerate(r[:width] for r in right):
        if None not in key:
            first.setdefault(key, i)
    return [-1 if None in key else first.get(key, -1) for key in (r[:width] for r in left)]


@settings(max_examples=150, deadline=None)
@given(rows(30), rows(30), st.sampled_from([1, 2]))
def test_match_finds_the_first_equal_key(left, right, width):
    columns = ["code", "no"][:width]
    a, b = frame(left), frame(right)
    found = match([a[c] for c in columns], [b[c] for c in columns])
    assert found.tolist() == first_positions(left, right, width)
    assert isin(a, columns, b, columns).tolist() == [p >= 0 for p in first_positions(left, right, width)]


@settings(max_examples=60, deadline=None)
@given(rows(20), rows(20))
def test_composite_keys_are_equal_exactly_when_the_rows_are(left, right):
    a, b = frame(left), frame(right)
    mine, theirs = composite([a["code"], a["no"]], [b["code"], b["no"]])
    everything = left + right
    keys = np.concatenate([mine, theirs])
    for i, x in enumerate(everything):
        assert (keys[i] == -1) == (None in x)
        for j, y in enumerate(everything):
            if None not in x and None not in y:
                assert (keys[i] == keys[j]) == (x == y)
