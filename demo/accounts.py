"""The demo's sign-in accounts, and whether the demo year is already in a database."""

from __future__ import annotations

import sqlalchemy as sa

from domain.vocabulary import Role
from reference.reference_set import ReferenceSet
from store.schema import submissions
from store.users import add_user, get_user

DEMO_PASSWORD = "demo-2569"
DEMO_ACCOUNTS = (  # name, role, cost centre, region
    ("maker1", Role.MAKER, "2100200131", None),  # สสจ.หนองบัวลำภู
    ("maker2", Role.MAKER, "2100200136", None),  # สสจ.อุดรธานี
    ("checker8", Role.CHECKER, None, 8),
    ("inspector", Role.INSPECTOR, None, None),
    ("admin", Role.ADMIN, None, None),
)
DEMO_ACTOR = "demo"  # who the demo's submissions are stored as


def demo_loaded(engine: sa.Engine) -> bool:
    """Whether `sms demo` already loaded its year: running it again must not stack new versions."""
    with engine.connect() as conn:
        return bool(conn.execute(sa.select(submissions.c.id).where(submissions.c.submitted_by == DEMO_ACTOR)
                                 .limit(1)).first())


def add_demo_accounts(engine: sa.Engine, reference: ReferenceSet) -> str:
    """Create the demo's accounts once; return the line that tells the user how to sign in.

    Their password is printed: never use them in production.
    """
    for name, role, cost_center, region in DEMO_ACCOUNTS:
        if get_user(engine, name) is None:
            add_user(engine, reference, name, role, DEMO_PASSWORD, cost_center=cost_center, region=region)
    return (f"บัญชีทดลอง / demo accounts (รหัสผ่าน / password '{DEMO_PASSWORD}'): "
            + ", ".join(f"{n} ({r})" for n, r, *_ in DEMO_ACCOUNTS))
