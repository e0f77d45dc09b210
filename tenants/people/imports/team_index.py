"""The teams an import names: matched by key, and the missing ones planned and created."""

from __future__ import annotations

from collections.abc import Iterable

from saas.extensions import db
from tenants.people.models import Team
from tenants.people.service import team_tree
from tenants.people.teams import team_key


class TeamIndex:
    """The tenant's teams by key (case- and space-insensitive name), plus the paths an import
    asks for that do not exist yet. Small: one entry per team, never per row."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for team_id, name in team_tree().names.items():
            self.ids[team_key(name)] = team_id
            self.names[team_key(name)] = name
        self.wanted: dict[str, tuple[str, ...]] = {}

    def resolve(self, path: tuple[str, ...]) -> tuple[str | None, int | None]:
        if not path:
            return None, None
        key = team_key(path[-1])
        if key in self.ids:
            return key, self.ids[key]
        self.wanted.setdefault(key, path)
        return key, None

    def plan(self, keys: Iterable[str]) -> list[dict[str, str | None]]:
        """The teams that creating ``keys`` would add, parents first: [{name, parent}]."""
        known = dict(self.names)
        planned: list[dict[str, str | None]] = []
        for key in keys:
            parent_name: str | None = None
            for part in self.wanted.get(key, []):
                part_key = team_key(part)
                if part_key not in known:
                    known[part_key] = part
                    planned.append({"name": part, "parent": parent_name})
                parent_name = known[part_key]
        return planned

    def create(self, keys: Iterable[str]) -> list[dict[str, str | None]]:
        created: list[dict[str, str | None]] = []
        for key in keys:
            parent_id: int | None = None
            parent_name: str | None = None
            for part in self.wanted.get(key, []):
                part_key = team_key(part)
                if part_key not in self.ids:
                    team = Team(name=part, parent_id=parent_id)
                    db.session.add(team)
                    db.session.flush()
                    self.ids[part_key], self.names[part_key] = team.id, team.name
                    created.append({"name": part, "parent": parent_name})
                parent_id, parent_name = self.ids[part_key], self.names[part_key]
        return created
