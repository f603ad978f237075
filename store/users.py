"""Local accounts: roles, scopes and scrypt-hashed passwords in the database.

A maker sees its cost centre (and its units), a checker the cost centres of its
health region, an inspector and an admin everything. The scope is applied in the
queries on the server; the app only shows what they return.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from domain.errors import Reason, SmsError
from domain.vocabulary import Role
from reference.reference_set import ReferenceSet
from store.schema import users

ROLES = tuple(r.value for r in Role)
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # OWASP's minimum for scrypt


class UserError(SmsError, ValueError):
    """An account that cannot be created as asked."""

    reason = Reason.BAD_ACCOUNT


@dataclass(frozen=True)
class User:
    """A signed-in person: name, :class:`domain.vocabulary.Role`, and the scope of that role (a maker's cost
    centre, a checker's health region 1–13)."""

    name: str
    role: str
    cost_center: str | None = None
    region: int | None = None
    display_name: str = ""

    def cost_centers(self, reference: ReferenceSet) -> set[str] | None:
        """The cost centres this user may see; None means all of them."""
        if self.role in (Role.INSPECTOR, Role.ADMIN):
            return None
        if self.role == Role.MAKER:
            return {self.cost_center} if self.cost_center else set()
        provinces = reference["provinces"]
        codes = provinces.loc[provinces["region"] == self.region, "province_code"]
        centres = reference["cost_centers"]
        return set(centres.loc[centres["province_code"].isin(codes), "cost_center"])

    def may_see(self, cost_center: str, reference: ReferenceSet) -> bool:
        scope = self.cost_centers(reference)
        return scope is None or cost_center in scope

    @property
    def label(self) -> str:
        return f"{self.display_name or self.name} ({Role(self.role).label})"


def hash_password(password: str) -> str:
    """``scrypt$<salt hex>$<digest hex>`` of a password, with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a :func:`hash_password` result (constant-time); False for a malformed one."""
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    attempt = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **SCRYPT)
    return hmac.compare_digest(attempt.hex(), digest)


def check_account(engine: sa.Engine, reference: ReferenceSet, name: str, role: str, *,
                  cost_center: str | None = None, region: int | None = None) -> None:
    """Raise :class:`UserError` unless an account of that name and role may be created: a role that exists,
    a maker's existing cost centre, a checker's health region 1–13, a name nobody has yet."""
    if role not in ROLES:
        raise UserError(f"บทบาท {role} ไม่มีในระบบ", f"Role {role} does not exist; use one of {', '.join(ROLES)}.")
    if role == Role.MAKER and cost_center not in reference.codes("cost_centers"):
        raise UserError("ผู้บันทึกข้อมูลต้องระบุศูนย์ต้นทุนที่มีอยู่ (--cost-center)",
                        "A maker needs an existing cost centre (--cost-center).")
    if role == Role.CHECKER and region not in range(1, 14):
        raise UserError("ผู้กำกับดูแลต้องระบุเขตสุขภาพ 1–13 (--region)", "A checker needs a health region 1–13 (--region).")
    if get_user(engine, name) is not None:
        raise UserError(f"มีผู้ใช้ชื่อ {name} แล้ว", f"A user named {name} already exists.")


def add_user(engine: sa.Engine, reference: ReferenceSet, name: str, role: str, password: str, *,
             cost_center: str | None = None, region: int | None = None, display_name: str = "") -> User:
    """Create an account (:func:`check_account`) with a password of at least 8 characters; raises
    :class:`UserError` otherwise."""
    check_account(engine, reference, name, role, cost_center=cost_center, region=region)
    if len(password) < 8:
        raise UserError("รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร", "The password must be at least 8 characters long.")
    with engine.begin() as conn:
        conn.execute(users.insert().values(
            name=name, role=str(role), cost_center=cost_center if role == Role.MAKER else None,
            region=region if role == Role.CHECKER else None, display_name=display_name,
            password_hash=hash_password(password), created_at=dt.datetime.now(dt.UTC)))
    return User(name, role, cost_center if role == Role.MAKER else None, region if role == Role.CHECKER else None,
                display_name)


def _user(row) -> User:
    return User(row.name, row.role, row.cost_center, row.region, row.display_name or "")


def authenticate(engine: sa.Engine, name: str, password: str) -> User | None:
    """The user whose name and password match, or None; never says which of the two was wrong."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name.strip())).first()
    if row is None or not check_password(password, row.password_hash):
        return None
    return _user(row)


def get_user(engine: sa.Engine, name: str) -> User | None:
    """The account of that name, or None."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row else None
