"""Benchmark the inspection-round reports: one province, every province with data, and a whole country.

    python bench/report_bench.py [--repeat 3] [--all] [--country] [--province 39]

On the demo fiscal year (``sms demo``, loaded into bench/data/reports_demo.sqlite when missing), FY 2569 Q2:

- **floor**: papermill runs a one-cell notebook (``1 + 1``) in a fresh ``python3`` kernel: start, run,
  write, stop; the least any report can cost, measured between the province runs (interleaved);
- **province**: ``reports.run.run_jobs`` of one province's two notebooks in 2 worker processes, each
  writing the executed notebook, the HTML page and the PDF: what ``sms report --province`` does
  (best and median of --repeat). **One report** is what a user waits for it: from the call to
  ``run_jobs`` until that notebook's PDF is written (its pool of workers and their kernels starting, the
  browser opening, the notebook, HTML and PDF; not the CLI's own start and parameter checks), median of
  the 2 × --repeat notebooks, each notebook sharing the 2 CPUs with the other. Per notebook: the kernel
  (execution wall time − the cells' own time; *kernel start*: what a notebook waited for its kernel to
  start and warm up), the imports cell, the other cells, HTML export and PDF print;
- **bare** (--bare): each notebook's code cells run by ``exec`` in a fresh plain Python process (no kernel,
  no papermill, no HTML or PDF), the two side by side, each from the start to its exit, interleaved with
  the floor: the least the report modules' imports and the cells cost, whatever runs them;
- **all** (--all): every province with data in one pool of 2 workers, as ``sms report --all``;
- **fresh** (--fresh-kernels): --all again with a fresh kernel per notebook (papermill's default), to
  show what keeping one kernel per worker saves;
- **country** (--country): 77 provinces' reports (the provinces with data, cycled, each into its own
  folder): the whole country's quarter, measured rather than extrapolated.

Wall and CPU time (of this process and its children) are printed, since other processes may share
the 2-CPU machine; the load average before each step says how busy it was. Results go to
bench/results/reports.md and reports.json (BENCHMARKS.md quotes them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA, RESULTS = HERE / "data", HERE / "results"
DB = DATA / "reports_demo.sqlite"
FY, QUARTER, AS_OF = 2569, 2, dt.date(2026, 3, 31)
PROVINCES_IN_THAILAND = 77
REPORT_GOAL = 3.0  # a report (one notebook: executed, HTML, PDF) ≤ 3 × the floor (issue 14)
COUNTRY_GOAL = 1.2  # the country ≤ 1.2 × its reports × one report's time ÷ the cores (issue 14)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> float:
    return os.getloadavg()[0]


def ensure_demo(url: str) -> None:
    if DB.exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"loading the demo year into {DB} (sms demo) ...", flush=True)
    env = {**os.environ, "SMS_DATABASE_URL": url}
    subprocess.run([str(ROOT / ".venv" / "bin" / "sms"), "demo", "--out", str(DATA / "reports_demo_files")],
                   check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def papermill_floor(folder: Path) -> float:
    """Seconds for papermill to run a one-cell notebook in a fresh kernel (over IPC, as the reports do)."""
    import nbformat
    import papermill
    from traitlets.config import Config

    from reports.render import ipc_path

    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, folder / "one_cell.ipynb")
    start = time.perf_counter()
    papermill.execute_notebook(str(folder / "one_cell.ipynb"), str(folder / "one_cell.out.ipynb"),
                               kernel_name="python3", progress_bar=False,
                               config=Config({"KernelManager": {"transport": "ipc", "ip": ipc_path()}}))
    return time.perf_counter() - start


BARE = """
import io, json, sys, contextlib
import nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
ns = {}
with contextlib.redirect_stdout(io.StringIO()):  # display() without a kernel prints
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, ns)
            if "parameters" in cell.metadata.get("tags", []):
                ns.update(json.loads(sys.argv[2]))
"""


def bare_run(parameters: dict) -> list[float]:
    """Seconds until each notebook's code cells have run, both side by side, each in a fresh plain Python
    process (from the start of both to that process's exit)."""
    from reports.config import NOTEBOOKS, NOTEBOOKS_DIR

    start = time.perf_counter()
    runs = {subprocess.Popen([sys.executable, "-c", BARE, str(NOTEBOOKS_DIR / f"{name}.ipynb"),
                              json.dumps(parameters)]).pid for name in NOTEBOOKS}
    finished = []
    while runs:
        pid, status = os.wait()  # whichever ends first
        assert pid in runs and status == 0, (pid, status)
        runs.discard(pid)
        finished.append(time.perf_counter() - start)
    return finished


def timed(label: str, fn):
    before_load, cpu, start = load(), cpu_seconds(), time.perf_counter()
    result = fn()
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU (load before {before_load:.2f})", flush=True)
    return result, {"wall": wall, "cpu": cpu, "load": before_load}


def breakdown(outcomes) -> dict[str, dict[str, float]]:
    """Median seconds per step and notebook."""
    steps = ("kernel", "kernel_start", "imports", "cells", "html", "pdf", "total")
    out = {}
    for name in sorted({o.notebook for o in outcomes}):
        mine = [o for o in outcomes if o.notebook == name and o.ok]
        out[name] = {s: statistics.median(o.seconds.get(s, 0.0) for o in mine) for s in steps} if mine else {}
        if mine:
            out[name]["other cells"] = out[name]["cells"] - out[name]["imports"]
            starts = [o.seconds["kernel_start"] for o in mine if o.seconds.get("kernel_start")]
            out[name]["kernel starts"] = len(starts)
            out[name]["kernel_start"] = statistics.median(starts) if starts else 0.0
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--province", default="39")
    parser.add_argument("--all", action="store_true", help="also every province with data")
    parser.add_argument("--country", action="store_true", help="also 77 provinces' reports")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--bare", action="store_true", help="also the notebooks' cells in plain Python processes")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="also --all with a fresh kernel per notebook (papermill's default), for comparison")
    args = parser.parse_args()

    url = f"sqlite:///{DB}"
    ensure_demo(url)
    from reports.params import check_params
    from reports.run import jobs_for, provinces_with_data, run_jobs
    from store.db import connect
    from store.reference import current_reference

    engine = connect(url)
    reference = current_reference(engine)
    out = DATA / "reports_out"
    shutil.rmtree(out, ignore_errors=True)

    def province_jobs(code: str, base: Path, kept_kernel: bool = True):
        params, where = check_params(reference, fiscal_year=FY, province=code, quarter=QUARTER, as_of=AS_OF,
                                     database_url=url)
        return jobs_for(params, where, base, pdf=not args.no_pdf, kept_kernel=kept_kernel)

    results: dict = {"machine": f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()}",
                     "date": dt.datetime.now().isoformat(timespec="seconds"), "workers": args.workers}
    runs, outcomes, floors, waited, bare, tails = [], [], [], [], [], []

    def province_run():
        jobs, start, mine = province_jobs(args.province, out / "province"), time.perf_counter(), []
        done = run_jobs(jobs, args.workers, on_done=lambda o: mine.append(time.perf_counter() - start))
        tails.append(time.perf_counter() - start - max(mine))  # shutting the workers and the browser down
        waited.extend(mine)
        return done

    for i in range(args.repeat):  # interleaved, so the machine's noise falls on both alike
        floors.append(papermill_floor(out / "floor"))
        print(f"floor run {i + 1}: {floors[-1]:.2f} s", flush=True)
        done, t = timed(f"province {args.province} run {i + 1}", province_run)
        assert all(o.ok for o in done), [o.error for o in done]
        runs.append(t)
        outcomes += done
        if args.bare:
            bare += bare_run(province_jobs(args.province, out)[0].params.as_dict())
            print(f"bare run {i + 1}: {bare[-2]:.2f} s, {bare[-1]:.2f} s", flush=True)
    results["floor"] = {"best": min(floors), "median": statistics.median(floors)}
    results["waited"] = {"best": min(waited), "median": statistics.median(waited)}
    results["tail"] = statistics.median(tails)
    if bare:
        results["bare"] = {"best": min(bare), "median": statistics.median(bare)}
    results["report"] = statistics.median(o.seconds["total"] for o in outcomes)
    walls = [r["wall"] for r in runs]
    results["province"] = {"best": min(walls), "median": statistics.median(walls),
                           "cpu_median": statistics.median(r["cpu"] for r in runs), "runs": runs,
                           "notebooks": breakdown(outcomes)}
    sizes = {f.name: f.stat().st_size for f in (out / "province").rglob("*.*")}
    results["sizes"] = sizes

    codes = provinces_with_data(engine, reference, FY)
    if args.all:
        jobs = [j for c in codes for j in province_jobs(c, out / "all")]
        done, t = timed(f"--all: {len(codes)} provinces", lambda: run_jobs(jobs, args.workers))
        results["all"] = {**t, "provinces": len(codes), "failed": [o.error for o in done if not o.ok],
                          "per_province": t["wall"] / len(codes), "notebooks": breakdown(done)}
    if args.fresh_kernels:
        jobs = [j for c in codes for j in province_jobs(c, out / "fresh", kept_kernel=False)]
        done, t = timed(f"--all, fresh kernels: {len(codes)} provinces", lambda: run_jobs(jobs, args.workers))
        results["fresh"] = {**t, "provinces": len(codes), "failed": [o.error for o in done if not o.ok],
                            "per_province": t["wall"] / len(codes), "notebooks": breakdown(done)}
    if args.country:
        jobs = []
        for i in range(PROVINCES_IN_THAILAND):
            for job in province_jobs(codes[i % len(codes)], out / "country"):
                jobs.append(replace(job, out_dir=job.out_dir.parent / f"{i + 1:02d}-{job.province.code}"))
        done, t = timed(f"country: {PROVINCES_IN_THAILAND} provinces", lambda: run_jobs(jobs, args.workers))
        results["country"] = {**t, "provinces": PROVINCES_IN_THAILAND,
                              "failed": [o.error for o in done if not o.ok],
                              "per_province": t["wall"] / PROVINCES_IN_THAILAND, "notebooks": breakdown(done)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reports.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    report = markdown(results)
    (RESULTS / "reports.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


def markdown(r: dict) -> str:
    floor, report, waited = r["floor"]["median"], r["report"], r["waited"]
    lines = [f"Machine: {r['machine']}; {r['date']}; {r['workers']} worker processes.", "",
             "| what | wall (s) | CPU (s) | goal | load before |", "|---|---:|---:|---:|---:|"]
    p = r["province"]
    lines.append(f"| floor: papermill, a one-cell notebook in a fresh kernel (best / median of {len(p['runs'])}) | "
                 f"{r['floor']['best']:.2f} / {floor:.2f} | | | |")
    lines.append(f"| one report as a user waits for it: from run_jobs to its PDF, 2 side by side (best / median of "
                 f"{2 * len(p['runs'])}) | {waited['best']:.2f} / {waited['median']:.2f} | "
                 f"| ≤ {REPORT_GOAL:g} × floor: **{waited['median'] / floor:.2f}×** | |")
    lines.append(f"| one report's own steps: its notebook in the worker (with the wait for its kernel), HTML and PDF "
                 f"(median of {2 * len(p['runs'])}) | {report:.2f} | | {report / floor:.2f}× | |")
    if "bare" in r:
        lines.append(f"| bare: a notebook's imports and cells alone, in a plain Python process, 2 side by side "
                     f"(best / median of {2 * len(p['runs'])}) | {r['bare']['best']:.2f} / {r['bare']['median']:.2f} | "
                     f"| {r['bare']['median'] / floor:.2f}× | |")
    if "tail" in r:
        lines.append(f"| after the last report: the workers, their kernels and the browser shut down (median of "
                     f"{len(p['runs'])}) | {r['tail']:.2f} | | | |")
    lines.append(f"| one province, 2 notebooks side by side (best / median of {len(p['runs'])}) | "
                 f"{p['best']:.1f} / {p['median']:.1f} | {p['cpu_median']:.1f} | | "
                 f"{statistics.median(x['load'] for x in p['runs']):.1f} |")
    for key, label in (("all", "--all"), ("fresh", "--all, a fresh kernel per notebook"),
                       ("country", "whole country")):
        if key in r:
            a = r[key]
            goal = ""
            if key == "country":
                bound = 2 * a["provinces"] * report / r["workers"]
                goal = f"≤ {COUNTRY_GOAL:g} × {bound:.0f} s: **{a['wall'] / bound:.2f}×**"
            lines.append(f"| {label}: {a['provinces']} provinces ({a['per_province']:.1f} s per province)"
                         f"{', FAILED: ' + str(len(a['failed'])) if a['failed'] else ''} | {a['wall']:.1f} | "
                         f"{a['cpu']:.1f} | {goal} | {a['load']:.1f} |")
    lines += ["", "The country's bound is its reports × one report's median time ÷ the worker processes (the cores).",
              "",
              "Per notebook, median seconds. *kernel* = execution wall time − the cells' own time: starting and "
              "warming up the worker's kernel (when it was not yet running: *kernel start*, median of those "
              "starts), else wiping its namespace, plus papermill's own work. *imports* = the setup cell.", "",
              "| run | notebook | kernel | kernel start (n) | imports | other cells | HTML | PDF | total "
              "| kernel + imports share |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in ("province", "all", "fresh", "country"):
        for name, s in r.get(run, {}).get("notebooks", {}).items():
            if not s:
                continue
            share = (s["kernel"] + s["imports"]) / s["total"] if s.get("total") else float("nan")
            lines.append(f"| {run} | {name} | {s['kernel']:.2f} | {s['kernel_start']:.2f} ({s['kernel starts']}) | "
                         f"{s['imports']:.2f} | {s['other cells']:.2f} | {s['html']:.2f} | {s.get('pdf', 0):.2f} | "
                         f"{s['total']:.2f} | {share:.0%} |")
    sizes = r.get("sizes", {})
    if sizes:
        lines += ["", "Sizes: " + ", ".join(f"{k} {v / 1024:,.0f} kB" for k, v in sorted(sizes.items()))]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
