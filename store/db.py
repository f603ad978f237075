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
    """An engine on ``url`` (or :func:`database_url`) with every table created, and the optional columns a newer
    spec added to a table made by an older version added to it (:func:`add_new_columns`).

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
        add_new_columns(engine)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, sa.exc.OperationalError, ImportError, OSError):
        shown = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)  # never print a password
        raise StoreUnavailable(
            f"เปิดฐานข้อมูล {shown} ไม่ได้ กรุณาตรวจค่า SMS_DATABASE_URL และว่าเซิร์ฟเวอร์ฐานข้อมูลทำงานอยู่",
            f"Cannot open the database {shown}: check SMS_DATABASE_URL and that the database server is "
            "running.") from None
    return engine


def add_new_columns(engine: sa.Engine) -> list[str]:
    """Add to the tables already in the database the columns this version's schema has and they lack, so a
    database made before a template gained an optional column (e.g. hospital_finance.maintenance_fund) keeps
    working; returns them as ``table.column``. Only nullable columns are added this way: the rows already
    stored hold no value for them, which is what an optional column means (sqlite-utils' "add missing
    columns"). A new required column would need its values: refused with :class:`StoreUnavailable`.
    """
    inspector = sa.inspect(engine)
    existing = set(inspector.get_table_names())
    added = []
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name not in existing:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in (c for c in table.columns if c.name not in have):
                if not column.nullable:
                    raise StoreUnavailable(
                        f"ฐานข้อมูลสร้างด้วยรุ่นเก่าของโปรแกรม ตาราง {table.name} ขาดคอลัมน์ที่ต้องมี {column.name} "
                        "กรุณาส่งออกข้อมูลแล้วสร้างฐานข้อมูลใหม่",
                        f"The database was made by an older version: table {table.name} lacks the required "
                        f"column {column.name}; export the data and create a new database.")
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))
                added.append(f"{table.name}.{column.name}")
    return added
