"""The declarative template spec: columns, sheets and templates.

Everything else (the Excel workbook, the Frictionless descriptor, the pandera
schemas, the review app's editor columns and the database tables) is derived
from these three dataclasses; none of them restates a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from domain.vocabulary import TemplateGroup

ColumnType = Literal["text", "code", "integer", "number", "money", "date", "month", "quarter", "choice"]

# Column types as Frictionless field types (https://specs.frictionlessdata.io/table-schema/).
FRICTIONLESS_TYPES: dict[str, str] = {
    "text": "string",
    "code": "string",
    "choice": "string",
    "month": "string",  # typed as the Thai month name the dropdown offers
    "integer": "integer",
    "quarter": "integer",
    "number": "number",
    "money": "number",
    "date": "date",
}

# Column types as pandas dtypes: what every typed table (read, stored, edited) holds. Text is
# Arrow-backed (pandas' own "str"): matching, hashing and storing it makes no Python object per cell.
PANDAS_DTYPES: dict[str, str] = {
    "text": "str", "code": "str", "choice": "str", "date": "object",
    "integer": "Int64", "month": "Int64", "quarter": "Int64",
    "number": "float64", "money": "float64",
}

MONEY_DECIMALS = 2
PERCENT_UNIT = "ร้อยละ|%"  # a unit of measure (kpis.unit_label, target_unit) that makes a figure a percentage
META = "_meta"  # the hidden sheet every workbook carries its template id, version, fiscal year and cost centre in


@dataclass(frozen=True)
class Column:
    """One column of a sheet, in the order it stands in the workbook.

    ``codes`` names a reference list (a sheet of the ``reference`` template) whose
    codes are the only allowed values; ``ref`` names another table's key
    (``"sheet.column"``) that the value must exist in (rule B11).
    """

    key: str
    th: str
    en: str
    type: ColumnType = "text"
    required: bool = False
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    codes: str | None = None
    ref: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    help_th: str = ""
    help_en: str = ""
    width: int | None = None
    planned: bool = False  # a planned date, which may lie after the as-of date (rule B12)
    # How a number cell formatted as a percentage (0.2468 shown as 24.68 %) is read (README, "What the user
    # sees"): "" - the column never holds a percentage, so such a cell is an S05 error, never a silent × 100;
    # "yes" - always a percentage: read as the number shown, 24.68; the key of another column of the row
    # ("unit_label", "target_unit") - a measure in the unit that column names: read as shown, an S05 error
    # when the unit is not a percentage (PERCENT_UNIT); "kpi" - a KPI's result: the same, by the unit of the
    # row's KPI in the reference data.
    percent: str = ""

    @property
    def header(self) -> str:
        """The bilingual header text written in the workbook's header row."""
        return f"{self.th}\n{self.en}"

    @property
    def decimals(self) -> int | None:
        return MONEY_DECIMALS if self.type == "money" else None

    @property
    def lower_bound(self) -> float | None:
        """Money is never negative; other types carry their own minimum."""
        if self.minimum is not None:
            return self.minimum
        return {"money": 0, "month": 1, "quarter": 1}.get(self.type)

    @property
    def upper_bound(self) -> float | None:
        if self.maximum is not None:
            return self.maximum
        return {"month": 12, "quarter": 4}.get(self.type)


@dataclass(frozen=True)
class Sheet:
    """One table: a workbook sheet, a schema and a database table."""

    key: str
    th: str
    en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    help_th: str = ""
    help_en: str = ""

    @property
    def name(self) -> str:
        """The worksheet's name: Thai, as staff know it (Excel allows 31 characters)."""
        return self.th[:31]

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key} has no column {key!r}")

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def dtypes(self) -> dict[str, str]:
        return {c.key: PANDAS_DTYPES[c.type] for c in self.columns}


@dataclass(frozen=True)
class Template:
    """A standardised workbook: the unit of download, upload and submission."""

    key: str
    th: str
    en: str
    version: int
    sheets: tuple[Sheet, ...]
    group: TemplateGroup = TemplateGroup.STEP
    help_th: str = ""
    help_en: str = ""
    # Per earlier version, how its headers map onto today's keys: {version: {old_key: new_key}}.
    # A version absent from here and older than ``version`` cannot be read.
    readable_versions: dict[int, dict[str, str]] = field(default_factory=dict)

    def sheet(self, key: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(f"template {self.key} has no sheet {key!r}")
