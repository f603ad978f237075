"""domain.keys against a plain-Python reading of the same keys, on random data: the budget rules match rows this way."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import keys
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
@given(rows(30), rows(30), st.sampled_from([1, 2]), st.sampled_from([None, 1, 2]))
def test_match_finds_the_first_equal_key(left, right, width, narrow):
    """``narrow``: the ratio from which the longer side is first narrowed to the rows whose last column's value
    the other side has (None: as in use, from 10,000 rows, so never here)."""
    columns = ["code", "no"][:width]
    a, b = frame(left), frame(right)
    narrowing = {"NARROW_RATIO": narrow, "NARROW_ROWS": 0} if narrow else {"NARROW_ROWS": keys.NARROW_ROWS}
    with mock.patch.multiple(keys, **narrowing):
        found = match([a[c] for c in columns], [b[c] for c in columns])
        assert found.tolist() == first_positions(left, right, width)
        assert isin(a, columns, b, columns).tolist() == [p >= 0 for p in first_positions(left, right, width)]


def test_the_longer_side_is_narrowed_to_the_rows_that_can_match():
    """100,000 payments looked up by 100 clearings' advances: only the payments whose document no. an advance names
    are numbered, and each clearing still finds its advance's first row (and vice versa)."""
    docs = pd.Series([f"{i:06d}" for i in range(100_000)], dtype="str")
    units = pd.Series(["U1", "U2"] * 50_000, dtype="str")
    advances = pd.Series(["000007", "099999", "123456", None, "000007"], dtype="str")
    owners = pd.Series(["U2", "U2", "U1", "U1", "U1"], dtype="str")
    numbered = []
    with mock.patch.object(keys, "composite", side_effect=lambda *a: numbered.append(len(a[1][0])) or
                           composite(*a)):
        assert match([owners, advances], [units, docs]).tolist() == [7, 99_999, -1, -1, -1]
        assert match([units, docs], [owners, advances]).tolist()[:8] == [-1] * 7 + [0]
    assert numbered == [2, 5]  # the two payments named, then the five clearings against the two payments


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
