"""The browser's side of a sign-in session: a signed, expiring cookie that survives a reload and a new tab.

The cookie holds ``<token>.<timestamp>.<signature>``: the session's random token (``store.sessions``, which
keeps only its SHA-256) signed with itsdangerous under a secret kept out of git, so a forged or stale value
is turned away before the database is asked. Streamlit reads the cookies the browser sent when the page
opened (``st.context.cookies``) but has no call to write one, so one line of JavaScript sets it; it is
therefore not HttpOnly, and what protects it is that it is random, expires, and is worthless once its user
signs out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import streamlit as st
from itsdangerous import BadSignature, TimestampSigner

from store.db import DEFAULT_SQLITE

COOKIE = "sms_session"
SECRET_FILE = DEFAULT_SQLITE.parent / "session.key"  # beside the default database, in outputs/ (ignored by git)
HOURS = "SMS_SESSION_HOURS"  # environment variable: how long a sign-in lasts
DEFAULT_HOURS = 12  # a working day and an evening; a new day starts with a sign-in


def lifetime() -> dt.timedelta:
    """How long a sign-in lasts: ``SMS_SESSION_HOURS`` (default 12)."""
    return dt.timedelta(hours=float(os.environ.get(HOURS) or DEFAULT_HOURS))


def _secret_from_file(path: Path) -> bytes:
    """The secret in ``path``, written there first (32 random bytes as hex, readable by this user only) when
    absent; two servers starting together both end up with the one that was written first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_bytes().strip()


@st.cache_resource
def signer() -> TimestampSigner:
    """The cookie's signer: its secret is ``[session] secret`` in ``.streamlit/secrets.toml`` (several servers
    behind one address need the same one), else the file :data:`SECRET_FILE`, generated on first run."""
    try:
        secret = st.secrets.get("session", {}).get("secret")
    except FileNotFoundError:
        secret = None
    return TimestampSigner(secret or _secret_from_file(SECRET_FILE), salt="sms-session")


def sign(token: str) -> str:
    """The cookie's value for a session token."""
    return signer().sign(token).decode()


def token_of(value: str) -> str | None:
    """The session token a cookie value carries, or None when its signature is wrong or older than
    :func:`lifetime`."""
    try:
        return signer().unsign(value, max_age=lifetime().total_seconds()).decode()
    except BadSignature:  # SignatureExpired is one
        return None


def sent_cookie() -> str | None:
    """The session cookie the browser sent when this page was opened (a reload, a new tab), if any."""
    return st.context.cookies.get(COOKIE)


def write_cookie(value: str, max_age: int) -> None:
    """Set the session cookie in the browser (``max_age`` seconds; 0 deletes it): same-site only, Secure when
    the page came over HTTPS, for the app's path."""
    path = "/" + (st.get_option("server.baseUrlPath") or "").strip("/")
    cookie = json.dumps(f"{COOKIE}={value}; Path={path}; Max-Age={max_age}; SameSite=Lax")
    st.html(f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True)
