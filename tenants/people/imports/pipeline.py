"""The pipeline: stream rows into a stage, check them with set-based SQL, then apply them.

Nothing is written before ``apply_staged``; the caller's transaction holds the stage, and the
caller commits or rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from saas.billing.entitlements import entitlements
from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.aggregates import findings, stage, writes
from tenants.people.imports.checks import RowChecker
from tenants.people.imports.csvfile import ImportFileError
from tenants.people.imports.team_index import TeamIndex
from tenants.people.service import SeatLimitExceeded, seat_limit_message

BATCH = 2000
PROBLEM_LIMIT = 1000  # bad rows kept for the preview page (all of them are counted)
PROGRESS_EVERY = 5000
MAX_NEW_TEAMS = 500  # more is a wrong column, not an organisation
MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW"})


@dataclass
class Staged:
    """What an import would do, computed on the stage (nothing written yet)."""

    tenant: Tenant
    kind: str
    teams: TeamIndex
    counts: dict[str, int]
    problems: list[dict[str, Any]]
    new_team_keys: list[str]
    missing: int = 0
    seats_used: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def valid(self) -> int:
        return self.counts["total"] - self.counts["invalid"]

    def seats_after(self, deactivate_missing: bool) -> int:
        return (
            self.seats_used
            + self.counts["activated"]
            - self.counts["deactivated"]
            - (self.missing if deactivate_missing else 0)
        )

    def seat_problem(self, deactivate_missing: bool) -> str | None:
        if self.kind != "employees":
            return None
        after = self.seats_after(deactivate_missing)
        limit = entitlements(self.tenant).seat_limit
        if limit is not None and after > limit and after > self.seats_used:
            return seat_limit_message(self.tenant, after)
        return None


ProgressFn = Callable[[int], None]


def stage_source(
    tenant: Tenant,
    kind: str,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    problem_limit: int = PROBLEM_LIMIT,
    progress: ProgressFn | None = None,
    day_first: bool | None = None,
) -> Staged:
    """Stream ``rows`` into a fresh stage and check them. The caller's transaction holds it.

    Dates like 03/04/2025 are read day first, except for tenants in month-first countries
    (the US) whose file does not have a Spanish date header.
    """
    tenant_id = require_tenant_id()
    stage.create_stage(tenant_id)
    teams = TeamIndex()
    if day_first is None:
        day_first = tenant.country.upper() not in MONTH_FIRST_COUNTRIES
    checker = RowChecker(kind, teams, day_first=day_first)
    batch: list[dict[str, Any]] = []
    for count, (line, raw) in enumerate(rows, start=1):
        batch.append(checker.check(line, raw))
        if len(batch) >= BATCH:
            stage.stage_rows(tenant_id, batch)
            batch = []
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    stage.stage_rows(tenant_id, batch)
    if len(teams.wanted) > MAX_NEW_TEAMS:
        raise ImportFileError(
            _(
                "The file names %(n)s teams that do not exist (at most %(max)s at once): is the "
                "team column the right one?",
                n=len(teams.wanted),
                max=MAX_NEW_TEAMS,
            )
        )
    findings.check_stage(tenant_id, kind)
    return Staged(
        tenant=tenant,
        kind=kind,
        teams=teams,
        counts=findings.stage_counts(tenant_id, kind),
        problems=findings.stage_problems(tenant_id, problem_limit),
        new_team_keys=findings.new_team_keys(tenant_id),
        missing=writes.count_missing(tenant_id, kind),
        seats_used=writes.active_employee_count(tenant_id),
    )


@dataclass
class Applied:
    created: int
    updated: int
    unchanged: int
    deactivated: int
    skipped: int
    teams_created: list[dict[str, str | None]]


def apply_staged(staged: Staged, *, deactivate_missing: bool = False) -> Applied:
    """Create the teams, upsert the good rows, deactivate the missing, check the seats.

    Raises ``SeatLimitExceeded`` after writing when the limit is passed: the caller rolls back.
    """
    tenant_id = require_tenant_id()
    created_teams = staged.teams.create(staged.new_team_keys)
    writes.assign_teams(tenant_id, {key: staged.teams.ids[key] for key in staged.new_team_keys})
    now = utcnow()
    writes.upsert(tenant_id, staged.kind, now)
    deactivated = 0
    if deactivate_missing:
        deactivated = writes.deactivate_missing(tenant_id, staged.kind, now)
    if staged.kind == "employees":
        after = writes.active_employee_count(tenant_id)
        limit = entitlements(staged.tenant).seat_limit
        if limit is not None and after > limit and after > staged.seats_used:
            raise SeatLimitExceeded(seat_limit_message(staged.tenant, after))
    stage.drop_stage(tenant_id)
    db.session.expire_all()
    return Applied(
        created=staged.counts["new"],
        updated=staged.counts["updated"],
        unchanged=staged.counts["unchanged"],
        deactivated=deactivated,
        skipped=staged.counts["invalid"],
        teams_created=created_teams,
    )
