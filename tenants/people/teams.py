"""Editing the team tree (names, moves, the cycle check) and showing it (the teams page's
nested nodes, the indented select options, each team's head count).

Every read of the tree goes through ``service.team_tree()``, the one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from saas.extensions import db
from tenants.people.models import Employee, Team
from tenants.people.service import PeopleError, team_or_error, team_tree


def team_key(name: str) -> str:
    """Team names are unique per tenant regardless of case and spacing."""
    return " ".join(name.split()).casefold()


@dataclass
class TeamNode:
    id: int
    name: str
    children: list[TeamNode]


def team_forest() -> list[TeamNode]:
    """The team tree as nested nodes (for the teams page)."""
    tree = team_tree()

    def node(team_id: int) -> TeamNode:
        return TeamNode(
            team_id, tree.names[team_id], [node(c) for c in tree.children.get(team_id, ())]
        )

    return [node(root) for root in tree.roots]


def team_choices(blank: str | None = "—") -> list[tuple[int, str]]:
    """Select options in tree order, indented by depth."""
    tree = team_tree()
    options = [(t, "\u00a0\u00a0" * tree.depth[t] + tree.names[t]) for t in tree.order]
    return ([(0, blank)] if blank is not None else []) + options


def _clean_team_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise PeopleError(_("Give the team a name."), "name")
    if len(clean) > 120 or ">" in clean:
        raise PeopleError(_("A team name has at most 120 characters and no “>”."), "name")
    return clean


def _check_team_name_free(name: str, team_id: int | None = None) -> None:
    for other_id, other_name in team_tree().names.items():
        if other_id != team_id and team_key(other_name) == team_key(name):
            raise PeopleError(
                _("There is already a team called %(name)s.", name=other_name), "name"
            )


def create_team(name: str, parent_id: int | None = None) -> Team:
    clean = _clean_team_name(name)
    _check_team_name_free(clean)
    parent = team_or_error(parent_id)
    team = Team(name=clean, parent_id=parent.id if parent else None)
    db.session.add(team)
    db.session.flush()
    return team


def rename_team(team: Team, name: str) -> None:
    clean = _clean_team_name(name)
    _check_team_name_free(clean, team.id)
    team.name = clean


def move_team(team: Team, parent_id: int | None) -> None:
    """Put ``team`` under ``parent_id`` (or at the top); refuses to make a cycle."""
    parent = team_or_error(parent_id)
    if parent is not None and team_tree().would_cycle(team.id, parent.id):
        raise PeopleError(
            _(
                "%(team)s cannot go under %(parent)s: %(parent)s is inside %(team)s.",
                team=team.name,
                parent=parent.name,
            )
            if parent.id != team.id
            else _("A team cannot be its own parent."),
            "parent_id",
        )
    team.parent_id = parent.id if parent else None


def team_member_counts() -> dict[int, int]:
    """Active employees directly in each team."""
    rows = db.session.execute(
        select(Employee.team_id, func.count(Employee.id))
        .where(Employee.active, Employee.team_id.is_not(None))
        .group_by(Employee.team_id)
    )
    return dict(rows.tuples().all())


def subtree_counts(direct: dict[int, int]) -> dict[int, int]:
    """Active employees in each team and all its sub-teams, from the direct counts."""
    tree = team_tree()
    return {t: sum(direct.get(s, 0) for s in tree.subtree(t)) for t in tree}


def team_name(team_id: int | None) -> str | None:
    team = db.session.get(Team, team_id) if team_id else None
    return team.name if team else None
