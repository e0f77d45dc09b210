"""The demo's entry point: ``seed_demo()`` and the ``flask --app wsgi demo seed`` command.

In order: the demo tenant and its users, the demo company's people, its programs (started) and
processes, then the history. Each step is idempotent, so seeding again adds nothing.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant
from saas.tenancy.service import create_tenant
from tenants.demo import history, members, org, programs
from tenants.scoring import service as scoring_service

demo_cli = AppGroup("demo", help="The demo tenant.")


def seed_demo() -> Tenant:
    """Create (or bring up to date) the demo tenant; commits."""
    with unscoped():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == members.DEMO_SLUG))
    if tenant is None:
        tenant = create_tenant(
            "Acme Outcomes (demo)",
            slug=members.DEMO_SLUG,
            country="ES",
            timezone="Europe/Madrid",
            locale="en",
            contact_email="people@demo.example",
        )
    # The demo company is comped on Scale: every feature, never billed, never read-only.
    tenant.plan, tenant.status, tenant.comped, tenant.trial_ends_at = "scale", "active", True, None
    with tenant_context(tenant.id):
        members.ensure_demo_users()
        db.session.flush()
        org.seed_people(tenant)
        programs.ensure_programs(tenant)
        history.seed_history(tenant)
        db.session.commit()
        # The past quarters are released now, as the tick would at its first run: the demo
        # starts with its history published and frozen (a later reorg moves no figure).
        scoring_service.store_complete_periods(tenant.id)
        db.session.commit()
    return tenant


@demo_cli.command("seed")
def seed() -> None:
    """Create (or bring up to date) the demo tenant and its users. Idempotent."""
    seed_demo()
    click.echo(
        f"Demo ready: sign in as {members.DEMO_USERS[0][0]} with password {members.DEMO_PASSWORD}"
    )
