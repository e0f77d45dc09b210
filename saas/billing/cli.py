"""``flask --app wsgi billing ...``: billing's state for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from saas.billing.entitlements import billing_configured
from saas.billing.webhooks import last_received
from saas.db import unscoped

billing_cli = AppGroup("billing", help="Billing (Stripe).")


@billing_cli.command("status")
def status() -> None:
    """Whether billing is configured and when the last Stripe webhook arrived."""
    click.echo(f"billing configured: {'yes' if billing_configured() else 'no'}")
    with unscoped():
        last = last_received()
    click.echo(f"last webhook received: {last.isoformat() if last else 'never'}")


@billing_cli.command("reconcile")
def reconcile() -> None:
    """Compare every subscription in Stripe with the companies now (the tick does it daily)."""
    from saas.billing import sync
    from saas.db import utcnow

    if not billing_configured():
        raise click.ClickException("billing is not configured (STRIPE_SECRET_KEY is unset)")
    click.echo(f"companies corrected: {sync.reconcile(utcnow())}")
