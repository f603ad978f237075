"""Read models shared by the review app and the inspection-report notebooks.

Every figure is computed from the store: SQLAlchemy Core selects pick the rows
(current submissions, the user's scope), pandas does the arithmetic. Each function
takes ``cost_centers``: the set of cost centres the caller may see (``None`` = all,
as :meth:`store.users.User.cost_centers` returns), applied in the query itself.

Decisions behind the figures (DOMAIN.md "Reports", seed 000):

- **Current rows.** Per template and cost centre, the newest accepted version
  (status submitted/approved/returned); with ``include_unapproved=False`` the newest
  *approved* version instead (in practice the same submission or none: an approved
  submission is locked until a checker reopens or returns it).
- **Whose cost centre.** A row belongs to its submission's cost centre; only a
  submission without one (finance's region-wide GFMIS workbook, stored with ``""``)
  lends each row its own ``cost_center`` column. When two current submissions hold the
  same key for a cost centre (a region-wide and a per-cost-centre GFMIS workbook), the
  newer submission wins.
- **GFMIS** figures are cumulative to month end, read from the GFMIS row of exactly
  that month; no row → ``NaN`` in (1)/(4) and in (6)/(7). They are finance's data, so
  ``include_unapproved`` does not apply to them.
- **(2) received** = transfers dated up to month end. **(3) allocated to projects** =
  the funding sources of the current projects submission whose source transfer was
  received by month end (the funding sheet has no date of its own); funding naming a
  transfer that the allocations do not hold cannot be dated and is counted.
  **(5) disbursed** = payments and advances dated up to month end − money returned on
  clearings dated up to month end.
- **recorded** = the cost centre has any accepted (not refused) submission of an SMS
  template (allocations, projects, disbursements, outputs) for the year, approved or
  not; a cost centre that recorded nothing has 0 in (2), (3), (5), shown as ``-``.
- **Totals** count the current projects; a project's disbursement is its payments and
  advances − returned money of the clearings of its advances, all dates of the year.
- **Completeness**: a month is covered when the current submission's ``as_of`` (else the
  day it was submitted) is on or after the month's end; the months shown are those that
  ended by ``as_of``. A refused upload newer than the current submission marks the
  months it would have covered ``refused``; an uncovered month is ``late`` once more
  than :data:`LATE_AFTER_DAYS` days have passed since its end, else ``missing``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
import sqlalchemy as sa

from domain.fiscal import fiscal_months
from domain.ledger import ACROSS_COST_CENTRES, net_disbursed
from domain.vocabulary import RECONCILIATION, RecordingState, RowChange, SubmissionStatus
from reference.reference_set import ReferenceSet
from store.schema import DATA_TABLES, submissions
from store.submissions import sheet_rows
from templates import TEMPLATES
from templates.catalog import SHEETS, STEPS
from templates.spec import Sheet, Template

LATE_AFTER_DAYS = 15
LEVELS = ("region", "province", "cost_center", "strategy")
ACCEPTED = SubmissionStatus.accepted()


# -- the current submissions and their rows -------------------------------------------------------
def statuses(include_unapproved: bool) -> tuple[str, ...]:
    """The statuses whose newest version counts: every accepted one, or only approved ones."""
    return ACCEPTED if include_unapproved else (SubmissionStatus.APPROVED,)


def current_submissions(fiscal_year: int, templates: Iterable[str], allowed: Iterable[str] = ACCEPTED):
    """A subquery: per template and cost centre, the newest version whose status is ``allowed``."""
    s = submissions.c
    newest = (sa.select(s.template, s.cost_center, sa.func.max(s.version).label("version"))
              .where(s.fiscal_year == fiscal_year, s.template.in_(list(templates)), s.status.in_(list(allowed)))
              .group_by(s.template, s.cost_center).subquery("newest"))
    joined = submissions.join(newest, sa.and_(s.template == newest.c.template, s.cost_center == newest.c.cost_center,
                                              s.version == newest.c.version))
    return (sa.select(s.id, s.template, s.cost_center, s.status, s.version, s.as_of, s.submitted_at)
            .select_from(joined).where(s.fiscal_year == fiscal_year).subquery("current"))


def owner(sheet_key: str) -> tuple[Template, Sheet]:
    """The template and sheet of a unit-template sheet key; KeyError for any other key."""
    if sheet_key not in DATA_TABLES:
        raise KeyError(f"{sheet_key!r} is not a sheet of a unit template (known: {', '.join(DATA_TABLES)})")
    return SHEETS[sheet_key]


def current_rows(engine: sa.Engine, sheet_key: str, *, fiscal_year: int, cost_centers: Iterable[str] | None = None,
                 include_unapproved: bool = True) -> pd.DataFrame:
    """One sheet's rows of the current submission per cost centre, typed as the spec says.

    Columns: the sheet's spec columns, then ``cost_center``, ``submission_id``, ``status`` and
    ``row_number`` (the Excel row), ordered by cost centre and row.
    """
    template, sheet = owner(sheet_key)
    table = DATA_TABLES[sheet_key]
    cur = current_submissions(fiscal_year, [template.key], statuses(include_unapproved))
    centre = cur.c.cost_center
    if "cost_center" in table.c:  # a submission without a cost centre lends each row its own
        centre = sa.case((cur.c.cost_center == "", table.c.cost_center), else_=cur.c.cost_center)
    query = (sa.select(*(table.c[k] for k in sheet.keys if k != "cost_center"), centre.label("cost_center"),
                       table.c.submission_id, cur.c.status, table.c.row_number)
             .select_from(table.join(cur, table.c.submission_id == cur.c.id))
             .order_by(centre, table.c.submission_id, table.c.row_number))
    if cost_centers is not None:
        query = query.where(centre.in_(sorted(cost_centers)))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    extra = ["cost_center", "submission_id", "status", "row_number"]
    frame = frame[[*(k for k in sheet.keys if k != "cost_center"), *extra]]
    frame = frame.astype({**sheet.dtypes, "cost_center": "str", "status": "str",
                          "submission_id": "int64", "row_number": "int64"})
    frame = frame.drop_duplicates(["cost_center", *sheet.primary_key], keep="last")  # the newer submission wins
    columns = [*sheet.keys, *(c for c in extra if c not in sheet.keys)]
    return frame[columns].sort_values(["cost_center", "submission_id", "row_number"]).reset_index(drop=True)


# -- reference: who is in scope, and where they sit -------------------------------------------------
def cost_centres(reference: ReferenceSet, cost_centers: Iterable[str] | None = None) -> pd.DataFrame:
    """The reference's cost centres in scope with province and region, ordered by region and code."""
    centres = reference["cost_centers"][["cost_center", "name_th", "province_code"]]
    provinces = reference["provinces"][["province_code", "region"]]
    frame = centres.merge(provinces, on="province_code", how="left").rename(columns={"name_th": "name"})
    if cost_centers is not None:
        frame = frame[frame["cost_center"].isin(set(cost_centers))]
    frame = frame.astype({"cost_center": object, "name": object, "province_code": object})
    return frame.sort_values(["region", "cost_center"]).reset_index(drop=True)


def month_end(fiscal_year: int, month: int) -> dt.date:
    """The last day of a calendar month (1–12) inside a fiscal year (2569, 1 → 2026-01-31)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month!r}")
    year = dict((m, y) for y, m in fiscal_months(fiscal_year))[month]
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def sum_by(frame: pd.DataFrame, keys: str | list[str], column: str) -> pd.Series:
    """``frame[column]`` summed by ``keys`` (0 for a group of blanks); an empty float Series for no rows."""
    return frame.groupby(keys)[column].sum(min_count=1).fillna(0.0) if len(frame) else pd.Series(dtype="float64")


def is_date(value) -> bool:
    """Whether a value is a real date (not None, NaT or NaN)."""
    return isinstance(value, dt.date) and not pd.isna(value)


def on_or_before(dates: pd.Series, end: dt.date) -> pd.Series:
    """Whether each value of ``dates`` is a date on or before ``end`` (False for a blank), aligned with it."""
    return pd.Series([is_date(d) and d <= end for d in dates], index=dates.index, dtype=bool)


def up_to(frame: pd.DataFrame, column: str, end: dt.date) -> pd.DataFrame:
    """The rows dated (in ``column``) on or before ``end``."""
    return frame[on_or_before(frame[column], end)]


# -- GFMIS vs SMS reconciliation (seed 000) ---------------------------------------------------------
def recorded_cost_centres(engine: sa.Engine, fiscal_year: int, cost_centers: Iterable[str] | None) -> set[str]:
    """Cost centres with any accepted submission of an SMS template for the year."""
    s = submissions.c
    query = sa.select(s.cost_center).distinct().where(
        s.fiscal_year == fiscal_year, s.template.in_(STEPS), s.status.in_(ACCEPTED))
    if cost_centers is not None:
        query = query.where(s.cost_center.in_(sorted(cost_centers)))
    with engine.connect() as conn:
        return set(conn.execute(query).scalars())


def reconciliation(engine: sa.Engine, reference: ReferenceSet, *, fiscal_year: int, month: int,
                   cost_centers: Iterable[str] | None = None, include_unapproved: bool = True) -> pd.DataFrame:
    """Seed 000's table: one row per cost centre in scope, columns (1)–(7) cumulative to the month's end.

    Columns: region, cost_center, name, then :data:`domain.vocabulary.RECONCILIATION` (baht) and
    ``recorded``. ``attrs["month_end"]`` is the cut-off day.
    """
    end = month_end(fiscal_year, month)
    scope = None if cost_centers is None else set(cost_centers)

    def rows(sheet_key: str, unapproved: bool = include_unapproved) -> pd.DataFrame:
        return current_rows(engine, sheet_key, fiscal_year=fiscal_year, cost_centers=scope,
                            include_unapproved=unapproved)

    transfers, funding = rows("transfers"), rows("funding")
    dated = funding.merge(transfers[["cost_center", "transfer_no", "transfer_date"]],
                          on=["cost_center", "transfer_no"], how="left")
    allocated = dated[dated["transfer_date"].isna() | on_or_before(dated["transfer_date"], end)]
    gfmis = rows("gfmis", True)
    gfmis = gfmis[gfmis["month"] == month].set_index("cost_center")
    out = cost_centres(reference, scope)[["region", "cost_center", "name"]]
    cc = out["cost_center"]
    out["installment_gfmis"] = cc.map(gfmis["installment_money"]).astype("float64")
    out["received_sms"] = cc.map(sum_by(up_to(transfers, "transfer_date", end), "cost_center", "amount"))
    out["allocated_sms"] = cc.map(sum_by(allocated, "cost_center", "amount"))
    out["disbursed_gfmis"] = cc.map(gfmis["disbursed"]).astype("float64")
    out["disbursed_sms"] = cc.map(net_disbursed(rows("payments"), rows("clearings"), "cost_center",
                                                on=ACROSS_COST_CENTRES, end=end))
    out[["received_sms", "allocated_sms", "disbursed_sms"]] = out[
        ["received_sms", "allocated_sms", "disbursed_sms"]].astype("float64").fillna(0.0)
    out["diff_installment"] = out["installment_gfmis"] - out["received_sms"]
    out["diff_disbursed"] = out["disbursed_gfmis"] - out["disbursed_sms"]
    out[list(RECONCILIATION)] = out[list(RECONCILIATION)].round(2)
    out["recorded"] = cc.isin(recorded_cost_centres(engine, fiscal_year, scope)).astype(bool)
    out.attrs["month_end"] = end
    return out.reset_index(drop=True)


# -- dashboard totals ---------------------------------------------------------------------------------
def project_figures(engine: sa.Engine, reference: ReferenceSet, *, fiscal_year: int,
                    cost_centers: Iterable[str] | None = None, include_unapproved: bool = True) -> pd.DataFrame:
    """Every current project with its place (region, province, strategy), budget and disbursement."""
    def rows(sheet_key: str) -> pd.DataFrame:
        return current_rows(engine, sheet_key, fiscal_year=fiscal_year, cost_centers=cost_centers,
                            include_unapproved=include_unapproved)

    projects = rows("projects")
    disbursed = net_disbursed(rows("payments"), rows("clearings"), ["cost_center", "project_code"],
                              on=ACROSS_COST_CENTRES)
    key = pd.MultiIndex.from_frame(projects[["cost_center", "project_code"]])
    projects["disbursed"] = disbursed.reindex(key, fill_value=0.0).to_numpy() if len(projects) else 0.0
    places = cost_centres(reference)[["cost_center", "province_code", "region"]]
    plans = reference["plans"][["plan_code", "excellence_code"]]
    return projects.merge(places, on="cost_center", how="left").merge(plans, on="plan_code", how="left")


def level_groups(reference: ReferenceSet, level: str, cost_centers: Iterable[str] | None) -> pd.DataFrame:
    """Every group of a level in scope (so one with nothing recorded shows zeros): ``name``, then its keys."""
    if level == "strategy":
        return reference["excellences"][["name_th", "excellence_code", "name_en"]].rename(
            columns={"name_th": "name"}).astype(object)
    centres = cost_centres(reference, cost_centers)
    if level == "cost_center":
        return centres[["name", "region", "province_code", "cost_center"]]
    if level == "province":
        names = reference["provinces"][["province_code", "name_th"]].rename(columns={"name_th": "name"})
        provinces = centres[["region", "province_code"]].drop_duplicates().sort_values(["region", "province_code"])
        return provinces.merge(names, on="province_code", how="left")[["name", "region", "province_code"]]
    names = reference["regions"][["region", "name_th"]].rename(columns={"name_th": "name"})
    return centres[["region"]].drop_duplicates().merge(names, on="region", how="left")[["name", "region"]]


LEVEL_KEY = {"region": "region", "province": "province_code", "cost_center": "cost_center",
             "strategy": "excellence_code"}


def totals(engine: sa.Engine, reference: ReferenceSet, *, fiscal_year: int, level: str,
           cost_centers: Iterable[str] | None = None, include_unapproved: bool = True) -> pd.DataFrame:
    """Dashboard totals per region, province, cost centre or excellence strategy.

    Columns: ``name`` (first, the label of a chart), the level's key(s) (region; region, province_code;
    region, province_code, cost_center; or excellence_code, name_en), then ``projects``, ``budget``,
    ``disbursed``, ``remaining`` = budget − disbursed and ``rate`` = disbursed ÷ budget, a fraction
    (0 when there is no budget). Every group in scope is listed, ordered by region and code
    (strategies in the reference's order).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    key = LEVEL_KEY[level]
    projects = project_figures(engine, reference, fiscal_year=fiscal_year, cost_centers=cost_centers,
                               include_unapproved=include_unapproved)
    sums = projects.groupby(key).agg(projects=("project_code", "size"), budget=("budget", "sum"),
                                     disbursed=("disbursed", "sum"))
    out = level_groups(reference, level, cost_centers)
    out = out.merge(sums, left_on=key, right_index=True, how="left")
    out["projects"] = out["projects"].fillna(0).astype("int64")
    out[["budget", "disbursed"]] = out[["budget", "disbursed"]].astype("float64").fillna(0.0).round(2)
    out["remaining"] = (out["budget"] - out["disbursed"]).round(2)
    budget = out["budget"].where(out["budget"] != 0)
    out["rate"] = (out["disbursed"] / budget).fillna(0.0)
    return out.reset_index(drop=True)


# -- recording completeness ---------------------------------------------------------------------------
def submission_states(engine: sa.Engine, *, fiscal_year: int, cost_centers: Iterable[str] | None) -> pd.DataFrame:
    """Per cost centre and SMS template: the current submission and the newest refused upload after it.

    Columns: cost_center, template, submission_id, version, status, covered_to (the current
    submission's as_of, else the day it was submitted), refused_id and refused_to (the newest
    refused upload newer than the current submission and its coverage; NaN when none).
    """
    s = submissions.c
    query = sa.select(s.id, s.template, s.cost_center, s.version, s.status, s.as_of, s.submitted_at).where(
        s.fiscal_year == fiscal_year, s.template.in_(STEPS))
    if cost_centers is not None:
        query = query.where(s.cost_center.in_(sorted(cost_centers)))
    with engine.connect() as conn:
        subs = pd.read_sql(query.order_by(s.id), conn)
    columns = ["cost_center", "template", "submission_id", "version", "status", "covered_to", "refused_id",
               "refused_to"]
    if subs.empty:
        return pd.DataFrame(columns=columns)
    subs["covered"] = [a if is_date(a) else pd.Timestamp(t).date()
                       for a, t in zip(subs["as_of"], subs["submitted_at"], strict=True)]
    accepted = subs[subs["status"].isin(ACCEPTED)].sort_values("version").groupby(["cost_center", "template"]).last()
    refused = subs[subs["status"] == SubmissionStatus.REFUSED].groupby(["cost_center", "template"]).last()
    out = accepted[["id", "version", "status", "covered"]].rename(
        columns={"id": "submission_id", "covered": "covered_to"})
    out = out.join(refused[["id", "covered"]].rename(columns={"id": "refused_id", "covered": "refused_to"}),
                   how="outer")
    newer = out["refused_id"].notna() & ~(out["refused_id"] < out["submission_id"])
    out["refused_id"], out["refused_to"] = out["refused_id"].where(newer), out["refused_to"].where(newer)
    return out.reset_index()[columns]


def due_months(fiscal_year: int, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """(calendar month, month end) of the fiscal year's months that ended by ``as_of``."""
    ends = [(m, month_end(fiscal_year, m)) for _, m in fiscal_months(fiscal_year)]
    return [(m, end) for m, end in ends if end <= as_of]


def completeness(engine: sa.Engine, reference: ReferenceSet, *, fiscal_year: int, as_of: dt.date,
                 cost_centers: Iterable[str] | None = None) -> pd.DataFrame:
    """Per cost centre in scope × SMS template × month that ended by ``as_of``: the recording state.

    Columns: region, cost_center, name, template, month (calendar), month_end, state (one of
    :class:`domain.vocabulary.RecordingState`), submission_id and status of the current submission, covered_to, and
    ``pending_review`` (the current submission waits for a checker: status submitted).
    """
    centres = cost_centres(reference, cost_centers)[["region", "cost_center", "name"]]
    months = pd.DataFrame(due_months(fiscal_year, as_of), columns=["month", "month_end"])
    grid = centres.merge(pd.DataFrame({"template": STEPS}), how="cross").merge(months, how="cross")
    states = submission_states(engine, fiscal_year=fiscal_year, cost_centers=cost_centers)
    grid = grid.merge(states, on=["cost_center", "template"], how="left")
    covered = before(grid["month_end"], grid["covered_to"])
    refused = before(grid["month_end"], grid["refused_to"])
    late = grid["month_end"].map(lambda end: (as_of - end).days > LATE_AFTER_DAYS).astype(bool)
    grid["state"] = np.select([covered, refused, late], [grid["status"], RecordingState.REFUSED, RecordingState.LATE],
                              RecordingState.MISSING)
    grid["pending_review"] = (grid["status"] == SubmissionStatus.SUBMITTED).to_numpy()
    columns = ["region", "cost_center", "name", "template", "month", "month_end", "state", "submission_id",
               "status", "covered_to", "pending_review"]
    grid["submission_id"] = grid["submission_id"].astype("Int64")
    return grid[columns].reset_index(drop=True)


def before(ends: pd.Series, covered: pd.Series) -> pd.Series:
    """Whether each month end is on or before its coverage date (False where there is none)."""
    return pd.Series([is_date(c) and e <= c for e, c in zip(ends, covered, strict=True)], index=ends.index, dtype=bool)


def completeness_summary(engine: sa.Engine, reference: ReferenceSet, *, fiscal_year: int, as_of: dt.date,
                         cost_centers: Iterable[str] | None = None) -> pd.DataFrame:
    """The board: per cost centre, each SMS template's status, how far its data goes, and counts.

    Columns: region, cost_center, name, one per template (allocations … outputs: the current submission's
    status as the review queue shows it; without one, ``refused`` when an upload was refused, else ``late``
    when a month due by ``as_of`` is late and ``missing`` when none is yet; :class:`RecordingState` values,
    each the state :func:`completeness` gives the months the current submission covers), ``covered_to`` (the
    day every template's current submission covers, NaT while one has none), ``pending_review`` (current
    submissions awaiting a checker), ``returned`` (current submissions sent back), ``refused_newer``
    (templates whose newest upload was refused after their current submission, which stands) and ``late``
    (template-months late by ``as_of``, as :func:`completeness` counts them month by month).
    """
    grid = completeness(engine, reference, fiscal_year=fiscal_year, as_of=as_of, cost_centers=cost_centers)
    centres = cost_centres(reference, cost_centers)[["region", "cost_center", "name"]]
    states = submission_states(engine, fiscal_year=fiscal_year, cost_centers=cost_centers)
    indexed = states.set_index(["cost_center", "template"])
    refused = indexed["refused_id"].notna()
    # the queue's status where there is a current submission: a newer upload refused leaves it standing
    status = indexed["status"].where(indexed["status"].notna(), refused.map({True: RecordingState.REFUSED,
                                                                             False: None}))
    late = grid[grid["state"] == RecordingState.LATE].groupby(["cost_center", "template"]).size()
    cells = pd.MultiIndex.from_product([centres["cost_center"], STEPS], names=["cost_center", "template"])
    unsent = pd.Series(np.where(late.reindex(cells).fillna(0) > 0, RecordingState.LATE, RecordingState.MISSING),
                       index=cells)
    board = status.reindex(cells).fillna(unsent).unstack("template")
    board = centres.merge(board[list(STEPS)], left_on="cost_center", right_index=True, how="left")
    covered = indexed["covered_to"].where(indexed["status"].notna()).reindex(cells).unstack("template")
    board["covered_to"] = board["cost_center"].map(covered.min(axis=1, skipna=False))
    current = states[states["status"].notna()]
    for column, value in (("pending_review", SubmissionStatus.SUBMITTED), ("returned", SubmissionStatus.RETURNED)):
        counts = current[current["status"] == value].groupby("cost_center").size()
        board[column] = board["cost_center"].map(counts).fillna(0).astype("int64")
    newer = (refused & indexed["status"].notna()).groupby(level="cost_center").sum()
    board["refused_newer"] = board["cost_center"].map(newer).fillna(0).astype("int64")
    board["late"] = board["cost_center"].map(late.groupby("cost_center").sum()).fillna(0).astype("int64")
    return board.reset_index(drop=True)


# -- what changed since the previous version --------------------------------------------------------
def submission_diff(engine: sa.Engine, submission_id: int, *,
                    cost_centers: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Rows added, changed and removed against the previous accepted version, per sheet.

    Rows are matched on each sheet's primary key. Each frame has ``change`` (added, changed,
    removed), the key columns, ``row_number`` / ``old_row_number`` (Excel rows in the new and the
    previous version), ``changed_columns`` (comma-separated keys), and per other column ``<key>``
    (value in this version) and ``old_<key>`` (previous value, given for changed columns and removed
    rows). Unchanged rows are left out; with no previous version every row is added (and a refused
    upload, which stores no rows, shows every row of the version before it as removed). Raises
    LookupError for an unknown submission or one outside ``cost_centers``.
    """
    with engine.connect() as conn:
        sub = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).mappings().first()
        if sub is None or (cost_centers is not None and sub["cost_center"] not in set(cost_centers)):
            raise LookupError(f"no submission {submission_id} in scope")
        previous = conn.execute(previous_version(sub)).scalar()
        template = TEMPLATES[sub["template"]]
        out = {}
        for sheet in template.sheets:
            old = sheet_rows(conn, sheet, previous if previous is not None else -1).reset_index()  # -1: no rows
            out[sheet.key] = diff_sheet(sheet, old, sheet_rows(conn, sheet, submission_id).reset_index())
    return out


def previous_version(sub) -> sa.Select:
    """The id of the newest version with stored rows (any status but refused) of the same template, cost centre
    and year before ``sub``."""
    s = submissions.c
    return (sa.select(s.id).where(s.template == sub["template"], s.cost_center == sub["cost_center"],
                                  s.fiscal_year == sub["fiscal_year"], s.status.in_(SubmissionStatus.kept()),
                                  s.id < sub["id"])
            .order_by(s.version.desc()).limit(1))


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Values compared as text, blanks as "" (as store.submissions counts changes)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), "").astype(str)


def keyed(frame: pd.DataFrame, pk: list[str]) -> pd.DataFrame:
    """Rows indexed by their primary key as text, so a stored and a re-read key match."""
    frame = frame.drop_duplicates(pk)
    return frame.set_index(pd.MultiIndex.from_frame(as_text(frame[pk]), names=[f"key_{k}" for k in pk]))


def diff_sheet(sheet: Sheet, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """One sheet's added, changed and removed rows (see :func:`submission_diff`)."""
    pk = list(sheet.primary_key)
    rest = [k for k in sheet.keys if k not in pk]
    old, new = keyed(old, pk), keyed(new, pk)
    both = new.index.intersection(old.index)
    differs = as_text(new.loc[both, rest]) != as_text(old.loc[both, rest])
    changed = both[differs.any(axis=1).to_numpy()]
    removed = old.index.difference(new.index, sort=False)
    fresh = new.index.difference(old.index, sort=False)
    added = new.loc[fresh].assign(change=RowChange.ADDED.value, changed_columns="")
    edits = new.loc[changed].assign(change=RowChange.CHANGED.value, changed_columns=[
        ", ".join(c for c in rest if differs.at[i, c]) for i in changed])
    gone = old.loc[removed, pk].assign(change=RowChange.REMOVED.value, changed_columns="")
    for c in rest:
        edits["old_" + c] = old.loc[changed, c].where(differs.loc[changed, c])
        gone["old_" + c] = old.loc[removed, c]
    edits["old_row_number"], gone["old_row_number"] = old.loc[changed, "row_number"], old.loc[removed, "row_number"]
    columns = ["change", *pk, "row_number", "old_row_number", "changed_columns",
               *(c for k in rest for c in (k, "old_" + k))]
    frames = [f for f in (added, edits, gone) if len(f)]
    out = pd.concat(frames, ignore_index=True).reindex(columns=columns) if frames else pd.DataFrame(columns=columns)
    return out.astype({"row_number": "Int64", "old_row_number": "Int64"})
