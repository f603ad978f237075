"""`sms templates spec`: a valid Frictionless Data Package that says what the workbooks hold."""

from __future__ import annotations

import json

import openpyxl
import pytest
from frictionless import Package
from typer.testing import CliRunner

from sms.cli import app
from templates import TEMPLATES
from templates.workbook import build_workbook


@pytest.fixture(scope="module")
def descriptor():
    result = CliRunner().invoke(app, ["templates", "spec"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_descriptor_is_a_valid_data_package(descriptor):
    report = Package.validate_descriptor(descriptor)
    assert report.valid, [e.message for e in report.errors]


def test_one_resource_per_sheet_with_fields_in_column_order(descriptor):
    resources = {r["name"]: r for r in descriptor["resources"]}
    for template in TEMPLATES.values():
        for sheet in template.sheets:
            res = resources[f"{template.key}-{sheet.key}".replace("_", "-")]
            assert res["dialect"] == {"headerRows": [1], "excel": {"sheet": sheet.name}}
            assert [f["name"] for f in res["schema"]["fields"]] == sheet.keys
            assert [f["title"] for f in res["schema"]["fields"]] == [c.header for c in sheet.columns]
            assert res["schema"]["primaryKey"] == list(sheet.primary_key)


def test_constraints_carry_the_spec(descriptor):
    transfers = next(r for r in descriptor["resources"] if r["name"] == "allocations-transfers")
    fields = {f["name"]: f for f in transfers["schema"]["fields"]}
    assert fields["cost_center"]["constraints"] == {"required": True, "pattern": r"\d{10}"}
    assert fields["amount"]["type"] == "number" and fields["amount"]["constraints"]["minimum"] == 0
    assert fields["installment"]["constraints"] == {"required": True, "minimum": 1, "maximum": 12}
    payments = next(r for r in descriptor["resources"] if r["name"] == "disbursements-payments")
    kind = next(f for f in payments["schema"]["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == ["เบิกจ่าย", "ยืม"]
    assert {"fields": ["project_code", "activity_no"],
            "reference": {"resource": "projects-activities", "fields": ["project_code", "activity_no"]}} \
        in payments["schema"]["foreignKeys"]


def test_dialect_names_the_sheet_and_header_of_the_built_workbook(descriptor, tmp_path, reference):
    for template in TEMPLATES.values():
        book = openpyxl.load_workbook(build_workbook(template, tmp_path / f"{template.key}.xlsx", reference))
        for res in (r for r in descriptor["resources"] if r["path"] == f"{template.key}.xlsx"):
            ws = book[res["dialect"]["excel"]["sheet"]]
            assert [c.value for c in ws[1]] == [f["title"] for f in res["schema"]["fields"]]
