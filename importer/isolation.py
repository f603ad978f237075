"""Parse every workbook in a worker process that no file can take down.

The reader (calamine, inside fastexcel) is native code. One file can make it abort the process that
runs it (a blank-looking cell at XFD1048576 of a sheet without ``<dimension>`` asks for ~500 GB: the
process gets SIGABRT, which no ``except`` catches), take the machine's memory, or read for minutes.
So the whole of :func:`importer.parse.parse_workbook` (safety gate, reader, formula scan, normaliser)
runs here in worker processes (pebble's ``ProcessPool``), each with a memory cap (``RLIMIT_AS``, set
when the worker starts) and a time limit per file (the pool kills the worker past it). A worker that
crashes, is killed, runs out of its memory or of its time is a refusal of *that* file
(:class:`ReaderGaveOut`, an :class:`~domain.errors.Unreadable`: exit 2 on the CLI, the sentence in the
app), and the caller, the other files and, in the review app, the server and the other users' sessions
go on. Workers stay warm between files, so a small file costs a round trip, not a process start; a large
result comes back through shared memory (:class:`Shipped`), not the pipe.

The limits come from the environment (:meth:`Limits.from_env`): ``SMS_PARSE_MEMORY_MB`` (address space
a worker may add to what it starts with), ``SMS_PARSE_SECONDS`` (time to read one file) and ``SMS_PARSE_WORKERS``.

How workers start (:func:`configure`): the review app is a multi-threaded server, and a process forked
from one thread while another holds a lock can hang, so the default is ``forkserver``: a clean
single-threaded server process that has imported the reader once forks each worker. The ``sms`` command
is one-shot and single-threaded when it first reads, and has imported pandas already, so it forks its
workers directly (``fork``: no second import of pandas, ~0.8 s); ``fork`` falls back to ``forkserver``
whenever the process already runs other threads.

A worker loads a large sheet while its guard surveys it (:func:`parse_task`; see
:func:`importer.parse.parse_workbook`): a sheet the survey cannot vouch for ends that worker at once (exit
:data:`ABANDONED`), and a file whose worker died that way, crashed or ran out of memory is read once more by
:func:`guarded_task`, each sheet after its guard, so the refusal or finding is the one the guard gives.

Callers choose the parser explicitly: :func:`parse_isolated` (the default of the validators and the
submission service) or :func:`parse_in_process` (tests and benchmarks that need the caller's process).
Both take paths and give, in the same order, a ``ParsedWorkbook`` or the ``Unreadable`` it raised.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import io
import math
import mmap
import multiprocessing
import os
import pickle
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from pebble import ProcessExpired, ProcessPool

from domain.errors import Reason, SmsError, Unreadable

if TYPE_CHECKING:
    from importer.parse import ParsedWorkbook

MEMORY_ENV, SECONDS_ENV, WORKERS_ENV = "SMS_PARSE_MEMORY_MB", "SMS_PARSE_SECONDS", "SMS_PARSE_WORKERS"
# The address space a worker may add to what it starts with, not its resident memory: pandas, Arrow and the reader
# reserve far more than they touch. Parsing 1,000,000 rows (about the largest workbook the safety gate lets
# through) adds 1.4 GB of address space to a fork of the sms command, 2.2 GB to a fork server's worker, for
# ~1.1 GB resident (session 9); a file that asks for more is refused.
DEFAULT_MEMORY_MB = 6144
DEFAULT_SECONDS = 120.0  # 1,000,000 rows read in ~10 s on a quiet machine
DEFAULT_WORKERS = 2
TASKS_PER_WORKER = 50  # forkserver workers are replaced after this many files, returning what they hoarded
SHIP_BYTES = 1 << 20  # results with more than this in arrays travel through shared memory, not the pipe
SHM = "/dev/shm"  # tmpfs: what is written there stays in memory
GRACE = 30.0  # s a result may take to come back beyond the workers' own limits before the pool is called stuck
START_METHODS = ("fork", "forkserver", "spawn")
ABANDONED = 75  # a worker's exit code when it gave up a speculative load (os.EX_TEMPFAIL: try again)

Parser = Callable[[Sequence[Path]], "list[ParsedWorkbook | Unreadable]"]
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one file may cost its worker: address space (MB, beyond the worker's own at its start) and seconds;
    and how many workers read at once."""

    memory_mb: int = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS
    workers: int = DEFAULT_WORKERS

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The limits set in ``SMS_PARSE_MEMORY_MB``, ``SMS_PARSE_SECONDS`` and ``SMS_PARSE_WORKERS``, else the
        defaults; a value that is not a positive number is refused with what to set instead."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, key, kind in ((MEMORY_ENV, "memory_mb", int), (SECONDS_ENV, "seconds", float),
                                (WORKERS_ENV, "workers", int)):
            text = environ.get(name, "").strip()
            if not text:
                continue
            try:
                values[key] = kind(text)
            except ValueError:
                values[key] = 0
            if not values[key] > 0 or not math.isfinite(values[key]):
                raise SmsError(f"ค่า {name}={text!r} ไม่ถูกต้อง ต้องเป็นจำนวนบวก (หรือไม่ต้องตั้ง เพื่อใช้ค่าปกติ)",
                               f"{name}={text!r} is not valid: set a positive {kind.__name__} number, or leave it "
                               "unset for the default.", Reason.BAD_PARAMETER)
        return cls(**values)


# The advice every refusal ends with: what makes a small file too big for the reader, and what to do.
_FAR_CELL_TH = ("มักเกิดจากช่องที่ดูเหมือนว่างแต่มีข้อมูล (เช่น เว้นวรรค) อยู่ไกลด้านล่างหรือด้านขวาของตาราง "
                "ให้เปิดไฟล์ใน Excel ลบแถวทั้งหมดที่อยู่ใต้ตารางและคอลัมน์ทั้งหมดที่อยู่ทางขวาของตาราง "
                "แล้วบันทึกเป็น Excel Workbook (.xlsx) ใหม่ แล้วอัปโหลดอีกครั้ง")
_FAR_CELL_EN = ("This usually comes from a cell that looks blank but holds something (such as a space) far below or "
                "to the right of the table: open the file in Excel, delete all the rows below the table and all the "
                "columns to its right, save it again as an Excel Workbook (.xlsx) and upload it again.")
_SPLIT_TH = " ถ้าไฟล์มีข้อมูลมากขนาดนั้นจริง ให้แบ่งเป็นหลายไฟล์"
_SPLIT_EN = " If it really holds that much data, split it into several workbooks."


class ReaderGaveOut(Unreadable):
    """A workbook the reader gave out on in its worker process: it crashed (``reader_crashed``; ``exit_code_of_
    worker`` says how), needed more than its memory (``reader_out_of_memory``) or its time (``reader_timeout``).
    The file is refused; nothing else stops."""

    reason = Reason.READER_CRASHED

    def __init__(self, file: str, reason: Reason = Reason.READER_CRASHED, limits: Limits | None = None,
                 worker_exit: int | None = None):
        limits = limits or Limits()
        if reason == Reason.READER_OUT_OF_MEMORY:
            th = (f"อ่านไฟล์ {file} ไม่ได้ เพราะต้องใช้หน่วยความจำเกิน {limits.memory_mb:,} MB ที่กำหนดไว้ต่อไฟล์ "
                  f"(ไฟล์อื่นตรวจต่อได้ตามปกติ) {_FAR_CELL_TH}{_SPLIT_TH}")
            en = (f"{file} could not be read: it needs more than the {limits.memory_mb:,} MB of memory allowed for "
                  f"one file (the other files are checked as usual). {_FAR_CELL_EN}{_SPLIT_EN}")
        elif reason == Reason.READER_TIMEOUT:
            th = (f"อ่านไฟล์ {file} ไม่เสร็จภายใน {limits.seconds:g} วินาทีที่กำหนดไว้ต่อไฟล์ "
                  f"(ไฟล์อื่นตรวจต่อได้ตามปกติ) {_FAR_CELL_TH}{_SPLIT_TH}")
            unit = "second" if limits.seconds == 1 else "seconds"
            en = (f"{file} was not read within the {limits.seconds:g} {unit} allowed for one file (the other files "
                  f"are checked as usual). {_FAR_CELL_EN}{_SPLIT_EN}")
        else:  # mostly an allocation the reader could not make (a far cell's, or more than the memory allowed)
            th = (f"อ่านไฟล์ {file} ไม่ได้ เพราะโปรแกรมอ่านไฟล์หยุดทำงานกลางคัน (ไฟล์อื่นตรวจต่อได้ตามปกติ) "
                  f"{_FAR_CELL_TH}{_SPLIT_TH}")
            en = (f"{file} could not be read: the reader stopped part way through it (the other files are checked "
                  f"as usual). {_FAR_CELL_EN}{_SPLIT_EN}")
        super().__init__(th, en, reason, file=file)
        self.worker_exit = worker_exit  # the worker's exit code (-6: aborted, -9: killed), for the logs


# glibc's malloc tuned for a process that makes and frees many arrays of about a megabyte (a column of 100,000
# rows): by default each is mapped on its own and unmapped when freed, and the heap's free top is handed back to
# the kernel, so every new array faults in fresh zeroed pages. Kept and reused instead (validate of 100,000 rows
# median 0.957 → 0.929 s, BENCHMARKS.md, issue 15, session 8), at the price of up to 256 MB of freed memory held.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # mallopt's parameters (malloc.h)
ALLOCATOR = ((M_MMAP_THRESHOLD, 32 << 20), (M_TRIM_THRESHOLD, 256 << 20), (M_TOP_PAD, 128 << 20))


def tune_allocator() -> bool:
    """Make the C allocator Arrow's too, and tune it (:data:`ALLOCATOR`); the ``sms`` command, the review app and
    every reader worker call it at their start. Whether the C allocator took every setting: False on a C library
    without glibc's ``mallopt`` (it is then used as it is)."""
    import pyarrow as pa  # here: the caller may not need Arrow at all (sms --help)

    # Arrow's own allocator (mimalloc) hands pages back to the kernel at its own moments: in a worker, 0.11-0.14 s
    # of system time at random in the typing (BENCHMARKS.md, issue 15, session 7); in the caller, the budget
    # rules' copies fault in fresh pages where the tuned C allocator reuses its own (caller's CPU for a validate
    # of 100,000 rows, median 0.255 → 0.230 s, peak 208 → 197 MB, session 9).
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return all([mallopt(parameter, value) == 1 for parameter, value in ALLOCATOR])  # every one tried


# -- in the worker ------------------------------------------------------------------------------------------
def worker_start(memory_bytes: int) -> None:
    """A worker's start: cap the address space it may add to what it starts with at ``memory_bytes``, write no
    core file when the reader aborts (a core of a 500 GB address space is no help to anyone), and print nothing.

    What it starts with differs: a fork server's worker 0.4 GB, a fork of the ``sms`` command 1.5 GB (the
    libraries' reservations, mostly untouched). Capped at ``memory_bytes`` in all, a fork given less than its
    caller already had failed every allocation, and a thread that could not start hung it until its time limit,
    refused as a far blank cell."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # What the reader prints as it dies ("memory allocation of 167772160 bytes failed", and Rust's backtrace where
    # RUST_BACKTRACE is set) is not for the user, whose refusal says what happened and what to do.
    nowhere = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nowhere, 2)
    os.close(nowhere)
    tune_allocator()  # a worker made by forkserver does not inherit its caller's
    if memory_bytes:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space() + memory_bytes
        cap = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _address_space() -> int:
    """This process's address space in bytes (``VmSize``); 0 where ``/proc`` does not say."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmSize:")) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


@dataclass
class _OutOfMemory:
    """What a worker returns when the parse raised MemoryError (the cap refused an allocation)."""


@dataclass
class Packed:
    """A parsed workbook as it travels back from a worker: the typed text columns that are the same as the raw
    text (most of them: codes, names, descriptions) travel once, in the raw frame. ``shared`` holds, per sheet,
    the order of the typed columns and which of them are the raw ones."""

    parsed: ParsedWorkbook
    shared: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def pack(parsed: ParsedWorkbook) -> Packed:
    """Leave out of each sheet's typed values the text columns equal to the raw text (in the worker)."""
    packed = Packed(parsed)
    for key, ps in parsed.sheets.items():
        raw, values = ps.data.frame, ps.values
        same = [c for c in values.columns if c in raw.columns and values[c].dtype == raw[c].dtype
                and values.index.equals(raw.index) and values[c].equals(raw[c])]
        if same:
            packed.shared[key] = (list(values.columns), same)
            ps.values = values.drop(columns=same)
    return packed


def unpack(packed: Packed) -> ParsedWorkbook:
    """Put the shared columns back (in the caller): the typed column is the raw one, no copy."""
    import pandas as pd

    for key, (order, same) in packed.shared.items():
        ps = packed.parsed.sheets[key]
        values, raw = ps.values, ps.data.frame
        ps.values = pd.DataFrame({c: raw[c] if c in same else values[c] for c in order}, index=values.index,
                                 copy=False)
    return packed.parsed


@dataclass
class Shipped:
    """A packed workbook whose arrays (Arrow buffers, numpy blocks) wait in a file in shared memory: ``data`` is the
    pickle without them (protocol 5, out of band), ``spans`` where each array lies in ``file``. Through the pipe,
    a 100,000-row result costs ~0.25 s of pickling, copying and reading; this way ~0.04 s, and the caller's frames
    are backed by the file's pages (copy-on-write), not by a second copy."""

    data: bytes
    file: str
    spans: list[tuple[int, int]]


class _Pickler(pickle.Pickler):
    """pickle's, except that Arrow text travels as the chunks it is in: pandas' own pickling of it first copies
    it into one chunk (``combine_chunks``: 6 ms for the 36 MB of a 100,000-row sheet's text)."""

    def reducer_override(self, obj):
        from pandas.arrays import ArrowStringArray

        if type(obj) is ArrowStringArray and (chunked := obj.__arrow_array__()).num_chunks:
            return _text_array, (chunked.chunks, obj.dtype)
        return NotImplemented


def _text_array(chunks: list, dtype) -> object:
    """The pandas text array of Arrow ``chunks`` (the other end of :class:`_Pickler`), no copy."""
    import pyarrow as pa
    from pandas.arrays import ArrowStringArray

    return ArrowStringArray(pa.chunked_array(chunks, type=chunks[0].type), dtype=dtype)


def ship(packed: Packed) -> Packed | Shipped:
    """In the worker: write the arrays of a large result to shared memory; a small one (or when shared memory is
    missing or full) goes through the pipe whole."""
    buffers: list[pickle.PickleBuffer] = []
    pickled = io.BytesIO()
    _Pickler(pickled, protocol=5, buffer_callback=buffers.append).dump(packed)
    data = pickled.getvalue()
    raws = [b.raw() for b in buffers]
    size = sum(r.nbytes for r in raws) + 64 * len(raws)
    if size < SHIP_BYTES or not os.path.isdir(SHM):
        return packed
    name = None
    try:
        stat = os.statvfs(SHM)
        if stat.f_bavail * stat.f_frsize < 2 * size:
            return packed
        fd, name = tempfile.mkstemp(prefix="sms-reader-", dir=SHM)
        spans, at = [], 0
        with open(fd, "wb") as out:
            for raw in raws:
                pad = -at % 64  # Arrow's alignment
                out.write(b"\0" * pad)
                at += pad
                out.write(raw)
                spans.append((at, raw.nbytes))
                at += raw.nbytes
    except OSError:
        if name:
            os.unlink(name)
        return packed
    return Shipped(data, name, spans)


def land(shipped: Shipped) -> Packed:
    """In the caller: map the file (private, copy-on-write: the frames may be changed in place), remove its name,
    and unpickle with the arrays in place."""
    try:
        with open(shipped.file, "rb") as source:
            pages = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_COPY)
    finally:
        os.unlink(shipped.file)
    view = memoryview(pages)
    return pickle.loads(shipped.data, buffers=[view[at:at + n] for at, n in shipped.spans])


def _abandon() -> NoReturn:
    """End the worker at once (from the thread that found its speculative load unsafe, see
    :func:`importer.parse.parse_workbook`): the pool sees it die, and the caller parses the file again, guarded."""
    os._exit(ABANDONED)


def parse_task(path: str, keep: bool = False) -> Packed | Shipped | Unreadable | _OutOfMemory:
    """One file, in a worker: the parsed workbook packed for the trip back, or why it is unreadable. A large sheet
    is loaded while its guard runs; a worker that dies doing so is given the file again (:func:`guarded_task`).
    With ``keep``, the worker keeps the workbook for a :func:`follow_up_task` (until its next parse)."""
    return _parse_task(path, _abandon, keep)


def guarded_task(path: str, keep: bool = False) -> Packed | Shipped | Unreadable | _OutOfMemory:
    """As :func:`parse_task`, each sheet loaded only once its guard has passed: the file's findings exactly."""
    return _parse_task(path, None, keep)


_kept: dict[str, Packed] = {}  # in a worker: the workbook it last parsed with ``keep``, by path
# In a worker: the reader's worksheets (calamine's cells) of the workbook it last parsed with ``keep``. A forked
# worker's caller goes on with the result (the budget rules) and asks for a follow-up: the cells are freed at the
# worker's next parse or its end, not while the caller waits (~0.03 s for 100,000 rows, BENCHMARKS.md, issue 15).
_spent: list = []


def _parse_task(path: str, abandon: Callable[[], NoReturn] | None, keep: bool
                ) -> Packed | Shipped | Unreadable | _OutOfMemory:
    from importer.parse import parse_workbook

    _kept.clear()  # one workbook at most: a follow-up that did not come in time is done by the caller
    _spent.clear()
    try:
        packed = pack(parse_workbook(Path(path), abandon, _spent if keep else None))
    except (Unreadable, MemoryError) as exc:
        _spent.clear()
        return exc if isinstance(exc, Unreadable) else _OutOfMemory()
    if keep:
        _kept[path] = packed
    return ship(packed)


@dataclass
class _NotHere:
    """What a follow-up returns in a worker that does not hold the workbook (another worker read it, or this one
    has read another file since): the caller does the work itself."""


def follow_up_task(path: str, then: Callable[[ParsedWorkbook], object]) -> object:
    """In a worker: ``then`` of the workbook it kept from parsing ``path`` (see :meth:`ReaderPool.parse_then`)."""
    packed = _kept.pop(path, None)
    return _NotHere() if packed is None else then(unpack(packed))


# -- in the caller ------------------------------------------------------------------------------------------
def parse_in_process(paths: Sequence[Path]) -> list[ParsedWorkbook | Unreadable]:
    """Each file parsed in this process, one after the other (tests and benchmarks: a file that aborts the
    reader takes this process with it)."""
    from importer.parse import parse_workbook

    out: list[ParsedWorkbook | Unreadable] = []
    for path in paths:
        try:
            out.append(parse_workbook(Path(path)))
        except Unreadable as exc:
            out.append(exc)
    return out


class ReaderPool:
    """Warm worker processes that parse workbooks under :class:`Limits`; made when first asked to parse, made
    again after anything breaks it, stopped by :meth:`close` (and at exit)."""

    def __init__(self, limits: Limits | None = None, start_method: str = "forkserver",
                 task: Callable[[str], object] = parse_task):
        if start_method not in START_METHODS:
            raise ValueError(f"start_method must be one of {START_METHODS}, not {start_method!r}")
        self.limits = limits or Limits.from_env()
        self.start_method = start_method
        self.task = task  # a module-level function (it is pickled by name): tests give a crashing or hanging one
        # A file whose speculative parse crashed or ran out of memory is parsed again, guarded: the guard may have
        # had a refusal or a far cell to report that the speculative load got to first (a timeout is not retried:
        # the guard alone would have taken as long).
        self.fallback = guarded_task if task is parse_task else None
        self._pool = None
        self._forked = False  # whether the running pool's workers are forks of this process
        self._lock = threading.Lock()

    def _running(self, files: int):
        """The pebble pool, started (its workers forked) on first use or after it broke."""
        with self._lock:
            if self._pool is None or not self._pool.active:
                self._pool = self._start(files)
            return self._pool

    def _start(self, files: int):
        method, workers = self.start_method, self.limits.workers
        if method == "fork" and threading.active_count() > 1:
            method = "forkserver"  # forking a process that runs other threads can leave a worker hung on a lock
        if method == "fork":  # a one-shot command: no more workers than the files it was given
            workers = max(1, min(workers, files))
        self._forked = method == "fork"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # the server imports the reader (pandas, pyarrow, fastexcel) once; each worker is a fork of it
            context.set_forkserver_preload(["importer.parse", "importer.isolation"])
        # a forked worker keeps running until the process ends; forkserver workers are replaced now and then
        return ProcessPool(max_workers=workers, max_tasks=0 if method == "fork" else TASKS_PER_WORKER,
                           initializer=worker_start, initargs=(self.limits.memory_mb * 2**20,), context=context)

    def _discard(self, pool) -> None:
        """Stop a pool that is stuck or broken (its workers are killed); the next call starts a new one."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.stop()
        pool.join(timeout=10)

    def parse_many(self, paths: Sequence[Path]) -> list[ParsedWorkbook | Unreadable]:
        """Each file parsed in a worker, as many at once as there are workers; in the order given."""
        return self._read([Path(p) for p in paths], keep=False)

    def parse_then(self, paths: Sequence[Path], then: Callable[[ParsedWorkbook], T]
                   ) -> list[tuple[ParsedWorkbook | Unreadable, Callable[[], T] | None]]:
        """:meth:`parse_many`, each workbook read coming with a function that returns ``then`` of it (None for an
        unreadable file). ``then`` (a module-level function) runs in the worker that read the file, beside what
        the caller does next, when the workers are forks of this process (they have what it imported): the
        column checks of 100,000 rows run there while the caller runs the budget rules (the caller's CPU for the
        validate 0.19 → 0.165 s, BENCHMARKS.md, issue 15, session 9). Otherwise, or when another worker took the
        follow-up, or it failed, ``then`` runs here when asked for."""
        paths = [Path(p) for p in paths]
        self._running(len(paths))  # started first: whether its workers are forks of this process is known then
        follow = self._forked and self.task is parse_task
        results = self._read(paths, keep=follow)
        return [(r, None if isinstance(r, Unreadable) else self._later(path, r, then, follow))
                for path, r in zip(paths, results, strict=True)]

    def _later(self, path: Path, parsed: ParsedWorkbook, then: Callable[[ParsedWorkbook], T], follow: bool
               ) -> Callable[[], T]:
        """``then`` of ``parsed``: asked of the worker that kept it when ``follow``, else done here when called."""
        here, pool = functools.partial(then, parsed), self._pool
        if not follow or pool is None:
            return here
        try:
            future = pool.schedule(follow_up_task, args=(str(path), then), timeout=self.limits.seconds)
        except RuntimeError:  # the pool broke meanwhile (pebble's "not active")
            return here

        def result() -> T:
            try:
                out = future.result(timeout=self.limits.seconds + GRACE)
            except Exception:  # noqa: BLE001 - whatever stopped the worker (a crash, its time): done here instead
                out = _NotHere()
            return here() if isinstance(out, _NotHere) else out
        return result

    def _read(self, paths: list[Path], keep: bool) -> list[ParsedWorkbook | Unreadable]:
        results = self._parse_many(paths, self.task, keep)
        again = [i for i, r in enumerate(results) if isinstance(r, ReaderGaveOut) and r.reason != Reason.READER_TIMEOUT]
        if self.fallback and again:
            for i, result in zip(again, self._parse_many([paths[i] for i in again], self.fallback, keep), strict=True):
                results[i] = result
        return results

    def _parse_many(self, paths: list[Path], task: Callable[..., object], keep: bool = False
                    ) -> list[ParsedWorkbook | Unreadable]:
        if not paths:
            return []
        args = (True,) if keep else ()  # a test's task takes the path alone
        pool = self._running(len(paths))
        try:
            futures = [pool.schedule(task, args=(str(p), *args), timeout=self.limits.seconds) for p in paths]
        except RuntimeError:  # the pool broke after it was checked ("not active"): once more, on a new one
            self._discard(pool)
            pool = self._running(len(paths))
            futures = [pool.schedule(task, args=(str(p), *args), timeout=self.limits.seconds) for p in paths]
        start, results = time.monotonic(), []
        for i, (path, future) in enumerate(zip(paths, futures, strict=True)):
            # Each file's own limit is enforced by the pool; this deadline only catches a pool that stopped
            # answering (a worker killed from outside half way through sending its result).
            rounds = i // self.limits.workers + 1
            deadline = start + rounds * (self.limits.seconds + GRACE)
            results.append(self._outcome(path, future, pool, deadline))
            if results[-1] is _STUCK:
                results[-1] = ReaderGaveOut(path.name, Reason.READER_TIMEOUT, self.limits)
                self._discard(pool)
                return results + self._parse_many(paths[i + 1:], task, keep)  # the files behind it, on a new pool
        return results

    def _outcome(self, path: Path, future, pool, deadline: float):
        try:
            result = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            if not future.done():
                return _STUCK
            return ReaderGaveOut(path.name, Reason.READER_TIMEOUT, self.limits)  # the pool killed the worker
        except ProcessExpired as exc:
            return ReaderGaveOut(path.name, Reason.READER_CRASHED, self.limits, worker_exit=exc.exitcode)
        except BrokenProcessPool:  # the pool itself broke (a worker died holding its channel)
            self._discard(pool)
            return ReaderGaveOut(path.name, Reason.READER_CRASHED, self.limits)
        except MemoryError:  # the result did not fit in this process
            return ReaderGaveOut(path.name, Reason.READER_OUT_OF_MEMORY, self.limits)
        if isinstance(result, _OutOfMemory):
            return ReaderGaveOut(path.name, Reason.READER_OUT_OF_MEMORY, self.limits)
        if isinstance(result, Shipped):
            try:
                result = land(result)
            except MemoryError:
                return ReaderGaveOut(path.name, Reason.READER_OUT_OF_MEMORY, self.limits)
        if isinstance(result, Packed):
            return unpack(result)
        return result  # an Unreadable, or what a test's task returns

    def close(self, wait: bool = True) -> None:
        """Stop the workers (and, with forkserver, its server ends with this process). Without ``wait``, as the
        process exits: pebble's own exit handler ends the workers, and a worker whose caller is gone reads the
        end of its pipe and leaves, so nothing here waits for the pool's threads (0.1 s of every command)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            if wait:
                pool.join(timeout=10)


_STUCK = object()

# -- the process's shared pool ------------------------------------------------------------------------------
_shared: ReaderPool | None = None
_shared_lock = threading.Lock()
_start_method: str = "forkserver"
_limits: Limits | None = None


def configure(*, start_method: str | None = None, limits: Limits | None = None) -> None:
    """Choose how this process's shared pool starts its workers and its limits (before its first parse; a pool
    already running is stopped and the next parse starts one as configured)."""
    global _shared, _start_method, _limits
    if start_method is not None and start_method not in START_METHODS:
        raise ValueError(f"start_method must be one of {START_METHODS}, not {start_method!r}")
    with _shared_lock:
        _start_method = start_method or _start_method
        _limits = limits or _limits
        old, _shared = _shared, None
    if old is not None:
        old.close()


def shared_pool() -> ReaderPool:
    """This process's one pool (the review app's, shared by every session), made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ReaderPool(_limits, _start_method)
        return _shared


def shutdown(wait: bool = False) -> None:
    """Stop the shared pool's workers; runs at exit (without waiting: see :meth:`ReaderPool.close`)."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close(wait=wait)


atexit.register(shutdown)


def parse_isolated(paths: Sequence[Path]) -> list[ParsedWorkbook | Unreadable]:
    """Each file parsed in this process's shared pool of workers (see the module's docstring)."""
    return shared_pool().parse_many(paths)


def parse_isolated_then(paths: Sequence[Path], then: Callable[[ParsedWorkbook], T]
                        ) -> list[tuple[ParsedWorkbook | Unreadable, Callable[[], T] | None]]:
    """:meth:`ReaderPool.parse_then` in this process's shared pool."""
    return shared_pool().parse_then(paths, then)


def parse(path: Path, parser: Parser | None = None) -> ParsedWorkbook:
    """One file, parsed by ``parser`` (default :func:`parse_isolated`); raises its :class:`Unreadable`."""
    [result] = (parser or parse_isolated)([Path(path)])
    if isinstance(result, Unreadable):
        raise result
    return result
