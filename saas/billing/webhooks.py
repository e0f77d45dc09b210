"""Stripe webhooks: verified on the raw body, recorded once by event id, worked in the worker.

The work never trusts the event's copy of an object or the order events arrive in: it re-reads
the subscription from Stripe and applies its current state (``sync.refresh``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saas.billing import notices, sync
from saas.billing.models import StripeEvent
from saas.db import tenant_context, utcnow
from saas.extensions import db
from saas.tasks import huey, task_app_context

log = logging.getLogger("outcome_pulse.billing")

HANDLED = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.trial_will_end",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_action_required",
    }
)


def subscription_id_of(event_type: str, obj: Any) -> str | None:
    """The subscription an event is about, wherever this kind of object keeps it."""
    if event_type.startswith("customer.subscription."):
        return obj.get("id")
    if event_type == "checkout.session.completed":
        value = obj.get("subscription")
    else:  # invoices: ``subscription`` before API 2025-03, then under ``parent``
        value = obj.get("subscription") or (
            ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
        )
    return value if isinstance(value, str) else (value or {}).get("id")


def record(event: Any) -> bool:
    """Record the event's id; False when it was seen before (a replay: ignore it)."""
    if db.session.get(StripeEvent, event["id"]) is not None:
        return False
    db.session.add(StripeEvent(id=event["id"], type=event["type"], received_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:  # the same event delivered twice at once
        db.session.rollback()
        return False
    return True


def last_received() -> Any:
    return db.session.scalar(select(func.max(StripeEvent.received_at)))


@huey.task(retries=5, retry_delay=30)
def process_event(event_id: str, event_type: str, subscription_id: str | None) -> None:
    """Work one recorded event: re-read its subscription from Stripe and apply it."""
    if subscription_id is None:
        log.info("stripe event %s (%s) names no subscription", event_id, event_type)
        return
    with task_app_context():
        from saas.billing import stripe_api

        subscription = stripe_api.client().v1.subscriptions.retrieve(subscription_id).to_dict()
        tenant = sync.tenant_for(subscription)
        if tenant is None:
            log.warning(
                "stripe event %s: no company for subscription %s", event_id, subscription_id
            )
            return
        tenant_id = tenant.id
        db.session.rollback()
        with tenant_context(tenant_id):
            from saas.tenancy.models import Tenant

            tenant = db.session.get(Tenant, tenant_id)
            if tenant is None:
                return
            recorded = db.session.get(StripeEvent, event_id)
            if recorded is not None:
                recorded.tenant_id = tenant_id
            sync.apply_subscription(tenant, subscription, utcnow())
            if event_type == "customer.subscription.trial_will_end":
                notices.send(tenant, "trial_ending")
            db.session.commit()


def construct(payload: bytes, signature: str | None) -> Any:
    """The verified event (raises ``ValueError`` or ``stripe.SignatureVerificationError``)."""
    from saas.billing import stripe_api

    return stripe_api.construct_event(payload, signature).to_dict()
