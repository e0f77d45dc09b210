"""From the pricing page to Stripe Checkout, in a real browser (Stripe is the fake on loopback)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.browser.conftest import serious_violations, shoot
from tests.factories import PASSWORD, make_tenant, make_user
from tests.factories.billing import PRICES, WEBHOOK_SECRET
from tests.factories.fake_stripe import FakeStripe
from tests.factories.pulses import add_employee


@pytest.fixture
def fake_stripe(live_app, monkeypatch):
    fake = FakeStripe().start()
    for (plan, interval), price in PRICES.items():
        monkeypatch.setenv(f"STRIPE_PRICE_{plan.upper()}_{interval.upper()}", price)
    live_app.config["SETTINGS"] = dataclasses.replace(
        live_app.config["SETTINGS"],
        stripe_secret_key="sk_test_browser",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=fake.url,
    )
    yield fake
    fake.stop()


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    for width, height, suffix in ((1280, 900, ""), (390, 844, "-phone")):
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, f"{name}{suffix}")
        assert serious_violations(page) == [], name + suffix
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name + suffix
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_owner_goes_from_the_pricing_page_to_stripe_checkout(
    page, live_app, live_server, fake_stripe
):
    with live_app.app_context():
        tenant = make_tenant("Harbour Dental")
        owner = make_user(tenant, "owner", "owner@harbour.example.com")
        owner_email = owner.email
        for _ in range(4):
            add_employee(tenant)
    page.goto(live_server + "/pricing")
    assert page.get_by_role("heading", name="Growth").is_visible()
    _check(page, "pricing")
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(owner_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server + "/pricing")
    page.get_by_role("link", name="Choose Growth for Harbour Dental").click()
    assert page.url.endswith("/t/harbour-dental/billing")
    assert "4 of 1,000 active employees" in page.content()
    _check(page, "billing")
    page.get_by_role("button", name="Growth, Monthly").click()
    page.wait_for_url(fake_stripe.url + "/checkout/**")
    assert page.get_by_role("heading", name="Stripe Checkout (test)").is_visible()
    (session,) = fake_stripe.sessions.values()
    assert session["line_items"] == [{"price": PRICES["growth", "monthly"], "quantity": "4"}]
    assert session["customer"] in fake_stripe.customers


def test_after_paying_the_owner_sees_the_plan_and_invoices_and_lapsed_members_see_a_banner(
    page, live_app, live_server, fake_stripe
):
    with live_app.app_context():
        tenant = make_tenant("Quay Clinic")
        owner = make_user(tenant, "owner", "owner@quay.example.com")
        owner_email = owner.email
        add_employee(tenant)
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(owner_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server + "/t/quay-clinic/billing")
    page.get_by_role("button", name="Scale, Yearly").click()
    page.wait_for_url(fake_stripe.url + "/checkout/**")
    (session_id,) = fake_stripe.sessions
    subscription = fake_stripe.complete_checkout(session_id)
    _deliver(
        live_server,
        fake_stripe.event("checkout.session.completed", fake_stripe.sessions[session_id]),
    )
    page.goto(live_server + "/t/quay-clinic/billing")
    assert page.get_by_text("Active subscription").is_visible()
    assert (
        page.get_by_role("link", name="View")
        .first.get_attribute("href")
        .startswith("https://invoice.stripe.test/")
    )
    _check(page, "billing-active")
    fake_stripe.set_status(subscription["id"], "unpaid")
    _deliver(live_server, fake_stripe.event("customer.subscription.updated", subscription))
    page.goto(live_server + "/t/quay-clinic/")
    assert page.get_by_text("Your subscription is not active").is_visible()
    _check(page, "dashboard-read-only")


def _deliver(base: str, event: dict) -> None:
    """Post a webhook as Stripe does, signed with the endpoint's secret."""
    import json
    import urllib.request

    from tests.factories.fake_stripe import sign

    payload = json.dumps(event)
    request = urllib.request.Request(
        base + "/billing/stripe/webhook",
        data=payload.encode(),
        headers={
            "Stripe-Signature": sign(payload, WEBHOOK_SECRET),
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
