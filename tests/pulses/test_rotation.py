"""Which questions a round asks: coverage per month and quarter, the purpose map, rotation."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import takewhile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.pulses.programs.rotation import (
    MAP_ROUND_ITEMS,
    MAX_ROTATING,
    PastRound,
    Ref,
    Selection,
    rotates,
    select_questions,
)
from tenants.pulses.programs.timing import CADENCES, quarter_of, send_dates
from tenants.surveys.bank import EMPLOYEE_DIMENSIONS, customer_bank, employee_bank

DIMS = EMPLOYEE_DIMENSIONS


def make_bank(sizes: dict[str, int]) -> list[Ref]:
    return [Ref(f"{dim}_{i}", dim) for dim, n in sizes.items() for i in range(n)]


def simulate(bank, cadence, start, end, weekday=0, anchor=None, **kwargs):
    """Every round from ``start`` to ``end`` with its selection, each seeing the ones before."""
    history: list[PastRound] = []
    rounds: list[tuple[date, Selection]] = []
    dates = takewhile(lambda d: d <= end, send_dates(cadence, weekday, start, anchor or start))
    for day in dates:
        selection = select_questions(bank, cadence, day, history=history, **kwargs)
        rounds.append((day, selection))
        history.append(selection.as_past(day))
    return rounds


def month_end(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next - timedelta(days=1)


# --- hand cases ------------------------------------------------------------------------------

ANCHORS = (
    "pc_know_why",
    "of_judged_by_results",
    "ow_responsible_results",
    "ad_change_how",
    "im_small_changes",
)


def test_a_round_asks_every_anchor_and_three_rotating_items() -> None:
    bank = employee_bank()
    dimension = {q.key: q.dimension for q in bank}
    history = [PastRound(date(2026, 1, 6), (), purpose_map=True)]  # the quarter's map is done
    selection = select_questions(bank, "monthly", date(2026, 2, 3), history=history)
    assert not selection.include_purpose_map
    assert len(selection.rotated) == 8  # 5 anchors + 3
    assert set(ANCHORS) <= set(selection.anchors) <= set(selection.rotated)
    assert sorted(dimension[key] for key in selection.anchors) == sorted(DIMS)
    assert selection.keys == (*selection.rotated, "emp_comment_purpose")
    # per_round counts the anchors: it can drop rotating items, never an anchor.
    small = select_questions(bank, "weekly", date(2026, 2, 3), per_round=1, history=history)
    assert small.rotated == small.anchors and len(small.anchors) == 5
    big = select_questions(bank, "weekly", date(2026, 2, 3), per_round=20, history=history)
    assert len(big.rotated) == 8


def test_the_purpose_map_round_asks_three_items_of_each_dimension() -> None:
    bank = employee_bank()
    dimension = {q.key: q.dimension for q in bank}
    for cadence in ("weekly", "monthly", "quarterly"):
        selection = select_questions(bank, cadence, date(2026, 4, 7), per_round=1)
        assert selection.include_purpose_map
        assert Counter(dimension[key] for key in selection.rotated) == dict.fromkeys(DIMS, 3)
        assert set(selection.anchors) <= set(selection.rotated)


def test_a_small_bank_asks_what_it_has() -> None:
    bank = make_bank(dict.fromkeys(DIMS, 1))
    selection = select_questions(bank, "weekly", date(2026, 3, 16), per_round=8)
    assert len(selection.rotated) == 5 and selection.rotated == selection.anchors


def test_purpose_map_once_a_quarter_and_never_for_customers() -> None:
    bank = employee_bank()
    rounds = simulate(bank, "weekly", date(2026, 1, 1), date(2026, 12, 31))
    with_map = [day for day, selection in rounds if selection.include_purpose_map]
    assert with_map == [date(2026, 1, 5), date(2026, 4, 6), date(2026, 7, 6), date(2026, 10, 5)]
    customer = simulate(
        customer_bank(), "weekly", date(2026, 1, 1), date(2026, 12, 31), purpose_map=False
    )
    assert not any(selection.include_purpose_map for _, selection in customer)


def test_a_program_starting_mid_quarter_gets_the_map_in_its_first_round() -> None:
    rounds = simulate(employee_bank(), "biweekly", date(2026, 5, 20), date(2026, 9, 30))
    with_map = [day for day, selection in rounds if selection.include_purpose_map]
    first_in_july = next(day for day, _ in rounds if day.month == 7)
    assert with_map == [rounds[0][0], first_in_july]
    assert rounds[0][0] == date(2026, 6, 1)  # the anchor's week, Mondays, on or after May 20


def test_customer_program_asks_its_anchor_and_rotates_the_rest() -> None:
    bank = customer_bank()
    rounds = simulate(
        bank, "monthly", date(2026, 1, 1), date(2026, 6, 30), per_round=4, purpose_map=False
    )
    anchor = next(q.key for q in bank if rotates(q))
    for _, selection in rounds:
        assert selection.keys[-1] == "cu_comment"
        assert "cu_comment" not in selection.rotated
        assert selection.anchors == (anchor,) and anchor in selection.rotated
        assert len(selection.rotated) == 4
        assert not selection.include_purpose_map
    # 6 rotating items, 3 a round: every item comes up within two rounds.
    asked = {key for _, selection in rounds[:2] for key in selection.rotated}
    assert asked == {q.key for q in bank if rotates(q)}


def test_rotation_is_least_recently_asked_first() -> None:
    bank = make_bank(dict.fromkeys(DIMS, 3))  # 10 non-anchor items, 3 a round after the map's
    rounds = simulate(bank, "weekly", date(2026, 1, 1), date(2026, 1, 31))
    assert rounds[0][1].include_purpose_map and len(rounds) == 4
    later = [set(selection.rotated) - set(selection.anchors) for _, selection in rounds[1:]]
    assert [len(keys) for keys in later] == [3, 3, 3]
    assert len(set().union(*later)) == 9  # nothing repeats while an item waits


def test_seed_changes_ties_and_the_result_is_deterministic() -> None:
    bank = employee_bank()
    day = date(2026, 3, 2)
    assert select_questions(bank, "weekly", day, seed=1) == select_questions(
        bank, "weekly", day, seed=1
    )
    picks = {select_questions(bank, "weekly", day, seed=s).rotated for s in range(20)}
    assert len(picks) > 1


def test_history_order_does_not_matter_and_later_rounds_are_ignored() -> None:
    bank = employee_bank()
    rounds = simulate(bank, "weekly", date(2026, 3, 1), date(2026, 3, 31))
    history = [selection.as_past(day) for day, selection in rounds]
    day, expected = rounds[2]
    assert select_questions(bank, "weekly", day, history=history) == expected
    assert select_questions(bank, "weekly", day, history=history[::-1]) == expected


def test_custom_questions_without_a_dimension_are_asked_every_round() -> None:
    bank = [*make_bank(dict.fromkeys(DIMS, 2)), Ref("custom_tools", None)]
    bank.append(Ref("custom_ownership", "ownership"))
    rounds = simulate(bank, "weekly", date(2026, 1, 1), date(2026, 3, 31))
    for _, selection in rounds:
        assert selection.keys[-1] == "custom_tools"
        assert "custom_tools" not in selection.rotated
    assert any("custom_ownership" in selection.rotated for _, selection in rounds)


def test_bad_arguments() -> None:
    bank = make_bank(dict.fromkeys(DIMS, 2))
    with pytest.raises(ValueError, match="duplicate"):
        select_questions([*bank, bank[0]], "weekly", date(2026, 1, 5))
    with pytest.raises(ValueError, match="per_round"):
        select_questions(bank, "weekly", date(2026, 1, 5), per_round=0)
    with pytest.raises(ValueError, match="cadence"):
        select_questions(bank, "daily", date(2026, 1, 5))  # type: ignore[arg-type]


def test_empty_bank_asks_only_the_every_round_questions() -> None:
    selection = select_questions([Ref("c", "ownership", "comment")], "monthly", date(2026, 1, 5))
    assert selection.keys == ("c",) and selection.rotated == ()


# --- properties ------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=250, deadline=None)
@given(
    cadence=st.sampled_from(CADENCES),
    start=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    weekday=st.integers(0, 6),
    sizes=st.lists(st.integers(1, 8), min_size=len(DIMS), max_size=len(DIMS)),
    per_round=st.integers(1, 12),
    seed=st.integers(0, 10**6),
    anchor_offset=st.integers(0, 13),
)
def test_a_year_of_rounds_keeps_every_rule(
    cadence, start, weekday, sizes, per_round, seed, anchor_offset
) -> None:
    size = dict(zip(DIMS, sizes, strict=True))
    bank = make_bank(size)
    dimension = {ref.key: ref.dimension for ref in bank}
    anchors = {f"{dim}_0" for dim in DIMS}  # each dimension's first item
    end = start + timedelta(days=365)
    anchor = start - timedelta(days=anchor_offset)
    rounds = simulate(
        bank, cadence, start, end, weekday=weekday, anchor=anchor, per_round=per_round, seed=seed
    )
    assert rounds

    last_asked: dict[str, int] = {}
    maps_in_quarter: Counter[tuple[int, int]] = Counter()
    first_in_quarter: dict[tuple[int, int], date] = {}

    for position, (day, selection) in enumerate(rounds):
        chosen = selection.rotated
        counts = Counter(dimension[key] for key in chosen)
        assert len(chosen) == len(set(chosen))
        assert selection.keys == chosen
        # The same anchor of every dimension, every round.
        assert set(selection.anchors) == anchors <= set(chosen)
        others = [key for key in chosen if key not in anchors]
        if selection.include_purpose_map:
            # The map's round: 3 items of each dimension (fewer only when the bank has fewer).
            assert counts == {dim: min(MAP_ROUND_ITEMS, size[dim]) for dim in DIMS}
        else:
            # At most 8 rating items: anchors and at most 3 rotating ones.
            available = sum(size.values()) - len(DIMS)
            wanted = min(MAX_ROTATING, max(0, per_round - len(DIMS)), available)
            assert len(others) == wanted
            # Least recently asked first, among all the non-anchor items.
            for key in others:
                for ref in bank:
                    if ref.key not in anchors and ref.key not in chosen:
                        assert last_asked.get(ref.key, -1) >= last_asked.get(key, -1)
        assert len(chosen) <= len(DIMS) + max(MAX_ROTATING, len(DIMS) * (MAP_ROUND_ITEMS - 1))

        for key in chosen:
            last_asked[key] = position
        quarter = quarter_of(day)
        first_in_quarter.setdefault(quarter, day)
        if selection.include_purpose_map:
            maps_in_quarter[quarter] += 1
            assert first_in_quarter[quarter] == day

    # Every quarter that has a round has exactly one round with the map: its first.
    assert set(maps_in_quarter) == set(first_in_quarter)
    assert set(maps_in_quarter.values()) == {1}
