"""One seeding of the history: what the generation of every month needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from saas.tenancy.models import Tenant
from tenants.demo import dates
from tenants.demo.batch import Batch
from tenants.demo.story import QUARTERS, Story
from tenants.pulses.programs import timing


@dataclass
class Run:
    """The tenant, its story, the months from six quarters ago to ``now``, and the rows made."""

    tenant: Tenant
    story: Story
    now: datetime
    batch: Batch = field(default_factory=Batch)
    months: list[date] = field(init=False)
    periods: list[str] = field(init=False)

    def __post_init__(self) -> None:
        today = timing.local_date(self.now, self.tenant.timezone)
        self.months = dates.months(dates.quarter_start(today, QUARTERS), today)
        self.periods = sorted({timing.period_of(m) for m in self.months})

    @property
    def place(self) -> ZoneInfo:
        return timing.zone(self.tenant.timezone)

    def quarter(self, day: date) -> int:
        """The index of ``day``'s quarter in the history (0 = oldest)."""
        return self.periods.index(timing.period_of(day))
