"""The app's shared resources and who is signed in.

Local accounts sign in with a password checked against the database. When an
OpenID Connect provider is configured in ``.streamlit/secrets.toml`` (``[auth]``),
a button signs in through it instead and the e-mail it returns must match a
local account's name, which carries the role and scope.
"""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from reference.reference_set import ReferenceSet
from store.db import connect, database_url
from store.reference import current_reference
from store.users import User, authenticate, get_user

USER = "user"


@st.cache_resource
def engine_for(url: str) -> sa.Engine:
    return connect(url)


def engine() -> sa.Engine:
    return engine_for(database_url())


def reference() -> ReferenceSet:
    return current_reference(engine())


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sign_in() -> User | None:
    """The signed-in user, or None after showing the sign-in form."""
    if st.session_state.get(USER):
        return st.session_state[USER]
    if oidc_configured() and st.user.is_logged_in:
        user = get_user(engine(), st.user.get("email", ""))
        if user is None:
            st.error(f"บัญชี {st.user.get('email')} ยังไม่มีสิทธิ์ในระบบ กรุณาติดต่อผู้ดูแลระบบ / "
                     f"{st.user.get('email')} has no account here yet; ask the administrator.")
            return None
        st.session_state[USER] = user
        return user
    st.title("SMS Workbench")
    st.caption("ระบบตรวจทานข้อมูลงบประมาณและผลงาน / Review of budget and results submissions")
    with st.form("sign-in"):
        name = st.text_input("ชื่อผู้ใช้ / User name")
        password = st.text_input("รหัสผ่าน / Password", type="password")
        if st.form_submit_button("เข้าสู่ระบบ / Sign in", type="primary"):
            user = authenticate(engine(), name, password)
            if user is None:
                st.error("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง / Wrong user name or password.")
            else:
                st.session_state[USER] = user
                st.rerun()
    if oidc_configured():
        st.button("เข้าสู่ระบบด้วยบัญชีองค์กร / Sign in with your organisation", on_click=st.login)
    return None


def sign_out() -> None:
    st.session_state.clear()
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
