"""The error root: every error a person reads is bilingual, says why for programs, and survives pickling.

A worker process (the reader's, the reports') raises; the server or the CLI shows the error. So every
class under :class:`domain.errors.SmsError` is round-tripped here: a new error class without an
example below fails :func:`test_every_error_class_has_an_example`.
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from domain.errors import Reason, SmsError, Unreadable

ROOT = Path(__file__).parents[1]
PACKAGES = ("domain", "templates", "finance", "reference", "importer", "validators", "store", "services", "reports",
            "demo", "sms")


def all_error_classes() -> set[type]:
    """Every SmsError class defined in the project (importing each module so none is missed)."""
    for package in PACKAGES:
        for module in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            importlib.import_module(module.name)
    found, todo = set(), [SmsError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def examples() -> dict[str, SmsError]:
    from importer.isolation import ReaderGaveOut
    from importer.normalise import NormaliseError
    from importer.reader import TemplateNotRecognised
    from importer.safety import WorkbookRefused
    from reports.config import TargetsError
    from reports.params import ReportError
    from reports.render import NotebookFailed
    from services.submission import NotYours
    from store.db import StoreUnavailable
    from store.submissions import StaleEdit
    from store.users import UserError
    from store.workflow import WorkflowError

    return {
        "SmsError": SmsError("ผิด", "wrong", Reason.BAD_PARAMETER, exit_code=1),
        "Unreadable": Unreadable("อ่านไม่ได้", "cannot be read", file="a.xlsx"),
        "WorkbookRefused": WorkbookRefused("ไฟล์เป็น CSV", "a CSV file", Reason.CSV, file="งบ.xlsx"),
        "TemplateNotRecognised": TemplateNotRecognised("ไม่รู้จัก", "unknown", Reason.OLD_VERSION, file="x.xlsx"),
        "NormaliseError": NormaliseError("ไม่ใช่ตัวเลข", "not a number"),
        "ReaderGaveOut": ReaderGaveOut("stray-cell.xlsx", Reason.READER_CRASHED, worker_exit=-6),
        "StaleEdit": StaleEdit("allocations.xlsx"),
        "StoreUnavailable": StoreUnavailable("เปิดฐานข้อมูลไม่ได้", "cannot open the database"),
        "WorkflowError": WorkflowError("อนุมัติไม่ได้", "cannot approve"),
        "UserError": UserError("ซ้ำ", "exists"),
        "ReportError": ReportError("ไม่พบจังหวัด", "unknown province"),
        "TargetsError": TargetsError("อ่านไม่ได้", "cannot read", file="targets.toml"),
        "NotYours": NotYours("allocations.xlsx", "2100200140"),
        "NotebookFailed": NotebookFailed("kpi_report.ipynb", 2, 3, "ValueError", "no data", "show.table(t)"),
    }


def test_every_error_class_has_an_example():
    assert {cls.__name__ for cls in all_error_classes()} == set(examples())


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_error_survives_a_pickle_round_trip(name):
    error = examples()[name]
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert back.__dict__ == error.__dict__
    assert (back.message_th, back.message_en, back.reason, str(back)) == (
        error.message_th, error.message_en, error.reason, str(error))
    assert error.message_th and error.message_en and error.reason in Reason
    assert isinstance(back, SmsError) and back.args == error.args


def test_a_notebook_failure_names_the_notebook_and_the_cell():
    error = examples()["NotebookFailed"]
    assert "kpi_report.ipynb cell 2 [3]: ValueError: no data" in error.message_en
    assert error.cell_index == 2 and error.reason == Reason.NOTEBOOK_FAILED


def test_the_cli_prints_both_sentences_and_exits_with_the_errors_code(tmp_path, monkeypatch):
    from sms.cli import app

    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'sms.sqlite'}")
    result = CliRunner().invoke(app, ["templates", "build", "--cost-center", "0000000000", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "ไม่พบศูนย์ต้นทุน 0000000000" in result.output and "Cost centre 0000000000 is not in" in result.output
    report = CliRunner().invoke(app, ["report", "--fiscal-year", "2569", "--quarter", "5", "--province", "39"])
    assert report.exit_code == 2 and "ไตรมาสต้องเป็น 1 ถึง 4" in report.output and "1, 2, 3 or 4" in report.output
