"""Connecting to the database and creating the tables the spec derives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa

from domain.errors import Reason, SmsError
from store.schema import metadata

DEFAULT_SQLITE = Path("outputs") / "sms.sqlite"


def database_url() -> str:
    """``SMS_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@localhost/sms``), else the embedded SQLite file."""
    return os.environ.get("SMS_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")  # SQLite leaves them off unless asked
    cursor.execute("PRAGMA journal_mode = WAL")  # readers (the app) are not blocked by an import
    cursor.close()


class StoreUnavailable(SmsError):
    """The database cannot be reached or the URL naming it is not one; nothing was read or written."""

    reason = Reason.STORE_UNAVAILABLE


def connect(url: str | None = None) -> sa.Engine:
    """An engine on ``url`` (or :func:`database_url`) with every table created.

    Raises :class:`StoreUnavailable` for a URL that names no database SQLAlchemy knows, or a database
    that cannot be reached or written; the message says which setting to check.
    """
    url = url or database_url()
    try:
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, sa.exc.OperationalError, ImportError, OSError):
        shown = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)  # never print a password
        raise StoreUnavailable(
            f"เปิดฐานข้อมูล {shown} ไม่ได้ กรุณาตรวจค่า SMS_DATABASE_URL และว่าเซิร์ฟเวอร์ฐานข้อมูลทำงานอยู่",
            f"Cannot open the database {shown}: check SMS_DATABASE_URL and that the database server is "
            "running.") from None
    return engine
