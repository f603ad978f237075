"""Two writers on one template, cost centre and year at the same moment, each on its own connection.

On PostgreSQL the second writer is held at a lock while the first one's transaction is open (the test waits
until the server shows it waiting, then lets the first one commit), so each test shows one interleaving for
certain: two saves from the same version, and a new version arriving while a checker's approval is being
written. On SQLite one writer at a time holds the database; the key lock is that write lock.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from mini_year import AS_OF, CC, FY, mini_year
from test_rules import write_year

from domain.vocabulary import Decision
from importer.isolation import parse_in_process
from services.submission import check, snapshot, submit
from store.db import connect
from store.schema import audit, submissions
from store.submissions import StaleEdit, check_base, lock_versions, newest_submission, store_snapshot
from store.users import add_user
from store.workflow import decide

WAIT = 60  # s: the most a step may take on a busy machine


def noted(tmp_path, reference, note: str):
    """The mini year's allocations workbook with ``note`` on transfer T1: another version of the same file."""
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "note"] = note
    [path] = write_year(tmp_path / note, reference, {"allocations": year["allocations"]})
    return path


def save(engine: sa.Engine, path, reference, actor: str, **options):
    """``actor`` submits one workbook, read in this process (the worker pool is not for a test's threads)."""
    return submit(engine, [path], reference, actor=actor, as_of=AS_OF, parser=parse_in_process, **options)


def wait_until_waiting(engine: sa.Engine, task: Future) -> None:
    """Return once another connection to the database waits for a lock; fail if ``task`` ends first."""
    query = sa.text("select count(*) from pg_stat_activity where datname = current_database() "
                    "and wait_event_type = 'Lock'")
    deadline = time.monotonic() + WAIT
    while True:
        with engine.connect() as conn:  # a transaction of its own each time: the view is frozen within one
            if conn.execute(query).scalar():
                return
        assert not task.done(), f"the second writer finished without waiting: {task.result()}"
        assert time.monotonic() < deadline, "the second writer never reached the lock"
        time.sleep(0.02)  # polling the server's view of the other connection, not timing it


def test_two_saves_from_the_same_version_store_one_and_refuse_the_other(postgres_store, tmp_path, reference):
    [first] = save(postgres_store, noted(tmp_path, reference, "ฉบับที่ 1"), reference, "maker1")
    base = (first.submission_id, 0)
    mine, theirs = noted(tmp_path, reference, "แก้โดย ก"), noted(tmp_path, reference, "แก้โดย ข")
    shot = snapshot(check(postgres_store, [mine], reference, as_of=AS_OF, parser=parse_in_process).files[0])
    with ThreadPoolExecutor(1) as pool:
        with postgres_store.begin() as conn:  # maker A's save, not yet committed
            check_base(conn, shot, base)
            store_snapshot(conn, shot, "maker1", AS_OF)
            # maker B's save, from the same version
            other = pool.submit(save, postgres_store, theirs, reference, "maker1b", bases={theirs.name: base})
            wait_until_waiting(postgres_store, other)
        with pytest.raises(StaleEdit):  # not the database's duplicate-key error: B is told why, A's stays
            other.result(timeout=WAIT)
    with postgres_store.connect() as conn:
        stored = conn.execute(sa.select(submissions.c.version, submissions.c.status, submissions.c.file_name)
                              .order_by(submissions.c.version)).all()
    assert stored == [(1, "replaced", first.file), (2, "submitted", mine.name)]


def test_an_approval_being_written_is_not_undone_by_a_new_version(postgres_store, postgres_url, tmp_path, reference):
    checker = add_user(postgres_store, reference, "checker8", "checker", "checker-pass", region=8)
    [first] = save(postgres_store, noted(tmp_path, reference, "ฉบับที่ 1"), reference, "maker1")
    second = noted(tmp_path, reference, "ฉบับที่ 2")
    deciding, paused, go_on = connect(postgres_url), threading.Event(), threading.Event()

    @sa.event.listens_for(deciding, "after_cursor_execute")
    def pause_after_the_approval(conn, cursor, statement, *_):
        if statement.startswith("UPDATE submissions SET status"):
            paused.set()
            assert go_on.wait(WAIT)

    with ThreadPoolExecutor(2) as pool:
        approval = pool.submit(decide, deciding, reference, checker, first.submission_id, 0, Decision.APPROVE, "")
        assert paused.wait(WAIT), "the approval was never written"
        upload = pool.submit(save, postgres_store, second, reference, "maker1")
        wait_until_waiting(postgres_store, upload)
        go_on.set()
        assert approval.result(timeout=WAIT)["status"] == "approved"  # what the checker is shown
        [outcome] = upload.result(timeout=WAIT)
    deciding.dispose()
    assert outcome.status == "locked"  # the maker is told the current version is approved
    with postgres_store.connect() as conn:
        stored = conn.execute(sa.select(submissions.c.version, submissions.c.status, submissions.c.locked)).all()
        trail = conn.execute(sa.select(audit.c.action).order_by(audit.c.id)).scalars().all()
    assert stored == [(1, "approved", True)] and trail == ["import", "approve"]


def test_on_sqlite_the_versions_lock_is_the_write_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'sms.sqlite'}"
    engine, impatient = connect(url), sa.create_engine(url, connect_args={"timeout": 0})
    with engine.begin() as holder:
        lock_versions(holder, "allocations", CC, FY)
        with impatient.begin() as other, pytest.raises(sa.exc.OperationalError, match="database is locked"):
            lock_versions(other, "projects", CC, FY)  # one writer at a time, whatever its key
    with impatient.begin() as other:  # free again once the first transaction ends
        lock_versions(other, "projects", CC, FY)
        assert newest_submission(other, "projects", CC, FY) is None
    impatient.dispose()
    engine.dispose()
