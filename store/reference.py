"""Reference data in the store: replace it whole, read it back."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from domain.frames import LazyFrames
from domain.vocabulary import AuditAction
from reference.reference_set import ReferenceSet, load_default, typed
from store.schema import REFERENCE_TABLES, audit
from templates import REFERENCE


def save_reference(engine: sa.Engine, reference: ReferenceSet, actor: str, source: str) -> dict[str, int]:
    """Replace the stored reference set in one transaction; return rows per sheet."""
    counts = {}
    with engine.begin() as conn:
        for sheet in reversed(REFERENCE.sheets):  # children first, so nothing points at a deleted row
            conn.execute(REFERENCE_TABLES[sheet.key].delete())
        for sheet in REFERENCE.sheets:
            frame = reference[sheet.key][sheet.keys]
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
            if records:
                conn.execute(REFERENCE_TABLES[sheet.key].insert(), records)
            counts[sheet.key] = len(records)
        conn.execute(audit.insert().values(at=dt.datetime.now(dt.UTC), actor=actor,
                                           action=AuditAction.REFERENCE_LOAD.value, comment=f"{source}: {counts}"))
    return counts


def current_reference(engine: sa.Engine) -> ReferenceSet:
    """The stored reference set, or the shipped default while none has been loaded."""
    with engine.connect() as conn:
        if not conn.execute(sa.select(sa.func.count()).select_from(REFERENCE_TABLES["units"])).scalar():
            return load_default()

    def read(key: str) -> pd.DataFrame:
        sheet = REFERENCE.sheet(key)
        with engine.connect() as conn:
            frame = pd.read_sql(sa.select(REFERENCE_TABLES[key]), conn)
        return typed(sheet, frame[sheet.keys].astype(object).where(frame.notna(), ""))
    return ReferenceSet(LazyFrames([s.key for s in REFERENCE.sheets], read))
