"""The customer pulse's history: the rolling round of each month (``customer_round_for``), with
invitations from the monthly sample and from two processes' interactions (a "Birthday call" that
starts four quarters ago, a "Welcome call" for a few customers a month), within the cooldown,
and the answers of those who answered."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from tenants.demo.answers import add_response, customer_answers
from tenants.demo.batch import new_id
from tenants.demo.programs import BIRTHDAY, WELCOME
from tenants.demo.run import Run
from tenants.demo.story import (
    BIRTHDAY_FROM,
    CUSTOMER_NOTE,
    PROCESS_EFFECT,
    PROCESS_RATE,
    REMEMBERED,
    SAMPLE_RATE,
    SEGMENT_BASE,
    WELCOME_SHARE,
)
from tenants.pulses.models import Process, Program
from tenants.pulses.programs import timing
from tenants.pulses.rounds.customers import customer_round_for, sample_size
from tenants.surveys.models import Question, RoundQuestion

#: An event of a month: when, its order among same-time events, the customer, the process.
Event = tuple[datetime, int, Any, str | None]


def _questions(round_id: int) -> list[Question]:
    return [
        rq.question
        for rq in db.session.scalars(
            select(RoundQuestion)
            .where(RoundQuestion.round_id == round_id)
            .order_by(RoundQuestion.position)
        )
    ]


def customer_rounds(
    run: Run, program: Program, processes: dict[str, Process], rng: random.Random
) -> None:
    """The rolling round of each month of the run that has begun by its ``now``, into its
    batch."""
    tenant, now, batch, place = run.tenant, run.now, run.batch, run.place
    customers = run.story.org.customers
    offset = {c.id: rng.gauss(0, 10) for c in customers}
    birthday = {c.id: (rng.randint(1, 12), rng.randint(1, 27)) for c in customers}
    reachable = [c for c in customers if c.active and c.consent and not c.unsubscribed]
    reachable_ids = {c.id for c in reachable}
    last_invited: dict[int, datetime] = {}
    last_birthday_call: dict[int, datetime] = {}
    cooldown = timedelta(days=program.cooldown_days or 30)
    delay = timedelta(days=program.delay_days if program.delay_days is not None else 1)
    ext = 0
    for month in run.months:
        opens = timing.local_to_utc(month, time(0, 0), place)
        if opens > now:
            continue
        q = run.quarter(month)
        round_ = customer_round_for(program, opens)
        batch.round_ids.append(round_.id)
        is_open = round_.closes_at > now
        round_.status = "open" if is_open else "closed"
        round_.closed_at = None if is_open else round_.closes_at
        round_.created_at = opens
        if q == BIRTHDAY_FROM and month.month % 3 == 1:
            round_.change_note = CUSTOMER_NOTE
        questions = _questions(round_.id)
        # The events of the month, in time order: the sample on the 1st, then interactions.
        events: list[Event] = []
        sample_at = timing.local_to_utc(month, time(10, 0), place)
        pool = [
            c
            for c in reachable
            if c.id not in last_invited or sample_at - last_invited[c.id] >= cooldown
        ]
        wanted = sample_size(program.sample_share or 0.1, len(pool))
        events += [(sample_at, 0, c, None) for c in rng.sample(pool, min(wanted, len(pool)))]
        for c in customers:
            b_month, b_day = birthday[c.id]
            if q >= BIRTHDAY_FROM and b_month == month.month:
                at = timing.local_to_utc(month.replace(day=b_day), time(11, 0), place)
                events.append((at, 1, c, BIRTHDAY))
            if rng.random() < WELCOME_SHARE:
                at = timing.local_to_utc(month.replace(day=2 + c.id % 25), time(12, 0), place)
                events.append((at, 3, c, WELCOME))
        events.sort(key=lambda e: (e[0], e[1], e[2].id))
        for at, _, c, process_name in events:
            if at > now:
                continue
            send = at if process_name is None else at + delay
            interaction_key = None
            if process_name is not None:
                ext += 1
                interaction_key = f"demo-{ext}"
                can_send = (
                    c.id in reachable_ids
                    and (c.id not in last_invited or send - last_invited[c.id] >= cooldown)
                    and send <= now
                )
                outcome = (
                    {"scheduled_for": send.astimezone(UTC).isoformat()}
                    if can_send
                    else {"reason": "cooldown" if c.id in reachable_ids else "not_reachable"}
                )
                batch.interactions.append(
                    {
                        "tenant_id": tenant.id,
                        "process_id": processes[process_name].id,
                        "customer_id": c.id,
                        "occurred_at": at,
                        "external_id": interaction_key,
                        "outcome": outcome,
                        "created_at": at,
                    }
                )
                if process_name == BIRTHDAY:
                    last_birthday_call[c.id] = at
                if not can_send:
                    continue
            last_invited[c.id] = send
            rate = SAMPLE_RATE if process_name is None else PROCESS_RATE
            answered = rng.random() < rate and (not is_open or send + timedelta(days=3) <= now)
            who = {
                "customer_id": c.id,
                "email": c.email,
                "team_id": c.serving_team_id,
                "_interaction": interaction_key,
            }
            batch.invite(
                tenant.id, round_.id, who, c.locale, send, answered, 0 if answered else 1, is_open
            )
            if not answered:
                continue
            feel = SEGMENT_BASE.get(c.segment or "", 58.0) + 0.5 * q + offset[c.id]
            feel += PROCESS_EFFECT.get(process_name or "", 0.0)
            called = last_birthday_call.get(c.id)
            if process_name != BIRTHDAY and called and send - called < timedelta(days=365):
                feel += REMEMBERED
            answers = customer_answers(rng, questions, feel, process_name == BIRTHDAY, c.locale)
            response = {
                "tenant_id": tenant.id,
                "id": new_id(),
                "round_id": round_.id,
                "audience": "customer",
                "team_id": c.serving_team_id,
                "customer_id": c.id,
                "segment": c.segment,
                "process_id": processes[process_name].id if process_name else None,
                "submitted_at": min(now, send + timedelta(hours=rng.randint(1, 96))),
            }
            add_response(batch, tenant.id, response, answers)
