"""The state table, row by row: what each plan and subscription state lets a company do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saas.billing import plans
from saas.billing.entitlements import STATE_TABLE, entitlements
from saas.db import utcnow
from tests.factories import make_tenant
from tests.factories.billing import billing_on, on_plan

NOW = utcnow()

# (status, extra fields, state, runs, read-only, banner)
ROWS = [
    ("trialing", {"trial_ends_at": NOW + timedelta(days=3)}, "trialing", True, False, None),
    ("active", {}, "active", True, False, None),
    ("incomplete", {}, "incomplete", True, False, "action_needed"),
    ("past_due", {"past_due_since": NOW - timedelta(days=6)}, "past_due", True, False, "past_due"),
    (
        "past_due",
        {"past_due_since": NOW - timedelta(days=8)},
        "past_due_expired",
        False,
        True,
        "read_only",
    ),
    ("unpaid", {}, "unpaid", False, True, "read_only"),
    ("canceled", {"canceled_at": NOW - timedelta(days=1)}, "canceled", False, True, "read_only"),
    (
        "trialing",
        {"trial_ends_at": NOW - timedelta(minutes=1)},
        "trial_ended",
        False,
        True,
        "trial_ended",
    ),
]


@pytest.fixture
def billing(app, monkeypatch):
    with billing_on(app, monkeypatch) as fake:
        yield fake


@pytest.mark.parametrize(("status", "fields", "state", "runs", "read_only", "banner"), ROWS)
def test_each_state_allows_what_the_table_says(
    ctx, billing, status, fields, state, runs, read_only, banner
):
    tenant = make_tenant()
    on_plan(tenant, "growth", status, **fields)
    rights = entitlements(tenant, NOW)
    assert (rights.state, rights.can_launch_rounds, rights.read_only, rights.banner) == (
        state,
        runs,
        read_only,
        banner,
    )
    assert rights.can_download_reports  # reading and reports in every state


def test_every_state_of_the_table_is_tested():
    assert {row[2] for row in ROWS} == set(STATE_TABLE) - {"unbilled"}


@pytest.mark.parametrize(
    ("plan", "seats", "has", "lacks"),
    [
        ("starter", 50, {plans.EMPLOYEE_PULSES}, {plans.CUSTOMER_PULSES, plans.API}),
        ("growth", 1_000, {plans.PROCESSES, plans.API, plans.CUSTOM_QUESTIONS}, {plans.BENCHMARK}),
        ("scale", None, {plans.BENCHMARK, plans.TEAM_REPORTS, plans.API}, set()),
    ],
)
def test_features_and_seats_follow_the_plan(ctx, billing, plan, seats, has, lacks):
    tenant = make_tenant()
    on_plan(tenant, plan)
    rights = entitlements(tenant)
    assert rights.seat_limit == seats
    assert all(rights.allows(f) for f in has) and not any(rights.allows(f) for f in lacks)


def test_a_trial_has_everything_of_growth_for_fourteen_days(ctx, billing):
    tenant = make_tenant()
    assert tenant.status == "trialing"
    left = tenant.trial_ends_at - utcnow()
    assert timedelta(days=13, hours=23) < left <= timedelta(days=14)
    rights = entitlements(tenant)
    assert rights.plan == "growth" and rights.seat_limit == 1_000 and rights.allows(plans.API)
    later = entitlements(tenant, tenant.trial_ends_at + timedelta(seconds=1))
    assert later.state == "trial_ended" and not later.can_launch_rounds


def test_without_stripe_keys_everything_is_allowed_whatever_the_date(ctx):
    tenant = make_tenant()
    on_plan(tenant, "starter", "canceled", canceled_at=NOW - timedelta(days=400))
    rights = entitlements(tenant, NOW + timedelta(days=3650))
    assert rights.can_launch_rounds and not rights.read_only and rights.seat_limit is None
    assert all(rights.allows(feature) for feature in plans.FEATURE_NAMES)


def test_the_plans_map_to_price_ids_from_the_environment(monkeypatch):
    monkeypatch.setenv("STRIPE_PRICE_GROWTH_MONTHLY", "price_123")
    assert plans.price_id("growth", "monthly") == "price_123"
    assert plans.plan_of_price("price_123") == ("growth", "monthly")
    monkeypatch.delenv("STRIPE_PRICE_SCALE_YEARLY", raising=False)
    assert plans.price_id("scale", "yearly") is None
    assert plans.plan_of_price("price_unknown") is None
