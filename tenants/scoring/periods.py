"""Periods (quarters written ``2026-Q3``) and the tenant's calendar of rounds: which quarters
are complete, and the thresholds frozen on their rounds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from saas.db import utcnow
from tenants.scoring.aggregates.tenant_rows import RoundRow
from tenants.scoring.core.anonymity import MIN_THRESHOLD

PERIOD_RE: Final = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    """A period that is not written ``2026-Q3``."""


def check_period(period: str) -> str:
    """``period`` if it is a quarter written ``2026-Q3``, else ``PeriodError``."""
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        raise PeriodError(f"a period is written like 2026-Q3, got {period!r}")
    return period


def shift_period(period: str, quarters: int) -> str:
    """The quarter ``quarters`` after ``period`` (before it when negative)."""
    match = PERIOD_RE.match(check_period(period))
    assert match is not None
    index = int(match.group(1)) * 4 + int(match.group(2)) - 1 + quarters
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_of(moment: datetime, tz: str) -> str:
    """The quarter holding ``moment`` in the time zone ``tz``."""
    day = moment.astimezone(ZoneInfo(tz)).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(period: str, tz: str) -> datetime:
    """The instant (UTC) a quarter ends: local midnight starting the next quarter."""
    year, quarter = int(period[:4]), int(period[-1])
    year, month = (year + 1, 1) if quarter == 4 else (year, quarter * 3 + 1)
    return datetime(year, month, 1, tzinfo=ZoneInfo(tz)).astimezone(UTC)


class Calendar:
    """The tenant's rounds by period: which periods have results, and their thresholds."""

    def __init__(
        self, rows: Sequence[RoundRow], now: datetime | None = None, tz: str = "UTC"
    ) -> None:
        self.by_period: dict[str, list[RoundRow]] = {}
        for r in rows:
            self.by_period.setdefault(r.period, []).append(r)
        self.any = tuple(sorted(self.by_period))
        moment = now or utcnow()
        # A period's figures are published once it is complete: the quarter is over in the
        # tenant's time zone and every round of it is closed. Before that, each round that
        # closed would change the figures, and the difference between two views would be the
        # answers of one round of a team: a group of any size (docs/methodology.md §9.5).
        self.closed = tuple(
            p
            for p in self.any
            if all(r.status == "closed" for r in self.by_period[p]) and quarter_end(p, tz) <= moment
        )

    def complete(self, period: str) -> bool:
        return period in self.closed

    def rounds(
        self, period: str, kind: str | None = None, status: str | None = None
    ) -> list[RoundRow]:
        return [
            r
            for r in self.by_period.get(period, ())
            if (kind is None or r.kind == kind) and (status is None or r.status == status)
        ]

    def threshold(self, period: str, kind: str, default: int) -> int:
        """The highest threshold frozen on the period's closed rounds of ``kind``."""
        found = [r.threshold for r in self.rounds(period, kind, "closed")]
        return max(MIN_THRESHOLD, max(found) if found else default)

    def comment_threshold(self, period: str, default: int) -> int:
        found = [r.comment_threshold for r in self.rounds(period, "employee", "closed")]
        return max(found) if found else default

    def employee_periods(self) -> list[str]:
        """Periods with a closed employee round, oldest first."""
        return [p for p in self.closed if self.rounds(p, "employee", "closed")]

    def resolve(self, period: str | None, now: datetime, tz: str) -> str:
        """``period`` checked; None: the latest complete period, else the latest with any
        round, else the quarter holding ``now``."""
        if period is not None:
            return check_period(period)
        if self.closed:
            return self.closed[-1]
        if self.any:
            return self.any[-1]
        return quarter_of(now, tz)
