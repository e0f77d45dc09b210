"""The statistical promises of docs/methodology.md §5 and §6, proven by simulation (fixed seeds).

The model (the issue's): each person has a true score (person SD 9 around the group's level);
each answer is that score plus answer noise (SD 12); a quarter has 2 or 3 rounds and each
person answers each round with probability 0.8 (at least one); the true value of a group is the
mean of its people's true scores. The product never sees who answered what: it gets, per group,
the sums of the response values (``Moments``) and the number of distinct people who answered.
The *oracle* knows who answered what: it averages each person's answers, estimates the answer
noise within people, and gives the t-interval of the mean of the person means for this group.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tenants.scoring.core.anonymity import Released
from tenants.scoring.core.changes import call_changes, group_tests
from tenants.scoring.core.maturity import EMPLOYEE_DIMENSIONS, anchor_key
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import Moments, confidence_interval, t_critical

pytestmark = pytest.mark.slow

PERSON_SD, NOISE_SD = 9.0, 12.0
ANSWER_RATE = 0.8
GROUPS = 2000


def _answers(
    rng: np.random.Generator,
    people: int,
    groups: int,
    shift: float = 0.0,
    truth: np.ndarray | None = None,
):
    """``groups`` groups of ``people``: true scores (groups × people, drawn unless given),
    answers (groups × people × 3, NaN where not answered: rounds beyond the quarter's 2 or 3,
    or skipped)."""
    if truth is None:
        truth = 50.0 + rng.normal(0.0, PERSON_SD, (groups, people))
    rounds = rng.integers(2, 4, groups)
    answered = rng.random((groups, people, 3)) < ANSWER_RATE
    answered &= np.arange(3)[None, None, :] < rounds[:, None, None]
    nobody = ~answered.any(axis=2)
    answered[:, :, 0] |= nobody  # everyone in the group answered at least once
    values = truth[:, :, None] + shift + rng.normal(0.0, NOISE_SD, (groups, people, 3))
    return truth, np.where(answered, values, np.nan)


def _moments(values: np.ndarray) -> list[Moments]:
    """What the rollups hold per group: count, sum and sum of squares of its responses."""
    n = np.sum(~np.isnan(values), axis=(1, 2))
    total = np.nansum(values, axis=(1, 2))
    total_sq = np.nansum(values**2, axis=(1, 2))
    return [Moments(int(a), float(b), float(c)) for a, b, c in zip(n, total, total_sq, strict=True)]


@pytest.mark.parametrize("people", [5, 10, 30])
def test_the_95_interval_covers_the_group_s_true_value_without_linking_answers(people):
    rng = np.random.default_rng(20261203 + people)
    truth, values = _answers(rng, people, GROUPS)
    true_value = truth.mean(axis=1)

    covered, widths = 0, []
    for moments, target in zip(_moments(values), true_value, strict=True):
        interval = confidence_interval(moments)
        assert interval is not None
        covered += interval.low <= target <= interval.high
        widths.append(interval.high - interval.low)

    # The oracle: person means, answer noise estimated within people (N - people df).
    per_person = np.sum(~np.isnan(values), axis=2)
    person_mean = np.nanmean(values, axis=2)
    within = np.nansum((values - person_mean[:, :, None]) ** 2, axis=(1, 2))
    df = per_person.sum(axis=1) - people
    defined = df > 0  # everyone answered once: no within-person spread for the oracle
    noise_var = np.divide(within, df, out=np.zeros_like(within), where=defined)
    se = np.sqrt(noise_var * np.sum(1.0 / per_person, axis=1)) / people
    oracle = 2 * np.array([t_critical(float(d)) for d in df[defined]]) * se[defined]
    error = np.abs(person_mean.mean(axis=1) - true_value)[defined]
    oracle_covered = np.mean(error <= oracle / 2)

    coverage = covered / GROUPS
    ratio = float(np.mean(np.array(widths)[defined]) / np.mean(oracle))
    assert 0.94 <= coverage <= 0.985, coverage
    assert ratio <= 1.3, ratio
    assert 0.94 <= oracle_covered <= 0.96  # the oracle is a fair yardstick


# --- changes ---------------------------------------------------------------------------------


def _outcome(dimension_moments: dict[str, Moments], anchors: dict[str, Moments]) -> Outcome:
    dims = {
        key: Released(m.n, m.n, 3, {key: m, anchor_key(key): anchors[key]})
        for key, m in dimension_moments.items()
    }
    n = max(m.n for m in dimension_moments.values())
    return Outcome(n, n, 3, True, None, None, dims)


SIZES = (5, 10, 30, 30)  # the groups of one simulated release


def _release(
    rng,
    shift: float = 0.0,
    difficulty: float = 0.0,
    changed: int | None = None,
    sizes: tuple[int, ...] = SIZES,
):
    """The change tests of one release: each group of ``sizes`` (the same people both quarters)
    answered the five dimensions in two quarters. A response's dimension value is the mean of
    its anchor answer and one rotating item whose difficulty (SD ``difficulty`` points, a
    different item each quarter) moves it; the true scores of group ``changed`` move by
    ``shift`` on every dimension."""
    tests = {}
    for g, people in enumerate(sizes):
        truth = {k: 50.0 + rng.normal(0.0, PERSON_SD, (1, people)) for k in EMPLOYEE_DIMENSIONS}
        quarters = []
        for q in range(2):
            dims, anchors = {}, {}
            for key in EMPLOYEE_DIMENSIONS:
                move = shift if (q == 1 and g == changed) else 0.0
                _, anchor = _answers(rng, people, 1, move, truth[key])
                item = rng.normal(0.0, difficulty)  # this quarter's rotating item
                _, other = _answers(rng, people, 1, move + item, truth[key])
                other = np.where(np.isnan(anchor), np.nan, other)
                value = (anchor + other) / 2
                anchors[key] = _moments(np.clip(anchor, 0, 100))[0]
                dims[key] = _moments(np.clip(value, 0, 100))[0]
            quarters.append(_outcome(dims, anchors))
        for name, test in group_tests(quarters[0], quarters[1], EMPLOYEE_DIMENSIONS).items():
            tests[g, name] = test
    return call_changes(tests)


def test_rotating_items_of_different_difficulty_make_no_change():
    rng = np.random.default_rng(12)
    calls = [c for _ in range(300) for c in _release(rng, difficulty=8.0).values()]
    called = sum(c != "no_clear_change" for c in calls) / len(calls)
    assert len(calls) == 300 * len(SIZES) * 6
    assert called < 0.05, called


def test_with_no_change_at_all_few_releases_show_any_call():
    rng = np.random.default_rng(13)
    releases = [_release(rng) for _ in range(400)]
    with_a_call = sum(any(c != "no_clear_change" for c in r.values()) for r in releases)
    assert with_a_call / len(releases) <= 0.05, with_a_call


def test_a_true_8_point_change_in_a_group_of_30_is_called():
    """A company of 30 whose people's true scores all rose 8 points: its release shows its five
    dimensions and its index (a larger release, with more tests in the family, calls less)."""
    rng = np.random.default_rng(14)
    group = 0
    hits = total = 0
    for _ in range(300):
        calls = _release(rng, shift=8.0, changed=group, sizes=(30,))
        for (g, name), call in calls.items():
            if g == group and name != "index":
                total += 1
                hits += call == "up"
    assert hits / total >= 0.8, hits / total


def test_the_simulated_model_is_the_one_described():
    rng = np.random.default_rng(1)
    truth, values = _answers(rng, 30, 400)
    answered = ~np.isnan(values)
    assert math.isclose(truth.std(axis=1, ddof=1).mean(), PERSON_SD, rel_tol=0.05)
    assert answered.any(axis=2).all()
    assert 2.0 * ANSWER_RATE <= answered.sum(axis=2).mean() <= 3.0
