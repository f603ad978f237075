"""Drafts: the workbooks a user is fixing in the review app, kept as they change until submitted or removed.

One row per user and file name holds the workbook as uploaded or last written, the checked cell edits (applied
to that workbook they give the draft: "check again" need not write it), the grid's edits not checked yet, and
the submission the edits started from (for the stale-edit check), so a reload, a closed tab or a restarted
server loses nothing. Every function takes the user's name: a draft is its user's alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from store.schema import drafts
from store.submissions import Edit, now

Base = tuple[int, int] | None  # (submission id, revision) the edits start from; None: no submission existed


@dataclass(frozen=True)
class StoredDraft:
    """One kept draft: the file's name and bytes (the workbook as uploaded or last written), the checked ``edits``
    (every one since the upload, applied to that workbook or not yet) and the ``pending`` ones in order, and its
    ``base`` when ``base_taken``."""

    file_name: str
    content: bytes
    edits: list[Edit]
    pending: list[Edit]
    base_taken: bool
    base: Base


def _json(edits: Sequence[Edit]) -> str:
    return json.dumps([asdict(e) for e in edits], ensure_ascii=False)


def _edits(text: str) -> list[Edit]:
    return [Edit(**e) for e in json.loads(text)]


def put_draft(engine: sa.Engine, user_name: str, file_name: str, content: bytes) -> None:
    """Keep a new upload as ``user_name``'s draft of ``file_name``, replacing one of that name: no edits yet,
    its base not taken."""
    at = now()
    row = dict(user_name=user_name, file_name=file_name, content=content, edits="[]", pending="[]",
               base_taken=False, base_id=None, base_revision=None, uploaded_at=at, updated_at=at)
    # Two tabs of one user may upload the same name at once: one atomic upsert, whatever the database.
    insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert(drafts).values(**row)
    upsert = insert.on_conflict_do_update(index_elements=["user_name", "file_name"],
                                          set_={k: insert.excluded[k] for k in row if k not in ("user_name",
                                                                                                "file_name")})
    with engine.begin() as conn:
        conn.execute(upsert)


def _update(engine: sa.Engine, user_name: str, file_name: str, **values) -> None:
    with engine.begin() as conn:
        conn.execute(drafts.update().where(drafts.c.user_name == user_name, drafts.c.file_name == file_name)
                     .values(**values, updated_at=now()))


def keep_checked(engine: sa.Engine, user_name: str, file_name: str, content: bytes | None,
                 edits: Sequence[Edit]) -> None:
    """The draft after "check again": every checked edit, none pending, and the workbook when it was written
    again (``content``; None keeps the one kept). The kept workbook with the edits applied is the draft."""
    workbook = {} if content is None else {"content": content}
    _update(engine, user_name, file_name, **workbook, edits=_json(edits), pending="[]")


def keep_pending(engine: sa.Engine, user_name: str, file_name: str, pending: Sequence[Edit]) -> None:
    """The grid's edits of the draft that are not checked yet, as they are now."""
    _update(engine, user_name, file_name, pending=_json(pending))


def keep_base(engine: sa.Engine, user_name: str, file_name: str, base: Base) -> None:
    """The submission the draft's edits start from (None: there was none), taken once."""
    _update(engine, user_name, file_name, base_taken=True, base_id=base[0] if base else None,
            base_revision=base[1] if base else None)


def user_drafts(engine: sa.Engine, user_name: str) -> list[StoredDraft]:
    """``user_name``'s drafts, in the order they were uploaded."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(drafts).where(drafts.c.user_name == user_name)
                            .order_by(drafts.c.uploaded_at, drafts.c.file_name)).all()
    return [StoredDraft(r.file_name, r.content, _edits(r.edits), _edits(r.pending), r.base_taken,
                        (r.base_id, r.base_revision) if r.base_id is not None else None) for r in rows]


def drop_drafts(engine: sa.Engine, user_name: str, file_names: Iterable[str]) -> None:
    """Forget ``user_name``'s drafts of these files (submitted, or removed from the set)."""
    names = list(file_names)
    if names:
        with engine.begin() as conn:
            conn.execute(drafts.delete().where(drafts.c.user_name == user_name, drafts.c.file_name.in_(names)))
