"""The respondent's page: opens without using the link, in the person's language, answers once,
thanks with what changed, and is friendly about used, closed and unknown links."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import func, select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.people.models import Customer
from tenants.pulses.models import Invitation, Round, Suppression
from tenants.scoring.models import Rollup
from tenants.surveys.bank import ACHIEVEMENT_LABELS, PURPOSE_MAP_FIELDS
from tenants.surveys.models import Answer, Response
from tests.factories import make_tenant
from tests.factories.rounds import customer_round, employee_round, full_answers


def _one_person(name="Acme", locale="en", **kwargs):
    tenant = make_tenant(name, contact_email="people@acme.test")
    made = employee_round(tenant, [(f"ana@{tenant.slug}.test", locale)], **kwargs)
    token = next(iter(made.tokens.values()))
    return tenant, made, token


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def _step_form(html: str, answers: dict[str, str], **extra: str) -> dict[str, str]:
    """What a browser without JavaScript posts from the step ``html`` shows: its hidden fields
    and the ``answers`` to the questions on it."""
    shown = set(re.findall(r'name="(q\d+)"', html))
    return {**_hidden(html), **{k: v for k, v in answers.items() if k in shown}, **extra}


def _walk(client, token: str, answers: dict[str, str], html: str) -> list[str]:
    """Every step's page from ``html`` (the first) to the last, answering each with ``answers``
    (the last is shown, not sent)."""
    pages = [html]
    while "Next page" in pages[-1]:
        step = client.post(f"/r/{token}/submit", data=_step_form(pages[-1], answers), csrf=False)
        assert step.status_code == 200
        pages.append(step.get_data(as_text=True))
    return pages


def _invitation(tenant, made) -> Invitation:
    db.session.expire_all()
    with tenant_context(tenant.id):
        return db.session.get(Invitation, next(iter(made.invitation_ids.values())))


def test_opening_twice_does_not_use_the_link(client, ctx):
    tenant, made, token = _one_person(locale="es")
    for _ in range(2):
        page = client.get(f"/r/{token}")
        assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Pulso de Acme" in html
    assert "Sus respuestas son anónimas" in html and "al menos 5 personas" in html
    assert "Página 1 de " in html and "Página siguiente" in html  # the quarterly round: steps
    assert f'href="/brand/{tenant.slug}/0/brand.css"' in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert 'name="csrf_token"' not in html
    assert not _invitation(tenant, made).answered

    english = client.get(f"/r/{token}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Next page" in english
    assert f'href="/r/{token}?lang=es"' in english  # the switch back


def test_each_question_is_a_labelled_fieldset_and_the_purpose_map_is_there(client, ctx):
    tenant, made, token = _one_person()
    with tenant_context(tenant.id):
        assert db.session.get(Round, made.round_id).include_purpose_map  # first of the quarter
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert html.count("<fieldset") == html.count("<legend>") > 3
    for item in re.findall(r'<input type="radio" id="([^"]+)"', html):
        assert f'<label for="{item}">' in html
    assert html.count('value="skip"') == html.count("<fieldset")  # every item skippable
    assert "Your purpose map" not in html  # the map is the last step
    pages = _walk(client, token, full_answers(made.round_id, tenant.id), html)
    html = pages[-1]
    assert f"Page {len(pages)} of {len(pages)}" in html and "Send my answers" in html
    assert not any("Your purpose map" in page for page in pages[:-1])
    assert "Your purpose map" in html
    for field in PURPOSE_MAP_FIELDS:
        assert field.label.en in html
    assert ACHIEVEMENT_LABELS[1].en in html and ACHIEVEMENT_LABELS[5].en in html
    assert "(optional)" in html  # the ritual process and small change


def test_submitting_thanks_with_the_change_note_and_a_second_submit_is_refused(client, ctx):
    tenant, made, token = _one_person(change_note="We dropped the Friday status report.")
    form = full_answers(made.round_id, tenant.id)
    done = client.post(f"/r/{token}/submit", data=form, csrf=False)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Thank you" in html
    assert "What Acme changed since last time" in html
    assert "We dropped the Friday status report." in html
    assert _invitation(tenant, made).answered
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        assert answers == len(form)
        assert db.session.scalar(select(func.count()).select_from(Rollup)) > 0

    again = client.post(f"/r/{token}/submit", data=form, csrf=False)
    assert again.status_code == 409
    assert "You have already answered" in again.get_data(as_text=True)
    opened = client.get(f"/r/{token}")
    assert "You have already answered" in opened.get_data(as_text=True)
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_thank_you_page_falls_back_to_the_last_rounds_note(client, ctx):
    tenant = make_tenant("Notes Co")
    first = employee_round(tenant, 1, change_note="New onboarding buddy scheme.")
    with tenant_context(tenant.id):
        db.session.get(Round, first.round_id).status = "closed"
        db.session.commit()
    second = employee_round(tenant, 1, now=utcnow() + timedelta(days=31))
    token = next(iter(second.tokens.values()))
    done = client.post(
        f"/r/{token}/submit", data=full_answers(second.round_id, tenant.id), csrf=False
    )
    assert "New onboarding buddy scheme." in done.get_data(as_text=True)


def test_validation_keeps_what_was_typed_and_ties_errors_to_the_questions(client, ctx):
    tenant, made, token = _one_person()
    form = full_answers(made.round_id, tenant.id)
    choices = [name for name, value in form.items() if value.isdigit()]
    texts = [name for name, value in form.items() if not value.isdigit()]
    missing = choices[0]
    kept = choices[1]
    partial = {k: v for k, v in form.items() if k != missing}
    partial[texts[0]] = "Answering support tickets"
    page = client.post(f"/r/{token}/submit", data=partial, csrf=False)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html and "Choose an answer, or “Prefer not to say”." in html
    fieldset = rf'<fieldset[^>]*id="{missing}-field"[^>]*aria-describedby="[^"]*{missing}-error'
    assert re.search(fieldset, html)
    assert f'id="{missing}-error"' in html
    assert f'href="#{missing}-' in html  # the summary links to the question
    assert re.search(rf'id="{kept}-{form[kept]}" name="{kept}" value="{form[kept]}" checked', html)
    assert not _invitation(tenant, made).answered
    # The words typed travel (signed) to the step that asks for them.
    fixed = client.post(f"/r/{token}/submit", data=_step_form(html, form), csrf=False)
    steps = _walk(client, token, form, fixed.get_data(as_text=True))
    shown = [step for step in steps if f'name="{texts[0]}"' in step]
    assert len(shown) == 1 and ">Answering support tickets</textarea>" in shown[0]
    assert not _invitation(tenant, made).answered


def test_values_off_the_scale_and_overlong_text_are_refused(client, ctx):
    tenant, made, token = _one_person(locale="es")
    form = full_answers(made.round_id, tenant.id)
    choice = next(name for name, value in form.items() if value.isdigit())
    text = next(name for name, value in form.items() if not value.isdigit())
    page = client.post(f"/r/{token}/submit", data={**form, choice: "42"}, csrf=False)
    assert page.status_code == 400
    assert "Elija una de las respuestas." in page.get_data(as_text=True)
    page = client.post(f"/r/{token}/submit", data={**form, text: "x" * 5000}, csrf=False)
    assert page.status_code == 400
    assert re.search(r"Use menos de \d+ caracteres.", page.get_data(as_text=True))
    assert not _invitation(tenant, made).answered


def test_a_closed_round_says_so(client, ctx):
    tenant, made, token = _one_person()
    with tenant_context(tenant.id):
        db.session.get(Round, made.round_id).status = "closed"
        db.session.commit()
    page = client.get(f"/r/{token}")
    assert page.status_code == 410
    assert "This pulse has closed" in page.get_data(as_text=True)
    posted = client.post(
        f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id), csrf=False
    )
    assert posted.status_code == 410
    assert not _invitation(tenant, made).answered


def test_a_round_past_its_closing_time_is_closed_before_the_tick_closes_it(client, ctx):
    _tenant, _made, token = _one_person(now=utcnow() - timedelta(days=30))
    assert client.get(f"/r/{token}").status_code == 410


def test_an_unknown_link_is_a_friendly_404_and_guessing_is_rate_limited(client, ctx):
    page = client.get("/r/not-a-real-token-at-all")
    assert page.status_code == 404
    assert "We could not find this pulse" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.post("/r/nope/submit", data={}, csrf=False).status_code == 404
    assert client.get("/r/" + "x" * 500).status_code == 404
    codes = [client.get(f"/r/guess-{i}").status_code for i in range(40)]
    assert 429 in codes
    assert codes.index(429) <= 30


def test_a_preview_link_shows_the_pulse_but_cannot_submit(client, ctx):
    from tenants.pulses.outbox.tokens import preview_token

    tenant, made, _token = _one_person()
    with tenant_context(tenant.id):
        token = preview_token(db.session.get(Round, made.round_id))
    page = client.get(f"/r/{token}")
    assert page.status_code == 200
    assert "Preview" in page.get_data(as_text=True)
    done = client.post(
        f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id), csrf=False
    )
    assert "Nothing was saved" in done.get_data(as_text=True)
    with tenant_context(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/r/{forged}").status_code == 404


def test_a_customer_response_is_linked_to_the_customer(client, ctx):
    tenant = make_tenant("Shop Co")
    made = customer_round(tenant, [("carl@client.test", "es", "Retail")])
    token = made.tokens["carl@client.test"]
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "no son anónimas" in page
    assert "Su opinión para Shop Co" in page
    done = client.post(
        f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id, "es"), csrf=False
    )
    assert done.status_code == 200
    with tenant_context(tenant.id):
        response = db.session.scalars(select(Response)).one()
        customer = db.session.scalars(select(Customer)).one()
        assert response.customer_id == customer.id
        assert response.segment == "Retail"
        assert response.process_id is not None
        assert response.submitted_at is not None
        assert db.session.scalar(select(func.sum(Rollup.n))) > 0  # scoring counted it


def test_one_click_unsubscribe_needs_no_csrf_and_a_get_only_asks(client, ctx):
    tenant = make_tenant("Shop Co")
    made = customer_round(tenant, [("carl@client.test", "en", "Retail")])
    token = made.tokens["carl@client.test"]
    asked = client.get(f"/u/{token}")
    assert asked.status_code == 200
    assert "Unsubscribe" in asked.get_data(as_text=True)
    with tenant_context(tenant.id):
        assert not db.session.scalars(select(Customer)).one().unsubscribed
    done = client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200
    assert "You are unsubscribed" in done.get_data(as_text=True)
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert db.session.scalars(select(Customer)).one().unsubscribed
        assert db.session.scalars(select(Suppression.email)).all() == ["carl@client.test"]
        assert db.session.scalars(select(Invitation.status)).all() == ["suppressed"]


def test_employees_cannot_unsubscribe_from_work_pulses(client, ctx):
    _tenant, _made, token = _one_person()
    assert client.get(f"/u/{token}").status_code == 404
    assert client.post(f"/u/{token}", csrf=False).status_code == 404


def test_no_token_reaches_the_logs(client, ctx, caplog):
    tenant, made, token = _one_person()
    with caplog.at_level(logging.DEBUG):
        client.get(f"/r/{token}")
        client.post(f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id), csrf=False)
        client.get(f"/r/{token}?lang=es")
    assert caplog.records
    for record in caplog.records:
        flat = record.getMessage() + repr(getattr(record, "fields", {})) + repr(record.args)
        assert token not in flat


def test_people_can_still_answer_when_the_rate_limit_storage_is_down(client, ctx, monkeypatch):
    from saas.extensions import limiter

    _tenant, _made, token = _one_person()

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(type(limiter.limiter), "test", unreachable)
    monkeypatch.setattr(type(limiter.limiter), "hit", unreachable)
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get("/r/not-a-real-token-at-all").status_code == 404
