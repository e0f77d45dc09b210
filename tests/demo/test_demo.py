"""The demo, seeded once into its own database, read through the real scoring service: its story
is visible on the dashboard and in the export, and seeding again adds nothing."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from saas.auth.models import User
from saas.db import tenant_context, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.demo import org, programs, story
from tenants.demo.members import DEMO_USERS, LEAD_EMAIL
from tenants.demo.seed import seed_demo
from tenants.people.models import Employee, Team
from tenants.pulses.models import Interaction, Invitation, Round
from tenants.scoring import rollups
from tenants.scoring.core.maturity import LEVELS
from tenants.scoring.models import Rollup
from tenants.surveys.models import Answer, Response
from tests.conftest import FormClient
from tests.factories import login

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_ctx(demo_app) -> Iterator[Tenant]:
    with demo_app.app_context():
        with unscoped():
            tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "demo"))
        with tenant_context(tenant.id):
            yield tenant
        db.session.rollback()


def _client(app: Flask, email: str) -> FormClient:
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        login(client, user)
    return client  # type: ignore[return-value]


def _csv(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/t/demo/export.csv{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _periods(client) -> list[str]:
    html = client.get("/t/demo/").get_data(as_text=True)
    select_html = html.split('id="filter-period"')[1].split("</select>")[0]
    return sorted(re.findall(r'<option value="(\d{4}-Q\d)"', select_html))


def _score(rows, group: str, measure: str) -> tuple[float | None, str]:
    row = next(r for r in rows if r["group"] == group and r["measure"] in (measure, ""))
    return (float(row["score"]) if row["score"] else None), row["change"]


def _counts(tenant_id: int) -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Employee, Team, Round, Invitation, Response, Answer, Rollup, Interaction)
    }


# -- seeding ----------------------------------------------------------------------------------


def test_the_demo_has_six_quarters_of_history_and_seeding_again_adds_nothing(demo_ctx):
    before = _counts(demo_ctx.id)
    assert before["Employee"] >= 280 and before["Team"] >= 8
    periods = db.session.scalars(
        select(Round.period).where(Round.status == "closed").distinct()
    ).all()
    assert len(periods) >= 6
    assert before["Response"] > 3000 and before["Interaction"] > 100
    seed_demo()
    db.session.expire_all()
    assert _counts(demo_ctx.id) == before


def test_the_demo_rollups_are_what_real_submissions_would_add(demo_ctx):
    """Replay ``add_response`` over two rounds' stored responses: same rollups."""
    rounds = [
        db.session.scalar(
            select(Round.id)
            .where(Round.kind == kind, Round.status == "closed")
            .order_by(Round.id.desc())
            .limit(1)
        )
        for kind in ("employee", "customer")
    ]

    def snapshot() -> dict:
        return {
            (r.round_id, r.scope, r.scope_key, r.dimension): (
                r.n,
                r.total,
                r.total_sq,
                r.favourable,
            )
            for r in db.session.scalars(select(Rollup).where(Rollup.round_id.in_(rounds)))
        }

    seeded = snapshot()
    assert seeded
    db.session.execute(Rollup.__table__.delete().where(Rollup.round_id.in_(rounds)))
    for response in db.session.scalars(select(Response).where(Response.round_id.in_(rounds))):
        rollups.add_response(response)
    db.session.expire_all()
    replayed = snapshot()
    assert replayed.keys() == seeded.keys()
    for key, (n, total, total_sq, favourable) in seeded.items():
        n2, total2, total_sq2, favourable2 = replayed[key]
        assert (n, favourable) == (n2, favourable2), key
        assert math.isclose(total, total2) and math.isclose(total_sq, total_sq2), key


def test_employee_responses_do_not_follow_the_order_of_the_invitations(demo_ctx):
    round_id = db.session.scalar(
        select(Round.id).where(Round.kind == "employee", Round.status == "closed").limit(1)
    )
    teams = [
        r.team_id
        for r in db.session.scalars(
            select(Response).where(Response.round_id == round_id).order_by(Response.id)
        )
    ]
    assert teams != sorted(teams, key=lambda t: t or 0)


# -- the story on the dashboard ---------------------------------------------------------------


def test_the_dashboard_shows_where_the_culture_stands_and_its_trend(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    page = client.get("/t/demo/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'dash-big-number">\d{2}<', html)  # the index
    level = re.search(r"Level (\d) of 5</span> ([^<]+)</p>", html)
    assert level
    known = LEVELS[int(level.group(1)) - 1]
    assert level.group(2).strip() == known.name("en")
    assert known.description("en") in html
    trend_rows = re.findall(r'<th scope="row">(\d{4}-Q\d)</th><td>(\d+) \(95% CI', html)
    assert len(trend_rows) >= 6
    assert int(trend_rows[-1][1]) > int(trend_rows[0][1])  # the company improves
    assert "What changed, and where to look" in html
    assert "Get to your first results" not in html  # the demo has done every step


def test_the_rising_team_s_purpose_clarity_goes_up_quarter_after_quarter(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    periods = _periods(client)
    scores, changes = [], []
    for period in periods:
        score, change = _score(_csv(client, f"?period={period}"), story.RISING, "purpose_clarity")
        scores.append(score)
        changes.append(change)
    assert None not in scores
    first_after = story.CHANGE_AT
    before, after = scores[:first_after], scores[first_after:]
    assert max(before) - min(before) < 6  # flat before the change
    assert after == sorted(after)  # then up every quarter
    assert after[-1] - max(before) > 15
    assert changes[first_after:].count("up") >= 3
    # And the change note that explains it.
    page = client.get(f"/t/demo/?period={periods[first_after]}").get_data(as_text=True)
    assert "customer-outcome review" in page
    assert f"{story.RISING}: Purpose clarity went up" in page


def test_the_declining_team_loses_outcome_focus(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    periods = _periods(client)
    scores = [
        _score(_csv(client, f"?period={p}"), story.DECLINING, "outcome_focus")[0] for p in periods
    ]
    assert scores[-1] < scores[story.CHANGE_AT - 1] - 10
    page = client.get(f"/t/demo/?period={periods[-2]}").get_data(as_text=True)
    assert f"{story.DECLINING}: Outcome focus went down" in page


def test_customers_called_on_their_birthday_feel_more_valued(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    periods = _periods(client)
    felt = []
    lifts = []
    for period in periods:
        rows = _csv(client, f"?period={period}")
        overall = next((r for r in rows if r["group_type"] == "customers" and r["score"]), None)
        if overall is None:  # no closed customer round yet in a quarter just begun
            continue
        felt.append(float(overall["score"]))
        birthday = [
            r for r in rows if r["group_type"] == "process" and r["group"] == programs.BIRTHDAY
        ]
        if birthday and birthday[0]["score"]:
            lifts.append(float(birthday[0]["score"]) - float(overall["score"]))
    assert len(lifts) >= 2 and all(lift > 2 for lift in lifts)
    assert felt[-1] - felt[0] > 8


def test_the_small_team_is_hidden_and_says_how_many_more_answers_it_needs(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    html = client.get("/t/demo/").get_data(as_text=True)
    assert re.search(rf"<strong>{org.SMALL}</strong>: needs \d more answers?", html)
    cells = re.findall(rf'<th scope="row">[^<]*{org.SMALL}</th>(.*?)</tr>', html)
    assert cells and set(re.findall(r"<td>(.*?)</td>", cells[0])) == {"hidden"}
    rows = [r for r in _csv(client) if r["group"] == org.SMALL]
    assert len(rows) == 1 and rows[0]["status"] == "hidden"
    assert rows[0]["score"] == "" and int(rows[0]["needed"]) >= 1


def test_the_export_holds_aggregates_only(demo_app):
    client = _client(demo_app, DEMO_USERS[0][0])
    body = client.get("/t/demo/export.csv").get_data().decode("utf-8-sig")
    assert "@" not in body  # no email, no person
    rows = list(csv.DictReader(io.StringIO(body)))
    released = [r for r in rows if r["status"] == "released"]
    assert released and all(int(r["respondents"]) >= 5 for r in released)
    assert all(r["score"] == "" for r in rows if r["status"] == "hidden")


# -- who sees what ----------------------------------------------------------------------------


def test_the_demo_team_lead_sees_only_their_subtree(demo_app):
    client = _client(demo_app, LEAD_EMAIL)
    html = client.get("/t/demo/").get_data(as_text=True)
    team_select = html.split('id="filter-team"')[1].split("</select>")[0]
    names = [n.strip("\u2003 ") for n in re.findall(r"<option[^>]*>([^<]+)</option>", team_select)]
    assert names[0] == org.SMALL_TEAM_PARENT
    assert {story.RISING, story.DECLINING, org.SMALL} <= set(names)
    assert "Sales" not in names and "Whole company" not in names
    rows = _csv(client)
    assert {r["group"] for r in rows if r["group_type"] == "team"} <= set(names)
    with demo_app.app_context(), unscoped():
        sales = db.session.scalar(select(Team.id).where(Team.name == "Sales"))
    assert client.get(f"/t/demo/?team={sales}").status_code == 404
    assert client.get(f"/t/demo/export.csv?team={sales}").status_code == 404


def test_the_demo_executive_reads_the_dashboard_but_cannot_manage(demo_app):
    client = _client(demo_app, "exec@demo.example")
    assert client.get("/t/demo/").status_code == 200
    assert client.get("/t/demo/export.csv").status_code == 200
    assert client.get("/t/demo/members").status_code == 403
    for endpoint in ("people.employees", "pulses.programs"):
        with demo_app.test_request_context():
            url = url_for(endpoint, slug="demo")  # a renamed endpoint fails here (BuildError)
        assert client.get(url).status_code == 403, endpoint


def test_the_demo_programs_start_once(ctx):
    from tenants.pulses.models import Process, Program
    from tests.factories.pulses import madrid_tenant

    tenant = madrid_tenant()
    with tenant_context(tenant.id):
        programs.ensure_programs(tenant)
        programs.ensure_programs(tenant)
        db.session.commit()
        employee = db.session.scalars(select(Program).where(Program.kind == "employee")).all()
        assert len(employee) == 1
        assert employee[0].started and employee[0].cadence == "biweekly"
        assert employee[0].next_send_at is not None
        birthday = db.session.scalars(select(Process).where(Process.name == "Birthday call")).all()
        assert len(birthday) == 1
        assert db.session.get(Program, birthday[0].program_id).kind == "customer"
