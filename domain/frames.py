"""Tables made when first asked for.

A command that checks one small workbook touches a few of the sixteen sheets and eleven reference
tables; reading or building the others would be most of its start-up. The reference set, the rows
already stored and the rules' tables are therefore :class:`LazyFrames`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import pandas as pd


class LazyFrames(Mapping[str, pd.DataFrame]):
    """Frames by key, each made by ``make(key)`` when first asked for, then kept. The keys are known up front."""

    def __init__(self, keys: Iterable[str], make: Callable[[str], pd.DataFrame]):
        self._keys, self._make, self._made = list(keys), make, {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._made:
            if key not in self._keys:
                raise KeyError(key)
            self._made[key] = self._make(key)
        return self._made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
