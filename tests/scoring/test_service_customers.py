"""The scoring service end to end for customers (felt value by segment, process and serving
team) and comments (the stricter comment threshold), with hand-computed numbers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tenants.scoring import service
from tests.factories.scoring import START, build_sales_and_ops, dim, make_world

# --------------------------------------------------------------------------- customers


def test_customer_felt_value_by_segment_process_and_serving_team(ctx):
    world = make_world()
    world.team("Support")
    world.team("Field")
    employee_round = world.round("2026-Q3")
    for v in (3, 4, 5):
        world.answer(
            employee_round, world.person("Support"), {"purpose_clarity": (v, v), "ownership": v}
        )
    r = world.round("2026-Q3", ("felt_value",), kind="customer")
    call = world.process("Birthday call")
    # Retail: 4 customers of Support (birthday call), values 5, 5, 4, 4 → 100, 100, 75, 75.
    for v in (5, 5, 4, 4):
        world.customer_answer(r, segment="Retail", serving="Support", process_id=call, value=v)
    # Wholesale: 3 of Field, no process: 3, 3, 2 → 50, 50, 25.
    for v in (3, 3, 2):
        world.customer_answer(r, segment="Wholesale", serving="Field", process_id=None, value=v)
    board = world.dashboard()
    customers = board.customers
    assert customers.released and customers.respondents == 7
    felt = dim(customers, "felt_value")
    assert felt.score == pytest.approx(475 / 7) and felt.responses == 7
    segments = {g.name: g for g in board.segments}
    assert dim(segments["Retail"], "felt_value").score == pytest.approx(87.5)
    assert dim(segments["Wholesale"], "felt_value").score == pytest.approx(125 / 3)
    processes = {g.name: g for g in board.processes}
    # The birthday call holds the same people as Retail: shown with the same figures.
    assert dim(processes["Birthday call"], "felt_value").score == pytest.approx(87.5)
    serving = {g.name: g for g in board.serving_teams}
    assert serving["Support"].team_id == world.teams["Support"]
    # The tenant's index is over its employees' dimensions only (purpose 75, ownership 75), as
    # every team's is; the customers' felt value is shown beside it.
    assert dim(board.overall, "felt_value").score == pytest.approx(475 / 7)
    expected = (0.2 * 75 + 0.15 * 75) / 0.35
    assert board.overall.index == pytest.approx(expected)
    # A team lead sees the customers their subtree serves, nothing tenant-wide.
    lead = world.dashboard(team="Support")
    assert lead.customers is None and [g.name for g in lead.serving_teams] == ["Support"]


def test_a_small_customer_segment_is_hidden_and_its_sibling_protected(ctx):
    world = make_world()
    r = world.round("2026-Q3", ("felt_value",), kind="customer")
    for v in (5, 4, 4, 3):
        world.customer_answer(r, segment="Retail", serving=None, process_id=None, value=v)
    world.customer_answer(r, segment="VIP", serving=None, process_id=None, value=1)
    board = world.dashboard()
    segments = {g.name: g for g in board.segments}
    assert not segments["VIP"].released and segments["VIP"].needed == 2
    assert not segments["Retail"].released and segments["Retail"].hidden_reason == "complementary"
    assert board.customers.released


# --------------------------------------------------------------------------- comments


def test_comments_need_the_stricter_threshold_and_name_no_small_group(ctx):
    world = make_world()
    build_sales_and_ops(world)
    r = world.round(
        "2026-Q3", comment=True, comment_threshold=5, opens_at=START + timedelta(days=7)
    )
    texts = ["More focus time", "Clearer goals", "Fewer meetings"]
    for text in texts:
        world.answer(
            r, world.person("Sales"), {"purpose_clarity": (4, 4), "ownership": 4}, comment=text
        )
    # Sales now has 6 respondents and clears 5, but Ops has 4: the tenant's list minus Sales'
    # would be Ops' comments, so Sales' list is hidden too and the tenant's names no team.
    sales = service.comments(world.tenant_id, "2026-Q3", world.teams["Sales"], random.Random(1))
    assert not sales.released and sales.hidden_reason == "complementary" and sales.threshold == 5
    ops = service.comments(world.tenant_id, "2026-Q3", world.teams["Ops"], random.Random(1))
    assert not ops.released and ops.needed == 1 and ops.comments == ()
    everyone = service.comments(world.tenant_id, None, None, random.Random(1))
    assert everyone.released and sorted(c.text for c in everyone.comments) == sorted(texts)
    assert {(c.team_id, c.team_name) for c in everyone.comments} == {(None, None)}
    assert all(c.topic == "t_comment" for c in everyone.comments)
    # Two more people answer in Alpha: Ops reaches 6, and Sales' comments name Sales.
    for _ in range(2):
        world.answer(r, world.person("Alpha"), {"purpose_clarity": (4, 4), "ownership": 4})
    sales = service.comments(world.tenant_id, "2026-Q3", world.teams["Sales"], random.Random(1))
    assert sales.released and sorted(c.text for c in sales.comments) == sorted(texts)
    assert {c.team_name for c in sales.comments} == {"Sales"}
    # Shuffled: the order depends on the generator, never on who answered when.
    orders = {
        tuple(c.text for c in service.comments(world.tenant_id, rng=random.Random(seed)).comments)
        for seed in range(20)
    }
    assert len(orders) > 1


def test_comments_of_a_small_tenant_stay_hidden(ctx):
    world = make_world()
    world.team("Sales")
    r = world.round("2026-Q3", comment=True, comment_threshold=5)
    for text in ("a", "b", "c"):
        world.answer(
            r, world.person("Sales"), {"purpose_clarity": (4, 4), "ownership": 4}, comment=text
        )
    shown = service.comments(world.tenant_id, rng=random.Random(0))
    assert not shown.released and shown.needed == 2 and shown.comments == ()
    # The figures themselves (threshold 3) are shown.
    assert world.dashboard().overall.released


def test_an_empty_tenant_gets_an_empty_dashboard(ctx):
    world = make_world()
    board = service.dashboard(world.tenant_id, now=datetime(2026, 8, 1, tzinfo=UTC))
    assert board.period == "2026-Q3" and board.periods == () and board.trend == ()
    assert not board.overall.released and board.overall.needed == 5
    assert service.comments(world.tenant_id).comments == ()
