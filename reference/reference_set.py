"""Reference data: the organisation, budget codes and strategy that codes point to.

A reference set is one table per sheet of the ``reference`` template. The project
ships a default set (``reference/data/*.csv``, built from the seed documents);
an admin replaces it with ``sms reference load FILE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from domain.frames import LazyFrames
from templates import REFERENCE, Sheet
from templates.catalog import HOSPITAL_TYPES

DEFAULT_DIR = Path(__file__).with_name("data")
NUMERIC_TYPES = {"integer", "number", "money", "month", "quarter"}


def typed(sheet: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    """Give a text-read table the column types of its sheet (codes stay text)."""
    frame = frame.copy()
    for col in sheet.columns:
        if col.type in NUMERIC_TYPES:
            values = pd.to_numeric(frame[col.key].replace("", None))
            frame[col.key] = values.astype("Int64") if col.type != "number" else values
    return frame


@dataclass(frozen=True)
class ReferenceSet:
    """One table per sheet of the ``reference`` template (the spec's columns, typed), by sheet key.

    ``tables`` may be any mapping: the shipped and the stored sets read a table when first asked for.
    """

    tables: Mapping[str, pd.DataFrame]

    @classmethod
    def from_dir(cls, folder: Path = DEFAULT_DIR) -> ReferenceSet:
        """The set in a folder of CSV files, one per reference sheet (``<sheet key>.csv``, text as written)."""
        def read(key: str) -> pd.DataFrame:
            sheet = REFERENCE.sheet(key)
            frame = pd.read_csv(folder / f"{key}.csv", dtype=str, keep_default_na=False)
            return typed(sheet, frame[sheet.keys])
        return cls(LazyFrames([s.key for s in REFERENCE.sheets], read))

    def __getitem__(self, sheet_key: str) -> pd.DataFrame:
        return self.tables[sheet_key]

    @cached_property
    def _key_of(self) -> dict[str, str]:
        return {s.key: s.primary_key[0] for s in REFERENCE.sheets}

    def codes(self, sheet_key: str) -> list[str]:
        return [str(v) for v in self.tables[sheet_key][self._key_of[sheet_key]]]

    def labels(self, sheet_key: str, cost_center: str | None = None) -> list[str]:
        """Dropdown entries "code name", restricted to one cost centre where that applies."""
        frame = self.scoped(sheet_key, cost_center)
        key = self._key_of[sheet_key]
        return [f"{code} {name}" for code, name in zip(frame[key], frame["name_th"], strict=True)]

    def scoped(self, sheet_key: str, cost_center: str | None) -> pd.DataFrame:
        """The rows a cost centre's personalised template offers: its own units and itself."""
        frame = self.tables[sheet_key]
        if cost_center is None or "cost_center" not in frame:
            return frame
        return frame[frame["cost_center"] == cost_center]

    def name_of(self, sheet_key: str, code: str) -> str:
        frame = self.tables[sheet_key]
        hit = frame.loc[frame[self._key_of[sheet_key]].astype(str) == str(code), "name_th"]
        return str(hit.iloc[0]) if len(hit) else ""

    def units_of(self, cost_center: str) -> pd.DataFrame:
        return self.scoped("units", cost_center)

    def province_of(self, cost_center: str) -> str:
        centres = self.tables["cost_centers"]
        return str(centres.loc[centres["cost_center"] == cost_center, "province_code"].iloc[0])

    def kpi_unit_types(self) -> dict[str, frozenset[str]]:
        """Per KPI code, the unit types it counts (``kpis.unit_types``, written "รพศ., รพท."); empty: every type."""
        kpis = self.tables["kpis"]
        return {code: frozenset(t.strip() for t in str(types or "").split(",") if t.strip())
                for code, types in zip(kpis["kpi_code"], kpis["unit_types"], strict=True)}

    def hospital_criteria(self) -> pd.DataFrame:
        """The KPIs of seed 003's financial inspection measures ("ผลการประเมินตามประเด็นตรวจราชการการบริหารการเงิน
        การคลัง"): counted on hospitals only (``unit_types`` within :data:`templates.catalog.HOSPITAL_TYPES`) and
        judged on the share of them passing (``pass_rate_target``), in code order; K27–K34 in the shipped set."""
        kpis = self.tables["kpis"]
        types = self.kpi_unit_types()
        hospital = kpis["kpi_code"].map(lambda code: bool(types[code]) and types[code] <= set(HOSPITAL_TYPES))
        return kpis[hospital.astype(bool) & kpis["pass_rate_target"].notna()].sort_values("kpi_code")


def load_default() -> ReferenceSet:
    return ReferenceSet.from_dir(DEFAULT_DIR)
