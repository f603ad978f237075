"""A deterministic demo fiscal year: every template filled the way real units fill it.

``generate`` builds, from the reference set alone, one fiscal year of a health region:
each cost centre's transfers and their lump-sum allocations to units (step 1), the
units' projects with funding sources, activities and promised outputs (step 2),
payments, cash advances and their clearing (step 3), activity, output and KPI results
per elapsed quarter (step 4), finance's GFMIS workbook, and each hospital's monthly
finance (balance sheet, income year to date, Planfin plan, IP revenue and quarterly unit
cost: seed 003's inputs, some hospitals healthy and some in financial risk). Everything honours the
column rules of the spec and the budget rules B01–B14 of DOMAIN.md, except what real
data also shows: a few projects that leave money unplanned (B07), a couple of advances
left uncleared for more than 30 days (B10), cost centres whose GFMIS figures differ
from SMS, and two or three region-8 hospitals that recorded nothing in SMS at all
(seed 000's rows of '-'). Beside the good data stand a few copies of good workbooks
with one deliberate mistake each, listed in a manifest with their exact cell.

All money is handled as integer satang while generating, so sums are exact; frames
carry baht with two decimals. Each cost centre draws from its own random stream
(seeded by the seed and its code), so one cost centre's data does not change when
another is added to the reference set.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from domain.fiscal import THAI_DIGITS, be_year, fiscal_months, fiscal_quarter, fiscal_year_bounds
from reference.reference_set import ReferenceSet
from templates import TEMPLATES
from templates.spec import Sheet
from templates.workbook import build_workbook

DEMO_FISCAL_YEAR = 2569
DEMO_AS_OF = date(2026, 3, 31)
DEMO_SEED = 2569

SMS_TEMPLATES = ("allocations", "projects", "disbursements", "outputs")
GFMIS_KEY = ("", "gfmis")
FINANCE_TEMPLATE = "hospital_finance"
MISTAKES_DIR = "mistakes"
MANIFEST = "manifest.json"

SATANG = 100  # money is generated in satang (integers), written in baht
TEN_BAHT = 10 * SATANG
HEAD_TYPES = ("สสจ.", "รพศ.", "รพท.", "สำนักงานเขตสุขภาพ")  # the unit a cost centre is named after
HOSPITAL_TYPES = ("รพศ.", "รพท.", "รพช.")
SILENT_REGION = 8
SILENT_COUNT = 3

Progress = Callable[[int, int, str], None]


# -- what the generator returns --------------------------------------------------------------------
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


@dataclass
class DemoYear:
    fiscal_year: int
    as_of: date
    # (cost_center, template_key) -> {sheet_key: frame}; finance's workbook is GFMIS_KEY ("", "gfmis")
    workbooks: dict[tuple[str, str], dict[str, pd.DataFrame]]
    mistakes: list[Mistake]
    # Mistake.file -> {sheet_key: frame}: the good workbook's frames with the one mistake in them
    mistake_workbooks: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    # cost centres that recorded nothing in SMS: only in the GFMIS workbook
    silent_cost_centers: list[str] = field(default_factory=list)

    @property
    def cost_centers(self) -> list[str]:
        """The cost centres with SMS workbooks."""
        return sorted({cc for cc, key in self.workbooks if key != "gfmis"})

    def frame(self, template: str, sheet: str) -> pd.DataFrame:
        """One sheet across every cost centre's workbook."""
        frames = [books[sheet] for (_, key), books in sorted(self.workbooks.items()) if key == template]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# -- Thai vocabulary of a health office ------------------------------------------------------------
@dataclass(frozen=True)
class _Theme:
    """A kind of project a unit runs, tied to a strategic project of the reference set."""

    strategic_project: str
    names: tuple[str, ...]
    activities: tuple[tuple[str, str, int, int], ...]  # (name, unit of measure, target low, high)
    outputs: tuple[tuple[str, str, int, int], ...]
    unit_types: tuple[str, ...]
    budget_activities: tuple[str, ...] = ()  # main activity codes whose money it spends; () = basic mission


ALL_UNITS = ("สสจ.", "สสอ.", "รพ.สต.", "รพศ.", "รพท.", "รพช.")
REGION = ("สำนักงานเขตสุขภาพ",)

THEMES: tuple[_Theme, ...] = (
    _Theme("P01-01", ("ส่งเสริมพัฒนาการเด็กปฐมวัย มหัศจรรย์ 1,000 วันแรกแห่งชีวิต",
                      "ส่งเสริมสุขภาพหญิงตั้งครรภ์และเด็กปฐมวัย"),
           (("ประชุมชี้แจงแนวทางการดำเนินงานอนามัยแม่และเด็ก", "ครั้ง", 1, 2),
            ("อบรมเจ้าหน้าที่และ อสม. คัดกรองพัฒนาการเด็กด้วยคู่มือ DSPM", "คน", 30, 120),
            ("คัดกรองและกระตุ้นพัฒนาการเด็กอายุ 0-5 ปี", "คน", 200, 1500),
            ("จัดโรงเรียนพ่อแม่ในคลินิกฝากครรภ์", "ครั้ง", 4, 12),
            ("นิเทศติดตามการดำเนินงานศูนย์พัฒนาเด็กเล็ก", "แห่ง", 5, 30)),
           (("เด็กอายุ 0-5 ปี ได้รับการคัดกรองพัฒนาการ", "คน", 300, 3000),
            ("หญิงตั้งครรภ์ฝากครรภ์ครั้งแรกก่อน 12 สัปดาห์", "คน", 50, 600)),
           ALL_UNITS),
    _Theme("P01-01", ("ช่วยเหลือเด็กและสตรีที่ถูกกระทำความรุนแรง (ศูนย์พึ่งได้ OSCC)",
                      "ป้องกันและแก้ไขปัญหาความรุนแรงในเด็กและสตรี"),
           (("ประชุมคณะทำงานศูนย์พึ่งได้", "ครั้ง", 2, 4),
            ("อบรมทีมสหวิชาชีพการช่วยเหลือผู้ถูกกระทำความรุนแรง", "คน", 20, 80),
            ("ติดตามเยี่ยมบ้านผู้ถูกกระทำความรุนแรง", "ราย", 10, 60),
            ("รณรงค์ยุติความรุนแรงต่อเด็กและสตรีในชุมชน", "ครั้ง", 1, 4)),
           (("ผู้ถูกกระทำความรุนแรงได้รับการช่วยเหลือตามมาตรฐาน", "ราย", 10, 120),
            ("ทีมสหวิชาชีพผ่านการอบรม", "คน", 20, 80)),
           ("สสจ.", "สสอ.", "รพศ.", "รพท.", "รพช."), ("N4554",)),
    _Theme("P01-02", ("ปรับเปลี่ยนพฤติกรรมสุขภาพวัยทำงาน ลดเสี่ยง ลดโรค", "องค์กรต้นแบบสุขภาพดีวัยทำงาน"),
           (("คัดกรองความเสี่ยงโรคเบาหวานและความดันโลหิตสูงในวัยทำงาน", "คน", 300, 3000),
            ("จัดค่ายปรับเปลี่ยนพฤติกรรมสุขภาพกลุ่มเสี่ยง", "คน", 40, 200),
            ("ประเมินความรอบรู้ด้านสุขภาพ (Health Literacy)", "คน", 100, 800),
            ("ประกวดองค์กรต้นแบบสุขภาพดี", "แห่ง", 3, 15)),
           (("ประชาชนวัยทำงานได้รับการประเมินพฤติกรรมสุขภาพ", "คน", 500, 5000),
            ("กลุ่มเสี่ยงเข้าร่วมปรับเปลี่ยนพฤติกรรม", "คน", 40, 300)),
           ("สสจ.", "สสอ.", "รพ.สต.", "รพช.")),
    _Theme("P01-03", ("ดูแลผู้สูงอายุที่มีภาวะพึ่งพิงระยะยาว (Long Term Care)", "ส่งเสริมสุขภาพผู้สูงอายุ"),
           (("คัดกรองสุขภาพผู้สูงอายุ 9 ด้าน", "คน", 300, 3000),
            ("อบรมผู้ดูแลผู้สูงอายุ (Caregiver)", "คน", 20, 60),
            ("เยี่ยมบ้านผู้สูงอายุที่มีภาวะพึ่งพิง", "ราย", 30, 300),
            ("จัดกิจกรรมชมรมผู้สูงอายุ", "ครั้ง", 2, 12)),
           (("ผู้สูงอายุได้รับการคัดกรองสุขภาพ", "คน", 500, 5000),
            ("ผู้สูงอายุที่มีภาวะพึ่งพิงได้รับการดูแลตาม Care Plan", "ราย", 30, 300)),
           ("สสจ.", "สสอ.", "รพ.สต.", "รพช.")),
    _Theme("P02-01", ("ขับเคลื่อนคณะกรรมการพัฒนาคุณภาพชีวิตระดับอำเภอ (พชอ.)",),
           (("ประชุมคณะกรรมการ พชอ.", "ครั้ง", 2, 4),
            ("ค้นหาประเด็นปัญหาสุขภาพของอำเภอ", "ประเด็น", 2, 3),
            ("ถอดบทเรียนการดำเนินงาน พชอ.", "ครั้ง", 1, 2),
            ("ประเมินคุณภาพ พชอ. ตามเกณฑ์ UCCARE", "อำเภอ", 1, 12)),
           (("ประเด็นพัฒนาคุณภาพชีวิตที่ดำเนินการสำเร็จ", "ประเด็น", 2, 4),),
           ("สสจ.", "สสอ.")),
    _Theme("P03-01", ("ป้องกันควบคุมโรคไข้เลือดออก", "ป้องกันควบคุมโรคติดต่อและภัยสุขภาพ",
                      "ลดอุบัติเหตุทางถนนช่วงเทศกาล"),
           (("รณรงค์กำจัดแหล่งเพาะพันธุ์ยุงลาย", "ครั้ง", 2, 6),
            ("สอบสวนและควบคุมโรคในพื้นที่เกิดโรค", "เหตุการณ์", 5, 40),
            ("ตั้งจุดบริการประชาชนช่วงเทศกาลปีใหม่และสงกรานต์", "จุด", 2, 10),
            ("อบรมทีมปฏิบัติการสอบสวนควบคุมโรค (CDCU)", "คน", 20, 60)),
           (("หมู่บ้านมีค่าดัชนีลูกน้ำยุงลาย (HI) ไม่เกินร้อยละ 10", "หมู่บ้าน", 20, 200),
            ("เหตุการณ์โรคติดต่อได้รับการสอบสวนภายใน 24 ชั่วโมง", "เหตุการณ์", 5, 40)),
           ALL_UNITS),
    _Theme("P03-02", ("คุ้มครองผู้บริโภคด้านผลิตภัณฑ์สุขภาพและบริการสุขภาพ",),
           (("ตรวจเฝ้าระวังสถานพยาบาลเอกชน", "แห่ง", 10, 60),
            ("ตรวจสถานประกอบการเพื่อสุขภาพ", "แห่ง", 10, 50),
            ("เก็บตัวอย่างผลิตภัณฑ์สุขภาพส่งตรวจวิเคราะห์", "ตัวอย่าง", 20, 120),
            ("อบรมแกนนำคุ้มครองผู้บริโภคในชุมชน", "คน", 30, 100)),
           (("สถานพยาบาลและสถานประกอบการได้รับการตรวจเฝ้าระวัง", "แห่ง", 20, 110),
            ("ผลิตภัณฑ์สุขภาพได้รับการตรวจวิเคราะห์", "ตัวอย่าง", 20, 120)),
           ("สสจ.",)),
    _Theme("P04-01", ("พัฒนาอนามัยสิ่งแวดล้อมโรงพยาบาล GREEN & CLEAN Hospital",
                      "บำบัดน้ำเสียและจัดการมูลฝอยติดเชื้อในสถานบริการ"),
           (("ตรวจวิเคราะห์คุณภาพน้ำทิ้งจากระบบบำบัดน้ำเสีย", "ครั้ง", 4, 12),
            ("ซ่อมบำรุงระบบบำบัดน้ำเสีย", "ระบบ", 1, 2),
            ("กำจัดมูลฝอยติดเชื้อโดยบริษัทที่ได้รับอนุญาต", "ตัน", 5, 60),
            ("อบรมการคัดแยกขยะในโรงพยาบาล", "คน", 30, 150)),
           (("โรงพยาบาลผ่านเกณฑ์ GREEN & CLEAN Hospital Challenge", "แห่ง", 1, 8),
            ("น้ำทิ้งผ่านเกณฑ์มาตรฐานคุณภาพน้ำทิ้ง", "ครั้ง", 4, 12)),
           ("สสจ.", "รพศ.", "รพท.", "รพช."), ("N4536", "N4564")),
    _Theme("P05-01", ("พัฒนาหน่วยบริการปฐมภูมิและเครือข่ายหน่วยบริการปฐมภูมิ (PCU/NPCU)",),
           (("ประชุมทีมหมอครอบครัว", "ครั้ง", 2, 6),
            ("อบรมการใช้ Application สำหรับ PCC", "คน", 20, 80),
            ("ประเมินหน่วยบริการปฐมภูมิตามเกณฑ์", "แห่ง", 2, 12),
            ("เยี่ยมบ้านผู้ป่วยติดบ้านติดเตียงโดยทีมหมอครอบครัว", "ราย", 20, 200)),
           (("หน่วยบริการปฐมภูมิเปิดดำเนินการตามเกณฑ์", "แห่ง", 2, 12),),
           ("สสจ.", "สสอ.", "รพ.สต.", "รพช.")),
    _Theme("P05-02", ("พัฒนาศักยภาพ อสม. สู่ อสม. หมอประจำบ้าน",),
           (("อบรมฟื้นฟูความรู้ อสม.", "คน", 50, 400),
            ("ติดตามการดูแลผู้ป่วยกลุ่มเป้าหมายโดย อสม. หมอประจำบ้าน", "ราย", 30, 300),
            ("ประกวด อสม. ดีเด่น", "ครั้ง", 1, 1),
            ("ประชุมประธาน อสม. ระดับอำเภอ", "ครั้ง", 2, 4)),
           (("อสม. หมอประจำบ้านได้รับการพัฒนาศักยภาพ", "คน", 50, 400),
            ("ผู้ป่วยกลุ่มเป้าหมายได้รับการดูแลโดย อสม.", "ราย", 30, 300)),
           ("สสจ.", "สสอ.", "รพ.สต.")),
    _Theme("P06-01", ("ป้องกันและควบคุมโรคเบาหวานและความดันโลหิตสูง (NCD Clinic Plus)",
                      "ลดภาวะแทรกซ้อนในผู้ป่วยโรคเรื้อรัง"),
           (("คัดกรองภาวะแทรกซ้อนทางตา ไต และเท้าในผู้ป่วยเบาหวาน", "คน", 200, 2500),
            ("จัดคลินิกปรับเปลี่ยนพฤติกรรมผู้ป่วยควบคุมน้ำตาลไม่ได้", "ครั้ง", 4, 24),
            ("อบรมทีมสหวิชาชีพ NCD Clinic Plus", "คน", 15, 60),
            ("ติดตามเยี่ยมบ้านผู้ป่วยเบาหวานที่ขาดนัด", "ราย", 20, 200)),
           (("ผู้ป่วยเบาหวานได้รับการตรวจ HbA1c", "คน", 300, 4000),
            ("ผู้ป่วยเบาหวานได้รับการคัดกรองภาวะแทรกซ้อน", "คน", 200, 2500)),
           ("สสอ.", "รพศ.", "รพท.", "รพช.")),
    _Theme("P06-02", ("บำบัดรักษาและฟื้นฟูผู้ป่วยยาเสพติดโดยชุมชนเป็นศูนย์กลาง (CBTx)",
                      "ติดตามดูแลผู้ผ่านการบำบัดรักษายาเสพติดอย่างต่อเนื่อง"),
           (("คัดกรองผู้ใช้ยาเสพติดในชุมชน", "คน", 50, 500),
            ("บำบัดรักษาผู้ป่วยยาเสพติดแบบผู้ป่วยนอก", "ราย", 20, 200),
            ("ติดตามผู้ผ่านการบำบัดครบ 1 ปี", "ราย", 20, 150),
            ("ประชุมเครือข่ายชุมชนล้อมรักษ์", "ครั้ง", 2, 4)),
           (("ผู้ป่วยยาเสพติดได้รับการบำบัดรักษา", "ราย", 20, 200),
            ("ผู้ผ่านการบำบัดได้รับการติดตามต่อเนื่อง", "ราย", 20, 150)),
           ("สสจ.", "สสอ.", "รพศ.", "รพท.", "รพช."), ("N4504", "N4505")),
    _Theme("P09-04", ("พัฒนาคุณภาพโรงพยาบาลสู่การรับรองมาตรฐาน HA",),
           (("เยี่ยมสำรวจภายในโดยทีมพี่เลี้ยง", "ครั้ง", 1, 3),
            ("อบรมการบริหารความเสี่ยงในโรงพยาบาล", "คน", 30, 150),
            ("ทบทวนตัวชี้วัดคุณภาพรายหน่วยงาน", "ครั้ง", 2, 4),
            ("จัดมหกรรมคุณภาพ (Quality Fair)", "ครั้ง", 1, 1)),
           (("หน่วยงานในโรงพยาบาลผ่านการประเมินคุณภาพภายใน", "หน่วยงาน", 5, 30),),
           HOSPITAL_TYPES),
    _Theme("P07-01", ("พัฒนาระบบบริการการแพทย์ฉุกเฉินและการส่งต่อ",),
           (("ฝึกซ้อมแผนรับอุบัติเหตุหมู่ (MCI)", "ครั้ง", 1, 2),
            ("อบรมการช่วยฟื้นคืนชีพขั้นสูง (ACLS)", "คน", 20, 80),
            ("พัฒนาระบบส่งต่อผู้ป่วยวิกฤต", "ครั้ง", 1, 4),
            ("อบรมอาสาสมัครกู้ชีพ (FR)", "คน", 30, 120)),
           (("บุคลากรผ่านการอบรมการช่วยชีวิต", "คน", 30, 150),),
           HOSPITAL_TYPES),
    _Theme("P08-02", ("สร้างสุของค์กร Happy MOPH",),
           (("ประเมินความสุขบุคลากร (HAPPINOMETER)", "คน", 50, 500),
            ("จัดกิจกรรมสร้างสุขบุคลากร", "ครั้ง", 2, 6),
            ("ประชุมคณะทำงานองค์กรแห่งความสุข", "ครั้ง", 2, 4)),
           (("บุคลากรได้รับการประเมินความสุข", "คน", 50, 500),),
           ("สสจ.", "รพศ.", "รพท.", "สำนักงานเขตสุขภาพ")),
    _Theme("P09-01", ("ประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน (ITA)",),
           (("ประชุมชี้แจงเกณฑ์การประเมิน ITA", "ครั้ง", 1, 2),
            ("จัดทำและเผยแพร่ข้อมูลสาธารณะบนเว็บไซต์หน่วยงาน", "ข้อ", 10, 20),
            ("ประเมินตนเองตามแบบ OIT", "ครั้ง", 1, 2)),
           (("หน่วยงานผ่านการประเมิน ITA", "แห่ง", 1, 12),),
           ("สสจ.", "สสอ.", "รพศ.", "รพท.", "รพช.", "สำนักงานเขตสุขภาพ")),
    _Theme("P09-03", ("พัฒนาองค์กรคุณภาพตามเกณฑ์คุณภาพการบริหารจัดการภาครัฐ (PMQA)",),
           (("ประชุมคณะกรรมการพัฒนาคุณภาพการบริหารจัดการ", "ครั้ง", 2, 4),
            ("จัดทำรายงานผลการดำเนินการตามหมวด 1-7", "หมวด", 7, 7),
            ("ประเมินตนเองและจัดทำแผนพัฒนาองค์กร", "ครั้ง", 1, 2)),
           (("หมวดที่ผ่านเกณฑ์ PMQA", "หมวด", 4, 7),),
           ("สสจ.", "สสอ.", "สำนักงานเขตสุขภาพ")),
    _Theme("P10-01", ("พัฒนาระบบเทคโนโลยีสารสนเทศและการแพทย์ทางไกล (Telemedicine)",
                      "โรงพยาบาลอัจฉริยะ (Smart Hospital)"),
           (("พัฒนาระบบนัดหมายและคิวออนไลน์", "ระบบ", 1, 2),
            ("อบรมการใช้ระบบ Telemedicine", "คน", 20, 100),
            ("จัดหาอุปกรณ์เครือข่ายคอมพิวเตอร์", "ชุด", 2, 20),
            ("ประเมินความมั่นคงปลอดภัยไซเบอร์", "ครั้ง", 1, 2)),
           (("ผู้ป่วยได้รับบริการผ่าน Telemedicine", "ราย", 100, 2000),),
           HOSPITAL_TYPES),
    _Theme("P10-02", ("พัฒนาระบบบริหารยุทธศาสตร์และติดตามประเมินผล (SMS)",),
           (("ประชุมติดตามการบันทึกข้อมูลในระบบ SMS", "ครั้ง", 2, 4),
            ("อบรมการบันทึกข้อมูลด้วยแบบฟอร์มมาตรฐาน", "คน", 20, 80),
            ("ตรวจติดตามผลการดำเนินงานรอบ 6 เดือน", "ครั้ง", 1, 2)),
           (("หน่วยงานบันทึกข้อมูลครบถ้วนทันเวลา", "แห่ง", 5, 20),),
           ("สสจ.", "สำนักงานเขตสุขภาพ")),
    _Theme("P11-01", ("บริหารจัดการการเงินการคลังและลดต้นทุนค่าสาธารณูปโภค",),
           (("จัดทำแผนทางการเงิน (Planfin)", "ฉบับ", 1, 1),
            ("ติดตามค่าสาธารณูปโภค ไฟฟ้า น้ำประปา โทรศัพท์", "เดือน", 12, 12),
            ("ประชุมคณะกรรมการบริหารการเงินการคลัง", "ครั้ง", 4, 12),
            ("อบรมการบันทึกบัญชีเกณฑ์คงค้าง", "คน", 10, 40)),
           (("หน่วยบริการมีแผนทางการเงินที่ผ่านการอนุมัติ", "แห่ง", 1, 10),
            ("ค่าสาธารณูปโภคลดลงจากปีที่ผ่านมา", "ร้อยละ", 5, 10)),
           ("สสจ.", "รพศ.", "รพท.", "รพช."), ("N4548",)),
    _Theme("P12-01", ("พัฒนานวัตกรรมการบริหารจัดการเขตสุขภาพ",),
           (("ประชุมคณะกรรมการเขตสุขภาพ", "ครั้ง", 2, 4),
            ("ประกวดนวัตกรรมการบริการ", "ผลงาน", 10, 40),
            ("ถอดบทเรียนนวัตกรรมเด่น", "เรื่อง", 2, 6)),
           (("นวัตกรรมที่นำไปขยายผล", "เรื่อง", 2, 6),),
           ("สำนักงานเขตสุขภาพ", "สสจ.")),
    _Theme("P08-01", ("บริหารจัดการกำลังคนด้านสุขภาพ (HRH Transformation)",),
           (("วิเคราะห์กรอบอัตรากำลังของหน่วยบริการ", "แห่ง", 10, 40),
            ("ประชุมคณะทำงานบริหารกำลังคน", "ครั้ง", 2, 4),
            ("จัดทำแผนพัฒนาบุคลากรรายสาขา", "ฉบับ", 1, 1)),
           (("หน่วยบริการมีแผนกำลังคนที่เป็นปัจจุบัน", "แห่ง", 10, 40),),
           ("สำนักงานเขตสุขภาพ",)),
)

# Which KPIs a unit of a type reports, most relevant first.
KPIS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "สสจ.": ("K02", "K03", "K04", "K05", "K06", "K07", "K10", "K19", "K17", "K01"),
    "สสอ.": ("K02", "K03", "K04", "K10", "K20", "K09"),
    "รพ.สต.": ("K02", "K03", "K10"),
    "รพศ.": ("K11", "K12", "K14", "K22", "K24", "K27", "K28", "K29", "K30", "K31"),
    "รพท.": ("K11", "K12", "K14", "K22", "K24", "K27", "K28", "K29", "K30", "K31"),
    "รพช.": ("K11", "K12", "K13", "K23", "K25", "K27", "K28", "K08"),
    "สำนักงานเขตสุขภาพ": ("K15", "K35", "K16", "K21"),
}

# Relative frequency of main activity codes on transfers: most money is basic-mission money.
ACTIVITY_WEIGHTS = {"N4526": 6.0, "N4504": 2.0, "N4505": 1.5, "N4548": 1.5, "N4536": 1.0, "N4564": 1.0,
                    "N4554": 1.0}

FIRST_NAMES_F = ("กัญญารัตน์", "สุภาพร", "วิไลวรรณ", "ปิยะนุช", "จันทร์เพ็ญ", "พรทิพย์", "อรุณี", "ศิริพร",
                 "นงลักษณ์", "รัชนี", "ดวงใจ", "พัชรินทร์")
FIRST_NAMES_M = ("สมชาย", "ประเสริฐ", "วีระพงษ์", "ธนากร", "สุริยา", "อนุชา", "กิตติศักดิ์", "ชัยวัฒน์",
                 "ณัฐพล", "บุญมี", "สมพงษ์", "ปริญญา")
SURNAMES = ("ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "พลราชม", "ศรีวงศ์", "จันทร์แก้ว", "วงศ์สวัสดิ์",
            "ภูมิพันธ์", "สุวรรณศรี", "คำภูแสน", "ชัยมงคล", "ไชยวงศ์", "มูลศรี", "นามวงศ์", "บุตรดี")
# What a payment buys and who is paid for it; None: a person (a speaker's fee, a per diem).
EXPENSES: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("ค่าอาหารกลางวันและอาหารว่างผู้เข้าร่วม", ("ร้านครัวบ้านสวน", "ร้านป้าแดงอาหารตามสั่ง")),
    ("ค่าตอบแทนวิทยากร", None),
    ("ค่าวัสดุสำนักงาน", ("ร้านรุ่งเรืองเครื่องเขียน", "ร้านสมใจพาณิชย์")),
    ("ค่าวัสดุการแพทย์", ("บริษัท เมดิคอลซัพพลาย อีสาน จำกัด",)),
    ("ค่าเบี้ยเลี้ยง ค่าที่พัก และค่าพาหนะ", None),
    ("ค่าจ้างเหมาจัดทำสื่อประชาสัมพันธ์", ("หจก.อุดรการพิมพ์",)),
    ("ค่าน้ำมันเชื้อเพลิง", ("สถานีบริการน้ำมันสหกรณ์การเกษตร",)),
    ("ค่าเช่าห้องประชุม", ("โรงแรมเจริญโฮเต็ล",)),
    ("ค่าจ้างเหมาบริการ", ("หจก.ไทยวัฒนาก่อสร้าง", "ร้านนำชัยการค้า", "บริษัท สยามไอทีโซลูชั่น จำกัด")),
)
# Expense types (other than operating, "2") a main activity's transfers sometimes carry.
OTHER_EXPENSE_TYPES = {"N4536": "3", "N4564": "3", "N4504": "4", "N4505": "4", "N4554": "4"}
PROBLEMS = ("บุคลากรไม่เพียงพอ มีภาระงานประจำมาก", "ได้รับจัดสรรงบประมาณล่าช้า เริ่มกิจกรรมได้ช้ากว่าแผน",
            "กลุ่มเป้าหมายไปทำงานต่างพื้นที่ ติดตามได้ยาก", "ต้องบันทึกข้อมูลหลายระบบ ซ้ำซ้อน",
            "สภาพอากาศไม่เอื้ออำนวยต่อการจัดกิจกรรมในชุมชน", "ขาดการประสานงานกับภาคีเครือข่ายในพื้นที่")
SUGGESTIONS = ("บูรณาการกิจกรรมร่วมกับภาคีเครือข่ายและท้องถิ่น", "ขอให้ส่วนกลางจัดสรรงบประมาณเร็วขึ้น",
               "ใช้แบบฟอร์มมาตรฐานเดียว ลดการบันทึกซ้ำซ้อน", "ติดตามกลุ่มเป้าหมายผ่านกลุ่ม LINE ของ อสม.",
               "ปรับแผนกิจกรรมไปไตรมาสถัดไปและเร่งรัดการดำเนินงาน", "จัดประชุมติดตามผลทุกเดือน")


# -- the calendar of the demo ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Year:
    fiscal_year: int
    as_of: date

    @property
    def start(self) -> date:
        return fiscal_year_bounds(self.fiscal_year)[0]

    @property
    def end(self) -> date:
        return fiscal_year_bounds(self.fiscal_year)[1]

    @property
    def last(self) -> date:
        """The last day anything can have happened on: the as-of date, or the year's end."""
        return min(self.as_of, self.end)

    @property
    def now(self) -> int:
        """Fiscal month index (0 = October) of the last day."""
        return self.month_index(self.last)

    @property
    def quarter(self) -> int:
        return fiscal_quarter(self.last)

    def month_index(self, d: date) -> int:
        return (d.year - self.start.year) * 12 + d.month - 10

    def month_bounds(self, index: int) -> tuple[date, date]:
        year, month = fiscal_months(self.fiscal_year)[index]
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return first, following - timedelta(days=1)

    def calendar_month(self, index: int) -> int:
        return fiscal_months(self.fiscal_year)[index][1]


@dataclass
class _Context:
    reference: ReferenceSet
    year: _Year
    rng: np.random.Generator


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


# -- small random helpers --------------------------------------------------------------------------
def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _day_between(rng: np.random.Generator, low: date, high: date) -> date:
    if high <= low:
        return low
    return low + timedelta(days=int(rng.integers(0, (high - low).days + 1)))


def _split(total: int, parts: int, rng: np.random.Generator, step: int = TEN_BAHT, floor: float = 0.3) -> list[int]:
    """``total`` in ``parts`` positive pieces, multiples of ``step`` but the last, adding up exactly."""
    if parts <= 1:
        return [total]
    shares = rng.dirichlet(np.full(parts, 2.0)) * (1 - floor) + floor / parts
    pieces = [max(step, int(total * s) // step * step) for s in shares[:-1]]
    pieces.append(total - sum(pieces))
    if pieces[-1] <= 0:  # too little money for uneven pieces: even ones
        even = total // parts // step * step
        pieces = [even] * (parts - 1) + [total - even * (parts - 1)]
    assert min(pieces) > 0, f"cannot split {total} in {parts} pieces of at least {step}"
    return pieces


def _person(rng: np.random.Generator) -> str:
    if rng.random() < 0.6:
        return f"{_pick(rng, ('นาง', 'นางสาว'))}{_pick(rng, FIRST_NAMES_F)} {_pick(rng, SURNAMES)}"
    return f"นาย{_pick(rng, FIRST_NAMES_M)} {_pick(rng, SURNAMES)}"


def _thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", THAI_DIGITS))


# -- which cost centres take part ------------------------------------------------------------------
def silent_cost_centers(reference: ReferenceSet, count: int = SILENT_COUNT) -> list[str]:
    """Region-8 hospital cost centres that recorded nothing in SMS (seed 000's rows of '-')."""
    provinces = reference["provinces"]
    region = set(provinces.loc[provinces["region"] == SILENT_REGION, "province_code"])
    centres = reference["cost_centers"]
    units = reference["units"]
    found = []
    for cc in sorted(centres.loc[centres["province_code"].isin(region), "cost_center"]):
        own = units[units["cost_center"] == cc]
        if len(own) == 1 and own["unit_type"].iloc[0] in HOSPITAL_TYPES:
            found.append(cc)
    return found[-count:] if count else []


def demo_cost_centers(reference: ReferenceSet) -> list[str]:
    """Cost centres that fill SMS workbooks: those with units, less the silent ones."""
    silent = set(silent_cost_centers(reference))
    with_units = set(reference["units"]["cost_center"])
    return [cc for cc in reference.codes("cost_centers") if cc in with_units and cc not in silent]


# -- step 1: transfers and allocations -------------------------------------------------------------
def _transfers(ctx: _Context, cc: str) -> list[dict]:
    rng, year = ctx.rng, ctx.year
    codes = ctx.reference["budget_activities"][["activity_code", "output_code"]].to_numpy().tolist()
    weights = np.array([ACTIVITY_WEIGHTS.get(code, 1.0) for code, _ in codes])
    expense_types = ctx.reference.codes("expense_types")
    first = year.start + timedelta(days=3)
    span = max(0, (year.last - timedelta(days=20) - first).days)
    days = np.sort(np.round(rng.beta(1.2, 2.2, size=int(rng.integers(6, 13))) * span))  # most money comes early
    tails = [c[-4:] for c in ctx.reference.codes("cost_centers")]
    prefix = cc[-4:] if tails.count(cc[-4:]) == 1 else cc  # transfer numbers stay unique across the demo
    installments: dict[str, int] = defaultdict(int)
    rows = []
    for n, day in enumerate(days, start=1):
        activity, output = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
        installments[activity] += 1
        baht = int(round(math.exp(rng.uniform(math.log(30_000), math.log(3_000_000))), -1))
        rows.append({
            "cost_center": cc, "transfer_no": f"{prefix}/{year.fiscal_year}/{n:03d}",
            "transfer_date": min(first + timedelta(days=int(day)), year.last), "output_code": output,
            "activity_code": activity, "expense_type": _expense_type(rng, activity, expense_types),
            "installment": min(installments[activity], 3), "amount": baht * SATANG,
            "note": f"ตามหนังสือ สธ 0201.042/ว{int(rng.integers(100, 9999))}" if rng.random() < 0.3 else None,
        })
    return rows


def _expense_type(rng: np.random.Generator, activity: str, codes: list[str]) -> str:
    """Operating money ("2") mostly; investment or subsidies where the main activity has them."""
    other = OTHER_EXPENSE_TYPES.get(activity)
    if other in codes and rng.random() < 0.25:
        return other
    return "2" if "2" in codes else codes[0]


def _allocations(ctx: _Context, cc: str, transfers: list[dict]) -> list[dict]:
    rng = ctx.rng
    units = ctx.reference.units_of(cc)
    codes = units["unit_code"].tolist()
    weights = np.where(units["unit_type"].isin(HEAD_TYPES), 3.0, 1.0)
    rows = []
    for t in transfers:
        most = min(4, len(codes), max(1, t["amount"] // (20_000 * SATANG)))
        chosen = rng.choice(len(codes), size=int(rng.integers(1, most + 1)), replace=False, p=weights / weights.sum())
        total = t["amount"]
        if rng.random() < 0.3:  # part of the transfer is held back at the cost centre
            total -= int(total * rng.uniform(0.01, 0.06)) // TEN_BAHT * TEN_BAHT
        when = min(t["transfer_date"] + timedelta(days=int(rng.integers(0, 15))), ctx.year.last)
        for i, amount in zip(sorted(chosen), _split(total, len(chosen), rng), strict=True):
            rows.append({"transfer_no": t["transfer_no"], "unit_code": codes[i], "allocation_date": when,
                         "amount": amount, "note": None})
    return rows


# -- step 2: projects, funding, activities, outputs ------------------------------------------------
def _assign_sources(amounts: list[int], rng: np.random.Generator) -> list[list[int]]:
    """Per project, the indices of the 1–2 allocations it draws on."""
    m = len(amounts)
    wanted = max(int(rng.integers(1, 5)), min(4, math.ceil(m / 2)))  # enough projects to plan most of the money
    order = [int(i) for i in rng.permutation(m)]
    sources = [[order[j]] for j in range(min(wanted, m))]
    for i in order[len(sources):]:  # every further allocation to a project with one source, while there is one
        open_ = [s for s in sources if len(s) < 2]
        if open_:
            _pick(rng, open_).append(i)
    big = [i for i in range(m) if amounts[i] >= 100_000 * SATANG]
    for _ in range(wanted - len(sources)):  # more projects than allocations: they share a large one
        if big:
            sources.append([_pick(rng, big)])
    for s in sources:  # now and then a project tops up from a large allocation another project also uses
        extra = _pick(rng, big) if big else None
        if len(s) == 1 and extra is not None and extra not in s and rng.random() < 0.25:
            s.append(extra)
    return sources


def _draws(amounts: list[int], sources: list[list[int]], rng: np.random.Generator) -> list[dict[int, int]]:
    """Per project, {allocation index: amount drawn}; per allocation the draws add up to at most its amount."""
    draws: list[dict[int, int]] = [{} for _ in sources]
    for i, amount in enumerate(amounts):
        drawers = [j for j, s in enumerate(sources) if i in s]
        if not drawers:
            continue
        used = amount if rng.random() < 0.45 else int(amount * rng.uniform(0.85, 1.0)) // TEN_BAHT * TEN_BAHT
        for j, part in zip(drawers, _split(used, len(drawers), rng, floor=0.5), strict=True):
            draws[j][i] = part
    return draws


def _themes_for(ctx: _Context, unit_type: str, activity_code: str) -> list[_Theme]:
    known = set(ctx.reference.codes("strategic_projects"))
    fits = [t for t in THEMES if unit_type in t.unit_types and t.strategic_project in known]
    specific = [t for t in fits if activity_code in t.budget_activities]
    return specific or [t for t in fits if not t.budget_activities] or fits or [_generic_theme(ctx)]


def _generic_theme(ctx: _Context) -> _Theme:
    """A theme for a reference set none of ours fit: the first strategic project, generic work."""
    sp = ctx.reference["strategic_projects"].iloc[0]
    return _Theme(str(sp["strategic_project_code"]), (f"ขับเคลื่อนการดำเนินงาน{sp['name_th']}",),
                  (("ประชุมชี้แจงแนวทางการดำเนินงาน", "ครั้ง", 1, 2), ("อบรมพัฒนาศักยภาพผู้รับผิดชอบงาน", "คน", 20, 80),
                   ("ลงพื้นที่ดำเนินงานตามแผน", "ครั้ง", 2, 6), ("นิเทศติดตามและประเมินผล", "ครั้ง", 1, 2)),
                  (("กิจกรรมที่ดำเนินการตามแผน", "กิจกรรม", 3, 6),), ALL_UNITS + REGION)


def _choose_theme(ctx: _Context, unit_type: str, activity_code: str, used: set[str]) -> _Theme:
    themes = _themes_for(ctx, unit_type, activity_code)
    fresh = [t for t in themes if t.names[0] not in used] or themes
    theme = _pick(ctx.rng, fresh)
    used.add(theme.names[0])
    return theme


def _kpi_for(ctx: _Context, sp: str, unit_type: str) -> str | None:
    """A KPI of the strategic project that units of this type report, or none (the column is optional)."""
    kpis = ctx.reference["kpis"]
    mine = KPIS_BY_TYPE.get(unit_type, ())
    codes = [k for k in kpis.loc[kpis["strategic_project_code"] == sp, "kpi_code"] if k in mine]
    if not codes or ctx.rng.random() < 0.2:
        return None
    return _pick(ctx.rng, codes)


def _plan_of(ctx: _Context, sp: str) -> str:
    table = ctx.reference["strategic_projects"]
    return str(table.loc[table["strategic_project_code"] == sp, "plan_code"].iloc[0])


def _unit_projects(ctx: _Context, unit: dict, allocs: list[dict], transfers: dict[str, dict]) -> dict[str, list]:
    """One unit's projects with funding, activities and outputs (sheet key -> records)."""
    rng, year = ctx.rng, ctx.year
    amounts = [a["amount"] for a in allocs]
    sources = _assign_sources(amounts, rng)
    draws = _draws(amounts, sources, rng)
    rows: dict[str, list] = defaultdict(list)
    used_themes: set[str] = set()
    for n, (src, drawn) in enumerate(zip(sources, draws, strict=True), start=1):
        main = transfers[allocs[max(drawn, key=drawn.get)]["transfer_no"]]  # the money it mostly spends
        theme = _choose_theme(ctx, unit["unit_type"], main["activity_code"], used_themes)
        code = f"{unit['unit_code']}-{year.fiscal_year % 100:02d}-{n:02d}"
        start = min(max(allocs[i]["allocation_date"] for i in src) + timedelta(days=int(rng.integers(0, 15))),
                    year.last)
        end_index = max(year.month_index(start) + 1, int(rng.choice([8, 9, 10, 11], p=[0.1, 0.1, 0.1, 0.7])))
        end = year.month_bounds(min(end_index, 11))[1]
        project = {
            "unit_code": unit["unit_code"], "project_code": code,
            "project_name": f"โครงการ{_pick(rng, theme.names)} {unit['name_th']} ปีงบประมาณ {year.fiscal_year}",
            "plan_code": _plan_of(ctx, theme.strategic_project), "strategic_project_code": theme.strategic_project,
            "kpi_code": _kpi_for(ctx, theme.strategic_project, unit["unit_type"]), "start_date": start, "end_date": end,
            "budget": sum(drawn.values()), "owner": _person(rng),
        }
        rows["projects"].append(project)
        funding = {allocs[i]["transfer_no"]: amount for i, amount in sorted(drawn.items())}
        rows["funding"] += [{"project_code": code, "transfer_no": t, "amount": a} for t, a in funding.items()]
        rows["activities"] += _activities(ctx, project, theme, funding)
        rows["outputs"] += _outputs(ctx, project, theme)
    return rows


def _activity_budgets(funding: dict[str, int], rng: np.random.Generator) -> list[tuple[str, int]]:
    """(source, budget) per activity: each source's money split over its activities, to the satang."""
    counts = {source: 1 for source in funding}
    for _ in range(int(rng.integers(1, 5)) - len(funding)):
        source = _pick(rng, list(funding))
        if funding[source] // (counts[source] + 1) >= 5_000 * SATANG:
            counts[source] += 1
    budgets = [(s, b) for s in funding for b in _split(funding[s], counts[s], rng, floor=0.5)]
    if rng.random() < 0.1:  # money not yet planned to an activity: a B07 warning, as real projects show
        i = int(rng.integers(len(budgets)))
        source, budget = budgets[i]
        budgets[i] = (source, budget - max(TEN_BAHT, int(budget * rng.uniform(0.05, 0.2)) // TEN_BAHT * TEN_BAHT))
    return [budgets[int(i)] for i in rng.permutation(len(budgets))]


def _activities(ctx: _Context, project: dict, theme: _Theme, funding: dict[str, int]) -> list[dict]:
    rng, year = ctx.rng, ctx.year
    budgets = _activity_budgets(funding, rng)
    picks = sorted(rng.choice(len(theme.activities), size=min(len(budgets), len(theme.activities)), replace=False))
    names = [theme.activities[int(i)] for i in picks]
    while len(names) < len(budgets):  # more money lines than the theme has activities: follow-up rounds
        base = theme.activities[len(names) % len(theme.activities)]
        names.append((f"{base[0]} (ครั้งที่ 2)", *base[1:]))
    low, high = year.month_index(project["start_date"]), year.month_index(project["end_date"])
    months = np.sort(low + np.floor(rng.beta(1.0, 1.5, size=len(budgets)) * (high - low + 1)).astype(int))
    rows = []
    lines = zip(budgets, names, months, strict=True)
    for n, ((source, budget), (name, unit, t_low, t_high), month) in enumerate(lines, start=1):
        rows.append({"project_code": project["project_code"], "activity_no": n, "activity_name": name,
                     "budget": budget, "planned_month": year.calendar_month(int(month)),
                     "source_transfer_no": source, "target": int(rng.integers(t_low, t_high + 1)),
                     "target_unit": unit, "_month": int(month), "_unit": project["unit_code"],
                     "_start": project["start_date"]})
    return rows


def _outputs(ctx: _Context, project: dict, theme: _Theme) -> list[dict]:
    rng = ctx.rng
    picks = sorted(rng.choice(len(theme.outputs), size=int(rng.integers(1, min(2, len(theme.outputs)) + 1)),
                              replace=False))
    rows = []
    for n, i in enumerate(picks, start=1):
        name, unit, low, high = theme.outputs[int(i)]
        target = int(rng.integers(low, high + 1))
        shares = np.sort(rng.uniform([0.1, 0.35, 0.6], [0.35, 0.6, 0.85]))
        steps = [int(target * s) for s in shares] + [target]
        rows.append({"project_code": project["project_code"], "output_no": n, "output_name": name,
                     "target_unit": unit, "target": target,
                     **{f"target_q{q}": v for q, v in enumerate(np.maximum.accumulate(steps).tolist(), start=1)}})
    return rows


# -- step 3: payments, advances, clearings ---------------------------------------------------------
def _spending(ctx: _Context, activity: dict) -> list[dict]:
    """Payments and advances of one activity due by the as-of date; they add up to at most its budget."""
    rng, year = ctx.rng, ctx.year
    if activity["_month"] > year.now:
        return []
    behind = year.now - activity["_month"]
    share = rng.uniform(0.2, 0.6) if behind == 0 else rng.uniform(0.5, 0.9) if behind == 1 else rng.uniform(0.7, 1.0)
    total = int(activity["budget"] * share)
    pieces = _split(total, min(int(rng.integers(1, 5)), max(1, total // (3_000 * SATANG))), rng, step=1)
    first, last = year.month_bounds(activity["_month"])
    low = max(activity["_start"], first)
    high = min(year.last, last + timedelta(days=40))
    rows = []
    for amount, when in zip(pieces, sorted(_day_between(rng, low, high) for _ in pieces), strict=True):
        advance = amount >= 5_000 * SATANG and rng.random() < 0.2
        if advance:
            amount = amount // (100 * SATANG) * (100 * SATANG)
        rows.append({"unit_code": activity["_unit"], "document_date": when,
                     "project_code": activity["project_code"], "activity_no": activity["activity_no"],
                     "kind": "ยืม" if advance else "เบิกจ่าย", "amount": amount,
                     **_payee_and_description(rng, activity["activity_name"], advance)})
    return rows


def _payee_and_description(rng: np.random.Generator, activity_name: str, advance: bool) -> dict[str, str]:
    if advance:  # the borrower is a member of staff
        return {"payee": _person(rng), "description": f"ยืมเงินทดรองราชการ {activity_name}"}
    item, payees = _pick(rng, EXPENSES)
    return {"payee": _pick(rng, payees) if payees else _person(rng), "description": f"{item} {activity_name}"}


def _number_documents(payments: list[dict], fiscal_year: int) -> list[dict]:
    """Document numbers per unit in date order: ขบ. for payments, สย. (loan contracts) for advances."""
    payments = sorted(payments, key=lambda p: (p["unit_code"], p["document_date"], p["project_code"], p["activity_no"]))
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for p in payments:
        prefix = "สย." if p["kind"] == "ยืม" else "ขบ."
        counters[p["unit_code"], prefix] += 1
        p["document_no"] = f"{prefix}{fiscal_year}/{counters[p['unit_code'], prefix]:04d}"
    return payments


def _clearings(ctx: _Context, payments: list[dict]) -> list[dict]:
    """Clearing of the advances: those older than 30 days always, younger ones sometimes."""
    rng, year = ctx.rng, ctx.year
    rows = []
    for p in payments:
        if p["kind"] != "ยืม":
            continue
        age = (year.last - p["document_date"]).days
        if age <= 30 and (age < 6 or rng.random() < 0.6):
            continue
        returned = 0
        if rng.random() < 0.5:
            returned = int(p["amount"] * rng.uniform(0.02, 0.25))
        rows.append({"unit_code": p["unit_code"], "advance_document_no": p["document_no"],
                     "clearing_date": _day_between(rng, p["document_date"] + timedelta(days=5),
                                                   min(year.last, p["document_date"] + timedelta(days=28))),
                     "spent": p["amount"] - returned, "returned": returned,
                     "note": "คืนเงินสดเหลือจ่าย" if returned else None, "_advance_date": p["document_date"]})
    rows.sort(key=lambda c: (c["unit_code"], c["clearing_date"], c["advance_document_no"]))
    counters: dict[str, int] = defaultdict(int)
    for c in rows:
        counters[c["unit_code"]] += 1
        c["document_no"] = f"ลย.{year.fiscal_year}/{counters[c['unit_code']]:04d}"
    return rows


# -- step 4: results -------------------------------------------------------------------------------
def _activity_results(ctx: _Context, activity: dict) -> list[dict]:
    rng, year = ctx.rng, ctx.year
    if activity["_month"] > year.now:
        return []
    planned_quarter = activity["_month"] // 3 + 1
    done, result, rows = False, 0, []
    for q in range(planned_quarter, year.quarter + 1):
        if q > planned_quarter:
            done = done or rng.random() < 0.85
        elif q < year.quarter:
            done = rng.random() < 0.5
        else:
            done = activity["_month"] < year.now and rng.random() < 0.4
        target = activity["target"]
        result = target if done else max(result, int(round(target * rng.uniform(0.2, 0.8))))
        rows.append({"project_code": activity["project_code"], "activity_no": activity["activity_no"], "quarter": q,
                     "status": "เสร็จสิ้น" if done else "กำลังดำเนินการ", "result": result,
                     "result_note": "ดำเนินการแล้วเสร็จตามแผน" if done
                     else f"ดำเนินการแล้ว {result:,} {activity['target_unit']}"})
    return rows


def _output_results(ctx: _Context, output: dict) -> list[dict]:
    rng = ctx.rng
    lagging = rng.random() < 0.25
    rows, result = [], 0
    for q in range(1, ctx.year.quarter + 1):
        planned = output[f"target_q{q}"]
        factor = rng.uniform(0.55, 0.9) if lagging else rng.uniform(0.9, 1.12)
        result = max(result, int(round(planned * factor)))
        below = result < planned
        rows.append({"project_code": output["project_code"], "output_no": output["output_no"], "quarter": q,
                     "result": result, "problems": _pick(rng, PROBLEMS) if below else None,
                     "suggestions": _pick(rng, SUGGESTIONS) if below or rng.random() < 0.1 else None})
    return rows


def _unit_kpis(ctx: _Context, unit: dict, project_kpis: list[str]) -> list[str]:
    known = set(ctx.reference.codes("kpis"))
    ordered = list(dict.fromkeys([*project_kpis, *KPIS_BY_TYPE.get(unit["unit_type"], ())]))
    candidates = [k for k in ordered if k in known]
    if not candidates:
        return []
    count = min(len(candidates), int(ctx.rng.integers(2, 5)))
    own = [k for k in dict.fromkeys(project_kpis) if k in known][:count]
    rest = [k for k in candidates if k not in own]
    picks = ctx.rng.choice(len(rest), size=count - len(own), replace=False) if count > len(own) else []
    return own + [rest[int(i)] for i in sorted(picks)]


def _kpi_results(ctx: _Context, unit: dict, kpi_codes: list[str]) -> list[dict]:
    kpis = ctx.reference["kpis"].set_index("kpi_code")
    rows = []
    for code in kpi_codes:
        kpi = kpis.loc[code]
        scale = _kpi_scale(str(kpi["unit_label"]))
        denominator = _kpi_denominator(ctx.rng, scale, str(kpi["unit_label"]))
        for q in range(1, ctx.year.quarter + 1):
            anchor = kpi[f"ss_q{q}"] if pd.notna(kpi[f"ss_q{q}"]) else kpi["target"]
            numerator, result = _kpi_value(ctx.rng, float(anchor), str(kpi["direction"]), scale, denominator)
            rows.append({"unit_code": unit["unit_code"], "kpi_code": code, "quarter": q, "numerator": numerator,
                         "denominator": denominator, "result": result, "note": None})
    return rows


def _kpi_scale(label: str) -> float | None:
    """What the result is numerator / denominator times: None when the KPI is a level, score or count."""
    if "ร้อยละ" in label:
        return 100.0
    if "แสน" in label:
        return 100_000.0
    if "เท่า" in label:
        return 1.0
    return None


def _kpi_denominator(rng: np.random.Generator, scale: float | None, label: str) -> int | None:
    if scale is None:
        return None
    if scale == 100.0:
        return int(rng.integers(20, 2000))
    if scale == 1.0:  # revenue / expense, baht
        return int(rng.integers(5_000_000, 60_000_000))
    return int(rng.integers(2_000, 15_000)) if "เกิด" in label else int(rng.integers(200_000, 1_500_000))


def _kpi_value(rng: np.random.Generator, anchor: float, direction: str, scale: float | None,
               denominator: int | None) -> tuple[float | None, float]:
    """(numerator, result) near the quarter's Small Success; result = numerator / denominator × scale."""
    better = direction.startswith(">")
    value = anchor * (rng.uniform(0.85, 1.15) if better else rng.uniform(0.4, 1.2))
    if scale is None:
        if anchor <= 5:  # a level, a count of places or a pass (1) / fail (0)
            return None, float(max(0, min(round(value), math.ceil(anchor) + (anchor > 1))))
        return None, round(value, 2)
    if scale == 100.0:
        value = min(value, 100.0)
    numerator = min(round(value / scale * denominator), denominator) if scale == 100.0 else round(
        value / scale * denominator)
    return float(numerator), round(numerator / denominator * scale, 2)


# -- one cost centre's year ------------------------------------------------------------------------
def _cost_centre_year(ctx: _Context, cc: str) -> dict[str, list[dict]]:
    """Every sheet of the four SMS templates for one cost centre, as records (money in satang)."""
    rows: dict[str, list[dict]] = defaultdict(list)
    rows["transfers"] = _transfers(ctx, cc)
    rows["allocations"] = _allocations(ctx, cc, rows["transfers"])
    by_no = {t["transfer_no"]: t for t in rows["transfers"]}
    units = ctx.reference.units_of(cc).to_dict("records")
    for unit in units:
        allocs = [a for a in rows["allocations"] if a["unit_code"] == unit["unit_code"]]
        if allocs:
            for key, records in _unit_projects(ctx, unit, allocs, by_no).items():
                rows[key] += records
    spending = [p for a in rows["activities"] for p in _spending(ctx, a)]
    rows["payments"] = _number_documents(spending, ctx.year.fiscal_year)
    rows["clearings"] = _clearings(ctx, rows["payments"])
    rows["activity_results"] = [r for a in rows["activities"] for r in _activity_results(ctx, a)]
    rows["output_results"] = [r for o in rows["outputs"] for r in _output_results(ctx, o)]
    for unit in units:
        own = [p["kpi_code"] for p in rows["projects"] if p["unit_code"] == unit["unit_code"] and p["kpi_code"]]
        rows["kpi_results"] += _kpi_results(ctx, unit, _unit_kpis(ctx, unit, own))
    return rows


def _leave_uncleared(ledgers: dict[str, dict[str, list[dict]]], year: _Year, rng: np.random.Generator,
                     count: int = 2) -> None:
    """Drop the clearing of ``count`` old advances in different cost centres: B10 warnings real data has."""
    old = [(cc, c) for cc, rows in sorted(ledgers.items()) for c in rows["clearings"]
           if (year.last - c["_advance_date"]).days > 30]
    centres = sorted({cc for cc, _ in old})
    for cc in [centres[int(i)] for i in sorted(rng.choice(len(centres), size=min(count, len(centres)), replace=False))]:
        mine = [c for k, c in old if k == cc]
        chosen = _pick(rng, mine)
        ledgers[cc]["clearings"].remove(chosen)


# -- frames ----------------------------------------------------------------------------------------
def _frame(sheet: Sheet, records: list[dict]) -> pd.DataFrame:
    """Records as a frame with exactly the sheet's columns; money from satang to baht."""
    frame = pd.DataFrame(records, columns=sheet.keys)
    for col in sheet.columns:
        if col.type == "money":
            frame[col.key] = (frame[col.key].astype("float64") / SATANG).round(2)
    return frame.reset_index(drop=True)


def _workbooks(cc: str, rows: dict[str, list[dict]]) -> dict[tuple[str, str], dict[str, pd.DataFrame]]:
    return {(cc, key): {s.key: _frame(s, rows.get(s.key, [])) for s in TEMPLATES[key].sheets}
            for key in SMS_TEMPLATES}


# -- GFMIS -----------------------------------------------------------------------------------------
def _monthly(year: _Year, entries: list[tuple[date, int]]) -> np.ndarray:
    """Amounts per elapsed fiscal month (satang), from (date, amount) entries."""
    sums = np.zeros(year.now + 1, dtype=np.int64)
    for when, amount in entries:
        sums[year.month_index(when)] += amount
    return sums


def _gfmis(reference: ReferenceSet, ledgers: dict[str, dict[str, list[dict]]], year: _Year,
           seed: int) -> pd.DataFrame:
    """Finance's cumulative installment money and disbursement per cost centre and month."""
    rng = _rng(seed, 1)
    sms = sorted(ledgers)
    off = set(sms[int(i)] for i in rng.choice(len(sms), size=min(4, len(sms)), replace=False)) if sms else set()
    rows = []
    for cc in reference.codes("cost_centers"):
        cc_rng = _rng(seed, int(cc), 1)
        if cc in ledgers:
            transfers, disbursed = _sms_monthly(year, ledgers[cc])
        else:
            transfers = _monthly(year, [(t["transfer_date"], t["amount"])
                                        for t in _transfers(_Context(reference, year, _rng(seed, int(cc))), cc)])
            rates = np.sort(cc_rng.uniform(0.05, 0.45, size=len(transfers)))  # as the SMS cost centres spend
            disbursed = np.diff(np.concatenate([[0], (np.cumsum(transfers) * rates).astype(np.int64)]))
        factor = cc_rng.choice([cc_rng.uniform(0.8, 0.9), cc_rng.uniform(1.1, 1.3)]) if cc in off \
            else cc_rng.uniform(0.98, 1.03)
        installment = np.cumsum((transfers * factor * cc_rng.uniform(0.99, 1.01, size=len(transfers))).astype(np.int64)
                                // SATANG * SATANG)
        paid = np.cumsum(disbursed) * cc_rng.uniform(0.97, 1.08) + cc_rng.normal(0, 20_000 * SATANG, len(disbursed))
        paid = np.maximum.accumulate(np.maximum(paid, 0).astype(np.int64))
        for m in range(year.now + 1):
            rows.append({"cost_center": cc, "month": year.calendar_month(m),
                         "installment_money": int(installment[m]), "disbursed": int(paid[m])})
    return _frame(TEMPLATES["gfmis"].sheet("gfmis"), rows)


def _sms_monthly(year: _Year, rows: dict[str, list[dict]]) -> tuple[np.ndarray, np.ndarray]:
    """(transfers, net disbursement) per month as SMS has them: payments + advances − returned."""
    transfers = _monthly(year, [(t["transfer_date"], t["amount"]) for t in rows["transfers"]])
    paid = _monthly(year, [(p["document_date"], p["amount"]) for p in rows["payments"]])
    returned = _monthly(year, [(c["clearing_date"], c["returned"]) for c in rows["clearings"]])
    return transfers, paid - returned


# -- hospital finance (seed 003's inputs) ---------------------------------------------------------
@dataclass(frozen=True)
class _Health:
    """How a hospital's finances run, as ranges its figures are drawn from."""

    expense_ratio: tuple[float, float]  # expense ÷ revenue
    cash_ratio: tuple[float, float]  # cash ÷ current liabilities at the start of the year
    payment_days: tuple[float, float]  # drug and supply payables, in days of purchases
    other_liabilities: tuple[float, float]  # current liabilities besides drug payables, share of annual expense


HEALTH = {
    "healthy": _Health((0.82, 0.94), (1.1, 2.6), (45, 100), (0.03, 0.07)),
    "watch": _Health((0.93, 1.0), (0.75, 1.1), (80, 200), (0.05, 0.09)),
    "risk": _Health((1.0, 1.07), (0.35, 0.75), (150, 300), (0.06, 0.1)),
    "crisis": _Health((1.06, 1.12), (0.1, 0.3), (220, 360), (0.12, 0.2)),
}
HEALTH_WEIGHTS = {"healthy": 0.55, "watch": 0.25, "risk": 0.15, "crisis": 0.05}
# Trang's hospitals as seed 003 groups them: รพ.ย่านตาขาว, สิเกา, ห้วยยอด and นาโยง are watched closely.
HEALTH_OF = {"11408": "risk", "11410": "watch", "11411": "watch", "11413": "watch", "10683": "healthy"}
BIG_LEVELS = ("A", "S", "M1")  # regional, general and large community hospitals: fewer visits per bed
QUARTER_ENDS = (12, 3, 6, 9)  # unit cost (Quick Method) arrives per quarter


def _health_of(unit: str, rng: np.random.Generator) -> str:
    drawn = str(rng.choice(list(HEALTH_WEIGHTS), p=list(HEALTH_WEIGHTS.values())))
    return HEALTH_OF.get(unit, drawn)


def _hospital_months(unit: dict, year: _Year, rng: np.random.Generator) -> list[dict]:
    """One hospital's rows, one per elapsed month: balance sheet at month end, income year to date.

    Figures follow seed 003's Trang hospitals: about 2.2–3.4 million baht of revenue a bed a year,
    OPD cost 520–1,000 baht a visit, IPD cost 9,000–17,500 baht an AdjRW. Month to month the
    year-to-date flows only grow and the balance sheet drifts, so each month follows from the last.
    """
    health = HEALTH[_health_of(unit["unit_code"], rng)]
    beds = int(unit["beds"]) if pd.notna(unit["beds"]) else 30
    big = unit["service_level"] in BIG_LEVELS
    u = rng.uniform
    annual = beds * u(2.2e6, 3.4e6)
    expense_ratio = u(*health.expense_ratio)
    plan_revenue = round(annual * u(0.92, 1.06), -3)
    plan_expense = round(plan_revenue * u(0.9, 0.985), -3)
    ip_plan = round(annual * u(0.08, 0.16), 2)
    sheets = 6 if rng.random() < 0.08 else 7
    medical, schemes = u(0.6, 0.75), {"uc": u(0.5, 0.65), "csmbs": u(0.15, 0.25), "sss": u(0.04, 0.12)}
    days_target = {"uc": u(20, 80), "csmbs": u(35, 110), "sss": u(50, 140)}
    drug_share, buy_factor = u(0.14, 0.2), u(0.97, 1.06)
    inventory_days, payment_days = u(25, 90), u(*health.payment_days)
    other_liabilities = annual * expense_ratio * u(*health.other_liabilities)
    other_assets, fixed_assets = annual * u(0.005, 0.02), annual * u(0.35, 0.8)
    cash_start = u(*health.cash_ratio)
    cash_end = cash_start * u(0.85, 1.15)
    visits_a_bed = u(1000, 1500) if big else u(2500, 4500)
    cost_a_visit, adjrw_a_bed, cost_an_adjrw = u(750, 1000) if big else u(520, 900), u(60, 120), u(9000, 17500)

    def satang(baht: float) -> int:  # whole baht: the S09 decimals check misreads satang above ~90 million baht
        return int(round(baht)) * SATANG

    rows, ytd = [], defaultdict(int)
    for k in range(year.now + 1):
        month = year.calendar_month(k)
        days = (year.month_bounds(k)[1] - year.start).days + 1
        revenue = satang(annual / 12 * u(0.9, 1.12))
        expense = satang(revenue / SATANG * expense_ratio * u(0.97, 1.03))
        drug_cost = satang(expense / SATANG * drug_share * u(0.95, 1.05))
        flows = {"revenue": revenue, "expense": expense, "depreciation": satang(annual / 12 * u(0.03, 0.06)),
                 "medical_revenue": satang(revenue / SATANG * medical * u(0.97, 1.03)), "drug_cost": drug_cost,
                 "drug_purchases": satang(drug_cost / SATANG * buy_factor * u(0.95, 1.05)),
                 "ip_revenue_received": satang(ip_plan / 12 * u(0.7, 1.35))}
        for key, value in flows.items():
            ytd[key] += value
        for scheme, share in schemes.items():
            ytd[f"{scheme}_revenue"] += satang(flows["medical_revenue"] / SATANG * share)
        receivables = {f"{s}_receivable": satang(ytd[f"{s}_revenue"] / SATANG / days * days_target[s] * u(0.9, 1.1))
                       for s in schemes}
        payables = satang(ytd["drug_purchases"] / SATANG / days * payment_days * u(0.92, 1.08))
        inventory = satang(ytd["drug_cost"] / SATANG / days * inventory_days * u(0.9, 1.1))
        liabilities = payables + satang(other_liabilities * u(0.95, 1.05))
        cash = satang(liabilities / SATANG * (cash_start + (cash_end - cash_start) * k / 11) * u(0.97, 1.03))
        current = cash + sum(receivables.values()) + inventory + satang(other_assets)
        net = ytd["revenue"] - ytd["expense"]
        row = {"unit_code": unit["unit_code"], "month": month, "current_assets": current,
               "current_liabilities": liabilities, "cash": cash, "inventory": inventory,
               "total_assets": current + satang(fixed_assets), "revenue": ytd["revenue"], "expense": ytd["expense"],
               "net_income": net / SATANG, "ebitda": (net + ytd["depreciation"]) / SATANG,
               "medical_revenue": ytd["medical_revenue"], **receivables,
               **{f"{s}_revenue": ytd[f"{s}_revenue"] for s in schemes},
               "drug_payables": payables, "drug_purchases": ytd["drug_purchases"], "drug_cost": ytd["drug_cost"],
               "planfin_revenue": satang(plan_revenue), "planfin_expense": satang(plan_expense),
               "planfin_sheets": sheets, "ip_revenue_plan": satang(ip_plan),
               "ip_revenue_received": ytd["ip_revenue_received"], "note": None}
        if month in QUARTER_ENDS:  # the Quick Method's year-to-date figures, each quarter end
            share = days / 365
            visits = int(beds * visits_a_bed * share * u(0.95, 1.05))
            adjrw = round(beds * adjrw_a_bed * share * u(0.95, 1.05), 2)
            row.update(opd_visits=visits, opd_cost=satang(visits * cost_a_visit * u(0.97, 1.03)),
                       adjrw=adjrw, ipd_cost=satang(adjrw * cost_an_adjrw * u(0.97, 1.03)))
        rows.append(row)
    return rows


def hospital_units(reference: ReferenceSet, cost_center: str) -> pd.DataFrame:
    """The hospitals among a cost centre's units: they submit the hospital finance workbook."""
    units = reference.units_of(cost_center)
    return units[units["unit_type"].isin(HOSPITAL_TYPES)]


def _hospital_finance(reference: ReferenceSet, year: _Year, seed: int, cc: str) -> pd.DataFrame | None:
    """A cost centre's hospital finance rows (every hospital unit, every elapsed month), or None."""
    rows = [row for unit in hospital_units(reference, cc).sort_values("unit_code").to_dict("records")
            for row in _hospital_months(unit, year, _rng(seed, int(unit["unit_code"]), 4))]
    return _frame(TEMPLATES[FINANCE_TEMPLATE].sheet(FINANCE_TEMPLATE), rows) if rows else None


# -- mistakes --------------------------------------------------------------------------------------
def _copy(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {k: f.copy() for k, f in frames.items()}


def _mistake_file(code: str, cc: str) -> str:
    return f"{MISTAKES_DIR}/{code}_{cc}.xlsx"


def _over_allocated(books, cc: str, rng: np.random.Generator):
    """B01: a unit's allocation typed as the whole transfer while other units also got part of it."""
    frames = _copy(books[(cc, "allocations")])
    allocs, transfers = frames["allocations"], frames["transfers"]
    shared = allocs.groupby("transfer_no")["unit_code"].transform("size") > 1
    if not shared.any():
        return None
    row = int(_pick(rng, allocs.index[shared].tolist()))
    number = allocs.at[row, "transfer_no"]
    amount = float(transfers.loc[transfers["transfer_no"] == number, "amount"].iloc[0])
    allocs.at[row, "amount"] = amount
    mistake = Mistake(_mistake_file("B01_over_allocated", cc), "allocations", cc, "allocations", row + 2, "amount",
                      "B01", f"จัดสรรใบโอน {number} ให้หน่วยงาน {allocs.at[row, 'unit_code']} เต็มจำนวนใบโอน "
                      f"{amount:,.2f} บาท ทั้งที่จัดสรรให้หน่วยงานอื่นไปแล้ว ยอดจัดสรรรวมจึงเกินยอดรับโอน",
                      f"Transfer {number} was allocated in full ({amount:,.2f} THB) to unit "
                      f"{allocs.at[row, 'unit_code']} although other units got part of it too: "
                      "its allocations exceed the transfer.")
    return mistake, frames


def _foreign_source(books, cc: str, rng: np.random.Generator):
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
    row, others = _pick(rng, candidates)
    wrong = _pick(rng, others)
    code = activities.at[row, "project_code"]
    activities.at[row, "source_transfer_no"] = wrong
    mistake = Mistake(_mistake_file("B05_foreign_source", cc), "projects", cc, "activities", int(row) + 2,
                      "source_transfer_no", "B05",
                      f"กิจกรรมที่ {activities.at[row, 'activity_no']} ของโครงการ {code} เลือกแหล่งงบใบโอน {wrong} "
                      "ซึ่งไม่ใช่แหล่งงบของโครงการ (เลือกผิดแถวในรายการ)",
                      f"Activity {activities.at[row, 'activity_no']} of project {code} names transfer {wrong} as its "
                      "source, which is not one of the project's funding sources (wrong pick from the list).")
    return mistake, frames


def _disbursed(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """Disbursed per (project_code, activity_no): payments + advances − returned."""
    payments, clearings = frames["payments"], frames["clearings"]
    returned = clearings.merge(payments, left_on=["unit_code", "advance_document_no"],
                               right_on=["unit_code", "document_no"])
    paid = payments.groupby(["project_code", "activity_no"])["amount"].sum()
    back = returned.groupby(["project_code", "activity_no"])["returned"].sum()
    return paid.sub(back, fill_value=0)


def _over_disbursed(books, cc: str, rng: np.random.Generator):
    """B08: a payment typed with one zero too many takes its activity over its budget."""
    frames = _copy(books[(cc, "disbursements")])
    payments = frames["payments"]
    budget = books[(cc, "projects")]["activities"].set_index(["project_code", "activity_no"])["budget"]
    disbursed = _disbursed(frames)
    candidates = [row for row, p in payments.iterrows() if p["kind"] == "เบิกจ่าย"
                  and disbursed[(p["project_code"], p["activity_no"])] + 9 * p["amount"]
                  > budget[(p["project_code"], p["activity_no"])]]
    if not candidates:
        return None
    row = int(_pick(rng, candidates))
    p = payments.loc[row]
    payments.at[row, "amount"] = round(p["amount"] * 10, 2)
    mistake = Mistake(_mistake_file("B08_over_disbursed", cc), "disbursements", cc, "payments", row + 2, "amount",
                      "B08", f"เอกสาร {p['document_no']} พิมพ์จำนวนเงินเกินไปหนึ่งหลัก ({p['amount'] * 10:,.2f} แทน "
                      f"{p['amount']:,.2f} บาท) ทำให้เบิกจ่ายกิจกรรมที่ {p['activity_no']} ของโครงการ "
                      f"{p['project_code']} เกินงบกิจกรรม",
                      f"Document {p['document_no']} has one digit too many ({p['amount'] * 10:,.2f} instead of "
                      f"{p['amount']:,.2f} THB), which takes activity {p['activity_no']} of project "
                      f"{p['project_code']} over its budget.")
    return mistake, frames


def _thai_digit_dates(books, cc: str, rng: np.random.Generator):
    """Not an error: every transfer date typed as Thai-digit BE text, as some offices type them."""
    frames = _copy(books[(cc, "allocations")])
    transfers = frames["transfers"]
    transfers["transfer_date"] = [_thai_digits(f"{d.day}/{d.month}/{be_year(d.year)}")
                                  for d in transfers["transfer_date"]]
    mistake = Mistake(_mistake_file("OK_thai_digit_dates", cc), "allocations", cc, "transfers", 2, "transfer_date",
                      "OK", f"วันที่รับโอนทุกแถวพิมพ์เป็นข้อความเลขไทย ปี พ.ศ. เช่น {transfers.at[0, 'transfer_date']} "
                      "ระบบอ่านได้ตามปกติ ไม่ใช่ข้อผิดพลาด",
                      f"Every transfer date is typed as Thai-digit BE text, e.g. {transfers.at[0, 'transfer_date']}; "
                      "the normaliser reads it, so this is not an error.")
    return mistake, frames


MISTAKE_MAKERS = (_over_allocated, _foreign_source, _over_disbursed, _thai_digit_dates)


def _mistakes(books, cost_centers: list[str], rng: np.random.Generator):
    """One copy per kind of mistake, each from a different cost centre where one can be found."""
    mistakes, frames, used = [], {}, set()
    order = [cost_centers[int(i)] for i in rng.permutation(len(cost_centers))]
    for make in MISTAKE_MAKERS:
        for cc in sorted(order, key=lambda c: c in used):
            made = make(books, cc, rng)
            if made:
                mistakes.append(made[0])
                frames[made[0].file] = made[1]
                used.add(cc)
                break
    return mistakes, frames


# -- the public API --------------------------------------------------------------------------------
def generate(reference: ReferenceSet, fiscal_year: int = DEMO_FISCAL_YEAR, as_of: date = DEMO_AS_OF,
             seed: int = DEMO_SEED) -> DemoYear:
    """A demo fiscal year: the same arguments always give the same frames."""
    year = _Year(fiscal_year, as_of)
    if as_of < year.start:
        raise ValueError(f"as_of {as_of} is before fiscal year {fiscal_year} starts ({year.start})")
    centres = demo_cost_centers(reference)
    ledgers = {cc: _cost_centre_year(_Context(reference, year, _rng(seed, int(cc))), cc) for cc in centres}
    _leave_uncleared(ledgers, year, _rng(seed, 2))
    books: dict[tuple[str, str], dict[str, pd.DataFrame]] = {}
    for cc, rows in ledgers.items():
        books.update(_workbooks(cc, rows))
    books[GFMIS_KEY] = {"gfmis": _gfmis(reference, ledgers, year, seed)}
    for cc in centres:
        finance = _hospital_finance(reference, year, seed, cc)
        if finance is not None:
            books[(cc, FINANCE_TEMPLATE)] = {FINANCE_TEMPLATE: finance}
    mistakes, mistake_books = _mistakes(books, centres, _rng(seed, 3))
    return DemoYear(fiscal_year, as_of, books, mistakes, mistake_books, silent_cost_centers(reference))


def write_demo(out_dir: Path, reference: ReferenceSet, fiscal_year: int = DEMO_FISCAL_YEAR,
               as_of: date = DEMO_AS_OF, seed: int = DEMO_SEED, progress: Progress | None = None) -> list[Path]:
    """Write the demo year under ``out_dir/<fy>/``: per cost centre, GFMIS, the mistakes and their manifest."""
    demo = generate(reference, fiscal_year, as_of, seed)
    root = Path(out_dir) / str(fiscal_year)
    jobs = [(root / "gfmis.xlsx" if (cc, template) == GFMIS_KEY else root / cc / f"{template}.xlsx", template,
             cc or None, frames) for (cc, template), frames in sorted(demo.workbooks.items())]
    jobs += [(root / m.file, m.template, m.cost_center, demo.mistake_workbooks[m.file]) for m in demo.mistakes]
    total = len(jobs) + 1
    written = []
    for done, (path, template, cc, frames) in enumerate(jobs, start=1):
        written.append(build_workbook(TEMPLATES[template], path, reference, fiscal_year=fiscal_year,
                                      cost_center=cc, data=frames))
        if progress:
            progress(done, total, str(path.relative_to(root)))
    manifest = root / MISTAKES_DIR / MANIFEST
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps([asdict(m) for m in demo.mistakes], ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    written.append(manifest)
    if progress:
        progress(total, total, str(manifest.relative_to(root)))
    return written
