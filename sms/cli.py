"""The ``sms`` command: build templates, print the spec, manage reference data, make the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from reference.reference_set import load_default
from templates import TEMPLATES, UNIT_TEMPLATES
from templates.datapackage import datapackage
from templates.workbook import build_workbook

OUTPUTS = Path("outputs")

app = typer.Typer(help="SMS Workbench: ระบบแบบฟอร์มมาตรฐาน ตรวจสอบ และรายงาน SMS / "
                       "standard templates, validation and reports for MOPH strategic-budget tracking.",
                  no_args_is_help=True, add_completion=False)
templates_app = typer.Typer(help="แบบฟอร์มมาตรฐาน / The standard Excel templates.", no_args_is_help=True)
reference_app = typer.Typer(help="ข้อมูลอ้างอิง / Reference data: units, codes, plans, KPIs.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
app.add_typer(reference_app, name="reference")


def fail(message_th: str, message_en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"{message_th}\n{message_en}", err=True)
    return typer.Exit(code)


@templates_app.command("build")
def templates_build(
    out: Annotated[Path, typer.Option(help="Folder to write the workbooks to.")] = OUTPUTS / "templates",
    fiscal_year: Annotated[Optional[int], typer.Option(help="Fiscal year in BE, e.g. 2569.")] = None,
    cost_center: Annotated[Optional[str], typer.Option(help="Personalise for this 10-digit cost centre.")] = None,
    template: Annotated[Optional[list[str]], typer.Option(help="Only these template ids (repeatable).")] = None,
) -> None:
    """เขียนแบบฟอร์ม Excel / Write the standard workbooks, one per template id."""
    reference = load_default()
    if cost_center and cost_center not in reference.codes("cost_centers"):
        raise fail(f"ไม่พบศูนย์ต้นทุน {cost_center} ในข้อมูลอ้างอิง",
                   f"Cost centre {cost_center} is not in the reference data; check the 10-digit code.")
    if fiscal_year is not None and not 2500 <= fiscal_year <= 2700:
        raise fail("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569", "The fiscal year is a BE year, e.g. 2569.")
    unknown = sorted(set(template or []) - set(TEMPLATES))
    if unknown:
        raise fail(f"ไม่รู้จักแบบฟอร์ม {', '.join(unknown)}",
                   f"Unknown template {', '.join(unknown)}; known: {', '.join(TEMPLATES)}.")
    chosen = [TEMPLATES[k] for k in template] if template else list(UNIT_TEMPLATES)
    suffix = f"_{cost_center}" if cost_center else ""
    for spec in chosen:
        path = build_workbook(spec, out / f"{spec.key}{suffix}.xlsx", reference,
                              fiscal_year=fiscal_year, cost_center=cost_center)
        typer.echo(f"{path}")


@templates_app.command("spec")
def templates_spec(
    out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """พิมพ์สเปกแบบฟอร์มเป็น Frictionless Data Package / Print the spec as a Data Package (JSON)."""
    text = json.dumps(datapackage(), ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


if __name__ == "__main__":
    app()
