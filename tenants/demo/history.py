"""The demo's history: six quarters of pulses, generated through the real model, with a story.

``seed_history`` runs after the people and the programs of the demo exist (it adds them itself
when they do not). For every month from the first month of the quarter six quarters ago up to
now it creates an employee round (``employee_rounds``) and the customer program's rolling round
(``customer_rounds``), and the answers of those who answered. Their rollups are built by the
scoring area's own set-based SQL (``scoring.aggregates.rollup_rows.rebuild_rollups``, which computes
exactly what ``tenants.scoring.rollups.add_response`` adds one submission at a time), so the
figures are those real submissions would give. A test replays ``add_response`` to prove it.

Idempotent: nothing is added once the demo has a closed round.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select

from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.demo import batch, members, org, programs
from tenants.demo.customer_rounds import customer_rounds
from tenants.demo.employee_rounds import employee_rounds
from tenants.demo.run import Run
from tenants.demo.story import Story
from tenants.pulses.models import Round
from tenants.pulses.rounds.launch import open_round

SEED = 3  # employees (chosen so the story reads cleanly with the demo people)
CUSTOMER_SEED = 4


def has_history() -> bool:
    return db.session.scalar(select(Round.id).where(Round.status == "closed").limit(1)) is not None


def seed_history(tenant: Tenant, now: datetime | None = None) -> None:
    """Six quarters of rounds, answers and rollups, with a story (once)."""
    if has_history():
        return
    now = now or utcnow()
    org.ensure_people(tenant)
    employee, customer, processes = programs.ensure_programs(tenant)
    company = org.load_org()
    members.ensure_team_lead(company.lead_team_id())
    run = Run(tenant, Story(company), now)
    # Rounds a scheduler or a person already opened are left as they are.
    if open_round(employee) is None:
        employee_rounds(run, employee, random.Random(SEED))
    customer_rounds(run, customer, processes, random.Random(CUSTOMER_SEED))
    batch.write(tenant.id, run.batch)
