"""The few headers that depend on the report, built from the vocabulary's and the spec's words.

A column's header is normally its figure's title (:class:`reports.fmt.Col`: the spec's column or
:data:`domain.vocabulary.FIGURES`). These name the report's own target, quarter or threshold, or join two
titles over a column that lists rows of two kinds; they add numbers and signs, never new words for a figure.
"""

from __future__ import annotations

from domain.ledger import ADVANCE_OVERDUE_DAYS
from domain.vocabulary import FIGURES, Label
from templates.catalog import TEMPLATES


def either(first: Label, second: Label) -> Label:
    """A column listing rows of two kinds: ``ศูนย์ต้นทุน / หน่วยงาน`` over ``Cost centre / Unit``."""
    return Label(f"{first.th} / {second.th}", f"{first.en} / {second.en}")


def against_target(target: float) -> Label:
    """The status against the quarter's cumulative disbursement target (a fraction, reports/targets.toml):
    ``เทียบเป้า 55%`` / ``vs target 55%``."""
    words, pct = FIGURES["target_status"], f"{target * 100:g}%"
    return Label(f"{words.th} {pct}", f"{words.en} {pct}")


def of_quarter(quarter: int) -> Label:
    """A KPI's target for the quarter (its Small-Success target, else the annual one):
    ``เป้าหมายไตรมาส 2`` / ``Target of quarter 2``."""
    words = FIGURES["quarter_target"]
    return Label(f"{words.th} {quarter}", f"{words.en} {quarter}")


def overdue() -> Label:
    """Advances outstanding past rule B10's days: ``ยืมเกินกำหนด (> 30 วัน)`` / ``Overdue (> 30 days)``."""
    words = FIGURES["advances_overdue"]
    return Label(f"{words.th} (> {ADVANCE_OVERDUE_DAYS} วัน)", f"{words.en} (> {ADVANCE_OVERDUE_DAYS} days)")


def within(tolerance_pct: float) -> Label:
    """Planfin revenue and expense both within the fiscal year's tolerance (per cent, finance.health):
    ``ผลต่างไม่เกินเกณฑ์ทั้งสองด้าน (±5%)``."""
    words, band = FIGURES["planfin_verdict"], f"(±{tolerance_pct:g}%)"
    return Label(f"{words.th} {band}", f"{words.en} {band}")


def risk_column(score: int) -> Label:
    """A column of the Risk × 7 Plus matrix: the hospitals with Risk Score ``score`` (``Risk Score 3``)."""
    return Label(f"{FIGURES['risk_score'].en} {score}", "")


def quarter_column(quarter: int) -> Label:
    """A column of one fiscal quarter: ``ไตรมาส 2`` / ``Q2``."""
    words = FIGURES["quarters"]
    return Label(f"{words.th} {quarter}", f"Q{quarter}")


def kpi_column(code: str) -> Label:
    """A column of one KPI, headed by its code (its name is in the table beside it): ``K28`` / ``KPI K28``."""
    return Label(code, f"{FIGURES['indicator'].en} {code}")


def template_column(key: str) -> Label:
    """A column of one template (its recording state): the template's own title, ``บันทึกผลงาน`` / ``Results``."""
    return Label(TEMPLATES[key].th, TEMPLATES[key].en)
