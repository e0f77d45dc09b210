"""The employee pulse's history: a round a month, as ``tenants.pulses.rounds.launch`` launches
one (questions chosen by the real rotation and frozen by the launch code, the tenant's
thresholds, one invitation per eligible employee), closed once its close date has passed, and
the answers of those who answered (no link to a person, shuffled)."""

from __future__ import annotations

import random
from datetime import time
from typing import Any

from saas.extensions import db
from tenants.demo.answers import Answers, add_response, employee_answers
from tenants.demo.batch import new_id
from tenants.demo.run import Run
from tenants.demo.story import RARELY_ANSWER
from tenants.pulses.models import Program, Round
from tenants.pulses.programs import timing
from tenants.pulses.programs.timing import first_weekday_of_month
from tenants.pulses.rounds.questions import choose_questions, freeze_questions

WEEKDAY = 1  # Tuesday
SEND_TIME = time(9, 0)


def employee_rounds(run: Run, program: Program, rng: random.Random) -> None:
    """A round for each month of the run that has begun by its ``now``, into its batch."""
    tenant, story, now, batch = run.tenant, run.story, run.now, run.batch
    tz = tenant.timezone
    people = {e.id: rng.gauss(0, 9) for e in story.org.employees}
    # Some people rarely answer: a quarter's participation is not everyone.
    keen = {e.id: 0.2 if rng.random() < RARELY_ANSWER else 1.1 for e in story.org.employees}
    open_days = max(1, min(program.open_days or 10, 13))
    number = 0
    for month in run.months:
        start = first_weekday_of_month(month.year, month.month, WEEKDAY)
        opens = timing.local_to_utc(start, SEND_TIME, run.place)
        if opens > now:
            continue
        closes = timing.closes_at(opens, open_days, tz)
        is_open = closes > now
        q = run.quarter(start)
        questions, include_map = choose_questions(program, start, tz)
        number += 1
        round_ = Round(
            program_id=program.id,
            kind="employee",
            number=number,
            status="open" if is_open else "closed",
            period=timing.period_of(start),
            month=timing.month_of(start),
            opens_at=opens,
            closes_at=closes,
            closed_at=None if is_open else closes,
            threshold=tenant.anonymity_threshold,
            comment_threshold=tenant.comment_threshold,
            include_purpose_map=include_map,
            audience_team_ids=None,
            reminder_days=sorted(set(program.reminder_days or [3, 5])),
            change_note=story.change_note(q, start.month),
            created_at=opens,
        )
        db.session.add(round_)
        db.session.flush()
        batch.round_ids.append(round_.id)
        freeze_questions(round_, questions)
        db.session.flush()
        # Only part of the people have answered an open round so far.
        elapsed = min(1.0, (now - opens) / (closes - opens)) if is_open else 1.0
        responses: list[tuple[dict[str, Any], Answers]] = []
        for person in story.org.employees:
            if not timing.eligible(person.start_date, start, program.grace_days):
                continue
            rate = min(0.95, story.response_rate(person.team_id, q) * keen[person.id])
            answered = rng.random() < rate * (0.4 + 0.6 * elapsed)
            batch.invite(
                tenant.id,
                round_.id,
                {"employee_id": person.id, "email": person.email, "team_id": person.team_id},
                person.locale,
                opens,
                answered,
                rng.randint(0, 2) if answered else len(round_.reminder_days),
                is_open,
            )
            if answered:
                answers = employee_answers(
                    rng, story, questions, person.team_id, people[person.id], q, person.locale
                )
                response = {
                    "tenant_id": tenant.id,
                    "id": new_id(),
                    "round_id": round_.id,
                    "audience": "employee",
                    "team_id": person.team_id,
                }
                responses.append((response, answers))
        rng.shuffle(responses)  # stored order says nothing about who answered when
        for response, answers in responses:
            add_response(batch, tenant.id, response, answers)
