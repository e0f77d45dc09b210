"""The one team tree: order, subtree, path, depth and the cycle check."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tenants.people.tree import TeamTree

ROWS = [
    (1, "Sales", None),
    (2, "operations", None),
    (3, "Field", 2),
    (4, "Back office", 2),
    (5, "North", 3),
    (6, "Ghost", 99),  # parent gone: a root
]


def test_order_is_parents_first_and_siblings_by_name_ignoring_case():
    tree = TeamTree.build(ROWS)
    assert tree.order == (6, 2, 4, 3, 5, 1)
    assert tree.depth == {6: 0, 2: 0, 4: 1, 3: 1, 5: 2, 1: 0}
    assert tree.roots == (6, 2, 1)


def test_subtree_path_and_cycle_check():
    tree = TeamTree.build(ROWS)
    assert tree.subtree(2) == (2, 4, 3, 5)
    assert tree.subtree(42) == ()
    assert tree.path(5) == (2, 3, 5)
    assert tree.path_names(5) == "operations › Field › North"
    assert tree.would_cycle(2, 5) and tree.would_cycle(3, 3)
    assert not tree.would_cycle(3, 1) and not tree.would_cycle(3, None)


def test_a_stored_loop_still_gives_every_team_once():
    tree = TeamTree.build([(1, "A", 2), (2, "B", 1), (3, "C", 2)])
    assert sorted(tree.order) == [1, 2, 3]
    assert len(set(tree.order)) == 3


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 30)), max_size=30, unique_by=lambda r: r[0]
    )
)
def test_every_team_appears_once_after_its_parent(pairs):
    rows = [(team, f"t{team % 7}", parent or None) for team, parent in pairs]
    tree = TeamTree.build(rows)
    assert sorted(tree.order) == sorted(team for team, _, _ in rows)
    position = {team: i for i, team in enumerate(tree.order)}
    for team in tree.order:
        parent = tree.parent[team]
        if parent is not None:
            assert position[parent] < position[team]
            assert tree.depth[team] == tree.depth[parent] + 1
        assert set(tree.subtree(team)) >= {team}
    bottom_up = {team: i for i, team in enumerate(tree.bottom_up())}
    for team in tree.order:
        if tree.parent[team] is not None:
            assert bottom_up[team] < bottom_up[tree.parent[team]]
