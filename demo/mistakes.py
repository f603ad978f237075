"""The demo's deliberate mistakes: copies of good workbooks with one mistake each, and their manifest.

Each maker takes a cost centre's good workbooks (frames, money in baht) and returns the
:class:`Mistake` with the copied frames that hold it, or None when that cost centre's data offers no
place for it. The manifest (``mistakes/manifest.json``) lists each mistake with its exact cell, so
a trainer or a test can check the validator flags it there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from demo.context import Books, pick
from domain.fiscal import THAI_DIGITS, format_be_date
from domain.ledger import net_disbursed
from domain.vocabulary import PaymentKind

MISTAKES_DIR = "mistakes"
MANIFEST = "manifest.json"

Frames = dict[str, pd.DataFrame]  # one workbook: sheet key -> frame
TO_THAI_DIGITS = str.maketrans("0123456789", THAI_DIGITS)


@dataclass
class Mistake:
    """One deliberate mistake in a copy of a good workbook, at its exact cell."""

    file: str  # relative to the fiscal year's folder, e.g. "mistakes/B01_over_allocated_2100200131.xlsx"
    template: str
    cost_center: str
    sheet: str  # sheet key
    row: int  # Excel row: the header is row 1
    column: str  # column key
    rule: str  # the budget rule it breaks, or "OK" when it is normal input the normaliser reads
    description_th: str
    description_en: str


Made = tuple[Mistake, Frames]  # a mistake and the frames of the copied workbook that holds it
Maker = Callable[[Books, str, np.random.Generator], Made | None]


def mistakes(books: Books, cost_centers: list[str],
             rng: np.random.Generator) -> tuple[list[Mistake], dict[str, Frames]]:
    """One copy per kind of mistake, each from a different cost centre where one can be found.

    Returns the mistakes and, by :attr:`Mistake.file`, the frames of the workbook holding each.
    """
    found, frames, used = [], {}, set()
    order = [cost_centers[int(i)] for i in rng.permutation(len(cost_centers))]
    for make in MAKERS:
        for cc in sorted(order, key=lambda c: c in used):  # cost centres not used yet first
            made = make(books, cc, rng)
            if made:
                found.append(made[0])
                frames[made[0].file] = made[1]
                used.add(cc)
                break
    return found, frames


def write_manifest(root: Path, found: list[Mistake]) -> Path:
    """Write the manifest of the mistakes under ``root`` (the fiscal year's folder) as UTF-8 JSON."""
    manifest = root / MISTAKES_DIR / MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps([asdict(m) for m in found], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def _copy(frames: Frames) -> Frames:
    return {k: f.copy() for k, f in frames.items()}


def _file(code: str, cc: str) -> str:
    return f"{MISTAKES_DIR}/{code}_{cc}.xlsx"


def _over_allocated(books: Books, cc: str, rng: np.random.Generator) -> Made | None:
    """B01: a unit's allocation typed as the whole transfer while other units also got part of it."""
    frames = _copy(books[(cc, "allocations")])
    allocs, transfers = frames["allocations"], frames["transfers"]
    shared = allocs.groupby("transfer_no")["unit_code"].transform("size") > 1
    if not shared.any():
        return None
    row = int(pick(rng, allocs.index[shared].tolist()))
    number = allocs.at[row, "transfer_no"]
    amount = float(transfers.loc[transfers["transfer_no"] == number, "amount"].iloc[0])
    allocs.at[row, "amount"] = amount
    mistake = Mistake(_file("B01_over_allocated", cc), "allocations", cc, "allocations", row + 2, "amount",
                      "B01", f"จัดสรรใบโอน {number} ให้หน่วยงาน {allocs.at[row, 'unit_code']} เต็มจำนวนใบโอน "
                      f"{amount:,.2f} บาท ทั้งที่จัดสรรให้หน่วยงานอื่นไปแล้ว ยอดจัดสรรรวมจึงเกินยอดรับโอน",
                      f"Transfer {number} was allocated in full ({amount:,.2f} THB) to unit "
                      f"{allocs.at[row, 'unit_code']} although other units got part of it too: "
                      "its allocations exceed the transfer.")
    return mistake, frames


def _foreign_source(books: Books, cc: str, rng: np.random.Generator) -> Made | None:
    """B05: an activity whose funding source is a transfer of the unit that its project does not draw on."""
    frames = _copy(books[(cc, "projects")])
    allocations = books[(cc, "allocations")]["allocations"]
    projects, funding, activities = frames["projects"], frames["funding"], frames["activities"]
    unit_of = dict(zip(projects["project_code"], projects["unit_code"], strict=True))
    candidates = []
    for row, activity in activities.iterrows():
        unit = unit_of[activity["project_code"]]
        own = set(funding.loc[funding["project_code"] == activity["project_code"], "transfer_no"])
        others = sorted(set(allocations.loc[allocations["unit_code"] == unit, "transfer_no"]) - own)
        if others:
            candidates.append((row, others))
    if not candidates:
        return None
    row, others = pick(rng, candidates)
    wrong = pick(rng, others)
    code = activities.at[row, "project_code"]
    activities.at[row, "source_transfer_no"] = wrong
    mistake = Mistake(_file("B05_foreign_source", cc), "projects", cc, "activities", int(row) + 2,
                      "source_transfer_no", "B05",
                      f"กิจกรรมที่ {activities.at[row, 'activity_no']} ของโครงการ {code} เลือกแหล่งงบใบโอน {wrong} "
                      "ซึ่งไม่ใช่แหล่งงบของโครงการ (เลือกผิดแถวในรายการ)",
                      f"Activity {activities.at[row, 'activity_no']} of project {code} names transfer {wrong} as its "
                      "source, which is not one of the project's funding sources (wrong pick from the list).")
    return mistake, frames


def _over_disbursed(books: Books, cc: str, rng: np.random.Generator) -> Made | None:
    """B08: a payment typed with one zero too many takes its activity over its budget."""
    frames = _copy(books[(cc, "disbursements")])
    payments = frames["payments"]
    budget = books[(cc, "projects")]["activities"].set_index(["project_code", "activity_no"])["budget"]
    disbursed = net_disbursed(payments, frames["clearings"], ["project_code", "activity_no"])
    candidates = [row for row, p in payments.iterrows() if p["kind"] == PaymentKind.PAYMENT
                  and disbursed[(p["project_code"], p["activity_no"])] + 9 * p["amount"]
                  > budget[(p["project_code"], p["activity_no"])]]
    if not candidates:
        return None
    row = int(pick(rng, candidates))
    p = payments.loc[row]
    payments.at[row, "amount"] = round(p["amount"] * 10, 2)
    mistake = Mistake(_file("B08_over_disbursed", cc), "disbursements", cc, "payments", row + 2, "amount",
                      "B08", f"เอกสาร {p['document_no']} พิมพ์จำนวนเงินเกินไปหนึ่งหลัก ({p['amount'] * 10:,.2f} แทน "
                      f"{p['amount']:,.2f} บาท) ทำให้เบิกจ่ายกิจกรรมที่ {p['activity_no']} ของโครงการ "
                      f"{p['project_code']} เกินงบกิจกรรม",
                      f"Document {p['document_no']} has one digit too many ({p['amount'] * 10:,.2f} instead of "
                      f"{p['amount']:,.2f} THB), which takes activity {p['activity_no']} of project "
                      f"{p['project_code']} over its budget.")
    return mistake, frames


def _thai_digit_dates(books: Books, cc: str, rng: np.random.Generator) -> Made | None:
    """Not an error: every transfer date typed as Thai-digit BE text, as some offices type them."""
    frames = _copy(books[(cc, "allocations")])
    transfers = frames["transfers"]
    transfers["transfer_date"] = [format_be_date(d).translate(TO_THAI_DIGITS) for d in transfers["transfer_date"]]
    mistake = Mistake(_file("OK_thai_digit_dates", cc), "allocations", cc, "transfers", 2, "transfer_date",
                      "OK", f"วันที่รับโอนทุกแถวพิมพ์เป็นข้อความเลขไทย ปี พ.ศ. เช่น {transfers.at[0, 'transfer_date']} "
                      "ระบบอ่านได้ตามปกติ ไม่ใช่ข้อผิดพลาด",
                      f"Every transfer date is typed as Thai-digit BE text, e.g. {transfers.at[0, 'transfer_date']}; "
                      "the normaliser reads it, so this is not an error.")
    return mistake, frames


MAKERS: tuple[Maker, ...] = (_over_allocated, _foreign_source, _over_disbursed, _thai_digit_dates)
