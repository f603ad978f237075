"""Print report pages to PDF with one Chromium per run (A4, page numbers from the page's CSS ``@page`` margin boxes).

Playwright drives Debian's Chromium (``scripts/setup`` installs both): the browser starts once, with one tab
that prints every page of a run in turn (~0.35 s a report once it runs; a new tab per report would add a
renderer's start and its cold font caches, ~0.8 s a report). ``chromium --print-to-pdf`` would start a
browser per page (~1.7 s each). No Chromium → no PDF, and the report says so.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

CHROMIUM_ENV = "SMS_CHROMIUM"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    """The Chromium to print with: $SMS_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH."""
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        return given if Path(given).exists() else shutil.which(given)
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


class Printer:
    """Prints HTML files to PDF with one browser and one tab, started on first use and kept open until
    :meth:`close`; a tab that failed to print is replaced for the next page.

    Playwright's objects belong to the thread that made them: make, use and close a Printer in one thread.
    """

    def __init__(self, executable: str | None = None):
        self.executable = executable or chromium()
        self._pw = self._browser = self._page = None

    @property
    def available(self) -> bool:
        return self.executable is not None

    def open(self) -> None:
        """Start the browser now (it would start on the first page otherwise)."""
        if self._browser is None:
            if not self.available:
                raise FileNotFoundError("no Chromium to print with")
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        if self._page is None:
            self._page = self._browser.new_page()

    def pdf(self, html_file: Path, pdf_file: Path) -> Path:
        """Print ``html_file`` to ``pdf_file`` (A4 landscape, as its CSS says); returns ``pdf_file``."""
        self.open()
        try:
            self._page.goto(html_file.resolve().as_uri(), wait_until="load")
            self._page.pdf(path=str(pdf_file), prefer_css_page_size=True, print_background=True)
        except Exception:
            with contextlib.suppress(Exception):  # a crashed tab may not close
                self._page.close()
            self._page = None
            raise
        return pdf_file

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._pw.stop()
        self._pw = self._browser = self._page = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
