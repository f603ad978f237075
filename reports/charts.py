"""The reports' charts: static matplotlib PNGs embedded in the page, so they work offline and in the PDF.

Static images keep each HTML file small (tens of kB a chart instead of plotly.js's 4-5 MB) and print
exactly as they show. They are set in the page's face: :func:`setup` picks the first installed family of
:data:`reports.config.FONT_FAMILY` (Laksaman, TH Sarabun's free derivative, from fonts-thai-tlwg here),
registering its files with matplotlib when fontconfig has it and matplotlib's font cache does not, and keeps
the others after it for a glyph it lacks. Each chart comes with its reading (:func:`figure_html`): one line on
what to look at, which also keeps a chart from standing alone on a printed page.
"""

from __future__ import annotations

import base64
import io
import subprocess
from functools import cache

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from reports.config import FONT_FAMILY  # noqa: E402
from reports.fmt import FAIL, PASS, esc  # noqa: E402

GREEN, RED, BLUE, ORANGE, GREY = "#2f855a", "#c53030", "#2b6cb0", "#dd6b20", "#718096"
DPI = 144


def fontconfig_files(family: str) -> list[str]:
    """The font files fontconfig has of exactly ``family`` (none without fontconfig)."""
    try:
        listed = subprocess.run(["fc-list", f":family={family}", "file"], capture_output=True, text=True,
                                timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted(line.strip().removesuffix(":") for line in listed.splitlines() if line.strip())


def register_first_font() -> None:
    """Make sure matplotlib knows the first family of FONT_FAMILY that the machine has: a font installed after
    matplotlib built its cache is in fontconfig's list but not in matplotlib's, so add its files."""
    manager = font_manager.fontManager
    for family in FONT_FAMILY:
        if family in {f.name for f in manager.ttflist}:
            return
        files = fontconfig_files(family)
        for path in files:
            manager.addfont(path)
        if files:
            return


@cache
def setup() -> list[str]:
    """Point matplotlib at the report's face (:data:`FONT_FAMILY`); returns the installed families it uses, in
    order (matplotlib takes a glyph the first lacks from the next)."""
    register_first_font()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [f for f in FONT_FAMILY if f in installed] or ["DejaVu Sans"]
    plt.rcParams.update({
        "font.family": families, "font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold",
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": "#e2e8f0",
        "grid.linewidth": 0.6, "axes.axisbelow": True, "figure.dpi": DPI, "savefig.dpi": DPI,
        "legend.frameon": False,
    })
    return families


def png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout(pad=0.5)  # one layout pass: half the time of savefig(bbox_inches="tight")
    fig.savefig(buffer, format="png", facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def figure_html(data: bytes, caption: str, reading: str, alt: str) -> str:
    """The chart as an embedded image at its natural size (so its 9 pt text prints as 9 pt), with its caption and
    its reading (one line: what to look at), which print on the chart's page."""
    encoded = base64.b64encode(data).decode("ascii")
    width = int.from_bytes(data[16:20], "big") / DPI  # the PNG header's width in pixels, at DPI
    return (f'<figure class="chart"><img alt="{esc(alt)}" style="width: {width:.2f}in" '
            f'src="data:image/png;base64,{encoded}"/><figcaption>{esc(caption)}'
            f'<span class="reading">{esc(reading)}</span></figcaption></figure>')


# -- each chart's reading: one line on what to look at, from the figures the chart draws -----------------------
def rates_reading(finance: pd.DataFrame, target: float) -> str:
    """How many units are below the cumulative target (the red bars) and the lowest of them."""
    units = finance[(finance["level"] == "unit") & finance["rate"].notna()]
    below = units[units["rate"] < target - 1e-11].sort_values("rate")
    text = (f"อ่านภาพ: แท่งสีแดงคือหน่วยงานที่เบิกจ่ายต่ำกว่าเป้าหมายสะสม {target * 100:g}% (เส้นประสีส้ม) "
            f"{len(below):,} จาก {len(units):,} แห่ง")
    if below.empty:
        return text
    lowest = below.iloc[0]
    return text + f" ต่ำสุดคือ{lowest['name']} {lowest['rate'] * 100:,.2f}%"


def trend_reading(months: pd.DataFrame) -> str:
    """What the lines are, and the newest month's disbursed (SMS) against the target where there is one."""
    text = ("อ่านภาพ: เส้นทึบคือ SMS เส้นประคือ GFMIS ระยะห่างระหว่างเส้นเบิกจ่ายทั้งสองคือส่วนต่าง (7) "
            "และเพชรสีส้มคือเป้าหมายเบิกจ่ายสะสมสิ้นไตรมาส")
    known = months.dropna(subset=["disbursed_sms"]) if "disbursed_sms" in months else months.iloc[0:0]
    if known.empty:
        return text
    last = known.iloc[-1]
    return text + f" · เบิกจ่ายสะสม (SMS) ถึง {last['label']} {last['disbursed_sms'] / 1_000_000:,.2f} ล้านบาท"


def pass_rates_reading(summary: pd.DataFrame) -> str:
    """How many KPIs the province passes (green bars) of those judged."""
    judged = summary[summary["verdict"].isin([PASS, FAIL])]
    passed = int((judged["verdict"] == PASS).sum())
    return (f"อ่านภาพ: แท่งสีเขียวคือตัวชี้วัดที่จังหวัดผ่านเกณฑ์ {passed:,} จาก {len(judged):,} ตัวที่ประเมินได้ "
            "แท่งสีแดงคือไม่ผ่าน ขีดสีส้มคือเกณฑ์ร้อยละของหน่วยงานที่ต้องผ่าน")


def matrix_reading(matrix: pd.DataFrame) -> str:
    """Where to look first: the red corner, the lower half of the grades (matrix rows, best first) with a Risk
    Score of 4 (crisis) or more, and how many hospitals are in it."""
    lower = matrix.iloc[len(matrix) // 2:, [int(s) >= 4 for s in matrix.columns]]
    hospitals = sum(len([n for n in str(cell).split(", ") if n]) for cell in lower.to_numpy().ravel())
    return ("อ่านภาพ: มุมล่างขวาสีแดงคือเกรดต่ำและ Risk Score 4 ขึ้นไป (วิกฤติ) ควรติดตามก่อน "
            f"มี {hospitals:,} แห่ง")


def rates_by_unit(finance: pd.DataFrame, target: float) -> bytes:
    """Horizontal bars: each unit's disbursement rate, green on or above the target, red below; the target line."""
    setup()
    units = finance[(finance["level"] == "unit") & finance["rate"].notna()].copy()
    units = units.sort_values("rate")
    height = max(2.0, 0.24 * len(units) + 1.1)
    fig, ax = plt.subplots(figsize=(7.4, height))
    if units.empty:
        ax.text(0.5, 0.5, "ยังไม่มีหน่วยงานที่ได้รับจัดสรรงบประมาณ", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return png(fig)
    rates = units["rate"].to_numpy() * 100
    colours = [GREEN if r >= target * 100 - 1e-9 else RED for r in rates]
    ax.barh(units["name"], rates, color=colours, height=0.65)
    ax.axvline(target * 100, color=ORANGE, linestyle="--", linewidth=1.4, label=f"เป้าหมายสะสม {target * 100:g}%")
    top = max(100.0, float(np.nanmax(rates)) * 1.12)
    ax.set_xlim(0, top)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9, frameon=True)
    for y, r in enumerate(rates):
        ax.text(r + top * 0.008, y, f"{r:,.2f}%", va="center", fontsize=7.5, color="#2d3748")
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("ร้อยละการเบิกจ่ายสะสม (เบิกจ่าย ÷ เงินที่ได้รับจัดสรร)")
    ax.grid(axis="y", visible=False)
    ax.set_title("อัตราการเบิกจ่ายรายหน่วยงาน เทียบเป้าหมายสะสม")
    return png(fig)


def monthly_trend(months: pd.DataFrame) -> bytes:
    """Lines of cumulative money per month (million baht): SMS received and disbursed, GFMIS installment and
    disbursed, with the cumulative disbursement target at each quarter's end."""
    setup()
    fig, ax = plt.subplots(figsize=(7.4, 3.0))
    money = months.reindex(columns=["received_sms", "disbursed_sms", "installment_gfmis", "disbursed_gfmis"])
    if months.empty or not np.nansum(np.abs(money.to_numpy(dtype=float))):  # no month with any money: no axes of 0.0
        ax.text(0.5, 0.5, "ยังไม่มีข้อมูลรายเดือน", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return png(fig)
    x = np.arange(len(months))
    m = 1_000_000
    series = [("received_sms", "รับโอน (SMS)", BLUE, "-", "o"), ("disbursed_sms", "เบิกจ่าย (SMS)", GREEN, "-", "o"),
              ("installment_gfmis", "เงินประจำงวด (GFMIS)", BLUE, ":", "s"),
              ("disbursed_gfmis", "เบิกจ่าย (GFMIS)", GREEN, ":", "s")]
    for key, label, colour, style, marker in series:
        values = months[key].to_numpy(dtype=float) / m
        if np.isnan(values).all():
            continue
        ax.plot(x, values, linestyle=style, marker=marker, markersize=3.5, color=colour, label=label, linewidth=1.6)
    target = months["target"].to_numpy(dtype=float) / m
    if not np.isnan(target).all():
        ax.scatter(x, target, marker="D", s=36, color=ORANGE, zorder=5, label="เป้าหมายเบิกจ่ายสะสม (สิ้นไตรมาส)")
    ax.set_xticks(x, months["label"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}"))
    ax.set_ylabel("ล้านบาท (สะสม)")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncols=3)
    ax.set_title("แนวโน้มการรับโอนและเบิกจ่ายสะสมรายเดือน")
    return png(fig)


def pass_rates(summary: pd.DataFrame) -> bytes:
    """Bars of the share of units passing each KPI, coloured by the province's verdict, with the criterion
    marked where the province is judged on that share (reports.tables.kpi.summary_frame)."""
    setup()
    rows = summary[summary["pass_rate"].notna()].sort_values("kpi_code", ascending=False)
    fig, ax = plt.subplots(figsize=(7.4, max(2.0, 0.22 * len(rows) + 1.1)))
    if rows.empty:
        ax.text(0.5, 0.5, "ยังไม่มีผลตัวชี้วัดของไตรมาสนี้", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return png(fig)
    rates = rows["pass_rate"].to_numpy() * 100
    criteria = rows["criterion"].to_numpy(dtype=float) * 100  # only where the province is judged on this share
    colours = [{PASS: GREEN, FAIL: RED}.get(v, GREY) for v in rows["verdict"]]
    y = np.arange(len(rows))
    ax.barh(y, rates, color=colours, height=0.6)
    ax.scatter(criteria, y, marker="|", s=220, color=ORANGE, linewidths=2.2, zorder=5, label="เกณฑ์จังหวัด")
    ax.set_yticks(y, rows["kpi_code"])
    for yy, r in zip(y, rates, strict=True):
        ax.text(r + 1, yy, f"{r:,.1f}%", va="center", fontsize=7.5)
    ax.set_xlim(0, 112)
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("ร้อยละของหน่วยงานที่ผ่านเกณฑ์ (สี = ผลการประเมินระดับจังหวัด: เขียว ผ่าน แดง ไม่ผ่าน เทา ไม่มีผล)")
    ax.grid(axis="y", visible=False)
    if not np.isnan(criteria).all():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8)
    ax.set_title("ร้อยละหน่วยงานที่ผ่านเกณฑ์ รายตัวชี้วัด")
    return png(fig)


def risk_matrix(matrix: pd.DataFrame) -> bytes:
    """Seed 003's Risk × 7 Plus grid: grades A…F down, Risk Score 0–7 across, each cell coloured by how
    bad the pair is (green: high grade and low risk; red: low grade and high risk) and listing its
    hospitals (their count when more than fit)."""
    setup()
    grades, scores = list(matrix.index), list(matrix.columns)
    n_g, n_s = len(grades), len(scores)
    badness = np.array([[g + s for s in range(n_s)] for g in range(n_g)], dtype=float) / (n_g + n_s - 2)
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("risk", ["#c6f6d5", "#fefcbf", "#fed7d7", "#feb2b2"])
    fig, ax = plt.subplots(figsize=(7.4, 4.6))
    filled = np.array([[bool(matrix.iat[g, s]) for s in range(n_s)] for g in range(n_g)])
    ax.imshow(badness, cmap=cmap, aspect="auto", alpha=0.45, vmin=0, vmax=1)
    ax.imshow(np.where(filled, badness, np.nan), cmap=cmap, aspect="auto", vmin=0, vmax=1)
    for g in range(n_g):
        for s in range(n_s):
            names = [n for n in str(matrix.iat[g, s]).split(", ") if n]
            if not names:
                continue
            shown = [n.removeprefix("รพ.") for n in names]
            text = "\n".join(shown) if len(shown) <= 4 else f"{len(shown)} แห่ง"
            ax.text(s, g, text, ha="center", va="center", fontsize=6.8 if len(shown) > 2 else 7.5,
                    color="#1a202c", fontweight="bold")
            if len(shown) > 1:
                ax.text(s + 0.45, g - 0.42, str(len(shown)), ha="right", va="top", fontsize=6, color="#4a5568")
    ax.set_xticks(range(n_s), [str(s) for s in scores])
    ax.set_yticks(range(n_g), grades)
    ax.set_xticks(np.arange(-0.5, n_s), minor=True)
    ax.set_yticks(np.arange(-0.5, n_g), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("Risk Score (0 = ไม่มีความเสี่ยง … 7 = วิกฤติระดับ 7)")
    ax.set_ylabel("เกรด 7 Plus Efficiency")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title("ระดับความเสี่ยง × ประสิทธิภาพ (Matrix Grading: Risk Scoring × 7 Plus Efficiency)", pad=28)
    return png(fig)
