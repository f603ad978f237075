"""Sign-in sessions: a random token the browser keeps in a cookie, and here only its SHA-256.

A session lasts until it expires or its user signs out; either way the token is worthless from then
on, so a copy of the cookie taken before a sign-out opens nothing. Signing the cookie and setting it in
the browser is the review app's business (``review.session``); the store only keeps and checks tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from store.schema import sessions
from store.submissions import now
from store.users import User, get_user

TOKEN_BYTES = 32  # 256 random bits, as OWASP asks of a session id (at least 64)
# Ended and expired rows are kept this long: a sign-out must outlive Streamlit's OIDC identity cookie
# (30 days), which it refuses when issued before it (:func:`signed_out_since`).
KEPT = dt.timedelta(days=31)


def digest(token: str) -> str:
    """The SHA-256 (64 hex digits) under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives it back without its zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def start_session(engine: sa.Engine, user_name: str, lifetime: dt.timedelta) -> str:
    """A new session of ``user_name`` lasting ``lifetime``: returns its token (URL-safe text, 43 characters),
    which only the caller ever has. Rows older than :data:`KEPT` are removed on the way."""
    token, at = secrets.token_urlsafe(TOKEN_BYTES), now()
    with engine.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.expires_at < at - KEPT))
        conn.execute(sessions.insert().values(token_sha256=digest(token), user_name=user_name, created_at=at,
                                              expires_at=at + lifetime))
    return token


def session_user(engine: sa.Engine, token: str) -> User | None:
    """The account whose session ``token`` is, while that session is neither expired nor ended; else None."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(sessions).where(sessions.c.token_sha256 == digest(token))).first()
    if row is None or row.ended_at is not None or utc(row.expires_at) <= now():
        return None
    return get_user(engine, row.user_name)


def end_session(engine: sa.Engine, token: str) -> None:
    """Sign out: the session of ``token`` ends now (nothing happens for an unknown or ended one)."""
    with engine.begin() as conn:
        conn.execute(sessions.update().where(sessions.c.token_sha256 == digest(token), sessions.c.ended_at.is_(None))
                     .values(ended_at=now()))


def signed_out_since(engine: sa.Engine, user_name: str, moment: dt.datetime) -> bool:
    """Whether ``user_name`` signed out after ``moment`` (aware): an identity issued before that is refused."""
    with engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(sessions.c.ended_at))
                            .where(sessions.c.user_name == user_name)).scalar()
    return last is not None and utc(last) > moment
