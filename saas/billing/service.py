"""What an owner does on the billing page: Checkout, the customer portal, invoices.

Plain functions; no ``request``. Stripe errors surface as ``BillingError`` with a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from flask_babel import gettext as _

from saas import hooks, mail
from saas.billing import plans, stripe_api
from saas.billing.entitlements import billing_configured
from saas.extensions import db
from saas.tenancy.models import Tenant


class BillingError(Exception):
    """Something went wrong with billing; the message is for the owner."""


@dataclass(frozen=True)
class Invoice:
    number: str
    created: datetime
    total: int  # in the currency's smallest unit
    currency: str
    status: str
    hosted_url: str | None
    pdf_url: str | None


def _stripe_failed(exc: stripe.StripeError) -> BillingError:
    return BillingError(
        _(
            "Stripe could not be reached just now (%(reason)s). Please try again in a minute.",
            reason=exc.user_message or type(exc).__name__,
        )
    )


LIVE = ("trialing", "active", "incomplete", "past_due", "unpaid")


def has_live_subscription(tenant: Tenant) -> bool:
    """A Stripe subscription that is not over: plan changes go through the portal, not a second
    Checkout (which would start a second subscription)."""
    return bool(tenant.stripe_subscription_id) and tenant.status in LIVE


def ensure_customer(tenant: Tenant, email: str) -> str:
    """The tenant's Stripe customer, created once and reused."""
    if tenant.stripe_customer_id:
        return tenant.stripe_customer_id
    customer = stripe_api.client().v1.customers.create(
        params={
            "name": tenant.name,
            "email": email,
            "metadata": {"tenant_id": str(tenant.id), "slug": tenant.slug},
        }
    )
    tenant.stripe_customer_id = customer.id
    db.session.commit()
    return customer.id


def checkout_url(tenant: Tenant, plan_key: str, interval: str, email: str) -> str:
    """A Checkout Session in subscription mode for ``plan_key``; its URL to redirect to."""
    if plan_key not in plans.PLANS or interval not in plans.INTERVALS:
        raise BillingError(_("That plan does not exist."))
    price = plans.price_id(plan_key, interval)
    if not billing_configured() or price is None:
        raise BillingError(_("Billing is not configured for that plan yet."))
    if has_live_subscription(tenant):
        raise BillingError(
            _("You already have a subscription: change its plan in the customer portal.")
        )
    try:
        customer = ensure_customer(tenant, email)
        session = stripe_api.client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(tenant.id),
                "metadata": {"tenant_id": str(tenant.id)},
                "subscription_data": {"metadata": {"tenant_id": str(tenant.id)}},
                "line_items": [{"price": price, "quantity": max(seats_for_quantity(), 1)}],
                "allow_promotion_codes": True,
                "tax_id_collection": {"enabled": True},
                "customer_update": {"name": "auto", "address": "auto"},
                "success_url": mail.absolute_url("billing.success", slug=tenant.slug)
                + "?session_id={CHECKOUT_SESSION_ID}",
                "cancel_url": mail.absolute_url("billing.canceled", slug=tenant.slug),
            }
        )
    except stripe.StripeError as exc:
        raise _stripe_failed(exc) from exc
    if not session.url:
        raise BillingError(_("Stripe did not return a Checkout page. Please try again."))
    return session.url


def portal_url(tenant: Tenant) -> str:
    """The Stripe customer portal (card, plan change, cancellation) for the tenant."""
    if not tenant.stripe_customer_id:
        raise BillingError(_("Choose a plan first: the portal opens once you have subscribed."))
    try:
        session = stripe_api.client().v1.billing_portal.sessions.create(
            params={
                "customer": tenant.stripe_customer_id,
                "return_url": mail.absolute_url("billing.page", slug=tenant.slug),
            }
        )
    except stripe.StripeError as exc:
        raise _stripe_failed(exc) from exc
    return session.url


def invoices(tenant: Tenant, limit: int = 24) -> list[Invoice]:
    """The tenant's invoices with Stripe's own links (empty when Stripe cannot be reached)."""
    if not billing_configured() or not tenant.stripe_customer_id:
        return []
    try:
        found = stripe_api.client().v1.invoices.list(
            params={"customer": tenant.stripe_customer_id, "limit": limit}
        )
    except stripe.StripeError:
        return []
    return [_invoice(item.to_dict()) for item in found.data]


def _invoice(item: Any) -> Invoice:
    return Invoice(
        number=item.get("number") or item["id"],
        created=datetime.fromtimestamp(item.get("created") or 0, UTC),
        total=int(item.get("total") or 0),
        currency=(item.get("currency") or plans.CURRENCY).upper(),
        status=item.get("status") or "",
        hosted_url=item.get("hosted_invoice_url"),
        pdf_url=item.get("invoice_pdf"),
    )


def seats_for_quantity() -> int:
    """Active employees of the current tenant (the subscription's quantity), answered by the
    area that owns people through the ``seats_used`` hook (the shell names no area)."""
    return sum(int(count()) for count in hooks.of("seats_used"))
