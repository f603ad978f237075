"""The checker's decisions: approve, return with a comment, reopen. Each audited in its own transaction."""

from __future__ import annotations

import sqlalchemy as sa

from reference.reference_set import ReferenceSet
from sms.errors import BilingualError
from store.schema import submissions
from store.submissions import record_audit
from store.users import User

# action -> (statuses it applies to, status after, locked after)
TRANSITIONS = {
    "approve": (("submitted",), "approved", True),
    "return": (("submitted", "approved"), "returned", False),
    "reopen": (("approved",), "submitted", False),
}
LABELS = {"approve": ("อนุมัติ", "approve"), "return": ("ส่งกลับแก้ไข", "return"), "reopen": ("เปิดให้แก้ไข", "reopen")}


class WorkflowError(BilingualError):
    """A decision that cannot be taken on this submission now."""


def decide(engine: sa.Engine, reference: ReferenceSet, user: User, submission_id: int, revision: int,
           action: str, comment: str = "") -> dict:
    """Apply a checker's decision to the submission the checker saw (at ``revision``); return it updated."""
    allowed_from, after, locked = TRANSITIONS[action]
    th, en = LABELS[action]
    if user.role not in ("checker", "admin"):
        raise WorkflowError(f"เฉพาะผู้กำกับดูแลเท่านั้นที่{th}ได้", f"Only a checker may {en} a submission.")
    if action == "return" and not comment.strip():
        raise WorkflowError("กรุณาเขียนเหตุผลที่ส่งกลับ เพื่อให้ผู้บันทึกแก้ไขได้ถูกต้อง",
                            "Write why it is returned, so the maker knows what to fix.")
    with engine.begin() as conn:
        row = conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)
                           .with_for_update()).mappings().first()
        if row is None or not user.may_see(row["cost_center"], reference):
            raise WorkflowError("ไม่พบข้อมูลที่ส่ง หรือไม่มีสิทธิ์เข้าถึง", "No such submission, or not yours to see.")
        if row["revision"] != revision:
            raise WorkflowError("ข้อมูลนี้ถูกเปลี่ยนหลังจากที่คุณเปิดดู กรุณาโหลดหน้าใหม่แล้วตรวจอีกครั้ง",
                                "This submission changed after you opened it; reload and check it again.")
        if row["status"] not in allowed_from:
            raise WorkflowError(f"{th}ไม่ได้ เพราะสถานะปัจจุบันคือ {row['status']}",
                                f"Cannot {en}: the submission is {row['status']}.")
        conn.execute(submissions.update().where(submissions.c.id == submission_id)
                     .values(status=after, locked=locked, revision=revision + 1))
        record_audit(conn, user.name, action, submission_id, comment.strip())
        return dict(conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).mappings().first())
