"""Print a report page to PDF with Chromium (A4, page numbers from the page's CSS ``@page`` margin boxes).

With Playwright installed one browser prints every page (~0.7 s a page once it runs); otherwise
``chromium --headless --print-to-pdf`` runs once per page (~1.7 s). No Chromium → no PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
    """Prints HTML files to PDF with one browser kept open (Playwright), or Chromium's CLI per file."""

    def __init__(self, executable: str | None = None, playwright: bool = True):
        self.executable = executable or chromium()
        self.playwright = playwright  # False: always the CLI
        self._pw = self._browser = None

    @property
    def available(self) -> bool:
        return self.executable is not None

    def _open(self):
        if self._browser is None and self.playwright:
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                return None
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        return self._browser

    def pdf(self, html_file: Path, pdf_file: Path) -> Path:
        if not self.available:
            raise FileNotFoundError("no Chromium to print with")
        browser = self._open()
        url = html_file.resolve().as_uri()
        if browser is not None:
            page = browser.new_page()
            try:
                page.goto(url, wait_until="load")
                page.pdf(path=str(pdf_file), prefer_css_page_size=True, print_background=True)
            finally:
                page.close()
        else:
            subprocess.run([self.executable, "--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer",
                            f"--print-to-pdf={pdf_file}", url], check=True, capture_output=True, timeout=120)
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
