"""A sheet's typed rows into the database in bulk, inside the caller's transaction.

Every submission is one transaction (``store.submissions.store_snapshot``), so the rows go through
the driver connection of that transaction, never a second one:

- PostgreSQL: ``COPY … FROM STDIN (FORMAT csv)`` through psycopg's copy, fed CSV that Arrow writes from
  the columns in C (``pyarrow.csv``): a null is an unquoted empty field, every text is quoted, a float is
  written with the shortest digits that read back as the same double (what ``repr`` gives, which psycopg's
  own dumper sends), a date as ISO text. 100,000 payments rows: 0.05 s of the caller's CPU against 0.27 s for
  psycopg's ``write_row`` of each row as a tuple (wall 0.97 against 1.14 s at best, the server's parsing
  the rest), which itself took 1.7–2.8 s against 4.0–4.6 s for ``executemany``.
- SQLite: the driver cursor's ``executemany`` on the transaction's connection, fed tuples as they are
  zipped. SQLAlchemy's per-row parameter handling would cost twice the insert itself, so each column
  is turned into driver values at once: blanks to None, dates to the ISO text SQLAlchemy's SQLite
  ``DATE`` stores and reads back (its per-row bind processor took 0.12 s of 1.05 s for 100,000 rows),
  text as one Python string per distinct value. 100,000 payments: 0.41 s CPU against 0.58–0.70 s for
  SQLAlchemy's ``exec_driver_sql`` on a list of tuples with a string per cell (issue 15). An ADBC
  ingest of the Arrow table would need its own connection, outside the submission's transaction.

``tests/test_ingest.py`` checks that both paths read back exactly what SQLAlchemy's own insert
stores, on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

BATCH = 5_000  # rows per executemany: a cell costs ~100 bytes as a Python object (20,000: +10 MB of peak, no quicker)
CSV_ROWS = 4096  # rows of CSV per piece sent to COPY (~0.5 MB)


def insert_rows(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, submission_id: int) -> None:
    """Insert ``frame`` into ``table`` as rows of submission ``submission_id``.

    ``frame``: the spec's columns of the sheet (``templates.spec.Sheet.dtypes``; dates as
    ``datetime.date``, money in baht as floats), indexed by the Excel row each was read from, which
    is stored as ``row_number``. Raises only what the database raises (the caller's transaction then
    writes nothing).
    """
    names = ["submission_id", "row_number", *frame.columns]
    if conn.dialect.name == "postgresql":
        _copy(conn, table, names, _arrow(table, frame, submission_id))
        return
    for start in range(0, len(frame), BATCH):
        _executemany(conn, table, names, _rows(conn.dialect, table, frame.iloc[start:start + BATCH], submission_id))


def _rows(dialect: sa.Dialect, table: sa.Table, part: pd.DataFrame, submission_id: int) -> Iterator[tuple]:
    columns = [[submission_id] * len(part), part.index.tolist()]
    columns += [_cells(dialect, table.c[key].type, values) for key, values in part.items()]
    return zip(*columns, strict=True)


def _cells(dialect: sa.Dialect, sql_type: sa.types.TypeEngine, values: pd.Series) -> list:
    """One column as the driver takes it: Python scalars, None for a blank, dates as ISO text on SQLite."""
    if dialect.name == "sqlite" and isinstance(sql_type, sa.Date):
        return pa.array(values, type=pa.date32(), from_pandas=True).cast(pa.string()).to_pylist()
    if pd.api.types.is_string_dtype(values.dtype):
        # Each distinct text made a Python string once and shared by its rows (a column repeats itself):
        # a third of the time of one string per cell. A blank's code is -1: the None appended last.
        codes, distinct = pd.factorize(values)
        return np.append(distinct.to_numpy(dtype=object), None)[codes].tolist()
    if values.hasnans:
        values = values.astype(object).where(values.notna(), None)
    return values.tolist()


def _executemany(conn: sa.Connection, table: sa.Table, names: list[str], rows: Iterator[tuple]) -> None:
    quote = conn.dialect.identifier_preparer
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    # The driver's own cursor on the transaction's connection takes the rows as they are zipped: no list of
    # them all first, and none of SQLAlchemy's per-statement handling.
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {quote.format_table(table)} ({', '.join(map(quote.quote, names))}) "
                           f"VALUES ({', '.join([marker] * len(names))})", rows)
    finally:
        cursor.close()


def _arrow(table: sa.Table, frame: pd.DataFrame, submission_id: int) -> pa.Table:
    """The rows as an Arrow table in ``names`` order: the text columns as they are (already Arrow), blanks null,
    dates as date32."""
    columns = {"submission_id": pa.array(np.full(len(frame), submission_id, dtype=np.int64)),
               "row_number": pa.array(frame.index.to_numpy(dtype=np.int64))}
    for key, values in frame.items():
        kind = pa.date32() if isinstance(table.c[key].type, sa.Date) else None
        columns[key] = pa.array(values, type=kind, from_pandas=True)
    return pa.table(columns)


def _copy(conn: sa.Connection, table: sa.Table, names: list[str], rows: pa.Table) -> None:
    quote = conn.dialect.identifier_preparer
    sql = f"COPY {quote.format_table(table)} ({', '.join(map(quote.quote, names))}) FROM STDIN (FORMAT csv)"
    # "needed" quotes every text (an empty one is "", a null nothing); the CSV goes to COPY a few thousand rows
    # at a time as Arrow writes it, never whole: one 20,000-row buffer raised the peak by ~25 MB at 100,000 rows.
    # Arrow's allocator keeps each piece's freed memory for itself: handed back after each piece, the peak of
    # a 100,000-row import is 6 MB lower (223 against 229 MB) for 0.02 s of CPU.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        sink = pa.PythonFile(_Writes(copy.write), mode="w")
        for start in range(0, rows.num_rows, CSV_ROWS):
            pa_csv.write_csv(rows.slice(start, CSV_ROWS), sink, options)
            pa.default_memory_pool().release_unused()


class _Writes:
    """A file that only writes, each piece to ``write``: what pyarrow's CSV writer is given for COPY."""

    closed = False

    def __init__(self, write):
        self.write = write
