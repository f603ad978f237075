"""The store: SQLite by default, PostgreSQL when SMS_DATABASE_URL says so."""

from store.db import connect, database_url

__all__ = ["connect", "database_url"]
