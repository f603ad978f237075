"""The budget-balance rules B01–B14 (DOMAIN.md), vectorised over whole tables.

Rules see :class:`Tables`: for each sheet, the rows of the workbooks being
checked (``_file`` and ``_row`` say where each came from) together with the
rows already stored for the same cost centre and year (``_file`` empty). A rule
reports only rows of the workbooks being checked: stored data is context.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from domain import ledger
from domain.findings import Finding, display
from domain.fiscal import fiscal_year_bounds, format_be_date
from domain.frames import as_datetime
from domain.keys import composite, isin, lookup, match, take
from domain.ledger import CENT
from domain.vocabulary import PaymentKind
from reference.reference_set import ReferenceSet
from templates.catalog import SHEETS, Link, links

# References a dedicated rule already checks with a better message.
CHECKED_ELSEWHERE = {("activities", "source_transfer_no")}  # B05
# The reader sees text only, so a long code typed as a number cannot be told from one typed as text:
# say what Excel does to it wherever such a code is not found.
LONG_CODE = r"\d{16,}"
LONG_CODE_HINT = (" (ถ้าพิมพ์รหัสนี้เป็นตัวเลข Excel เก็บไว้ได้เพียง 15 หลักแรก "
                  "ให้จัดรูปแบบเซลล์เป็นข้อความ (Text) แล้วพิมพ์รหัสใหม่)",
                  " If it was typed as a number, Excel kept only its first 15 digits: format the cell as Text "
                  "and type the code again.")
MAX_PER_RULE = 1000  # per rule and sheet: a systematic mistake is clear from the first thousand


@dataclass
class Tables:
    """What the rules see of one cost centre and fiscal year (BE).

    ``frames`` has one frame per unit-template sheet key: the spec's columns (typed as
    ``templates.spec.PANDAS_DTYPES``; money in baht as float64; dates as ``datetime.date``) plus
    ``_file`` (the path of the file a row came from; None for a stored row) and ``_row`` (its Excel row),
    on a plain RangeIndex. ``letters`` maps (file, sheet key) to each column key's letter in that file.
    ``checked`` names the sheets with rows of the files being checked (None: work it out from the frames).
    ``reference`` is None where only :data:`ONE_WORKBOOK_RULES` run (they read none).
    """

    frames: Mapping[str, pd.DataFrame]
    letters: dict[tuple[str, str], dict[str, str]]  # (file, sheet) -> column key -> letter
    reference: ReferenceSet | None
    fiscal_year: int
    as_of: dt.date
    checked_sheets: set[str] | None = None

    def __getitem__(self, sheet_key: str) -> pd.DataFrame:
        return self.frames[sheet_key]

    def checked(self, sheet_key: str) -> bool:
        """Whether a sheet has rows of the files being checked (stored rows alone are context, never reported)."""
        if self.checked_sheets is not None:
            return sheet_key in self.checked_sheets
        frame = self.frames.get(sheet_key)
        return frame is not None and bool(frame["_file"].notna().any())

    def checked_frames(self) -> list[tuple[str, pd.DataFrame]]:
        """(sheet key, frame) of every sheet with rows being checked."""
        return [(key, self.frames[key]) for key in self.frames if self.checked(key)]

    def emit(self, rule: str, rows: pd.DataFrame, sheet_key: str, column: str,
             th: Text | str, en: Text | str, cause: str | None = None) -> list[Finding]:
        """One finding per row of ``rows`` that came from a file being checked, at most MAX_PER_RULE.

        ``cause``: a sheet whose rows decide whether these rows break the rule (an activity's budget, a payment's
        amount). When the file being checked gives it, the stored rows among ``rows`` are reported too, to that
        file: its new version would leave rows already sent wrong (:meth:`stored_findings`)."""
        mine = rows["_file"].notna() if len(rows) else pd.Series([], dtype=bool)
        out = []
        if cause is not None and self.checked(cause) and not mine.all():
            out = self.stored_findings(rule, rows[~mine], sheet_key, cause, th, en)
        return self._given(rule, rows[mine], sheet_key, column, th, en) + out

    def _given(self, rule: str, rows: pd.DataFrame, sheet_key: str, column: str,
               th: Text | str, en: Text | str) -> list[Finding]:
        if rows.empty:
            return []
        shown = rows.head(MAX_PER_RULE)
        th = th.render(shown) if isinstance(th, Text) else [th] * len(shown)
        en = en.render(shown) if isinstance(en, Text) else [en] * len(shown)
        col = SHEETS[sheet_key][1].column(column)
        out = []
        for record, message_th, message_en in zip(shown.to_dict("records"), th, en, strict=True):
            row = int(record["_row"])
            letter = self.letters.get((record["_file"], sheet_key), {}).get(column, "")
            value = record.get(column)
            out.append(Finding.of(rule, message_th, message_en, file=record["_file"], sheet=sheet_key, row=row,
                                  column=column, header=col.header, cell=f"{letter}{row}" if letter else "",
                                  value=display(value)))
        if len(rows) > MAX_PER_RULE:
            more = len(rows) - MAX_PER_RULE
            out.append(Finding.of(rule, f"และอีก {more:,} แถวที่ผิดกฎ {rule} เดียวกัน",
                                  f"… and {more:,} more rows breaking {rule}.", file=rows["_file"].iloc[0],
                                  sheet=sheet_key, column=column, header=col.header))
        return out

    def stored_findings(self, rule: str, rows: pd.DataFrame, sheet_key: str, cause: str,
                        th: Text | str, en: Text | str) -> list[Finding]:
        """Stored ``rows`` (of a template not given) that the given rows of ``cause`` make break ``rule``, said to
        the file that gives ``cause``: one finding per message, naming the stored rows by their Excel row and
        key, and asking for the corrected workbook to be sent together with the new one. The file's own cells
        are right as far as it goes, so the finding has no cell (at most MAX_PER_RULE rows)."""
        if rows.empty:
            return []
        template, sheet = SHEETS[sheet_key]
        shown = rows.head(MAX_PER_RULE)
        th = th.render(shown) if isinstance(th, Text) else [th] * len(shown)
        en = en.render(shown) if isinstance(en, Text) else [en] * len(shown)
        keys = _shown_key(sheet.primary_key)(shown) if sheet.primary_key else pd.Series("", index=shown.index)
        where: dict[tuple[str, str], list[tuple[object, str]]] = {}
        for row, key, message_th, message_en in zip(shown["_row"], keys, th, en, strict=True):
            where.setdefault((message_th, message_en), []).append((row, key))
        more, last = len(rows) - len(shown), list(where)[-1]  # the rows past the cap are counted with the last
        out = []
        for file in self.frames[cause]["_file"].dropna().unique():
            for message, places in where.items():
                (message_th, message_en), (rows_th, rows_en) = message, _places(places, more if message == last else 0)
                out.append(Finding.of(
                    rule, f"เมื่อใช้ไฟล์นี้ แบบฟอร์ม{template.th}ที่ส่งไว้แล้วผิดกฎ {rule} ที่แผ่นงาน{sheet.th} {rows_th}: "
                          f"{message_th} ถ้าไฟล์นี้ถูกต้อง ให้แก้แบบฟอร์ม{template.th}แล้วส่งพร้อมกับไฟล์นี้",
                    f"With this version, the {template.en} workbook already sent breaks {rule} in its sheet "
                    f"{sheet.en}, {rows_en}: {message_en} If this version is right, correct that workbook and send it "
                    "together with this one.", file=file))
        return out


def _places(places: list[tuple[object, str]], more: int) -> tuple[str, str]:
    """Stored rows named in Thai and English: "row 4 (93901 / D3), row 7 (…)", at most five, then how many more."""
    def one(row, key: str, word: str) -> str:
        at = f"{word} {int(row)}" if pd.notna(row) else ""
        return f"{at} ({key})" if at and key else at or key
    more += max(0, len(places) - 5)
    th = ", ".join(one(row, key, "แถว") for row, key in places[:5]) + (f" และอีก {more:,} แถว" if more else "")
    en = ", ".join(one(row, key, "row") for row, key in places[:5]) + (f" and {more:,} more rows" if more else "")
    return th, en


Rule = Callable[[Tables], list[Finding]]


def reports_on(*sheet_keys: str, one_workbook: bool = False, affected_by: tuple[str, ...] = ()
               ) -> Callable[[Rule], Rule]:
    """Declare the sheets a rule reports at (none: every sheet, and it skips the unchecked ones itself);
    :func:`check_budget` skips a rule when no row of its sheets is being checked (a 30-row disbursements
    workbook need not run the allocation rules over what is stored).

    ``one_workbook``: the rule reads only sheets of the template whose rows it reports (one workbook: a
    template is given once per cost centre and year, and is then never also read from the store) and no
    reference data, so it can run on that workbook alone, where it was read (:data:`ONE_WORKBOOK_RULES`).

    ``affected_by``: sheets whose rows, given in a new version, can make stored rows of the reported sheets
    break the rule (an activity's budget cut below what was paid): the rule runs when one is being checked,
    and reports such stored rows to its file (:meth:`Tables.emit`'s ``cause``)."""
    def mark(rule: Rule) -> Rule:
        rule.sheets, rule.one_workbook, rule.affected_by = sheet_keys, one_workbook, affected_by
        return rule
    return mark


def _names(sheet_key: str, keys) -> tuple[str, str]:
    """Columns as the unit knows them: their Thai and English headers."""
    cols = [SHEETS[sheet_key][1].column(k) for k in keys]
    return " + ".join(c.th for c in cols), " + ".join(c.en for c in cols)


class Text:
    """A message template and its values per row, formatted only for the rows findings are made for: a rule
    that fails on every one of 100,000 rows formats :data:`MAX_PER_RULE` messages, not 100,000.

    Values are Series aligned with the rule's rows, plain values, or functions of the rows reported (for
    values costly to show, such as a key of several columns); amounts carry their format in the template
    (``{d:,.2f}``: 1,234,567.89 baht).
    """

    def __init__(self, template: str, **values):
        self.template, self.values = template, values

    def render(self, rows: pd.DataFrame) -> list[str]:
        def column(value) -> pd.Series:
            if callable(value):
                return value(rows)
            return value.reindex(rows.index) if isinstance(value, pd.Series) else pd.Series(value, index=rows.index)
        frame = pd.DataFrame({key: column(value) for key, value in self.values.items()}, index=rows.index)
        return [self.template.format(**record) for record in frame.to_dict("records")]


@reports_on("allocations", one_workbook=True)
def b01_transfer_over_allocated(t: Tables) -> list[Finding]:
    """B01: the allocations of one transfer add up to no more than the transfer (DOMAIN.md, seed 001 step 1).

    Reported at the amount of every allocation of an over-allocated transfer."""
    alloc, transfers = t["allocations"], t["transfers"]
    total = alloc.groupby("transfer_no")["amount"].transform("sum")
    amount = alloc["transfer_no"].map(transfers.drop_duplicates("transfer_no").set_index("transfer_no")["amount"])
    rows = alloc[total - amount > CENT]
    total, amount = total[rows.index], amount[rows.index]
    return t.emit("B01", rows, "allocations", "amount",
                  Text("ใบโอน {n} จัดสรรรวม {t:,.2f} บาท เกินยอดโอน {a:,.2f} บาท ให้ลดยอดจัดสรร",
                        n=rows["transfer_no"], t=total, a=amount),
                  Text("Allocations of transfer {n} total {t:,.2f}, more than its {a:,.2f}; reduce them.",
                        n=rows["transfer_no"], t=total, a=amount))


@reports_on("allocations")
def b02_unit_outside_cost_center(t: Tables) -> list[Finding]:
    """B02: an allocation's unit belongs to the cost centre that received the transfer (reference units).

    Reported at the allocation's unit code."""
    alloc = t["allocations"]
    transfers = t["transfers"].drop_duplicates("transfer_no").set_index("transfer_no")
    owner = alloc["transfer_no"].map(transfers["cost_center"])
    units = t.reference["units"].set_index("unit_code")["cost_center"]
    unit_cc = alloc["unit_code"].map(units)
    rows = alloc[owner.notna() & unit_cc.notna() & (owner != unit_cc)]
    return t.emit("B02", rows, "allocations", "unit_code",
                  Text("หน่วยงาน {u} ไม่อยู่ในศูนย์ต้นทุน {c} ของใบโอน {n}"
                              " ให้จัดสรรเฉพาะหน่วยงานของศูนย์ต้นทุนนั้น", u=rows["unit_code"],
                        c=owner[rows.index], n=rows["transfer_no"]),
                  Text("Unit {u} does not belong to cost centre {c}, which received transfer {n}; "
                        "allocate only to that cost centre's units.", u=rows["unit_code"], c=owner[rows.index],
                        n=rows["transfer_no"]))


def _per_row(totals: pd.Series, frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    """``totals`` (indexed by a key pair) looked up for each row of ``frame`` by its columns a, b; NaN if absent."""
    return lookup(totals, frame, [a, b])


@reports_on("funding", affected_by=("allocations",))
def b03_allocation_overdrawn(t: Tables) -> list[Finding]:
    """B03: the funding a unit's projects draw from one allocation (transfer × unit) is no more than it.

    Reported at the funding row's transfer no. when the transfer was not allocated to the project's unit,
    and at its amount when the unit's projects together draw more than was allocated."""
    funding = t["funding"].assign(unit_code=t["funding"]["project_code"].map(
        t["projects"].drop_duplicates("project_code").set_index("project_code")["unit_code"]))
    allocated = t["allocations"].groupby(["transfer_no", "unit_code"])["amount"].sum()
    drawn = funding.groupby(["transfer_no", "unit_code"])["amount"].transform("sum")
    limit = _per_row(allocated, funding, "transfer_no", "unit_code")
    known = funding["unit_code"].notna() & funding["transfer_no"].isin(t["allocations"]["transfer_no"])
    missing = funding[known & limit.isna()]
    over = funding[known & (drawn - limit > CENT)]
    d, a = drawn[over.index], limit[over.index]
    return t.emit("B03", missing, "funding", "transfer_no",
                  Text("ใบโอน {n} ไม่ได้จัดสรรให้หน่วยงาน {u} ของโครงการนี้"
                                 " ให้เลือกการจัดสรรของหน่วยงานนั้น", n=missing["transfer_no"],
                        u=missing["unit_code"]),
                  Text("Transfer {n} was not allocated to unit {u}, which runs this project; "
                        "choose an allocation of that unit.", n=missing["transfer_no"], u=missing["unit_code"]),
                  cause="allocations") + \
        t.emit("B03", over, "funding", "amount",
               Text("โครงการของหน่วยงาน {u} ใช้เงินจากใบโอน {n} รวม {d:,.2f} บาท เกินยอดจัดสรร {a:,.2f} บาท"
                           " ให้ลดยอดเงินจากแหล่งนี้",
                     u=over["unit_code"], n=over["transfer_no"], d=d, a=a),
               Text("Projects of unit {u} draw {d:,.2f} from transfer {n}, more than the {a:,.2f} allocated; "
                     "reduce the funding.", u=over["unit_code"], n=over["transfer_no"], d=d, a=a),
               cause="allocations")


@reports_on("projects", one_workbook=True)
def b04_funding_matches_budget(t: Tables) -> list[Finding]:
    """B04: a project's funding sources add up to its budget, to the cent. Reported at the project's budget."""
    projects = t["projects"]
    funded = projects["project_code"].map(t["funding"].groupby("project_code")["amount"].sum()).fillna(0.0)
    rows = projects[(funded - projects["budget"]).abs() > CENT]
    f, b = funded[rows.index], rows["budget"]
    return t.emit("B04", rows, "projects", "budget",
                  Text("แหล่งงบของโครงการ {p} รวม {f:,.2f} บาท ไม่เท่างบโครงการ {b:,.2f} บาท ให้แก้ให้เท่ากัน",
                        p=rows["project_code"], f=f, b=b),
                  Text("The funding sources of project {p} add up to {f:,.2f}, not its budget of {b:,.2f}; "
                        "make them equal.", p=rows["project_code"], f=f, b=b))


@reports_on("activities", one_workbook=True)
def b05_activity_source(t: Tables) -> list[Finding]:
    """B05: an activity's one funding source is one of its project's (funding sheet). Reported at the source."""
    acts, funding = t["activities"], t["funding"]
    known = acts["source_transfer_no"].notna() & acts["project_code"].isin(t["projects"]["project_code"])
    mine = isin(acts, ("project_code", "source_transfer_no"), funding, ("project_code", "transfer_no"))
    rows = acts[known & ~mine]
    return t.emit("B05", rows, "activities", "source_transfer_no",
                  Text("แหล่งงบ {s} ของกิจกรรม {n} ไม่ใช่แหล่งงบของโครงการ {p}"
                              " ให้เลือกแหล่งงบที่ระบุไว้ให้โครงการนี้ในแผ่นงานแหล่งงบ", s=rows["source_transfer_no"],
                        n=rows["activity_no"], p=rows["project_code"]),
                  Text("Source {s} of activity {n} is not one of project {p}'s funding sources; "
                        "pick one listed for the project in the funding sheet.", s=rows["source_transfer_no"],
                        n=rows["activity_no"], p=rows["project_code"]))


@reports_on("activities", one_workbook=True)
def b06_activity_budgets_per_source(t: Tables) -> list[Finding]:
    """B06: the activities of a project planned from one source add up to no more than the project's funding
    from it. Reported at the budget of each activity of that project and source."""
    acts, funding = t["activities"], t["funding"]
    planned = acts.groupby(["project_code", "source_transfer_no"])["budget"].transform("sum")
    funded = funding.groupby(["project_code", "transfer_no"])["amount"].sum()
    limit = _per_row(funded, acts, "project_code", "source_transfer_no")
    rows = acts[planned - limit > CENT]
    p, f = planned[rows.index], limit[rows.index]
    return t.emit("B06", rows, "activities", "budget",
                  Text("กิจกรรมของโครงการ {c} ใช้แหล่งงบ {s} รวม {p:,.2f} บาท เกินเงินจากแหล่งนี้ {f:,.2f} บาท"
                              " ให้ลดงบกิจกรรม",
                        c=rows["project_code"], s=rows["source_transfer_no"], p=p, f=f),
                  Text("Activities of project {c} plan {p:,.2f} from source {s}, more than the project's {f:,.2f} "
                        "from it; reduce them.", c=rows["project_code"], s=rows["source_transfer_no"], p=p, f=f))


@reports_on("projects", one_workbook=True)
def b07_money_not_planned(t: Tables) -> list[Finding]:
    """B07 (warning): a project's activities add up to less than its budget: money not yet planned.

    Reported at the project's budget."""
    projects = t["projects"]
    planned = projects["project_code"].map(t["activities"].groupby("project_code")["budget"].sum()).fillna(0.0)
    rows = projects[projects["budget"] - planned > CENT]
    p, b = planned[rows.index], rows["budget"]
    return t.emit("B07", rows, "projects", "budget",
                  Text("กิจกรรมของโครงการ {c} รวม {p:,.2f} บาท น้อยกว่างบโครงการ {b:,.2f} บาท: เงินที่ยังไม่ได้วางแผน",
                        c=rows["project_code"], p=p, b=b),
                  Text("Activities of project {c} add up to {p:,.2f}, less than its budget of {b:,.2f}: "
                        "money not yet planned.", c=rows["project_code"], p=p, b=b))


ACTIVITY = ["project_code", "activity_no"]  # an activity's key, on payments and activities alike


def _past_budget(rows: pd.DataFrame, net: pd.Series, budget: pd.Series) -> tuple[pd.Series, pd.Series]:
    """For each row of an overspent activity: whether it is the payment that takes the activity over its budget
    or one after it (in date order, then row: the running total has passed the budget), and that payment's
    document no."""
    order = rows.assign(_net=net, _budget=budget, _date=as_datetime(rows["document_date"]))
    order = order.sort_values([*ACTIVITY, "_date", "_row"], kind="stable")
    over = (order.groupby(ACTIVITY)["_net"].cumsum() - order["_budget"] > CENT).groupby(
        [order[k] for k in ACTIVITY]).cummax()
    first = order[over].groupby(ACTIVITY)["document_no"].first()
    return over.reindex(rows.index), lookup(first, rows, ACTIVITY)


@reports_on("payments", affected_by=("activities",))
def b08_activity_overspent(t: Tables) -> list[Finding]:
    """B08: disbursed for an activity (payments + advances − returned, :mod:`domain.ledger`) is no more than
    its budget. Reported at the amount of the payment (by date) that takes the activity over its budget and of
    every one after it, naming that payment: those before it were within the budget."""
    pay, acts = t["payments"], t["activities"]
    net = ledger.net_per_row(pay, t["clearings"])
    # each payment's activity and the activities' rows numbered alike, once: one factorising for both sums
    mine, theirs = composite([pay[k] for k in ACTIVITY], [acts[k] for k in ACTIVITY])
    disbursed = net.groupby(mine).transform("sum").where(mine >= 0)
    known = theirs >= 0
    budget = pd.Series(acts["budget"].to_numpy()[known], dtype="float64").groupby(theirs[known]).sum()
    budget = pd.Series(budget.reindex(mine).to_numpy(), index=pay.index)  # NaN: no such activity (B11's)
    rows = pay[disbursed - budget > CENT]
    x = pd.Series(index=rows.index, dtype=object)  # the payment that takes each activity over
    if len(rows):
        past, x = _past_budget(rows, net[rows.index], budget[rows.index])
        rows, x = rows[past], x[past]
    d, b = disbursed[rows.index], budget[rows.index]
    return t.emit("B08", rows, "payments", "amount",
                  Text("กิจกรรม {a} ของโครงการ {p} เบิกจ่ายรวม {d:,.2f} บาท เกินงบกิจกรรม {b:,.2f} บาท "
                              "(เกินตั้งแต่เอกสาร {x}) ให้ตรวจจำนวนเงินหรือกิจกรรมที่ระบุ",
                        a=rows["activity_no"], p=rows["project_code"], d=d, b=b, x=x),
                  Text("Activity {a} of project {p} has {d:,.2f} disbursed, more than its budget of {b:,.2f} "
                        "(over from document {x} on); check the amounts or the activity.",
                        a=rows["activity_no"], p=rows["project_code"], d=d, b=b, x=x), cause="activities")


@reports_on("clearings", one_workbook=True)
def b09_clearing_exceeds_advance(t: Tables) -> list[Finding]:
    """B09: the clearings of an advance (spent + returned) add up to no more than the advance.

    Reported at the clearing's advance no. when it names a payment, not an advance, and at its spent
    amount when the clearings exceed the advance."""
    clr, pay = t["clearings"], t["payments"]
    doc = match([clr["unit_code"], clr["advance_document_no"]], [pay["unit_code"], pay["document_no"]])
    kind, advance = take(pay["kind"], doc, clr.index), take(pay["amount"], doc, clr.index)
    cleared = (clr["spent"] + clr["returned"]).groupby([clr["unit_code"], clr["advance_document_no"]]).transform("sum")
    not_advance = clr[kind == PaymentKind.PAYMENT]
    over = clr[(kind == PaymentKind.ADVANCE) & (cleared - advance > CENT)]
    c, a = cleared[over.index], advance[over.index]
    return t.emit("B09", not_advance, "clearings", "advance_document_no",
                  Text("เอกสาร {d} เป็นการเบิกจ่าย ไม่ใช่เงินยืม จึงล้างเงินยืมไม่ได้",
                        d=not_advance["advance_document_no"]),
                  Text("Document {d} is a payment, not an advance, so it cannot be cleared.",
                        d=not_advance["advance_document_no"])) + \
        t.emit("B09", over, "clearings", "spent",
               Text("ล้างเงินยืม {d} รวม (ใช้จริง + คืน) {c:,.2f} บาท เกินเงินยืม {a:,.2f} บาท"
                           " ให้ตรวจยอดใช้จริงและเงินคืน",
                     d=over["advance_document_no"], c=c, a=a),
               Text("Clearings of advance {d} (spent + returned) total {c:,.2f}, more than the {a:,.2f} advanced.",
                     d=over["advance_document_no"], c=c, a=a))


@reports_on("payments", one_workbook=True)
def b10_advance_not_cleared(t: Tables) -> list[Finding]:
    """B10 (warning): an advance still outstanding more than 30 days after it was paid, on the as-of date
    (:func:`domain.ledger.advances`). Reported at the advance's date."""
    late = ledger.advances(t["payments"], t["clearings"], t.as_of)
    rows = late[late["overdue"]]
    days, amount, left = rows["days"], rows["amount"], rows["outstanding"]  # a part cleared is said so
    return t.emit("B10", rows, "payments", "document_date",
                  Text("เงินยืม {d} จำนวน {a:,.2f} บาท ยังไม่ได้ล้าง {o:,.2f} บาท ผ่านมาแล้ว {n:.0f} วัน"
                       " ให้บันทึกการล้างเงินยืม", d=rows["document_no"], a=amount, o=left, n=days),
                  Text("Advance {d} of {a:,.2f} still has {o:,.2f} not cleared after {n:.0f} days; record its "
                       "clearing.", d=rows["document_no"], a=amount, o=left, n=days))


def _shown_key(fields) -> Callable[[pd.DataFrame], pd.Series]:
    """The key of several columns as a unit reads it: "P1 / 2" (joined column by column: a join row by row
    cost 0.2 ms a finding, 0.4 s for the 2,000 a rule reports at most)."""
    def shown(rows: pd.DataFrame) -> pd.Series:
        first, *rest = (rows[field].astype(str) for field in fields)
        return functools.reduce(lambda key, part: key + " / " + part, rest, first)
    return shown


def _long_code_hint(field: str) -> Callable[[pd.DataFrame, int], pd.Series]:
    """Excel's 15 digits, said (in Thai: 0, English: 1) where a code of 16 or more digits is not found."""
    return lambda rows, language: rows[field].astype(str).str.fullmatch(LONG_CODE).map(
        {True: LONG_CODE_HINT[language], False: ""})


def _zeros_hint(field: str, known: pd.Series) -> Callable[[pd.DataFrame, int], pd.Series]:
    """Where a code not found is a ``known`` code without its leading zeros ("12" for "0012": a number cell drops
    them), that code and what to do, in Thai (0) or English (1)."""
    codes = known.dropna().astype(str)
    padded = dict(zip(codes.str.lstrip("0"), codes, strict=True)) if len(codes) else {}
    padded = {short: code for short, code in padded.items() if short != code and short.isdigit()}
    return lambda rows, language: rows[field].astype(str).map(
        lambda v: ZEROS_HINT[language].format(code=padded[v]) if v in padded else "")


def _code_hint(field: str, known: pd.Series) -> Callable[[pd.DataFrame, int], pd.Series]:
    """What Excel may have done to a code not found, in Thai (0) or English (1): kept 15 digits of 16 or more, or
    dropped the leading zeros of one of the ``known`` codes; empty otherwise."""
    long, zeros = _long_code_hint(field), _zeros_hint(field, known)
    return lambda rows, language: long(rows, language) + zeros(rows, language)


ZEROS_HINT = (" (ถ้าหมายถึงรหัส {code} ช่องนี้เป็นตัวเลข Excel จึงตัดเลข 0 ข้างหน้าออก "
              "ให้จัดรูปแบบเซลล์เป็นข้อความ (Text) แล้วพิมพ์รหัสใหม่)",
              " If {code} was meant: the cell is a number, so Excel dropped the leading zeros; format the cell as "
              "Text and type the code again.")


@reports_on()
def b11_references_exist(t: Tables) -> list[Finding]:
    """B11: every code and reference exists: the spec's ``codes`` columns in the reference data, its ``ref``
    columns in the rows given together or stored (``templates.catalog.links``).

    Reported at the referring column; a code of 16 or more digits that is not found gets the hint that
    Excel keeps only 15 digits of a number."""
    out = []
    for sheet_key, link, cause in _references(t):
        frame = t[sheet_key]
        target = t.reference[link.target.key] if link.template.key == "reference" else t.frames.get(link.target.key)
        if target is None:
            continue
        present = frame[list(link.fields)].notna().all(axis=1)
        if not present.any():
            continue
        rows = frame[present & ~isin(frame, link.fields, target, link.target_fields)]
        if rows.empty:
            continue
        th, en = _names(sheet_key, link.fields)
        shown, hint = _shown_key(link.fields), _code_hint(link.fields[-1], target[link.target_fields[-1]])
        # a code of the reference data is the admin's to add; rows of a template, the unit's to send first (a stored
        # row's finding says what to do itself: Tables.stored_findings)
        do_th, do_en = (("ให้ตรวจรหัส หรือแจ้งผู้ดูแลระบบหากรหัสนี้ถูกต้องแต่ยังไม่มีในระบบ",
                         "; check it, or tell your admin if it is right but not yet in the system")
                        if link.template.key == "reference" else
                        ("ให้ตรวจรหัส หรือส่งข้อมูลนั้นก่อน", "; check it, or submit that data first") if cause is None
                        else ("", ""))
        out += t.emit("B11", rows, sheet_key, link.fields[-1],
                      Text(f"ไม่พบ{th} '{{v}}' ใน{link.target.th}{' ' + do_th if do_th else ''}{{h}}", v=shown,
                           h=lambda r, hint=hint: hint(r, 0)),
                      Text(f"{en} '{{v}}' does not exist in {link.target.en}{do_en}.{{h}}", v=shown,
                           h=lambda r, hint=hint: hint(r, 1)), cause=cause)
    return out


def _references(t: Tables) -> Iterator[tuple[str, Link, str | None]]:
    """(sheet key, link, cause) of B11: every link of a sheet being checked (cause None), and every link of a
    stored sheet to a sheet being checked (cause: that sheet, whose new version may have dropped what it names)."""
    for sheet_key in t.frames:
        for link in links(SHEETS[sheet_key][1]):
            if (sheet_key, link.fields[-1]) in CHECKED_ELSEWHERE:
                continue
            if t.checked(sheet_key):
                yield sheet_key, link, None
            elif link.template.key != "reference" and t.checked(link.target.key):
                yield sheet_key, link, link.target.key


@reports_on(one_workbook=True)
def b12_dates_in_year(t: Tables) -> list[Finding]:
    """B12: every date lies inside the fiscal year and, unless the column is a planned date, not after the
    as-of date. Reported at the date."""
    start, end = fiscal_year_bounds(t.fiscal_year)
    out = []
    for sheet_key, frame in t.checked_frames():
        for col in (c for c in SHEETS[sheet_key][1].columns if c.type == "date"):
            when = frame[col.key]
            present = when.notna()
            dates = as_datetime(when)
            outside = present & ((dates < pd.Timestamp(start)) | (dates > pd.Timestamp(end)))
            late = present & ~outside & (dates > pd.Timestamp(t.as_of)) & (not col.planned)
            for mask, th, en in (
                (outside, f"วันที่ไม่อยู่ในปีงบประมาณ {t.fiscal_year} ({format_be_date(start)} – "
                          f"{format_be_date(end)})",
                 f"the date is outside fiscal year {t.fiscal_year} ({format_be_date(start)} – "
                 f"{format_be_date(end)}, BE)"),
                (late, f"วันที่อยู่หลังวันที่ข้อมูล {format_be_date(t.as_of)}",
                 f"the date is after the as-of date {format_be_date(t.as_of)} (BE)"),
            ):
                rows = frame[mask]
                out += t.emit("B12", rows, sheet_key, col.key, f"{col.th}: {th}"
                                                                " ให้แก้วันที่", f"{col.en}: {en}; correct it.")
    return out


@reports_on(one_workbook=True)
def b13_keys_unique(t: Tables) -> list[Finding]:
    """B13: each sheet's primary key (``templates.spec.Sheet.primary_key``) is unique among the workbook's rows
    (its template's stored rows are what it replaces, never compared). Reported at the key's last column of every
    row that shares a key."""
    out = []
    for sheet_key, frame in t.checked_frames():
        pk = list(SHEETS[sheet_key][1].primary_key)
        if not pk or frame.empty:
            continue
        keys = pd.Series(composite([frame[k] for k in pk])[0], index=frame.index)
        rows = frame[(keys >= 0) & keys.duplicated(keep=False)]
        shown, also = _shown_key(pk), _also_at(rows, keys[rows.index])
        th, en = _names(sheet_key, pk)
        out += t.emit("B13", rows, sheet_key, pk[-1],
                      Text(f"{th} '{{v}}' ซ้ำกับ{{o}} ต้องไม่ซ้ำกัน", v=shown, o=lambda r, also=also: also(r, 0)),
                      Text(f"{en} '{{v}}' appears more than once (also {{o}}); each must be unique.", v=shown,
                           o=lambda r, also=also: also(r, 1)))
    return out


def _also_at(rows: pd.DataFrame, keys: pd.Series, most: int = 3) -> Callable[[pd.DataFrame, int], pd.Series]:
    """For each row reported, the other Excel rows that hold its key (``keys``, aligned with ``rows``), in Thai
    (0) or English (1): "row 5, row 9"; ``most`` of them, then how many more. One file's rows only: two
    workbooks of one template are checked apart from the rules (``validators.validate.same_template_twice``).
    Worked out only for the keys of the rows reported (at most MAX_PER_RULE)."""
    def also(shown: pd.DataFrame, language: int) -> pd.Series:
        near = keys[keys.isin(keys[shown.index].unique())]
        places = near.index.groupby(near.to_numpy())
        out = []
        for i in shown.index:
            others = [int(rows.at[j, "_row"]) for j in places[keys[i]] if j != i]
            said = ", ".join((f"แถว {r}", f"row {r}")[language] for r in others[:most])
            more = len(others) - most
            out.append(said + ((f" และอีก {more:,} แถว", f" and {more:,} more")[language] if more > 0 else ""))
        return pd.Series(out, index=shown.index)
    return also


@reports_on("kpi_results")
def b14_results_in_bounds(t: Tables) -> list[Finding]:
    """B14 (warning): a KPI result a percentage KPI cannot have (outside 0–100), a denominator of 0, or a
    result that is not A ÷ B × 100. Reported at the result or the denominator."""
    kpi = t["kpi_results"]
    label = kpi["kpi_code"].map(t.reference["kpis"].set_index("kpi_code")["unit_label"]).fillna("")
    percent = label.str.contains("ร้อยละ|%", regex=True)
    over = kpi[percent & ((kpi["result"] > 100) | (kpi["result"] < 0))]
    zero = kpi[(kpi["denominator"] == 0) & kpi["numerator"].notna()]
    ratio = kpi["numerator"] / kpi["denominator"].where(kpi["denominator"] != 0) * 100
    off = kpi[percent & ratio.notna() & ((ratio - kpi["result"]).abs() > 0.01) & ~kpi.index.isin(over.index)]
    r = ratio[off.index].round(2)
    return (
        t.emit("B14", over, "kpi_results", "result",
               Text("ตัวชี้วัด {k} เป็นร้อยละ แต่ผลลัพธ์ {v} อยู่นอกช่วง 0–100 ให้ตรวจสอบ", k=over["kpi_code"],
                     v=over["result"]),
               Text("KPI {k} is a percentage but the result {v} is outside 0–100; check it.",
                     k=over["kpi_code"], v=over["result"]))
        + t.emit("B14", zero, "kpi_results", "denominator",
                 Text("ตัวชี้วัด {k} มีตัวหารเป็น 0 ให้ตรวจตัวเลข", k=zero["kpi_code"]),
                 Text("KPI {k} has a denominator of 0; check the figures.", k=zero["kpi_code"]))
        + t.emit("B14", off, "kpi_results", "result",
                 Text("ผลลัพธ์ของตัวชี้วัด {k} ไม่ตรงกับ A ÷ B × 100 = {r} ให้ตรวจสอบ", k=off["kpi_code"], r=r),
                 Text("The result of KPI {k} does not match A ÷ B × 100 = {r}; check it.",
                       k=off["kpi_code"], r=r))
    )


BUDGET_RULES: tuple[Rule, ...] = (
    b01_transfer_over_allocated, b02_unit_outside_cost_center, b03_allocation_overdrawn,
    b04_funding_matches_budget, b05_activity_source, b06_activity_budgets_per_source, b07_money_not_planned,
    b08_activity_overspent, b09_clearing_exceeds_advance, b10_advance_not_cleared, b11_references_exist,
    b12_dates_in_year, b13_keys_unique, b14_results_in_bounds,
)


# The rules of one workbook, run on its rows alone (in the reader's worker, beside the caller's rules across
# workbooks: validators.validate.own_checks), and the others, run on a cost centre and year's tables.
ONE_WORKBOOK_RULES = tuple(rule for rule in BUDGET_RULES if rule.one_workbook)
ACROSS_RULES = tuple(rule for rule in BUDGET_RULES if not rule.one_workbook)


def check_budget(t: Tables, rules: Sequence[Rule] = BUDGET_RULES) -> list[Finding]:
    """The budget ``rules`` (default every rule, B01–B14) on ``t``, in rule order: findings of the rows of the
    files being checked only (stored rows are context), at most :data:`MAX_PER_RULE` per rule and sheet plus one
    that counts the rest."""
    due = [rule for rule in rules if not rule.sheets or any(t.checked(s) for s in rule.sheets + rule.affected_by)]
    found = []
    for rule in due:
        found += rule(t)
        # Arrow's allocator keeps what a rule's copies freed for reuse, out of reach of Python's own: handed back
        # after each rule, the next rule and the store's insert reuse those pages instead of adding their own
        # (100,000 rows: peak 216 → 207 MB for validate, 236 → 224 MB for import; no measurable time).
        pa.default_memory_pool().release_unused()
    return found
