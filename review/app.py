"""The review app's frame: page setup, sign-in, the sidebar and the sections each role sees.

Makers upload, fix and submit; checkers approve or return; everyone in scope sees the completeness
board and the dashboard. Who sees what is decided by the queries on the server
(``store.users.User.cost_centers``), not by hiding widgets.
"""

from __future__ import annotations

import streamlit as st

from domain.vocabulary import Role
from review import board, checker, dashboard, maker, notices, state

SHARED = {"ติดตามการบันทึก / Completeness": board.page, "ภาพรวม / Dashboard": dashboard.page}
SECTIONS = {
    Role.MAKER: {"ส่งข้อมูล / Submit": maker.page, **SHARED},
    Role.CHECKER: {"ตรวจสอบ / Review": checker.page, **SHARED},
    Role.INSPECTOR: {**SHARED, "ข้อมูลที่ส่ง / Submissions": checker.page},
    Role.ADMIN: {"ตรวจสอบ / Review": checker.page, "ส่งข้อมูล / Submit": maker.page, **SHARED},
}


def main() -> None:
    """One run of the app's script (Streamlit runs it again on every interaction)."""
    st.set_page_config(page_title="SMS Workbench", page_icon="📋", layout="wide")
    state.tuned_allocator()
    user = state.sign_in()
    if user is None:
        st.stop()
    with st.sidebar:
        st.markdown(f"**{user.label}**")
        if user.cost_center:
            st.caption(f"ศูนย์ต้นทุน / cost centre {user.cost_center} "
                       f"{state.reference().name_of('cost_centers', user.cost_center)}")
        if user.region:
            st.caption(f"เขตสุขภาพที่ / health region {user.region}")
        section = st.radio("เมนู / Menu", list(SECTIONS[user.role]))
        st.button("ออกจากระบบ / Sign out", on_click=state.sign_out)
    SECTIONS[user.role][section](user)
    notices.run_finished()
