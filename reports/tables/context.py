"""One report's scope and the rows it reads: :class:`Context`, and :func:`report_table` for its tables.

A :class:`Context` is one fiscal year (BE), province, quarter and inspection round, with data as of a day; or,
for the region report, one health region (:class:`reports.params.Region`) in place of the province.
It reads each sheet's current rows once per notebook (:meth:`Context.rows`) and makes every table
(:meth:`Context.table`), which keeps them for the notebook's hidden figures cell.

**Cut-off.** Money is counted up to ``cutoff`` = the as-of date or the quarter's last day, whichever is
earlier (a Q2 report made on 2 April counts to 31 March, and says the data is as of 2 April).

**Unapproved.** Each table says how many current submissions behind it a checker has not approved yet
(status submitted or returned, :class:`domain.vocabulary.SubmissionStatus`). Which templates are "behind
it" is derived, not listed: a function decorated with :func:`report_table` records every sheet it reads
through :meth:`Context.rows`, and its tables count the templates those sheets belong to
(:data:`templates.catalog.SHEETS`). Finance's own figures (template group
:attr:`domain.vocabulary.TemplateGroup.FINANCE`, the GFMIS workbook) are read whatever their review
state, as :func:`store.queries.reconciliation` reads them, so they are never counted as unapproved.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd
import sqlalchemy as sa

from domain.fiscal import inspection_round, quarter_bounds
from domain.vocabulary import SubmissionStatus, TemplateGroup
from reference.reference_set import ReferenceSet
from reports.config import disbursement_targets
from reports.fmt import Col, ReportTable
from reports.params import Province, Region, resolve_province, resolve_region
from store.db import connect
from store.history import latest_as_of
from store.queries import current_rows, current_submissions
from store.reference import current_reference
from templates.catalog import REGION_OFFICE, SHEETS


def reviewed(sheet_key: str) -> bool:
    """Whether a sheet's rows follow the approved-only switch: every template's but finance's own (GFMIS)."""
    return SHEETS[sheet_key][0].group != TemplateGroup.FINANCE


def templates_of(sheet_keys: Iterable[str]) -> tuple[str, ...]:
    """The reviewed templates the sheets belong to, sorted: ``{"payments", "clearings"}`` → ``("disbursements",)``."""
    return tuple(sorted({SHEETS[s][0].key for s in sheet_keys if reviewed(s)}))


@dataclass
class Context:
    """One report's scope: the store, the province's (or the region's) cost centres, the quarter and the cut-off."""

    engine: sa.Engine
    reference: ReferenceSet
    fiscal_year: int
    province: Province | Region  # the scope: a province, or a health region for the region report
    quarter: int
    round: int
    as_of: dt.date
    include_unapproved: bool = True
    asked: dt.date | None = None  # the as-of date asked for, when the data stops before it (as_of is then the data's)
    tables: dict[str, ReportTable] = field(default_factory=dict)  # every table made, for the figures cell
    _rows: dict[str, pd.DataFrame] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict, repr=False)  # figures several tables share, made once
    _read: set[str] | None = field(default=None, repr=False)  # sheets read by the report_table being built

    @classmethod
    def open(cls, *, fiscal_year, quarter, province=None, region=None, round=None, as_of=None, database_url=None,
             include_unapproved=True) -> Context:
        """The context of a notebook's parameters (as papermill passes them: dates as ISO text); ``region`` instead
        of ``province`` for the region report."""
        engine = connect(database_url or None)
        reference = current_reference(engine)
        quarter = int(quarter)
        as_of = dt.date.fromisoformat(str(as_of)) if as_of else quarter_bounds(int(fiscal_year), quarter)[1]
        scope = resolve_region(reference, region) if region is not None else resolve_province(reference, str(province))
        ctx = cls(engine, reference, int(fiscal_year), scope, quarter, int(round or inspection_round(quarter)), as_of,
                  bool(include_unapproved))
        newest = latest_as_of(engine, ctx.fiscal_year, ctx.cost_centers)
        if newest is not None and newest < as_of:  # a report says its data is as of the newest data, never later
            ctx.asked, ctx.as_of = as_of, newest
        return ctx

    def close(self) -> None:
        """Release the database connections (the notebook's last cell; a kept kernel runs many notebooks)."""
        self.engine.dispose()

    # -- scope -----------------------------------------------------------------------------------------
    @property
    def quarter_end(self) -> dt.date:
        return quarter_bounds(self.fiscal_year, self.quarter)[1]

    @property
    def cutoff(self) -> dt.date:
        """The last day money is counted to: the as-of date or the quarter's end, whichever is earlier."""
        return min(self.as_of, self.quarter_end)

    @cached_property
    def target(self) -> float:
        """The quarter's cumulative disbursement target, a fraction (0.55 = 55 %; reports/targets.toml)."""
        return disbursement_targets(self.fiscal_year)[self.quarter]

    @property
    def is_region(self) -> bool:
        return isinstance(self.province, Region)

    @cached_property
    def centres(self) -> pd.DataFrame:
        """The scope's cost centres: cost_center, name, in code order. A health-region office's cost centre is the
        region's, not the province it stands in: a province leaves it out, its region counts it."""
        frame = self.reference["cost_centers"]
        if self.is_region:
            provinces = self.reference["provinces"]
            mine = frame["province_code"].isin(provinces.loc[provinces["region"] == self.province.region,
                                                             "province_code"])
        else:
            units = self.reference["units"]
            region_offices = set(units.loc[units["unit_type"] == REGION_OFFICE, "cost_center"])
            mine = (frame["province_code"] == self.province.code) & ~frame["cost_center"].isin(region_offices)
        frame = frame[mine][["cost_center", "name_th"]]
        return frame.rename(columns={"name_th": "name"}).sort_values("cost_center").reset_index(drop=True)

    @property
    def cost_centers(self) -> list[str]:
        return list(self.centres["cost_center"])

    @cached_property
    def units(self) -> pd.DataFrame:
        """The reference units of the province's cost centres: unit_code, name, unit_type, cost_center."""
        frame = self.reference["units"]
        frame = frame[frame["cost_center"].isin(self.cost_centers)]
        return frame[["unit_code", "name_th", "unit_type", "cost_center"]].rename(columns={"name_th": "name"})

    @cached_property
    def _unit_names(self) -> dict[str, str]:
        units = self.reference["units"]
        return dict(zip(units["unit_code"], units["name_th"], strict=True))

    def unit_name(self, code) -> str:
        """A unit's Thai name from the reference (any province), else its code."""
        return self._unit_names.get(code, str(code))

    @property
    def total_name(self) -> str:
        """The name of a province's total row: รวมจังหวัด<name> (รวมกรุงเทพมหานคร for the capital)."""
        return f"รวม{self.province.title_th}"

    @property
    def title_period(self) -> str:
        return (f"ปีงบประมาณ {self.fiscal_year} ไตรมาสที่ {self.quarter} "
                f"(รอบการตรวจราชการที่ {self.round}/{self.fiscal_year})")

    # -- rows and tables -------------------------------------------------------------------------------
    def rows(self, sheet_key: str) -> pd.DataFrame:
        """The current rows of a sheet for the province's cost centres (cached for the notebook).

        Unapproved rows count unless the report is approved-only; finance's own figures always count.
        The read is recorded for the table being built (see :func:`report_table`).
        """
        if self._read is not None:
            self._read.add(sheet_key)
        if sheet_key not in self._rows:
            self._rows[sheet_key] = current_rows(
                self.engine, sheet_key, fiscal_year=self.fiscal_year, cost_centers=self.cost_centers,
                include_unapproved=self.include_unapproved or not reviewed(sheet_key))
        return self._rows[sheet_key]

    def submissions(self, templates: Iterable[str]) -> tuple[int, int]:
        """(current submissions, of which not approved yet) of ``templates`` in the province."""
        cur = current_submissions(self.fiscal_year, templates, SubmissionStatus.accepted())
        unapproved = sa.func.sum(sa.case((cur.c.status != SubmissionStatus.APPROVED.value, 1), else_=0))
        query = sa.select(sa.func.count(), unapproved).select_from(cur).where(cur.c.cost_center.in_(self.cost_centers))
        with self.engine.connect() as conn:
            current, waiting = conn.execute(query).one()
        return int(current or 0), int(waiting or 0)

    def unapproved(self, templates: Iterable[str]) -> int:
        """Current submissions of ``templates`` in the province that are not approved yet."""
        return self.submissions(templates)[1]

    def table(self, key: str, title: str, frame: pd.DataFrame, columns: list[Col], *, sheets: Iterable[str] = (),
              **kw) -> ReportTable:
        """Make and keep one report table (``kw``: :class:`reports.fmt.ReportTable`'s options).

        Its unapproved count is of the templates of the sheets read so far by the :func:`report_table`
        function building it, and of ``sheets``: those read elsewhere (by :mod:`store.queries`).
        """
        if self._read is None:
            raise RuntimeError(f"table {key!r} is made outside a @report_table function: "
                               "nothing knows which sheets it read")
        current, waiting = self.submissions(templates_of({*self._read, *sheets}))
        t = ReportTable(key, title, frame.reset_index(drop=True), columns, self.as_of, waiting,
                        self.include_unapproved, submitted=current, **kw)
        self.tables[key] = t
        return t

    def figures(self) -> dict:
        """Every table's figures and the parameters, for the notebook's last (hidden) cell (``province``: the
        province's code, or the region's ``region-NN``)."""
        return {"fiscal_year": self.fiscal_year, "province": self.province.code, "quarter": self.quarter,
                "round": self.round, "as_of": self.as_of.isoformat(), "cutoff": self.cutoff.isoformat(),
                "target": self.target, "include_unapproved": self.include_unapproved,
                "tables": {k: {"unapproved": t.unapproved, "rows": t.records()} for k, t in self.tables.items()}}


P = ParamSpec("P")
R = TypeVar("R")


def report_table(build: Callable[Concatenate[Context, P], R]) -> Callable[Concatenate[Context, P], R]:
    """Mark a function that builds report tables from a :class:`Context`: every sheet it reads through
    :meth:`Context.rows` while it runs (itself or in the helpers it calls) is recorded, and the tables it
    makes count the unapproved submissions of those sheets' templates. A call inside another such function
    adds its reads to the outer one's."""

    @functools.wraps(build)
    def building(ctx: Context, *args: P.args, **kwargs: P.kwargs) -> R:
        outer, ctx._read = ctx._read, set()
        try:
            return build(ctx, *args, **kwargs)
        finally:
            inner, ctx._read = ctx._read, outer
            if outer is not None:
                outer |= inner

    return building
