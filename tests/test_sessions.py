"""Sign-in sessions and drafts in the store, on SQLite and PostgreSQL: what a user relies on after a reload."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from mini_year import CC

from store.drafts import drop_drafts, keep_base, keep_checked, keep_pending, put_draft, user_drafts
from store.schema import sessions
from store.sessions import digest, end_session, session_user, signed_out_since, start_session
from store.submissions import Edit
from store.users import add_user

HOURS_12 = dt.timedelta(hours=12)


@pytest.fixture
def accounts(engine, reference):
    add_user(engine, reference, "maker1", "maker", "maker-pass", cost_center=CC)
    add_user(engine, reference, "maker1b", "maker", "maker-pass", cost_center=CC)  # the same unit, another person
    return engine


def test_a_session_finds_its_user_until_it_is_ended(accounts):
    token = start_session(accounts, "maker1", HOURS_12)
    assert session_user(accounts, token).name == "maker1"
    end_session(accounts, token)
    assert session_user(accounts, token) is None  # a copy of the cookie opens nothing after sign-out
    assert signed_out_since(accounts, "maker1", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert not signed_out_since(accounts, "maker1b", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))


def test_tokens_are_random_and_only_their_digest_is_stored(accounts):
    tokens = {start_session(accounts, "maker1", HOURS_12) for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 43 for t in tokens)
    with accounts.connect() as conn:
        stored = set(conn.execute(sa.select(sessions.c.token_sha256)).scalars())
    assert stored == {digest(t) for t in tokens} and not stored & tokens
    assert session_user(accounts, "not-a-token") is None


def test_an_expired_session_finds_nobody(accounts):
    token = start_session(accounts, "maker1", dt.timedelta(seconds=-1))
    assert session_user(accounts, token) is None


def test_a_draft_keeps_the_upload_the_edits_and_the_base_for_its_user_alone(accounts):
    checked = Edit("allocations", 3, "amount", "50000", "40000")
    pending = Edit("transfers", 2, "note", "", "โอนครั้งแรก")
    put_draft(accounts, "maker1", "งบ.xlsx", b"first")
    put_draft(accounts, "maker1", "projects.xlsx", b"second")
    keep_checked(accounts, "maker1", "งบ.xlsx", b"edited", [checked])
    keep_pending(accounts, "maker1", "งบ.xlsx", [pending])
    keep_base(accounts, "maker1", "งบ.xlsx", (7, 2))
    keep_base(accounts, "maker1", "projects.xlsx", None)

    first, second = user_drafts(accounts, "maker1")
    assert (first.file_name, first.content, first.edits, first.pending) == ("งบ.xlsx", b"edited", [checked], [pending])
    assert (first.base_taken, first.base) == (True, (7, 2))
    assert (second.file_name, second.content, second.edits, second.base_taken, second.base) == (
        "projects.xlsx", b"second", [], True, None)
    assert user_drafts(accounts, "maker1b") == []  # the same unit's other maker sees none of it


def test_uploading_a_file_again_starts_its_draft_afresh(accounts):
    put_draft(accounts, "maker1", "a.xlsx", b"v1")
    keep_checked(accounts, "maker1", "a.xlsx", b"v1-edited", [Edit("allocations", 2, "amount", "1", "2")])
    keep_base(accounts, "maker1", "a.xlsx", (1, 0))
    put_draft(accounts, "maker1", "a.xlsx", b"v2")
    [draft] = user_drafts(accounts, "maker1")
    assert (draft.content, draft.edits, draft.pending, draft.base_taken) == (b"v2", [], [], False)


def test_submitting_or_removing_drops_only_that_users_draft(accounts):
    for user in ("maker1", "maker1b"):
        put_draft(accounts, user, "a.xlsx", b"x")
        put_draft(accounts, user, "b.xlsx", b"y")
    drop_drafts(accounts, "maker1", ["a.xlsx"])
    assert [d.file_name for d in user_drafts(accounts, "maker1")] == ["b.xlsx"]
    assert [d.file_name for d in user_drafts(accounts, "maker1b")] == ["a.xlsx", "b.xlsx"]
