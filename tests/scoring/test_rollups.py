"""Rollups: one value per response and dimension, filed under the right cell, exact under
concurrent submissions, and the same whether kept one by one or rebuilt in SQL."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from saas.db import tenant_context
from saas.extensions import db
from tenants.scoring.aggregates.rollup_rows import rebuild_rollups
from tenants.scoring.models import Rollup
from tenants.scoring.rollups import add_response, answer_to_100, response_values
from tenants.surveys.models import Answer, Question, Response
from tests.factories.scoring import World, make_world


def rollup_rows(tenant_id: int) -> dict[tuple, tuple]:
    with tenant_context(tenant_id):
        rows = db.session.scalars(select(Rollup)).all()
        return {
            (r.round_id, r.scope, r.scope_key, r.dimension): (
                r.n,
                round(r.total, 6),
                round(r.total_sq, 6),
                r.favourable,
            )
            for r in rows
        }


def test_answers_convert_linearly_to_0_100():
    assert [answer_to_100("agree5", v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert answer_to_100("achievement", 4) == 75
    assert answer_to_100("ten", 7) == 70
    assert (answer_to_100("yes_no", 1), answer_to_100("yes_no", 0)) == (100, 0)
    assert answer_to_100("comment", 3) is None and answer_to_100("text", 1) is None
    for scale, bad in (("agree5", 6), ("ten", 11), ("yes_no", 0.5)):
        with pytest.raises(ValueError):
            answer_to_100(scale, bad)


def test_a_response_gives_one_value_per_dimension_the_mean_of_its_items():
    values = response_values(
        [
            ("purpose_clarity", "agree5", 3),
            ("purpose_clarity", "agree5", 5),
            ("outcome_focus", "achievement", 4),
            ("outcome_focus", "yes_no", 0),
            ("ownership", "ten", 9),
            (None, "comment", None),
            ("improvement", "text", None),
        ]
    )
    assert values == {"purpose_clarity": 75.0, "outcome_focus": 37.5, "ownership": 90.0}


def _ten_point_question(world: World) -> int:
    with tenant_context(world.tenant_id):
        q = Question(
            key="t_ten",
            audience="employee",
            dimension="ownership",
            scale="ten",
            text_en="x",
            text_es="x",
        )
        db.session.add(q)
        db.session.commit()
        return q.id


def test_add_response_keeps_n_sum_squares_and_favourable_per_team_cell(ctx):
    world = make_world()
    world.team("Sales")
    r = world.round("2026-Q3")
    world.answer(r, world.person("Sales"), {"purpose_clarity": (3, 5), "ownership": 4})
    world.answer(r, world.person("Sales"), {"purpose_clarity": (2, 2), "ownership": 5})
    world.answer(r, world.person(None), {"purpose_clarity": (5, 5), "ownership": 1})
    sales = str(world.teams["Sales"])
    rows = rollup_rows(world.tenant_id)
    assert rows == {
        # 75 and 25: n 2, Σ 100, Σ² 6250, one favourable.
        (r, "team", sales, "purpose_clarity"): (2, 100.0, 6250.0, 1),
        (r, "team", sales, "ownership"): (2, 175.0, 75**2 + 100**2, 2),
        (r, "team", "", "purpose_clarity"): (1, 100.0, 10000.0, 1),
        (r, "team", "", "ownership"): (1, 0.0, 0.0, 0),
    }


def test_customer_responses_are_filed_under_their_crossed_cell(ctx):
    world = make_world()
    world.team("Support")
    r = world.round("2026-Q3", ("felt_value",), kind="customer")
    call = world.process("Call")
    world.customer_answer(r, segment="Retail", serving="Support", process_id=call, value=5)
    world.customer_answer(r, segment=None, serving=None, process_id=None, value=2)
    rows = rollup_rows(world.tenant_id)
    assert rows == {
        (r, "customer", f"{world.teams['Support']}|{call}|Retail", "felt_value"): (
            1,
            100.0,
            10000.0,
            1,
        ),
        (r, "customer", "||", "felt_value"): (1, 25.0, 625.0, 0),
    }


def test_rebuilding_in_sql_gives_exactly_what_add_response_kept(ctx):
    world = make_world()
    world.team("Sales")
    world.team("Support")
    ten = _ten_point_question(world)
    r = world.round("2026-Q3", ("purpose_clarity", "ownership", "adaptability"))
    for pc, own, adapt in ((1, 2, 3), (4, 5, 5), (3, 3, 1), (5, 4, 2)):
        world.answer(
            r,
            world.person("Sales"),
            {"purpose_clarity": (pc, 6 - pc), "ownership": own, "adaptability": adapt},
        )
    world.answer(
        r, world.person(None), {"purpose_clarity": (2, 4), "ownership": 1, "adaptability": 5}
    )
    with tenant_context(world.tenant_id):  # a ten-point item averaged with an agree item
        response = Response(round_id=r, audience="employee", team_id=world.teams["Sales"])
        response.answers = [
            Answer(question_id=ten, value=7.0),
            Answer(question_id=world.questions["ownership"][0], value=2.0),
        ]
        db.session.add(response)
        add_response(response)
        db.session.commit()
    c = world.round("2026-Q3", ("felt_value",), kind="customer")
    call = world.process("Call")
    for value, segment in ((5, "Retail"), (4, "Retail"), (1, None)):
        world.customer_answer(c, segment=segment, serving="Support", process_id=call, value=value)
    kept = rollup_rows(world.tenant_id)
    assert len(kept) == 8  # 3 dimensions × (Sales, no team) + 2 customer cells
    with tenant_context(world.tenant_id):
        rebuild_rollups(world.tenant_id)
        db.session.commit()
    assert rollup_rows(world.tenant_id) == kept
    with tenant_context(world.tenant_id):
        rebuild_rollups(world.tenant_id, [c])  # one round only
        db.session.commit()
    assert rollup_rows(world.tenant_id) == kept


def test_a_response_without_scored_answers_adds_nothing(ctx):
    world = make_world()
    r = world.round("2026-Q3", comment=True)
    with tenant_context(world.tenant_id):
        response = Response(round_id=r, audience="employee")
        response.answers = [Answer(question_id=world.comment_question, text="hello")]
        db.session.add(response)
        add_response(response)
        db.session.commit()
    assert rollup_rows(world.tenant_id) == {}


# --------------------------------------------------------------------------- concurrency


def _postgres_live_url() -> str | None:
    """A database of its own next to the test database, when the suite runs on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgres"):
        return None
    import psycopg

    name = base.rsplit("/", 1)[1] + "_rollups"
    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def _live_urls(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'rollups.db'}"
    url = _postgres_live_url()
    if url:
        yield "postgresql", url


@pytest.fixture(params=["sqlite", "postgresql"])
def live_app(request, tmp_path):
    """A committed database (no per-test rollback) that threads share."""
    from saas import create_app
    from tests.conftest import make_settings, reset_schema

    urls = dict(_live_urls(tmp_path))
    if request.param not in urls:
        pytest.skip("PostgreSQL runs when TEST_DATABASE_URL is set")
    settings = make_settings(urls[request.param], tmp_path)
    application = create_app({"SETTINGS": settings, "TESTING": True})
    application.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url
    reset_schema(application)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_concurrent_add_response_from_threads_loses_no_increment(live_app):
    threads, per_thread = 8, 6
    with live_app.app_context():
        world = make_world("Concurrent Co")
        world.team("Sales")
        round_id = world.round("2026-Q3")
        tenant_id, team_id = world.tenant_id, world.teams["Sales"]
        pc, own = world.questions["purpose_clarity"], world.questions["ownership"][0]
        db.session.commit()
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def submit(k: int) -> None:
        try:
            with live_app.app_context(), tenant_context(tenant_id):
                start.wait()
                for i in range(per_thread):
                    value = (k + i) % 5 + 1
                    response = Response(round_id=round_id, audience="employee", team_id=team_id)
                    response.answers = [
                        Answer(question_id=pc[0], value=float(value)),
                        Answer(question_id=pc[1], value=float(value)),
                        Answer(question_id=own, value=float(6 - value)),
                    ]
                    db.session.add(response)
                    add_response(response)  # the first responses race to create the rows
                    db.session.commit()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=submit, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    values = [((k + i) % 5) * 25.0 for k in range(threads) for i in range(per_thread)]
    with live_app.app_context():
        rows = rollup_rows(tenant_id)
        assert rows[(round_id, "team", str(team_id), "purpose_clarity")] == (
            len(values),
            round(sum(values), 6),
            round(sum(v * v for v in values), 6),
            sum(v >= 75 for v in values),
        )
        assert rows[(round_id, "team", str(team_id), "ownership")][0] == len(values)
        # ...and the same as recomputing from the stored answers.
        with tenant_context(tenant_id):
            rebuild_rollups(tenant_id)
            db.session.commit()
        assert rollup_rows(tenant_id) == rows
