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
