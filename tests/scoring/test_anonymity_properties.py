"""Property tests: nothing the engine hides can be worked out from what it releases.

Model: every cell (a team's direct members, or the people in no team) is one
coordinate. A group's additive figures (count, sum, sum of squares, favourable count)
are the sum of its cells' figures, so a group is its indicator vector over the cells
that have respondents (empty cells add nothing). An attacker who sees every released
group can compute exactly the linear combinations of their vectors. So a group is
recoverable iff its vector lies in the span of the released vectors; we check that
with a rank computation that knows nothing about how the engine decides.

Beyond "no hidden group is in the span", we check the stronger promise: every set of
people whose figures can be computed has at least the threshold of respondents. A 0/1
vector in the span is constant on each class of cells that belong to exactly the same
released groups (a "derivable atom"), so it suffices that every atom covered by some
released group holds at least the threshold.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.scoring.core.anonymity import (
    MIN_THRESHOLD,
    Breakdown,
    Cell,
    Comment,
    CommentSet,
    PartitionFigures,
    Released,
    Suppressed,
    TeamComments,
    TeamFigures,
    release,
)
from tenants.scoring.core.anonymity.groups import release_groups

ROOT = "<tenant>"


# --------------------------------------------------------------------------- strategies


@st.composite
def organisations(draw: st.DrawFn) -> tuple[dict[int, int | None], dict[int, Cell], Cell | None]:
    """A random forest of up to 16 teams, respondents skewed small, mixed thresholds."""
    size = draw(st.integers(1, 16))
    tree: dict[int, int | None] = {}
    for i in range(size):
        # Parents among earlier teams make a forest; bias towards some depth.
        tree[i] = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
    base = draw(st.integers(1, 8))  # below MIN_THRESHOLD on purpose sometimes
    respondents = st.one_of(st.just(0), st.integers(1, 4), st.integers(0, 14))
    cells: dict[int, Cell] = {}
    for i in range(size):
        if draw(st.booleans()) or i == 0:
            thr = draw(st.one_of(st.just(base), st.integers(1, 9)))
            cells[i] = Cell(draw(respondents), thr)
    unassigned = None
    if draw(st.integers(0, 3)) == 0:
        unassigned = Cell(draw(respondents), draw(st.one_of(st.just(base), st.integers(1, 9))))
    return tree, cells, unassigned


# --------------------------------------------------------------------------- independent checker


def _groups(
    tree: Mapping[int, int | None],
) -> dict[object, set[object]]:
    """Cells of every group: each team's sub-tree plus the tenant total (ROOT)."""
    cells_of: dict[object, set[object]] = {ROOT: {ROOT, *tree}}
    for team in tree:
        cells_of.setdefault(team, set()).add(team)
        p = tree[team]
        while p is not None:
            cells_of.setdefault(p, set()).add(team)
            p = tree[p]
    return cells_of


def _in_span(rows: np.ndarray, x: np.ndarray) -> bool:
    if rows.shape[0] == 0:
        return not x.any()
    r = np.linalg.matrix_rank(rows)
    return np.linalg.matrix_rank(np.vstack([rows, x])) == r


def check_breakdown(
    cells_of: Mapping[object, set[object]],
    cell_n: Mapping[object, int],
    cell_thr: Mapping[object, int],
    outcome: Mapping[object, object],
    *,
    never_alone: list[set[object]],
    min_threshold: int = MIN_THRESHOLD,
) -> None:
    """Assert the anonymity guarantees for one breakdown.

    ``cells_of``: group -> its cells; ``outcome``: group -> Released/CommentSet/Suppressed;
    ``never_alone``: sets of cells that must never be recoverable on their own (direct
    members of a team with sub-teams, people in no team or in no segment).
    """
    nonempty = sorted((c for c in cell_n if cell_n[c] > 0), key=repr)
    col = {c: i for i, c in enumerate(nonempty)}

    def vec(cells: set[object]) -> np.ndarray:
        v = np.zeros(len(nonempty))
        for c in cells:
            if c in col:
                v[col[c]] = 1
        return v

    def n_of(cells: set[object]) -> int:
        return sum(cell_n[c] for c in cells)

    def thr_of(cells: set[object]) -> int:
        answered = [cell_thr[c] for c in cells if cell_n[c] > 0]
        return max([min_threshold, *answered])

    released = [g for g, o in outcome.items() if not isinstance(o, Suppressed)]
    hidden = [g for g, o in outcome.items() if isinstance(o, Suppressed)]

    # 1. Counts and thresholds are right, and nothing small is released.
    for g in released:
        o = outcome[g]
        assert isinstance(o, Released | CommentSet)
        assert o.respondents == n_of(cells_of[g])
        assert o.respondents >= thr_of(cells_of[g]) >= min_threshold
    for g in hidden:
        o = outcome[g]
        assert isinstance(o, Suppressed)
        n, t = n_of(cells_of[g]), thr_of(cells_of[g])
        if o.reason == "below_threshold":
            assert n < t or n == 0
            if n:
                assert o.needed == t - n
        else:
            assert o.needed == 0 and n >= t

    rows = (
        np.array([vec(cells_of[g]) for g in released]) if released else np.zeros((0, len(nonempty)))
    )
    released_vectors = {tuple(r) for r in rows}

    # 2. No hidden group with respondents is in the span of released groups.
    for g in hidden:
        x = vec(cells_of[g])
        if x.any() and tuple(x) not in released_vectors:
            assert not _in_span(rows, x), f"hidden group {g!r} is recoverable"
        # A hidden group identical (same people) to a released one would be a bug.
        assert tuple(x) not in released_vectors or not x.any(), f"{g!r} equals a released group"

    # 3. Nothing that is never released on its own is recoverable, unless it *is* a
    #    released group (a team whose sub-teams nobody answered).
    for group in never_alone:
        x = vec(group)
        if x.any() and tuple(x) not in released_vectors:
            assert not _in_span(rows, x), f"{group!r} is recoverable"

    # 4. Every derivable atom (cells sharing the same released groups) is big enough.
    atoms: dict[tuple[float, ...], list[object]] = {}
    for c in nonempty:
        atoms.setdefault(tuple(rows[:, col[c]]), []).append(c)
    for key, members in atoms.items():
        if any(key):
            assert n_of(set(members)) >= thr_of(set(members)), f"derivable atom {members}"


def _cell_maps(
    tree: Mapping[int, int | None], cells: Mapping[int, Cell], unassigned: Cell | None
) -> tuple[dict[object, int], dict[object, int]]:
    cell_n: dict[object, int] = {team: 0 for team in tree}
    cell_thr: dict[object, int] = {team: 0 for team in tree}
    for team, cell in cells.items():
        cell_n[team], cell_thr[team] = cell.respondents, cell.threshold
    cell_n[ROOT] = unassigned.respondents if unassigned else 0
    cell_thr[ROOT] = unassigned.threshold if unassigned else 0
    return cell_n, cell_thr


def _outcomes(b: Breakdown) -> dict[object, object]:
    return {ROOT: b.total, **b.groups}


# --------------------------------------------------------------------------- properties


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(organisations())
def test_team_figures_leak_nothing(org: tuple) -> None:
    tree, cells, unassigned = org
    b = release(TeamFigures(tree, cells, unassigned=unassigned))
    cell_n, cell_thr = _cell_maps(tree, cells, unassigned)
    cells_of = _groups(tree)
    has_children = {p for p in tree.values() if p is not None}
    check_breakdown(
        cells_of,
        cell_n,
        cell_thr,
        _outcomes(b),
        never_alone=[{c} for c in {*has_children, ROOT}],
    )
    # The tenant total has no siblings: it is hidden only when it is too small.
    n_total = sum(cell_n.values())
    t_total = max([MIN_THRESHOLD] + [cell_thr[c] for c in cell_n if cell_n[c]])
    assert isinstance(b.total, Released) == (n_total >= t_total and n_total > 0)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.integers(0, 14), min_size=1, max_size=10),
    st.one_of(st.none(), st.integers(0, 8)),
    st.integers(1, 8),
)
def test_partitions_leak_nothing(sizes: list[int], rest: int | None, thr: int) -> None:
    parts = {f"segment-{i}": Cell(n, thr) for i, n in enumerate(sizes)}
    unassigned = None if rest is None else Cell(rest, thr)
    # Split one way, as the service releases customers (the people in no part: None).
    crossed = {(k,): c for k, c in parts.items()} | (
        {} if unassigned is None else {(None,): unassigned}
    )
    b = release(PartitionFigures(crossed, ("segment",)))["segment"]
    cell_n: dict[object, int] = {k: c.respondents for k, c in parts.items()}
    cell_n[ROOT] = rest or 0
    cell_thr: dict[object, int] = dict.fromkeys(cell_n, thr)
    cells_of: dict[object, set[object]] = {k: {k} for k in parts}
    cells_of[ROOT] = set(cell_n)
    check_breakdown(cells_of, cell_n, cell_thr, _outcomes(b), never_alone=[{ROOT}])


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(organisations(), st.integers(1, 14), st.randoms(use_true_random=False))
def test_comments_leak_nothing(org: tuple, comment_thr: int, rnd: random.Random) -> None:
    tree, cells, unassigned = org
    cell_n, cell_thr = _cell_maps(tree, cells, unassigned)
    # One comment from every cell with respondents.
    comments = [Comment(f"from {team}", team) for team, c in cells.items() if c.respondents]
    if unassigned and unassigned.respondents:
        comments.append(Comment("from nowhere", None))
    b = release(
        TeamComments(tree, cells, comments, rng=rnd, threshold=comment_thr, unassigned=unassigned)
    )
    cells_of = _groups(tree)
    strict_thr = {c: max(t, comment_thr) for c, t in cell_thr.items()}
    has_children = {p for p in tree.values() if p is not None}
    outcomes = _outcomes(b)
    check_breakdown(
        cells_of,
        cell_n,
        strict_thr,
        outcomes,
        never_alone=[{c} for c in {*has_children, ROOT}],
        min_threshold=max(MIN_THRESHOLD, comment_thr),
    )
    # Labels: a label names a released group holding the author, and the people who
    # could have written a comment with that label are never fewer than the threshold.
    released = {g for g, o in outcomes.items() if isinstance(o, CommentSet)}
    for g in released:
        shown = outcomes[g]
        assert isinstance(shown, CommentSet)
        expected = {
            c.text for c in comments if (ROOT if c.group is None else c.group) in cells_of[g]
        }
        assert {c.text for c in shown.comments} == expected
        for c in shown.comments:
            label = ROOT if c.group is None else c.group
            author = c.text.removeprefix("from ")
            author_cell: object = ROOT if author == "nowhere" else int(author)
            assert label in released and author_cell in cells_of[label]
            assert cells_of[label] <= cells_of[g]
            # Nothing more specific could have been named: no released group strictly
            # inside the label holds the author.
            assert not any(
                author_cell in cells_of[h] and cells_of[h] < cells_of[label] for h in released
            )
            # Who could carry this label: the label's cells minus released sub-groups.
            inner = set().union(*(cells_of[h] for h in released if cells_of[h] < cells_of[label]))
            pool = cells_of[label] - inner
            assert sum(cell_n[x] for x in pool) >= max(MIN_THRESHOLD, comment_thr)


@st.composite
def crossed_tables(draw: st.DrawFn) -> tuple[tuple[str, ...], dict[tuple, Cell]]:
    """Customers split 2 or 3 ways (segment, serving team, process), with empty cells."""
    ways = ("segment", "team", "process")[: draw(st.integers(2, 3))]
    values = [
        [*range(draw(st.integers(1, 3))), *([None] if draw(st.booleans()) else [])] for _ in ways
    ]
    thr = draw(st.integers(3, 6))
    respondents = st.one_of(st.just(0), st.just(0), st.integers(1, 4), st.integers(0, 12))
    cells: dict[tuple, Cell] = {}
    for key in itertools.product(*values):
        n = draw(respondents)
        if n:
            cells[key] = Cell(n, thr)
    return ways, cells


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(crossed_tables())
def test_breakdowns_side_by_side_leak_nothing(table: tuple) -> None:
    ways, cells = table
    out = release(PartitionFigures(cells, ways))
    cells_of: dict[object, set[object]] = {ROOT: set(cells)}
    outcomes: dict[object, object] = {}
    never: list[set[object]] = []
    for w, way in enumerate(ways):
        assert out[way].total == out[ways[0]].total
        outcomes[ROOT] = out[way].total
        parts = {key[w] for key in cells}
        assert set(out[way].groups) == parts - {None}
        for part in parts:
            members: set[object] = {key for key in cells if key[w] == part}
            if part is None:
                never.append(members)
            else:
                cells_of[(way, part)] = members
                outcomes[(way, part)] = out[way].groups[part]
    cell_n: dict[object, int] = {k: c.respondents for k, c in cells.items()}
    cell_thr: dict[object, int] = {k: c.threshold for k, c in cells.items()}
    check_breakdown(cells_of, cell_n, cell_thr, outcomes, never_alone=never)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(organisations())
def test_general_engine_on_team_trees_leaks_nothing(org: tuple) -> None:
    # The general engine must keep the same promises on a tree, with each team's
    # direct members as a group that is never released.
    tree, cells, unassigned = org
    cell_n, cell_thr = _cell_maps(tree, cells, unassigned)
    atoms = {c: Cell(cell_n[c], cell_thr[c]) for c in cell_n}
    cells_of = _groups(tree)
    has_children = {p for p in tree.values() if p is not None}
    direct = {("direct", c): {c} for c in {*has_children, ROOT}}
    out = release_groups(atoms, {**cells_of, **direct}, never_release=list(direct))
    assert set(out) == set(cells_of)
    check_breakdown(cells_of, cell_n, cell_thr, out, never_alone=list(direct.values()))
