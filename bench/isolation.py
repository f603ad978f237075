"""Benchmark what parsing in the reader's worker processes costs against parsing in the caller's process.

    python bench/isolation.py [--rows 30 --rows 100000] [--repeat 7]

For each size, ``services.submission.check`` (the path of ``sms validate`` and of the review app) of the
disbursements workbook made by bench/make_workbook.py, against a database holding its allocations and
projects, run in this one process four ways, the repeats interleaved (A B C A B C ...) so the machine's
noise falls on all of them alike:

- in-process: ``parser=parse_in_process``, the reader in this process (the baseline);
- fork, warm: a pool whose workers were forked from this process (what ``sms`` does), already started;
- forkserver, warm: a pool whose workers come from a fork server (what the review app does), already started;

and, once per size, the first check on a fresh fork pool in this process. What a one-shot ``sms validate``
pays is measured apart, in whole processes (``--cold``, repeats interleaved): ``check()`` timed inside a fresh
process that parses in-process, against one that forks its worker for it, as ``sms`` does. Prints a
Markdown table (min and median of each, the extra over in-process in seconds and per cent) and writes it
to bench/results/isolation.md; BENCHMARKS.md quotes it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA, RESULTS = HERE / "data", HERE / "results"
sys.path.insert(0, str(ROOT))

from bench.make_workbook import AS_OF, make  # noqa: E402
from importer.isolation import Limits, ReaderPool, parse_in_process  # noqa: E402
from reference.reference_set import load_default  # noqa: E402
from services.submission import check, submit  # noqa: E402
from store.db import connect  # noqa: E402

GOALS = {30: ("≤ +0.3 s", lambda extra, base: extra <= 0.3),
         100_000: ("≤ +10 %", lambda extra, base: extra <= 0.1 * base)}


def workbooks(rows: int, tmp: Path) -> dict[str, Path]:
    """The three workbooks of ``rows`` payments: the big ones kept in bench/data, small ones made once per run."""
    folder = DATA if rows >= 10_000 else tmp
    paths = {"disbursements": folder / f"disbursements_{rows}.xlsx",
             "allocations": folder / f"context_{rows}" / "allocations.xlsx",
             "projects": folder / f"context_{rows}" / "projects.xlsx"}
    if not all(p.exists() for p in paths.values()):
        paths = make(rows, folder)
    return paths


def measure(rows: int, repeat: int, tmp: Path) -> list[str]:
    reference = load_default()
    paths = workbooks(rows, tmp)
    engine = connect(f"sqlite:///{tmp / f'isolation_{rows}.sqlite'}")
    outcomes = submit(engine, [paths["allocations"], paths["projects"]], reference, actor="bench", as_of=AS_OF,
                      parser=parse_in_process)
    assert all(o.status == "stored" for o in outcomes), [(o.file, o.status) for o in outcomes]
    target = [paths["disbursements"]]

    def run(parser) -> float:
        start = time.perf_counter()
        report = check(engine, target, reference, as_of=AS_OF, parser=parser)
        seconds = time.perf_counter() - start
        assert not report.unreadable and not report.errors, report.as_dict()["summary"]
        return seconds

    limits = Limits()
    cold_pool = ReaderPool(limits, start_method="fork")  # before any pool's threads: a real fork
    cold = run(cold_pool.parse_many)
    cold_pool.close()
    forked = ReaderPool(limits, start_method="fork")
    run(forked.parse_many)  # start the workers
    served = ReaderPool(limits, start_method="forkserver")
    run(served.parse_many)
    ways = {"in-process": parse_in_process, "fork, warm": forked.parse_many, "forkserver, warm": served.parse_many}
    run(parse_in_process)  # warm this process's caches too
    times: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for _ in range(repeat):
            for name, parser in ways.items():
                times[name].append(run(parser))
    finally:
        forked.close()
        served.close()
        engine.dispose()
    base_min, base_median = min(times["in-process"]), statistics.median(times["in-process"])
    label, met = GOALS.get(rows, ("", lambda extra, base: True))
    out = []
    for name, ts in times.items():
        if name == "in-process":
            out.append(f"| {rows:,} | {name} | {min(ts):.3f} | {statistics.median(ts):.3f} | baseline | | |")
            continue
        extra_min, extra_median = min(ts) - base_min, statistics.median(ts) - base_median
        verdict = "met" if met(extra_median, base_median) else "**not met**"
        out.append(f"| {rows:,} | {name} | {min(ts):.3f} | {statistics.median(ts):.3f} | {extra_min:+.3f} s "
                   f"({extra_min / base_min:+.0%}) | {extra_median:+.3f} s ({extra_median / base_median:+.0%}) | "
                   f"{label} {verdict} |")
    out.append(f"| {rows:,} | fork, first check (workers forked in it) | {cold:.3f} | | {cold - base_min:+.3f} s | | "
               "once |")
    return out


ONE_SHOT = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench.make_workbook import AS_OF
from importer.isolation import configure, parse_in_process, parse_isolated
from reference.reference_set import load_default
from services.submission import check
from store.db import connect
configure(start_method="fork")
engine, reference = connect({url!r}), load_default()
start = time.perf_counter()
report = check(engine, [Path({file!r})], reference, as_of=AS_OF, parser={parser})
assert not report.unreadable and not report.errors
print(time.perf_counter() - start)
"""


def cold(rows: int, repeat: int, tmp: Path) -> list[str]:
    """check() of one file in a fresh process: in-process against a forked worker, the processes interleaved."""
    paths = workbooks(rows, tmp)
    url = f"sqlite:///{tmp / f'isolation_{rows}.sqlite'}"
    ways = {"in-process": "parse_in_process", "fork": "parse_isolated"}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for i in range(repeat + 1):
        for name, parser in ways.items():
            code = ONE_SHOT.format(root=str(ROOT), url=url, file=str(paths["disbursements"]), parser=parser)
            done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            if i:  # the first round only warms the disk cache and writes the byte-code
                times[name].append(float(done.stdout.split()[-1]))
    base, forked = times["in-process"], times["fork"]
    extra_min, extra_median = min(forked) - min(base), statistics.median(forked) - statistics.median(base)
    return [f"| {rows:,} | one-shot process, in-process | {min(base):.3f} | {statistics.median(base):.3f} | "
            "baseline | | |",
            f"| {rows:,} | one-shot process, forked worker (`sms`) | {min(forked):.3f} | "
            f"{statistics.median(forked):.3f} | {extra_min:+.3f} s ({extra_min / min(base):+.0%}) | "
            f"{extra_median:+.3f} s ({extra_median / statistics.median(base):+.0%}) | |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="also time one-shot processes (what sms pays)")
    args = parser.parse_args()
    rows = ["| rows | parser | min s | median s | extra (min) | extra (median) | goal |",
            "|---:|---|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory(prefix="sms-isolation-") as tmp:
        for size in args.rows or [30, 100_000]:
            rows += measure(size, args.repeat, Path(tmp))
            if args.cold:
                rows += cold(size, args.repeat, Path(tmp))
    table = "\n".join(rows)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    sizes = " ".join(f"--rows {n}" for n in args.rows or [30, 100_000]) + (" --cold" if args.cold else "")
    (RESULTS / "isolation.md").write_text(f"`python bench/isolation.py {sizes} --repeat {args.repeat}`\n\n{table}\n",
                                          encoding="utf-8")


if __name__ == "__main__":
    main()
