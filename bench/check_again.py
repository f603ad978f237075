"""Benchmark "check again" after one edit in the review app against `sms validate` of the same workbooks.

    python bench/check_again.py [--rows 10000] [--repeat 5]

The set is a normal upload: the allocations, projects and N-row disbursements workbooks of
bench/make_workbook.py (made when missing), uploaded together into an empty store, so every
cross-workbook rule runs across the three files. In one process, the repeats interleaved
(A B C A B C …) so the machine's noise falls on all of them alike:

- A ``validate``: what `sms validate` of the three files does once it has started: the same function
  the command calls (``services.submission.check`` of the paths, each parsed in a forked worker
  process as ``sms`` parses it), without the interpreter's start-up, so the baseline is the
  stricter one;
- B ``check again``: what the maker's page does when "ตรวจอีกครั้ง / Check again" is pressed after
  one amount was edited, with the functions the app calls, without Streamlit: the edit applied to
  the disbursements as parsed (``services.edits.edited``), the draft kept on the server
  (``store.drafts.keep_checked``) and the three drafts checked together (``services.submission.check``
  of the parsed workbooks, as ``review.drafts.check_drafts`` calls it);
- C ``check again, rewritten``: the same edit the way the app did it before: the whole workbook
  written by the template builder (``services.edits.write_edited``), kept on the server, then
  read in a worker process and checked with the others.

Each repeat edits a different payment of the workbook as uploaded. Prints best and median seconds
and the ratios to A; the goal is B ≤ 1.5× A. Writes the table to bench/results/check_again_<rows>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_workbook import AS_OF, COST_CENTER  # noqa: E402
from run import DATA, RESULTS, machine, workbooks  # noqa: E402

GOAL = 1.5  # check again ≤ 1.5 × sms validate of the same workbooks
USER = "bench-maker"


def amount_edit(parsed, i: int):
    """An edit of one payment's amount, 1.00 baht less (the budgets stay covered: no new finding)."""
    from domain.findings import display
    from store.submissions import Edit

    row = 2 + (i * 997) % len(parsed.sheets["payments"].values)
    old = parsed.sheets["payments"].values.at[row, "amount"]
    return Edit("payments", row, "amount", display(old), f"{old - 1:.2f}")


def measure(rows: int, repeat: int) -> dict[str, list[float]]:
    from importer.isolation import configure
    from importer.parse import ParsedWorkbook
    from reference.reference_set import load_default
    from services.edits import edited, write_edited
    from services.submission import check
    from store.db import connect
    from store.drafts import keep_checked, put_draft
    from store.users import add_user

    configure(start_method="fork")  # the reader in forked worker processes, as the sms command runs it
    paths = workbooks(rows)
    files = [paths["allocations"], paths["projects"], paths["disbursements"]]
    name = paths["disbursements"].name
    folder = Path(tempfile.mkdtemp(prefix="sms-check-again-"))
    engine, reference = connect(f"sqlite:///{folder / 'sms.sqlite'}"), load_default()  # nothing stored yet
    allowed = {COST_CENTER}

    uploaded = check(engine, files, reference, as_of=AS_OF, allowed=allowed)  # the upload's own check
    assert uploaded.errors == 0 and uploaded.files[2].parsed.rows >= rows, uploaded.as_dict()["summary"]
    allocations, projects, disbursements = (fr.parsed for fr in uploaded.files)
    add_user(engine, reference, USER, "maker", "bench-pass", cost_center=COST_CENTER)  # drafts are a user's
    for path in files:
        put_draft(engine, USER, path.name, path.read_bytes())

    def validate() -> None:
        report = check(engine, files, reference, as_of=AS_OF)
        assert report.errors == 0

    def check_again(i: int) -> None:
        edit = amount_edit(disbursements, i)
        source = edited(disbursements, [edit], reference, folder / f"memory-{i}" / name)
        assert isinstance(source, ParsedWorkbook)  # held in memory: nothing written, nothing read
        keep_checked(engine, USER, name, None, [edit])
        report = check(engine, [allocations, projects, source], reference, as_of=AS_OF, allowed=allowed)
        assert report.errors == 0 and report.files[2].parsed.sheets["payments"].values.at[edit.row, "amount"] == \
            float(edit.new)

    def rewritten(i: int) -> None:
        edit = amount_edit(disbursements, i)
        out = write_edited(disbursements, [edit], reference, folder / f"rewritten-{i}" / name)
        keep_checked(engine, USER, name, out.read_bytes(), [edit])
        report = check(engine, [allocations, projects, out], reference, as_of=AS_OF, allowed=allowed)
        assert report.errors == 0

    steps: dict[str, Callable[[int], None]] = {"validate": lambda i: validate(), "check again": check_again,
                                               "check again, rewritten": rewritten}
    runs: dict[str, list[float]] = {step: [] for step in steps}
    for i in range(repeat):
        for step, work in steps.items():
            start = time.perf_counter()
            work(i)
            runs[step].append(time.perf_counter() - start)
            print(f"  {step}: {runs[step][-1]:.2f} s", file=sys.stderr)
    engine.dispose()
    return runs


def table(rows: int, runs: dict[str, list[float]]) -> str:
    best = {step: min(r) for step, r in runs.items()}
    median = {step: statistics.median(r) for step, r in runs.items()}
    lines = [f"{rows:,} payment rows (with the allocations and projects workbooks, checked together); "
             f"{len(runs['validate'])} repeats, interleaved\n",
             "| step | best s | median s | × validate (best) | × validate (median) | goal |",
             "|---|---:|---:|---:|---:|---|"]
    for step in runs:
        ratio, ratio_median = best[step] / best["validate"], median[step] / median["validate"]
        goal = "baseline" if step == "validate" else (
            f"≤ {GOAL}×: {'met' if ratio <= GOAL else 'NOT met'}" if step == "check again" else "before")
        lines.append(f"| {step} | {best[step]:.2f} | {median[step]:.2f} | {ratio:.2f} | {ratio_median:.2f} | {goal} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    start = time.perf_counter()
    runs = measure(args.rows, args.repeat)
    out = (f"Command: `python bench/check_again.py {' '.join(sys.argv[1:])}`\n\nMachine: {machine()}\n\n"
           f"{table(args.rows, runs)}\n\n(took {time.perf_counter() - start:.0f} s in all, "
           f"{dt.datetime.now():%Y-%m-%d %H:%M})\n")
    print(out)
    (RESULTS / f"check_again_{args.rows}.md").write_text(out)


if __name__ == "__main__":
    main()
