"""Benchmark reading, `sms validate` and `sms import` of a big disbursements workbook.

    python bench/run.py --rows 100000 [--rows 1000000] [--repeat 3] [--profile]

For each size, on the same file (made by bench/make_workbook.py when missing), each step
runs in a fresh subprocess, so its peak RSS (VmHWM) is its own. The repeats interleave the
steps (read, validate, validate-b11, import, import-pg; read, validate, ...), so the machine's
noise falls on all of them alike; each step's table row gives the best run's wall time, the
median beside it, the least CPU time (printed because other processes share this 2-CPU
machine) and the highest peak RSS. Steps:

- read-fastexcel: fastexcel, every cell of the payments sheet as text into Arrow, as importer/reader.py
  reads it (its type sampling nulls late values otherwise), with fastexcel and pyarrow imported before the
  clock starts, as every step's libraries are;
- validate: ``services.submission.check`` with the stored context of the benchmark's own
  SQLite database, into which the allocations and projects workbooks were imported first; the
  workbook is parsed in a forked worker process, as ``sms validate`` does (importer/isolation.py),
  so the peak RSS and CPU time are the caller's, without its reader's (bench/isolation.py compares);
- validate-b11: the same validate against an empty database, as when a unit sends payments before its
  projects: every row fails B11 (the findings are capped, so it should cost about as much as a clean one);
- import: ``services.submission.submit`` into a fresh copy of that database;
- import-pg: the same into PostgreSQL, a server the bench starts on loopback as the tests do
  (tests/postgres.py: fsync off), each run into a fresh database made from a template holding
  the same context;
- frictionless: ``Resource.validate`` of our descriptor's ``disbursements-payments`` resource
  (foreign keys dropped: the peer has no other resources), once; above 100,000 rows on a
  20,000-row file made the same way, extrapolated per row.

The fastexcel read is the baseline of the time and memory ratios. Tables are printed and
written, with the machine, to bench/results/report_<sizes>.md (BENCHMARKS.md quotes them).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA, RESULTS = HERE / "data", HERE / "results"
SHEET = "เบิกจ่าย-ยืม"  # the payments sheet's name (templates.catalog: Sheet.name)
AS_OF = dt.date(2026, 9, 30)  # bench/make_workbook.py AS_OF
PEER_SAMPLE = 20_000
GOALS = {"validate": 1.5, "import": 2.5, "import-pg": 3}  # × the raw read; peak memory × the reader's peak: 1.5
PEAK_GOAL, PEER_GOAL, B11_GOAL = 1.5, 15, 1.3
LIFTED = dict(max_file_bytes=10**11, max_uncompressed_bytes=10**12, max_ratio=10**6, max_cells=10**10)


# -- the steps, each run in its own process --------------------------------------------------
def lift_gate() -> None:
    """Raise the safety gate's size limits (for files bigger than they allow; reported as such)."""
    import functools

    import importer.parse as parse
    parse.check_workbook = functools.partial(parse.check_workbook, **LIFTED)


def high_water_mb() -> float:
    """Peak RSS of this process since its exec (VmHWM). getrusage's ru_maxrss would also count the
    parent's RSS at fork time, which Linux carries over exec."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def child(step: str, file: Path, url: str | None, lifted: bool) -> dict:
    if step == "read-fastexcel":
        import fastexcel
        import pyarrow  # noqa: F401 - loaded before the clock starts, as validate's libraries are; fastexcel loads
        # it at the first to_arrow otherwise, and that import (~0.1 s) was counted in the baseline until session 9

        def work():
            table = fastexcel.read_excel(file).load_sheet(SHEET, header_row=None, skip_rows=0,
                                                          dtypes="string").to_arrow()
            return {"rows": table.num_rows}
    elif step in ("validate", "import"):
        from importer.isolation import configure, tune_allocator
        from reference.reference_set import load_default
        from services.submission import check, submit
        from store.db import connect
        tune_allocator()  # and the C allocator tuned, as the sms command runs it
        configure(start_method="fork")  # the reader in forked worker processes, as the sms command runs it
        if lifted:
            lift_gate()

        def work():
            engine, reference = connect(url), load_default()
            if step == "validate":
                fr = check(engine, [file], reference, as_of=AS_OF).files[0]
                status = "unreadable" if fr.unreadable else "read"
            else:
                result = submit(engine, [file], reference, actor="bench", as_of=AS_OF)[0]
                fr, status = result.report, result.status
            return {"rows": fr.parsed.rows if fr.parsed else 0, "errors": fr.errors, "warnings": fr.warnings,
                    "status": status}
    elif step == "frictionless":
        import copy

        from frictionless import Resource

        from templates import TEMPLATES
        from templates.datapackage import datapackage
        descriptor = next(r for r in datapackage([TEMPLATES["disbursements"]])["resources"]
                          if r["name"] == "disbursements-payments")
        descriptor = copy.deepcopy(descriptor)
        descriptor["schema"].pop("foreignKeys")
        descriptor["path"] = file.name
        Resource(descriptor, basepath=str(file.parent)).validate(limit_rows=10)  # warm-up: plugins, schema checks

        def work():
            task = Resource(descriptor, basepath=str(file.parent)).validate(limit_errors=10**9).tasks[0]
            return {"rows": task.stats["rows"], "errors": task.stats["errors"]}
    else:
        raise ValueError(step)
    before = high_water_mb()
    start, cpu = time.perf_counter(), time.process_time()
    out = work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = high_water_mb()
    return {**out, "seconds": seconds, "cpu": cpu, "before_mb": before, "peak_mb": peak}


def run_child(step: str, file: Path, url: str | None = None, lifted: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", step, "--file", str(file)]
    cmd += ["--url", url] if url else []
    cmd += ["--lifted"] if lifted else []
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode:
        raise RuntimeError(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the harness -------------------------------------------------------------------------------
def workbooks(rows: int) -> dict[str, Path]:
    """The benchmark's files for ``rows``, generated when missing."""
    from make_workbook import make
    paths = {"disbursements": DATA / f"disbursements_{rows}.xlsx",
             "allocations": DATA / f"context_{rows}" / "allocations.xlsx",
             "projects": DATA / f"context_{rows}" / "projects.xlsx"}
    if not all(p.exists() for p in paths.values()):
        start = time.perf_counter()
        paths = make(rows, DATA)
        print(f"generated {rows:,} rows in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return paths


def load_context(url: str, paths: dict[str, Path]) -> None:
    """Store the allocations and projects the disbursements refer to in the database at ``url``."""
    from reference.reference_set import load_default
    from services.submission import submit
    from store.db import connect
    engine = connect(url)
    for key in ("allocations", "projects"):
        result = submit(engine, [paths[key]], load_default(), actor="bench", as_of=AS_OF)[0]
        assert result.status == "stored", f"{key}: {result.status} {result.report.findings[:3]}"
    engine.dispose()


def fresh_sqlite(name: str, copy_of: Path | None = None) -> str:
    """The URL of ``DATA/<name>``: emptied, or a copy of ``copy_of``."""
    for leftover in DATA.glob(f"{name}*"):
        leftover.unlink()
    if copy_of:
        shutil.copy(copy_of, DATA / name)
    return f"sqlite:///{DATA / name}"


@contextlib.contextmanager
def postgres_context(paths: dict[str, Path]) -> Iterator[Callable[[], str]]:
    """A PostgreSQL server on loopback holding the context; yields a maker of fresh copies of it (their URLs)."""
    import sqlalchemy as sa

    sys.path.insert(0, str(HERE.parent / "tests"))
    from postgres import postgres_server
    with postgres_server() as url:
        load_context(url, paths)
        admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")

        def fresh() -> str:
            with admin.connect() as conn:
                conn.exec_driver_sql("DROP DATABASE IF EXISTS bench_import")
                conn.exec_driver_sql("CREATE DATABASE bench_import TEMPLATE sms")
            return url.rsplit("/", 1)[0] + "/bench_import"
        try:
            yield fresh
        finally:
            admin.dispose()


def gate_refusal(file: Path) -> str:
    """Why the safety gate refuses the file with its default limits, or ''."""
    from importer.safety import WorkbookRefused, check_workbook
    try:
        check_workbook(file)
        return ""
    except WorkbookRefused as refused:
        return f"{refused.reason}: {refused.message_en}"


def summary(runs: list[dict]) -> dict:
    """The best run by wall time, with the median wall time, the least CPU time and the highest peak RSS."""
    top = min(runs, key=lambda r: r["seconds"])
    return {**top, "median": statistics.median(r["seconds"] for r in runs), "cpu": min(r["cpu"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": [r["seconds"] for r in runs]}


def measure(rows: int, repeat: int) -> dict:
    from templates import TEMPLATES
    assert TEMPLATES["disbursements"].sheet("payments").name == SHEET
    paths = workbooks(rows)
    file = paths["disbursements"]
    context = DATA / f"context_{rows}.sqlite"
    load_context(fresh_sqlite(context.name), paths)
    lifted = bool(refusal := gate_refusal(file))
    with postgres_context(paths) as fresh_pg:
        plan = {  # step name: (child step, the URL of the database it runs on, made before each run)
            "read-fastexcel": ("read-fastexcel", lambda: None),
            "validate": ("validate", lambda: f"sqlite:///{context}"),
            # The same file before its projects are stored, as when a unit sends payments first.
            "validate-b11": ("validate", lambda: fresh_sqlite(f"empty_{rows}.sqlite")),
            "import": ("import", lambda: fresh_sqlite("import.sqlite", copy_of=context)),
            "import-pg": ("import", fresh_pg),
        }
        runs: dict[str, list[dict]] = {name: [] for name in plan}
        for _ in range(repeat):
            for name, (step, url) in plan.items():
                runs[name].append(run_child(step, file, url(), lifted))
                print(f"  {name}: {runs[name][-1]['seconds']:.2f} s, CPU {runs[name][-1]['cpu']:.2f} s, "
                      f"{runs[name][-1]['peak_mb']:.0f} MB", file=sys.stderr)
    steps = {name: summary(done) for name, done in runs.items()}
    for name in ("validate", "import", "import-pg"):
        assert steps[name]["errors"] == 0 and steps[name]["rows"] >= rows, steps[name]
    assert steps["validate-b11"]["errors"] > 1000, steps["validate-b11"]  # capped: 1,000 a rule and sheet
    if rows > 5 * PEER_SAMPLE:
        sample = workbooks(PEER_SAMPLE)["disbursements"]
        peer = summary([run_child("frictionless", sample)])
        peer.update(sample_rows=PEER_SAMPLE, sample_seconds=peer["seconds"],
                    seconds=peer["seconds"] * rows / PEER_SAMPLE, cpu=peer["cpu"] * rows / PEER_SAMPLE)
    else:
        peer = summary([run_child("frictionless", file)])
    steps["frictionless"] = peer
    return {"rows": rows, "file": str(file.relative_to(HERE.parent)), "mb": file.stat().st_size / 1e6,
            "gate_refusal": refusal, "steps": steps}


def table(result: dict) -> str:
    steps = result["steps"]
    base = "read-fastexcel"
    t0, c0, m0 = steps[base]["seconds"], steps[base]["cpu"], steps[base]["peak_mb"]
    lines = [f"{result['rows']:,} rows, `{result['file']}` ({result['mb']:.1f} MB); baseline: {base}\n",
             "| step | best s | × raw read | median s | × raw read (medians) | CPU s | × (CPU) | peak MB | "
             "× reader peak | MB before work | notes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, s in steps.items():
        notes = []
        if name in GOALS or name == "validate-b11":
            notes.append(f"{s['status']}, {s['errors']} errors, {s['warnings']} warnings")
            if result["gate_refusal"]:
                notes.append("gate limits raised")
        if name == "frictionless":
            notes.append(f"{s['errors']} errors (header labels, text-typed cells); one run")
            if "sample_rows" in s:
                scale = result["rows"] // s["sample_rows"]
                notes.append(f"{s['sample_seconds']:.1f} s on {s['sample_rows']:,} rows × {scale}; "
                             "memory is the sample's")
        if name == base:
            notes.append("baseline")
        lines.append(f"| {name} | {s['seconds']:.2f} | {s['seconds'] / t0:.2f} | {s['median']:.2f} | "
                     f"{s['median'] / steps[base]['median']:.2f} | {s['cpu']:.2f} | "
                     f"{s['cpu'] / c0:.2f} | {s['peak_mb']:.0f} | {s['peak_mb'] / m0:.2f} | {s['before_mb']:.0f} | "
                     f"{'; '.join(notes)} |")
    goals = [f"- validate ≤ {GOALS['validate']}× raw read: {steps['validate']['seconds'] / t0:.2f}× "
             f"(CPU {steps['validate']['cpu'] / c0:.2f}×)",
             f"- validate with every row failing B11 ≤ {B11_GOAL}× validate clean: "
             f"{steps['validate-b11']['seconds'] / steps['validate']['seconds']:.2f}×",
             f"- import ≤ {GOALS['import']}× raw read: {steps['import']['seconds'] / t0:.2f}× "
             f"(CPU {steps['import']['cpu'] / c0:.2f}×)",
             f"- import into PostgreSQL ≤ {GOALS['import-pg']}× raw read: "
             f"{steps['import-pg']['seconds'] / t0:.2f}× (CPU {steps['import-pg']['cpu'] / c0:.2f}×)",
             f"- peak memory ≤ {PEAK_GOAL}× the reader's: validate {steps['validate']['peak_mb'] / m0:.2f}×, "
             f"import {steps['import']['peak_mb'] / m0:.2f}×",
             f"- frictionless ≥ {PEER_GOAL}× slower than validate: "
             f"{steps['frictionless']['seconds'] / steps['validate']['seconds']:.1f}× "
             f"({steps['frictionless']['seconds'] / result['rows'] * 1e6:.0f} µs per row)"]
    out = "\n".join(lines) + "\n\n" + "\n".join(goals)
    if result["gate_refusal"]:
        out += f"\n\nWith its default limits the safety gate refuses this file ({result['gate_refusal']})."
    return out


def profile(rows: int, step: str, top: int = 12) -> str:
    """cProfile of one validate or import run: the project's functions by cumulative time."""
    import cProfile
    import pstats

    from reference.reference_set import load_default
    from services.submission import check, submit
    from store.db import connect
    file, db = DATA / f"disbursements_{rows}.xlsx", DATA / f"context_{rows}.sqlite"
    if step == "import":  # into a fresh copy of the context database
        for leftover in DATA.glob("profile.sqlite*"):
            leftover.unlink()
        db = shutil.copy(db, DATA / "profile.sqlite")
    engine, reference = connect(f"sqlite:///{db}"), load_default()
    profiler = cProfile.Profile()
    if step == "validate":
        profiler.runcall(check, engine, [file], reference, as_of=AS_OF)
    else:
        profiler.runcall(submit, engine, [file], reference, actor="bench", as_of=AS_OF)
    profiler.dump_stats(RESULTS / f"{step}_{rows}.prof")
    stats = pstats.Stats(profiler).stats
    root = str(HERE.parent)
    ours = [(cum, tot, calls, f"{Path(f).relative_to(root)}:{line} {name}")
            for (f, line, name), (calls, _, tot, cum, _) in stats.items()
            if f.startswith(root) and "/.venv/" not in f and "/bench/" not in f]
    total = max(cum for cum, *_ in ours)
    lines = [f"{step}, {rows:,} rows, under cProfile: {total:.2f} s (profiling slows it down; "
             f"`python -m pstats bench/results/{step}_{rows}.prof` for more)\n",
             "| function | cumulative s | own s | calls |", "|---|---:|---:|---:|"]
    lines += [f"| `{where}` | {cum:.2f} | {tot:.2f} | {calls:,} |"
              for cum, tot, calls, where in sorted(ours, reverse=True)[:top]]
    return "\n".join(lines)


def machine() -> str:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in (
        "fastexcel", "pandas", "pandera", "pyarrow", "numpy", "sqlalchemy", "frictionless",
        "openpyxl", "xlsxwriter"))
    return (f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
            f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM, "
            f"Python {platform.python_version()} on {platform.system()} {platform.release()}; {versions}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append", help="rows of the workbook (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also profile validate and import, first size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--lifted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file, args.url, args.lifted)))
        return
    sys.path.insert(0, str(HERE))
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    parts = [f"Command: `{command}`\n", f"Machine: {machine()}\n"]
    for rows in args.rows or [100_000]:
        start = time.perf_counter()
        result = measure(rows, args.repeat)
        (RESULTS / f"run_{rows}.json").write_text(json.dumps(result, indent=1) + "\n")
        parts.append(table(result) + f"\n\n(this size took {time.perf_counter() - start:.0f} s in all)\n")
        print(parts[-1], flush=True)
    if args.profile:
        for step in ("validate", "import"):
            parts.append(profile((args.rows or [100_000])[0], step) + "\n")
            print(parts[-1])
    sizes = "_".join(str(rows) for rows in args.rows or [100_000])
    (RESULTS / f"report_{sizes}.md").write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
