"""The rounds' read side and small changes, for the round pages and the API (current tenant)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from saas.db import utcnow
from saas.extensions import db
from tenants.pulses.models import Invitation, Program, Round
from tenants.pulses.rounds.launch import close_round
from tenants.surveys.models import Question, RoundQuestion

#: Ids above this are no round (the id column is a 32-bit integer).
MAX_ID = 2**31 - 1


def find_round(round_id: int) -> Round | None:
    """The current tenant's round ``round_id``, or None (also for ids out of range)."""
    return db.session.get(Round, round_id) if 0 < round_id <= MAX_ID else None


def program_of(round_: Round) -> Program | None:
    return db.session.get(Program, round_.program_id)


def close(round_: Round) -> Round:
    """Close a round now. The caller commits."""
    return close_round(round_, utcnow())


def set_change_note(round_: Round, note: str | None) -> None:
    """What changed since the last round, shown after answering (blank clears it)."""
    round_.change_note = (note or "").strip() or None


def round_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Round)) or 0


def rounds_page(limit: int, offset: int) -> list[tuple[Round, str]]:
    """Rounds, newest first, with their program's name."""
    rows = db.session.execute(
        select(Round, Program.name)
        .join(Program, Program.id == Round.program_id)
        .order_by(Round.opens_at.desc(), Round.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [(round_, name) for round_, name in rows]


def invitation_count(round_: Round) -> int:
    return (
        db.session.scalar(select(func.count(Invitation.id)).where(Invitation.round_id == round_.id))
        or 0
    )


def question_refs(round_: Round) -> list[dict[str, Any]]:
    """The round's frozen questions, in order: id, key, version, dimension and scale."""
    rows = db.session.execute(
        select(Question.id, Question.key, Question.version, Question.dimension, Question.scale)
        .join(RoundQuestion, RoundQuestion.question_id == Question.id)
        .where(RoundQuestion.round_id == round_.id)
        .order_by(RoundQuestion.position)
    )
    return [{"id": i, "key": k, "version": v, "dimension": d, "scale": s} for i, k, v, d, s in rows]
