"""The templates themselves: every sheet and column of every standard workbook.

A column is one line. Adding one here reaches the workbook, the spec JSON, the
validators, the editor and the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.vocabulary import HospitalCriterion, KpiMeasure, PaymentKind, TemplateGroup
from templates.spec import Column as C
from templates.spec import Sheet, Template

# Patterns of the codes the Ministry uses (DOMAIN.md, "Organisation").
COST_CENTER = r"^\d{10}$"
UNIT = r"^\d{5}$"
OUTPUT_CODE = r"^\d{16}$"
ACTIVITY_CODE = r"^[A-Z]\d{4}$"
DOC_NO = r"^\S(.{0,38}\S)?$"  # a document number: 1-40 characters, no blank at either end
PROVINCE = r"^\d{2}$"

SERVICE_LEVELS = ("A", "S", "M1", "M2", "F1", "F2", "F3")
REGION_OFFICE = "สำนักงานเขตสุขภาพ"  # a health region's office: its cost centre serves the region, not a province
UNIT_TYPES = ("สสจ.", "รพศ.", "รพท.", "รพช.", "สสอ.", "รพ.สต.", REGION_OFFICE)
HOSPITAL_TYPES = ("รพศ.", "รพท.", "รพช.")  # regional, general and community hospitals: they submit hospital finance
PAYMENT_KINDS = tuple(k.value for k in PaymentKind)
ACTIVITY_STATUS = ("ยังไม่เริ่ม", "กำลังดำเนินการ", "เสร็จสิ้น", "ยกเลิก")
DIRECTIONS = (">=", ">", "<=", "<")
_TYPE = "|".join(re.escape(t) for t in UNIT_TYPES)
UNIT_TYPE_LIST = rf"^({_TYPE})(, *({_TYPE}))*$"  # unit types separated by commas: "รพศ., รพท."


# -- columns shared by several sheets -------------------------------------------------------
def cost_center(**kw) -> C:
    return C("cost_center", "รหัสศูนย์ต้นทุน", "Cost centre code", "code", True, COST_CENTER,
             codes="cost_centers", help_th="รหัสศูนย์ต้นทุน 10 หลัก", help_en="10-digit cost centre code", **kw)


def unit(**kw) -> C:
    return C("unit_code", "รหัสหน่วยงาน", "Unit code", "code", True, UNIT, codes="units",
             help_th="รหัสหน่วยงาน 5 หลัก (รหัสสถานบริการ)", help_en="5-digit MOPH unit code", **kw)


def project(ref: str | None = "projects.project_code") -> C:
    return C("project_code", "รหัสโครงการ", "Project code", "code", True, DOC_NO, ref=ref,
             help_th="รหัสโครงการของหน่วยงาน", help_en="The unit's project code")


def activity_no() -> C:
    return C("activity_no", "ลำดับกิจกรรม", "Activity no.", "integer", True, minimum=1,
             ref="activities.activity_no", help_th="ลำดับที่ของกิจกรรมในโครงการ",
             help_en="Number of the activity within its project")


def quarter() -> C:
    return C("quarter", "ไตรมาส", "Quarter", "quarter", True,
             help_th="ไตรมาสของปีงบประมาณ 1 = ต.ค.-ธ.ค. ... 4 = ก.ค.-ก.ย.",
             help_en="Fiscal quarter: 1 = Oct-Dec ... 4 = Jul-Sep")


def name(th: str = "ชื่อ", en: str = "Name", key: str = "name_th", required: bool = True) -> C:
    return C(key, th, en, "text", required, width=40)


def note() -> C:
    return C("note", "หมายเหตุ", "Note", "text", width=30)


# -- allocations: step 1 of seed 001 -----------------------------------------------------
ALLOCATIONS = Template(
    "allocations", "รับโอนและจัดสรรงบประมาณ", "Transfers received and allocations", 1,
    (
        Sheet("transfers", "รับโอน", "Transfers received", (
            cost_center(),
            C("transfer_no", "เลขที่ใบโอน", "Transfer no.", "code", True, DOC_NO,
              help_th="เลขที่ใบโอนจากกลุ่มคลัง ไม่ซ้ำกัน", help_en="Finance's transfer number, unique"),
            C("transfer_date", "วันที่รับโอน", "Date received", "date", True,
              help_th="วันที่ในปีงบประมาณ เช่น 15/11/2568", help_en="A date within the fiscal year"),
            C("output_code", "รหัสผลผลิต", "Output code", "code", True, OUTPUT_CODE, codes="budget_outputs",
              help_th="รหัสผลผลิต 16 หลัก", help_en="16-digit budget output code"),
            C("activity_code", "รหัสกิจกรรมหลัก", "Main activity code", "code", True, ACTIVITY_CODE,
              codes="budget_activities", help_th="รหัสกิจกรรมหลัก 5 หลัก เช่น N4504",
              help_en="5-character main activity code, e.g. N4504"),
            C("expense_type", "ประเภทรายจ่าย", "Expense type", "code", True, codes="expense_types"),
            C("installment", "งวดที่", "Installment", "integer", True, minimum=1, maximum=12),
            C("amount", "จำนวนเงิน (บาท)", "Amount (THB)", "money", True),
            note(),
        ), primary_key=("transfer_no",),
            help_th="บันทึกใบโอนทุกใบที่ศูนย์ต้นทุนได้รับ", help_en="Every transfer the cost centre received"),
        Sheet("allocations", "จัดสรร", "Allocations to units", (
            C("transfer_no", "เลขที่ใบโอน", "Transfer no.", "code", True, DOC_NO, ref="transfers.transfer_no"),
            unit(),
            C("allocation_date", "วันที่จัดสรร", "Date allocated", "date", True),
            C("amount", "จำนวนเงินที่จัดสรร (บาท)", "Amount allocated (THB)", "money", True),
            note(),
        ), primary_key=("transfer_no", "unit_code"),
            help_th="จัดสรรเงินแต่ละใบโอนให้หน่วยงานย่อยเป็นก้อนรวม ไม่แยกรายกิจกรรม",
            help_en="Allocate each transfer to units as a lump sum, not per activity"),
    ),
    help_th="ขั้นตอนที่ 1: รับโอนเงินจากกลุ่มคลังและจัดสรรให้หน่วยงาน",
    help_en="Step 1: transfers received from finance and their allocation to units",
)

# -- projects: step 2 ---------------------------------------------------------------------
PROJECTS = Template(
    "projects", "โครงการและกิจกรรม", "Projects and activities", 1,
    (
        Sheet("projects", "โครงการ", "Projects", (
            unit(),
            project(ref=None),
            name("ชื่อโครงการ", "Project name", "project_name"),
            C("plan_code", "แผนงาน", "Plan", "code", True, codes="plans"),
            C("strategic_project_code", "โครงการยุทธศาสตร์", "Strategic project", "code",
              codes="strategic_projects"),
            C("kpi_code", "ตัวชี้วัด", "KPI", "code", codes="kpis"),
            C("start_date", "วันที่เริ่ม", "Start date", "date", planned=True),
            C("end_date", "วันที่สิ้นสุด", "End date", "date", planned=True),
            C("budget", "งบประมาณโครงการ (บาท)", "Project budget (THB)", "money", True),
            C("owner", "ผู้รับผิดชอบ", "Person responsible", "text", width=24),
        ), primary_key=("project_code",)),
        Sheet("funding", "แหล่งงบ", "Funding sources", (
            project(),
            C("transfer_no", "เลขที่ใบโอน (แหล่งงบ)", "Transfer no. (source)", "code", True, DOC_NO,
              ref="allocations.transfer_no", help_th="ใบโอนที่จัดสรรให้หน่วยงานนี้",
              help_en="A transfer allocated to this unit"),
            C("amount", "จำนวนเงินจากแหล่งนี้ (บาท)", "Amount from this source (THB)", "money", True),
        ), primary_key=("project_code", "transfer_no"),
            help_th="โครงการหนึ่งรับเงินได้มากกว่า 1 แหล่ง รวมกันต้องเท่างบโครงการ",
            help_en="A project may draw on several allocations; together they equal its budget"),
        Sheet("activities", "กิจกรรม", "Activities", (
            project(),
            C("activity_no", "ลำดับกิจกรรม", "Activity no.", "integer", True, minimum=1),
            name("ชื่อกิจกรรม", "Activity name", "activity_name"),
            C("budget", "งบประมาณกิจกรรม (บาท)", "Activity budget (THB)", "money", True),
            C("planned_month", "เดือนที่ดำเนินการ", "Planned month", "month", True),
            C("source_transfer_no", "แหล่งงบ (เลขที่ใบโอน)", "Funding source (transfer no.)", "code", True,
              DOC_NO, ref="funding.transfer_no", help_th="กิจกรรมหนึ่งมีแหล่งงบเดียว",
              help_en="Exactly one source per activity"),
            C("target", "เป้าหมาย", "Target", "number", minimum=0, percent="target_unit"),
            C("target_unit", "หน่วยนับ", "Unit of measure", "text"),
        ), primary_key=("project_code", "activity_no")),
        Sheet("outputs", "ผลผลิต", "Promised outputs", (
            project(),
            C("output_no", "ลำดับผลผลิต", "Output no.", "integer", True, minimum=1),
            name("ผลผลิต", "Output", "output_name"),
            C("target_unit", "หน่วยนับ", "Unit of measure", "text", True),
            C("target", "เป้าหมายทั้งปี", "Annual target", "number", True, minimum=0, percent="target_unit"),
            C("target_q1", "Small Success 3 เดือน", "Small Success 3 months", "number", minimum=0,
              percent="target_unit"),
            C("target_q2", "Small Success 6 เดือน", "Small Success 6 months", "number", minimum=0,
              percent="target_unit"),
            C("target_q3", "Small Success 9 เดือน", "Small Success 9 months", "number", minimum=0,
              percent="target_unit"),
            C("target_q4", "Small Success 12 เดือน", "Small Success 12 months", "number", minimum=0,
              percent="target_unit"),
        ), primary_key=("project_code", "output_no")),
    ),
    help_th="ขั้นตอนที่ 2: บันทึกโครงการ แหล่งงบ กิจกรรม และผลผลิต",
    help_en="Step 2: projects, their funding sources, activities and promised outputs",
)

# -- disbursements: step 3 ----------------------------------------------------------------
DISBURSEMENTS = Template(
    "disbursements", "เบิกจ่ายและเงินยืม", "Disbursements and advances", 1,
    (
        Sheet("payments", "เบิกจ่าย-ยืม", "Payments and advances", (
            unit(),
            C("document_no", "เลขที่เอกสาร", "Document no.", "code", True, DOC_NO),
            C("document_date", "วันที่", "Date", "date", True),
            project(ref="projects.project_code"),
            activity_no(),
            C("kind", "ประเภท", "Kind", "choice", True, choices=PAYMENT_KINDS,
              help_th="เบิกจ่าย หรือ ยืม (เงินยืมต้องล้างภายหลัง)",
              help_en="เบิกจ่าย = payment, ยืม = cash advance (cleared later)"),
            C("amount", "จำนวนเงิน (บาท)", "Amount (THB)", "money", True),
            C("payee", "ผู้รับเงิน", "Payee", "text", width=24),
            C("description", "รายการ", "Description", "text", width=40),
        ), primary_key=("unit_code", "document_no")),
        Sheet("clearings", "ล้างเงินยืม", "Advance clearings", (
            unit(),
            C("document_no", "เลขที่เอกสารล้างเงินยืม", "Clearing document no.", "code", True, DOC_NO),
            C("advance_document_no", "เลขที่เอกสารเงินยืม", "Advance document no.", "code", True, DOC_NO,
              ref="payments.document_no"),
            C("clearing_date", "วันที่ล้างเงินยืม", "Date cleared", "date", True),
            C("spent", "ใช้จ่ายจริง (บาท)", "Spent (THB)", "money", True),
            C("returned", "เงินคืน (บาท)", "Returned (THB)", "money", True),
            note(),
        ), primary_key=("unit_code", "document_no")),
    ),
    help_th="ขั้นตอนที่ 3: บันทึกเบิกจ่าย เงินยืม และการล้างเงินยืม",
    help_en="Step 3: payments, cash advances and their clearing",
)

# -- outputs (results): step 4 ------------------------------------------------------------
OUTPUTS = Template(
    "outputs", "บันทึกผลงาน", "Results", 1,
    (
        Sheet("activity_results", "ผลกิจกรรม", "Activity results", (
            project(),
            activity_no(),
            quarter(),
            C("status", "สถานะ", "Status", "choice", True, choices=ACTIVITY_STATUS),
            C("result", "ผลงาน", "Result", "number", minimum=0),
            C("result_note", "รายละเอียดผลงาน", "Result details", "text", width=40),
        ), primary_key=("project_code", "activity_no", "quarter")),
        Sheet("output_results", "ผลผลิตรายไตรมาส", "Output results", (
            project(),
            C("output_no", "ลำดับผลผลิต", "Output no.", "integer", True, minimum=1, ref="outputs.output_no"),
            quarter(),
            C("result", "ผลงานสะสม", "Cumulative result", "number", True, minimum=0),
            C("problems", "ปัญหาอุปสรรค", "Problems", "text", width=40),
            C("suggestions", "ข้อเสนอแนะ", "Suggestions", "text", width=40),
        ), primary_key=("project_code", "output_no", "quarter")),
        Sheet("kpi_results", "ผลตัวชี้วัด", "KPI results", (
            unit(),
            C("kpi_code", "ตัวชี้วัด", "KPI", "code", True, codes="kpis"),
            quarter(),
            C("numerator", "ตัวตั้ง (A)", "Numerator (A)", "number", minimum=0),
            C("denominator", "ตัวหาร (B)", "Denominator (B)", "number", minimum=0),
            C("result", "ผลลัพธ์", "Result", "number", True, percent="kpi"),
            note(),
        ), primary_key=("unit_code", "kpi_code", "quarter")),
    ),
    help_th="ขั้นตอนที่ 4: ผลกิจกรรม ผลผลิตรายไตรมาส (Small Success) และผลตัวชี้วัด",
    help_en="Step 4: activity results, quarterly output results (Small Success) and KPI results",
)

# -- gfmis: the finance office's monthly figures ------------------------------------------------
GFMIS = Template(
    "gfmis", "เงินประจำงวดและเบิกจ่าย GFMIS", "GFMIS installments and disbursements", 1,
    (
        Sheet("gfmis", "GFMIS รายเดือน", "GFMIS monthly", (
            cost_center(),
            C("month", "เดือน", "Month", "month", True),
            C("installment_money", "เงินประจำงวดสะสม (บาท)", "Installment money, cumulative (THB)", "money", True),
            C("disbursed", "เบิกจ่ายสะสม GFMIS (บาท)", "Disbursed in GFMIS, cumulative (THB)", "money", True),
        ), primary_key=("cost_center", "month")),
    ),
    group=TemplateGroup.FINANCE,
    help_th="ข้อมูลจากกองคลัง: เงินประจำงวดและการเบิกจ่ายในระบบ GFMIS สะสมถึงสิ้นเดือน",
    help_en="From the finance division: installment money and GFMIS disbursement, cumulative to month end",
)

# -- hospital finance: the inspection report's financial-health section (seed 003) ------------------
def amount(key: str, th: str, en: str, required: bool = True, **kw) -> C:
    """An amount in baht, never negative."""
    return C(key, th, en, "money", required, **kw)


def signed(key: str, th: str, en: str, required: bool = True, **kw) -> C:
    """An amount in baht that may be negative: ``number``, since ``money`` is never negative."""
    return C(key, th, en, "number", required, help_th="ติดลบได้ เช่น (1,234.00)", help_en="May be negative", **kw)


HOSPITAL_FINANCE = Template(
    "hospital_finance", "ฐานะการเงินโรงพยาบาล", "Hospital financial health", 1,
    (
        Sheet("hospital_finance", "ฐานะการเงินรายเดือน", "Hospital finance monthly", (
            unit(),
            C("month", "เดือน", "Month", "month", True, help_th="ข้อมูล ณ สิ้นเดือน", help_en="Figures at month end"),
            amount("current_assets", "สินทรัพย์หมุนเวียน (บาท)", "Current assets (THB)"),
            amount("current_liabilities", "หนี้สินหมุนเวียน (บาท)", "Current liabilities (THB)"),
            amount("cash", "เงินสดและรายการเทียบเท่าเงินสด (บาท)", "Cash and cash equivalents (THB)"),
            amount("inventory", "สินค้าและวัสดุคงเหลือ (บาท)", "Inventories (THB)"),
            amount("total_assets", "สินทรัพย์รวม (บาท)", "Total assets (THB)"),
            amount("revenue", "รวมรายได้ สะสม (บาท)", "Total revenue, YTD (THB)"),
            amount("expense", "รวมค่าใช้จ่าย สะสม (บาท)", "Total expense, YTD (THB)"),
            signed("net_income", "รายได้สูง(ต่ำ)กว่าค่าใช้จ่าย สะสม (บาท)", "Net income (NI), YTD (THB)"),
            signed("ebitda", "EBITDA สะสม (บาท)", "EBITDA, YTD (THB)"),
            signed("maintenance_fund", "เงินบำรุงคงเหลือ (หักหนี้แล้ว) (บาท)", "Maintenance fund left, net of debts (THB)",
                   False),
            amount("medical_revenue", "รายได้ค่ารักษาพยาบาล สะสม (บาท)", "Medical revenue, YTD (THB)", False),
            amount("uc_receivable", "ลูกหนี้ค่ารักษาพยาบาล UC (บาท)", "UC receivables (THB)"),
            amount("uc_revenue", "รายได้ค่ารักษาพยาบาล UC สะสม (บาท)", "UC medical revenue, YTD (THB)"),
            amount("csmbs_receivable", "ลูกหนี้ค่ารักษาพยาบาล ข้าราชการ (บาท)", "CSMBS receivables (THB)"),
            amount("csmbs_revenue", "รายได้ค่ารักษาพยาบาล ข้าราชการ สะสม (บาท)", "CSMBS medical revenue, YTD (THB)"),
            amount("sss_receivable", "ลูกหนี้ค่ารักษาพยาบาล ประกันสังคม (บาท)", "SSS receivables (THB)"),
            amount("sss_revenue", "รายได้ค่ารักษาพยาบาล ประกันสังคม สะสม (บาท)", "SSS medical revenue, YTD (THB)"),
            amount("drug_payables", "เจ้าหนี้การค้ายาและเวชภัณฑ์มิใช่ยา (บาท)", "Drug and supply payables (THB)"),
            amount("drug_purchases", "ซื้อยาและเวชภัณฑ์มิใช่ยา สะสม (บาท)", "Drug and supply purchases, YTD (THB)"),
            amount("drug_cost", "ต้นทุนยาและเวชภัณฑ์มิใช่ยาที่ใช้ไป สะสม (บาท)", "Drugs and supplies used, YTD (THB)"),
            amount("planfin_revenue", "แผนรายได้ทั้งปี Planfin (บาท)", "Planfin revenue plan, annual (THB)"),
            amount("planfin_expense", "แผนค่าใช้จ่ายทั้งปี Planfin (บาท)", "Planfin expense plan, annual (THB)"),
            C("planfin_sheets", "แผน Planfin ครบถ้วน", "Planfin sheets complete", "integer", True, minimum=0, maximum=7),
            amount("ip_revenue_plan", "ประมาณการรายรับ IP หลังปรับลดค่าแรง (บาท)", "IP revenue plan net of wages (THB)"),
            amount("ip_revenue_received", "รายรับ IP ที่ได้รับ สะสม (บาท)", "IP revenue received, YTD (THB)"),
            amount("opd_cost", "ต้นทุนบริการผู้ป่วยนอก สะสม (บาท)", "OPD service cost, YTD (THB)", False),
            C("opd_visits", "จำนวนครั้งผู้ป่วยนอก สะสม (ครั้ง)", "OPD visits, YTD", "integer", minimum=0),
            amount("ipd_cost", "ต้นทุนบริการผู้ป่วยใน สะสม (บาท)", "IPD service cost, YTD (THB)", False),
            C("adjrw", "Sum AdjRW สะสม", "Sum of AdjRW, YTD", "number", minimum=0),
            note(),
        ), primary_key=("unit_code", "month"),
            help_th="หนึ่งแถวต่อโรงพยาบาลต่อเดือน: งบดุล ณ สิ้นเดือน รายได้ค่าใช้จ่ายสะสมตั้งแต่ ต.ค. แผน Planfin ทั้งปี "
                    "และต้นทุนต่อหน่วย (กรอกเมื่อมีข้อมูล เช่น ทุกสิ้นไตรมาส)",
            help_en="One row per hospital and month: balance sheet at month end, income year to date (YTD) from "
                    "October, the annual Planfin plan, and unit-cost inputs (when known, e.g. each quarter end)"),
    ),
    group=TemplateGroup.HOSPITAL,
    help_th="ข้อมูลการเงินของโรงพยาบาลสำหรับ Risk Score, 7 Plus, Planfin, รายรับ IP และต้นทุนต่อหน่วย (การตรวจราชการ)",
    help_en="Hospital finance for the inspection report: Risk Score, 7 Plus, Planfin, IP revenue and unit cost",
)

# -- reference: the admin's code lists; every `codes=` above names one of these sheets ------------
REFERENCE = Template(
    "reference", "ข้อมูลอ้างอิง", "Reference data", 1,
    (
        Sheet("regions", "เขตสุขภาพ", "Health regions", (
            C("region", "เขตสุขภาพ", "Health region", "integer", True, minimum=1, maximum=13),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
        ), primary_key=("region",)),
        Sheet("provinces", "จังหวัด", "Provinces", (
            C("province_code", "รหัสจังหวัด", "Province code", "code", True, PROVINCE),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
            C("region", "เขตสุขภาพ", "Health region", "integer", True, minimum=1, maximum=13, codes="regions"),
        ), primary_key=("province_code",)),
        Sheet("cost_centers", "ศูนย์ต้นทุน", "Cost centres", (
            C("cost_center", "รหัสศูนย์ต้นทุน", "Cost centre code", "code", True, COST_CENTER),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
            C("province_code", "รหัสจังหวัด", "Province code", "code", True, PROVINCE, codes="provinces"),
        ), primary_key=("cost_center",)),
        Sheet("units", "หน่วยงาน", "Units", (
            C("unit_code", "รหัสหน่วยงาน", "Unit code", "code", True, UNIT),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
            C("unit_type", "ประเภทหน่วยงาน", "Unit type", "choice", True, choices=UNIT_TYPES),
            C("cost_center", "ศูนย์ต้นทุน", "Cost centre", "code", True, COST_CENTER, codes="cost_centers"),
            C("service_level", "ระดับบริการ", "Service level", "choice", choices=SERVICE_LEVELS),
            C("beds", "จำนวนเตียง", "Beds", "integer", minimum=0),
        ), primary_key=("unit_code",)),
        Sheet("budget_outputs", "ผลผลิตงบประมาณ", "Budget outputs", (
            C("output_code", "รหัสผลผลิต", "Output code", "code", True, OUTPUT_CODE),
            name(),
        ), primary_key=("output_code",)),
        Sheet("budget_activities", "กิจกรรมหลัก", "Main activities", (
            C("activity_code", "รหัสกิจกรรมหลัก", "Main activity code", "code", True, ACTIVITY_CODE),
            name(),
            C("output_code", "รหัสผลผลิต", "Output code", "code", True, OUTPUT_CODE, codes="budget_outputs"),
        ), primary_key=("activity_code",)),
        Sheet("expense_types", "ประเภทรายจ่าย", "Expense types", (
            C("expense_type", "รหัสประเภทรายจ่าย", "Expense type code", "code", True, r"^\d$"),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
        ), primary_key=("expense_type",)),
        Sheet("excellences", "ยุทธศาสตร์", "Excellence strategies", (
            C("excellence_code", "รหัสยุทธศาสตร์", "Strategy code", "code", True, r"^[A-Z]{2}$"),
            name(), name("ชื่อ (อังกฤษ)", "Name (English)", "name_en", False),
        ), primary_key=("excellence_code",)),
        Sheet("plans", "แผนงาน", "Plans", (
            C("plan_code", "รหัสแผนงาน", "Plan code", "code", True, r"^P\d{2}$"),
            name(),
            C("excellence_code", "ยุทธศาสตร์", "Strategy", "code", True, codes="excellences"),
        ), primary_key=("plan_code",)),
        Sheet("strategic_projects", "โครงการยุทธศาสตร์", "Strategic projects", (
            C("strategic_project_code", "รหัสโครงการยุทธศาสตร์", "Strategic project code", "code", True,
              r"^P\d{2}-\d{2}$"),
            name(),
            C("plan_code", "แผนงาน", "Plan", "code", True, codes="plans"),
        ), primary_key=("strategic_project_code",)),
        Sheet("kpis", "ตัวชี้วัด", "KPIs", (
            C("kpi_code", "รหัสตัวชี้วัด", "KPI code", "code", True, r"^K\d{2}$"),
            name(),
            C("strategic_project_code", "โครงการยุทธศาสตร์", "Strategic project", "code", True,
              codes="strategic_projects"),
            C("unit_label", "หน่วยนับ", "Unit of measure", "text", True),
            C("direction", "ทิศทาง", "Direction", "choice", True, choices=DIRECTIONS,
              help_th="ผ่านเกณฑ์เมื่อผลลัพธ์ (ทิศทาง) ค่าเป้าหมาย", help_en="Passes when result <direction> target"),
            C("target", "ค่าเป้าหมาย", "Target", "number", True, percent="unit_label"),
            C("target_basic", "ขั้นต้น", "Basic level", "number", percent="unit_label"),
            C("target_standard", "มาตรฐาน", "Standard level", "number", percent="unit_label"),
            C("target_advanced", "ขั้นสูง", "Advanced level", "number", percent="unit_label"),
            C("ss_q1", "Small Success 3 เดือน", "Small Success 3 months", "number", percent="unit_label"),
            C("ss_q2", "Small Success 6 เดือน", "Small Success 6 months", "number", percent="unit_label"),
            C("ss_q3", "Small Success 9 เดือน", "Small Success 9 months", "number", percent="unit_label"),
            C("ss_q4", "Small Success 12 เดือน", "Small Success 12 months", "number", percent="unit_label"),
            C("pass_rate_target", "เกณฑ์จังหวัด (% หน่วยที่ผ่าน)", "Province criterion (% units passing)",
              "number", minimum=0, maximum=100, percent="yes",
              help_th="ว่าง: จังหวัดผ่านเมื่อ ΣA ÷ ΣB (หรือ ΣA) ถึงค่าเป้าหมาย",
              help_en="Blank: the province passes when ΣA ÷ ΣB (or ΣA) meets the target"),
            C("measure", "ลักษณะผลลัพธ์", "Measure", "choice", True, choices=tuple(m.value for m in KpiMeasure),
              help_th="rate = A ÷ B × ตัวคูณ, count = จำนวน, yesno = 1/0, level = ระดับ, score = ค่ารายหน่วย",
              help_en="rate = A ÷ B × scale, count, yesno = 1/0, level, score = a value per unit"),
            C("scale", "ตัวคูณ (A ÷ B ×)", "Scale (A ÷ B ×)", "number", minimum=0,
              help_th="ร้อยละ 100, ต่อแสน 100000, เท่า 1", help_en="Per cent 100, per 100,000 100000, times 1"),
            C("unit_types", "นับเฉพาะประเภทหน่วยงาน", "Unit types counted", "text", pattern=UNIT_TYPE_LIST,
              help_th="ว่าง: ทุกประเภท; เช่น รพศ., รพท.", help_en="Blank: every type; e.g. รพศ., รพท."),
            C("computed", "คำนวณจากฐานะการเงินโรงพยาบาล", "Computed from hospital finance", "choice",
              choices=tuple(c.value for c in HospitalCriterion),
              help_th="ระบบคำนวณผลของตัวชี้วัดนี้จากข้อมูลฐานะการเงินโรงพยาบาล",
              help_en="The store computes this KPI from the hospitals' finance"),
        ), primary_key=("kpi_code",)),
    ),
    group=TemplateGroup.REFERENCE,
    help_th="ข้อมูลอ้างอิงที่ผู้ดูแลระบบดูแล: หน่วยงาน รหัสงบประมาณ แผนงาน และตัวชี้วัด",
    help_en="The admin's reference data: organisation, budget codes, plans and KPIs",
)

# The unit-facing templates, in the order of the four steps, then finance's, then the hospitals' own.
UNIT_TEMPLATES: tuple[Template, ...] = (ALLOCATIONS, PROJECTS, DISBURSEMENTS, OUTPUTS, GFMIS, HOSPITAL_FINANCE)
TEMPLATES: dict[str, Template] = {t.key: t for t in (*UNIT_TEMPLATES, REFERENCE)}
# The four steps of seed 001 in their order, which is also the order their dependencies run in.
STEPS: tuple[str, ...] = tuple(t.key for t in UNIT_TEMPLATES if t.group == TemplateGroup.STEP)


SHEETS: dict[str, tuple[Template, Sheet]] = {s.key: (t, s) for t in TEMPLATES.values() for s in t.sheets}


@dataclass(frozen=True)
class Link:
    """A foreign key: ``fields`` of a sheet must exist as ``target_fields`` of ``target``."""

    fields: tuple[str, ...]
    template: Template
    target: Sheet
    target_fields: tuple[str, ...]


def links(sheet: Sheet) -> list[Link]:
    """Every ``codes`` and ``ref`` column of a sheet as a foreign key.

    A ``ref`` to one column of a composite key takes the key's other columns
    along when this sheet has them too (an activity no. is only unique within
    its project).
    """
    out = []
    for col in sheet.columns:
        if col.codes:
            template, target = SHEETS[col.codes]
            out.append(Link((col.key,), template, target, target.primary_key[:1]))
        elif col.ref:
            sheet_key, key = col.ref.split(".")
            template, target = SHEETS[sheet_key]
            partners = [k for k in target.primary_key if k != key and k in sheet.keys]
            if partners and len(partners) == len(target.primary_key) - 1:
                out.append(Link((*partners, col.key), template, target, (*partners, key)))
            else:
                out.append(Link((col.key,), template, target, (key,)))
    return out


def get_template(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        known = ", ".join(TEMPLATES)
        raise KeyError(f"unknown template {key!r} (known: {known})") from None
