"""The one root of every error a person reads: what is wrong and what to do, in Thai and English.

Modelled on papermill's exceptions: one root (:class:`SmsError`) with structured fields that
programs use (a :class:`Reason`, and the file, sheet and cell where known) beside the two sentences
people read. Every error survives a pickle round trip, so a worker process can raise it and the
server show it; the CLI has one handler that prints both sentences and exits with ``exit_code``.

What raises which (each subclass lives with the layer that raises it):

- :class:`Unreadable` (here): a file that cannot be read as a workbook at all. ``importer.safety``
  refuses hostile or damaged files with its subclass ``WorkbookRefused``; ``importer.reader``
  refuses workbooks of no known template with ``TemplateNotRecognised``; ``importer.isolation``
  refuses a file the reader crashed on, or ran out of memory or time on, with ``ReaderGaveOut``.
- ``importer.normalise.NormaliseError``: one cell that cannot be read as its column's type (the
  validators report it as a finding, S05; the CLI refuses an option typed wrongly with it).
- ``store.submissions.StaleEdit``, ``store.workflow.WorkflowError``, ``store.users.UserError``:
  what people asked of the store that cannot be done now.
- ``reports.params.ReportError`` and its kinds: a report that cannot be made as asked.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why something could not be done: a short stable code for programs (and the JSON output)."""

    # a file the safety gate refuses before any reader touches it (importer.safety)
    NOT_FOUND = "not_found"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    CSV = "csv"
    XLS = "xls"
    ENCRYPTED = "encrypted"
    TRUNCATED = "truncated"
    NOT_A_WORKBOOK = "not_a_workbook"
    ZIP_BOMB = "zip_bomb"
    XML_BOMB = "xml_bomb"
    UNREADABLE = "unreadable"
    # a workbook that is not one of the templates, or not the one asked for (importer.reader)
    UNKNOWN_TEMPLATE = "unknown_template"
    NEWER_VERSION = "newer_version"
    OLD_VERSION = "old_version"
    WRONG_TEMPLATE = "wrong_template"
    # a workbook the reader gave out on, in its worker process (importer.isolation)
    READER_CRASHED = "reader_crashed"
    READER_OUT_OF_MEMORY = "reader_out_of_memory"
    READER_TIMEOUT = "reader_timeout"
    # one value a person typed (a cell, a command-line option)
    BAD_VALUE = "bad_value"
    # what people ask of the store and the workflow
    STALE_EDIT = "stale_edit"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND_IN_SCOPE = "not_found_in_scope"
    BAD_ACCOUNT = "bad_account"
    STORE_UNAVAILABLE = "store_unavailable"
    # reports
    BAD_PARAMETER = "bad_parameter"
    BAD_TARGETS = "bad_targets"
    NO_DATA = "no_data"
    NOTEBOOK_FAILED = "notebook_failed"


def _restore(cls: type[SmsError], state: dict) -> SmsError:
    """Rebuild an error from its fields, whatever its class's constructor takes (pickle's hook)."""
    error = cls.__new__(cls)
    Exception.__init__(error, state["message_th"], state["message_en"])
    error.__dict__.update(state)
    return error


class SmsError(Exception):
    """An error a person reads: ``message_th`` and ``message_en`` say what is wrong and what to do.

    ``reason`` is a :class:`Reason` for programs; ``file``, ``sheet`` and ``cell`` say where, when
    known. ``exit_code`` is what the CLI exits with (2: the input cannot be used as given).
    Subclasses set their own default ``reason`` and ``exit_code`` as class attributes.
    """

    reason: Reason = Reason.UNREADABLE
    exit_code: int = 2

    def __init__(self, message_th: str, message_en: str, reason: Reason | str | None = None, *,
                 file: str = "", sheet: str = "", cell: str = "", exit_code: int | None = None):
        super().__init__(message_th, message_en)
        self.message_th, self.message_en = message_th, message_en
        if reason is not None:
            self.reason = Reason(reason)
        if exit_code is not None:
            self.exit_code = exit_code
        self.file, self.sheet, self.cell = file, sheet, cell

    def __str__(self) -> str:
        return f"{self.message_th} / {self.message_en}"

    def __reduce__(self):
        return _restore, (type(self), dict(self.__dict__))

    def as_dict(self) -> dict[str, str]:
        """The fields a program reads (the ``--json`` output): reason, both messages, and where."""
        where = {k: v for k in ("file", "sheet", "cell") if (v := getattr(self, k))}
        return {"reason": str(self.reason), "message_th": self.message_th, "message_en": self.message_en, **where}


class Unreadable(SmsError):
    """A file that cannot be read as a workbook of ours at all; the messages say why and what to do.

    The validators report it for its file (the other files go on); the CLI exits 2 for it.
    """

    reason = Reason.UNREADABLE
