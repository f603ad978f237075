"""`sms report --all` on the demo year while two other processes keep both cores busy: every report is made.

Kernels were judged alive by their heartbeat, which gives up after 1 s; on a busy 2-core machine two such
runs made 0 of 18 reports. The busy processes are real (``while True: pass``), started here and killed after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SMS = str(Path(sys.executable).with_name("sms"))
BUSY = "while True:\n    pass\n"


def test_every_report_is_made_on_a_busy_machine(tmp_path):
    env = {**os.environ, "SMS_DATABASE_URL": f"sqlite:///{tmp_path / 'sms.sqlite'}"}
    demo = subprocess.run([SMS, "demo", "--out", str(tmp_path / "demo")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    busy = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2)]
    try:
        run = subprocess.run([SMS, "report", "--fiscal-year", "2569", "--quarter", "2", "--all", "--no-pdf",
                              "--out", str(tmp_path / "reports")], env=env, capture_output=True, text=True,
                             timeout=1800)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert run.returncode == 0, run.stdout + run.stderr
    made = sorted((tmp_path / "reports" / "2569" / "Q2").glob("*/*.html"))
    provinces = {p.parent.name for p in made}
    assert len(made) == 2 * len(provinces) and len(provinces) >= 9, made  # both notebooks of every province
    assert f"{len(made)} of {len(made)} made" in run.stdout
