"""Connecting to the database and creating the tables the spec derives."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

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


def connect(url: str | None = None) -> sa.Engine:
    """An engine on ``url`` (or :func:`database_url`) with every table created."""
    url = url or database_url()
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    return engine
