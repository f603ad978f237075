"""The checker's decisions: approve, return with a comment, reopen, each audited in its own transaction; and who
may correct a submission (the correction itself is stored by ``services.submission.correct``)."""

from __future__ import annotations

import sqlalchemy as sa

from domain.errors import Reason, SmsError
from domain.vocabulary import Decision, Role, SubmissionStatus
from reference.reference_set import ReferenceSet
from store.schema import submissions
from store.submissions import lock_versions, record_audit
from store.users import User

S = SubmissionStatus
# decision -> (statuses it applies to, status after, locked after)
TRANSITIONS: dict[Decision, tuple[tuple[SubmissionStatus, ...], SubmissionStatus, bool]] = {
    Decision.APPROVE: ((S.SUBMITTED,), S.APPROVED, True),
    Decision.RETURN: ((S.SUBMITTED, S.APPROVED), S.RETURNED, False),
    Decision.REOPEN: ((S.APPROVED,), S.SUBMITTED, False),
}


DECIDERS = (Role.CHECKER, Role.ADMIN)  # who may approve, return, reopen and correct
CORRECTABLE = (S.SUBMITTED, S.RETURNED)  # a version still awaiting a decision; an approved one is locked


class WorkflowError(SmsError):
    """A decision that cannot be taken on this submission now."""

    reason = Reason.NOT_ALLOWED


def _open(conn: sa.Connection, reference: ReferenceSet, user: User, submission_id: int, revision: int) -> dict:
    """The submission's row (the submissions table's columns), locked for the caller's transaction, when it is
    in ``user``'s scope, the newest version, and unchanged since ``revision``; else :class:`WorkflowError`.
    Its versions are locked first (``store.submissions.lock_versions``): a new version being stored waits for
    the decision, or the decision reads the new version."""
    s = submissions.c
    key = conn.execute(sa.select(s.template, s.cost_center, s.fiscal_year).where(s.id == submission_id)).first()
    if key is not None:
        lock_versions(conn, *key)
    row = conn.execute(sa.select(submissions).where(s.id == submission_id).with_for_update()).mappings().first()
    if row is None or not user.may_see(row["cost_center"], reference):
        raise WorkflowError("ไม่พบข้อมูลที่ส่ง หรือไม่มีสิทธิ์เข้าถึง", "No such submission, or not yours to see.",
                            Reason.NOT_FOUND_IN_SCOPE)
    newer = conn.execute(sa.select(sa.func.max(submissions.c.version)).where(
        submissions.c.template == row["template"], submissions.c.cost_center == row["cost_center"],
        submissions.c.fiscal_year == row["fiscal_year"], submissions.c.status != SubmissionStatus.REFUSED.value,
    )).scalar()
    if row["version"] is not None and newer is not None and newer > row["version"]:
        raise WorkflowError(f"ฉบับที่ {row['version']} มีฉบับใหม่กว่าแล้ว (ฉบับที่ {newer}) ให้ตรวจฉบับล่าสุดแทน",
                            f"Version {row['version']} has a newer version ({newer}); review the newest one "
                            "instead.", Reason.STALE_EDIT)
    if row["revision"] != revision:
        raise WorkflowError("ข้อมูลนี้ถูกเปลี่ยนหลังจากที่คุณเปิดดู กรุณาโหลดหน้าใหม่แล้วตรวจอีกครั้ง",
                            "This submission changed after you opened it; reload and check it again.",
                            Reason.STALE_EDIT)
    return dict(row)


def decide(engine: sa.Engine, reference: ReferenceSet, user: User, submission_id: int, revision: int,
           action: Decision | str, comment: str = "") -> dict:
    """Apply a checker's decision to the submission the checker saw (at ``revision``), in one transaction
    with its audit; return the submission's row (the submissions table's columns) as it is now.

    Raises :class:`WorkflowError` when the user may not decide, a return has no comment, the submission is
    outside the user's scope, changed since ``revision``, or its status does not allow the decision.
    """
    action = Decision(action)
    allowed_from, after, locked = TRANSITIONS[action]
    th, en = action.th, action.en
    if user.role not in DECIDERS:
        raise WorkflowError(f"เฉพาะผู้กำกับดูแลเท่านั้นที่{th}ได้", f"Only a checker may {en} a submission.")
    if action == Decision.RETURN and not comment.strip():
        raise WorkflowError("กรุณาเขียนเหตุผลที่ส่งกลับ เพื่อให้ผู้บันทึกแก้ไขได้ถูกต้อง",
                            "Write why it is returned, so the maker knows what to fix.")
    with engine.begin() as conn:
        row = _open(conn, reference, user, submission_id, revision)
        if row["status"] not in allowed_from:
            now = SubmissionStatus(row["status"])
            raise WorkflowError(f"{th}ไม่ได้ เพราะสถานะปัจจุบันคือ {now.th}", f"Cannot {en}: the submission is {now.en}.")
        conn.execute(submissions.update().where(submissions.c.id == submission_id)
                     .values(status=after.value, locked=locked, revision=revision + 1))
        record_audit(conn, user.name, action.value, submission_id, comment.strip())
        return dict(conn.execute(sa.select(submissions).where(submissions.c.id == submission_id)).mappings().first())


def open_for_correction(conn: sa.Connection, reference: ReferenceSet, user: User, submission_id: int, revision: int,
                        reason: str) -> dict:
    """The submission a checker is correcting (its row, locked for the caller's transaction), or
    :class:`WorkflowError` when the correction may not be made now.

    A checker or an admin may correct a submission in its scope (a checker: the cost centres of its health
    region), with a reason, when it is the newest version, unchanged since ``revision`` (the one the checker
    saw) and still awaiting a decision (:data:`CORRECTABLE`); an approved one is locked until it is reopened.
    """
    if user.role not in DECIDERS:
        raise WorkflowError("เฉพาะผู้กำกับดูแลเท่านั้นที่แก้ไขข้อมูลของหน่วยงานได้",
                            "Only a checker may correct a unit's submission.")
    if not reason.strip():
        raise WorkflowError("กรุณาเขียนเหตุผลที่แก้ไข เพื่อให้ผู้บันทึกทราบว่าแก้อะไรและเพราะอะไร",
                            "Write why you correct it, so the maker knows what changed and why.")
    row = _open(conn, reference, user, submission_id, revision)
    if row["status"] not in CORRECTABLE:
        now = SubmissionStatus(row["status"])
        raise WorkflowError(f"แก้ไขไม่ได้ เพราะสถานะปัจจุบันคือ {now.th} (ฉบับที่อนุมัติแล้วต้องเปิดให้แก้ไขก่อน)",
                            f"Cannot correct it: the submission is {now.en} (reopen an approved one first).")
    return row
