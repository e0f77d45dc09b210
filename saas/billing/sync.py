"""The tenant's subscription state follows Stripe's *current* state, never the order of events.

``apply_subscription`` copies a subscription fetched from Stripe onto its tenant and says what
changed; webhooks call it after re-reading the subscription, and a daily reconciliation calls it
for every subscription Stripe has (webhooks get lost), also setting each subscription's quantity
to the active employee count (prorated, at most once a day).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from sqlalchemy import select

from saas import hooks
from saas.billing import notices, plans, purge, stripe_api
from saas.billing.entitlements import billing_configured
from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tasks import task_app_context
from saas.tenancy.models import Tenant

log = logging.getLogger("outcome_pulse.billing")
RECONCILE_EVERY = timedelta(days=1)
_TROUBLE = {"past_due", "unpaid", "incomplete"}


def _when(timestamp: int | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def _price_of(subscription: Any) -> tuple[str | None, int]:
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return None, 0
    item = items[0]
    return (item.get("price") or {}).get("id"), int(item.get("quantity") or 0)


def tenant_for(subscription: Any) -> Tenant | None:
    """The tenant a subscription belongs to: by its customer, which we created (unscoped)."""
    customer = subscription.get("customer")
    customer_id = customer if isinstance(customer, str) else (customer or {}).get("id")
    with unscoped():
        if customer_id:
            found = db.session.scalar(
                select(Tenant).where(Tenant.stripe_customer_id == customer_id)
            )
            if found is not None:
                return found
        tenant_id = (subscription.get("metadata") or {}).get("tenant_id", "")
        if str(tenant_id).isdigit():
            found = db.session.get(Tenant, int(tenant_id))
            if found is not None and found.stripe_customer_id in (None, customer_id):
                return found
    return None


def apply_subscription(tenant: Tenant, subscription: Any, now: datetime) -> dict[str, tuple]:
    """Copy ``subscription`` (as Stripe has it now) onto ``tenant``; returns what changed."""
    status = subscription.get("status") or "canceled"
    if tenant.comped or (
        tenant.stripe_subscription_id not in (None, subscription.get("id"))
        and status in ("canceled", "incomplete_expired")
    ):
        return {}  # comped, or an old subscription of a company that has a newer one
    price, _quantity = _price_of(subscription)
    known = plans.plan_of_price(price or "")
    wanted: dict[str, Any] = {
        "status": status if status != "incomplete_expired" else "canceled",
        "stripe_subscription_id": subscription.get("id"),
    }
    if known is not None:
        wanted["plan"], wanted["billing_interval"] = known
    if status == "trialing":
        wanted["trial_ends_at"] = _when(subscription.get("trial_end")) or tenant.trial_ends_at
    elif status in ("active", "past_due", "unpaid", "incomplete"):
        wanted["trial_ends_at"] = None
    if status == "past_due":
        wanted["past_due_since"] = tenant.past_due_since or now
    else:
        wanted["past_due_since"] = None
    if wanted["status"] == "active" and tenant.billing_notice in ("purge_30", "purge_7"):
        wanted["billing_notice"] = None  # subscribed again: a later cancellation warns afresh
    if wanted["status"] == "canceled":
        ended = subscription.get("ended_at") or subscription.get("canceled_at")
        wanted["canceled_at"] = tenant.canceled_at or _when(ended) or now
    else:
        wanted["canceled_at"] = None
    changes = {
        name: (getattr(tenant, name), value)
        for name, value in wanted.items()
        if getattr(tenant, name) != value
    }
    for name, (_old, value) in changes.items():
        setattr(tenant, name, value)
    if "status" in changes:
        old, new = changes["status"]
        if new in ("past_due", "unpaid") and old not in _TROUBLE:
            notices.send(tenant, "payment_failed")
        elif new == "active" and old in _TROUBLE:
            notices.send(tenant, "payment_recovered")
    return changes


def refresh(tenant: Tenant, subscription_id: str, now: datetime) -> dict[str, tuple]:
    """Re-read the subscription from Stripe and apply it (what every webhook does)."""
    subscription = stripe_api.client().v1.subscriptions.retrieve(subscription_id).to_dict()
    return apply_subscription(tenant, subscription, now)


def _sync_quantity(tenant: Tenant, subscription: Any, now: datetime) -> None:
    """Set the subscription's quantity to the active employees (prorated), once a day."""
    if subscription.get("status") not in ("active", "trialing", "past_due"):
        return
    if tenant.seats_synced_at is not None and now - tenant.seats_synced_at < RECONCILE_EVERY:
        return
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        return
    seats = max(sum(int(count()) for count in hooks.of("seats_used")), 1)
    if int(items[0].get("quantity") or 0) != seats:
        stripe_api.client().v1.subscriptions.update(
            subscription["id"],
            params={
                "items": [{"id": items[0]["id"], "quantity": seats}],
                "proration_behavior": "create_prorations",
            },
        )
        log.info("billing: tenant %s quantity %s", tenant.id, seats)
    tenant.seats_synced_at = now


def reconcile(now: datetime) -> int:
    """Fetch every subscription from Stripe and correct each tenant that differs (logged).

    Returns how many tenants were corrected.
    """
    corrected = 0
    listing = stripe_api.client().v1.subscriptions.list(params={"status": "all", "limit": 100})
    for found in listing.auto_paging_iter():
        subscription = found.to_dict()
        with task_app_context():  # a session of its own per company: the caller's is left alone
            tenant = tenant_for(subscription)
            tenant_id = tenant.id if tenant is not None else None
        if tenant_id is None:
            continue
        try:
            corrected += _reconcile_one(tenant_id, subscription, now)
        except Exception:  # one company's trouble (mail, Stripe) never stops the others
            log.exception("billing reconciliation failed for tenant %s", tenant_id)
    return corrected


def _reconcile_one(tenant_id: int, subscription: dict[str, Any], now: datetime) -> int:
    corrected = 0
    with task_app_context(), tenant_context(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        if tenant is not None:
            changes = apply_subscription(tenant, subscription, now)
            if changes:
                corrected = 1
                log.warning(
                    "billing reconciliation corrected tenant %s: %s",
                    tenant_id,
                    {name: [str(old), str(new)] for name, (old, new) in changes.items()},
                )
            try:
                _sync_quantity(tenant, subscription, now)
            except stripe.StripeError:
                log.exception("billing: quantity of tenant %s not updated", tenant_id)
            db.session.commit()
    return corrected


def billing_tick(now: datetime) -> None:
    """Billing's share of the tick: the daily reconciliation and the notices that are due."""
    if not billing_configured():
        return
    from saas.health import WorkerHeartbeat, record_heartbeat

    with task_app_context():
        last = db.session.get(WorkerHeartbeat, "billing_reconcile")
        due = last is None or now - _aware(last.beat_at) >= RECONCILE_EVERY
        if due:
            record_heartbeat("billing_reconcile", now)
    if due:
        try:
            reconcile(now)
        except stripe.StripeError:
            log.exception("billing reconciliation could not reach Stripe")
    notices.due(now)
    purge.purge_due(now)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
