"""The completeness board and the GFMIS vs SMS reconciliation: the agenda of the region's meeting (seed 000)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from domain.fiscal import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    THAI_MONTHS,
    be_year,
    fiscal_months,
    fiscal_year,
    fiscal_year_bounds,
    format_thai_date,
    month_label,
)
from domain.vocabulary import RECONCILIATION, RecordingState
from review import state
from review.display import table
from store import queries
from store.history import latest_as_of, latest_fiscal_year
from store.queries import month_end
from store.users import User
from templates import TEMPLATES
from templates.catalog import STEPS
from templates.headers import header, headers

R = RecordingState
STATE_COLOURS = {R.APPROVED.label: "#c6efce", R.SUBMITTED.label: "#fff2cc", R.RETURNED.label: "#f8cbad",
                 R.REFUSED.label: "#f4b084", R.MISSING.label: "#ededed", R.LATE.label: "#ff9999"}
TEMPLATE_TITLES = {key: f"{TEMPLATES[key].th} / {TEMPLATES[key].en}" for key in STEPS}
LARGE_DIFFERENCE = 1_000_000  # baht: a difference the meeting asks about


def coloured(frame: pd.DataFrame):
    """A table of recording states, each cell in its state's colour; a blank shows as "-"."""
    return frame.style.map(lambda v: f"background-color: {STATE_COLOURS.get(v, 'white')}").format(na_rep="-")


def fiscal_controls(key: str) -> tuple[int, dt.date]:
    """The fiscal year (BE) and the month-end the board counts to, by default the newest data's."""
    today = dt.date.today()
    left, right = st.columns(2)
    default = latest_fiscal_year(state.engine()) or fiscal_year(today)
    year = int(left.number_input("ปีงบประมาณ / Fiscal year", FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, default,
                                 key=f"{key}-fy"))
    start, end = fiscal_year_bounds(year)
    months = [(y, m) for y, m in fiscal_months(year) if dt.date(y, m, 1) <= max(today, start)]
    newest = latest_as_of(state.engine(), year) or min(today, end)
    at = next((i for i, (y, m) in enumerate(months) if (y, m) == (newest.year, newest.month)), len(months) - 1)
    y, m = right.selectbox("ข้อมูล ณ สิ้นเดือน / Data as of the end of", months, index=at, key=f"{key}-month",
                           format_func=lambda ym: f"{THAI_MONTHS[ym[1]]} {be_year(ym[0])}")
    return year, min(month_end(year, m), today)


def completeness_section(user: User, year: int, as_of: dt.date) -> None:
    st.subheader("การบันทึกข้อมูล / Recording completeness")
    summary = queries.completeness_summary(state.engine(), state.reference(), fiscal_year=year, as_of=as_of,
                                           cost_centers=user.cost_centers(state.reference()))
    if summary.empty:
        st.info("ไม่มีศูนย์ต้นทุนในขอบเขต / No cost centre in your scope")
        return
    states = RecordingState.labels()
    covered = summary["covered_to"].map(lambda d: format_thai_date(d) if isinstance(d, dt.date) else "-")
    shown = summary.assign(**{key: summary[key].map(states) for key in STEPS}, covered_to=covered)
    shown = shown.rename(columns={**headers([c for c in shown.columns if c not in STEPS]), **TEMPLATE_TITLES})
    table(coloured(shown), height="content")  # every cost centre in sight, as the meeting reads it
    with st.expander("รายเดือน / By month"):
        months = queries.completeness(state.engine(), state.reference(), fiscal_year=year, as_of=as_of,
                                      cost_centers=user.cost_centers(state.reference()))
        if months.empty:
            st.caption("ยังไม่ถึงสิ้นเดือนแรกของปีงบประมาณ / No month of the fiscal year has ended yet")
            return
        months = months.assign(month=months["month"].map(month_label), template=months["template"].map(TEMPLATE_TITLES),
                               state=months["state"].map(RecordingState.labels()))
        keys = ["cost_center", "name", "template"]
        grid = months.pivot_table(index=keys, columns="month", values="state", aggfunc="first", sort=False)
        grid.index.names = [str(header(k)) for k in keys]
        table(coloured(grid), hide_index=False, height="content")  # the index: cost centre and template, headed


def reconciliation_section(user: User, year: int, as_of: dt.date) -> None:
    st.subheader(f"เปรียบเทียบ GFMIS กับ SMS สะสมถึงสิ้นเดือน{THAI_MONTHS[as_of.month]} {be_year(as_of.year)} / "
                 "GFMIS vs SMS reconciliation")
    frame = queries.reconciliation(state.engine(), state.reference(), fiscal_year=year, month=as_of.month,
                                   cost_centers=user.cost_centers(state.reference()))
    if frame.empty:
        st.info("ไม่มีข้อมูล / No data")
        return
    money = list(RECONCILIATION)
    titles = headers([c for c in frame.columns if c != "recorded"])
    frame.attrs = {}  # the cut-off date rides in attrs; the table does not need it
    shown = frame.copy()
    for column in money:
        shown[column] = shown[column].where(shown["recorded"] | ~column.endswith("_sms"), other=pd.NA)
    flagged = ~frame["recorded"] | (frame[["diff_installment", "diff_disbursed"]].abs() >= LARGE_DIFFERENCE).any(axis=1)
    styled = (shown.drop(columns=["recorded"]).rename(columns=titles).style
              .format(na_rep="-").format({titles[c]: "{:,.2f}" for c in money}, na_rep="-")
              .apply(lambda row: ["background-color: #ffe0e0" if flagged.loc[row.name] else "" for _ in row], axis=1))
    table(styled)
    st.caption(f"แถวสีแดง: ไม่ได้บันทึกใน SMS หรือส่วนต่างตั้งแต่ {LARGE_DIFFERENCE:,} บาท / "
               f"red rows: nothing recorded in SMS, or a difference of {LARGE_DIFFERENCE:,} baht or more")


def page(user: User) -> None:
    st.header("ติดตามการบันทึกข้อมูล / Completeness board")
    year, as_of = fiscal_controls("board")
    completeness_section(user, year, as_of)
    reconciliation_section(user, year, as_of)
