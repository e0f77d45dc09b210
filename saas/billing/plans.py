"""The plans catalogue: names, limits, features and prices, in code.

No page calls Stripe to render: the pricing page and the billing page read this. Each plan and
interval maps to a Stripe Price id from ``STRIPE_PRICE_<PLAN>_<INTERVAL>``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

CURRENCY = "USD"
INTERVALS = ("monthly", "yearly")
TRIAL_DAYS = 14

EMPLOYEE_PULSES = "employee_pulses"
CUSTOMER_PULSES = "customer_pulses"
PROCESSES = "processes"
API = "api"
CUSTOM_QUESTIONS = "custom_questions"
BENCHMARK = "benchmark"
TEAM_REPORTS = "team_reports"

FEATURE_NAMES = {
    EMPLOYEE_PULSES: _l("Employee pulses"),
    CUSTOMER_PULSES: _l("Customer pulses"),
    PROCESSES: _l("Processes (a pulse after each interaction)"),
    API: _l("The API"),
    CUSTOM_QUESTIONS: _l("Questions of your own"),
    BENCHMARK: _l("Benchmark"),
    TEAM_REPORTS: _l("Team reports"),
}


@dataclass(frozen=True)
class Plan:
    key: str
    name: str  # a brand name, the same in every language
    seat_limit: int | None  # active employees; None: no limit
    features: frozenset[str]
    monthly: Decimal  # per active employee per month, billed monthly
    yearly: Decimal  # per active employee per month, billed yearly

    def price(self, interval: str) -> Decimal:
        return self.monthly if interval == "monthly" else self.yearly


_STARTER = frozenset({EMPLOYEE_PULSES})
_GROWTH = _STARTER | {CUSTOMER_PULSES, PROCESSES, API, CUSTOM_QUESTIONS}
_SCALE = _GROWTH | {BENCHMARK, TEAM_REPORTS}

PLANS: dict[str, Plan] = {
    "starter": Plan("starter", "Starter", 50, _STARTER, Decimal("4"), Decimal("3.20")),
    "growth": Plan("growth", "Growth", 1_000, _GROWTH, Decimal("7"), Decimal("5.60")),
    "scale": Plan("scale", "Scale", None, _SCALE, Decimal("10"), Decimal("8")),
}
#: A trial has everything of Growth, up to Growth's seats.
TRIAL_PLAN = "growth"


def plan(key: str) -> Plan:
    return PLANS.get(key, PLANS["starter"])


def price_id(plan_key: str, interval: str) -> str | None:
    """The Stripe Price id of ``plan_key`` billed ``interval`` (None when not configured)."""
    return os.environ.get(f"STRIPE_PRICE_{plan_key.upper()}_{interval.upper()}") or None


def plan_of_price(price: str) -> tuple[str, str] | None:
    """``(plan, interval)`` of a Stripe Price id, or None for a price that is not ours."""
    for key in PLANS:
        for interval in INTERVALS:
            if price and price_id(key, interval) == price:
                return key, interval
    return None
