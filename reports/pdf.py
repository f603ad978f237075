"""Print report pages to PDF with one Chromium per run (A4, page numbers from the page's CSS ``@page`` margin boxes).

Playwright drives Debian's Chromium (``scripts/setup`` installs both): the browser starts once and prints
every page of a run (~0.7 s a page once it runs). ``chromium --print-to-pdf`` would start a browser per
page (~1.7 s each). No Chromium → no PDF, and the report says so.
"""

from __future__ import annotations

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
    """Prints HTML files to PDF with one browser, started on first use and kept open until :meth:`close`.

    Playwright's objects belong to the thread that made them: make, use and close a Printer in one thread.
    """

    def __init__(self, executable: str | None = None):
        self.executable = executable or chromium()
        self._pw = self._browser = None

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

    def pdf(self, html_file: Path, pdf_file: Path) -> Path:
        """Print ``html_file`` to ``pdf_file`` (A4 landscape, as its CSS says); returns ``pdf_file``."""
        self.open()
        page = self._browser.new_page()
        try:
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            page.pdf(path=str(pdf_file), prefer_css_page_size=True, print_background=True)
        finally:
            page.close()
        return pdf_file

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._pw.stop()
        self._pw = self._browser = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
