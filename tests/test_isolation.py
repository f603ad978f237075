"""No workbook can take down the process that checks it: the reader runs in worker processes.

What a user sees when the reader gives out on a file (it aborts, runs out of its memory or its time):
that file is refused with a sentence in Thai and English that says what to do, the command exits 2,
and the other files given with it are still checked. The crashes here are real: the field case whose
stray cell makes calamine abort, and workers made to abort, to ask for too much memory or to hang by a
task function run in the worker (no fixed sleeps: a hang is ended by the pool's own time limit).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from mini_year import AS_OF, CC2, FY, mini_year, mini_year_of_cc2
from sheet_forms import Cell, Form
from test_rules import broken_year, over_allocate, write_year
from test_sheet_xml import many_transfers, written

from domain.errors import Reason, SmsError
from importer import isolation
from importer.isolation import Limits, ReaderGaveOut, ReaderPool, parse_in_process, parse_task
from importer.parse import ParsedWorkbook
from templates import TEMPLATES
from templates.workbook import build_workbook
from validators.budget import check_budget
from validators.validate import FileReport, build_tables, column_findings

ROOT = Path(__file__).parents[1]
STRAY_CELL = Path(__file__).parent / "data" / "stray-cell-no-dimension.xlsx"  # field case 02: a space at XFD1048576
SMS = [str(Path(sys.executable).parent / "sms")]
# The same command, with the reader made to abort (SIGABRT, as calamine does, saying why on standard error) on any
# file whose name says so. The CLI forks its workers, so they inherit the change.
SMS_ABORTING = [sys.executable, "-c", """
import os, sys
import importer.parse as parse
read = parse.read_workbook
def aborting():
    os.write(2, b"memory allocation of 549755813888 bytes failed\\n")
    os.abort()
parse.read_workbook = lambda path, *a, **k: aborting() if "abort" in path.name else read(path, *a, **k)
from sms.cli import main
sys.argv[0] = "sms"
main()
"""]
LIBRARY_WORDS = ("Calamine", "calamine", "fastexcel", "pebble", "ProcessExpired", "Traceback", "SIGABRT", "Error:")


class Unsendable:
    """A result whose trip back never ends: its worker holds the pool's channel for ever while sending it."""

    def __reduce__(self):
        threading.Event().wait()


def shipping_everything(path: str):
    """The worker's parse, with every result, however small, sent back through shared memory."""
    isolation.SHIP_BYTES = 0
    return parse_task(path)


def misbehaving(path: str):
    """A parse that does what the file's name says, run in the worker; other files are parsed as usual."""
    name = Path(path).name
    if "abort" in name:
        os.abort()
    if "kill" in name:  # as the kernel's out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    if "stuck" in name:
        return Unsendable()
    if "hog" in name:
        cap, _ = resource.getrlimit(resource.RLIMIT_AS)  # asks for all of it: fine without the cap (never touched)
        return len(bytearray(cap if cap != resource.RLIM_INFINITY else 2**30))
    if "hang" in name:
        threading.Event().wait()  # forever: only the pool's time limit ends it
    return parse_task(path)


def run(argv, *args, env):
    return subprocess.run([*argv, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "SMS_DATABASE_URL": f"sqlite:///{tmp_path / 'sms.sqlite'}"}


@pytest.fixture
def files(tmp_path, reference):
    """A stray-cell workbook and a normal one with two B01 errors, given together: another cost centre's, since
    two allocations workbooks of one cost centre are one B13 each and the budget rules wait."""
    year = mini_year_of_cc2()
    over_allocate(year)
    normal = build_workbook(TEMPLATES["allocations"], tmp_path / "allocations.xlsx", reference, fiscal_year=FY,
                            cost_center=CC2, data=year["allocations"])
    stray = tmp_path / "stray-cell.xlsx"
    shutil.copy(STRAY_CELL, stray)
    return stray, normal


def refused_in_both_languages(output: str, name: str) -> None:
    assert f"อ่านไฟล์ {name} ไม่" in output and (f"{name} could not be read" in output
                                                 or f"{name} was not read" in output), output
    assert "ลบแถวทั้งหมดที่อยู่ใต้ตาราง" in output and "delete all the rows below the table" in output
    assert not any(word in output for word in LIBRARY_WORDS), output


@pytest.mark.parametrize("command", ["validate", "import"])
def test_a_workbook_that_aborts_the_reader_is_refused_and_the_others_are_checked(files, env, command):
    stray, normal = files
    aborting = stray.with_name("abort-me.xlsx")
    shutil.copy(normal, aborting)
    done = run(SMS_ABORTING, command, aborting, normal, "--as-of", "31/3/2569", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    refused_in_both_languages(done.stdout, aborting.name)
    assert "split it into several workbooks" in done.stdout
    assert "memory allocation" not in done.stdout + done.stderr  # what the reader says as it dies is not shown
    assert "B01" in done.stdout and normal.name in done.stdout  # the other file was checked: its two errors
    if command == "import":
        assert "unreadable" in done.stdout and "refused (errors)" in done.stdout  # nothing stored


@pytest.mark.parametrize("command", ["validate", "import"])
def test_the_stray_cell_field_case_never_takes_the_command_down(files, env, command):
    """Field case 02: calamine asks for ~500 GB and aborts. The command itself never does: the file is
    refused (exit 2), or, once the reader finds the real extent, read; the file given with it is checked."""
    stray, normal = files
    done = run(SMS, command, stray, normal, "--as-of", "31/3/2569", env=env)
    assert done.returncode in (0, 1, 2), done.stdout + done.stderr  # never 134 (SIGABRT)
    assert "B01" in done.stdout, done.stdout
    if done.returncode == 2:
        refused_in_both_languages(done.stdout, stray.name)


def test_a_crash_a_memory_blow_up_and_a_hang_are_each_that_files_refusal(tmp_path, files):
    _, normal = files
    names = ("abort.xlsx", "hog.xlsx", "hang.xlsx", "kill.xlsx")
    for name in names:
        shutil.copy(normal, tmp_path / name)
    limits = Limits(memory_mb=2048, seconds=15, workers=2)  # every file's, the normal one's too: not a short wait
    pool = ReaderPool(limits, start_method="fork", task=misbehaving)
    try:
        results = pool.parse_many([tmp_path / n for n in names] + [normal])
        crashed, hog, hung, killed, parsed = results
        assert [type(r) for r in results[:4]] == [ReaderGaveOut] * 4
        assert (crashed.reason, crashed.worker_exit) == (Reason.READER_CRASHED, -6)
        assert (killed.reason, killed.worker_exit) == (Reason.READER_CRASHED, -9)
        assert hog.reason == Reason.READER_OUT_OF_MEMORY and f"{limits.memory_mb:,} MB" in hog.message_en
        assert hung.reason == Reason.READER_TIMEOUT and "within the 15 seconds allowed" in hung.message_en
        assert "15 วินาที" in hung.message_th
        for refusal, name in zip(results[:4], names, strict=True):
            assert refusal.file == name and refusal.exit_code == 2
            refused_in_both_languages(f"{refusal.message_th}\n{refusal.message_en}", name)
        assert isinstance(parsed, ParsedWorkbook) and parsed.rows == 5  # the other file, read as usual
        [again] = pool.parse_many([normal])  # and the pool goes on with new workers
        assert isinstance(again, ParsedWorkbook)
    finally:
        pool.close()


def test_a_memory_limit_below_what_the_command_starts_with_still_reads_a_small_file(files, env):
    """The limit is what a worker may add to the address space it starts with: a fork of the sms command starts with
    the command's (~1.5 GB of libraries' reservations), and capped at 512 MB in all it failed every allocation and
    hung until its time limit, refused as a far blank cell."""
    _, normal = files
    done = run(SMS, "validate", normal, "--as-of", "31/3/2569",
               env={**env, "SMS_PARSE_MEMORY_MB": "512", "SMS_PARSE_SECONDS": "60"})
    assert done.returncode == 1 and "B01" in done.stdout, done.stdout + done.stderr  # read, and checked


def test_a_pool_that_stops_answering_is_replaced_and_the_files_behind_it_are_read(tmp_path, files, monkeypatch):
    """A worker stuck half way through sending its result holds the pool's channel: no other result can come
    back. Past the file's limit and a grace, that file is refused, the pool is replaced, the others are read."""
    _, normal = files
    shutil.copy(normal, tmp_path / "stuck.xlsx")
    monkeypatch.setattr(isolation, "GRACE", 1.0)
    # The limit is every file's, the normal one's too, read by a fresh worker after the pool is replaced: 2 s
    # refused it on a machine with both cores busy (load average ~30). 15 s is the stuck file's wait, once.
    pool = ReaderPool(Limits(seconds=15, workers=2), start_method="fork", task=misbehaving)
    try:
        stuck, parsed = pool.parse_many([tmp_path / "stuck.xlsx", normal])
        assert isinstance(stuck, ReaderGaveOut) and stuck.reason == Reason.READER_TIMEOUT
        assert isinstance(parsed, ParsedWorkbook) and parsed.rows == 5
    finally:
        pool.close()


@pytest.mark.parametrize(("start_method", "through"), [("forkserver", "pipe"), ("fork", "shared memory")])
def test_a_worker_returns_what_the_callers_own_process_reads(files, monkeypatch, start_method, through):
    """The isolated parse and the in-process one give the same tables, dtypes and findings, whether the result
    comes back through the pipe (small) or through shared memory (large: here every result, by a forked worker)."""
    _, normal = files
    before, landed, land = set(Path(isolation.SHM).glob("sms-reader-*")), [], isolation.land
    monkeypatch.setattr(isolation, "land", lambda shipped: landed.append(shipped.file) or land(shipped))
    pool = ReaderPool(Limits(), start_method=start_method,
                      task=shipping_everything if through == "shared memory" else parse_task)
    try:
        [isolated] = pool.parse_many([normal])
    finally:
        pool.close()
    [local] = parse_in_process([normal])
    assert len(landed) == (through == "shared memory")
    assert isolated.template == local.template and isolated.findings == local.findings
    for key, sheet in local.sheets.items():
        for mine, theirs in ((isolated.sheets[key].values, sheet.values),
                             (isolated.sheets[key].data.frame, sheet.data.frame)):
            assert list(mine.columns) == list(theirs.columns) and mine.dtypes.equals(theirs.dtypes)
            assert mine.equals(theirs)
    values = isolated.sheets["allocations"].values
    values.loc[values.index[0], "amount"] = 1.0  # the frames can be changed, as the editor's do
    assert values["amount"].iloc[0] == 1.0
    assert set(Path(isolation.SHM).glob("sms-reader-*")) == before  # nothing left behind in shared memory


# ``ReaderPool.parse_then`` in a fresh process (pytest's own runs other threads by the time this file runs, and a
# pool asked to fork such a process starts a fork server instead): each file's follow-up, the column checks'
# findings (rule, cell, value), and whether it ran in a worker or in the caller. The last argument asks the worker
# about the file it read last once more, after the others.
FOLLOW_UPS = [sys.executable, "-c", """
import json, os, sys
from pathlib import Path
from importer.isolation import Limits, ReaderPool
from validators.budget import check_budget
from validators.validate import FileReport, build_tables, column_findings
def where_and_what(parsed):
    return os.getpid(), [(f.rule, f.cell, f.value) for f in column_findings(parsed)]
method, *paths = sys.argv[1:]
pool = ReaderPool(Limits(workers=1), start_method=method)
read = pool.parse_then([Path(p) for p in paths], where_and_what)
again = pool.parse_then([Path(paths[-1])], where_and_what)[0][1]
out = [None if later is None else later() for _, later in read] + [again()]
pool.close()
print(json.dumps([None if o is None else {"worker": o[0] != os.getpid(), "found": o[1]} for o in out]))
"""]


def follow_ups(method: str, *paths: Path, env: dict) -> list[dict | None]:
    done = run(FOLLOW_UPS, method, *paths, env=env)
    assert done.returncode == 0, done.stderr
    return [None if o is None else {**o, "found": [tuple(f) for f in o["found"]]} for o in json.loads(done.stdout)]


@pytest.fixture
def column_errors(tmp_path, reference) -> Path:
    """The mini year's allocations with a blank required cell (S04), a code of the wrong form (S06) and an
    amount of three decimals (S09), in a folder of its own."""
    year = mini_year()
    year["allocations"]["transfers"].loc[0, "transfer_no"] = None
    year["allocations"]["transfers"].loc[1, "output_code"] = "123"
    year["allocations"]["transfers"].loc[1, "amount"] = 50000.125
    (tmp_path / "errors").mkdir()
    return write_year(tmp_path / "errors", reference, {"allocations": year["allocations"]})[0]


def column_cells(path: Path) -> list[tuple[str, str, str]]:
    return [(f.rule, f.cell, f.value) for f in column_findings(parse_in_process([path])[0])]


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_the_column_checks_run_in_the_forked_worker_that_read_the_file_and_find_what_the_caller_would(
        column_errors, env, start_method):
    """With forked workers (the sms command's), the column checks run in the worker that read the file while the
    caller goes on; with a fork server's (the app's, which never imported the validators) in the caller. The
    findings are the caller's own either way."""
    [first, again] = follow_ups(start_method, column_errors, env=env)
    assert first["worker"] == again["worker"] == (start_method == "fork")
    assert first["found"] == again["found"] == column_cells(column_errors)
    assert {rule for rule, _, _ in first["found"]} == {"S04", "S06", "S09"}


# ``validate`` in a fresh process whose reader workers are forks (the sms command's): each finding (file name, rule,
# cell, English message), and whether each workbook's own checks (the rules of one workbook among them) ran in a
# worker (their pids, written by a wrapper the forked workers have too).
VALIDATE_FORKED = [sys.executable, "-c", """
import datetime as dt, json, os, sys
from pathlib import Path
import validators.validate as validate
from importer.isolation import configure
from reference.reference_set import load_default
checks = validate.own_checks
def own_checks(parsed, **options):
    with open(os.environ["PIDS"], "a") as pids:
        pids.write(f"{os.getpid()}\\n")
    return checks(parsed, **options)
validate.own_checks = own_checks
configure(start_method="fork")
as_of, *paths = sys.argv[1:]
report = validate.validate([Path(p) for p in paths], load_default(), as_of=dt.date.fromisoformat(as_of))
print(json.dumps({"pid": os.getpid(), "found": [(Path(f.file).name, f.rule, f.cell, f.message_en)
                                                for r in report.files for f in r.findings]}))
"""]


def test_the_rules_of_one_workbook_run_in_the_forked_worker_and_find_what_all_the_rules_find_together(
        tmp_path, reference, env):
    """``sms validate``'s way: the budget rules of one workbook run in the worker that read it (the one it read
    last: a worker keeps one), beside the caller's rules across workbooks; the budget findings are those of every
    rule run on the cost centre's tables at once, as before the rules were split."""
    paths = write_year(tmp_path, reference, broken_year())
    # one worker: it keeps the workbook it read last, and the follow-up cannot go to another that does not
    done = run(VALIDATE_FORKED, AS_OF.isoformat(), *paths,
               env={**env, "PIDS": str(tmp_path / "pids"), "SMS_PARSE_WORKERS": "1"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    pids = (tmp_path / "pids").read_text().split()  # once per workbook; in the worker for the one it read last
    assert len(pids) == len(paths) and len(set(pids) - {str(out["pid"])}) == 1
    reports = [FileReport(path, parsed) for path, parsed in zip(paths, parse_in_process(paths), strict=True)]
    expected = {(Path(f.file).name, f.rule, f.cell, f.message_en)
                for f in check_budget(build_tables(reports, {}, reference, FY, AS_OF))}
    found = {tuple(f) for f in out["found"]}
    assert {f for f in found if f[1].startswith("B")} == expected
    assert {f[1] for f in expected} >= {"B01", "B04", "B05", "B06", "B07", "B08", "B09", "B11", "B12", "B13"}


def test_a_follow_up_the_worker_cannot_do_is_done_by_the_caller(column_errors, files, tmp_path, env):
    """A worker keeps only the workbook it read last: asked about those before, it says so, and the caller does the
    work itself, with the same findings; a file that cannot be read has no follow-up."""
    _, normal = files
    text = tmp_path / "budget.xlsx"
    text.write_text("transfer_no,amount\nT1,100\n", encoding="utf-8")
    errors, unreadable, last, again = follow_ups("fork", column_errors, text, normal, env=env)
    assert errors == {"worker": False, "found": column_cells(column_errors)} and unreadable is None
    assert last == again == {"worker": True, "found": []}  # read last: followed up in its worker


def test_the_limits_are_read_from_the_environment_and_a_wrong_one_is_explained():
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"SMS_PARSE_MEMORY_MB": "3000", "SMS_PARSE_SECONDS": "30.5",
                            "SMS_PARSE_WORKERS": "4"}) == Limits(3000, 30.5, 4)
    for wrong in ("lots", "0", "-5", "nan"):
        with pytest.raises(SmsError) as error:
            Limits.from_env({"SMS_PARSE_SECONDS": wrong})
        assert "SMS_PARSE_SECONDS" in error.value.message_th and "positive" in error.value.message_en


def test_a_time_limit_of_one_second_is_said_in_the_singular():
    one = ReaderGaveOut("a.xlsx", Reason.READER_TIMEOUT, Limits(seconds=1))
    assert "within the 1 second allowed" in one.message_en and "1 วินาที" in one.message_th
    assert "within the 2.5 seconds allowed" in ReaderGaveOut("a.xlsx", Reason.READER_TIMEOUT,
                                                             Limits(seconds=2.5)).message_en


def recorded_reads(monkeypatch) -> list[list]:
    """Each round of a pool's reads as it came back, before a retry replaces any (filled as the pool reads)."""
    first_reads, parse_many = [], ReaderPool._parse_many

    def recorded(self, paths, task, keep=False):
        first_reads.append(parse_many(self, paths, task, keep))
        return first_reads[-1][:]
    monkeypatch.setattr(ReaderPool, "_parse_many", recorded)
    return first_reads


def parsed_in_a_fork_pool(path: Path, task=parse_task) -> list:
    """``path`` parsed by a pool of forked workers running ``task``, a failed speculative read retried guarded."""
    pool = ReaderPool(Limits(), start_method="fork", task=task)
    pool.fallback = isolation.guarded_task  # as parse_task's own pool has it
    try:
        return pool.parse_many([path])
    finally:
        pool.close()


@pytest.mark.parametrize("stray", [False, True])
def test_a_large_sheet_read_beside_its_survey_gives_what_the_guarded_read_gives(tmp_path, monkeypatch, reference,
                                                                                stray):
    """A large sheet (30,000 transfers, ~9 MB of XML) is loaded while its guard surveys it. A clean one comes back
    from that first read; one with a space far below its data, which the survey cannot vouch for, ends that worker
    at once (exit 75) and is read again with the guard first. Either way: the rows and findings of a read in the
    caller's own process (the far cell reported once, S13 at I1048576), and no temporary folder left behind."""
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    rows = many_transfers(30_000)
    if stray:
        rows[1_048_576] = [Cell(8, "s", " ")]
    written(path, rows, Form())
    first_reads = recorded_reads(monkeypatch)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the forked worker's temporary folders go here
    [isolated] = parsed_in_a_fork_pool(path)
    [local] = parse_in_process([path])
    first = first_reads[0][0]
    if stray:
        assert isinstance(first, ReaderGaveOut) and first.worker_exit == isolation.ABANDONED and len(first_reads) == 2
        assert [(f.rule, f.cell) for f in isolated.findings] == [("S13", "I1048576")]
    else:
        assert isinstance(first, ParsedWorkbook) and len(first_reads) == 1 and isolated.findings == []
    assert isolated.findings == local.findings and isolated.rows == local.rows == 30_000 + 3
    assert isolated.sheets["transfers"].values.equals(local.sheets["transfers"].values)
    assert list(temp.iterdir()) == []


def test_a_large_sheet_named_as_a_templates_is_loaded_from_the_start_and_a_units_own_sheet_only_if_asked(
        tmp_path, monkeypatch, reference):
    """With every sheet counted large, the worker's parse starts loading the template's sheets at once (before
    ``_meta`` says which template it is), but not ``_meta`` nor a unit's own sheet beside them, which the reader
    never reads: the rows and findings are those of the parse that loads each sheet when asked."""
    import openpyxl

    import importer.parse as parse

    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    book = openpyxl.load_workbook(path)
    book.create_sheet("บันทึกของหน่วย").append(["หมายเหตุ", "โอนครบแล้ว"])
    book.save(path)
    [guarded] = parse_in_process([path])
    monkeypatch.setattr(parse, "SMALL_PART", 0)
    early, load_early = [], parse._load_early
    monkeypatch.setattr(parse, "_load_early", lambda source, name: early.append(name) or load_early(source, name))

    def abandon():
        raise AssertionError("the survey vouches for every sheet of this file")
    parsed = parse.parse_workbook(path, abandon)
    sheets = {s.name for s in parsed.template.sheets}
    assert sorted(early) == sorted(n for n in openpyxl.load_workbook(path, read_only=True).sheetnames if n in sheets)
    assert early and "บันทึกของหน่วย" not in early and "_meta" not in early
    assert parsed.findings == guarded.findings and parsed.rows == guarded.rows
    for key, ps in parsed.sheets.items():
        assert ps.values.equals(guarded.sheets[key].values)


def test_a_large_sheet_the_reader_fails_on_ahead_of_its_survey_is_refused_as_the_guard_says(tmp_path, reference):
    """A row numbered "abc" near the top of a large sheet makes the reader fail long before the survey reaches it:
    the file is read again, guarded, and the refusal names the damaged sheet as a read in one process does (it
    said "could not be read" and named nothing, depending on the order of the sheets)."""
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    written(path, many_transfers(30_000), Form())
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.file_size > 2_000_000:  # the large sheet's XML
                data = data.replace(b'<row r="3"', b'<row r="abc"', 1)
            out.writestr(info, data)
    [isolated] = parsed_in_a_fork_pool(damaged)
    [local] = parse_in_process([damaged])
    assert isolated.reason == local.reason == Reason.TRUNCATED
    assert isolated.sheet == local.sheet == "รับโอน" and isolated.message_en == local.message_en


def failing_ahead(path: str):
    """The worker's parse with the load of a large sheet made to fail while its survey runs (it only runs through
    ``importer.parse._ahead``); the guarded read of the same file is left as it is."""
    import importer.parse as parse

    def failing(book, name, **options):
        raise RuntimeError("the reader failed")
    parse._ahead = failing
    return parse_task(path)


def test_any_reader_failure_ahead_of_the_survey_is_read_again_guarded(tmp_path, monkeypatch, reference):
    """Whatever makes the load of a large sheet fail before its survey has vouched for it, the worker gives the
    file up (exit 75) and the guarded read decides: here a load made to fail on a sound file, which the guarded
    read then reads whole."""
    path = write_year(tmp_path, reference, {"allocations": mini_year()["allocations"]})[0]
    written(path, many_transfers(30_000), Form())
    first_reads = recorded_reads(monkeypatch)
    [isolated] = parsed_in_a_fork_pool(path, task=failing_ahead)
    assert first_reads[0][0].worker_exit == isolation.ABANDONED and len(first_reads) == 2
    assert isinstance(isolated, ParsedWorkbook) and isolated.rows == 30_000 + 3 and isolated.findings == []


def test_arrow_text_in_several_chunks_comes_back_as_it_was_through_shared_memory():
    """Arrow text travels as its chunks (not copied into one first): values, blanks, Thai text and dtype as sent."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    chunks = pa.chunked_array([["0001", None], ["ก ข", "x" * (2 * isolation.SHIP_BYTES)]])  # past the pipe's size
    sent = pd.Series(pd.arrays.ArrowStringArray(chunks, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))
    shipped = isolation.ship({"text": sent})
    assert isinstance(shipped, isolation.Shipped)
    came = isolation.land(shipped)["text"]
    assert came.dtype == sent.dtype and came.equals(sent) and came.array.__arrow_array__().num_chunks == 2
    assert came.iloc[0] == "0001" and pd.isna(came.iloc[1]) and came.iloc[2] == "ก ข"


def test_the_c_allocator_takes_the_settings_that_keep_freed_columns_for_reuse_and_serves_arrow():
    """glibc's mallopt accepts each setting (this machine's C library is glibc, as the deployment's), and Arrow's
    columns come from it rather than from Arrow's own allocator."""
    import pyarrow as pa

    assert isolation.tune_allocator() is True
    assert pa.default_memory_pool().backend_name == "system"
    assert pa.array(["0001", "ก ข"]).to_pylist() == ["0001", "ก ข"]  # allocated from it
