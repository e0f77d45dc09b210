"""The scoring service end to end: rounds, invitations and responses go in through the rollups,
figures come out of the dashboard, checked against hand-computed numbers (the factory:
``tests.factories.scoring``; thresholds frozen at 3 keep groups small enough to compute by hand).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Team
from tenants.scoring import service
from tests.factories.scoring import START, T3, build_sales_and_ops, by_key, dim, make_world

# --------------------------------------------------------------------------- hand-computed


def test_released_figures_equal_hand_computed_means_intervals_and_index(ctx):
    world = make_world()
    build_sales_and_ops(world)
    board = world.dashboard()
    assert board.period == "2026-Q3" and board.periods == ("2026-Q3",)
    groups = by_key(board)
    sales = groups[f"team:{world.teams['Sales']}"]
    # Sales purpose: 50, 75, 100 → mean 75, s = 25, t(2) · 25/√3 = 62.10 → 12.90 … 100 (clipped).
    pc = dim(sales, "purpose_clarity")
    assert sales.released and sales.respondents == 3 and sales.invited == 4
    assert sales.participation == pytest.approx(0.75)
    assert pc.score == pytest.approx(75.0) and pc.responses == 3
    assert pc.ci.low == pytest.approx(75 - T3 * 25 / 3**0.5) and pc.ci.high == 100.0
    assert pc.favourable_share == pytest.approx(2 / 3)
    assert pc.change is None  # no previous period
    # Index over the two dimensions asked: (0.20·75 + 0.15·75) / 0.35 = 75 → level 4.
    assert sales.index == pytest.approx(75.0) and sales.level.number == 4
    assert dim(sales, "outcome_focus").score is None  # not asked this period
    assert dim(sales, "outcome_focus").needed is None

    # The tenant: 7 people, purpose 50+75+100+75+75+25+0 = 400 → 57.14.
    overall = board.overall
    assert overall.key == "all" and overall.released and overall.respondents == 7
    assert overall.invited == 8
    assert dim(overall, "purpose_clarity").score == pytest.approx(400 / 7)
    # Ownership 50+75+100+75+75+25+0 = 400 too: index 57.14 → level 3 (developing).
    assert overall.index == pytest.approx(400 / 7) and overall.level.key == "developing"
    assert (
        overall.index_ci is not None
        and overall.index_ci.low < overall.index < overall.index_ci.high
    )
    # Ops = Alpha (75, 75, 25) + Beta (0): 175 / 4 = 43.75.
    ops = groups[f"team:{world.teams['Ops']}"]
    assert ops.released and ops.respondents == 4
    assert dim(ops, "purpose_clarity").score == pytest.approx(43.75)


def test_a_team_below_threshold_is_hidden_with_what_it_needs_and_its_sibling_too(ctx):
    world = make_world()
    build_sales_and_ops(world)
    groups = by_key(world.dashboard())
    beta = groups[f"team:{world.teams['Beta']}"]
    alpha = groups[f"team:{world.teams['Alpha']}"]
    assert not beta.released and beta.needed == 2 and beta.hidden_reason == "below_threshold"
    assert beta.index is None and all(f.score is None for f in beta.dimensions)
    # Alpha has 3 (enough), but Ops − Alpha would be Beta's one person: Alpha is hidden too.
    assert not alpha.released and alpha.hidden_reason == "complementary" and alpha.needed == 0
    assert alpha.respondents == 3  # counts are not secret
    assert all(f.score is None and f.ci is None for f in alpha.dimensions)


def test_an_open_round_adds_to_the_counts_but_never_to_the_figures(ctx):
    world = make_world()
    build_sales_and_ops(world)
    before = world.dashboard("2026-Q3")
    assert before.overall.released
    open_round = world.round("2026-Q3", status="open", opens_at=START + timedelta(days=30))
    world.answer(open_round, world.person("Sales"), {"purpose_clarity": (1, 1), "ownership": 1})
    world.invite(open_round, world.person("Sales"))
    after = world.dashboard("2026-Q3")
    # A period is published only when complete: while one of its rounds is open nothing of it
    # is shown, so no view can be subtracted from a later one to isolate a round's answers.
    assert not after.overall.released and after.overall.index is None
    assert all(d.score is None for d in after.overall.dimensions)
    assert before.participation.answered == 7 and before.participation.invited == 8
    assert after.participation.answered == 8 and after.participation.invited == 10
    assert after.participation.open_rounds == 1
    live = service.participation(world.tenant_id, "2026-Q3", world.teams["Sales"])
    assert (live.answered, live.invited) == (4, 6)


def test_a_quarter_is_published_only_once_it_is_over(ctx):
    world = make_world()
    build_sales_and_ops(world)
    during = world.dashboard("2026-Q3", now=datetime(2026, 9, 20, tzinfo=UTC))
    after = world.dashboard("2026-Q3", now=datetime(2026, 10, 2, tzinfo=UTC))
    assert not during.overall.released and during.overall.index is None
    assert after.overall.released and after.overall.index is not None


def test_a_period_with_only_an_open_round_shows_counts_and_no_figures(ctx):
    world = make_world()
    world.team("Sales")
    r = world.round("2026-Q4", status="open")
    for _ in range(4):
        world.answer(r, world.person("Sales"), {"purpose_clarity": (5, 5), "ownership": 5})
    board = world.dashboard()
    assert board.period == "2026-Q4" and board.periods == ()
    assert not board.overall.released and board.overall.index is None
    assert board.participation.answered == 4 and board.participation.open_rounds == 1
    assert board.trend == ()


def test_change_against_the_previous_period_up_down_and_no_clear_change(ctx):
    world = make_world()
    world.team("Sales")
    dims = ("purpose_clarity", "ownership", "adaptability")
    q2 = world.round("2026-Q2", dims, opens_at=START - timedelta(days=91))
    q3 = world.round("2026-Q3", dims)
    # purpose: 0, 0, 25 → 50, 75, 100 (up); ownership the same both times (no clear change);
    # adaptability: 100, 100, 75 → 25, 0, 25 (down).
    for pc, own, adapt in ((1, 3, 5), (1, 4, 5), (2, 5, 4)):
        world.answer(
            q2,
            world.person("Sales"),
            {"purpose_clarity": (pc, pc), "ownership": own, "adaptability": adapt},
        )
    for pc, own, adapt in ((3, 3, 2), (4, 4, 1), (5, 5, 2)):
        world.answer(
            q3,
            world.person("Sales"),
            {"purpose_clarity": (pc, pc), "ownership": own, "adaptability": adapt},
        )
    board = world.dashboard()
    sales = by_key(board)[f"team:{world.teams['Sales']}"]
    assert dim(sales, "purpose_clarity").change == "up"
    assert dim(sales, "ownership").change == "no_clear_change"
    assert dim(sales, "adaptability").change == "down"
    assert sales.change in ("up", "down", "no_clear_change")
    assert [p.period for p in board.trend] == ["2026-Q2", "2026-Q3"]
    # Q2 index: (0.2·8.33 + 0.15·75 + 0.15·91.67) / 0.5 = 53.33; Q3: (0.2·75 + 0.15·75 +
    # 0.15·16.67) / 0.5 = 57.5.
    assert board.trend[0].index == pytest.approx((0.2 * 25 / 3 + 0.15 * 75 + 0.15 * 275 / 3) / 0.5)
    assert board.trend[1].index == pytest.approx((0.2 * 75 + 0.15 * 75 + 0.15 * 50 / 3) / 0.5)
    assert board.overall.change == sales.change  # Sales is the whole tenant here


def test_no_change_is_claimed_when_either_period_is_hidden(ctx):
    world = make_world()
    world.team("Sales")
    q2 = world.round("2026-Q2", opens_at=START - timedelta(days=91))
    q3 = world.round("2026-Q3")
    world.answer(q2, world.person("Sales"), {"purpose_clarity": (1, 1), "ownership": 1})
    for v in (5, 5, 4):
        world.answer(q3, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    board = world.dashboard()
    assert board.trend[0].hidden and board.trend[0].needed == 2
    assert dim(board.overall, "purpose_clarity").change is None and board.overall.change is None


def test_a_team_lead_sees_the_subtree_with_the_same_hiding_as_everyone(ctx):
    world = make_world()
    build_sales_and_ops(world)
    whole = by_key(world.dashboard())
    lead = world.dashboard(team="Ops")
    assert lead.team_id == world.teams["Ops"]
    assert [g.name for g in lead.teams] == ["Ops", "Alpha", "Beta"]
    assert lead.overall == whole[lead.overall.key]
    assert all(g == whole[g.key] for g in lead.teams)
    assert lead.customers is None and lead.segments == ()
    assert lead.participation.answered == 4 and lead.participation.invited == 4


def test_the_engine_runs_on_the_whole_tenant_before_a_subtree_is_cut_out(ctx):
    # Run on Ops alone, Ops (4 people) would be shown. On the whole tenant, Ops and the lone
    # Sales person are the only parts: the tenant total minus Ops would be that one person,
    # so Ops is hidden, for its team lead too.
    world = make_world()
    world.team("Ops")
    world.team("Sales")
    r = world.round("2026-Q3")
    for v in (2, 3, 4, 5):
        world.answer(r, world.person("Ops"), {"purpose_clarity": (v, v), "ownership": v})
    world.answer(r, world.person("Sales"), {"purpose_clarity": (1, 1), "ownership": 1})
    lead = world.dashboard(team="Ops")
    assert not lead.overall.released and lead.overall.hidden_reason == "complementary"
    assert lead.trend[0].hidden


def test_a_dimension_asked_of_too_few_people_stays_hidden_in_a_shown_group(ctx):
    world = make_world()
    world.team("Sales")
    first = world.round("2026-Q3", ("purpose_clarity",))
    second = world.round("2026-Q3", ("ownership",), opens_at=START + timedelta(days=7))
    people = [world.person("Sales") for _ in range(4)]
    for p in people:
        world.answer(first, p, {"purpose_clarity": (4, 4)})
    for p in people[:2]:
        world.answer(second, p, {"ownership": 1})
    sales = by_key(world.dashboard())[f"team:{world.teams['Sales']}"]
    assert sales.released and sales.respondents == 4
    assert dim(sales, "purpose_clarity").score == pytest.approx(75.0)
    own = dim(sales, "ownership")
    assert own.score is None and own.needed == 1
    assert sales.index == pytest.approx(75.0)  # from the shown dimension only


def test_someone_who_moved_team_is_counted_once_in_their_latest_team(ctx):
    world = make_world()
    for name in ("A", "B"):
        world.team(name)
    first = world.round("2026-Q3")
    second = world.round("2026-Q3", opens_at=START + timedelta(days=7))
    mover = world.person("A")
    world.answer(first, mover, {"purpose_clarity": (3, 3), "ownership": 3}, team="A")
    world.answer(second, mover, {"purpose_clarity": (3, 3), "ownership": 3}, team="B")
    for team in ("A", "B"):
        for _ in range(3):
            world.answer(first, world.person(team), {"purpose_clarity": (4, 4), "ownership": 4})
    board = world.dashboard()
    groups = by_key(board)
    assert board.overall.respondents == 7  # not 8
    assert groups[f"team:{world.teams['A']}"].respondents == 3
    assert groups[f"team:{world.teams['B']}"].respondents == 4
    # Every response counts in the figures: 8 purpose responses for the tenant.
    assert dim(board.overall, "purpose_clarity").responses == 8


def test_period_selection_trend_window_and_errors(ctx):
    world = make_world()
    world.team("Sales")
    for k, period in enumerate(["2024-Q1", "2024-Q2", "2025-Q1", "2026-Q2", "2026-Q3"]):
        r = world.round(period, opens_at=START + timedelta(days=k))
        for v in (3, 4, 5):
            world.answer(r, world.person("Sales"), {"purpose_clarity": (v, v), "ownership": v})
    board = world.dashboard()
    assert board.period == "2026-Q3"
    assert board.periods == ("2024-Q1", "2024-Q2", "2025-Q1", "2026-Q2", "2026-Q3")
    # Eight quarters ending at 2026-Q3 start at 2024-Q4; the first with results is 2025-Q1.
    assert [p.period for p in board.trend] == [
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    gap = board.trend[1]
    assert gap.index is None and not gap.hidden
    assert world.dashboard("2024-Q2").trend[-1].index == pytest.approx(75.0)
    with pytest.raises(service.PeriodError):
        world.dashboard("2026-Q5")
    with pytest.raises(service.UnknownTeam):
        service.dashboard(world.tenant_id, None, 999_999)
    assert service.shift_period("2026-Q1", -1) == "2025-Q4"


def test_dashboards_for_every_scope_agree_with_single_calls(ctx):
    world = make_world()
    build_sales_and_ops(world)
    every = service.dashboards(world.tenant_id)
    assert set(every) == {None, *world.teams.values()}
    for team_id, board in every.items():
        assert board == service.dashboard(world.tenant_id, None, team_id)


def test_other_tenants_data_never_counts(ctx):
    world = make_world()
    build_sales_and_ops(world)
    other = make_world()
    build_sales_and_ops(other)
    with tenant_context(other.tenant_id):
        assert db.session.query(Team).count() == 4
    board = world.dashboard()
    assert board.overall.respondents == 7
    with pytest.raises(service.UnknownTeam):
        service.dashboard(world.tenant_id, None, other.teams["Sales"])
