"""Comments through the engine, under the stricter comment threshold."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from tenants.scoring.core.anonymity.cells import (
    DEFAULT_COMMENT_THRESHOLD,
    Breakdown,
    Cell,
    Comment,
    CommentSet,
    K,
    ReleasedComment,
    Suppressed,
)
from tenants.scoring.core.anonymity.tree import build_tree, decide, own_cells


def team_comments(
    tree: Mapping[K, K | None],
    cells: Mapping[K, Cell],
    comments: Iterable[Comment[K]],
    *,
    rng: random.Random,
    threshold: int = DEFAULT_COMMENT_THRESHOLD,
    unassigned: Cell | None = None,
) -> Breakdown[K, CommentSet[K]]:
    """Comments for one period, by group, under the stricter comment threshold.

    The same engine runs with every cell's threshold raised to ``threshold`` (never
    below the figure threshold), so a comment list is shown only for a group that has
    enough respondents and cannot be narrowed by comparing lists. Each comment names
    the most specific released group that holds its author (its team only when that
    team clears the threshold). Lists are shuffled with ``rng`` and carry no time.
    For customers pass a flat tree: ``dict.fromkeys(parts)``.
    """
    t = build_tree(tree)
    own = own_cells(t, cells, unassigned, threshold)
    stricter = [Cell(c.respondents, max(c.threshold, threshold), {}, c.invited) for c in own]
    d = decide(t, stricter, threshold)

    # The label of a cell's comments: its nearest released ancestor-or-self (a team
    # label only; the root is the tenant and names nothing).
    label_node = [-1] * t.size
    for v in range(t.size):
        u = v
        while u != -1 and not d.released[u]:
            u = t.parent[u]
        label_node[v] = u

    lists: list[list[ReleasedComment[K]]] = [[] for _ in range(t.size)]
    for c in comments:
        if c.group is None:
            v = 0
        elif c.group in t.index:
            v = t.index[c.group]
        else:
            raise ValueError(f"comment from unknown group {c.group!r}")
        if not stricter[v].respondents:
            raise ValueError(f"comment from group {c.group!r}, which has no respondents")
        lab = label_node[v]
        if lab == -1:
            continue  # no group holding its author is released
        shown = ReleasedComment(c.text, None if lab == 0 else t.keys[lab - 1], c.topic)
        u = lab
        while u != -1:
            lists[u].append(shown)
            u = t.parent[u]

    def outcome(v: int) -> CommentSet[K] | Suppressed:
        if d.released[v]:
            items = lists[v][:]
            rng.shuffle(items)
            return CommentSet(d.n[v], tuple(items))
        return d.suppressed(v)

    total = outcome(0)  # shuffled first, then teams in the caller's order
    return Breakdown(total, {k: outcome(i) for k, i in t.index.items()})
