"""Benchmark what a user waits for before the CLI starts working: its start-up.

    python bench/startup.py [--repeat 15]

Two pairs of commands, each against the Python start-up it cannot avoid, timed as whole processes
(wall time from spawn to exit), the repeats interleaved (A B C D A B C D ...) so the machine's noise
falls on all of them alike:

- ``sms --help`` against ``python -c "import typer, rich"`` (goal ≤ 1.5×);
- ``sms validate`` of a 30-row disbursements workbook (made by bench/make_workbook.py, its allocations
  and projects stored first, so it checks clean against the store) against
  ``python -c "import pandas, pyarrow, sqlalchemy, fastexcel, pandera.pandas"`` (goal ≤ 1.25×).

Prints a Markdown table (min and median of each, the ratios of the minima and of the medians) and
writes it to bench/results/startup.md; BENCHMARKS.md quotes it.
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
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
AS_OF = "2026-09-30"  # bench/make_workbook.py: the whole fiscal year has happened
GOALS = {"help": 1.5, "validate": 1.25}


def prepare(folder: Path) -> tuple[Path, dict[str, str]]:
    """The 30-row workbook and an environment whose database holds its allocations and projects."""
    sys.path.insert(0, str(ROOT))
    from bench.make_workbook import make
    from reference.reference_set import load_default
    from services.submission import submit
    from store.db import connect

    paths = make(30, folder, reference=load_default())
    url = f"sqlite:///{folder / 'startup.sqlite'}"
    engine = connect(url)
    outcomes = submit(engine, [paths["allocations"], paths["projects"]], load_default(), actor="bench",
                      as_of=None)
    assert all(o.status == "stored" for o in outcomes), [(o.file, o.status) for o in outcomes]
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Byte-code is written, as on a user's machine: the untimed first run compiles the project's modules
    # once, and the timed runs load them, as every run after a user's first does.
    return paths["disbursements"], {**env, "SMS_DATABASE_URL": url}


def commands(workbook: Path) -> dict[str, list[str]]:
    python, sms = str(BIN / "python"), str(BIN / "sms")
    return {
        "import typer, rich": [python, "-c", "import typer, rich"],
        "sms --help": [sms, "--help"],
        "import pandas, pyarrow, sqlalchemy, fastexcel, pandera.pandas":
            [python, "-c", "import pandas, pyarrow, sqlalchemy, fastexcel, pandera.pandas"],
        "sms validate (30 rows)": [sms, "validate", str(workbook), "--as-of", AS_OF],
    }


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sms-startup-") as tmp:
        workbook, env = prepare(Path(tmp))
        cmds = commands(workbook)
        for argv in cmds.values():  # warm the disk cache and byte-compile once, untimed
            run(argv, env)
        times: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.repeat):
            for name, argv in cmds.items():
                times[name].append(run(argv, env))
    names = list(cmds)
    rows = ["| command | min s | median s | × baseline (min) | × baseline (median) | goal |",
            "|---|---:|---:|---:|---:|---:|"]
    pairs = ((names[0], names[1]), (names[2], names[3]))
    for (base, cmd), goal in zip(pairs, GOALS.values(), strict=True):
        b, c = times[base], times[cmd]
        rows.append(f"| `{base}` | {min(b):.3f} | {statistics.median(b):.3f} | 1.00 | 1.00 | baseline |")
        rows.append(f"| `{cmd}` | {min(c):.3f} | {statistics.median(c):.3f} | {min(c) / min(b):.2f} | "
                    f"{statistics.median(c) / statistics.median(b):.2f} | ≤ {goal} |")
    table = "\n".join(rows)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.md").write_text(f"`python bench/startup.py --repeat {args.repeat}`\n\n{table}\n",
                                        encoding="utf-8")


if __name__ == "__main__":
    main()
