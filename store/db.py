"""Connecting to the database and creating the tables the spec derives."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import sqlalchemy as sa

# the embedded default's dialect imported with the store, like any other import, not by the first connect (5 ms)
import sqlalchemy.dialects.sqlite  # noqa: F401

from domain.errors import Reason, SmsError
from domain.vocabulary import AuditAction
from store.schema import REFERENCE_TABLES, audit, metadata

# In the project's own outputs/, wherever a command is run from: relative to the working folder, `sms` run from
# elsewhere made a new empty database and checked workbooks against it without a word.
DEFAULT_SQLITE = Path(__file__).resolve().parents[1] / "outputs" / "sms.sqlite"


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
    spec added to a table made by an older version added to it (:func:`upgrade_schema`).

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
        upgrade_schema(engine)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, sa.exc.OperationalError, ImportError, OSError):
        shown = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)  # never print a password
        raise StoreUnavailable(
            f"เปิดฐานข้อมูล {shown} ไม่ได้ กรุณาตรวจค่า SMS_DATABASE_URL และว่าเซิร์ฟเวอร์ฐานข้อมูลทำงานอยู่",
            f"Cannot open the database {shown}: check SMS_DATABASE_URL and that the database server is "
            "running.") from None
    return engine


def upgrade_schema(engine: sa.Engine) -> list[str]:
    """Bring the tables of a database made by an earlier version up to this version's schema; returns what was
    done, as ``table.column`` (or ``table`` for a reference table made anew).

    An optional column a template gained (e.g. hospital_finance.maintenance_fund) is added: the rows already
    stored hold no value for it, which is what an optional column means (sqlite-utils' "add missing
    columns"). A reference set stored before its sheets gained a required column (e.g. ref_kpis.measure)
    cannot be completed row by row: its tables are made anew, so the shipped default applies until the admin
    loads their reference workbook again (audited, so the admin can read why). A required column missing from
    a data table would need values nobody has: refused with :class:`StoreUnavailable`.
    """
    # every table's columns in one call (one query on PostgreSQL): asked table by table it was 7 ms on SQLite
    stored = {name: {c["name"] for c in columns}
              for (_, name), columns in sa.inspect(engine).get_multi_columns().items()}
    missing = {t: [c for c in t.columns if c.name not in stored[t.name]]
               for t in metadata.sorted_tables if t.name in stored}
    missing = {t: columns for t, columns in missing.items() if columns}
    reference = list(REFERENCE_TABLES.values())
    outdated = [t.name for t in reference if any(not c.nullable for c in missing.get(t, []))]
    done = []
    if not missing:
        return done
    with engine.begin() as conn:
        if outdated:
            for table in reversed(reference):
                table.drop(conn, checkfirst=True)
            for table in reference:
                table.create(conn)
            conn.execute(audit.insert().values(
                at=dt.datetime.now(dt.UTC), actor="sms", action=AuditAction.REFERENCE_LOAD.value,
                comment=f"shipped default: the stored reference set lacked {', '.join(outdated)}'s new columns; "
                        "load your reference workbook again"))
            done += [t.name for t in reference]
        for table, columns in missing.items():
            if table in reference and outdated:
                continue
            for column in columns:
                if not column.nullable:
                    raise StoreUnavailable(
                        f"ฐานข้อมูลสร้างด้วยรุ่นเก่าของโปรแกรม ตาราง {table.name} ขาดคอลัมน์ที่ต้องมี {column.name} "
                        "กรุณาสร้างฐานข้อมูลใหม่แล้วนำเข้าไฟล์ที่ส่งไว้อีกครั้ง",
                        f"The database was made by an older version: table {table.name} lacks the required "
                        f"column {column.name}; create a new database and import the submitted workbooks again.")
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))
                done.append(f"{table.name}.{column.name}")
    return done
