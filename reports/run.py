"""Run the report notebooks: one province (both notebooks side by side) or every province, in worker processes.

Each job is one notebook for one province. Jobs go to a pool of worker processes (2 by default: the
machine's cores). Each worker keeps one kernel for the notebooks it runs (launched and warmed up as the
worker starts, its namespace wiped before each later notebook: :class:`reports.render.KernelKeeper`) and
writes the executed notebook and the HTML page into ``<out>/<fy>/Q<q>/<province>/``; meanwhile this
process prints each page to PDF with one browser, opened while the first kernels start
(:class:`PrintService`). A job that fails is reported with the notebook cell that failed; the other jobs
go on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reports.config import NOTEBOOKS, NOTEBOOKS_DIR, REPORTS_DIR, TITLES
from reports.params import Province, Region, RegionParams, ReportParams

if TYPE_CHECKING:  # workers import this module: keep pandas and SQLAlchemy out of their start
    import sqlalchemy as sa

    from reference.reference_set import ReferenceSet

WORKERS = 2


@dataclass
class Job:
    params: ReportParams | RegionParams
    province: Province | Region  # the scope: a province, or a health region for the region report
    notebook: str  # financial_report | kpi_report | region_report
    out_dir: Path
    pdf: bool = True
    notebooks_dir: Path = NOTEBOOKS_DIR
    kept_kernel: bool = True  # run in the worker's kept kernel (reports.render.KernelKeeper), not a fresh one


@dataclass
class Outcome:
    province: str
    province_name: str
    notebook: str
    ok: bool
    files: list[Path] = field(default_factory=list)
    error: str = ""  # "financial_report.ipynb cell 5 [4]: KeyError: 'x'  ← show.table(...)"
    cell_index: int | None = None
    # execute, kernel (execution wall time − the cells' own: start or reset, papermill), kernel_start (starting and
    # warming up a kept kernel, 0 when reused), imports (the setup cell), cells, html, pdf, total
    seconds: dict[str, float] = field(default_factory=dict)


def out_dir(base: Path, params: ReportParams | RegionParams) -> Path:
    """Where one province's reports go: <base>/<fy>/Q<q>/<province code>/ (a region's: .../region-08/)."""
    return Path(base) / str(params.fiscal_year) / f"Q{params.quarter}" / params.folder


def absolute_url(url: str) -> str:
    """A SQLite URL with a relative path made absolute, so a kernel in another folder finds the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and not url.endswith(":memory:"):
        return prefix + str(Path(url.removeprefix(prefix)).resolve())
    return url


def jobs_for(params: ReportParams | RegionParams, province: Province | Region, base: Path = REPORTS_DIR, *,
             pdf: bool = True, notebooks: Iterable[str] = NOTEBOOKS, notebooks_dir: Path = NOTEBOOKS_DIR,
             kept_kernel: bool = True) -> list[Job]:
    return [Job(params, province, name, out_dir(base, params), pdf, Path(notebooks_dir), kept_kernel)
            for name in notebooks]


# -- one job, in a worker ---------------------------------------------------------------------------------
_keeper = None


def keeper():
    """This process's kept kernel, started on first use and shut down when the process ends."""
    global _keeper
    if _keeper is None:
        from multiprocessing import util

        from reports.render import KernelKeeper

        _keeper = KernelKeeper()
        util.Finalize(_keeper, _keeper.close, exitpriority=10)
    return _keeper


def worker_start(kept_kernel: bool = True) -> None:
    """A worker's start: launch its kept kernel first (it imports the reports' modules as it starts), then, while
    it does, import what jobs need and build the HTML exporter, so the first job finds both ready.

    nbformat validates with jsonschema, which registers an "iri" format checker when rfc3987_syntax is
    installed (the jupyter stack pulls it in); importing that builds a grammar, 1.3-2.3 s of every worker's
    start. Notebooks have no IRI field: leave it out here. Likewise pyarrow (and numpy with it), which papermill
    imports only to read notebooks from HDFS: 0.25 s of CPU a worker. The kernels, where pandas needs it, are
    other processes."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)
    sys.modules.setdefault("pyarrow", None)
    if kept_kernel:
        # a kernel that fails to launch here is launched again by the first job, which reports a failure
        with contextlib.suppress(Exception):
            keeper().launch()
    import papermill  # noqa: F401

    from reports.render import exporter

    exporter()


def run_job(job: Job) -> Outcome:
    """Execute one notebook and write its .ipynb and .html (the caller prints the PDF: :class:`PrintService`)."""
    from reports.render import NotebookFailed, cell_seconds, execute, to_html

    out = Outcome(job.province.code, job.province.name_th, job.notebook, ok=False)
    start = time.perf_counter()
    target = job.out_dir / f"{job.notebook}.ipynb"
    try:
        nb = execute(job.notebooks_dir / f"{job.notebook}.ipynb", target, job.params.as_dict(),
                     keeper=keeper() if job.kept_kernel else None)
        executed = time.perf_counter()
        out.files.append(target)
        cells = cell_seconds(nb)
        setup = [s for c, s in zip(nb.cells, cells, strict=True) if "setup" in c.metadata.get("tags", [])]
        out.seconds.update(execute=executed - start, cells=sum(cells), imports=sum(setup),
                           kernel=max(0.0, executed - start - sum(cells)),
                           kernel_start=keeper().started if job.kept_kernel else 0.0)
        p = job.params
        title = f"{TITLES[job.notebook][0]} {job.province.title_th}"
        footer = f"{title} · ปีงบประมาณ {p.fiscal_year} ไตรมาสที่ {p.quarter} (รอบที่ {p.round}) · SMS Workbench"
        html_file = job.out_dir / f"{job.notebook}.html"
        html_file.write_text(to_html(nb, f"{title} ไตรมาส {p.quarter}/{p.fiscal_year}", footer), encoding="utf-8")
        out.files.append(html_file)
        out.seconds["html"] = time.perf_counter() - executed
        out.ok = True
    except NotebookFailed as exc:
        out.error, out.cell_index = str(exc), exc.cell_index
        if target.exists():
            out.files.append(target)
    except Exception as exc:  # a kernel that never started, a full disk ...: this job fails, the others go on
        th, en = TITLES[job.notebook]
        out.error = (f"{th} ทำงานไม่สำเร็จ ลองสั่งใหม่อีกครั้ง / {en}: not made; run it again "
                     f"({type(exc).__name__}: {exc})")
        out.files = [f for f in out.files if f.exists()]
        if os.environ.get("SMS_REPORT_DEBUG"):
            traceback.print_exc()
    out.seconds["total"] = time.perf_counter() - start
    return out


# -- many jobs --------------------------------------------------------------------------------------------
class PrintService:
    """Prints the reports' HTML to PDF in this process while the workers compute.

    One thread holds the run's one browser (Playwright's objects belong to the thread that made them) and
    opens it as soon as the service exists, so Chromium's start overlaps the kernels'."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        from reports.pdf import Printer

        self.printer = Printer()
        self.available = self.printer.available
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        if self.available:
            self._pool.submit(self._open)

    def _open(self) -> None:
        with contextlib.suppress(Exception):  # a browser that cannot start fails each page, with its message
            self.printer.open()

    def submit(self, outcome: Outcome, job: Job):
        return self._pool.submit(self._print, outcome, job)

    def _print(self, outcome: Outcome, job: Job) -> Outcome:
        start = time.perf_counter()
        try:
            pdf = self.printer.pdf(job.out_dir / f"{job.notebook}.html", job.out_dir / f"{job.notebook}.pdf")
            outcome.files.append(pdf)
        except Exception as exc:
            outcome.ok, outcome.error = False, f"{job.notebook}.pdf: {type(exc).__name__}: {exc}"
        outcome.seconds["pdf"] = time.perf_counter() - start
        outcome.seconds["total"] = outcome.seconds.get("total", 0.0) + outcome.seconds["pdf"]
        return outcome

    def start_closing(self) -> None:
        """Close the browser in its thread and return at once: once every page is printed, the browser closes
        while the workers and their kernels shut down."""
        self._pool.submit(self._close)

    def _close(self) -> None:
        with contextlib.suppress(Exception):
            self.printer.close()

    def close(self) -> None:
        """Close the browser (again, harmlessly, after :meth:`start_closing`) and wait until it is closed."""
        self.start_closing()
        self._pool.shutdown()


def run_jobs(jobs: list[Job], workers: int = WORKERS,
             on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run jobs in ``workers`` processes (spawned: no state shared with the caller) and print their PDFs here,
    in any order of finishing; returns the outcomes in the order of ``jobs``."""
    if not jobs:
        return []
    results: dict[int, Outcome] = {}
    printing = PrintService() if any(j.pdf for j in jobs) else None
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=context,
                                 initializer=worker_start, initargs=(any(j.kept_kernel for j in jobs),)) as pool:
            running = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
            printed: dict = {}  # print futures → job index
            while running or printed:
                finished, _ = wait([*running, *printed], return_when=FIRST_COMPLETED)
                for future in finished:
                    if future in printed:
                        i, outcome = printed.pop(future), future.result()  # _print reports its own failure
                    else:
                        i = running.pop(future)
                        job = jobs[i]
                        try:
                            outcome = future.result()
                        except Exception as exc:  # the worker itself died
                            outcome = Outcome(job.province.code, job.province.name_th, job.notebook, False,
                                              error=f"{job.notebook}: worker failed: {type(exc).__name__}: {exc}")
                        if outcome.ok and job.pdf and printing is not None and printing.available:
                            printed[printing.submit(outcome, job)] = i
                            continue
                    results[i] = outcome
                    if on_done:
                        on_done(outcome)
            if printing is not None:
                printing.start_closing()
    finally:
        if printing is not None:
            printing.close()
    return [results[i] for i in range(len(jobs))]


def provinces_with_data(engine: sa.Engine, reference: ReferenceSet, fiscal_year: int) -> list[str]:
    """Province codes with a cost centre that has any data for the year (an SMS submission or a GFMIS row)."""
    import sqlalchemy as sa

    from store.queries import current_rows
    from store.schema import submissions

    s = submissions.c
    with engine.connect() as conn:
        centres = set(conn.execute(sa.select(s.cost_center).distinct().where(
            s.fiscal_year == fiscal_year, s.cost_center != "")).scalars())
    centres |= set(current_rows(engine, "gfmis", fiscal_year=fiscal_year)["cost_center"])
    frame = reference["cost_centers"]
    return sorted(set(frame.loc[frame["cost_center"].isin(centres), "province_code"]))


def progress_line(outcome: Outcome) -> str:
    """One finished report as a line: "✓ 39 หนองบัวลำภู · <Thai title> / <English title> (12 s)"."""
    th, en = TITLES[outcome.notebook]
    seconds = outcome.seconds.get("total", 0.0)
    return f"{'✓' if outcome.ok else '✗'} {outcome.province} {outcome.province_name} · {th} / {en} ({seconds:.0f} s)"


def run_with_progress(jobs: list[Job], workers: int = WORKERS, console=None) -> list[Outcome]:
    """:func:`run_jobs` showing progress report by report: a line as each one is finished (in a log too, where
    rich draws no bar) and, on a terminal, a bar counting reports under them."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = console or Console()
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("รายงาน / reports", total=len(jobs))
        finished = 0

        def done(outcome: Outcome) -> None:
            nonlocal finished
            finished += 1
            progress.console.print(f"[{finished}/{len(jobs)}] {progress_line(outcome)}", highlight=False)
            progress.update(task, advance=1)

        return run_jobs(jobs, workers, done)
