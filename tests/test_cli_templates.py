"""`sms templates build`: files per template id, personalisation, and clear refusals."""

from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from sms.cli import app

runner = CliRunner()


def test_build_writes_one_workbook_per_template(tmp_path):
    result = runner.invoke(app, ["templates", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{k}.xlsx" for k in ("allocations", "projects", "disbursements", "outputs", "gfmis", "hospital_finance"))


def test_build_personalised_for_one_cost_centre(tmp_path):
    result = runner.invoke(app, ["templates", "build", "--out", str(tmp_path), "--fiscal-year", "2569",
                                 "--cost-center", "2100200131", "--template", "projects"])
    assert result.exit_code == 0, result.output
    meta = dict(openpyxl.load_workbook(tmp_path / "projects_2100200131.xlsx")["_meta"].iter_rows(values_only=True))
    assert meta["cost_center"] == "2100200131" and meta["fiscal_year"] == "2569"


def test_unknown_cost_centre_is_refused_in_both_languages(tmp_path):
    result = runner.invoke(app, ["templates", "build", "--out", str(tmp_path), "--cost-center", "9999999999"])
    assert result.exit_code == 2
    assert "ไม่พบศูนย์ต้นทุน 9999999999" in result.output and "Cost centre 9999999999 is not" in result.output
    assert not list(tmp_path.iterdir())


def test_christian_era_fiscal_year_is_refused(tmp_path):
    result = runner.invoke(app, ["templates", "build", "--out", str(tmp_path), "--fiscal-year", "2026"])
    assert result.exit_code == 2 and "Buddhist Era year" in result.output
    assert "2026 is a CE year: BE 2569" in result.output


def test_unknown_template_is_refused(tmp_path):
    result = runner.invoke(app, ["templates", "build", "--out", str(tmp_path), "--template", "budget"])
    assert result.exit_code == 2 and "Unknown template budget" in result.output


# -- every command's help ---------------------------------------------------------------------------------------
def commands(group, path=()):
    """(words, click command) of every command under ``group``."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_says_in_thai_and_english_what_each_parameter_wants():
    """No Python type ("<list[Path]>", "<str>") in any help; every argument and option is explained in Thai with
    English beside it."""
    import re

    import typer

    listed = list(commands(typer.main.get_command(app)))
    assert len(listed) >= 10
    for words, command in listed:
        result = runner.invoke(app, [*words, "--help"], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert not re.search(r"<(str|int|float|bool|path|list\[\w+\])>", result.output), (words, result.output)
        for param in command.params:
            if param.name != "help":
                assert re.search("[\u0e00-\u0e7f]", param.help or "") and " / " in param.help, (words, param.name)
