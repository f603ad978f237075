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


# -- the rows' submission: a foreign key on SQLite, set-based triggers on PostgreSQL (store/schema.py) --------
def test_rows_naming_no_submission_are_refused_and_nothing_is_stored(engine):
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    refused = (sa.exc.IntegrityError, engine.dialect.dbapi.IntegrityError)  # bulk ingest uses the driver's cursor
    with pytest.raises(refused, match="(?i)foreign key|submission"), engine.begin() as conn:
        insert_rows(conn, DATA_TABLES["payments"], rows_of(sheet, 3), 4242)
    with engine.connect() as conn:
        assert conn.execute(DATA_TABLES["payments"].select()).first() is None


def test_rows_of_several_submissions_are_refused_when_one_is_missing(engine):
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "transfers")
    frame = rows_of(sheet, 2)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        sid = new_submission(conn, "allocations")
        conn.execute(DATA_TABLES["transfers"].insert(), [
            {"submission_id": s, "row_number": r, **frame.iloc[0].to_dict()} for s, r in ((sid, 5), (sid + 1, 6))])
    with engine.connect() as conn:
        assert conn.execute(DATA_TABLES["transfers"].select()).first() is None


def test_deleting_a_submission_deletes_its_rows_only(engine):
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    with engine.begin() as conn:
        gone, kept = new_submission(conn, "disbursements"), new_submission(conn, "disbursements")
        for sid in (gone, kept):
            insert_rows(conn, DATA_TABLES["payments"], rows_of(sheet, 3), sid)
    with engine.begin() as conn:
        conn.execute(submissions.delete().where(submissions.c.id == gone))
    with engine.connect() as conn:
        left = conn.execute(sa.select(DATA_TABLES["payments"].c.submission_id)).scalars().all()
    assert left == [kept] * 3


def test_a_submission_named_by_rows_keeps_its_id(engine):
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    with engine.begin() as conn:
        sid = new_submission(conn, "disbursements")
        insert_rows(conn, DATA_TABLES["payments"], rows_of(sheet, 1), sid)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(submissions.update().where(submissions.c.id == sid).values(id=sid + 100))


def test_a_submission_no_row_names_may_change_its_id(engine):
    import sqlalchemy as sa
    with engine.begin() as conn:
        sid = new_submission(conn, "disbursements")
    with engine.begin() as conn:
        conn.execute(submissions.update().where(submissions.c.id == sid).values(id=sid + 100))
    with engine.connect() as conn:
        assert conn.execute(sa.select(submissions.c.id)).scalars().all() == [sid + 100]


def test_a_submission_cannot_be_deleted_while_rows_naming_it_are_being_written(postgres_store):
    """As a foreign key does, the rows being written hold their submission (FOR KEY SHARE) until they commit."""
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    with postgres_store.begin() as conn:
        sid = new_submission(conn, "disbursements")
    with postgres_store.begin() as writing:
        insert_rows(writing, DATA_TABLES["payments"], rows_of(sheet, 2), sid)
        with pytest.raises(sa.exc.OperationalError, match="lock"), postgres_store.begin() as deleting:
            deleting.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")  # a wait that cannot end while held
            deleting.execute(submissions.delete().where(submissions.c.id == sid))
    with postgres_store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(DATA_TABLES["payments"])).scalar() == 2


def test_deleting_a_submission_under_repeatable_read_is_refused(postgres_store):
    """Its snapshot would miss rows committed since it began (a foreign key fails such a delete too)."""
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    with postgres_store.begin() as conn:
        sid = new_submission(conn, "disbursements")
        insert_rows(conn, DATA_TABLES["payments"], rows_of(sheet, 2), sid)
    with pytest.raises(sa.exc.NotSupportedError, match="READ COMMITTED"), postgres_store.begin() as conn:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute(submissions.delete().where(submissions.c.id == sid))
    with postgres_store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(DATA_TABLES["payments"])).scalar() == 2


def test_emptying_the_submissions_empties_their_rows(postgres_store):
    import sqlalchemy as sa
    sheet = next(s for s in SHEETS if s.key == "payments")
    with postgres_store.begin() as conn:
        insert_rows(conn, DATA_TABLES["payments"], rows_of(sheet, 2), new_submission(conn, "disbursements"))
    # a plain TRUNCATE is refused: the audit table's foreign key is real
    with pytest.raises(sa.exc.NotSupportedError), postgres_store.begin() as conn:
        conn.exec_driver_sql("TRUNCATE submissions")
    with postgres_store.begin() as conn:
        conn.exec_driver_sql("TRUNCATE submissions CASCADE")
    with postgres_store.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(DATA_TABLES["payments"])).scalar() == 0
