"""``GET /api/v1/scores``: the dashboard's figures over the API, in its documented shape."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from tenants.scoring.api import SCORES
from tests.factories.scoring import T3, api_key, build_sales_and_ops, make_world


@pytest.fixture
def world(ctx):
    w = make_world()
    build_sales_and_ops(w)
    return w


def test_scores_answer_the_documented_shape_with_hidden_groups_reduced_to_counts(client, world):
    body = client.get("/api/v1/scores", headers=api_key(world.tenant_id)).get_json()
    Draft202012Validator(SCORES).validate(body)
    assert body["period"] == "2026-Q3" and body["team_id"] is None
    overall = body["overall"]
    assert overall["hidden"] is False and overall["n"] == 7 and overall["invited"] == 8
    assert overall["index"] == pytest.approx(400 / 7)
    assert overall["level"] == {"number": 3, "key": "developing", "name": "Developing"}
    teams = {t["name"]: t for t in body["teams"]}
    sales = {d["key"]: d for d in teams["Sales"]["dimensions"]}["purpose_clarity"]
    assert sales["score"] == pytest.approx(75.0) and sales["responses"] == 3
    assert sales["ci"]["low"] == pytest.approx(75 - T3 * 25 / 3**0.5)
    assert sales["favourable_share"] == pytest.approx(2 / 3) and sales["change"] is None
    assert teams["Beta"] == {
        "key": f"team:{world.teams['Beta']}",
        "name": "Beta",
        "team_id": world.teams["Beta"],
        "depth": 1,
        "hidden": True,
        "needed": 2,
        "reason": "below_threshold",
        "n": 1,
        "invited": 1,
        "participation": 1.0,
        "threshold": 3,
    }
    assert teams["Alpha"]["hidden"] and teams["Alpha"]["reason"] == "complementary"
    assert "dimensions" not in teams["Alpha"] and "index" not in teams["Alpha"]
    assert body["participation"] == {"invited": 8, "answered": 7, "rate": 0.875, "open_rounds": 0}


def test_a_team_narrows_to_its_subtree(client, world):
    headers = api_key(world.tenant_id)
    ops = world.teams["Ops"]
    body = client.get(f"/api/v1/scores?period=2026-Q3&team={ops}", headers=headers).get_json()
    Draft202012Validator(SCORES).validate(body)
    assert body["team_id"] == ops and body["overall"]["key"] == f"team:{ops}"
    assert [t["name"] for t in body["teams"]] == ["Ops", "Alpha", "Beta"]
    assert body["overall"]["dimensions"][0]["score"] == pytest.approx(43.75)


def test_a_malformed_period_or_team_is_400_and_an_unknown_or_foreign_team_404(client, world):
    headers = api_key(world.tenant_id)
    for query in ("period=2026-Q5", "period=2026Q3", "period=last", "team=abc", "team=1&team=2"):
        response = client.get(f"/api/v1/scores?{query}", headers=headers)
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "invalid_parameter"
    # Any integer is a team id the API may be asked about: not one of ours is a 404, alike.
    for team in ("999999", "-161750", "0", str(10**25)):
        response = client.get(f"/api/v1/scores?team={team}", headers=headers)
        assert response.status_code == 404, team
    other = make_world()
    build_sales_and_ops(other)
    foreign = other.teams["Sales"]
    response = client.get(f"/api/v1/scores?team={foreign}", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    # The other tenant's key sees its own team, and nothing of ours.
    mine = client.get(f"/api/v1/scores?team={foreign}", headers=api_key(other.tenant_id))
    assert mine.status_code == 200 and mine.get_json()["overall"]["name"] == "Sales"
    assert client.get("/api/v1/scores").status_code == 401


def test_a_quarter_without_results_answers_hidden_figures(client, world):
    body = client.get("/api/v1/scores?period=2025-Q1", headers=api_key(world.tenant_id)).get_json()
    Draft202012Validator(SCORES).validate(body)
    assert body["overall"]["hidden"] and body["overall"]["needed"] > 0
    assert body["trend"] == []


def test_the_endpoint_is_documented_with_its_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/scores"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == SCORES
    assert {p["name"] for p in operation["parameters"]} == {"period", "team"}
