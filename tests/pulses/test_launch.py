"""Launching rounds: what a round freezes and whom it invites."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Invitation, Program, Round, Suppression
from tenants.pulses.outbox import tokens
from tenants.pulses.rounds import customers, launch
from tenants.surveys import service as surveys
from tenants.surveys.models import Question, RoundQuestion
from tests.factories.pulses import (
    add_customer,
    add_employee,
    add_team,
    at,
    madrid_tenant,
    program_of,
)

NOW = at("2026-04-07 07:00")  # Tuesday 7 April 2026, 09:00 in Madrid
TODAY = date(2026, 4, 7)


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):  # type: ignore[no-untyped-def]
    """The dispatcher is another area's: record what would be handed to it instead."""
    calls: list[int] = []
    monkeypatch.setattr(launch, "enqueue_dispatch", lambda r: calls.append(r.id))
    return calls


def _launch(tenant: Tenant, now=NOW, **kwargs) -> Round:  # type: ignore[no-untyped-def]
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant).id)
        return launch.launch_round(program, now, **kwargs)


def _round_keys(tenant: Tenant, round_id: int) -> list[str]:
    with tenant_context(tenant.id):
        return list(
            db.session.scalars(
                select(Question.key)
                .join(RoundQuestion, RoundQuestion.question_id == Question.id)
                .where(RoundQuestion.round_id == round_id)
                .order_by(RoundQuestion.position)
            )
        )


def test_a_round_freezes_its_questions_and_thresholds(ctx, enqueued):
    tenant = madrid_tenant()
    add_employee(tenant, start_date=date(2024, 1, 1))
    round_ = _launch(tenant)
    round_id = round_.id
    assert enqueued == [round_id]
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, round_id)
        assert (round_.threshold, round_.comment_threshold) == (5, 10)
        assert (round_.period, round_.month, round_.number) == ("2026-Q2", "2026-04", 1)
        assert round_.opens_at == NOW
        assert round_.closes_at == at("2026-04-17 07:00")  # 10 days, same local time
        assert round_.reminder_days == [3, 5]
        assert round_.include_purpose_map  # the first round of the quarter
        tenant_row = db.session.get(Tenant, tenant.id)
        tenant_row.anonymity_threshold, tenant_row.comment_threshold = 8, 12
        program = db.session.get(Program, round_.program_id)
        program.questions_per_round = 15
        db.session.commit()
    keys = _round_keys(tenant, round_id)
    # The quarter's first round holds the map and three items of each of the five dimensions,
    # plus the comment.
    assert len([k for k in keys if not k.startswith("pm_")]) == 16
    assert "emp_comment_purpose" in keys
    assert [k for k in keys if k.startswith("pm_")] == [
        "pm_responsibility",
        "pm_purpose",
        "pm_achievement",
        "pm_ritual_process",
        "pm_small_change",
    ]
    db.session.expire_all()
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, round_id)
        assert (round_.threshold, round_.comment_threshold) == (5, 10)
        question = db.session.scalar(select(Question).where(Question.key == keys[0]))
        surveys.replace_question(question, text_en="New words", text_es="Palabras nuevas")
        db.session.commit()
    assert _round_keys(tenant, round_id) == keys  # the round still points at the old version
    with tenant_context(tenant.id):
        frozen = db.session.scalars(
            select(Question.text_en)
            .join(RoundQuestion, RoundQuestion.question_id == Question.id)
            .where(RoundQuestion.round_id == round_id)
        ).all()
        assert "New words" not in frozen


def test_the_next_round_rotates_and_leaves_the_purpose_map_for_next_quarter(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    first = _launch(tenant)
    first_id = first.id
    with tenant_context(tenant.id):
        launch.close_round(db.session.get(Round, first_id), NOW + timedelta(days=10))
        db.session.commit()
    second = _launch(tenant, NOW + timedelta(days=28))  # 5 May, same quarter
    second_id = second.id
    with tenant_context(tenant.id):
        assert not db.session.get(Round, second_id).include_purpose_map
        assert db.session.get(Round, second_id).number == 2
    before, after = _round_keys(tenant, first_id), _round_keys(tenant, second_id)
    rotated_before = {k for k in before if not k.startswith(("pm_", "emp_comment"))}
    rotated_after = {k for k in after if not k.startswith(("pm_", "emp_comment"))}
    # Both ask the five anchors; the second round's three other items were not asked before.
    anchors = {
        "pc_know_why",
        "of_judged_by_results",
        "ow_responsible_results",
        "ad_change_how",
        "im_small_changes",
    }
    assert anchors <= rotated_before & rotated_after
    assert len(rotated_before) == 15 and len(rotated_after) == 8
    assert len(rotated_before & rotated_after) == 5


def test_only_eligible_people_are_invited_with_their_details_copied(ctx):
    tenant = madrid_tenant()
    operations = add_team(tenant, "Operations")
    support = add_team(tenant, "Support", parent=operations)
    sales = add_team(tenant, "Sales")
    long_ago = date(2024, 1, 1)
    add_employee(tenant, "ops@x.test", team=operations, start_date=long_ago)
    add_employee(tenant, "support@x.test", team=support, start_date=None, locale="es")
    add_employee(tenant, "sales@x.test", team=sales, start_date=long_ago)
    add_employee(tenant, "loner@x.test", team=None, start_date=long_ago)
    add_employee(tenant, "boundary@x.test", team=support, start_date=TODAY - timedelta(days=14))
    add_employee(tenant, "newbie@x.test", team=support, start_date=TODAY - timedelta(days=13))
    add_employee(tenant, "left@x.test", team=operations, start_date=long_ago, active=False)
    add_employee(tenant, "Bounced@x.test", team=operations, start_date=long_ago)
    with tenant_context(tenant.id):
        db.session.add(Suppression(email="bounced@x.test", reason="bounced"))
        db.session.get(Program, program_of(tenant).id).audience_team_ids = [operations.id]
        db.session.commit()
    round_id = _launch(tenant).id
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, round_id)
        assert round_.audience_team_ids == [operations.id]
        invitations = db.session.scalars(
            select(Invitation).where(Invitation.round_id == round_id).order_by(Invitation.email)
        ).all()
        assert [i.email for i in invitations] == ["boundary@x.test", "ops@x.test", "support@x.test"]
        support_invite = invitations[2]
        assert (support_invite.locale, support_invite.team_id) == ("es", support.id)
        assert {i.status for i in invitations} == {"queued"}
        hashes = [i.token_hash for i in invitations]
        assert len(set(hashes)) == 3
        assert all(i.token_hash == tokens.hash_token(tokens.token_for(i.id)) for i in invitations)
        assert all(i.employee_id and i.customer_id is None for i in invitations)
        launch.close_round(round_, NOW + timedelta(days=1))
        db.session.commit()
    # Everyone, with a chosen audience for one round only: the program's stays as it was.
    round_id = _launch(tenant, NOW + timedelta(days=14), audience=[sales.id]).id
    with tenant_context(tenant.id):
        emails = db.session.scalars(
            select(Invitation.email).where(Invitation.round_id == round_id)
        ).all()
        assert emails == ["sales@x.test"]
        assert db.session.get(Program, program_of(tenant).id).audience_team_ids == [operations.id]


def test_a_launch_that_cannot_happen_writes_nothing(ctx):
    tenant = madrid_tenant()
    other = madrid_tenant()
    foreign_team = add_team(other, "Foreign")
    with pytest.raises(launch.LaunchError, match="Nobody to invite"):
        _launch(tenant)
    add_employee(tenant)
    with pytest.raises(launch.LaunchError, match="Unknown teams"):
        _launch(tenant, audience=[foreign_team.id])
    with tenant_context(tenant.id):
        db.session.rollback()
        assert db.session.scalars(select(Round)).all() == []
        customer_program = db.session.get(Program, program_of(tenant, "customer").id)
        with pytest.raises(launch.LaunchError, match="rolling round"):
            launch.launch_round(customer_program, NOW)


def test_the_period_is_the_quarter_of_the_local_start_date(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    round_id = _launch(tenant, at("2026-06-30 22:30")).id  # 00:30 on 1 July in Madrid
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, round_id)
        assert (round_.period, round_.month) == ("2026-Q3", "2026-07")


def test_close_round_closes_once(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    round_id = _launch(tenant).id
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, round_id)
        launch.close_round(round_, NOW + timedelta(days=2))
        launch.close_round(round_, NOW + timedelta(days=3))
        assert (round_.status, round_.closed_at) == ("closed", NOW + timedelta(days=2))


def test_a_customer_program_has_one_rolling_round_per_local_month(ctx):
    tenant = madrid_tenant()
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant, "customer").id)
        april = customers.customer_round_for(program, at("2026-04-07 07:00"))
        assert customers.customer_round_for(program, at("2026-04-30 21:59")) is april
        may = customers.customer_round_for(program, at("2026-04-30 22:00"))  # May in Madrid
        assert may is not april
        assert (april.month, may.month, may.period, may.kind) == (
            "2026-04",
            "2026-05",
            "2026-Q2",
            "customer",
        )
        assert april.opens_at == at("2026-03-31 22:00")  # 1 April, 00:00 in Madrid
        assert april.closes_at == at("2026-05-10 22:00")  # the month's end + 10 days
        assert not april.include_purpose_map
        keys = db.session.scalars(
            select(Question.key)
            .join(RoundQuestion, RoundQuestion.question_id == Question.id)
            .where(RoundQuestion.round_id == april.id)
        ).all()
        assert "cu_comment" in keys and all(k.startswith("cu_") for k in keys)


def test_the_monthly_sample_skips_unreachable_and_recently_invited_customers(ctx):
    import random

    tenant = madrid_tenant()
    reachable = [add_customer(tenant, f"c{i}@x.test") for i in range(6)]
    add_customer(tenant, "nope@x.test", consent=False)
    add_customer(tenant, "unsub@x.test", unsubscribed=True)
    add_customer(tenant, "gone@x.test", active=False)
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant, "customer").id)
        program.started, program.sample_share = True, 0.5
        assert customers.sample_customers(program, NOW, random.Random(1)) == 3
        assert customers.sample_customers(program, NOW + timedelta(hours=1)) == 0  # once a month
        april = customers.customer_round_for(program, NOW)
        sampled = set(
            db.session.scalars(select(Invitation.email).where(Invitation.round_id == april.id))
        )
        assert len(sampled) == 3 and sampled <= {c.email for c in reachable}
        # In May, the three invited in April are still within the 30-day cooldown.
        may = NOW + timedelta(days=25)
        assert customers.sample_customers(program, may, random.Random(1)) == 2  # 50% of 3, rounded
        round_may = customers.customer_round_for(program, may)
        again = set(
            db.session.scalars(select(Invitation.email).where(Invitation.round_id == round_may.id))
        )
        assert not again & sampled


def test_launch_commits_before_it_hands_the_round_to_the_dispatcher(ctx, monkeypatch):
    from tenants.pulses.outbox import tasks

    seen: list[tuple[int, bool]] = []

    def enqueue_round(round_):  # type: ignore[no-untyped-def]
        open_transaction = db.session().in_transaction()  # before reading the round
        seen.append((inspect(round_).identity[0], open_transaction))

    monkeypatch.undo()
    monkeypatch.setattr(tasks, "enqueue_round", enqueue_round)
    tenant = madrid_tenant()
    add_employee(tenant)
    round_id = _launch(tenant).id
    assert seen == [(round_id, False)]
