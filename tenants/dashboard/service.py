"""What the dashboard needs besides the figures: who may see which team, and the checklist that
leads a new tenant to its first results.

The figures themselves come from one place, ``figures()``, which calls the scoring service
(``tenants.scoring.service.dashboard``): it reads the rollups and applies the anonymity engine.
Nothing here computes a figure from raw answers.

No ``request``, no ``flash``: plain functions on the current tenant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from saas.auth.models import MemberInvite, Membership
from saas.extensions import db
from tenants.people import service as people_service
from tenants.people.models import Employee, Team
from tenants.pulses.models import Program, Round
from tenants.pulses.programs import service as programs
from tenants.scoring import service as scoring_service
from tenants.scoring.core.anonymity import DEFAULT_THRESHOLD
from tenants.scoring.core.figures import Dashboard, GroupFigures

PERIOD_RE = re.compile(r"^\d{4}-Q[1-4]$")
#: Roles that read results of the whole tenant; team leads read their own subtree.
WHOLE_TENANT_ROLES = frozenset({"owner", "admin", "executive"})


class NotAllowed(LookupError):
    """The member may not see this team (the view answers 404)."""


# -- the figures ------------------------------------------------------------------------------


def empty_dashboard(team_id: int | None = None, threshold: int = DEFAULT_THRESHOLD) -> Dashboard:
    """A dashboard with no results at all (no closed round yet)."""
    overall = GroupFigures(
        key="all" if team_id is None else f"team:{team_id}",
        name="",
        released=False,
        respondents=0,
        invited=0,
        participation=None,
        threshold=threshold,
        needed=threshold,
        team_id=team_id,
    )
    return Dashboard(
        period="", periods=(), team_id=team_id, overall=overall, trend=(), teams=(), customers=None
    )


def figures(tenant_id: int, period: str | None = None, team_id: int | None = None) -> Dashboard:
    """The one call to the scoring service: released figures for one period and scope."""
    return scoring_service.dashboard(tenant_id, period=period, team_id=team_id)


def clean_period(value: str | None) -> str | None:
    """A requested period (``2026-Q3``) or None for "the latest"."""
    value = (value or "").strip()
    return value if PERIOD_RE.match(value) else None


def has_results(dashboard: Dashboard) -> bool:
    return bool(dashboard.periods)


def change_notes(period: str) -> list[Round]:
    """What the company changed, in its own words ("what we changed since last time"), in the
    rounds of ``period``."""
    if not period:
        return []
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.period == period, Round.change_note.is_not(None), Round.change_note != "")
            .order_by(Round.opens_at, Round.id)
        )
    )


# -- teams and scope --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamOption:
    """A team in the filter; ``depth`` indents it under its parent."""

    id: int
    name: str
    depth: int


def visible_teams(membership: Membership) -> list[TeamOption]:
    """The teams a member may choose in the filter, in the tenant's one tree order."""
    tree = people_service.team_tree()
    if membership.role in WHOLE_TENANT_ROLES:
        team_ids: tuple[int, ...] = tree.order
    elif membership.team_id is None:
        return []
    else:
        team_ids = tree.subtree(membership.team_id)
    return [TeamOption(t, tree.names[t], tree.depth[t]) for t in team_ids]


def scope_for(membership: Membership, requested: int | None) -> int | None:
    """The team whose subtree the member sees (None: the whole tenant).

    Owners, admins and executives may ask for any team of the tenant; a team lead sees their
    own team when they ask for nothing, and a team outside their subtree is ``NotAllowed``.
    """
    if membership.role in WHOLE_TENANT_ROLES:
        if requested is None:
            return None
        if db.session.get(Team, requested) is None:
            raise NotAllowed(requested)
        return requested
    if membership.team_id is None:
        raise NotAllowed(requested)
    if requested is None or requested == membership.team_id:
        return membership.team_id
    if requested not in people_service.team_tree().subtree(membership.team_id):
        raise NotAllowed(requested)
    return requested


# -- the checklist ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    done: bool
    endpoint: str  # the page that does it


def _exists(query: Any) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def _program_reviewed() -> bool:
    """A program was started, a round launched (which needs a look at the program first), or a
    program edited away from the defaults it was created with."""
    if _exists(select(Program.id).where(Program.started.is_(True))) or _exists(select(Round.id)):
        return True
    for program in db.session.scalars(select(Program)):
        defaults = (
            programs.EMPLOYEE_DEFAULTS if program.kind == "employee" else programs.CUSTOMER_DEFAULTS
        )
        names = programs.default_names(program.kind)
        if program.name not in names:
            return True
        for field, default in defaults.items():
            if getattr(program, field, default) != default:
                return True
    return False


def checklist() -> list[Step]:
    """The four steps from an empty tenant to its first results, each ticked from real data."""
    executive = _exists(select(Membership.id).where(Membership.role == "executive")) or _exists(
        select(MemberInvite.id).where(
            MemberInvite.role == "executive", MemberInvite.revoked_at.is_(None)
        )
    )
    return [
        Step("people", _exists(select(Employee.id)), "people.imports_page"),
        Step("programs", _program_reviewed(), "pulses.programs"),
        Step("round", _exists(select(Round.id)), "pulses.programs"),
        Step("executive", executive, "tenancy.members"),
    ]
