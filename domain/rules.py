"""The rule catalogue: every rule id, its severity and what it checks, in Thai and English.

Column rules (S..) are the project's own; budget-balance rules (B..) are DOMAIN.md's.
The README's rule table is printed from here (``sms rules``), so it never drifts.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import Severity


@dataclass(frozen=True)
class Rule:
    """A catalogued rule: its stable id, severity, and what it checks in Thai and English."""

    id: str
    severity: Severity
    th: str
    en: str


E, W = Severity.ERROR, Severity.WARNING
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("S01", E, "ไม่พบคอลัมน์ที่จำเป็น", "a required column is missing"),
    Rule("S02", W, "มีคอลัมน์ที่ไม่อยู่ในแบบฟอร์ม (ไม่อ่าน)", "a column not in the template (ignored)"),
    Rule("S03", E, "สูตรที่ไม่มีค่าที่คำนวณไว้ หรือช่องที่มีค่าผิดพลาด เช่น #DIV/0!",
         "a formula without a calculated value, or an error value such as #DIV/0!"),
    Rule("S04", E, "ไม่ได้กรอกค่าที่จำเป็น", "a required value is blank"),
    Rule("S05", E, "ค่าที่อ่านไม่ได้ตามชนิดของคอลัมน์", "a value that is not of the column's type"),
    Rule("S06", E, "รหัสไม่ตรงรูปแบบ", "a code that does not match its pattern"),
    Rule("S07", E, "ค่าที่ไม่อยู่ในรายการให้เลือก", "a value that is not one of the choices"),
    Rule("S08", E, "ค่าอยู่นอกช่วงที่อนุญาต", "a value outside the allowed range"),
    Rule("S09", E, "จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง", "an amount with more than 2 decimals"),
    Rule("S10", W, "ไม่พบแผ่นงาน (ถือว่าไม่มีข้อมูล)", "a sheet is missing (read as empty)"),
    Rule("S11", E, "หัวคอลัมน์ซ้ำ: คอลัมน์เดียวกันมีหลายหัว (ไม่อ่านคอลัมน์ใดเลย)",
         "a header names the same column twice (neither is read)"),
    Rule("S12", W, "แผ่นงานที่แบบฟอร์มไม่ใช้และเปิดอ่านไม่ได้ (ข้าม)",
         "a sheet the template does not use cannot be opened (skipped)"),
    Rule("S13", W, "ช่องที่ดูเหมือนว่างอยู่ไกลจากข้อมูล (ไม่อ่าน)",
         "a blank-looking cell far outside the data (ignored)"),
    Rule("S14", E, "ช่องในตารางถูกผสานเซลล์ ทุกแถวต้องมีค่าของตัวเอง",
         "merged cells in the table: each row needs its own value"),
    Rule("S15", W, "แถวหรือคอลัมน์ที่ซ่อนอยู่มีข้อมูล (อ่านและนับรวม)",
         "hidden rows or columns hold data (read and counted)"),
    Rule("B01", E, "ยอดจัดสรรของใบโอนเกินยอดโอน", "allocations of one transfer exceed the transfer's amount"),
    Rule("B02", E, "หน่วยงานที่ได้รับจัดสรรไม่อยู่ในศูนย์ต้นทุนของใบโอน",
         "an allocation's unit does not belong to the transfer's cost centre"),
    Rule("B03", E, "โครงการใช้เงินจากการจัดสรรหนึ่งรวมเกินยอดจัดสรร",
         "projects draw more from one allocation than was allocated"),
    Rule("B04", E, "แหล่งงบของโครงการรวมไม่เท่างบโครงการ",
         "a project's funding sources do not add up to its budget"),
    Rule("B05", E, "กิจกรรมต้องมีแหล่งงบเดียว และเป็นแหล่งงบของโครงการ",
         "an activity needs exactly one funding source, one of its project's"),
    Rule("B06", E, "งบกิจกรรมจากแหล่งหนึ่งรวมเกินเงินของโครงการจากแหล่งนั้น",
         "activity budgets from one source exceed the project's funding from it"),
    Rule("B07", W, "งบกิจกรรมรวมน้อยกว่างบโครงการ (เงินที่ยังไม่ได้วางแผน)",
         "activity budgets add up to less than the project budget (money not planned)"),
    Rule("B08", E, "เบิกจ่ายของกิจกรรมเกินงบกิจกรรม", "disbursed for an activity exceeds its budget"),
    Rule("B09", E, "ล้างเงินยืม (ใช้จริง + คืน) เกินเงินยืม", "a clearing's spent + returned exceeds the advance"),
    Rule("B10", W, "เงินยืมยังไม่ล้างเกิน 30 วัน", "an advance not cleared 30 days after it was paid"),
    Rule("B11", E, "อ้างถึงรหัสที่ไม่มีอยู่", "a reference to something that does not exist"),
    Rule("B12", E, "วันที่อยู่นอกปีงบประมาณหรือหลังวันที่ข้อมูล",
         "a date outside the fiscal year or after the as-of date"),
    Rule("B13", E, "รหัสซ้ำ", "a key that is not unique"),
    Rule("B14", W, "ผลงานอยู่นอกขอบเขตของตัวชี้วัด", "a result outside what its definition allows"),
)}
