"""The tree engine: threshold and complementary suppression over a team tree (or a flat
partition: a tree of roots), bottom-up to a fixed point. How and why: the package's docstring
and docs/methodology.md §7."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic

from tenants.scoring.core.anonymity.cells import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    Breakdown,
    Cell,
    K,
    Released,
    Suppressed,
    SuppressionReason,
    merge_moments,
)
from tenants.scoring.core.stats import Moments


@dataclass(slots=True)
class IndexTree(Generic[K]):
    """Index-based tree: node 0 is the tenant-wide root, node i ≥ 1 is team keys[i - 1]."""

    keys: list[K]
    index: dict[K, int]
    parent: list[int]  # parent[0] == -1
    children: list[list[int]]
    postorder: list[int]

    @property
    def size(self) -> int:
        return len(self.parent)


def build_tree(tree: Mapping[K, K | None]) -> IndexTree[K]:
    keys = list(tree)
    index = {k: i for i, k in enumerate(keys, start=1)}
    size = len(keys) + 1
    parent = [-1] * size
    children: list[list[int]] = [[] for _ in range(size)]
    for k, i in index.items():
        p = tree[k]
        if p is None:
            parent[i] = 0
        elif p in index:
            parent[i] = index[p]
        else:
            raise ValueError(f"team {k!r} has unknown parent {p!r}")
        children[parent[i]].append(i)
    # Iterative DFS from the root; a node never reached sits on a cycle.
    postorder: list[int] = []
    stack: list[tuple[int, bool]] = [(0, False)]
    while stack:
        v, done = stack.pop()
        if done:
            postorder.append(v)
            continue
        stack.append((v, True))
        stack.extend((c, False) for c in reversed(children[v]))
    if len(postorder) != size:
        raise ValueError("the team tree has a cycle")
    return IndexTree(keys, index, parent, children, postorder)


@dataclass(frozen=True, slots=True)
class Decision:
    n: list[int]
    threshold: list[int]
    released: list[bool]
    reason: list[SuppressionReason | None]

    def suppressed(self, v: int) -> Suppressed:
        if self.reason[v] == "complementary":
            return Suppressed(0, "complementary")
        return Suppressed(max(0, self.threshold[v] - self.n[v]), "below_threshold")


def decide(t: IndexTree[K], own: list[Cell], default_threshold: int) -> Decision:
    """Threshold and complementary suppression over the tree, to a fixed point."""
    size = t.size
    own_n = [c.respondents for c in own]
    n = [0] * size
    thr = [0] * size
    seen_thr = [0] * size  # highest threshold of any cell, answered or not
    floor = max(MIN_THRESHOLD, default_threshold)
    for v in t.postorder:
        n[v] = own_n[v] + sum(n[c] for c in t.children[v])
        answered = own[v].threshold if own_n[v] else 0
        thr[v] = max([answered] + [thr[c] for c in t.children[v] if n[c]])
        seen_thr[v] = max([own[v].threshold] + [seen_thr[c] for c in t.children[v]])
    for v in range(size):
        # A group's threshold is the highest among the rounds feeding it; a group
        # nobody answered shows the highest it would face.
        thr[v] = max(MIN_THRESHOLD, thr[v] if n[v] else max(seen_thr[v], floor))

    released = [n[v] > 0 and n[v] >= thr[v] for v in range(size)]
    reason: list[SuppressionReason | None] = [
        None if released[v] else "below_threshold" for v in range(size)
    ]
    # uncov[v]: respondents in v's sub-tree not inside a released group (0 if v is
    # released). A hidden group with uncov 0 would equal the sum of released groups.
    uncov = [0] * size

    def nonempty_children(v: int) -> list[int]:
        return [c for c in t.children[v] if n[c]]

    def smallest_released(v: int) -> int | None:
        cands = [c for c in nonempty_children(v) if released[c]]
        # Ties go to the earlier team in the caller's order, so results are stable.
        return min(cands, key=lambda c: (n[c], c)) if cands else None

    def hide(v: int) -> None:
        released[v] = False
        reason[v] = "complementary"

    def settle_hidden(v: int) -> None:
        """Make hidden v keep something hidden inside it, hiding down one path."""
        path = [v]
        while n[path[-1]] and not own_n[path[-1]]:
            below = nonempty_children(path[-1])
            if any(not released[c] for c in below):
                break  # a hidden child with uncov > 0 (settled before) is inside
            c = smallest_released(path[-1])
            assert c is not None
            hide(c)
            path.append(c)
        for u in reversed(path):
            uncov[u] = own_n[u] + sum(uncov[c] for c in t.children[u] if not released[c])

    def bordering(v: int) -> list[int]:
        """Released groups whose nearest released ancestor is v: v's released sub-teams
        and released groups inside its hidden sub-teams. Hiding one grows v's remainder."""
        out: list[int] = []
        stack = nonempty_children(v)
        while stack:
            c = stack.pop()
            if released[c]:
                out.append(c)
            else:
                stack.extend(nonempty_children(c))
        return out

    for v in t.postorder:  # children are settled before their parent
        if released[v]:
            kids = nonempty_children(v)
            while kids:
                hidden = [c for c in kids if not released[c]]
                parts = (1 if own_n[v] else 0) + len(hidden)
                rest = own_n[v] + sum(uncov[c] for c in hidden)
                if parts == 0 or (parts >= 2 and rest >= thr[v]):
                    break
                # Hide the smallest bordering group: normally the next-smallest sibling
                # of what is hidden (ties go to the earlier team in the caller's order).
                cands = bordering(v)
                # Unreachable: with nothing shown below, the remainder is all of v (at
                # least its threshold) in two or more parts, or v has the same people as
                # its one hidden part. Kept so that a bug fails safe.
                if not cands:
                    hide(v)
                    break
                c = min(cands, key=lambda c: (n[c], c))
                hide(c)
                settle_hidden(c)
                u = t.parent[c]
                while u != v:  # hidden groups between c and v now hide more
                    uncov[u] = own_n[u] + sum(uncov[x] for x in t.children[u] if not released[x])
                    u = t.parent[u]
        if released[v]:
            uncov[v] = 0
        else:
            settle_hidden(v)
    return Decision(n, thr, released, reason)


def own_cells(
    t: IndexTree[K], cells: Mapping[K, Cell], unassigned: Cell | None, default_threshold: int
) -> list[Cell]:
    empty = Cell(0, default_threshold)
    own = [empty] * t.size
    for k, cell in cells.items():
        if k not in t.index:
            raise ValueError(f"figures for unknown group {k!r}")
        own[t.index[k]] = cell
    if unassigned is not None:
        own[0] = unassigned
    return own


def group_outcomes(
    t: IndexTree[K], own: list[Cell], d: Decision
) -> tuple[Released | Suppressed, dict[K, Released | Suppressed]]:
    moments: list[dict[str, Moments]] = [{} for _ in range(t.size)]
    invited = [0] * t.size
    for v in t.postorder:
        moments[v] = merge_moments([own[v].moments, *(moments[c] for c in t.children[v])])
        invited[v] = own[v].invited + sum(invited[c] for c in t.children[v])

    def outcome(v: int) -> Released | Suppressed:
        if d.released[v]:
            return Released(d.n[v], invited[v], d.threshold[v], moments[v])
        return d.suppressed(v)

    return outcome(0), {k: outcome(i) for k, i in t.index.items()}


def team_figures(
    tree: Mapping[K, K | None],
    cells: Mapping[K, Cell],
    *,
    unassigned: Cell | None = None,
    default_threshold: int = DEFAULT_THRESHOLD,
) -> Breakdown[K, Released]:
    """Employee figures for one period, by team sub-tree.

    ``tree`` maps every team to its parent team (None for a top-level team); ``cells``
    holds each team's *direct members* (a team left out has nobody); ``unassigned``
    the people in no team. ``default_threshold`` is only used to tell a group nobody
    answered how many answers it needs. ``groups[team]`` is the team's sub-tree and
    ``total`` the whole tenant.
    """
    t = build_tree(tree)
    own = own_cells(t, cells, unassigned, default_threshold)
    total, groups = group_outcomes(t, own, decide(t, own, default_threshold))
    return Breakdown(total, groups)
