"""The vocabulary: every status, kind and computed figure, once, with its Thai and English words.

Beside the template spec (``templates/catalog.py``, which names every column a unit fills), this is
the only place a word of the domain is defined. Programs and the database keep a term's value
(``"submitted"``, ``"ยืม"``); people read its ``th`` and ``en`` (``term.label`` = "รอตรวจ / submitted").
The terms are ``StrEnum`` members, so a value read back from the database or a workbook compares
equal to its term.

- :class:`Severity`: what a finding does to a submission.
- :class:`SubmissionStatus`, :class:`Decision`: a submission's life in the store (store.workflow).
- :class:`PaymentKind`: what a row of the payments sheet is (the spec's choices come from here).
- :class:`ImportOutcome`: what happened to one workbook given to the submission service.
- :class:`TemplateGroup`: who fills a template and what for.
- :class:`Role`: who signs in to the review app.
- :class:`RecordingState`: a cost centre's recording of one template for one month (the board).
- :class:`RowChange`, :class:`AuditAction`: what changed between versions, and what the audit trail records.
- :class:`Verdict`: a report's judgement of a figure (passes, on target, achieved ...).
- :class:`KpiMeasure`, :class:`HospitalCriterion`, :class:`KpiSource`, :class:`YesNo`: how a KPI's result reads
  and adds up to a province, which KPIs the store computes, and where a reported figure came from.
- :class:`RiskGroup`: seed 003's grouping of hospitals by financial risk.
- :data:`FIGURES`: the names of computed figures, columns that are not in the spec (DOMAIN.md "Reports").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Term(StrEnum):
    """A word of the domain: its value is what programs store, ``th`` and ``en`` what people read."""

    th: str
    en: str

    def __new__(cls, value: str, th: str, en: str):
        term = str.__new__(cls, value)
        term._value_ = value
        term.th, term.en = th, en
        return term

    @property
    def label(self) -> str:
        """Thai with English beside it, as every screen and report shows a term."""
        return f"{self.th} / {self.en}"

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every term's value -> its label, for mapping a column of stored values."""
        return {t.value: t.label for t in cls}


class Severity(Term):
    """What a finding does to a submission: an error blocks it, a warning is shown and may be submitted."""

    ERROR = "error", "ผิดพลาด", "error"
    WARNING = "warning", "คำเตือน", "warning"


class SubmissionStatus(Term):
    """A stored submission's status (store.workflow moves it; only the newest accepted one is current)."""

    SUBMITTED = "submitted", "รอตรวจ", "submitted"
    APPROVED = "approved", "อนุมัติ", "approved"
    RETURNED = "returned", "ส่งกลับแก้ไข", "returned"
    REFUSED = "refused", "ไม่ผ่านการตรวจ", "refused"
    REPLACED = "replaced", "ถูกแทนที่ด้วยฉบับใหม่", "replaced by a newer version"

    @classmethod
    def accepted(cls) -> tuple[SubmissionStatus, ...]:
        """The statuses a current version can have: the newest of these is the one in force."""
        return cls.SUBMITTED, cls.APPROVED, cls.RETURNED

    @classmethod
    def kept(cls) -> tuple[SubmissionStatus, ...]:
        """The statuses of a version whose rows are stored: every one but a refusal (the history of changes)."""
        return (*cls.accepted(), cls.REPLACED)


class Decision(Term):
    """A checker's decision on a submission (store.workflow.TRANSITIONS says from which status to which)."""

    APPROVE = "approve", "อนุมัติ", "approve"
    RETURN = "return", "ส่งกลับแก้ไข", "return"
    REOPEN = "reopen", "เปิดให้แก้ไข", "reopen"


class PaymentKind(Term):
    """A row of the payments sheet: a payment, or a cash advance cleared later (DOMAIN.md step 3).

    The value is the Thai word a unit picks in the workbook's dropdown.
    """

    PAYMENT = "เบิกจ่าย", "เบิกจ่าย", "payment"
    ADVANCE = "ยืม", "เงินยืม", "cash advance"


class ImportOutcome(Term):
    """What the submission service did with one workbook."""

    STORED = "stored", "บันทึกแล้ว", "stored"
    UNCHANGED = "unchanged", "ไม่เปลี่ยนแปลง", "unchanged"
    REFUSED = "refused", "ไม่รับ (มีข้อผิดพลาด)", "refused (errors)"
    UNREADABLE = "unreadable", "อ่านไม่ได้", "unreadable"
    LOCKED = "locked", "อนุมัติแล้ว แก้ไขไม่ได้จนกว่าผู้กำกับจะเปิดให้", "approved: locked until a checker reopens it"
    FORBIDDEN = "forbidden", "ไม่มีสิทธิ์ส่งข้อมูลของศูนย์ต้นทุนนี้", "not allowed for this cost centre"

    @property
    def kept(self) -> bool:
        """Whether the workbook is (or already was) the current version after this outcome."""
        return self in (ImportOutcome.STORED, ImportOutcome.UNCHANGED)


class TemplateGroup(Term):
    """Who fills a template and what for."""

    STEP = "step", "บันทึกใน SMS (4 ขั้นตอน)", "SMS step"  # seed 001's four steps, filled by units
    FINANCE = "finance", "ข้อมูลจากกองคลัง", "from the finance division"
    HOSPITAL = "hospital", "ฐานะการเงินโรงพยาบาล", "hospital finance"
    REFERENCE = "reference", "ข้อมูลอ้างอิง", "reference data"


class Role(Term):
    """Who signs in (DOMAIN.md "Who uses it and why")."""

    MAKER = "maker", "ผู้บันทึกข้อมูล", "maker"
    CHECKER = "checker", "ผู้กำกับดูแล", "checker"
    INSPECTOR = "inspector", "ผู้ตรวจราชการ", "inspector"
    ADMIN = "admin", "ผู้ดูแลระบบ", "admin"


class RecordingState(Term):
    """One cost centre's recording of one template for one month, on the completeness board."""

    APPROVED = "approved", "อนุมัติ", "approved"
    SUBMITTED = "submitted", "รอตรวจ", "submitted"
    RETURNED = "returned", "ส่งกลับ", "returned"
    REFUSED = "refused", "ไม่ผ่าน", "refused"
    MISSING = "missing", "ยังไม่ส่ง", "missing"
    LATE = "late", "ยังไม่ส่งและเลยกำหนด", "late"


class RowChange(Term):
    """What happened to a row between two versions of a submission, matched by its sheet's primary key."""

    ADDED = "added", "เพิ่ม", "added"
    CHANGED = "changed", "แก้", "changed"
    REMOVED = "removed", "ลบ", "removed"
    UNCHANGED = "unchanged", "เหมือนเดิม", "unchanged"


class AuditAction(Term):
    """What the audit trail records besides a checker's :class:`Decision` (whose values it records as they are)."""

    IMPORT = "import", "ส่งข้อมูล", "submitted"
    REFUSED = "refused", "ไม่ผ่านการตรวจ", "refused"
    EDIT = "edit", "แก้ไขช่อง", "cell edited"
    # a checker's correction: the new version it made, and each cell it changed (store.submissions.store_snapshot)
    CORRECTED = "corrected", "แก้ไขโดยผู้ตรวจสอบ", "corrected by the checker"
    REPLACED = "replaced", "ถูกแทนที่ด้วยฉบับใหม่", "replaced by a newer version"
    REFERENCE_LOAD = "reference_load", "โหลดข้อมูลอ้างอิง", "reference data loaded"


class Verdict(Term):
    """A report's judgement of a figure against its target or criterion (seed 003's words are the values)."""

    PASS = "ผ่านเกณฑ์", "ผ่านเกณฑ์", "passes"
    FAIL = "ไม่ผ่านเกณฑ์", "ไม่ผ่านเกณฑ์", "fails"
    NA = "NA", "ไม่มีผล", "no result"
    ON_TARGET = "ถึงเป้าหมาย", "ถึงเป้าหมาย", "on target"
    BELOW_TARGET = "ต่ำกว่าเป้าหมาย", "ต่ำกว่าเป้าหมาย", "below target"
    ACHIEVED = "บรรลุ", "บรรลุ", "achieved"
    NOT_ACHIEVED = "ยังไม่บรรลุ", "ยังไม่บรรลุ", "not achieved"
    NOT_RECORDED = "ไม่ได้บันทึกใน SMS", "ไม่ได้บันทึกใน SMS", "nothing recorded in SMS"
    NO_CRITERION = "ไม่กำหนดเกณฑ์", "ไม่กำหนดเกณฑ์", "no criterion"
    DIFFERS = "ต่างจากที่คำนวณ", "ผลที่รายงานต่างจากที่คำนวณ", "reported result differs from the computed one"


class KpiMeasure(Term):
    """What a KPI's result is, and so how the province's result is formed from its units' (seed 003's KPI table).

    A KPI with a province criterion as a share of units (``pass_rate_target``) is judged on the share of units
    passing whatever its measure; otherwise a ``rate`` is judged on ΣA ÷ ΣB × its scale and a ``count`` on ΣA
    against the KPI's target. ``yesno``, ``level`` and ``score`` results are judged unit by unit only.
    """

    RATE = "rate", "อัตรา (ΣA ÷ ΣB)", "rate (ΣA ÷ ΣB)"
    COUNT = "count", "จำนวน (ΣA)", "count (ΣA)"
    YESNO = "yesno", "ใช่/ไม่ใช่ (1/0)", "yes/no (1/0)"
    LEVEL = "level", "ระดับ", "level"
    SCORE = "score", "ค่าที่วัดรายหน่วย", "value per unit"


class HospitalCriterion(Term):
    """A KPI the store computes from the hospitals' own finance (``hospital_finance``, :mod:`finance.health`),
    named in the reference's ``kpis.computed``; seed 003's criteria of its financial-management measures."""

    CRISIS = "crisis", "วิกฤตทางการเงินระดับ 7 (Risk Score 7)", "financial crisis level 7 (Risk Score 7)"
    PLANFIN_COMPLETE = "planfin_complete", "แผนทางการเงิน (Planfin) ครบ 7 แผน", "Planfin complete (7 sheets)"
    REVENUE_TO_EXPENSE = ("revenue_to_expense", "รายได้ ≥ ค่าใช้จ่าย เมื่อเทียบกับแผน",
                          "revenue ≥ expense, each against its plan")
    PLANFIN_VARIANCE = ("planfin_variance", "ผลต่างแผนและผลทั้งรายได้และค่าใช้จ่ายไม่เกินเกณฑ์",
                        "revenue and expense both within the plan's tolerance")
    SEVEN_PLUS = "seven_plus", "7 Plus ผ่าน ≥ 5 ตัว (เกรด B, A-, A)", "7 Plus: 5 or more passed (grade B or better)"
    COST_RATIO = ("cost_ratio", "สัดส่วนต้นทุนต่อรายได้ค่ารักษาไม่เกินค่ากลางกลุ่ม",
                  "cost ÷ medical revenue within the peer limit")


class KpiSource(Term):
    """Where a unit's KPI figure in a report comes from."""

    COMPUTED = "computed", "คำนวณจากฐานะการเงินในระบบ", "computed from the stored hospital finance"
    TYPED = "typed", "ตามที่หน่วยงานรายงาน", "as the unit reported"


class YesNo(Term):
    """A yes/no KPI's result as a unit types it (1 or 0)."""

    YES = "1", "ใช่", "yes"
    NO = "0", "ไม่ใช่", "no"


class RiskGroup(Term):
    """Seed 003's "การจัดกลุ่มตามความเสี่ยงด้านการเงินของหน่วยบริการ" (finance.health.risk_group gives the rule)."""

    STABLE = "stable", "กลุ่มการเงินมั่นคง", "financially stable"
    WATCH = "watch", "กลุ่มเฝ้าระวัง", "watch"
    CLOSE_WATCH = "close_watch", "กลุ่มเฝ้าระวังอย่างใกล้ชิด", "close watch"


@dataclass(frozen=True)
class Label:
    """A figure's name in Thai and English."""

    th: str
    en: str

    def __str__(self) -> str:
        return f"{self.th} / {self.en}"


# Computed figures and the store's own columns, by column key: what a table header shows for a column
# that is not in the template spec (``templates.header`` looks in the spec first, then here).
FIGURES: dict[str, Label] = {
    # places
    "region": Label("เขตสุขภาพ", "Health region"),
    "province_code": Label("จังหวัด", "Province"),
    "excellence_code": Label("ยุทธศาสตร์", "Strategy"),
    "name": Label("หน่วยงาน", "Name"),
    # money (DOMAIN.md "Reports": dashboard totals)
    "projects": Label("โครงการ", "Projects"),
    "budget": Label("งบประมาณ", "Budget"),
    "disbursed": Label("เบิกจ่าย", "Disbursed"),
    "remaining": Label("คงเหลือ", "Remaining"),
    "rate": Label("ร้อยละเบิกจ่าย", "Disbursement rate"),
    "recorded": Label("บันทึกใน SMS", "Recorded in SMS"),
    # the GFMIS vs SMS reconciliation, seed 000's columns (1)-(7) in its order
    "installment_gfmis": Label("(1) เงินประจำงวด (กองคลัง)", "Installment money (GFMIS)"),
    "received_sms": Label("(2) รับโอน (SMS)", "Transfers received (SMS)"),
    "allocated_sms": Label("(3) จัดให้โครงการ (SMS)", "Allocated to projects (SMS)"),
    "disbursed_gfmis": Label("(4) เบิกจ่าย (กองคลัง)", "Disbursed (GFMIS)"),
    "disbursed_sms": Label("(5) เบิกจ่าย (SMS)", "Disbursed (SMS)"),
    "diff_installment": Label("(6) = (1) − (2) ส่วนต่างเงินประจำงวด GFMIS กับรับโอน SMS",
                              "Installment (GFMIS) − received (SMS)"),
    "diff_disbursed": Label("(7) = (4) − (5) ส่วนต่างเบิกจ่าย GFMIS กับเบิกจ่าย SMS", "Disbursed (GFMIS) − disbursed (SMS)"),
    # the completeness board
    "template": Label("แบบฟอร์ม", "Template"),
    "month": Label("เดือน", "Month"),
    "state": Label("สถานะการบันทึก", "Recording state"),
    "pending_review": Label("รอตรวจ", "Pending review"),
    "returned": Label("ส่งกลับ", "Returned"),
    "refused_newer": Label("ส่งฉบับใหม่ไม่ผ่าน", "Newer upload refused"),
    "late": Label("เลยกำหนด (เดือน)", "Months late"),
    "covered_to": Label("ข้อมูลครบถึง", "Data complete to"),
    "cost_centres": Label("ศูนย์ต้นทุน (แห่ง)", "Cost centres"),
    "silent_centres": Label("ไม่ได้บันทึกใน SMS (แห่ง)", "Recorded nothing in SMS"),
    # submissions and their audit trail (the store's own tables)
    "id": Label("เลขที่", "Id"),
    "fiscal_year": Label("ปีงบประมาณ", "Fiscal year"),
    "version": Label("ฉบับที่", "Version"),
    "status": Label("สถานะ", "Status"),
    "rows": Label("แถว", "Rows"),
    "errors": Label("ผิดพลาด", "Errors"),
    "warnings": Label("คำเตือน", "Warnings"),
    "submitted_by": Label("ส่งโดย", "Submitted by"),
    "submitted_at": Label("เวลาส่ง", "Submitted at"),
    "at": Label("เวลา", "At"),
    "actor": Label("ผู้ทำ", "By"),
    "action": Label("การกระทำ", "Action"),
    "submission_id": Label("เลขที่ส่ง", "Submission"),
    "comment": Label("ความเห็น", "Comment"),
    "reason": Label("เหตุผล", "Reason"),  # why a checker corrected a cell (the audit row's comment)
    "sheet": Label("แผ่นงาน", "Sheet"),
    "row_number": Label("แถว", "Row"),
    "column": Label("คอลัมน์", "Column"),
    "old_value": Label("ค่าเดิม", "Old value"),
    "new_value": Label("ค่าใหม่", "New value"),
    "file_name": Label("ไฟล์", "File"),
    "locked": Label("ล็อก", "Locked"),
    "revision": Label("ครั้งที่แก้", "Revision"),
    "as_of": Label("ข้อมูล ณ วันที่", "Data as of"),
    # a finding (domain.findings.Finding), where it is and what it says
    "cell": Label("ช่อง", "Cell"),
    "rule": Label("กฎ", "Rule"),
    "severity": Label("ระดับ", "Severity"),
    "value": Label("ค่า", "Value"),
    "message_th": Label("ข้อความ", "Message (Thai)"),
    "message_en": Label("ข้อความภาษาอังกฤษ", "Message (English)"),
    "findings": Label("ปัญหา", "Findings"),
    "edits": Label("แก้ไขแล้ว", "Edits"),
    # what changed since the previous version (store.queries.submission_diff)
    "change": Label("การเปลี่ยนแปลง", "Change"),
    "changed_columns": Label("คอลัมน์ที่เปลี่ยน", "Columns changed"),
    "old_row_number": Label("แถวในฉบับก่อน", "Row in the previous version"),
    # -- the inspection reports (reports/tables/: DOMAIN.md "Reports", seeds 000 and 003), by the key of the
    # report table's column; a header that depends on the report (a quarter, a target) starts from these words
    # layout
    "no": Label("ลำดับ", "No."),
    "code": Label("รหัส", "Code"),
    "unit": Label("หน่วยงาน", "Unit"),
    "project": Label("โครงการ", "Project"),
    "flag": Label("หมายเหตุ", "Flag"),
    "verdict": Label("ผลการประเมิน", "Verdict"),
    # money per cost centre and unit (the financial report's table 1)
    "received": Label("รับโอน", "Received"),
    "allocated": Label("จัดสรรให้หน่วยงาน", "Allocated"),
    "planned": Label("แผนโครงการ", "Planned in projects"),
    "target_status": Label("เทียบเป้า", "vs target"),  # + the quarter's cumulative target, e.g. "เทียบเป้า 55%"
    "advances_outstanding": Label("เงินยืมคงค้าง", "Advances outstanding"),
    "advances_overdue": Label("ยืมเกินกำหนด", "Overdue"),  # + the days of rule B10
    # KPIs, Small Success, problems and suggestions (the KPI report)
    "indicator": Label("ตัวชี้วัด", "Indicator"),
    "quarter_target": Label("เป้าหมายไตรมาส", "Target of quarter"),  # + the quarter: the Small-Success target
    "units": Label("จำนวนหน่วยงาน", "Units"),
    "reporting": Label("รายงานผล", "Reporting"),
    "passing": Label("ผ่านเกณฑ์", "Passing"),
    "pass_rate": Label("ร้อยละที่ผ่าน", "Pass rate"),
    "achievement": Label("ร้อยละของเป้า", "% of milestone"),
    "times": Label("จำนวนครั้ง", "Times"),
    "quarters": Label("ไตรมาส", "Quarters"),
    "written_by": Label("หน่วยงานที่รายงาน", "Written by"),
    "sum_a": Label("ΣA", "Sum of numerators"),
    "sum_b": Label("ΣB", "Sum of denominators"),
    "province_result": Label("ผลงานจังหวัด", "Province result"),
    "province_criterion": Label("เกณฑ์จังหวัด", "Province criterion"),
    "disagreeing": Label("รายงานต่างจากที่คำนวณ (หน่วย)", "Units whose report differs"),
    "source": Label("ที่มาของผล", "Source"),
    "typed_result": Label("ผลที่หน่วยงานรายงาน", "As the unit reported"),
    "check": Label("ตรวจทาน", "Check"),
    # hospital financial health (seed 003): Risk Score
    "hospital": Label("โรงพยาบาล", "Hospital"),
    "hospitals": Label("จำนวน รพ.", "Hospitals"),
    "current_ratio": Label("CR", "Current ratio"),
    "quick_ratio": Label("QR", "Quick ratio"),
    "cash_ratio": Label("Cash", "Cash ratio"),
    "nwc": Label("NWC (บาท)", "Net working capital"),
    "liquidity": Label("สภาพคล่อง (0–3)", "Liquidity"),
    "risk_status": Label("สถานะ (0–2)", "Status"),
    "survival": Label("ความอยู่รอด (0–2)", "Survival"),
    "risk_score": Label("Risk Score (0–7)", "Risk Score"),
    # 7 Plus efficiency
    "operating_margin": Label("Operating Margin (EBITDA ÷ รายได้)", "Operating margin = EBITDA ÷ revenue (%)"),
    "roa": Label("ROA", "Return on assets (%)"),
    "payment_period": Label("ระยะเวลาชำระหนี้", "Payment period (days)"),
    "uc_collection_period": Label("เก็บหนี้ UC", "UC collection (days)"),
    "csmbs_collection_period": Label("เก็บหนี้ข้าราชการ", "CSMBS collection (days)"),
    "sss_collection_period": Label("เก็บหนี้ประกันสังคม", "SSS collection (days)"),
    "inventory_period": Label("สินค้าคงคลัง", "Inventory (days)"),
    "passed": Label("ผ่าน (ข้อ)", "Passed of 7"),
    "grade": Label("เกรด 7 Plus", "7 Plus grade"),
    # Planfin and IP revenue
    "revenue_plan_to_date": Label("แผนรายได้ถึงไตรมาส", "Revenue plan to date"),
    "revenue_variance_pct": Label("ผลต่างรายได้", "Revenue variance"),
    "expense_plan_to_date": Label("แผนค่าใช้จ่ายถึงไตรมาส", "Expense plan to date"),
    "expense_variance_pct": Label("ผลต่างค่าใช้จ่าย", "Expense variance"),
    "planfin_verdict": Label("ผลต่างไม่เกินเกณฑ์ทั้งสองด้าน", "Both within tolerance"),  # + the tolerance
    "revenue_to_expense": Label("(รายได้ ÷ แผน) ÷ (ค่าใช้จ่าย ÷ แผน) (เท่า)", "Revenue ÷ expense, each against plan"),
    "revenue_to_expense_verdict": Label("รายได้ ≥ ค่าใช้จ่าย เมื่อเทียบกับแผน", "Revenue ≥ expense against plan"),
    "planfin_complete_verdict": Label("แผนครบถ้วน", "Planfin complete"),
    "hospitals_complete": Label("โรงพยาบาลที่แผนครบ", "Hospitals complete"),
    "complete_share": Label("ร้อยละที่ครบ", "Share complete"),
    "ip_share_pct": Label("ร้อยละที่ได้รับ", "Share received"),
    "ip_expected_pct": Label("ร้อยละตามเวลาที่ผ่านไป", "Elapsed share"),
    # unit cost
    "unit_cost_month": Label("ข้อมูลเดือน", "Month"),
    "opd_cost_per_visit": Label("ต้นทุนต่อครั้ง OPD", "OPD cost per visit"),
    "opd_limit": Label("Mean + 1SD (OPD)", "Peer limit"),
    "opd_verdict": Label("OPD", "OPD verdict"),
    "ipd_cost_per_adjrw": Label("ต้นทุนต่อ AdjRW", "IPD cost per AdjRW"),
    "ipd_limit": Label("Mean + 1SD (IPD)", "Peer limit"),
    "ipd_verdict": Label("IPD", "IPD verdict"),
    # cost ÷ medical revenue, the inspection criteria, risk groups
    "cost_ratio": Label("สัดส่วน (2) ÷ (1)", "Cost ÷ medical revenue"),
    "cost_ratio_limit": Label("Mean + 1SD", "Peer limit"),
    "passed_criteria": Label("ผ่าน (ข้อ)", "Criteria passed"),
    "judged_criteria": Label("มีผล (ข้อ)", "Criteria judged"),
    "criteria_share": Label("ร้อยละที่ผ่าน", "Share passed"),
    "risk_group": Label("กลุ่มความเสี่ยงด้านการเงิน", "Financial risk group"),
    # the reports' glossary of the headers the wide tables show in Thai only
    "glossary": Label("อภิธานศัพท์หัวตาราง", "Glossary of table headers"),
    "term_th": Label("คำ (ภาษาไทย)", "Thai term"),
    "term_en": Label("ภาษาอังกฤษ", "English term"),
    "term_meaning": Label("ความหมาย", "Meaning"),
    "term_tables": Label("ใช้ในตาราง", "In tables"),
}

# The reconciliation's money columns, seed 000's (1)-(7) in order.
RECONCILIATION = ("installment_gfmis", "received_sms", "allocated_sms", "disbursed_gfmis", "disbursed_sms",
                  "diff_installment", "diff_disbursed")


# Columns the code computes on the way to a figure and never shows, by who computes them. Named here, beside
# the figures, so that tests/test_column_keys.py can tell them from a spec column that no longer exists.
WORKING_COLUMNS: frozenset[str] = frozenset({
    # the validators: where a row came from
    "_file", "_row",
    # domain.ledger.advances
    "cleared", "outstanding", "days", "overdue",
    # store.queries: completeness, and the changes since the previous version
    "covered", "refused_id", "refused_to", "month_end",
    # store.history: whether a version is a checker's correction (shown beside its status)
    "corrected",
    # finance.health: each indicator's point, limit, median and pass flag
    "cr_point", "qr_point", "cash_point", "nwc_point", "ni_point", "om", "opd", "ipd", "months", "survival_ratio",
    "om_median", "roa_median", "payment_limit", "om_pass", "roa_pass", "payment_pass", "inventory_pass",
    "revenue_pass", "expense_pass", "planfin_pass", "revenue_to_expense_pass", "ip_pass", "opd_pass", "ipd_pass",
    "cost_ratio_pass", "passes",
    "unit_cost_pass", "planfin_complete", "passed_without_median",
    # the reports: a row's place in a table, and the text of a figure before it is shown
    "level", "basis", "text", "plan", "strategy", "label", "criterion", "n_units", "ss_target",
    "quarter_target_text", "unit_cost_label", "advances_overdue_count", "revenue_variance", "expense_variance",
    "revenue_verdict", "expense_verdict", "ip_verdict", "cost_ratio_verdict", "risk_ok",
    # the KPI report: what a unit typed beside what the store computed, and a figure's text
    "typed_numerator", "typed_denominator", "typed_verdict", "computed_numerator", "computed_denominator",
    "computed_result", "province_result_text", "criterion_text", "result_text", "typed_text", "source_text", "mark",
    "group", "names",
    # the demo's hospital finance
    "depreciation",
})
