"""The spec as a Frictionless Data Package: the templates' documentation for other tools.

One resource per sheet; ``dialect`` names the workbook sheet and header row, and
``schema.fields`` lists the columns from column A with their constraints, so
``frictionless validate`` can check a filled workbook against it directly.
"""

from __future__ import annotations

from domain.fiscal import FISCAL_MONTH_ORDER, month_label
from templates.catalog import TEMPLATES, links
from templates.spec import FRICTIONLESS_TYPES, Column, Sheet, Template


def resource_name(template: Template, sheet: Sheet) -> str:
    return f"{template.key}-{sheet.key}".replace("_", "-")


def field(col: Column) -> dict:
    constraints: dict = {}
    if col.required:
        constraints["required"] = True
    if col.pattern:
        constraints["pattern"] = col.pattern.removeprefix("^").removesuffix("$")  # Frictionless anchors patterns
    if col.choices:
        constraints["enum"] = list(col.choices)
    elif col.type == "month":
        constraints["enum"] = [month_label(m) for m in FISCAL_MONTH_ORDER]
    if col.type != "month":
        if col.lower_bound is not None:
            constraints["minimum"] = col.lower_bound
        if col.upper_bound is not None:
            constraints["maximum"] = col.upper_bound
    out = {"name": col.key, "title": col.header, "type": FRICTIONLESS_TYPES[col.type]}
    if col.help_th or col.help_en:
        out["description"] = " / ".join(h for h in (col.help_th, col.help_en) if h)
    if constraints:
        out["constraints"] = constraints
    return out


def foreign_keys(sheet: Sheet) -> list[dict]:
    """``ref`` and ``codes`` columns as Table Schema foreign keys, within the package."""
    return [{"fields": list(link.fields),
             "reference": {"resource": resource_name(link.template, link.target), "fields": list(link.target_fields)}}
            for link in links(sheet)]


def resource(template: Template, sheet: Sheet) -> dict:
    schema: dict = {"fields": [field(c) for c in sheet.columns], "missingValues": [""]}
    if sheet.primary_key:
        schema["primaryKey"] = list(sheet.primary_key)
    if fks := foreign_keys(sheet):
        schema["foreignKeys"] = fks
    out = {
        "name": resource_name(template, sheet),
        "title": f"{sheet.th} / {sheet.en}",
        "path": f"{template.key}.xlsx",
        "format": "xlsx",
        "type": "table",
        "dialect": {"headerRows": [1], "excel": {"sheet": sheet.name}},
        "schema": schema,
        "sms": {"template": template.key, "template_version": template.version, "sheet": sheet.key},
    }
    if sheet.help_th or sheet.help_en:
        out["description"] = " / ".join(h for h in (sheet.help_th, sheet.help_en) if h)
    return out


def datapackage(templates: list[Template] | None = None) -> dict:
    """The Data Package descriptor of the given templates (all of them by default)."""
    chosen = templates or list(TEMPLATES.values())
    return {
        "name": "sms-workbench-templates",
        "title": "แบบฟอร์มมาตรฐาน SMS / SMS Workbench standard templates",
        "description": "Excel templates for MOPH strategic-budget tracking; one resource per sheet.",
        "resources": [resource(t, s) for t in chosen for s in t.sheets],
    }
