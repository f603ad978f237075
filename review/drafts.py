"""The maker's drafts: the workbooks being fixed, in this browser session and kept on the server as they change.

Every upload, every edit typed in the grid, every "check again" and the submission the edits start from are
written to the user's drafts (``store.drafts``) as they happen; the first page after a sign-in (a reload, a new
tab, a restarted server) brings them back and checks them together again. Submitting or removing a file drops
its draft. The session keeps the working copies: the files under :func:`workdir`, what was read and found.

"Check again" applies the edits to the workbook as read, in memory, and writes the edited workbook only when it
must (``services.edits.edited``); the file is written when it is needed (``review.editor.Draft.file``: a
download, a submission). The server keeps the workbook as uploaded or last written and every checked edit, so
nothing is lost in between.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from importer.parse import ParsedWorkbook
from review import state
from review.editor import Draft
from services.edits import edited, renumbered, written
from services.submission import check
from store.drafts import Base, drop_drafts, keep_base, keep_checked, keep_pending, put_draft, user_drafts
from store.submissions import Edit
from store.users import User
from templates.spec import Sheet
from validators.validate import FileReport

DRAFTS, REPORTS, BASES, PENDING, RESTORED = "drafts", "reports", "bases", "pending", "drafts_restored"
Cell = tuple[str, int, str]  # sheet key, Excel row, column key


def workdir() -> Path:
    """This session's folder for the workbooks it reads and writes."""
    if "workdir" not in st.session_state:
        st.session_state["workdir"] = Path(tempfile.mkdtemp(prefix="sms-review-"))
    return st.session_state["workdir"]


def drafts() -> dict[str, Draft]:
    """The workbooks being worked on, by the unit's file name."""
    return st.session_state.setdefault(DRAFTS, {})


def reports() -> dict[str, FileReport]:
    return st.session_state.setdefault(REPORTS, {})


def bases() -> dict[str, Base]:
    """By file name, the submission its edits start from (:func:`remember_base`)."""
    return st.session_state.setdefault(BASES, {})


def pending() -> dict[str, dict[Cell, Edit]]:
    """By file name, the grid's edits not checked yet, one per cell."""
    return st.session_state.setdefault(PENDING, {})


def check_drafts() -> None:
    """Check every draft together (those already read are not read again), as `sms validate` checks files.

    Streamlit may stop a run at any access to the session state (a newer run was asked for); so everything is
    taken from it before the check and the results land together after it, or not at all: a draft left
    unchecked is checked on the next run (:func:`unchecked`).
    """
    kept_drafts, kept_reports, user = drafts(), reports(), st.session_state[state.USER]
    engine, reference = state.engine(), state.reference()
    report = check(engine, [d.parsed or d.path for d in kept_drafts.values()], reference, as_of=dt.date.today(),
                   allowed=user.cost_centers(reference))
    for fr in report.files:
        kept_reports[fr.file] = fr
        kept_drafts[fr.file].parsed = fr.parsed


def unchecked() -> bool:
    """Whether a draft has changed since the last check (a run stopped between the change and its check)."""
    return any(d.parsed is None or name not in reports() for name, d in drafts().items())


def save_file(name: str, content: bytes) -> Path:
    """Write a workbook into the session's folder under the unit's own file name (one folder per content)."""
    folder = workdir() / hashlib.sha256(content).hexdigest()[:12]
    folder.mkdir(exist_ok=True)
    path = folder / Path(name).name
    path.write_bytes(content)
    return path


def restore(user: User) -> None:
    """Once per sign-in, bring back ``user``'s drafts from the server, where they were left, and check them
    together again (against what is stored now)."""
    if st.session_state.get(RESTORED):
        return
    st.session_state[RESTORED] = True
    for kept in user_drafts(state.engine(), user.name):
        drafts()[kept.file_name] = Draft(save_file(kept.file_name, kept.content), None, kept.edits)
        pending()[kept.file_name] = {cell(e): e for e in kept.pending}
        if kept.base_taken:
            bases()[kept.file_name] = kept.base
    if drafts():
        check_drafts()
        # The kept workbook may not hold the last checked edits (check again does not write it): they are applied
        # again, and the drafts checked again with them (an edit the workbook already holds changes nothing).
        edited_drafts = [name for name, d in drafts().items() if d.edits and d.parsed is not None]
        for name in edited_drafts:
            apply(name, drafts()[name].edits)
        if edited_drafts:
            check_drafts()


def add_upload(user: User, name: str, content: bytes) -> None:
    """A new upload becomes a draft (replacing one of that name, and its edits), on the server at once."""
    name = Path(name).name
    drafts()[name] = Draft(save_file(name, content), None, [])
    bases().pop(name, None)
    pending().pop(name, None)
    put_draft(state.engine(), user.name, name, content)


def remember_base(user: User, report: FileReport, newest: Base) -> None:
    """Take the submission a file's edits start from (``newest`` now), once, so a later save over someone
    else's newer version is refused."""
    if report.file not in bases():
        bases()[report.file] = newest
        keep_base(state.engine(), user.name, report.file, newest)


def cell(edit: Edit) -> Cell:
    return edit.sheet, edit.row, edit.column


def with_pending(frame: pd.DataFrame, name: str, sheet: Sheet, held: set[tuple[int, str]]) -> pd.DataFrame:
    """The editor's rows (``review.editor.editor_frame``, indexed by Excel row) with the file's unchecked edits
    of this sheet written in, but for the ``held`` cells (Excel row, column key) the grid in the browser holds
    itself: the grid as it was left, whichever tab or server shows it now."""
    shown = frame.copy()
    for e in pending().get(name, {}).values():
        if e.sheet == sheet.key and e.row in shown.index and (e.row, e.column) not in held:
            # as the grid shows the column: as text (dates, text, a column holding unreadable cells) or a number
            text = shown[e.column].dtype == object
            shown.at[e.row, e.column] = e.new if text else written(e.new, sheet.column(e.column))
    return shown


def note_grid(user: User, name: str, grid: list[Edit]) -> dict[Cell, Edit]:
    """Merge the grid's edits (``review.editor.sheet_grid``, old values as read) into the file's unchecked edits,
    keeping them on the server when they changed; an edit back to the value as read is no edit. Returns them all.
    """
    before = pending().get(name, {})
    after = dict(before)
    for e in grid:
        if e.old == e.new:
            after.pop(cell(e), None)
        else:
            after[cell(e)] = e
    if after != before:
        pending()[name] = after
        keep_pending(state.engine(), user.name, name, list(after.values()))
    return after


def check_again(user: User, name: str, edits: list[Edit]) -> None:
    """After "check again": every edit so far (``edits``) applied to the draft (:func:`apply`), kept on the server
    with the workbook if it had to be written, and nothing pending; :func:`check_drafts` then checks it."""
    content = apply(name, edits)
    pending()[name] = {}
    keep_checked(state.engine(), user.name, name, content, drafts()[name].edits)


def apply(name: str, edits: list[Edit]) -> bytes | None:
    """The draft ``name`` as read, with ``edits`` applied, replaces it, unchecked: held in memory where that gives
    exactly what reading the rewritten workbook would, else written and to be read (``services.edits.edited``).
    Returns the written workbook's bytes, None when it was not written."""
    draft = drafts()[name]
    # Each check gets its own path under the unit's own file name, so keys, the base of the stale-edit check
    # and the stored file name all stay the file the unit uploaded.
    out = draft.path.parent / f"edit-{len(edits)}" / name
    source = edited(draft.parsed, edits, state.reference(), out)
    reports().pop(name, None)  # checked next, with the others; or on the next run, if this one stops first
    if isinstance(source, ParsedWorkbook):
        drafts()[name] = Draft(out, source, edits)
        return None
    # Written again, its rows may have moved (the builder writes them from row 2, the reader drops a blank one):
    # the edits take the rows they have now, where the next edits are made and where they are applied again.
    drafts()[name] = Draft(source, None, renumbered(draft.parsed, edits))
    return source.read_bytes()


def forget(user: User, names: list[str]) -> None:
    """Drop drafts that were submitted or removed from the set, here and on the server."""
    for name in names:
        for kept in (drafts(), reports(), bases(), pending()):
            kept.pop(name, None)
    drop_drafts(state.engine(), user.name, names)
