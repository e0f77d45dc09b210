"""The question library: both languages by dimension, the tenant's own questions, versioning."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Program, Round
from tenants.pulses.rounds import launch
from tenants.surveys import service
from tenants.surveys.models import Answer, Question, Response, RoundQuestion
from tests.factories import login
from tests.factories.pulses import add_employee, at, madrid_tenant, owner_of, program_of

NOW = at("2026-04-07 07:00")


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(launch, "enqueue_dispatch", lambda r: None)


@pytest.fixture
def owner_client(client, ctx):  # type: ignore[no-untyped-def]
    tenant = madrid_tenant()
    login(client, owner_of(tenant))
    return client, tenant


def _question(tenant, key: str) -> Question:  # type: ignore[no-untyped-def]
    with tenant_context(tenant.id):
        return db.session.scalar(
            select(Question).where(Question.key == key, Question.retired_at.is_(None))
        )


def _answer(tenant, question_id: int) -> None:  # type: ignore[no-untyped-def]
    """Someone answered ``question_id`` in a launched round."""
    add_employee(tenant, start_date=date(2024, 1, 1))
    with tenant_context(tenant.id):
        program = db.session.get(Program, program_of(tenant).id)
        round_ = launch.launch_round(program, NOW)
        response = Response(round_id=round_.id, audience="employee")
        db.session.add(response)
        db.session.flush()
        db.session.add(Answer(response_id=response.id, question_id=question_id, value=4))
        db.session.commit()


def test_the_library_shows_every_dimension_in_both_languages(owner_client):
    client, tenant = owner_client
    page = client.get(f"/t/{tenant.slug}/questions").get_data(as_text=True)
    for heading in ("Purpose clarity", "Outcome focus", "Ownership", "Adaptability"):
        assert heading in page
    assert "I know why each of my main responsibilities matters." in page
    assert "Sé por qué es importante cada una de mis responsabilidades principales." in page
    assert "Purpose map" in page and "Una de sus responsabilidades" in page
    customers = client.get(f"/t/{tenant.slug}/questions?audience=customer").get_data(as_text=True)
    assert "Felt value" in customers and "Sentí que me valoraban como cliente." in customers
    assert client.get(f"/t/{tenant.slug}/questions?audience=robots").status_code == 404


def test_a_question_of_their_own_in_both_languages_joins_the_library_and_rotation(owner_client):
    client, tenant = owner_client
    response = client.post(
        f"/t/{tenant.slug}/questions/new",
        data={
            "audience": "employee",
            "dimension": "ownership",
            "scale": "agree5",
            "text_en": "I decide how to reach our customers' goals.",
            "text_es": "Decido cómo alcanzar los objetivos de nuestros clientes.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/t/{tenant.slug}/questions").get_data(as_text=True)
    assert "I decide how to reach our customers&#39; goals." in page
    assert "Decido cómo alcanzar los objetivos de nuestros clientes." in page
    own = _question(tenant, "custom_1")
    assert (own.dimension, own.builtin, own.audience) == ("ownership", False, "employee")
    # Retire the built-in ownership items: rotation must now choose the tenant's own.
    with tenant_context(tenant.id):
        db.session.execute(
            update(Question)
            .where(Question.dimension == "ownership", Question.builtin.is_(True))
            .values(retired_at=NOW)
        )
        db.session.commit()
    _answer(tenant, own.id)
    with tenant_context(tenant.id):
        asked = db.session.scalars(select(RoundQuestion.question_id)).all()
        assert own.id in asked


def test_a_question_without_a_dimension_is_asked_in_every_round(ctx):
    tenant = madrid_tenant()
    add_employee(tenant)
    with tenant_context(tenant.id):
        own = service.create_question(
            audience="employee", dimension=None, scale="yes_no",
            text_en="Did you take a break this week?", text_es="¿Descansó esta semana?",
        )  # fmt: skip
        db.session.commit()
        program = db.session.get(Program, program_of(tenant).id)
        first = launch.launch_round(program, NOW)
        launch.close_round(first, at("2026-04-20 07:00"))
        db.session.commit()
        second = launch.launch_round(program, at("2026-05-05 07:00"))
        for round_id in (first.id, second.id):
            ids = db.session.scalars(
                select(RoundQuestion.question_id).where(RoundQuestion.round_id == round_id)
            ).all()
            assert own.id in ids


def test_a_new_question_needs_both_languages_and_a_fitting_dimension(owner_client):
    client, tenant = owner_client
    base = f"/t/{tenant.slug}/questions/new"
    missing = client.post(
        base, data={"audience": "employee", "dimension": "", "scale": "agree5",
                    "text_en": "Only English", "text_es": ""},
    )  # fmt: skip
    assert missing.status_code == 400
    assert "Please correct the highlighted fields." in missing.get_data(as_text=True)
    mismatch = client.post(
        base, data={"audience": "customer", "dimension": "ownership", "scale": "agree5",
                    "text_en": "x", "text_es": "y"},
    )  # fmt: skip
    assert mismatch.status_code == 400
    assert "This dimension is not asked of Customers." in mismatch.get_data(as_text=True)
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count()).where(Question.builtin.is_(False))) == 0


def test_an_unanswered_question_of_their_own_is_edited_in_place(owner_client):
    client, tenant = owner_client
    with tenant_context(tenant.id):
        own = service.create_question(
            audience="employee", dimension="improvement", scale="agree5",
            text_en="We fix small things.", text_es="Arreglamos cosas pequeñas.",
        )  # fmt: skip
        db.session.commit()
        own_id = own.id
    page = client.get(f"/t/{tenant.slug}/questions/{own_id}").get_data(as_text=True)
    assert "Edit question" in page
    response = client.post(
        f"/t/{tenant.slug}/questions/{own_id}",
        data={"dimension": "adaptability", "scale": "ten", "text_en": "We fix small things fast.",
              "text_es": "Arreglamos rápido las cosas pequeñas."},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        own = db.session.get(Question, own_id)
        assert (own.text_en, own.dimension, own.scale, own.version) == (
            "We fix small things fast.",
            "adaptability",
            "ten",
            1,
        )


def test_an_answered_question_is_never_edited_only_retired_and_replaced(owner_client):
    client, tenant = owner_client
    with tenant_context(tenant.id):
        own = service.create_question(
            audience="employee", dimension="purpose_clarity", scale="agree5",
            text_en="I know whom my work helps.", text_es="Sé a quién ayuda mi trabajo.",
        )  # fmt: skip
        db.session.commit()
        own_id = own.id
    _answer(tenant, own_id)
    with tenant_context(tenant.id):
        own = db.session.get(Question, own_id)
        with pytest.raises(service.QuestionError, match="has answers"):
            service.update_question(
                own, dimension="purpose_clarity", scale="agree5", text_en="x", text_es="y"
            )
        with pytest.raises(service.QuestionError, match="round has asked"):
            service.delete_question(own)
        db.session.rollback()
    page = client.get(f"/t/{tenant.slug}/questions/{own_id}").get_data(as_text=True)
    assert "New wording for a question" in page and "People have answered this wording" in page
    response = client.post(
        f"/t/{tenant.slug}/questions/{own_id}",
        data={"text_en": "I know who benefits from my work.",
              "text_es": "Sé quién se beneficia de mi trabajo.",
              "dimension": "ownership", "scale": "ten"},  # ignored: a version keeps both
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        old = db.session.get(Question, own_id)
        assert old.text_en == "I know whom my work helps." and old.retired_at is not None
        new = db.session.scalar(select(Question).where(Question.replaces_id == own_id))
        assert (new.key, new.version, new.dimension, new.scale, new.retired_at) == (
            old.key,
            2,
            "purpose_clarity",
            "agree5",
            None,
        )
        assert db.session.scalar(select(Answer.question_id)) == own_id  # answers stay put
    library = client.get(f"/t/{tenant.slug}/questions").get_data(as_text=True)
    assert "I know who benefits from my work." in library and "v2" in library
    assert "Show retired questions" in library


def test_built_in_questions_are_replaced_or_retired_never_deleted(owner_client):
    client, tenant = owner_client
    builtin = _question(tenant, "ow_proud")
    base = f"/t/{tenant.slug}/questions/{builtin.id}"
    assert client.post(base + "/delete").status_code == 302
    assert _question(tenant, "ow_proud") is not None  # refused, with a message
    unchanged = client.post(base, data={"text_en": builtin.text_en, "text_es": builtin.text_es})
    assert unchanged.status_code == 400
    assert "The wording is unchanged." in unchanged.get_data(as_text=True)
    assert client.post(base + "/retire").status_code == 302
    assert _question(tenant, "ow_proud") is None
    with tenant_context(tenant.id):
        assert all(q.key != "ow_proud" for q in service.active_questions("employee"))
    assert client.post(base + "/restore").status_code == 302
    assert _question(tenant, "ow_proud").id == builtin.id


def test_an_unused_question_of_their_own_can_be_deleted(owner_client):
    client, tenant = owner_client
    with tenant_context(tenant.id):
        own = service.create_question(
            audience="customer", dimension="felt_value", scale="agree5",
            text_en="They listened.", text_es="Me escucharon.",
        )  # fmt: skip
        db.session.commit()
        own_id = own.id
    assert client.post(f"/t/{tenant.slug}/questions/{own_id}/delete").status_code == 302
    db.session.expunge_all()
    with tenant_context(tenant.id):
        assert db.session.get(Question, own_id) is None


def test_foreign_questions_are_404(owner_client):
    client, tenant = owner_client
    other = madrid_tenant()
    foreign = _question(other, "ow_proud")
    assert client.get(f"/t/{tenant.slug}/questions/{foreign.id}").status_code == 404
    assert client.post(f"/t/{tenant.slug}/questions/{foreign.id}/retire").status_code == 404
    assert _question(other, "ow_proud") is not None


def test_seeding_the_bank_again_adds_nothing(ctx):
    tenant = madrid_tenant()
    with tenant_context(tenant.id):
        assert service.seed_bank() == 0
        assert db.session.scalar(select(func.count(Round.id))) == 0
