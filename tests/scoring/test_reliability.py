"""Cronbach's alpha per dimension and quarter, from the purpose-map round (methodology §5.1)."""

from __future__ import annotations

import csv
import io

import pytest
from jsonschema import Draft202012Validator

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Round
from tenants.scoring.api import SCORES
from tenants.scoring.core.reliability import Reliability, cronbach_alpha
from tenants.scoring.core.stats import Moments
from tests.factories import login, make_user
from tests.factories.scoring import api_key, make_world

# Five people's answers (1-5) to three items; alpha does not change when every answer is put
# on 0-100 the same way, nor when the data are doubled (the divisors cancel).
ANSWERS = [(5, 4, 5), (4, 4, 3), (3, 2, 3), (2, 3, 2), (1, 2, 2)]


def test_alpha_worked_example():
    # Item sums of squares 10, 4, 6 (each item's mean is 3); totals 14, 11, 8, 7, 5 (mean 9)
    # have a sum of squares of 50: alpha = 3/2 · (1 - 20/50) = 0.9.
    rows = ANSWERS * 2
    items = [Moments.from_values([(r[i] - 1) * 25 for r in rows]) for i in range(3)]
    total = Moments.from_values([sum((v - 1) * 25 for v in r) / 3 for r in rows])
    # The totals' Moments hold the mean of the items here: alpha needs the sum.
    summed = Moments(total.n, total.total * 3, total.total_sq * 9)
    assert cronbach_alpha(items, summed) == pytest.approx(0.9)
    assert cronbach_alpha(items[:1], summed) is None  # one item: nothing to be consistent with
    assert cronbach_alpha(items, Moments.from_values([50] * 20)) is None  # no spread
    few = [Moments.from_values([(r[i] - 1) * 25 for r in ANSWERS]) for i in range(3)]
    assert cronbach_alpha(few, Moments(5, 0.0, 0.0)) is None  # fewer than 10 responses
    assert Reliability("ownership", 0.69, 3, 40).low and not Reliability("x", 0.7, 3, 40).low


def test_alpha_comes_from_the_stored_answers_of_the_purpose_map_round(ctx):
    world = make_world()
    world.team("Sales")
    map_round = world.round("2026-Q3", ("purpose_clarity", "ownership"))
    later = world.round("2026-Q3", ("purpose_clarity", "ownership"))
    with tenant_context(world.tenant_id):
        db.session.get(Round, map_round).include_purpose_map = True
        db.session.commit()
    # Purpose clarity has two items here: (5,4),(4,4),(3,2),(2,3),(1,2), twice. Item sums of
    # squares 20 and 8; totals 9, 8, 5, 5, 3 twice, sum of squares 48: alpha = 2·(1 - 28/48).
    for first, second, _ in ANSWERS * 2:
        world.answer(map_round, world.person("Sales"), {"purpose_clarity": (first, second)})
    # A later round's answers (one item pattern that would ruin alpha) do not count.
    for i in range(10):
        world.answer(later, world.person("Sales"), {"purpose_clarity": (1 + i % 5, 5 - i % 5)})
    board = world.dashboard("2026-Q3")
    assert board.overall.released
    (found,) = board.reliability
    assert found.dimension == "purpose_clarity"
    assert found.alpha == pytest.approx(2 * (1 - 28 / 48))
    assert (found.items, found.responses) == (2, 10)
    assert not board.low_reliability("purpose_clarity")


def _inconsistent_world():
    """Ten people whose two purpose items barely agree: alpha = 2·(1 - 20/24) = 1/3."""
    world = make_world()
    world.team("Sales")
    map_round = world.round("2026-Q3", ("purpose_clarity", "ownership"))
    with tenant_context(world.tenant_id):
        db.session.get(Round, map_round).include_purpose_map = True
        db.session.commit()
    for pair in [(5, 3), (4, 2), (3, 5), (2, 4), (1, 1)] * 2:
        world.answer(map_round, world.person("Sales"), {"purpose_clarity": pair, "ownership": 4})
    return world


def test_low_reliability_is_in_the_api_and_marked_on_the_dashboard(client, ctx):
    world = _inconsistent_world()
    body = client.get("/api/v1/scores?period=2026-Q3", headers=api_key(world.tenant_id)).get_json()
    Draft202012Validator(SCORES).validate(body)
    assert body["reliability"] == [
        {
            "dimension": "purpose_clarity",
            "alpha": pytest.approx(1 / 3),
            "items": 2,
            "responses": 10,
            "low_reliability": True,
        }
    ]
    with tenant_context(world.tenant_id):
        owner = make_user(db.session.get(Tenant, world.tenant_id), "owner")
    login(client, owner)
    slug = body_slug(world.tenant_id)
    page = client.get(f"/t/{slug}/?period=2026-Q3").get_data(as_text=True)
    assert "Purpose clarity (low reliability)" in page
    assert "Ownership (low reliability)" not in page
    assert "did not agree with each other (Cronbach's alpha below 0.7)" in page
    export = client.get(f"/t/{slug}/export.csv?period=2026-Q3").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    purpose = next(
        r for r in rows if r["group_type"] == "employees" and r["measure"] == "purpose_clarity"
    )
    assert (purpose["alpha"], purpose["reliability"]) == ("0.33", "low")


def body_slug(tenant_id: int) -> str:
    with tenant_context(tenant_id):
        return db.session.get(Tenant, tenant_id).slug
