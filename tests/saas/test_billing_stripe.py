"""Billing with Stripe as a company lives it: the real ``stripe`` library against a fake Stripe
on loopback, webhooks signed with Stripe's scheme."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from saas.billing import sync
from saas.billing.models import StripeEvent
from saas.db import tenant_context, unscoped, utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.models import Employee
from tests.factories import login, make_tenant, make_user, text_of
from tests.factories.billing import PRICES, billing_on, post_event
from tests.factories.fake_stripe import FakeStripe
from tests.factories.pulses import add_employee


@dataclass
class Shop:
    fake: FakeStripe
    tenant_id: int
    slug: str
    owner_email: str

    def tenant(self) -> Tenant:
        db.session.expire_all()
        with tenant_context(self.tenant_id):
            return db.session.get(Tenant, self.tenant_id)

    def url(self, path: str = "") -> str:
        return f"/t/{self.slug}/billing{path}"


@pytest.fixture
def shop(app, ctx, client, monkeypatch) -> Any:
    with billing_on(app, monkeypatch) as fake:
        tenant = make_tenant("Bakery Co")
        owner = make_user(tenant, "owner")
        for _ in range(3):
            add_employee(tenant)
        login(client, owner)
        yield Shop(fake, tenant.id, tenant.slug, owner.email)


def checkout(client, shop: Shop, plan: str = "growth", interval: str = "monthly") -> Any:
    return client.post(shop.url("/checkout"), data={"plan": plan, "interval": interval})


def subscribe(client, shop: Shop, status: str = "active", plan: str = "growth") -> dict:
    """Checkout, pay on Stripe's page, and Stripe's checkout.session.completed arrives."""
    response = checkout(client, shop, plan)
    session_id = response.headers["Location"].rsplit("/", 1)[-1]
    subscription = shop.fake.complete_checkout(session_id, status)
    event = shop.fake.event("checkout.session.completed", shop.fake.sessions[session_id])
    assert post_event(client, event).status_code == 200
    return subscription


def test_checkout_redirects_to_stripe_and_a_paid_checkout_makes_the_company_active(
    client, shop, outbox
):
    page = client.get(shop.url()).get_data(as_text=True)
    assert "Trial (everything in Growth)" in page and "3 of 1,000 active employees" in page
    people = client.get(f"/t/{shop.slug}/people/").get_data(as_text=True)
    assert "3 of 1,000 seats in use (active employees, during your trial)." in people
    response = checkout(client, shop, "growth", "yearly")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(shop.fake.url + "/checkout/cs_")
    (session,) = shop.fake.sessions.values()
    assert session["mode"] == "subscription"
    assert session["client_reference_id"] == str(shop.tenant_id)
    assert session["metadata"] == {"tenant_id": str(shop.tenant_id)}
    assert session["allow_promotion_codes"] == "true"
    assert session["tax_id_collection"] == {"enabled": "true"}
    assert session["line_items"] == [{"price": PRICES["growth", "yearly"], "quantity": "3"}]
    assert session["success_url"].startswith("http://localhost" + shop.url("/success"))
    # A second checkout (the first was abandoned) reuses the customer created the first time.
    checkout(client, shop, "scale", "monthly")
    assert len(shop.fake.customers) == 1 and len(shop.fake.sessions) == 2
    (customer,) = shop.fake.customers.values()
    assert customer["metadata"]["tenant_id"] == str(shop.tenant_id)
    assert shop.tenant().stripe_customer_id == customer["id"]

    session_id = session["id"]
    shop.fake.complete_checkout(session_id)
    event = shop.fake.event("checkout.session.completed", shop.fake.sessions[session_id])
    assert post_event(client, event).status_code == 200
    tenant = shop.tenant()
    assert (tenant.plan, tenant.status, tenant.billing_interval) == ("growth", "active", "yearly")
    assert tenant.trial_ends_at is None
    page = client.get(shop.url()).get_data(as_text=True)
    assert "Active subscription" in page and "billed yearly" in page
    assert "open the customer portal" in page and "Growth, Monthly" not in page
    again = checkout(client, shop, "scale", "monthly")  # a stale tab: no second subscription
    assert again.status_code == 302 and len(shop.fake.sessions) == 2
    assert "change its plan in the customer portal" in client.get(shop.url()).get_data(as_text=True)
    assert "https://invoice.stripe.test/i/" in page  # Stripe's own invoice link
    portal = client.post(shop.url("/portal"))
    assert portal.status_code == 303 and portal.headers["Location"].endswith(customer["id"])
    success = client.get(shop.url("/success")).get_data(as_text=True)
    assert "Thank you" in success


def test_replayed_events_are_ignored(client, shop, outbox):
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "past_due")
    failed = shop.fake.event("invoice.payment_failed", shop.fake.add_invoice(subscription, "open"))
    first = post_event(client, failed)
    again = post_event(client, failed)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == {"received": True, "duplicate": True}
    assert db.session.scalar(select(func.count()).where(StripeEvent.id == failed["id"])) == 1
    assert len(outbox.to(shop.owner_email)) == 1  # one "payment failed" email, not two


@pytest.mark.parametrize(
    ("how", "status"),
    [("unsigned", 400), ("wrong secret", 400), ("stale", 400), ("garbage", 400)],
)
def test_a_webhook_that_stripe_did_not_sign_changes_nothing(client, shop, how, status):
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "canceled")
    event = shop.fake.event("customer.subscription.deleted", subscription)
    if how == "unsigned":
        response = post_event(client, event, signature="")
    elif how == "wrong secret":
        response = post_event(client, event, secret="whsec_someone_else")
    elif how == "stale":
        response = post_event(client, event, timestamp=int(time.time()) - 600)
    else:
        response = client.post(
            "/billing/stripe/webhook",
            data=b"\xff\xfe not json",
            headers={"Stripe-Signature": "t=1,v1=00"},
        )
    assert response.status_code == status
    assert "error" in response.get_json()
    assert shop.tenant().status == "active"
    assert db.session.scalar(select(func.count()).where(StripeEvent.id == event["id"])) == 0


def test_events_out_of_order_follow_stripes_current_state(client, shop):
    subscription = subscribe(client, shop)
    old_copy = dict(subscription, status="active")
    shop.fake.set_status(subscription["id"], "canceled")
    post_event(client, shop.fake.event("customer.subscription.deleted", subscription))
    assert shop.tenant().status == "canceled"
    # The older "updated" event arrives late, carrying status active: Stripe now says canceled.
    post_event(client, shop.fake.event("customer.subscription.updated", old_copy))
    assert shop.tenant().status == "canceled"


def test_a_missed_event_is_healed_by_the_daily_reconciliation(client, shop, outbox, caplog):
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "past_due")  # the webhook never arrives
    assert shop.tenant().status == "active"
    now = utcnow()
    sync.billing_tick(now)
    tenant = shop.tenant()
    assert tenant.status == "past_due" and tenant.past_due_since is not None
    assert "reconciliation corrected tenant" in caplog.text
    assert "Payment failed" in outbox.last_to(shop.owner_email)["Subject"]
    # Once a day: the next tick in the hour asks Stripe nothing.
    calls = len(shop.fake.requests)
    sync.billing_tick(now + timedelta(hours=1))
    assert len(shop.fake.requests) == calls


def test_an_incomplete_payment_shows_a_banner_linking_to_billing(client, shop):
    subscription = subscribe(client, shop, status="incomplete")
    invoice = shop.fake.add_invoice(subscription, "open")
    post_event(client, shop.fake.event("invoice.payment_action_required", invoice))
    assert shop.tenant().status == "incomplete"
    page = client.get(f"/t/{shop.slug}/people/").get_data(as_text=True)
    assert "A payment needs your action" in page and shop.url() in page
    billing = client.get(shop.url()).get_data(as_text=True)
    assert f"Complete the payment of invoice {invoice['number']}" in billing
    assert invoice["hosted_invoice_url"] in billing


def test_payment_failure_then_recovery_mails_the_owners(client, shop, outbox):
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "past_due")
    failed = shop.fake.add_invoice(subscription, "open")
    post_event(client, shop.fake.event("invoice.payment_failed", failed))
    message = outbox.last_to(shop.owner_email)
    assert "Payment failed for Bakery Co" in message["Subject"]
    assert "keeps running for 7 days" in text_of(message)
    assert "http://localhost" + shop.url() in text_of(message)
    page = client.get(f"/t/{shop.slug}/people/").get_data(as_text=True)
    assert "Your last payment failed" in page
    shop.fake.set_status(subscription["id"], "active")
    paid = shop.fake.add_invoice(subscription, "paid")
    post_event(client, shop.fake.event("invoice.paid", paid))
    assert shop.tenant().status == "active" and shop.tenant().past_due_since is None
    assert "Payment received for Bakery Co" in outbox.last_to(shop.owner_email)["Subject"]


def test_a_plan_change_in_the_portal_reaches_the_company(client, shop):
    subscription = subscribe(client, shop)
    shop.fake.set_price(subscription["id"], PRICES["scale", "monthly"])
    post_event(client, shop.fake.event("customer.subscription.updated", subscription))
    assert shop.tenant().plan == "scale"


def test_the_quantity_follows_active_employees_prorated_once_a_day(client, shop):
    subscription = subscribe(client, shop)
    for _ in range(2):
        add_employee(shop.tenant())
    now = utcnow()
    sync.reconcile(now)
    item = shop.fake.subscriptions[subscription["id"]]
    assert item["items"]["data"][0]["quantity"] == 5
    assert item["last_proration_behavior"] == "create_prorations"
    add_employee(shop.tenant())
    sync.reconcile(now + timedelta(hours=3))  # the same day: left as it is
    assert item["items"]["data"][0]["quantity"] == 5
    sync.reconcile(now + timedelta(days=1, minutes=1))
    assert item["items"]["data"][0]["quantity"] == 6


def test_the_trial_ending_email_goes_once_three_days_before(client, shop, outbox):
    tenant = shop.tenant()
    ends = tenant.trial_ends_at
    sync.billing_tick(ends - timedelta(days=4))
    assert outbox.to(shop.owner_email) == []
    sync.billing_tick(ends - timedelta(days=2, hours=23))
    sync.billing_tick(ends - timedelta(days=2))
    (message,) = outbox.to(shop.owner_email)
    assert "trial for Bakery Co ends soon" in message["Subject"]


def test_a_canceled_company_is_warned_at_30_and_7_days_then_its_data_is_purged(
    client, shop, outbox
):
    other = make_tenant("Neighbour Co")
    add_employee(other, "stays@neighbour.test")
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "canceled")
    post_event(client, shop.fake.event("customer.subscription.deleted", subscription))
    canceled_at = shop.tenant().canceled_at
    assert "data kept until" in client.get(shop.url()).get_data(as_text=True)
    minute = timedelta(minutes=1)
    for day in (10, 59, 60, 62, 83, 85, 89):  # a tick a minute into each of these days
        sync.billing_tick(canceled_at + timedelta(days=day) + minute)
    subjects = [m["Subject"] for m in outbox.to(shop.owner_email)]
    assert subjects == [
        "Bakery Co's Outcome Pulse data will be deleted in 30 days",
        "Bakery Co's Outcome Pulse data will be deleted in 7 days",
    ]
    assert shop.tenant() is not None  # day 89: still there, still readable
    sync.billing_tick(canceled_at + timedelta(days=90) + minute)
    db.session.expire_all()
    with unscoped():
        assert db.session.get(Tenant, shop.tenant_id) is None
        slugs = db.session.scalars(select(Employee.email).order_by(Employee.email)).all()
    assert slugs == ["stays@neighbour.test"]  # the company's people went with it; no one else's


def test_a_company_found_long_canceled_is_warned_before_anything_is_deleted(client, shop, outbox):
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "canceled")
    post_event(client, shop.fake.event("customer.subscription.deleted", subscription))
    late = shop.tenant().canceled_at + timedelta(days=120)  # the worker was down for months
    sync.billing_tick(late)
    assert shop.tenant() is not None
    (warning,) = outbox.to(shop.owner_email)
    assert "deleted in 7 days" in warning["Subject"]
    assert f"{(late + timedelta(days=7)):%b} {(late + timedelta(days=7)).day}" in text_of(warning)
    sync.billing_tick(late + timedelta(days=6))
    assert shop.tenant() is not None
    sync.billing_tick(late + timedelta(days=7, minutes=1))
    assert shop.tenant() is None


def test_billing_status_prints_the_last_webhook(app, client, shop):
    runner = app.test_cli_runner()
    assert "last webhook received: never" in runner.invoke(args=["billing", "status"]).output
    subscribe(client, shop)
    output = runner.invoke(args=["billing", "status"]).output
    assert "billing configured: yes" in output
    assert f"last webhook received: {utcnow():%Y-%m-%d}" in output


def test_only_owners_see_billing(client, shop):
    with tenant_context(shop.tenant_id):
        admin = make_user(db.session.get(Tenant, shop.tenant_id), "admin")
    login(client, admin)
    assert client.get(shop.url()).status_code in (403, 404)
    assert checkout(client, shop).status_code in (403, 404)
    assert shop.fake.sessions == {}


def test_an_unknown_plan_is_refused_with_a_message(client, shop):
    response = checkout(client, shop, "platinum")
    assert response.status_code == 302
    page = client.get(shop.url()).get_data(as_text=True)
    assert "That plan does not exist." in page and shop.fake.sessions == {}


def test_without_stripe_keys_billing_says_it_is_not_configured(ctx, client):
    tenant = make_tenant()
    login(client, make_user(tenant, "owner"))
    page = client.get(f"/t/{tenant.slug}/billing").get_data(as_text=True)
    assert "Billing is not configured" in page
    assert client.post("/billing/stripe/webhook", data="{}").status_code == 404
    pricing = client.get("/pricing").get_data(as_text=True)
    assert "Starter" in pricing and "Growth" in pricing and "Scale" in pricing


def test_owners_get_billing_mail_in_their_language(client, shop, outbox):
    with tenant_context(shop.tenant_id):
        from saas.auth.models import User

        owner = db.session.scalar(select(User).where(User.email == shop.owner_email))
        owner.locale = "es"
        db.session.commit()
    subscription = subscribe(client, shop)
    shop.fake.set_status(subscription["id"], "past_due")
    post_event(client, shop.fake.event("customer.subscription.updated", subscription))
    message = outbox.last_to(shop.owner_email)
    assert message["Subject"] == "El pago de Bakery Co en Outcome Pulse no se ha podido cobrar"
    assert "Todo sigue funcionando durante 7 días" in text_of(message)


def test_the_end_of_an_old_subscription_does_not_cancel_the_new_one(client, shop):
    old = subscribe(client, shop, plan="starter")
    shop.fake.set_status(old["id"], "canceled")
    deleted = shop.fake.event("customer.subscription.deleted", old)
    post_event(client, deleted)
    assert shop.tenant().status == "canceled"
    new = subscribe(client, shop, plan="scale")  # the company comes back on another plan
    assert shop.tenant().stripe_subscription_id == new["id"]
    post_event(client, shop.fake.event("customer.subscription.updated", old))  # late news
    tenant = shop.tenant()
    assert (tenant.status, tenant.plan) == ("active", "scale")
    sync.reconcile(utcnow())
    assert shop.tenant().status == "active"


def test_the_webhook_answers_at_once_and_the_worker_does_the_work(client, shop):
    """Through Huey's storage: the endpoint only verifies and records; the task asks Stripe."""
    from saas.tasks import huey

    response = checkout(client, shop)
    session_id = response.headers["Location"].rsplit("/", 1)[-1]
    shop.fake.complete_checkout(session_id)
    event = shop.fake.event("checkout.session.completed", shop.fake.sessions[session_id])
    asked = len(shop.fake.requests)
    huey.immediate = False
    try:
        assert post_event(client, event).status_code == 200
        assert len(shop.fake.requests) == asked  # Stripe not called while Stripe waits
        assert shop.tenant().status == "trialing"
        task = huey.dequeue()
        assert task is not None and task.name.endswith("process_event")
        huey.execute(task)
    finally:
        huey.immediate = True
    assert shop.tenant().status == "active"
