"""Released quarters never move: the reorg of issue 13, done on the demo between two reads,
changes no figure of any released quarter in the API or the CSV (the owner's and the team
lead's), so nothing can be subtracted out of two reads."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.demo import org
from tenants.demo.members import DEMO_USERS, LEAD_EMAIL
from tenants.people import service as people_service
from tenants.people import teams as team_service
from tenants.people.models import Team
from tenants.scoring import service as scoring_service
from tenants.scoring.models import Release
from tests.demo.test_demo import _client, _csv, _periods
from tests.factories.scoring import api_key

pytestmark = pytest.mark.slow


def _team_ids(app) -> dict[str, int]:
    with app.app_context(), unscoped():
        return {name: team_id for name, team_id in db.session.execute(select(Team.name, Team.id))}


def _reads(app, periods: list[str], team_ids: list[int]) -> dict[tuple, Any]:
    """Every released figure a reader can fetch: the API and the owner's CSV for the company
    and each team, and the team lead's own CSV, for every released quarter."""
    owner, lead = _client(app, DEMO_USERS[0][0]), _client(app, LEAD_EMAIL)
    with app.app_context():
        with unscoped():
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == "demo"))
        headers = api_key(tenant_id)
    out: dict[tuple, Any] = {}
    for period in periods:
        out["lead csv", period] = _csv(lead, f"?period={period}")
        for team in (None, *team_ids):
            query = f"?period={period}" + ("" if team is None else f"&team={team}")
            response = owner.get(f"/api/v1/scores{query}", headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
            out["api", period, team] = response.get_json()
            out["csv", period, team] = _csv(owner, query)
    return out


def _reorg(app) -> int:
    """New top-level team; Logistics, Support and Quality under it; Design and Field Sales to
    the top (the reorg of issue 13)."""
    with app.app_context(), unscoped():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == "demo"))
    with app.app_context(), tenant_context(tenant_id):
        ids = {n: t for t, n in people_service.team_tree().names.items()}
        platform = team_service.create_team("Platform")
        for name in ("Logistics", "Support", org.SMALL):
            team_service.move_team(db.session.get(Team, ids[name]), platform.id)
        for name in ("Design", "Field Sales"):
            team_service.move_team(db.session.get(Team, ids[name]), None)
        db.session.commit()
        return platform.id


def test_the_demo_s_past_quarters_are_released_once_at_seeding(demo_app):
    periods = _periods(_client(demo_app, DEMO_USERS[0][0]))
    assert len(periods) >= 5
    with demo_app.app_context(), unscoped():
        released = db.session.scalars(select(Release.period).order_by(Release.period)).all()
    assert released == periods


def test_a_reorg_changes_no_released_figure_in_the_api_or_the_csv(demo_app):
    owner = _client(demo_app, DEMO_USERS[0][0])
    periods = _periods(owner)
    teams = _team_ids(demo_app)
    team_ids = sorted(teams.values())
    before = _reads(demo_app, periods, team_ids)
    # The small team is hidden, and its parent shown: the pair a reorg used to difference.
    last = periods[-1]
    small = before["api", last, teams[org.SMALL]]["overall"]
    assert small["hidden"] is True
    assert before["api", last, teams[org.SMALL_TEAM_PARENT]]["overall"]["hidden"] is False

    platform = _reorg(demo_app)
    scoring_service.clear_cache()  # a fresh process: nothing remembered from the first read
    with demo_app.app_context(), unscoped():
        tree_now = {t.name: t.parent_id for t in db.session.scalars(select(Team))}
    assert tree_now["Support"] == platform and tree_now["Design"] is None  # the reorg happened

    after = _reads(demo_app, periods, team_ids)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # The new team did not exist when the quarters were released: it has no figures in them.
    headers_reads = _reads(demo_app, [last], [platform])
    new_team = headers_reads["api", last, platform]
    assert new_team["overall"]["hidden"] is True and new_team["teams"] == []
