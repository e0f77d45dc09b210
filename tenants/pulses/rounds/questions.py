"""What a round asks: the program's next questions by rotation over its history, and the
freeze that stores them with the round (``RoundQuestion`` rows, in order). Later changes to the
library do not change a round's questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from saas.extensions import db
from tenants.pulses.models import Program, Round
from tenants.pulses.programs import timing
from tenants.pulses.programs.rotation import PastRound, select_questions
from tenants.pulses.rounds.errors import LaunchError
from tenants.surveys import service as surveys
from tenants.surveys.models import Question, RoundQuestion


def program_history(program: Program, tz: str) -> list[PastRound]:
    """The program's earlier rounds as rotation sees them (purpose-map fields left out)."""
    rounds = db.session.scalars(
        select(Round).where(Round.program_id == program.id).order_by(Round.opens_at, Round.id)
    ).all()
    if not rounds:
        return []
    keys: dict[int, list[str]] = {r.id: [] for r in rounds}
    rows = db.session.execute(
        select(RoundQuestion.round_id, Question.key)
        .join(Question, Question.id == RoundQuestion.question_id)
        .where(RoundQuestion.round_id.in_(keys), Question.purpose_map.is_(False))
        .order_by(RoundQuestion.round_id, RoundQuestion.position)
    )
    for round_id, key in rows:
        keys[round_id].append(key)
    return [
        PastRound(timing.local_date(r.opens_at, tz), tuple(keys[r.id]), r.include_purpose_map)
        for r in rounds
    ]


def choose_questions(program: Program, round_start: date, tz: str) -> tuple[list[Question], bool]:
    """The questions of the program's next round (rotation) and whether it holds the map."""
    pool = surveys.active_questions(program.kind)
    if not any(q.scale != "comment" for q in pool):
        raise LaunchError(
            "There are no active questions to ask: restore some in the library.", "no_questions"
        )
    cadence = timing.check_cadence(program.cadence) if program.kind == "employee" else "monthly"
    selection = select_questions(
        pool,
        cadence,
        round_start,
        per_round=max(program.questions_per_round, 1),
        history=program_history(program, tz),
        seed=program.id,
        purpose_map=program.kind == "employee",
    )
    by_key = {q.key: q for q in pool}
    chosen = [by_key[key] for key in selection.keys]
    include_map = selection.include_purpose_map
    if include_map:
        fields = surveys.active_questions("employee", purpose_map=True)
        chosen.extend(fields)
        include_map = bool(fields)
    return chosen, include_map


def freeze_questions(round_: Round, questions: Sequence[Question]) -> None:
    """Store ``questions`` as the round's, in order (one ``RoundQuestion`` each, ``position``
    from 0). ``round_`` must have its id (flushed); the caller flushes or commits."""
    db.session.add_all(
        RoundQuestion(round_id=round_.id, question_id=q.id, position=position)
        for position, q in enumerate(questions)
    )
