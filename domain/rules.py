"""The rule catalogue: every rule id, its severity and what it checks, in Thai and English.

Column rules (S..) are the project's own; budget-balance rules (B..) are DOMAIN.md's.
The README's rule table is printed from here (``sms rules``), so it never drifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    """A catalogued rule: its stable id, severity, and what it checks in Thai and English."""

    id: str
    severity: Severity
    th: str
    en: str


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("S01", "error", "ไม่พบคอลัมน์ที่จำเป็น", "a required column is missing"),
    Rule("S02", "warning", "มีคอลัมน์ที่ไม่อยู่ในแบบฟอร์ม (ไม่อ่าน)", "a column not in the template (ignored)"),
    Rule("S03", "error", "สูตรที่ไม่มีค่าที่คำนวณไว้ หรือช่องที่มีค่าผิดพลาด เช่น #DIV/0!",
         "a formula without a calculated value, or an error value such as #DIV/0!"),
    Rule("S04", "error", "ไม่ได้กรอกค่าที่จำเป็น", "a required value is blank"),
    Rule("S05", "error", "ค่าที่อ่านไม่ได้ตามชนิดของคอลัมน์", "a value that is not of the column's type"),
    Rule("S06", "error", "รหัสไม่ตรงรูปแบบ", "a code that does not match its pattern"),
    Rule("S07", "error", "ค่าที่ไม่อยู่ในรายการให้เลือก", "a value that is not one of the choices"),
    Rule("S08", "error", "ค่าอยู่นอกช่วงที่อนุญาต", "a value outside the allowed range"),
    Rule("S09", "error", "จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง", "an amount with more than 2 decimals"),
    Rule("S10", "warning", "ไม่พบแผ่นงาน (ถือว่าไม่มีข้อมูล)", "a sheet is missing (read as empty)"),
    Rule("B01", "error", "ยอดจัดสรรของใบโอนเกินยอดโอน", "allocations of one transfer exceed the transfer's amount"),
    Rule("B02", "error", "หน่วยงานที่ได้รับจัดสรรไม่อยู่ในศูนย์ต้นทุนของใบโอน",
         "an allocation's unit does not belong to the transfer's cost centre"),
    Rule("B03", "error", "โครงการใช้เงินจากการจัดสรรหนึ่งรวมเกินยอดจัดสรร",
         "projects draw more from one allocation than was allocated"),
    Rule("B04", "error", "แหล่งงบของโครงการรวมไม่เท่างบโครงการ",
         "a project's funding sources do not add up to its budget"),
    Rule("B05", "error", "กิจกรรมต้องมีแหล่งงบเดียว และเป็นแหล่งงบของโครงการ",
         "an activity needs exactly one funding source, one of its project's"),
    Rule("B06", "error", "งบกิจกรรมจากแหล่งหนึ่งรวมเกินเงินของโครงการจากแหล่งนั้น",
         "activity budgets from one source exceed the project's funding from it"),
    Rule("B07", "warning", "งบกิจกรรมรวมน้อยกว่างบโครงการ (เงินที่ยังไม่ได้วางแผน)",
         "activity budgets add up to less than the project budget (money not planned)"),
    Rule("B08", "error", "เบิกจ่ายของกิจกรรมเกินงบกิจกรรม", "disbursed for an activity exceeds its budget"),
    Rule("B09", "error", "ล้างเงินยืม (ใช้จริง + คืน) เกินเงินยืม", "a clearing's spent + returned exceeds the advance"),
    Rule("B10", "warning", "เงินยืมยังไม่ล้างเกิน 30 วัน", "an advance not cleared 30 days after it was paid"),
    Rule("B11", "error", "อ้างถึงรหัสที่ไม่มีอยู่", "a reference to something that does not exist"),
    Rule("B12", "error", "วันที่อยู่นอกปีงบประมาณหรือหลังวันที่ข้อมูล",
         "a date outside the fiscal year or after the as-of date"),
    Rule("B13", "error", "รหัสซ้ำ", "a key that is not unique"),
    Rule("B14", "warning", "ผลงานอยู่นอกขอบเขตของตัวชี้วัด", "a result outside what its definition allows"),
)}
