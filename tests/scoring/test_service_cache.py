"""Settled periods are remembered, and forgotten as soon as anything they depend on changes;
the fast statistics (``scipy.special``) agree with ``scipy.stats``; the index's interval."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from scipy import stats as scipy_stats

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Team
from tenants.pulses.models import Round
from tenants.scoring import cache, service
from tenants.scoring.core import index, stats
from tenants.scoring.core.stats import Interval, Moments
from tests.factories.scoring import START, by_key, dim, make_world

LATER = START + timedelta(days=90)  # 2026-10-04: the quarter is over


def settle(world, round_id: int, closed_at: datetime) -> None:
    with tenant_context(world.tenant_id):
        db.session.get(Round, round_id).closed_at = closed_at
        db.session.commit()


@pytest.fixture(autouse=True)
def _empty_cache():
    service.clear_cache()  # ids are reused across rolled-back tests on SQLite
    yield
    service.clear_cache()


def cached_periods(tenant_id: int) -> list[str]:
    return sorted(key[1] for key in cache._cache if key[0] == tenant_id)


def test_a_settled_period_is_remembered_and_a_newly_closed_round_replaces_it(ctx):
    world = make_world()
    world.team("Sales")
    first = world.round("2026-Q3")
    for v in (3, 4, 5):
        world.answer(first, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    settle(world, first, START + timedelta(days=4))
    before = service.dashboard(world.tenant_id, now=LATER)
    assert cached_periods(world.tenant_id) == ["2026-Q3"]
    assert service.dashboard(world.tenant_id, now=LATER) == before

    # A second round closes a minute before "now": not settled yet, so computed afresh.
    second = world.round("2026-Q3", opens_at=START + timedelta(days=7))
    for v in (1, 1, 1):
        world.answer(second, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    settle(world, second, LATER - timedelta(minutes=1))
    after = service.dashboard(world.tenant_id, now=LATER)
    assert after.overall.respondents == 6
    assert dim(after.overall, "purpose_clarity").score == pytest.approx(37.5)
    assert cached_periods(world.tenant_id) == ["2026-Q3"]  # only the old key
    # Settled ten minutes later: remembered under its new key, same figures.
    assert service.dashboard(world.tenant_id, now=LATER + timedelta(minutes=10)) == after
    assert cached_periods(world.tenant_id) == ["2026-Q3", "2026-Q3"]


def test_a_round_closed_without_a_time_is_never_remembered(ctx):
    world = make_world()
    world.team("Sales")
    r = world.round("2026-Q3")
    for v in (3, 4, 5):
        world.answer(r, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    service.dashboard(world.tenant_id, now=LATER)
    assert cached_periods(world.tenant_id) == []


def test_renaming_or_moving_a_team_shows_at_once(ctx):
    world = make_world()
    for name in ("Sales", "Ops", "Field"):
        world.team(name)
    r = world.round("2026-Q3")
    for team in ("Sales", "Ops", "Field"):
        for v in (3, 4, 5):
            world.answer(r, world.person(team), {"purpose_clarity": (v, v), "ownership": v})
    settle(world, r, START + timedelta(days=4))
    service.dashboard(world.tenant_id, now=LATER)
    with tenant_context(world.tenant_id):
        db.session.get(Team, world.teams["Sales"]).name = "Revenue"
        db.session.commit()
    groups = by_key(service.dashboard(world.tenant_id, now=LATER))
    assert groups[f"team:{world.teams['Sales']}"].name == "Revenue"
    with tenant_context(world.tenant_id):  # Field moves under Ops
        db.session.get(Team, world.teams["Field"]).parent_id = world.teams["Ops"]
        db.session.commit()
    groups = by_key(service.dashboard(world.tenant_id, now=LATER))
    assert groups[f"team:{world.teams['Ops']}"].respondents == 6
    assert groups[f"team:{world.teams['Field']}"].depth == 1


def test_clear_cache_forgets_one_period_or_all(ctx):
    world = make_world()
    world.team("Sales")
    for k, period in enumerate(("2026-Q2", "2026-Q3")):
        r = world.round(period, opens_at=START + timedelta(days=k * 91))
        for v in (3, 4, 5):
            world.answer(r, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
        settle(world, r, START + timedelta(days=k * 91 + 4))
    service.dashboard(world.tenant_id, now=LATER + timedelta(days=91))
    assert cached_periods(world.tenant_id) == ["2026-Q2", "2026-Q3"]
    service.clear_cache(world.tenant_id, "2026-Q3")
    assert cached_periods(world.tenant_id) == ["2026-Q2"]
    service.clear_cache(world.tenant_id)
    assert cached_periods(world.tenant_id) == []


# --------------------------------------------------------------------------- fast statistics


def _random_moments(rng: random.Random) -> Moments:
    n = rng.choice([0, 1, 2, 3, 5, 8, 30, 200])
    if rng.random() < 0.15:
        return Moments.from_values([rng.choice([0.0, 50.0, 100.0])] * n)  # zero spread
    return Moments.from_values([rng.choice(range(0, 101, 25)) for _ in range(n)])


def _reference_interval(m: Moments) -> Interval | None:
    """The interval with ``scipy.stats``' t distribution (slow, obviously right)."""
    if m.mean is None or m.variance is None:
        return None
    half = float(scipy_stats.t.ppf(0.975, m.n - 1)) * (m.variance / m.n) ** 0.5
    return Interval(max(0.0, m.mean - half), min(100.0, m.mean + half))


def _reference_change(prev: Moments, curr: Moments) -> str:
    """Welch's test at 5 % with ``scipy.stats``' t distribution."""
    if prev.variance is None or curr.variance is None:
        return "no_clear_change"
    diff = curr.mean - prev.mean
    a, b = prev.variance / prev.n, curr.variance / curr.n
    if a + b == 0.0:
        return "no_clear_change" if diff == 0.0 else ("up" if diff > 0 else "down")
    t = diff / (a + b) ** 0.5
    df = (a + b) ** 2 / (a * a / (prev.n - 1) + b * b / (curr.n - 1))
    p = min(1.0, float(2.0 * scipy_stats.t.sf(abs(t), df)))
    if p >= 0.05 or diff == 0.0:
        return "no_clear_change"
    return "up" if diff > 0 else "down"


def test_fast_intervals_and_change_tests_agree_with_scipy_stats():
    rng = random.Random(42)
    for _ in range(3000):
        prev, curr = _random_moments(rng), _random_moments(rng)
        expected = _reference_interval(curr)
        got = stats.confidence_interval(curr)
        if expected is None:
            assert got is None
        else:
            assert got.low == pytest.approx(expected.low, abs=1e-9)
            assert got.high == pytest.approx(expected.high, abs=1e-9)
        assert stats.welch_change(prev, curr) == _reference_change(prev, curr)


def test_the_index_interval_is_conservative_and_narrows_with_more_responses():
    small = {
        "purpose_clarity": Moments.from_values([50, 75, 100]),
        "ownership": Moments.from_values([25, 50, 75]),
    }
    ix = index.index_of(small)
    # SE = (0.2/0.35)·25/√3 + (0.15/0.35)·25/√3, df = 2.
    se = (0.2 / 0.35 + 0.15 / 0.35) * 25 / 3**0.5
    assert ix.value == pytest.approx((0.2 * 75 + 0.15 * 50) / 0.35)
    assert ix.se == pytest.approx(se) and ix.df == 2
    big = {k: Moments.from_values([50, 75, 100] * 20) for k in small}
    assert index.index_of(big).se < ix.se
    interval = index.index_interval(ix)
    half = 4.302652729911275 * se  # t(0.975, 2)
    assert (interval.low, interval.high) == pytest.approx(
        (ix.value - half, min(100, ix.value + half))
    )


def test_dates_of_settling_are_compared_in_utc(ctx):
    world = make_world()
    world.team("Sales")
    r = world.round("2026-Q3")
    for v in (3, 4, 5):
        world.answer(r, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    settle(world, r, datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    service.dashboard(world.tenant_id, now=datetime(2026, 10, 1, 9, 4, tzinfo=UTC))
    assert cached_periods(world.tenant_id) == []  # 4 minutes: not settled
    service.dashboard(world.tenant_id, now=datetime(2026, 10, 1, 9, 6, tzinfo=UTC))
    assert cached_periods(world.tenant_id) == ["2026-Q3"]
