"""Anonymity at rest, a promise to real people: no path leads from an employee's response back to
a person or an invitation, in the schema or in the data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import DateTime, inspect, select, text

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.pulses.models import Invitation
from tenants.pulses.respondent import submit
from tenants.surveys.models import Answer, Response
from tests.factories import live, make_tenant
from tests.factories.live import live_tenant
from tests.factories.rounds import employee_round, full_answers

live_app = live.live_app  # a fixture
smtp_sink = live.smtp_sink  # a fixture

RESPONSE_COLUMNS = {
    "id",
    "tenant_id",
    "round_id",
    "audience",
    "team_id",
    # customers only (customer feedback is not anonymous, and its email says so):
    "customer_id",
    "segment",
    "process_id",
    "submitted_at",
}
ANSWER_COLUMNS = {"tenant_id", "response_id", "question_id", "value", "text"}
PERSON_TABLES = {"employees", "invitations", "users", "memberships", "interactions"}


def test_the_schema_has_no_path_from_a_response_to_a_person(ctx):
    schema = inspect(db.engine)
    columns = {c["name"]: c for c in schema.get_columns("responses")}
    assert set(columns) == RESPONSE_COLUMNS, "a new column on responses needs a privacy review"
    assert {c["name"] for c in schema.get_columns("answers")} == ANSWER_COLUMNS
    for table in ("responses", "answers"):
        referred = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert not referred & PERSON_TABLES, (table, referred)
    # No time on a response but the customer's submitted_at.
    times = {n for n, c in columns.items() if isinstance(c["type"], DateTime)}
    assert times == {"submitted_at"}
    # Random keys: no sequence numbers the order of submissions could be read from.
    assert schema.get_pk_constraint("responses")["constrained_columns"] == ["id"]
    assert Response.__table__.c.id.type.python_type is str
    assert set(schema.get_pk_constraint("answers")["constrained_columns"]) == {
        "response_id",
        "question_id",
    }
    assert not any(c.autoincrement is True for c in Answer.__table__.primary_key.columns)
    if db.engine.dialect.name == "postgresql":
        sequences = db.session.scalars(
            text(
                "SELECT sequencename FROM pg_sequences "
                "WHERE sequencename LIKE 'responses%' OR sequencename LIKE 'answers%'"
            )
        ).all()
        assert sequences == []
    # The invitation records only whether it was answered.
    invitation_columns = {c["name"] for c in schema.get_columns("invitations")}
    assert not {c for c in invitation_columns if "answer" in c} - {"answered"}


def test_submitted_responses_cannot_be_matched_to_invitations(client, ctx):
    tenant = make_tenant("Private Co")
    made = employee_round(tenant, 12)
    form = full_answers(made.round_id, tenant.id)
    submitted_order: list[str] = []
    for address, token in sorted(made.tokens.items()):
        with tenant_context(tenant.id):
            invitation_id = made.invitation_ids[address]
            before = _row(Invitation, invitation_id)
            known = set(db.session.scalars(select(Response.id)))
        assert client.post(f"/r/{token}/submit", data=form, csrf=False).status_code == 200
        db.session.expire_all()
        with tenant_context(tenant.id):
            after = _row(Invitation, invitation_id)
            [new] = set(db.session.scalars(select(Response.id))) - known
        submitted_order.append(new)
        # Answering changes one thing on the invitation: answered. No time, no counter.
        changed = {k for k in before if before[k] != after[k]}
        assert changed == {"answered"}, changed

    with tenant_context(tenant.id):
        responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 12
    for response in responses:
        assert re.fullmatch(r"[0-9a-f]{32}", response.id)  # 128 random bits
        assert response.submitted_at is None
        assert response.customer_id is None and response.segment is None
        assert response.process_id is None
    # Ordered by any column, responses do not come out in the order they were given.
    assert sorted(submitted_order) != submitted_order
    # Apart from the random id, every response row of the team looks the same.
    shapes = {(r.tenant_id, r.round_id, r.audience, r.team_id) for r in responses}
    assert len(shapes) == 1


def _row(model, object_id) -> dict:
    obj = db.session.get(model, object_id)
    return {c.key: getattr(obj, c.key) for c in inspect(model).column_attrs}


def test_on_postgresql_the_transaction_id_no_longer_pairs_them_after_the_tick(live_app):
    with live_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("xmin is a PostgreSQL system column")
        tenant = live_tenant()
        made = employee_round(tenant, 3)
        form = full_answers(made.round_id, tenant.id)
    client = live_app.test_client()
    for token in made.tokens.values():
        assert client.post(f"/r/{token}/submit", data=form, csrf=False).status_code == 200

    def paired() -> set[str]:
        with live_app.app_context():
            invitations = set(
                db.session.scalars(text("SELECT xmin::text FROM invitations WHERE answered"))
            )
            responses = set(db.session.scalars(text("SELECT xmin::text FROM responses")))
            return invitations & responses

    assert len(paired()) == 3  # stored in one transaction: what the tick must blur
    with live_app.app_context(), tenant_context(tenant.id):
        assert submit.blur_answer_order(utcnow()) == 3
    assert paired() == set()


def test_on_sqlite_no_hidden_rowid_records_the_order_responses_arrived(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's rowid only")
    for table in ("responses", "answers"):
        with pytest.raises(Exception, match="no such column: rowid"):
            db.session.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608
        db.session.rollback()
