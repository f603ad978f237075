"""Settings of the inspection-round reports: disbursement targets, fonts, where reports go.

The quarterly disbursement targets live in ``reports/targets.toml`` (cumulative per cent of
the money received, per fiscal year, with a ``[default]`` for years it does not list). Point
``SMS_REPORT_TARGETS`` at another file of the same shape to override them; a notebook kernel
inherits the variable, so ``sms report --targets FILE`` reaches both notebooks.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from domain.errors import Reason, SmsError

TARGETS_FILE = Path(__file__).with_name("targets.toml")
TARGETS_ENV = "SMS_REPORT_TARGETS"
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
# The reports, run in this order (each notebook writes <name>.ipynb/.html/.pdf), with their titles; a province's
# two, then a health region's (sms report --region).
TITLES = {
    "financial_report": ("รายงานผลการดำเนินงานด้านการเงินและการเบิกจ่ายงบประมาณ",
                         "Financial report: transfers, allocations, disbursement and GFMIS reconciliation"),
    "kpi_report": ("รายงานผลการดำเนินงานตามตัวชี้วัดและผลผลิตโครงการ",
                   "KPI report: indicators, Small Success of project outputs, problems and suggestions"),
    "region_report": ("รายงานการกระทบยอด GFMIS กับ SMS และการบันทึกข้อมูล ระดับเขตสุขภาพ",
                      "Region report: GFMIS vs SMS reconciliation and recording, for the region's checker"),
}
NOTEBOOKS = ("financial_report", "kpi_report")
REGION_NOTEBOOKS = ("region_report",)
REPORTS_DIR = Path("outputs") / "reports"

# The reports' face, for the page (report.css) and the charts (reports.charts); the first that is installed wins.
# Thai government documents are set in TH Sarabun New / TH SarabunPSK: Laksaman (Debian's fonts-thai-tlwg, which
# scripts/setup installs) is TLWG's free derivative of TH Sarabun and prints the PDFs; Google's Sarabun and TH
# Sarabun itself where a reader's machine has them; then Loma, Garuda, Noto Sans Thai (no Latin), DejaVu Sans.
FONT_FAMILY = ("Laksaman", "Sarabun", "TH Sarabun New", "TH SarabunPSK", "Loma", "Garuda", "Noto Sans Thai",
               "DejaVu Sans")
# Laksaman's x-height (em): the page scales whichever face it gets to it (CSS font-size-adjust), because TH Sarabun
# New draws on a smaller em and would read a size smaller at the same point size. Laksaman itself is not smaller
# than Loma, the face before it (Thai letter body 0.60 em against 0.56), so the page keeps Loma's point sizes.
FONT_EX_HEIGHT = 0.511


def css_font_stack() -> str:
    """:data:`FONT_FAMILY` as a CSS ``font-family`` value, names with a space quoted, ``sans-serif`` last."""
    return ", ".join(f'"{f}"' if " " in f else f for f in FONT_FAMILY) + ", sans-serif"


class TargetsError(SmsError, ValueError):
    """The disbursement-targets file cannot be read or does not hold a year's targets as it must."""

    reason = Reason.BAD_TARGETS


def targets_path() -> Path:
    return Path(os.environ.get(TARGETS_ENV) or TARGETS_FILE)


@cache
def _load(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TargetsError(f"อ่านไฟล์เป้าหมายการเบิกจ่าย {path} ไม่ได้: {exc}",
                           f"Cannot read the disbursement targets {path}: {exc}", file=str(path)) from exc


def disbursement_targets(fiscal_year: int, path: Path | None = None) -> dict[int, float]:
    """Cumulative disbursement target per quarter of a fiscal year, as fractions: {1: 0.30, ..., 4: 1.0}."""
    path = path or targets_path()
    data = _load(path)
    table = data.get("fy", {}).get(str(fiscal_year)) or data.get("default")
    if not table:
        raise TargetsError(f"ไฟล์ {path} ไม่มีตาราง [fy.{fiscal_year}] และไม่มี [default] ให้เพิ่มเป้าหมายของปีนี้",
                           f"{path} has no [fy.{fiscal_year}] and no [default] table; add this year's targets.",
                           file=str(path))
    try:
        out = {q: float(table[f"q{q}"]) / 100 for q in (1, 2, 3, 4)}
    except (KeyError, TypeError, ValueError) as exc:
        raise TargetsError(f"{path}: เป้าหมายของปี {fiscal_year} ต้องมี q1..q4 เป็นร้อยละ ({exc})",
                           f"{path}: the targets of {fiscal_year} need q1..q4 in per cent ({exc}).",
                           file=str(path)) from exc
    if any(not 0 <= v <= 1 for v in out.values()) or list(out.values()) != sorted(out.values()):
        raise TargetsError(f"{path}: เป้าหมายของปี {fiscal_year} ต้องเป็นร้อยละสะสม 0-100 และไม่ลดลง",
                           f"{path}: the targets of {fiscal_year} must be cumulative per cent, 0-100, not falling.",
                           file=str(path))
    return out


def disbursement_target(fiscal_year: int, quarter: int) -> float:
    """The cumulative disbursement target (a fraction) at the end of ``quarter``."""
    return disbursement_targets(fiscal_year)[quarter]
