"""The app's shared resources and who is signed in.

Local accounts sign in with a password checked against the database. When an
OpenID Connect provider is configured in ``.streamlit/secrets.toml`` (``[auth]``),
a button signs in through it instead and the e-mail it returns must match a
local account's name, which carries the role and scope.

Either way the sign-in starts a session on the server (``store.sessions``) whose signed token the
browser keeps in a cookie (``review.session``): a reload, a new tab or a restarted server finds the user
still signed in, until the session expires or the user signs out. Every run checks the session, so a
sign-out in one tab ends the others at their next click.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import streamlit as st

from importer.isolation import tune_allocator
from reference.reference_set import ReferenceSet
from review import session
from store.db import connect, database_url
from store.reference import current_reference
from store.sessions import end_session, session_user, signed_out_since, start_session
from store.users import User, authenticate, get_user

USER, TOKEN = "user", "session_token"  # session_state keys: the signed-in User, the session's cookie value


@st.cache_resource
def engine_for(url: str) -> sa.Engine:
    return connect(url)


@st.cache_resource
def tuned_allocator() -> bool:
    """The server process's C allocator tuned for columns, once (``importer.isolation.tune_allocator``)."""
    return tune_allocator()


def engine() -> sa.Engine:
    return engine_for(database_url())


def reference() -> ReferenceSet:
    return current_reference(engine())


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def resume() -> User | None:
    """The user of this browser's session, or None: this Streamlit session's own, else the one of the cookie
    the browser sent (a reload, a new tab, a restarted server), while it is neither expired nor ended.

    A session that ended since the last run (signed out in another tab, expired) takes this Streamlit
    session's state with it: another person may sign in at this screen next. A cookie that opens nothing is
    deleted from the browser.
    """
    value = st.session_state.get(TOKEN) or session.sent_cookie()
    token = session.token_of(value) if value else None
    user = session_user(engine(), token) if token else None
    if user is None:
        if TOKEN in st.session_state:
            st.session_state.clear()
        if session.sent_cookie():
            session.write_cookie("", 0)
        return None
    st.session_state[USER], st.session_state[TOKEN] = user, value
    if session.sent_cookie() != value:  # the page was opened before this sign-in: give the browser the cookie
        session.write_cookie(value, int(session.lifetime().total_seconds()))
    return user


def begin(user: User) -> None:
    """Start a session for ``user`` on the server; :func:`resume` hands its cookie to the browser."""
    st.session_state[TOKEN] = session.sign(start_session(engine(), user.name, session.lifetime()))


def oidc_user() -> User | None:
    """The local account of the identity the OIDC provider vouches for, or None after saying why not.

    An identity issued before its user's last sign-out is refused (a copy of Streamlit's identity cookie
    taken before it): the user signs in at the provider again.
    """
    email = st.user.get("email", "")
    user = get_user(engine(), email)
    if user is None:
        st.error(f"บัญชี {email} ยังไม่มีสิทธิ์ในระบบ กรุณาติดต่อผู้ดูแลระบบ / "
                 f"{email} has no account here yet; ask the administrator.")
        return None
    issued = st.user.get("iat")  # seconds since 1970 (ID token claim); a provider that omits it is not checked
    if issued is not None and signed_out_since(engine(), user.name, dt.datetime.fromtimestamp(float(issued), dt.UTC)):
        st.info("คุณออกจากระบบแล้ว กรุณาเข้าสู่ระบบอีกครั้ง / You signed out; please sign in again.")
        return None
    return user


def sign_in() -> User | None:
    """The signed-in user, or None after showing the sign-in form."""
    if user := resume():
        return user
    if oidc_configured() and st.user.is_logged_in and (user := oidc_user()):
        begin(user)
        return resume()
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
                begin(user)
                st.rerun()
    if oidc_configured():
        st.button("เข้าสู่ระบบด้วยบัญชีองค์กร / Sign in with your organisation", on_click=st.login)
    return None


def sign_out() -> None:
    """End the session on the server (its cookie, and any copy of it, then opens nothing), forget this
    Streamlit session's state, and sign out of the OIDC provider too. Drafts stay on the server."""
    token = session.token_of(st.session_state.get(TOKEN, ""))
    if token:
        end_session(engine(), token)
    st.session_state.clear()
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
