"""The team tree: one pure type, built from ``(id, name, parent_id)`` rows by one query
(``tenants.people.service.team_tree``), that every area uses for order, subtree, path, depth and
the cycle check, so a tree is ordered the same way on every page, export, report and release.

Order: parents before children, siblings by name (case-folded), then id. A parent that is not in
the rows (or a loop, which the cycle check prevents from ever being stored) makes a team a root.
Imports nothing of Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class TeamTree:
    names: dict[int, str]
    parent: dict[int, int | None]  # every team, in tree order
    children: dict[int | None, tuple[int, ...]]  # None: the roots; siblings in order
    depth: dict[int, int]
    order: tuple[int, ...]  # parents before children, siblings by name

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, int | None]]) -> TeamTree:
        rows = list(rows)
        names = {team_id: name for team_id, name, _ in rows}
        parent_of = {team_id: (p if p in names else None) for team_id, _, p in rows}
        for team_id in names:  # break a loop (never stored) by making its first member a root
            seen: set[int] = set()
            node: int | None = team_id
            while node is not None and node not in seen:
                seen.add(node)
                node = parent_of[node]
            if node is not None:
                parent_of[node] = None
        kids: dict[int | None, list[int]] = {}
        for team_id in names:
            kids.setdefault(parent_of[team_id], []).append(team_id)
        children = {
            p: tuple(sorted(ts, key=lambda t: (names[t].casefold(), t))) for p, ts in kids.items()
        }
        order: list[int] = []
        depth: dict[int, int] = {}
        stack = [(t, 0) for t in reversed(children.get(None, ()))]
        while stack:
            team_id, level = stack.pop()
            order.append(team_id)
            depth[team_id] = level
            stack.extend((c, level + 1) for c in reversed(children.get(team_id, ())))
        parent = {t: parent_of[t] for t in order}
        return cls(names, parent, children, depth, tuple(order))

    def __contains__(self, team_id: object) -> bool:
        return team_id in self.names

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    @property
    def roots(self) -> tuple[int, ...]:
        return self.children.get(None, ())

    def subtree(self, team_id: int) -> tuple[int, ...]:
        """``team_id`` and every team below it, in tree order (empty for an unknown team)."""
        if team_id not in self.names:
            return ()
        found: list[int] = []
        stack = [team_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return tuple(found)

    def path(self, team_id: int) -> tuple[int, ...]:
        """From the root down to ``team_id``."""
        chain: list[int] = []
        node: int | None = team_id if team_id in self.names else None
        while node is not None:
            chain.append(node)
            node = self.parent[node]
        return tuple(reversed(chain))

    def path_names(self, team_id: int, separator: str = " › ") -> str:
        return separator.join(self.names[t] for t in self.path(team_id))

    def would_cycle(self, team_id: int, new_parent: int | None) -> bool:
        """Whether putting ``team_id`` under ``new_parent`` would make a loop."""
        return new_parent is not None and new_parent in self.subtree(team_id)

    def bottom_up(self) -> tuple[int, ...]:
        """Every team after all the teams below it (for sums that roll up the tree)."""
        return tuple(reversed(self.order))
