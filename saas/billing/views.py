"""The pricing page, the owners' billing page, Checkout and portal redirects, the webhook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import stripe
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from saas.auth import forms as auth_forms
from saas.auth import service as auth_service
from saas.billing import notices, plans, service, stripe_api, webhooks
from saas.billing.entitlements import billing_configured, entitlements
from saas.billing.forms import CheckoutForm
from saas.extensions import csrf
from saas.security import CONTENT_SECURITY_POLICY
from saas.tenancy.resolve import current_tenant, roles

bp = Blueprint("billing", __name__)
STATE_LABELS = {
    "trialing": _l("Trial"),
    "active": _l("Active subscription"),
    "incomplete": _l("Payment needs your action"),
    "past_due": _l("Payment failed: grace period"),
    "past_due_expired": _l("Payment failed: read-only"),
    "unpaid": _l("Unpaid: read-only"),
    "canceled": _l("Canceled: read-only"),
    "trial_ended": _l("Trial ended: read-only"),
    "unbilled": _l("Billing not configured"),
}


def _owned_companies() -> list[Any]:
    if not current_user.is_authenticated:
        return []
    return [t for m, t in auth_service.memberships_of(current_user) if m.role == "owner"]


@bp.get("/pricing")
def pricing() -> str:
    return render_template(
        "billing/pricing.html",
        plans=plans.PLANS.values(),
        feature_names=plans.FEATURE_NAMES,
        currency=plans.CURRENCY,
        trial_days=plans.TRIAL_DAYS,
        companies=_owned_companies(),
    )


STRIPE_PAGES = ("https://checkout.stripe.com", "https://billing.stripe.com")


def _stripe_may_receive_forms(body: str) -> Response:
    """The billing page's forms redirect (303) to Stripe's Checkout and portal: the CSP's
    ``form-action`` covers redirects, so it names Stripe's pages (and ``STRIPE_API_BASE``'s
    origin, where a test or local Stripe serves them)."""
    hosts = list(STRIPE_PAGES)
    base = stripe_api.settings().stripe_api_base
    if base:
        parts = urlsplit(base)
        hosts.append(f"{parts.scheme}://{parts.netloc}")
    response = make_response(body)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(hosts)
    )
    return response


@bp.get("/t/<slug>/billing")
@roles("owner")
def page() -> Response:
    tenant = current_tenant()
    return _stripe_may_receive_forms(
        render_template(
            "billing/billing.html",
            configured=billing_configured(),
            rights=entitlements(tenant),
            seats_used=service.seats_for_quantity(),
            plans=plans.PLANS.values(),
            feature_names=plans.FEATURE_NAMES,
            currency=plans.CURRENCY,
            price_id=plans.price_id,
            invoices=service.invoices(tenant),
            form=auth_forms.EmptyForm(),
            subscribed=service.has_live_subscription(tenant),
            plan_name=lambda key: plans.plan(key).name,
            state_label=STATE_LABELS.get,
            purge_on=notices.purge_date(tenant),
        )
    )


@bp.post("/t/<slug>/billing/checkout")
@roles("owner")
def checkout() -> Response:
    form = CheckoutForm()
    if not form.validate_on_submit():
        flash(_("That plan does not exist."), "error")
        return redirect(url_for("billing.page"))
    return _to_stripe(
        lambda: service.checkout_url(
            current_tenant(), form.plan.data, form.interval.data, current_user.email
        )
    )


@bp.post("/t/<slug>/billing/portal")
@roles("owner")
def portal() -> Response:
    auth_forms.EmptyForm().validate_on_submit() or abort(400)
    return _to_stripe(lambda: service.portal_url(current_tenant()))


def _to_stripe(stripe_url: Callable[[], str]) -> Response:
    """303 to the Stripe page ``stripe_url`` makes, or back to billing with Stripe's reason."""
    try:
        url = stripe_url()
    except service.BillingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("billing.page"))
    return redirect(url, code=303)


@bp.get("/t/<slug>/billing/success")
@roles("owner")
def success() -> str:
    return render_template("billing/done.html", succeeded=True)


@bp.get("/t/<slug>/billing/canceled")
@roles("owner")
def canceled() -> str:
    return render_template("billing/done.html", succeeded=False)


@bp.post("/billing/stripe/webhook")
@csrf.exempt
def stripe_webhook() -> tuple[Response, int]:
    """Verify, record once, answer at once; the worker does the rest."""
    if not billing_configured():
        return jsonify(error="billing is not configured"), 404
    payload = request.get_data(cache=False)
    try:
        event = webhooks.construct(payload, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError):
        return jsonify(error="invalid signature or payload"), 400
    if event["type"] not in webhooks.HANDLED:
        return jsonify(received=True, handled=False), 200
    if not webhooks.record(event):
        return jsonify(received=True, duplicate=True), 200
    obj = event["data"]["object"]
    webhooks.process_event(
        event["id"], event["type"], webhooks.subscription_id_of(event["type"], obj)
    )
    return jsonify(received=True), 200
