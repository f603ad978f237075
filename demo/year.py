"""The demo year: :func:`generate` builds it as frames, :func:`write_demo` writes it as workbooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from demo.context import ACCOUNTING_STREAM, MISTAKES_STREAM, UNCLEARED_STREAM, Books, Context, Year, stream
from demo.cost_centres import cost_centre_year, demo_cost_centers, silent_cost_centers, workbooks
from demo.disbursements import leave_uncleared
from demo.gfmis import gfmis
from demo.hospitals import hospital_finance, hospital_units
from demo.mistakes import Frames, Mistake, mistakes, write_manifest
from demo.results import accounting_results
from reference.reference_set import ReferenceSet
from templates.catalog import GFMIS, HOSPITAL_FINANCE, TEMPLATES
from templates.workbook import build_workbook

DEMO_FISCAL_YEAR = 2569
DEMO_AS_OF = date(2026, 3, 31)
DEMO_SEED = 2569
GFMIS_KEY = ("", GFMIS.key)  # finance's workbook has no cost centre of its own

Progress = Callable[[int, int, str], None]  # (done, total, file written, relative to the year's folder)


@dataclass
class DemoYear:
    """A generated demo year: every workbook as frames (money in baht, dates ``datetime.date``)."""

    fiscal_year: int  # BE
    as_of: date
    # (cost_center, template_key) -> {sheet_key: frame}; finance's workbook is GFMIS_KEY
    workbooks: Books
    mistakes: list[Mistake]
    # Mistake.file -> {sheet_key: frame}: the good workbook's frames with the one mistake in them
    mistake_workbooks: dict[str, Frames] = field(default_factory=dict)
    # cost centres that recorded nothing in SMS: only in the GFMIS workbook
    silent_cost_centers: list[str] = field(default_factory=list)

    @property
    def cost_centers(self) -> list[str]:
        """The cost centres with SMS workbooks."""
        return sorted({cc for cc, key in self.workbooks if key != GFMIS.key})


def generate(reference: ReferenceSet, fiscal_year: int = DEMO_FISCAL_YEAR, as_of: date = DEMO_AS_OF,
             seed: int = DEMO_SEED) -> DemoYear:
    """A demo fiscal year (BE) as of a date: the same arguments always give the same frames."""
    year = Year(fiscal_year, as_of)
    if as_of < year.start:
        raise ValueError(f"as_of {as_of} is before fiscal year {fiscal_year} starts ({year.start})")
    centres = demo_cost_centers(reference)
    ledgers = {cc: cost_centre_year(Context(reference, year, stream(seed, int(cc))), cc) for cc in centres}
    for cc, rows in ledgers.items():  # the hospitals' accounting measures, from their own streams
        reported = {(r["unit_code"], r["kpi_code"]) for r in rows["kpi_results"]}
        for unit in hospital_units(reference, cc).to_dict("records"):
            found = accounting_results(reference, year, unit, stream(seed, int(unit["unit_code"]), ACCOUNTING_STREAM))
            rows["kpi_results"] += [r for r in found if (r["unit_code"], r["kpi_code"]) not in reported]
    leave_uncleared(ledgers, year, stream(seed, UNCLEARED_STREAM))
    books: Books = {}
    for cc, rows in ledgers.items():
        books.update(workbooks(cc, rows))
    books[GFMIS_KEY] = {GFMIS.key: gfmis(reference, ledgers, year, seed)}
    for cc in centres:
        finance = hospital_finance(reference, year, seed, cc)
        if finance is not None:
            books[(cc, HOSPITAL_FINANCE.key)] = {HOSPITAL_FINANCE.key: finance}
    found, mistake_books = mistakes(books, centres, stream(seed, MISTAKES_STREAM))
    return DemoYear(fiscal_year, as_of, books, found, mistake_books, silent_cost_centers(reference))


def write_demo(out_dir: Path, reference: ReferenceSet, fiscal_year: int = DEMO_FISCAL_YEAR,
               as_of: date = DEMO_AS_OF, seed: int = DEMO_SEED, progress: Progress | None = None) -> list[Path]:
    """Write the demo year under ``out_dir/<fy>/``: per cost centre, GFMIS, the mistakes and their manifest.

    Returns the paths written, the manifest last.
    """
    demo = generate(reference, fiscal_year, as_of, seed)
    root = Path(out_dir) / str(fiscal_year)
    jobs = [(root / "gfmis.xlsx" if (cc, template) == GFMIS_KEY else root / cc / f"{template}.xlsx", template,
             cc or None, frames) for (cc, template), frames in sorted(demo.workbooks.items())]
    jobs += [(root / m.file, m.template, m.cost_center, demo.mistake_workbooks[m.file]) for m in demo.mistakes]
    total = len(jobs) + 1
    written = []
    for done, (path, template, cc, frames) in enumerate(jobs, start=1):
        written.append(build_workbook(TEMPLATES[template], path, reference, fiscal_year=fiscal_year,
                                      cost_center=cc, data=frames))
        if progress:
            progress(done, total, str(path.relative_to(root)))
    written.append(write_manifest(root, demo.mistakes))
    if progress:
        progress(total, total, str(written[-1].relative_to(root)))
    return written
