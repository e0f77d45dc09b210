"""The question library: the built-in bank copied per tenant, the tenant's own questions, and
versioning (an answered question is never edited or deleted: it is retired and replaced).

Every function works on the current tenant (the session is scoped centrally) and leaves the
commit to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, func, select

from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.surveys import bank
from tenants.surveys.models import Answer, Question, RoundQuestion

AUDIENCES = ("employee", "customer")
#: Scales a tenant may give its own questions (the purpose-map scales are the bank's own).
CUSTOM_SCALES = ("agree5", "ten", "yes_no", "comment")
PURPOSE_MAP_PREFIX = "pm_"
CUSTOM_PREFIX = "custom_"
DIMENSIONS_BY_AUDIENCE = {
    "employee": bank.EMPLOYEE_DIMENSIONS,
    "customer": bank.CUSTOMER_DIMENSIONS,
}


class QuestionError(ValueError):
    """A change the versioning rules do not allow; the message is for the user."""


# -- the built-in bank ------------------------------------------------------------------------


def _bank_rows() -> list[Question]:
    rows: list[Question] = []
    for position, item in enumerate((*bank.employee_bank(), *bank.customer_bank())):
        rows.append(
            Question(
                key=item.key,
                version=1,
                audience=item.audience,
                dimension=item.dimension,
                scale=item.scale,
                text_en=item.text_en,
                text_es=item.text_es,
                builtin=True,
                position=position,
            )
        )
    offset = len(rows)
    for position, field in enumerate(bank.PURPOSE_MAP_FIELDS):
        rows.append(
            Question(
                key=PURPOSE_MAP_PREFIX + field.key,
                version=1,
                audience="employee",
                dimension=field.dimension,
                scale=field.kind,
                text_en=field.label.en,
                text_es=field.label.es,
                builtin=True,
                purpose_map=True,
                position=offset + position,
            )
        )
    return rows


def seed_bank(tenant: Tenant | None = None) -> int:
    """Copy the built-in bank (and the purpose-map fields) into the current tenant's questions.

    Idempotent: keys the tenant already has (in any version, retired or not) are left alone.
    Returns how many rows were added. The onboarding hook of every new tenant.
    """
    have = set(db.session.scalars(select(Question.key)))
    rows = [row for row in _bank_rows() if row.key not in have]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


# -- reading ----------------------------------------------------------------------------------


def active_questions(audience: str, *, purpose_map: bool = False) -> list[Question]:
    """The audience's questions that are not retired, in display order.

    ``purpose_map=False`` gives the items rotation chooses from; ``True`` the purpose-map fields.
    """
    return list(
        db.session.scalars(
            select(Question)
            .where(
                Question.audience == audience,
                Question.retired_at.is_(None),
                Question.purpose_map.is_(purpose_map),
            )
            .order_by(Question.position, Question.id)
        )
    )


def all_questions(audience: str) -> list[Question]:
    """Every version of the audience's questions, retired ones too, in display order."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.audience == audience)
            .order_by(Question.purpose_map, Question.position, Question.version, Question.id)
        )
    )


def library(audience: str) -> dict[str | None, list[Question]]:
    """Active rating and comment items grouped by dimension (glossary order, then no dimension)."""
    groups: dict[str | None, list[Question]] = {
        dimension: [] for dimension in DIMENSIONS_BY_AUDIENCE[audience]
    }
    for question in active_questions(audience):
        groups.setdefault(question.dimension, []).append(question)
    return groups


def answered_ids(question_ids: Iterable[int]) -> set[int]:
    """Which of ``question_ids`` have at least one answer."""
    ids = list(question_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(select(Answer.question_id).where(Answer.question_id.in_(ids)).distinct())
    )


def is_answered(question: Question) -> bool:
    return bool(db.session.scalar(select(exists().where(Answer.question_id == question.id))))


def is_asked(question: Question) -> bool:
    """Whether any round has frozen this question."""
    return bool(db.session.scalar(select(exists().where(RoundQuestion.question_id == question.id))))


def replacement_of(question: Question) -> Question | None:
    """The newer version that replaced ``question``, if any."""
    return db.session.scalar(select(Question).where(Question.replaces_id == question.id))


def previous_of(question: Question) -> Question | None:
    """The older version that ``question`` replaced, if any."""
    return db.session.get(Question, question.replaces_id) if question.replaces_id else None


# -- the tenant's own questions ---------------------------------------------------------------


def _check(audience: str, dimension: str | None, scale: str, text_en: str, text_es: str) -> None:
    if audience not in AUDIENCES:
        raise QuestionError(f"Unknown audience {audience!r}.")
    if dimension is not None and dimension not in DIMENSIONS_BY_AUDIENCE[audience]:
        raise QuestionError(f"The dimension {dimension!r} is not asked of {audience}s.")
    if scale not in CUSTOM_SCALES:
        raise QuestionError(f"Unknown scale {scale!r}.")
    if not text_en.strip() or not text_es.strip():
        raise QuestionError("A question needs its wording in English and in Spanish.")


def _next_custom_key() -> str:
    numbers = [
        int(match.group(1))
        for key in db.session.scalars(
            select(Question.key).where(Question.key.like(CUSTOM_PREFIX + "%"))
        )
        if (match := re.fullmatch(re.escape(CUSTOM_PREFIX) + r"(\d+)", key))
    ]
    return f"{CUSTOM_PREFIX}{max(numbers, default=0) + 1}"


def create_question(
    *, audience: str, dimension: str | None, scale: str, text_en: str, text_es: str
) -> Question:
    """A tenant's own question, in both languages, tied to a dimension or to none.

    A question without a dimension (or a comment) is asked in every round; one with a dimension
    takes part in rotation like the built-in items.
    """
    _check(audience, dimension, scale, text_en, text_es)
    position = db.session.scalar(select(func.max(Question.position))) or 0
    question = Question(
        key=_next_custom_key(),
        version=1,
        audience=audience,
        dimension=dimension,
        scale=scale,
        text_en=text_en.strip(),
        text_es=text_es.strip(),
        builtin=False,
        position=position + 1,
    )
    db.session.add(question)
    db.session.flush()
    return question


def can_edit(question: Question) -> bool:
    """Only a tenant's own, unanswered, current question may be edited in place."""
    return (
        not question.builtin
        and not question.purpose_map
        and question.retired_at is None
        and not is_answered(question)
    )


def update_question(
    question: Question, *, dimension: str | None, scale: str, text_en: str, text_es: str
) -> Question:
    """Edit an unanswered question of the tenant's own in place."""
    if question.builtin or question.purpose_map:
        raise QuestionError("Built-in questions are not edited: replace them with a new version.")
    if question.retired_at is not None:
        raise QuestionError("This question is retired.")
    if is_answered(question):
        raise QuestionError(
            "This question has answers, so its wording is kept as it was: "
            "replace it with a new version instead."
        )
    _check(question.audience, dimension, scale, text_en, text_es)
    question.dimension = dimension
    question.scale = scale
    question.text_en = text_en.strip()
    question.text_es = text_es.strip()
    db.session.flush()
    return question


def replace_question(
    question: Question, *, text_en: str, text_es: str, now: datetime | None = None
) -> Question:
    """Retire ``question`` and add its next version with new wording (same key, dimension and
    scale, so rotation and trends carry on). Works for answered and built-in questions alike."""
    if question.retired_at is not None:
        raise QuestionError("This question is retired: restore it before replacing it.")
    if question.purpose_map:
        raise QuestionError("The purpose map's fields are fixed.")
    if not text_en.strip() or not text_es.strip():
        raise QuestionError("A question needs its wording in English and in Spanish.")
    if (text_en.strip(), text_es.strip()) == (question.text_en, question.text_es):
        raise QuestionError("The wording is unchanged.")
    latest = db.session.scalar(
        select(func.max(Question.version)).where(Question.key == question.key)
    )
    question.retired_at = now or utcnow()
    replacement = Question(
        key=question.key,
        version=(latest or question.version) + 1,
        audience=question.audience,
        dimension=question.dimension,
        scale=question.scale,
        text_en=text_en.strip(),
        text_es=text_es.strip(),
        builtin=False,
        purpose_map=False,
        position=question.position,
        replaces_id=question.id,
    )
    db.session.add(replacement)
    db.session.flush()
    return replacement


def retire_question(question: Question, now: datetime | None = None) -> None:
    """Stop asking ``question`` in new rounds; its answers stay."""
    if question.purpose_map:
        raise QuestionError("The purpose map's fields are fixed.")
    if question.retired_at is None:
        question.retired_at = now or utcnow()
        db.session.flush()


def restore_question(question: Question) -> None:
    """Ask a retired question again, unless a newer version of it is current."""
    if question.retired_at is None:
        return
    current = db.session.scalar(
        select(Question).where(Question.key == question.key, Question.retired_at.is_(None))
    )
    if current is not None:
        raise QuestionError("A newer version of this question is in use.")
    question.retired_at = None
    db.session.flush()


def delete_question(question: Question) -> None:
    """Delete a question of the tenant's own that no round has asked (else: retire it)."""
    if question.builtin or question.purpose_map:
        raise QuestionError("Built-in questions are retired, not deleted.")
    if is_answered(question) or is_asked(question):
        raise QuestionError("A round has asked this question: retire it instead.")
    replaced = db.session.get(Question, question.replaces_id) if question.replaces_id else None
    db.session.delete(question)
    if replaced is not None and replaced.retired_at is not None:
        replaced.retired_at = None  # deleting an unused new version brings back the previous one
    db.session.flush()
