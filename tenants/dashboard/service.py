"""What the dashboard needs besides the figures: who may see which team, and the checklist that
leads a new tenant to its first results.

The figures themselves come from one place, ``figures()``, which calls the scoring service
(``tenants.scoring.service.dashboard``): it reads the rollups and applies the anonymity engine.
Nothing here computes a figure from raw answers.

No ``request``, no ``flash``: plain functions on the current tenant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from saas.auth.models import MemberInvite, Membership
from saas.extensions import db
from tenants.people.models import Employee, Team
from tenants.pulses import programs
from tenants.pulses.models import Program, Round
from tenants.scoring import service as scoring_service
from tenants.scoring.anonymity import DEFAULT_THRESHOLD
from tenants.scoring.figures import Dashboard, GroupFigures

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
    id: int
    name: str
    depth: int


def team_tree() -> list[TeamOption]:
    """Every team of the tenant in tree order (parents before children, names alphabetical)."""
    rows = db.session.execute(select(Team.id, Team.name, Team.parent_id)).all()
    known = {row.id for row in rows}
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in known else None
        children.setdefault(parent, []).append(row)
    out: list[TeamOption] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.name.lower(), r.id)):
            if row.id in seen:
                continue
            seen.add(row.id)
            out.append(TeamOption(row.id, row.name, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return out


def subtree(options: Iterable[TeamOption], root_id: int) -> list[TeamOption]:
    """``root_id`` and the teams below it, from a tree-ordered list."""
    out: list[TeamOption] = []
    root_depth: int | None = None
    for option in options:
        if root_depth is not None:
            if option.depth <= root_depth:
                break
            out.append(option)
        elif option.id == root_id:
            root_depth = option.depth
            out.append(option)
    return out


def visible_teams(membership: Membership) -> list[TeamOption]:
    """The teams a member may choose in the filter."""
    options = team_tree()
    if membership.role in WHOLE_TENANT_ROLES:
        return options
    if membership.team_id is None:
        return []
    return subtree(options, membership.team_id)


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
    if requested not in {t.id for t in subtree(team_tree(), membership.team_id)}:
        raise NotAllowed(requested)
    return requested


# -- the checklist ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    done: bool
    endpoints: tuple[str, ...]  # the first that exists is linked


def _exists(query: Any) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def _program_reviewed() -> bool:
    """A program was started, or edited away from the defaults it was created with."""
    if _exists(select(Program.id).where(Program.started.is_(True))):
        return True
    for program in db.session.scalars(select(Program)):
        defaults = (
            programs.EMPLOYEE_DEFAULTS if program.kind == "employee" else programs.CUSTOMER_DEFAULTS
        )
        names = programs.NAMES.get(program.kind, {}).values()
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
        Step(
            "people",
            _exists(select(Employee.id)),
            ("people.imports_page", "people.employees"),
        ),
        Step("programs", _program_reviewed(), ("pulses.programs",)),
        Step("round", _exists(select(Round.id)), ("pulses.programs",)),
        Step("executive", executive, ("tenancy.members",)),
    ]
