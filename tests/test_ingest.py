"""Bulk ingest (store/ingest.py) stores exactly what SQLAlchemy's own insert stores, on both databases.

Every sheet of every unit template gets rows with the values that break hand-made bulk paths: codes
with leading zeros, text with tabs, newlines, backslashes and Thai, blanks in every optional column,
money with two decimals, dates. Each is stored once through ``insert_rows`` (COPY on PostgreSQL,
executemany on SQLite) and once through ``table.insert()``, and both are read back.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store.ingest import BATCH, insert_rows
from store.schema import DATA_TABLES, submissions
from store.submissions import now, sheet_rows
from templates import UNIT_TEMPLATES

SHEETS = [sheet for template in UNIT_TEMPLATES for sheet in template.sheets]
HOSTILE_TEXT = "ค่าวัสดุ\tสำนักงาน\nบรรทัดสอง \\N \\ \"คำพูด\" 'x' ,;|"


def value(column_type: str, row: int):
    """A value of the spec type for row ``row`` (0, 1, 2, ...): each row differs, row 1 hostile."""
    return {
        "text": HOSTILE_TEXT if row == 1 else f"ข้อความ {row}",
        "code": f"00{row}7",  # leading zeros must survive
        "choice": "เบิกจ่าย",
        "integer": row + 1, "month": 1 + row % 12, "quarter": 1 + row % 4,
        "number": 1234.5 + row, "money": 1_234_567.89 + row,
        "date": dt.date(2026, 1, 31) + dt.timedelta(days=row),
    }[column_type]


def rows_of(sheet, n: int) -> pd.DataFrame:
    """``n`` rows in the spec's dtypes, indexed from Excel row 5; optional columns blank on odd rows."""
    frame = pd.DataFrame({c.key: [None if (not c.required and row % 2) else value(c.type, row) for row in range(n)]
                          for c in sheet.columns}, index=pd.RangeIndex(5, 5 + n, name="row_number"))
    return frame.astype(sheet.dtypes)


def new_submission(conn, template: str) -> int:
    return conn.execute(submissions.insert().values(
        template=template, template_version=1, cost_center="00107", fiscal_year=2569, status="submitted",
        file_name="f.xlsx", file_sha256="0" * 64, file_bytes=b"", submitted_by="t", submitted_at=now(),
    )).inserted_primary_key[0]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.key)
def test_bulk_ingest_reads_back_as_sqlalchemys_insert_does(engine, sheet):
    template = next(t.key for t in UNIT_TEMPLATES if sheet in t.sheets)
    frame = rows_of(sheet, 4)
    table = DATA_TABLES[sheet.key]
    with engine.begin() as conn:
        bulk, plain = new_submission(conn, template), new_submission(conn, template)
        insert_rows(conn, table, frame, bulk)
        records = [{"submission_id": plain, "row_number": i, **{k: (None if pd.isna(v) else v) for k, v in r.items()}}
                   for i, r in frame.iterrows()]
        conn.execute(table.insert(), records)
    with engine.connect() as conn:
        through_bulk, through_sqlalchemy = sheet_rows(conn, sheet, bulk), sheet_rows(conn, sheet, plain)
    pd.testing.assert_frame_equal(through_bulk, through_sqlalchemy)
    pd.testing.assert_frame_equal(through_bulk, frame, check_index_type=False)


def test_a_sheet_larger_than_a_batch_is_stored_whole_in_order(engine):
    sheet = next(s for s in SHEETS if s.key == "payments")
    frame = rows_of(sheet, BATCH + 3)
    with engine.begin() as conn:
        sid = new_submission(conn, "disbursements")
        insert_rows(conn, DATA_TABLES["payments"], frame, sid)
    with engine.connect() as conn:
        back = sheet_rows(conn, sheet, sid)
    assert len(back) == BATCH + 3
    assert back.index[[0, -1]].tolist() == [5, 5 + BATCH + 2]
    assert back.loc[5 + BATCH + 2, "document_date"] == dt.date(2026, 1, 31) + dt.timedelta(days=BATCH + 2)


def test_a_failed_ingest_leaves_nothing_of_the_submission(engine):
    sheet = next(s for s in SHEETS if s.key == "payments")
    frame = rows_of(sheet, 3)
    frame.loc[6, "unit_code"] = None  # required: NOT NULL refuses the row
    with pytest.raises(Exception), engine.begin() as conn:  # noqa: B017, PT011 - the driver's own error type
        sid = new_submission(conn, "disbursements")
        insert_rows(conn, DATA_TABLES["payments"], frame, sid)
    with engine.connect() as conn:
        assert conn.execute(submissions.select()).first() is None
        assert conn.execute(DATA_TABLES["payments"].select()).first() is None
