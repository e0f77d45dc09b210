"""Billing switched on for a test: Stripe keys, price ids and the fake Stripe API."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from saas.billing import plans
from tests.factories.fake_stripe import FakeStripe, sign

WEBHOOK_SECRET = "whsec_test_outcome_pulse"
PRICES = {
    (plan, interval): f"price_{plan}_{interval}"
    for plan in plans.PLANS
    for interval in plans.INTERVALS
}


@contextmanager
def billing_on(app: Flask, monkeypatch: Any) -> Iterator[FakeStripe]:
    """Stripe keys and prices configured, the library pointed at a fake Stripe on loopback."""
    fake = FakeStripe().start()
    for (plan, interval), price in PRICES.items():
        monkeypatch.setenv(f"STRIPE_PRICE_{plan.upper()}_{interval.upper()}", price)
    settings = app.config["SETTINGS"]
    monkeypatch.setitem(
        app.config,
        "SETTINGS",
        dataclasses.replace(
            settings,
            stripe_secret_key="sk_test_outcome_pulse",
            stripe_webhook_secret=WEBHOOK_SECRET,
            stripe_api_base=fake.url,
        ),
    )
    try:
        yield fake
    finally:
        fake.stop()


def post_event(
    client: Any,
    event: dict[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    """Deliver ``event`` to the webhook endpoint as Stripe does (signed, unless told)."""
    payload = json.dumps(event)
    header = signature if signature is not None else sign(payload, secret, timestamp)
    return client.post(
        "/billing/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def on_plan(tenant: Any, plan: str, status: str = "active", **fields: Any) -> None:
    """Put ``tenant`` on ``plan`` in ``status`` (as a subscription would), and commit."""
    from saas.extensions import db

    tenant.plan, tenant.status = plan, status
    if status != "trialing":
        tenant.trial_ends_at = None
    for name, value in fields.items():
        setattr(tenant, name, value)
    db.session.commit()


def with_seats(monkeypatch: Any, plan: str, seats: int) -> None:
    """Give ``plan`` a different seat limit for one test."""
    monkeypatch.setitem(plans.PLANS, plan, dataclasses.replace(plans.PLANS[plan], seat_limit=seats))
