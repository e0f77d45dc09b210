"""A complete quarter is released by the tick once it is settled, exactly once, and its figures
never move afterwards, whatever is done to the teams (docs/methodology.md §9.6)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Team
from tenants.pulses.models import Round
from tenants.scoring import service, tasks
from tenants.scoring.models import Release
from tests.factories.scoring import START, World, build_sales_and_ops, make_world

CLOSED = datetime(2026, 9, 30, 12, tzinfo=UTC)
AFTER = datetime(2026, 10, 5, tzinfo=UTC)
SCOPES = (None, "Sales", "Ops", "Alpha", "Beta")


def _settled(world: World) -> World:
    """Every round of the world closed on CLOSED, well before AFTER: the quarter can be released."""
    with tenant_context(world.tenant_id):
        db.session.execute(update(Round).values(closed_at=CLOSED))
        db.session.commit()
    service.clear_cache()
    return world


def _world() -> World:
    world = make_world()
    build_sales_and_ops(world)
    return _settled(world)


def _boards(world: World) -> dict:
    service.clear_cache()
    return {scope: world.dashboard("2026-Q3", scope, now=AFTER) for scope in SCOPES}


def _reorg(world: World) -> None:
    """Beta (one person, hidden) to the top; Alpha under Sales: Ops keeps nobody."""
    with tenant_context(world.tenant_id):
        db.session.get(Team, world.teams["Beta"]).parent_id = None
        db.session.get(Team, world.teams["Alpha"]).parent_id = world.teams["Sales"]
        db.session.commit()


def _released(world: World) -> list[str]:
    with tenant_context(world.tenant_id):
        return list(db.session.scalars(select(Release.period)))


def test_the_tick_releases_a_complete_quarter_once_it_has_settled_and_only_once(ctx):
    world = _world()
    with tenant_context(world.tenant_id):
        # The quarter is not over yet in September: nothing to release.
        service.store_complete_periods(world.tenant_id, datetime(2026, 9, 30, 13, tzinfo=UTC))
    assert _released(world) == []
    with tenant_context(world.tenant_id):
        # Over, but its last round closed a minute ago: a submission may still be committing.
        db.session.execute(update(Round).values(closed_at=AFTER - timedelta(minutes=1)))
    tasks.release_complete_quarters(AFTER)
    assert _released(world) == []
    with tenant_context(world.tenant_id):
        db.session.execute(update(Round).values(closed_at=CLOSED))
        db.session.commit()
    tasks.release_complete_quarters(AFTER)
    tasks.release_complete_quarters(AFTER + timedelta(minutes=1))
    assert _released(world) == ["2026-Q3"]


def test_a_reorg_after_the_release_moves_no_figure_of_any_team(ctx):
    world = _world()
    before = _boards(world)
    assert before["Ops"].overall.released and not before["Beta"].overall.released
    tasks.release_complete_quarters(AFTER)
    _reorg(world)
    after = _boards(world)
    assert after == before
    # The heatmap keeps the tree of the release: Alpha and Beta under Ops, both hidden (Beta
    # is below the threshold, so Alpha is too, or Ops minus Alpha would be Beta).
    ops_rows = [(g.team_id, g.depth, g.released) for g in after["Ops"].teams]
    assert ops_rows == [
        (world.teams["Ops"], 0, True),
        (world.teams["Alpha"], 1, False),
        (world.teams["Beta"], 1, False),
    ]


def test_without_a_release_the_same_reorg_would_move_the_figures(ctx):
    # Why releases exist: a quarter recomputed on the new tree shows other subtrees of the
    # same people, and two reads could be subtracted.
    world = _world()
    before = _boards(world)
    _reorg(world)
    after = _boards(world)
    assert after["Ops"].overall != before["Ops"].overall
    assert after["Sales"].overall.respondents == before["Sales"].overall.respondents + 3


def test_a_team_created_after_the_release_has_no_figures_in_it(ctx):
    world = _world()
    tasks.release_complete_quarters(AFTER)
    world.team("Platform")
    service.clear_cache()
    board = world.dashboard("2026-Q3", "Platform", now=AFTER)
    assert not board.overall.released and board.teams == ()
    assert board.overall.name == "Platform" and board.participation.invited == 0
    # Every scope at once (for reports) holds the release's teams and the new one, the same
    # boards as one call per scope.
    every = service.dashboards(world.tenant_id, "2026-Q3", now=AFTER)
    assert set(every) == {None, *world.teams.values()}
    for team_id, each in every.items():
        assert each == service.dashboard(world.tenant_id, "2026-Q3", team_id, now=AFTER)


def _commented_world() -> World:
    """Sales' three people comment; Sales (6) and Ops (6) clear the comment threshold of 5."""
    world = make_world()
    build_sales_and_ops(world)
    r = world.round(
        "2026-Q3", comment=True, comment_threshold=5, opens_at=START + timedelta(days=7)
    )
    for text in ("More focus time", "Clearer goals", "Fewer meetings"):
        world.answer(
            r, world.person("Sales"), {"purpose_clarity": (4, 4), "ownership": 4}, comment=text
        )
    for _ in range(2):
        world.answer(r, world.person("Alpha"), {"purpose_clarity": (4, 4), "ownership": 4})
    return _settled(world)


def _comments(world: World) -> dict:
    out = {}
    for scope in SCOPES:
        team_id = world.teams[scope] if scope else None
        c = service.comments(world.tenant_id, "2026-Q3", team_id, random.Random(0))
        texts = sorted((x.text, x.team_id, x.team_name) for x in c.comments)
        out[scope] = (c.released, c.respondents, c.needed, c.hidden_reason, texts)
    return out


def test_released_comments_keep_their_groups_and_labels_through_a_reorg(ctx):
    world = _commented_world()
    before = _comments(world)
    assert {t[2] for t in before["Sales"][4]} == {"Sales"}  # named after their team
    tasks.release_complete_quarters(AFTER)
    _reorg(world)
    with tenant_context(world.tenant_id):
        db.session.get(Team, world.teams["Sales"]).name = "Revenue"  # renamed, too
        db.session.commit()
    assert _comments(world) == before
    # Without the release, the same reorg regroups them (Ops keeps nobody).
    control = _commented_world()
    control_before = _comments(control)
    _reorg(control)
    assert _comments(control)["Ops"] != control_before["Ops"]


def test_releasing_needs_only_the_tenant_id_not_a_current_tenant(ctx):
    # Scripts and the benchmark call the service with a tenant id and no current tenant.
    world = _world()
    service.store_complete_periods(world.tenant_id, AFTER)
    assert _released(world) == ["2026-Q3"]
