"""The one entitlement function: what a tenant may do and how many seats it has.

Every feature asks here, never the plan or status directly. Until billing lands, a tenant in any
status may do everything, with the plan's seat limit as the only bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from saas.tenancy.models import Tenant

PLAN_SEATS = {"starter": 10_000, "growth": 100_000, "scale": 1_000_000}


@dataclass(frozen=True)
class Entitlements:
    plan: str
    status: str
    seat_limit: int
    can_launch_rounds: bool
    can_import: bool
    can_use_api: bool
    can_download_reports: bool

    def seats_left(self, seats_used: int) -> int:
        return max(self.seat_limit - seats_used, 0)


def entitlements(tenant: Tenant) -> Entitlements:
    return Entitlements(
        plan=tenant.plan,
        status=tenant.status,
        seat_limit=PLAN_SEATS.get(tenant.plan, PLAN_SEATS["starter"]),
        can_launch_rounds=True,
        can_import=True,
        can_use_api=True,
        can_download_reports=True,
    )
