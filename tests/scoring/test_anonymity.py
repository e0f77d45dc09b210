"""The anonymity engine on small organisations worked out by hand (threshold 5)."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from tenants.scoring.core.anonymity import (
    DEFAULT_COMMENT_THRESHOLD,
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
from tenants.scoring.core.figures import Participation
from tenants.scoring.core.stats import Moments

BELOW = "below_threshold"
COMP = "complementary"


def shown(b: Breakdown[Any, Any]) -> set[Any]:
    """Keys of released groups, with "total" for the tenant."""
    out = {k for k, o in b.groups.items() if not isinstance(o, Suppressed)}
    return out | ({"total"} if not isinstance(b.total, Suppressed) else set())


def cells(**sizes: int) -> dict[str, Cell]:
    return {k: Cell(n) for k, n in sizes.items()}


def by_team(tree: Any, cells: Any, **options: Any) -> Breakdown[Any, Any]:
    """Employee figures by team sub-tree, through the engine's one way in."""
    return release(TeamFigures(tree, cells, **options))


def by_parts(cells: Any, ways: Any, **options: Any) -> dict[str, Breakdown[Any, Any]]:
    """Several splits of the same customers released together, as the service does."""
    return release(PartitionFigures(cells, ways, **options))


def by_part(parts: Any, *, unassigned: Any = None) -> Breakdown[Any, Any]:
    """Customers split one way (the service's path, ``PartitionFigures``, with one way);
    ``unassigned``: those in no part."""
    cells = {(k,): c for k, c in parts.items()}
    if unassigned is not None:
        cells[(None,)] = unassigned
    return by_parts(cells, ("part",))["part"]


def comments_by_team(tree: Any, cells: Any, texts: Any, **options: Any) -> Breakdown[Any, Any]:
    """Comments by team sub-tree under the comment threshold, through the one way in."""
    return release(TeamComments(tree, cells, texts, **options))


# --------------------------------------------------------------------------- thresholds


def test_group_below_threshold_shows_only_what_it_needs() -> None:
    b = by_team({"a": None}, cells(a=3))
    assert b.groups["a"] == Suppressed(needed=2, reason=BELOW)
    assert b.total == Suppressed(needed=2, reason=BELOW)


def test_group_nobody_answered() -> None:
    b = by_team({"a": None, "b": None}, cells(a=6), default_threshold=7)
    assert b.groups["b"] == Suppressed(needed=7, reason=BELOW)
    # default_threshold only speaks for groups nobody answered; a's round froze 5.
    assert isinstance(b.groups["a"], Released)


def test_threshold_is_never_below_three() -> None:
    tree = {"a": None, "b": None}
    b = by_team(tree, {"a": Cell(3, threshold=1), "b": Cell(2, threshold=2)})
    assert b.groups["b"] == Suppressed(needed=1, reason=BELOW)
    assert isinstance(b.total, Released) and b.total.threshold == 3
    # a (3) is released by threshold but hidden to protect b: total - a = b.
    assert b.groups["a"] == Suppressed(needed=0, reason=COMP)


def test_group_threshold_is_the_highest_among_answered_cells() -> None:
    # a's round froze 8; b's froze 5; c was invited to an 8-round but nobody answered.
    tree = {"a": None, "b": None, "c": None}
    b = by_team(
        tree, {"a": Cell(8, threshold=8), "b": Cell(6, threshold=5), "c": Cell(0, threshold=9)}
    )
    assert isinstance(b.total, Released) and b.total.threshold == 8
    assert isinstance(b.groups["b"], Released) and b.groups["b"].threshold == 5
    assert b.groups["c"] == Suppressed(needed=9, reason=BELOW)


def test_released_figures_add_up() -> None:
    tree = {"p": None, "c": "p"}
    b = by_team(
        tree,
        {
            "p": Cell(0, invited=2),
            "c": Cell(6, moments={"ownership": Moments.from_values([50] * 6)}, invited=8),
        },
        unassigned=Cell(0, invited=1),
    )
    # p has no direct respondents, so p and c are the same six people: both shown.
    assert shown(b) == {"total", "p", "c"}
    assert b.groups["p"] == Released(6, 10, 5, {"ownership": Moments.from_values([50] * 6)})
    assert isinstance(b.total, Released) and b.total.invited == 11
    assert b.total.participation == pytest.approx(6 / 11)


# --------------------------------------------------------------------------- complementary


def test_one_small_sibling_hides_the_next_smallest() -> None:
    b = by_team(dict.fromkeys("abc"), cells(a=10, b=8, c=2))
    assert b.groups == {
        "a": Released(10, 0, 5, {}),
        "b": Suppressed(0, COMP),
        "c": Suppressed(3, BELOW),
    }
    assert shown(b) == {"total", "a"}  # total - a = b + c: ten people, not two


def test_hidden_remainder_must_itself_reach_the_threshold() -> None:
    # b and c are both hidden, but total - a = b + c = 4 people: too few, so a goes too.
    b = by_team(dict.fromkeys("abc"), cells(a=10, b=2, c=2))
    assert shown(b) == {"total"}
    assert b.groups["a"] == Suppressed(0, COMP)


def test_two_small_siblings_that_together_reach_the_threshold() -> None:
    b = by_team(dict.fromkeys("abc"), cells(a=10, b=2, c=3))
    assert shown(b) == {"total", "a"}  # total - a = b + c = 5 people, two hidden teams


def test_direct_members_are_an_implicit_sibling() -> None:
    # p: 1 manager; p/x: 8; p/y: 7. p - x - y would be the manager alone, so y is hidden.
    tree = {"p": None, "x": "p", "y": "p"}
    b = by_team(tree, cells(p=1, x=8, y=7))
    assert shown(b) == {"total", "p", "x"}
    assert b.groups["y"] == Suppressed(0, COMP)


def test_direct_members_are_never_released_on_their_own() -> None:
    # Six direct members clear the threshold, but they are not a team of their own.
    tree = {"p": None, "x": "p"}
    b = by_team(tree, cells(p=6, x=8))
    assert shown(b) == {"total", "p"}
    assert b.groups["x"] == Suppressed(0, COMP)


def test_people_in_no_team_are_never_released_on_their_own() -> None:
    b = by_team({"a": None}, cells(a=9), unassigned=Cell(6))
    assert shown(b) == {"total"}


def test_team_whose_sub_teams_nobody_answered_is_shown() -> None:
    tree = {"p": None, "x": "p"}
    b = by_team(tree, cells(p=6, x=0))
    assert shown(b) == {"total", "p"}
    assert b.groups["x"] == Suppressed(5, BELOW)


def test_hiding_a_group_hides_inside_it_too() -> None:
    # total: x (x1: 6, x2: 6) and y (2). y hidden → x hidden (its only sibling).
    # x hidden but x1 + x2 shown would give x back, so x1 (the first of the smallest)
    # is hidden too. What can be derived: total - x2 = x1 + y = 8 people.
    tree = {"x": None, "x1": "x", "x2": "x", "y": None}
    b = by_team(tree, cells(x1=6, x2=6, y=2))
    assert shown(b) == {"total", "x2"}
    assert b.groups["x"] == Suppressed(0, COMP)
    assert b.groups["x1"] == Suppressed(0, COMP)


def test_suppression_travels_down_several_levels() -> None:
    # total: a (a1 (a1a: 6, a1b: 6), a2: 7) and b (2).
    # b hidden → a hidden → a's smallest sub-team a2 hidden; a1 may stay, since
    # a2 then keeps something hidden inside a. Derivable: total - a1 = a2 + b = 9.
    tree = {"a": None, "a1": "a", "a1a": "a1", "a1b": "a1", "a2": "a", "b": None}
    b = by_team(tree, cells(a1a=6, a1b=6, a2=7, b=2))
    assert shown(b) == {"total", "a1", "a1a", "a1b"}


def test_small_team_deep_down_stays_local_when_it_can() -> None:
    # q has q1 (2) and q2 (9): q2 is hidden with q1; q itself and everything above stays.
    tree = {"p": None, "q": "p", "q1": "q", "q2": "q", "r": "p"}
    b = by_team(tree, cells(q1=2, q2=9, r=9))
    assert shown(b) == {"total", "p", "q", "r"}


def test_a_single_team_chain_is_one_group() -> None:
    # The company has one top team with one sub-team and nobody elsewhere: same people.
    tree = {"company": None, "ops": "company"}
    assert shown(by_team(tree, cells(ops=7))) == {"total", "company", "ops"}
    assert shown(by_team(tree, cells(ops=4))) == set()


def test_results_do_not_depend_on_dict_order_beyond_ties() -> None:
    tree = {"x": None, "y": None, "z": None}
    one = by_team(tree, cells(x=9, y=7, z=1))
    two = by_team(dict(reversed(tree.items())), cells(z=1, y=7, x=9))
    assert one.groups == two.groups


# --------------------------------------------------------------------------- partitions


def test_partition_by_segment() -> None:
    parts = {"retail": Cell(10), "smb": Cell(8), "enterprise": Cell(2)}
    b = by_part(parts)
    assert shown(b) == {"total", "retail"}
    assert b.groups["enterprise"] == Suppressed(3, BELOW)
    assert b.groups["smb"] == Suppressed(0, COMP)


def test_partition_with_customers_in_no_part() -> None:
    b = by_part({"a": Cell(10), "b": Cell(8)}, unassigned=Cell(3))
    assert shown(b) == {"total", "a"}  # total - a = b + the three with no segment
    b = by_part({"a": Cell(10), "b": Cell(8)}, unassigned=Cell(0))
    assert shown(b) == {"total", "a", "b"}


def test_breakdowns_side_by_side() -> None:
    # Segments C (2), D (8), E (10); serving teams W = C + 4 of D, X = the other 4 of D + E.
    # Alone, the segment breakdown would show E (hiding C and D). But X - E is then the
    # four D customers served by X: too few. So E is hidden as well.
    cells = {("C", "W"): Cell(2), ("D", "W"): Cell(4), ("D", "X"): Cell(4), ("E", "X"): Cell(10)}
    alone = by_part({"C": Cell(2), "D": Cell(8), "E": Cell(10)})
    assert shown(alone) == {"total", "E"}
    both = by_parts(cells, ("segment", "team"))
    assert shown(both["segment"]) == {"total"}
    assert shown(both["team"]) == {"total", "W", "X"}
    assert both["segment"].groups["C"] == Suppressed(3, BELOW)
    assert both["segment"].total == both["team"].total


def test_breakdowns_side_by_side_with_no_part() -> None:
    # Everyone has no serving team: "no team" is the total itself, which is shown.
    both = by_parts({("a", None): Cell(6), ("b", None): Cell(7)}, ("segment", "team"))
    assert shown(both["segment"]) == {"total", "a", "b"}
    assert both["team"].groups == {}
    # Some have no segment: they are never shown alone, so the segments cannot all be.
    both = by_parts({("a", "t"): Cell(6), (None, "t"): Cell(7)}, ("segment", "team"))
    assert shown(both["segment"]) == {"total"}
    assert shown(both["team"]) == {"total", "t"}
    with pytest.raises(ValueError, match="one part per way"):
        by_parts({("a",): Cell(6)}, ("segment", "team"))


def test_release_groups_periods_side_by_side() -> None:
    # A team's quarters and its year: the year minus three shown quarters would give
    # the fourth, hidden one, so a second quarter is hidden too.
    atoms = {"q1": Cell(6), "q2": Cell(7), "q3": Cell(8), "q4": Cell(2)}
    groups = {q: [q] for q in atoms} | {"year": list(atoms)}
    out = release_groups(atoms, groups)
    assert out["q4"] == Suppressed(3, BELOW)
    assert out["q1"] == Suppressed(0, COMP)
    assert isinstance(out["year"], Released) and out["year"].respondents == 23
    assert {k for k, o in out.items() if isinstance(o, Released)} == {"q2", "q3", "year"}
    with pytest.raises(ValueError, match="unknown cell"):
        release_groups(atoms, {"x": ["q5"]})
    with pytest.raises(ValueError, match="unknown groups"):
        release_groups(atoms, groups, never_release=["q9"])


# --------------------------------------------------------------------------- open rounds


def test_open_round_shows_counts_only() -> None:
    # While a round is open the service shows participation (``Participation``: counts, never
    # scores); the counts and decisions are the engine's.
    b = by_team(
        dict.fromkeys("abc"),
        {
            "a": Cell(10, moments={"ownership": Moments.from_values([80] * 10)}, invited=12),
            "b": Cell(8, invited=9),
            "c": Cell(2, invited=6),
        },
    )
    assert isinstance(b.total, Released)
    assert (b.total.respondents, b.total.invited) == (20, 27)
    a = b.groups["a"]
    assert isinstance(a, Released) and (a.respondents, a.invited) == (10, 12)
    assert a.participation == pytest.approx(10 / 12)
    assert b.groups["c"] == Suppressed(3, BELOW)
    assert b.groups["b"] == Suppressed(0, COMP)
    fields = {f.name for f in dataclasses.fields(Participation)}
    assert fields == {"invited", "answered", "open_rounds"}  # no moments, no scores


# --------------------------------------------------------------------------- comments


TREE = {"sales": None, "east": "sales", "west": "sales", "ops": None}
PEOPLE = cells(sales=0, east=12, west=3, ops=11)
COMMENTS = [
    Comment("more training", "east", "small_change"),
    Comment("fewer meetings", "east"),
    Comment("we need a new CRM", "west"),
    Comment("the night shift is ignored", "ops"),
]


def test_comments_under_the_stricter_threshold() -> None:
    b = comments_by_team(TREE, PEOPLE, COMMENTS, rng=random.Random(1))
    assert DEFAULT_COMMENT_THRESHOLD == 10
    # west (3) is below 10; east would then give west away, so only sales as a whole,
    # ops and the total are shown.
    assert b.groups["west"] == Suppressed(7, BELOW)
    assert b.groups["east"] == Suppressed(0, COMP)
    total = b.total
    assert isinstance(total, CommentSet) and total.respondents == 26
    assert sorted(c.text for c in total.comments) == sorted(c.text for c in COMMENTS)
    sales = b.groups["sales"]
    assert isinstance(sales, CommentSet)
    # Team names below the threshold are removed: east and west become "sales".
    assert {(c.text, c.group) for c in sales.comments} == {
        ("more training", "sales"),
        ("fewer meetings", "sales"),
        ("we need a new CRM", "sales"),
    }
    assert {c.topic for c in sales.comments} == {"small_change", None}
    assert {c.group for c in total.comments} == {"sales", "ops"}


def test_comments_carry_no_time_and_are_shuffled_reproducibly() -> None:
    many = [Comment(f"comment {i}", "ops") for i in range(30)]
    one = comments_by_team(TREE, PEOPLE, many, rng=random.Random(7)).groups["ops"]
    two = comments_by_team(TREE, PEOPLE, many, rng=random.Random(7)).groups["ops"]
    assert isinstance(one, CommentSet) and isinstance(two, CommentSet)
    assert one == two
    texts = [c.text for c in one.comments]
    assert sorted(texts) == sorted(c.text for c in many)
    assert texts != [c.text for c in many]
    assert {f.name for f in dataclasses.fields(one.comments[0])} == {"text", "group", "topic"}


def test_comment_threshold_is_never_below_the_figure_threshold() -> None:
    people = {"ops": Cell(11, threshold=12), "hr": Cell(20)}
    b = comments_by_team({"ops": None, "hr": None}, people, [], rng=random.Random(0))
    assert b.groups["ops"] == Suppressed(1, BELOW)
    b = comments_by_team({"ops": None}, {"ops": Cell(6)}, [], rng=random.Random(0), threshold=3)
    assert isinstance(b.groups["ops"], CommentSet)


def test_comment_from_a_team_with_nobody_is_an_error() -> None:
    with pytest.raises(ValueError, match="no respondents"):
        comments_by_team(TREE, PEOPLE, [Comment("?", "sales")], rng=random.Random(0))
    with pytest.raises(ValueError, match="unknown"):
        comments_by_team(TREE, PEOPLE, [Comment("?", "legal")], rng=random.Random(0))


# --------------------------------------------------------------------------- bad input


def test_tree_validation() -> None:
    with pytest.raises(ValueError, match="unknown parent"):
        by_team({"a": "ghost"}, {})
    with pytest.raises(ValueError, match="cycle"):
        by_team({"a": "b", "b": "a"}, {})
    with pytest.raises(ValueError, match="unknown group"):
        by_team({"a": None}, {"b": Cell(5)})
    with pytest.raises(ValueError):
        Cell(-1)
