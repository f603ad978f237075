"""What the notebooks display: the report's heading, summary cards, tables, charts and the hidden figures.

Everything is HTML built here (the notebooks stay thin), styled by ``reports/report.css`` when
:mod:`reports.render` turns the executed notebook into the report page.
"""

from __future__ import annotations

import datetime as dt

from IPython.display import HTML, display

from domain.fiscal import THAI_TIME, format_thai_date, quarter_bounds
from domain.ledger import ADVANCE_OVERDUE_DAYS
from domain.vocabulary import RiskGroup, TemplateGroup
from finance.health import thresholds_for
from reports import charts, fmt
from reports.config import TITLES
from reports.fmt import (
    ACHIEVED,
    BELOW_TARGET,
    FAIL,
    NA,
    ON_TARGET,
    PASS,
    VERDICT_CLASS,
    ReportTable,
    esc,
    money,
    pct,
    table_html,
    thai_date,
)
from reports.tables import Context
from templates import UNIT_TEMPLATES
from templates.headers import header as title_of

FIGURES_MIME = "application/vnd.sms-report.figures+json"
REVIEWED = tuple(t.key for t in UNIT_TEMPLATES if t.group != TemplateGroup.FINANCE)  # GFMIS is finance's own
KINDS = {name.removesuffix("_report"): title for name, title in TITLES.items()}  # the notebooks' short names


def html(text: str) -> None:
    display(HTML(text))


def header(ctx: Context, kind: str) -> None:
    """The report's title block: who, which province, period, data-as-of date and what is unapproved."""
    th, en = KINDS[kind]
    regions = ctx.reference["regions"]
    region = regions.loc[regions["region"] == ctx.province.region, "name_th"]
    region = str(region.iloc[0]) if len(region) else f"เขตสุขภาพที่ {ctx.province.region}"
    start, end = quarter_bounds(ctx.fiscal_year, ctx.quarter)
    unapproved = ctx.unapproved(REVIEWED)  # every template a checker reviews: the four steps and hospital finance
    state = ("รวมอยู่ในรายงาน / included" if ctx.include_unapproved else "ไม่รวมในรายงาน / left out")
    cutoff = "" if ctx.cutoff == ctx.as_of else f" · ตัวเลขสะสมถึง {thai_date(ctx.cutoff)}"
    if ctx.asked:  # the data stops before the day asked for: say so, never count to a day nobody reported
        cutoff += f" (ข้อมูลล่าสุดที่ส่ง แทนวันที่ {thai_date(ctx.asked)} ที่ขอ / the newest data sent)"
    html(f"""<header class="report-head">
<div class="org">กระทรวงสาธารณสุข · {esc(region)} · ระบบบริหารยุทธศาสตร์ด้านสุขภาพ (SMS)</div>
<h1>{esc(th)}<br/>{esc(ctx.province.title_th)}</h1>
<div class="en-title">{esc(en)} — {esc(ctx.province.title_en)}</div>
<div class="period">ประกอบการตรวจราชการและนิเทศงาน รอบที่ {ctx.round} ปีงบประมาณ {ctx.fiscal_year}
 · ไตรมาสที่ {ctx.quarter} ({esc(format_thai_date(start))} – {esc(format_thai_date(end))})</div>
<div class="asof">ข้อมูล ณ วันที่ {esc(thai_date(ctx.as_of))}{esc(cutoff)} · ข้อมูลที่ยังไม่ได้อนุมัติ {unapproved:,} ฉบับ
 ({esc(state)})</div>
</header>""")


def cards(items: list[tuple[str, str, str]]) -> None:
    """A row of headline figures: (label, value, css class)."""
    html('<div class="cards">' + "".join(
        f'<div class="card {esc(cls)}"><div class="label">{esc(label)}</div><div class="value">{esc(value)}</div></div>'
        for label, value, cls in items) + "</div>")


def finance_cards(ctx: Context, finance: ReportTable, reconciliation: ReportTable) -> None:
    total = finance.frame[finance.frame["level"] == "total"].iloc[0]
    status = total["status"]
    silent = int((reconciliation.frame["level"] == "silent").sum())
    cards([("รับโอนสะสม (SMS)", money(total["received"]) + " บาท", ""),
           ("เบิกจ่ายสะสม (SMS)", money(total["disbursed"]) + " บาท", ""),
           (f"ร้อยละเบิกจ่าย (เป้า {ctx.target * 100:g}%)", pct(total["rate"]),
            VERDICT_CLASS.get(status, "na") if status in (ON_TARGET, BELOW_TARGET) else "na"),
           (f"เงินยืมเกิน {ADVANCE_OVERDUE_DAYS} วัน", money(total["advances_overdue"]) + " บาท",
            "fail" if total["advances_overdue"] > 0 else "pass"),
           ("ศูนย์ต้นทุนที่ยังไม่บันทึก SMS", f"{silent:,} แห่ง", "fail" if silent else "pass")])


def region_cards(reconciliation: ReportTable) -> None:
    """The region report's headline figures: cost centres, those that recorded nothing in SMS, and the region's
    differences (6) and (7)."""
    frame = reconciliation.frame
    total = frame[frame["level"] == "total"].iloc[0]
    silent = int((frame["level"] == "silent").sum())
    centres = int(frame["level"].isin(["row", "silent"]).sum())
    cards([("ศูนย์ต้นทุนในเขต", f"{centres:,} แห่ง", ""),
           ("ศูนย์ต้นทุนที่ยังไม่บันทึก SMS", f"{silent:,} แห่ง", "fail" if silent else "pass"),
           ("(6) ส่วนต่างเงินประจำงวดกับรับโอน", money(total["diff_installment"]) + " บาท", ""),
           ("(7) ส่วนต่างเบิกจ่าย GFMIS กับ SMS", money(total["diff_disbursed"]) + " บาท", "")])


def kpi_cards(ctx: Context, summary: ReportTable, outputs: ReportTable) -> None:
    s = summary.frame
    judged = s[s["verdict"].isin([PASS, FAIL])]
    status = outputs.frame["status"]
    reached, measured = int((status == ACHIEVED).sum()), int((status != NA).sum())
    units = s["reporting"].sum()
    passing = s["passing"].sum()
    cards([("ตัวชี้วัดที่มีผลงาน", f"{int((s['reporting'] > 0).sum()):,} / {len(s):,}", ""),
           ("ผ่านเกณฑ์ระดับจังหวัด", f"{int((judged['verdict'] == PASS).sum()):,} / {len(judged):,}", ""),
           ("ผลรายหน่วยงานที่ผ่านเกณฑ์", pct(passing / units if units else float("nan")), ""),
           (f"ผลผลิตบรรลุ Small Success ไตรมาส {ctx.quarter}", f"{reached:,} / {measured:,}", "")])


def section(title: str, intro: str = "") -> None:
    html(f'<h2 class="section">{esc(title)}</h2>' + (f'<p class="intro">{esc(intro)}</p>' if intro else ""))


def table(t: ReportTable) -> None:
    html(table_html(t))


def chart(data: bytes, caption: str, reading: str, alt: str = "") -> None:
    """A chart (PNG bytes) with its caption and its one-line reading (what to look at)."""
    html(charts.figure_html(data, caption, reading, alt or caption))


def glossary(ctx: Context) -> None:
    """The report's last section: every header the wide tables show in Thai only, with its English, its meaning
    (the spec's help, where the spec has one) and the tables that use it; nothing when no table dropped one."""
    terms = fmt.glossary(ctx.tables.values())
    if not terms:
        return
    heads = "".join(f'<th>{esc(h.th)}<span class="en">{esc(h.en)}</span></th>'
                    for h in map(title_of, ("term_th", "term_en", "term_meaning", "term_tables")))
    rows = "".join(
        f"<tr><td>{esc(t.th)}</td><td>{esc(t.en)}</td>"
        f"<td>{esc(' / '.join(x for x in (t.meaning.th, t.meaning.en) if x)) if t.meaning else '-'}</td>"
        f"<td>{esc(', '.join(t.tables))}</td></tr>" for t in terms)
    title = title_of("glossary")
    html(f'<section class="report-table glossary" id="glossary"><h2 class="section">{esc(str(title))}</h2>'
         f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></section>")


def footer(ctx: Context) -> None:
    made = dt.datetime.now(THAI_TIME)  # Thailand's time, whatever the server's clock is set to
    html(f'<footer class="report-foot">จัดทำโดย SMS Workbench จากข้อมูลในระบบ ณ วันที่ {esc(thai_date(ctx.as_of))} · '
         f'สร้างรายงานเมื่อ {esc(format_thai_date(made.date()))} {made:%H:%M} น. · '
         "ตัวเลขทุกตัวคำนวณจากฐานข้อมูลโดยตรง</footer>")


def figures(ctx: Context) -> None:
    """Every table's figures as JSON, for tests and other programs (the HTML leaves this cell out)."""
    display({FIGURES_MIME: ctx.figures(), "text/plain": f"{len(ctx.tables)} tables"}, raw=True)


HOSPITAL_SECTION = "สถานะการเงินการคลังหน่วยบริการ / Hospital financial health"


def hospitals(ctx: Context, health: dict[str, ReportTable], number: int, figure: int) -> None:
    """The hospital financial-health section: seed 003's tables and the Risk × 7 Plus matrix chart,
    or one line when the province has no hospital finance up to the cut-off."""
    section(f"ส่วนที่ {number} {HOSPITAL_SECTION}",
            "ฐานะการเงินของโรงพยาบาลในจังหวัด (Risk Score, 7 Plus, Planfin, รายรับ IP, ต้นทุนต่อหน่วย, "
            "ผลการประเมินตามประเด็นตรวจราชการ และกลุ่มความเสี่ยง) จากข้อมูลเดือนล่าสุดที่มีถึงวันตัดยอด")
    if not health:
        html(f'<p class="intro empty-section">ไม่มีข้อมูลฐานะการเงินโรงพยาบาลของ{esc(ctx.province.title_th)} '
             f"ถึงวันที่ {esc(thai_date(ctx.cutoff))} / No hospital finance recorded for "
             f"{esc(ctx.province.name_en)} up to the cut-off.</p>")
        return
    risk = health["hospital_risk"].frame
    risk = risk[risk["level"] == "unit"]
    grades = health["hospital_seven_plus"].frame["grade"]
    plan = health["hospital_planfin"].frame
    plan = plan[plan["level"] == "unit"]
    groups = health["hospital_risk_groups"].frame.set_index("risk_group")["hospitals"]
    n = len(risk)
    crisis = int((risk["risk_score"].fillna(0) >= 4).sum())
    good = int(grades.isin(["A", "A-", "B"]).sum())
    within = int(plan["planfin_pass"].fillna(False).astype(bool).sum())
    close = int(groups.get(RiskGroup.CLOSE_WATCH.value, 0))
    tolerance = thresholds_for(ctx.fiscal_year).planfin_tolerance_pct
    cards([("โรงพยาบาล", f"{n:,} แห่ง", ""),
           ("Risk Score 4–7 (วิกฤติ)", f"{crisis:,} แห่ง", "fail" if crisis else "pass"),
           (RiskGroup.CLOSE_WATCH.th, f"{close:,} แห่ง", "fail" if close else "pass"),
           ("7 Plus เกรด B ขึ้นไป", f"{good:,} / {n:,}", ""),
           (f"Planfin ผลต่างไม่เกิน ±{tolerance:g}%", f"{within:,} / {n:,}", "")])
    for key, made in health.items():
        if key == "hospital_matrix":
            matrix = made.frame.set_index("grade")
            matrix = matrix[[c for c in matrix.columns if str(c).startswith("risk_")]]
            matrix.columns = [int(str(c).removeprefix("risk_")) for c in matrix.columns]
            chart(charts.risk_matrix(matrix), f"ภาพที่ {figure} ระดับความเสี่ยง × ประสิทธิภาพ (Matrix Grading) "
                                              f"{ctx.province.title_th}", charts.matrix_reading(matrix))
        table(made)
