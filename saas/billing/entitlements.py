"""The one entitlement function: what a tenant may do and how many seats it has.

Every feature asks here, never the plan or status directly. It decides from the plan, the
subscription's status and the clock, through the table below (also in README.md, tested row by
row). With no Stripe keys configured (the embedded default) billing is off and every feature is
allowed, whatever the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context

from saas.billing import plans
from saas.db import utcnow
from saas.tenancy.models import Tenant

PAST_DUE_GRACE = timedelta(days=7)
PURGE_AFTER = timedelta(days=90)


@dataclass(frozen=True)
class Row:
    """One row of the state table."""

    runs: bool  # launch rounds, reminders, the interactions API
    banner: str | None  # what the member sees on every page
    read_only: bool


# state → what it allows. Reading dashboards and reports, and releases at quarter end for
# rounds already run, are allowed in every state; data is always kept (purged 90 days after a
# cancellation, with warnings at 30 and 7 days).
STATE_TABLE: dict[str, Row] = {
    "trialing": Row(runs=True, banner=None, read_only=False),
    "active": Row(runs=True, banner=None, read_only=False),
    "incomplete": Row(runs=True, banner="action_needed", read_only=False),
    "past_due": Row(runs=True, banner="past_due", read_only=False),  # first 7 days
    "past_due_expired": Row(runs=False, banner="read_only", read_only=True),
    "unpaid": Row(runs=False, banner="read_only", read_only=True),
    "canceled": Row(runs=False, banner="read_only", read_only=True),
    "trial_ended": Row(runs=False, banner="trial_ended", read_only=True),
    "unbilled": Row(runs=True, banner=None, read_only=False),  # billing not configured
}


@dataclass(frozen=True)
class Entitlements:
    plan: str  # the plan whose features apply ("growth" during a trial)
    status: str  # the subscription's status, as Stripe says it
    state: str  # the row of STATE_TABLE
    seat_limit: int | None  # None: no limit
    features: frozenset[str]
    can_run: bool  # launch rounds, send reminders, log interactions
    read_only: bool
    banner: str | None

    @property
    def can_launch_rounds(self) -> bool:
        return self.can_run

    @property
    def can_import(self) -> bool:
        return not self.read_only

    @property
    def can_use_api(self) -> bool:
        return plans.API in self.features

    @property
    def can_download_reports(self) -> bool:
        return True

    def allows(self, feature: str) -> bool:
        return feature in self.features

    def seats_left(self, seats_used: int) -> int | None:
        return None if self.seat_limit is None else max(self.seat_limit - seats_used, 0)


def billing_configured() -> bool:
    """True when Stripe keys are set; otherwise billing is off and everything is allowed."""
    if not has_app_context():
        return False
    settings = current_app.config.get("SETTINGS")
    return bool(settings is not None and settings.stripe_secret_key)


def state_of(tenant: Tenant, now: datetime) -> str:
    """The row of the state table that ``tenant`` is in at ``now``."""
    status = tenant.status
    if status == "trialing":
        ends = tenant.trial_ends_at
        return "trial_ended" if ends is not None and ends <= now else "trialing"
    if status == "past_due":
        since = tenant.past_due_since or now
        return "past_due_expired" if now - since >= PAST_DUE_GRACE else "past_due"
    if status in STATE_TABLE:
        return status
    return "canceled"  # incomplete_expired, paused or unknown: nothing new starts


def entitlements(tenant: Tenant, now: datetime | None = None) -> Entitlements:
    """What ``tenant`` may do at ``now`` (the one place that decides)."""
    if not billing_configured():
        every = frozenset(plans.FEATURE_NAMES)
        return Entitlements(tenant.plan, tenant.status, "unbilled", None, every, True, False, None)
    state = state_of(tenant, now or utcnow())
    row = STATE_TABLE[state]
    plan_key = plans.TRIAL_PLAN if tenant.status == "trialing" else tenant.plan
    plan = plans.plan(plan_key)
    return Entitlements(
        plan=plan.key,
        status=tenant.status,
        state=state,
        seat_limit=plan.seat_limit,
        features=plan.features,
        can_run=row.runs,
        read_only=row.read_only,
        banner=row.banner,
    )
