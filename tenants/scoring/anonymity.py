"""The anonymity engine: the one place that decides which group figures may be shown.

Every output (dashboard, CSV, API, PDF) takes its figures from here. The inputs are
plain numbers per *cell*, the atomic group that SQL can count without double counting:

* employees: a team's *direct members* (people in that team and in none of its
  sub-teams), plus optionally the people in no team at all (``unassigned``);
* customers: one part of a flat partition (one segment, one process, one serving
  team), plus optionally the customers in no part.

Groups are built from cells: for employees every team *sub-tree* (the team with all
its sub-teams), for customers every part; in both cases the tenant-wide total is the
root. A group's figures (counts, sums, sums of squares, favourable counts) are the sums
of its cells' figures, so anything released can be added and subtracted. The engine
therefore guarantees, for the released groups:

1. every released group has at least its threshold of respondents;
2. no hidden group, and no hidden cell, can be computed from released groups;
3. stronger: every set of people whose figures *can* be computed from released groups
   has at least the threshold of respondents.

It gets there with threshold suppression plus complementary suppression, iterated to a
fixed point. Take any released group G and remove its released sub-groups: what is
left (its "remainder") is computable. The remainder must be empty, or be made of at
least two hidden parts (so no single part can be isolated) holding together at least
G's threshold of respondents. A team's direct members always count as one hidden part:
they are never released on their own. When a remainder breaks the rule, G's smallest
released sub-group bordering the remainder (normally the next-smallest sibling) is
hidden too. A hidden group must itself keep something hidden
inside it (otherwise it equals the sum of its released sub-groups), so hiding a group
can force hiding one of its sub-groups, which can in turn change its parent's remainder:
the engine works bottom-up and repeats locally until nothing changes. The reasoning and
proof sketch are in docs/methodology.md; tests/scoring proves it on random organisations.

Entry points: ``release_team_figures`` (employees, by team sub-tree),
``release_partition`` (customers split one way), ``release_partitions`` (several splits
of the same customers shown side by side), ``release_groups`` (any family of groups,
checked by linear algebra), ``release_comments`` and ``counts_only`` (open rounds).
Each call covers one period.

Counts of respondents are not protected: a hidden group still says how many more
answers it needs.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, Literal, TypeVar

import numpy as np

from .stats import Moments

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

#: No group smaller than this is ever shown, whatever a round says.
MIN_THRESHOLD: Final = 3
DEFAULT_THRESHOLD: Final = 5
DEFAULT_COMMENT_THRESHOLD: Final = 10

SuppressionReason = Literal["below_threshold", "complementary"]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Cell:
    """Figures of one atomic group.

    ``respondents``: distinct people who answered (from invitations); each person must
    be counted in exactly one cell per period. ``threshold``: the highest threshold
    frozen on the rounds whose responses fall in this cell (raised to MIN_THRESHOLD).
    ``moments``: additive figures by name, normally one per dimension.
    """

    respondents: int
    threshold: int = DEFAULT_THRESHOLD
    moments: Mapping[str, Moments] = field(default_factory=dict)
    invited: int = 0

    def __post_init__(self) -> None:
        if self.respondents < 0 or self.invited < 0:
            raise ValueError("counts must not be negative")


@dataclass(frozen=True, slots=True)
class Released:
    """A group whose figures may be shown."""

    respondents: int
    invited: int
    threshold: int
    moments: Mapping[str, Moments]

    @property
    def participation(self) -> float | None:
        return self.respondents / self.invited if self.invited else None


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A group whose figures may not be shown.

    ``below_threshold``: ``needed`` more respondents would release it (unless a
    neighbour then needs protecting). ``complementary``: it has enough respondents but
    is hidden so that a smaller group cannot be worked out by subtraction; ``needed``
    is 0.
    """

    needed: int
    reason: SuppressionReason


@dataclass(frozen=True, slots=True)
class Counts:
    """What a group shows while its round is still open: counts, never scores."""

    respondents: int
    invited: int

    @property
    def participation(self) -> float | None:
        return self.respondents / self.invited if self.invited else None


@dataclass(frozen=True, slots=True)
class Breakdown(Generic[K, T]):
    """The engine's answer: the tenant-wide total and one entry per group key."""

    total: T | Suppressed
    groups: Mapping[K, T | Suppressed]


@dataclass(frozen=True, slots=True)
class Comment(Generic[K]):
    """One free-text answer. ``group`` is the author's cell: their team (direct
    membership) or partition part; None when they are in none. No timestamp on purpose."""

    text: str
    group: K | None
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class ReleasedComment(Generic[K]):
    """A comment as shown. ``group`` is the most specific group that can be named
    without narrowing the author below the comment threshold, or None."""

    text: str
    group: K | None
    topic: str | None


@dataclass(frozen=True, slots=True)
class CommentSet(Generic[K]):
    respondents: int
    comments: tuple[ReleasedComment[K], ...]


# --------------------------------------------------------------------------- engine


@dataclass(slots=True)
class _Tree(Generic[K]):
    """Index-based tree: node 0 is the tenant-wide root, node i ≥ 1 is team keys[i - 1]."""

    keys: list[K]
    index: dict[K, int]
    parent: list[int]  # parent[0] == -1
    children: list[list[int]]
    postorder: list[int]

    @property
    def size(self) -> int:
        return len(self.parent)


def _build_tree(tree: Mapping[K, K | None]) -> _Tree[K]:
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
    return _Tree(keys, index, parent, children, postorder)


@dataclass(frozen=True, slots=True)
class _Decision:
    n: list[int]
    threshold: list[int]
    released: list[bool]
    reason: list[SuppressionReason | None]

    def suppressed(self, v: int) -> Suppressed:
        if self.reason[v] == "complementary":
            return Suppressed(0, "complementary")
        return Suppressed(max(0, self.threshold[v] - self.n[v]), "below_threshold")


def _decide(t: _Tree[K], own: list[Cell], default_threshold: int) -> _Decision:
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
    return _Decision(n, thr, released, reason)


def _own_cells(
    t: _Tree[K], cells: Mapping[K, Cell], unassigned: Cell | None, default_threshold: int
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


def _merge_moments(parts: Iterable[Mapping[str, Moments]]) -> dict[str, Moments]:
    out: dict[str, Moments] = {}
    for p in parts:
        for name, m in p.items():
            out[name] = out[name] + m if name in out else m
    return out


def _figures(
    t: _Tree[K], own: list[Cell], d: _Decision
) -> tuple[Released | Suppressed, dict[K, Released | Suppressed]]:
    moments: list[dict[str, Moments]] = [{} for _ in range(t.size)]
    invited = [0] * t.size
    for v in t.postorder:
        moments[v] = _merge_moments([own[v].moments, *(moments[c] for c in t.children[v])])
        invited[v] = own[v].invited + sum(invited[c] for c in t.children[v])

    def outcome(v: int) -> Released | Suppressed:
        if d.released[v]:
            return Released(d.n[v], invited[v], d.threshold[v], moments[v])
        return d.suppressed(v)

    return outcome(0), {k: outcome(i) for k, i in t.index.items()}


# --------------------------------------------------------------------------- public API


def release_team_figures(
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
    t = _build_tree(tree)
    own = _own_cells(t, cells, unassigned, default_threshold)
    total, groups = _figures(t, own, _decide(t, own, default_threshold))
    return Breakdown(total, groups)


def release_partition(
    parts: Mapping[K, Cell],
    *,
    unassigned: Cell | None = None,
    default_threshold: int = DEFAULT_THRESHOLD,
) -> Breakdown[K, Released]:
    """Customer figures for one period split one way (by segment, by process or by
    serving team). ``parts`` must not overlap; ``unassigned`` holds those in no part
    (never released on its own). Call once per way of splitting."""
    return release_team_figures(
        dict.fromkeys(parts), parts, unassigned=unassigned, default_threshold=default_threshold
    )


def counts_only(breakdown: Breakdown[K, Released]) -> Breakdown[K, Counts]:
    """For a round that is still open: respondent and invitation counts, no scores."""

    def strip(o: Released | Suppressed) -> Counts | Suppressed:
        return Counts(o.respondents, o.invited) if isinstance(o, Released) else o

    return Breakdown(strip(breakdown.total), {k: strip(o) for k, o in breakdown.groups.items()})


def release_comments(
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
    t = _build_tree(tree)
    own = _own_cells(t, cells, unassigned, threshold)
    stricter = [Cell(c.respondents, max(c.threshold, threshold), {}, c.invited) for c in own]
    d = _decide(t, stricter, threshold)

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


# --------------------------------------------------------------------------- any groups

A = TypeVar("A", bound=Hashable)
G = TypeVar("G", bound=Hashable)

_TOL: Final = 1e-9


def release_groups(
    atoms: Mapping[A, Cell],
    groups: Mapping[G, Collection[A]],
    *,
    never_release: Collection[G] = (),
    default_threshold: int = DEFAULT_THRESHOLD,
) -> dict[G, Released | Suppressed]:
    """The general engine, for groups that overlap in any way (several breakdowns of
    the same people, a customer in several processes, periods side by side).

    ``atoms`` are disjoint cells; every group is a set of atoms. ``never_release``
    groups (e.g. the people with no segment) are protected like hidden groups and left
    out of the answer. It enforces the same promises as the tree engine, but checks
    them by linear algebra rather than by the tree's structure:

    * every set of cells that is in the same released groups (a "derivable atom":
      anything computable from released figures is a union of these) holds at least
      its threshold of respondents; when one does not, it is merged with its nearest
      neighbour by hiding the released groups that tell them apart;
    * no hidden group lies in the span of released ones; when one does, the smallest
      released group used to compute it is hidden.

    Each round hides one group, so it ends; it is greedy, not minimal. Cost grows
    with groups² × atoms: meant for tens of groups, not thousands (use the tree engine).
    """
    for g, members in groups.items():
        for a in members:
            if a not in atoms:
                raise ValueError(f"group {g!r} holds unknown cell {a!r}")
    unknown = set(never_release) - set(groups)
    if unknown:
        raise ValueError(f"never_release names unknown groups {sorted(map(repr, unknown))}")

    answered = [a for a in atoms if atoms[a].respondents > 0]
    col = {a: j for j, a in enumerate(answered)}
    resp = np.array([atoms[a].respondents for a in answered], dtype=np.int64)
    thr_of = np.array([max(MIN_THRESHOLD, atoms[a].threshold) for a in answered], dtype=np.int64)

    # Groups with the same answered cells are the same people: one decision for all.
    vectors: list[np.ndarray] = []
    by_bytes: dict[bytes, int] = {}
    vec_of: dict[G, int] = {}
    for g, members in groups.items():
        v = np.zeros(len(answered), dtype=np.int8)
        for a in members:
            if a in col:
                v[col[a]] = 1
        key = v.tobytes()
        if key not in by_bytes:
            by_bytes[key] = len(vectors)
            vectors.append(v)
        vec_of[g] = by_bytes[key]

    count = len(vectors)
    n = [int(resp[v.astype(bool)].sum()) for v in vectors]
    thr = [int(thr_of[v.astype(bool)].max(initial=MIN_THRESHOLD)) for v in vectors]
    # A never-released group that holds exactly the people of a normal group (everyone
    # has no segment, say) is that group: it is released with it.
    never = set(never_release)
    locked = {vec_of[g] for g in never} - {vec_of[g] for g in groups if g not in never}
    released = [n[i] > 0 and n[i] >= thr[i] and i not in locked for i in range(count)]
    reason: list[SuppressionReason] = ["below_threshold"] * count

    def hide(i: int) -> None:
        released[i] = False
        reason[i] = "complementary"

    while True:
        rel = [i for i in range(count) if released[i]]
        if not rel:
            break
        m = np.array([vectors[i] for i in rel], dtype=np.float64)  # released × cells
        # Derivable atoms: cells with the same column (same released groups).
        classes: dict[bytes, list[int]] = {}
        for j in range(len(answered)):
            classes.setdefault(m[:, j].astype(np.int8).tobytes(), []).append(j)
        small = [
            (int(resp[js].sum()), key)
            for key, js in classes.items()
            if m[:, js[0]].any() and resp[js].sum() < thr_of[js].max()
        ]
        if small:
            _, key = min(small)
            mine = set(np.flatnonzero(m[:, classes[key][0]]))
            # Merge it with the neighbour that is cheapest to join: hide the groups
            # that tell them apart (all of its own groups, for "nobody").
            options = [mine] + [
                mine ^ set(np.flatnonzero(m[:, js[0]])) for k, js in classes.items() if k != key
            ]
            best = min(options, key=lambda d: (len(d), sum(n[rel[r]] for r in d)))
            hide(min((rel[r] for r in best), key=lambda i: (n[i], i)))
            continue
        # Hidden groups (and never-released ones) must stay out of the released span.
        exposed = None
        for i in sorted(range(count), key=lambda i: (n[i], i)):
            if released[i] or n[i] == 0:
                continue
            x = vectors[i].astype(np.float64)
            coef, *_ = np.linalg.lstsq(m.T, x, rcond=None)
            if np.abs(m.T @ coef - x).max() < 1e-6:
                exposed = coef
                break
        if exposed is None:
            break
        used = [rel[r] for r in range(len(rel)) if abs(exposed[r]) > _TOL]
        hide(min(used, key=lambda i: (n[i], i)))

    out: dict[G, Released | Suppressed] = {}
    for g, members in groups.items():
        if g in never:
            continue
        i = vec_of[g]
        if released[i]:
            cells = [atoms[a] for a in members]
            out[g] = Released(
                n[i],
                sum(c.invited for c in cells),
                thr[i],
                _merge_moments(c.moments for c in cells),
            )
        elif reason[i] == "complementary":
            out[g] = Suppressed(0, "complementary")
        else:
            t = (
                thr[i]
                if n[i]
                else max([MIN_THRESHOLD, default_threshold] + [atoms[a].threshold for a in members])
            )
            out[g] = Suppressed(max(0, t - n[i]), "below_threshold")
    return out


def release_partitions(
    cells: Mapping[tuple[Hashable, ...], Cell],
    ways: Sequence[str],
    *,
    default_threshold: int = DEFAULT_THRESHOLD,
) -> dict[str, Breakdown[Hashable, Released]]:
    """Several flat breakdowns of the same people, safe *together*.

    Showing customers by segment and, separately, by serving team lets a reader
    subtract one breakdown from the other (segment D minus team W's part of it...),
    which per-breakdown suppression does not see. Pass the cross-classified cells:
    ``cells[(segment, serving_team)]`` for ``ways=("segment", "serving_team")``, None
    where a person has no part in that way. Returns one Breakdown per way, sharing the
    same total; the people with no part in a way are never released on their own.
    """
    for key in cells:
        if len(key) != len(ways):
            raise ValueError(f"cell {key!r} does not have one part per way {tuple(ways)!r}")
    groups: dict[tuple[Hashable, ...], list[tuple[Hashable, ...]]] = {("total",): list(cells)}
    never: list[tuple[Hashable, ...]] = []
    for w, way in enumerate(ways):
        for key in cells:
            groups.setdefault(("part", way, key[w]), []).append(key)
        if ("part", way, None) in groups:
            never.append(("part", way, None))
    out = release_groups(cells, groups, never_release=never, default_threshold=default_threshold)
    result: dict[str, Breakdown[Hashable, Released]] = {}
    for way in ways:
        parts = {g[2]: o for g, o in out.items() if g[0] == "part" and g[1] == way}
        result[way] = Breakdown(out[("total",)], parts)
    return result
