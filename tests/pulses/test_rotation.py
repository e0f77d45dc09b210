"""Which questions a round asks: coverage per month and quarter, the purpose map, rotation."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import takewhile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.pulses.programs.rotation import (
    MONTHLY_MIN_ASKS,
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


def test_weekly_round_with_the_employee_bank() -> None:
    bank = employee_bank()
    selection = select_questions(bank, "weekly", date(2026, 3, 2))
    # First round of a 5-round month: one item of each dimension, plus the comment.
    assert len(selection.rotated) == 5
    dimension = {q.key: q.dimension for q in bank}
    assert sorted(dimension[key] for key in selection.rotated) == sorted(DIMS)
    assert selection.keys == (*selection.rotated, "emp_comment_purpose")
    assert selection.include_purpose_map


def test_monthly_round_raises_per_round_to_two_items_per_dimension() -> None:
    bank = employee_bank()
    selection = select_questions(bank, "monthly", date(2026, 3, 2), per_round=5)
    dimension = {q.key: q.dimension for q in bank}
    counts = Counter(dimension[key] for key in selection.rotated)
    assert counts == dict.fromkeys(DIMS, 2)
    bigger = select_questions(bank, "monthly", date(2026, 3, 2), per_round=12)
    assert len(bigger.rotated) == 12


def test_quarterly_round_covers_every_dimension_even_with_a_small_per_round() -> None:
    bank = employee_bank()
    selection = select_questions(bank, "quarterly", date(2026, 4, 6), per_round=1)
    dimension = {q.key: q.dimension for q in bank}
    assert sorted(dimension[key] for key in selection.rotated) == sorted(DIMS)


def test_per_round_is_lowered_only_by_a_small_bank() -> None:
    bank = make_bank(dict.fromkeys(DIMS, 1))
    selection = select_questions(bank, "weekly", date(2026, 3, 16), per_round=9)
    assert len(selection.rotated) == 5


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


def test_customer_program_rotates_felt_value_and_always_asks_the_comment() -> None:
    bank = customer_bank()
    rounds = simulate(bank, "monthly", date(2026, 1, 1), date(2026, 6, 30), purpose_map=False)
    for _, selection in rounds:
        assert selection.keys[-1] == "cu_comment"
        assert "cu_comment" not in selection.rotated
        assert len(selection.rotated) == 5
        assert not selection.include_purpose_map
    # 7 rotating items, 5 a round: every item comes up within two rounds.
    asked = {key for _, selection in rounds[:2] for key in selection.rotated}
    assert asked == {q.key for q in bank if rotates(q)}


def test_large_bank_repeats_nothing_within_a_month() -> None:
    bank = employee_bank()  # 35 rotating items, at most 5 rounds x 5 = 25 a month
    rounds = simulate(bank, "weekly", date(2026, 1, 1), date(2027, 12, 31))
    by_month: dict[tuple[int, int], list[str]] = defaultdict(list)
    for day, selection in rounds:
        by_month[day.year, day.month].extend(selection.rotated)
    for month, keys in by_month.items():
        assert len(keys) == len(set(keys)), month


def test_rotation_is_least_recently_asked_first() -> None:
    bank = make_bank(dict.fromkeys(DIMS, 3))  # 15 items, 5 per round: a 3-round cycle
    rounds = simulate(bank, "quarterly", date(2026, 1, 1), date(2028, 12, 31))
    cycles = [frozenset(selection.rotated) for _, selection in rounds]
    assert len(cycles[0] | cycles[1] | cycles[2]) == 15
    assert cycles[3:6] == cycles[0:3]


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
    # A year, then on to the end of a month so that no month is cut short.
    end = month_end(start + timedelta(days=365))
    anchor = start - timedelta(days=anchor_offset)
    rounds = simulate(
        bank, cadence, start, end, weekday=weekday, anchor=anchor, per_round=per_round, seed=seed
    )
    assert rounds

    last_asked: dict[str, int] = {}
    asked_in_month: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    keys_in_month: dict[tuple[int, int], set[str]] = defaultdict(set)
    rounds_in_month: Counter[tuple[int, int]] = Counter()
    maps_in_quarter: Counter[tuple[int, int]] = Counter()
    first_in_quarter: dict[tuple[int, int], date] = {}

    for position, (day, selection) in enumerate(rounds):
        month = (day.year, day.month)
        chosen = selection.rotated
        # No duplicates within a round; at least per_round unless the bank is smaller.
        assert len(chosen) == len(set(chosen))
        assert len(chosen) >= min(per_round, len(bank))
        assert selection.keys == chosen

        # Least recently asked first, within each dimension.
        for key in chosen:
            for other in bank:
                if other.dimension == dimension[key] and other.key not in chosen:
                    assert last_asked.get(other.key, -1) >= last_asked.get(key, -1)

        # A repeat within the month only when nothing unasked was left to take.
        for key in chosen:
            if key in keys_in_month[month]:
                everything = {ref.key for ref in bank}
                assert size[dimension[key]] == 1 or everything <= keys_in_month[month] | set(chosen)

        if cadence == "quarterly":
            assert {dimension[key] for key in chosen} == set(DIMS)

        for key in chosen:
            last_asked[key] = position
            asked_in_month[month][dimension[key]] += 1
        keys_in_month[month].update(chosen)
        rounds_in_month[month] += 1
        quarter = quarter_of(day)
        first_in_quarter.setdefault(quarter, day)
        if selection.include_purpose_map:
            maps_in_quarter[quarter] += 1
            assert first_in_quarter[quarter] == day

    if cadence != "quarterly":
        for month, n_rounds in rounds_in_month.items():
            for dim in DIMS:
                target = min(MONTHLY_MIN_ASKS, size[dim] * n_rounds)
                assert asked_in_month[month][dim] >= target, (month, dim)
            if cadence != "monthly":
                # A full month of weekly or biweekly rounds has at least two of them.
                assert n_rounds >= 2 or month == (start.year, start.month)

    assert set(maps_in_quarter) == set(first_in_quarter)
    assert set(maps_in_quarter.values()) == {1}
