"""The reports' typography: the TH Sarabun-compatible face on the page and in the charts, Thai-only headers of the
wide tables and the glossary that gives their English. The printed reports are checked in tests/test_reports.py."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import warnings
from pathlib import Path

import pandas as pd

from reports import charts
from reports.config import FONT_FAMILY
from reports.fmt import WIDE_COLUMNS, Col, ReportTable, glossary, table_html
from reports.render import page
from templates.headers import header

SARABUN_FACES = ("Laksaman", "Sarabun", "TH Sarabun New", "TH SarabunPSK")


def body_font_stack(html: str) -> list[str]:
    rule = re.search(r"\bbody \{[^}]*?font-family: ([^;]+);", html).group(1)
    return [name.strip().strip('"') for name in rule.split(",")]


def test_the_page_is_set_in_an_installed_sarabun_face_first(program):
    stack = body_font_stack(page("<p>ทดสอบ</p>", "ทดสอบ", "ท้ายกระดาษ"))
    assert stack[0] in SARABUN_FACES and stack[-1] == "sans-serif"
    assert "Loma" in stack and stack.index("Loma") > stack.index(stack[0])  # the former face, as a fallback
    program("fc-match")
    found = subprocess.run(["fc-match", "-f", "%{family[0]}", stack[0]], capture_output=True, text=True).stdout
    assert found == stack[0]  # fontconfig has the face itself, not a substitute


def test_the_charts_are_set_in_the_same_face_without_missing_glyphs():
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    families = charts.setup()
    assert families[0] == FONT_FAMILY[0]
    resolved = font_manager.findfont(font_manager.FontProperties(family=plt.rcParams["font.family"]))
    assert Path(resolved).name == f"{FONT_FAMILY[0]}.ttf"
    finance = pd.DataFrame({"level": ["unit", "unit"], "name": ["สสอ.เมืองหนองบัวลำภู", "รพ.ศรีบุญเรือง"],
                            "rate": [0.1883, 0.6021]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = charts.rates_by_unit(finance, 0.55)
    assert data.startswith(b"\x89PNG")
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]  # no tofu boxes


def test_chart_readings_say_what_to_look_at():
    finance = pd.DataFrame({"level": ["unit", "unit", "total"], "name": ["สสอ.นากลาง", "รพ.นากลาง", "รวม"],
                            "rate": [0.1883, 0.6021, 0.30]})
    reading = charts.rates_reading(finance, 0.55)
    assert "เป้าหมายสะสม 55%" in reading and "1 จาก 2 แห่ง" in reading and "สสอ.นากลาง 18.83%" in reading


def wide_table() -> ReportTable:
    keys = ["installment_gfmis", "received_sms", "allocated_sms", "disbursed_gfmis", "disbursed_sms",
            "diff_installment", "diff_disbursed", "budget", "disbursed", "remaining", "rate"]
    assert len(keys) > WIDE_COLUMNS
    return ReportTable("wide", "2. ตารางกว้าง / A wide table", pd.DataFrame([dict.fromkeys(keys, 1.0)]),
                       [Col("cost_center", "code", sheet="transfers"), *(Col(k, "money") for k in keys)],
                       dt.date(2026, 3, 31), 0, True)


def test_a_wide_table_heads_in_thai_and_the_glossary_has_every_english_it_dropped():
    wide = wide_table()
    narrow = ReportTable("narrow", "3. ตารางแคบ / Narrow", pd.DataFrame([{"budget": 1.0}]), [Col("budget", "money")],
                         dt.date(2026, 3, 31), 0, True)
    html = table_html(wide)
    assert 'class="en"' not in html and "(1) เงินประจำงวด (กองคลัง)" in html
    assert '<span class="en">Budget</span>' in table_html(narrow)  # a narrow table keeps its English
    terms = {(t.th, t.en): t for t in glossary([wide, narrow])}
    assert set(terms) == {(c.th, c.en) for c in wide.columns}
    assert terms[("งบประมาณ", "Budget")].tables == ("2",)  # the narrow table's use needs no glossary
    code = header("cost_center", "transfers")
    assert terms[(code.th, code.en)].meaning.th == "รหัสศูนย์ต้นทุน 10 หลัก"  # the spec's help for the column
