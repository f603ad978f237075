"""Templates survive a LibreOffice Calc round trip: the file opens, and dropdowns and metadata stay."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from templates import UNIT_TEMPLATES
from templates.workbook import LISTS, META, build_workbook


def validations(ws) -> set[tuple]:
    """(first cell, type, list source) of each validation; LibreOffice trims ranges to the used area."""
    return {(str(dv.sqref).split(":")[0], dv.type,
             dv.formula1.replace("'", "").lstrip("=") if dv.type == "list" else None)
            for dv in ws.data_validations.dataValidation}


@pytest.mark.slow
def test_round_trip_through_libreoffice(tmp_path, reference, program):
    soffice = program("soffice")
    originals = [build_workbook(t, tmp_path / "in" / f"{t.key}.xlsx", reference, fiscal_year=2569,
                                cost_center="2100200131") for t in UNIT_TEMPLATES]
    out = tmp_path / "out"
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                             "--convert-to", "xlsx", "--outdir", str(out), *map(str, originals)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for original in originals:
        before, after = openpyxl.load_workbook(original), openpyxl.load_workbook(out / original.name)
        assert after.sheetnames == before.sheetnames
        assert after[LISTS].sheet_state == "hidden" and after[META].sheet_state == "hidden"
        assert list(after[META].iter_rows(values_only=True)) == list(before[META].iter_rows(values_only=True))
        for name in before.sheetnames[1:-2]:
            assert validations(after[name]) == validations(before[name]), name
            assert [c.value for c in after[name][1]] == [c.value for c in before[name][1]]
