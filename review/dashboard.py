"""The dashboard: projects, budget, disbursed, remaining and disbursement rate per level and per strategy."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from domain.vocabulary import FIGURES
from review import state
from review.board import fiscal_controls
from review.display import table
from store import queries
from store.users import User
from templates.headers import header, headers

# each level by the title of the column naming its rows (a cost centre as the units sheet names it: not its code)
LEVELS = {str(header(key, "units")): level for level, key in queries.LEVEL_KEY.items()}
COLUMNS = {key: str(FIGURES[key]) for key in ("projects", "budget", "disbursed", "remaining", "rate")}


def page(user: User) -> None:
    st.header("ภาพรวม / Dashboard")
    year, _ = fiscal_controls("dash")
    level = LEVELS[st.radio("ระดับ / Level", list(LEVELS), horizontal=True)]
    frame = queries.totals(state.engine(), state.reference(), fiscal_year=year, level=level,
                           cost_centers=user.cost_centers(state.reference()))
    if frame.empty:
        st.info("ยังไม่มีโครงการ / No projects yet")
        return
    total_budget, total_paid = frame["budget"].sum(), frame["disbursed"].sum()
    a, b, c, d = st.columns(4)
    a.metric(COLUMNS["projects"], f"{int(frame['projects'].sum()):,}")
    b.metric(COLUMNS["budget"], f"{total_budget:,.2f}")
    c.metric(COLUMNS["disbursed"], f"{total_paid:,.2f}")
    d.metric(COLUMNS["rate"], f"{100 * total_paid / total_budget:.2f}" if total_budget else "-")
    label = frame.columns[0]
    chart = frame.assign(rate=100 * frame["rate"]).sort_values("rate")
    figure = px.bar(chart, x="rate", y=label, orientation="h", text=chart["rate"].map("{:.1f}%".format),
                    labels={"rate": COLUMNS["rate"], label: ""}, height=max(300, 28 * len(chart)))
    figure.update_layout(font_family="Loma, Garuda, Noto Sans Thai, sans-serif", margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(figure, width="stretch")
    titles = headers(frame.columns)
    shown = frame.assign(rate=100 * frame["rate"]).rename(columns=titles)
    table(shown.style.format({titles[k]: "{:,.2f}" for k in ("budget", "disbursed", "remaining", "rate")}))
