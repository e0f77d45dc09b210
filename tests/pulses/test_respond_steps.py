"""Every item can be skipped, and a skipped item counts in no figure; a pulse is one short page;
the quarterly round is a few pages whose earlier answers travel signed in the page, bound to the
link, and the last page records the response once."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Invitation, Round
from tenants.pulses.respondent.submit import survey_items
from tenants.scoring.models import Rollup
from tenants.surveys.models import Answer, Response
from tests.factories import make_tenant
from tests.factories.rounds import customer_round, employee_round, full_answers


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def _shown(html: str) -> set[str]:
    return set(re.findall(r'name="(q\d+)"', html))


def _post(client, token: str, html: str, answers: dict[str, str], **extra: str):
    """What a browser without JavaScript posts from the page ``html``."""
    data = {**_hidden(html), **{k: v for k, v in answers.items() if k in _shown(html)}, **extra}
    return client.post(f"/r/{token}/submit", data=data, csrf=False)


def _quarterly(name: str = "Steps Co"):
    tenant = make_tenant(name)
    made = employee_round(
        tenant, [(f"ana@{tenant.slug}.test", "en"), (f"bo@{tenant.slug}.test", "en")]
    )
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, made.round_id)
        assert round_.include_purpose_map
        survey = survey_items(round_, "en")
    return tenant, made, survey


def _stored(tenant) -> tuple[int, set[int], dict[str, int]]:
    db.session.expire_all()
    with tenant_context(tenant.id):
        responses = len(db.session.scalars(select(Response)).all())
        answered = set(db.session.scalars(select(Answer.question_id)))
        rollups = {r.dimension: r.n for r in db.session.scalars(select(Rollup))}
    return responses, answered, rollups


def test_a_quarterly_round_in_steps_with_a_skip_records_once_and_skipped_items_count_nowhere(
    client, ctx
):
    tenant, made, survey = _quarterly()
    token = made.tokens[f"ana@{tenant.slug}.test"]
    answers = full_answers(made.round_id, tenant.id)
    # Prefer not to say: every question of one dimension on the first page.
    first = client.get(f"/r/{token}").get_data(as_text=True)
    on_first = [i for i in survey.items if i.name in _shown(first)]
    dimension = survey.scoring[on_first[0].question_id][0]
    skipped = {i.name for i in survey.items if survey.scoring[i.question_id][0] == dimension}
    answers.update({name: "skip" for name in skipped})
    pages = [first]
    left_blank: set[str] = set()
    while "Next page" in pages[-1]:
        html = pages[-1]
        assert "Skip the questions left blank" in html  # a named Skip on every step
        extra = {}
        if len(pages) == 2:  # the second page: leave everything blank and press "Skip"
            left_blank = _shown(html)
            extra = {"skip": "1"}
        shown = {k: v for k, v in answers.items() if k not in left_blank}
        step = _post(client, token, html, shown, **extra)
        assert step.status_code == 200, step.get_data(as_text=True)
        pages.append(step.get_data(as_text=True))
        assert _stored(tenant)[0] == 0  # nothing is stored before the last page
    assert len(pages) >= 3 and "Your purpose map" in pages[-1]
    for page in pages[1:]:
        assert 'name="carried"' in page
    done = _post(client, token, pages[-1], answers)
    assert "Thank you" in done.get_data(as_text=True)

    responses, answered, rollups = _stored(tenant)
    assert responses == 1
    by_name = {i.name: i.question_id for i in survey.all_items}
    expected = {by_name[k] for k in answers if k not in skipped and k not in left_blank}
    assert answered == expected  # the first page's answers came through the signed field
    assert dimension not in rollups  # a skipped dimension is not counted
    assert rollups and all(n == 1 for n in rollups.values())
    again = _post(client, token, pages[-1], answers)
    assert again.status_code == 409
    assert _stored(tenant)[0] == 1


def test_a_blank_question_asks_for_an_answer_or_prefer_not_to_say(client, ctx):
    tenant, made, _survey = _quarterly()
    token = made.tokens[f"ana@{tenant.slug}.test"]
    first = client.get(f"/r/{token}").get_data(as_text=True)
    page = _post(client, token, first, {})
    assert page.status_code == 400
    assert "Choose an answer, or “Prefer not to say”." in page.get_data(as_text=True)
    assert _stored(tenant)[0] == 0


def test_earlier_answers_cannot_be_altered_or_moved_to_another_link(client, ctx):
    tenant, made, _survey = _quarterly()
    ana = made.tokens[f"ana@{tenant.slug}.test"]
    bo = made.tokens[f"bo@{tenant.slug}.test"]
    answers = full_answers(made.round_id, tenant.id)
    html = client.get(f"/r/{ana}").get_data(as_text=True)
    while "Next page" in html:
        html = _post(client, ana, html, answers).get_data(as_text=True)
    carried = _hidden(html)["carried"]
    last_only = {k: v for k, v in answers.items() if k in _shown(html)}
    for token, field in ((bo, carried), (ana, carried[:-3] + "xyz")):
        data = {**_hidden(html), "carried": field, **last_only}
        page = client.post(f"/r/{token}/submit", data=data, csrf=False)
        assert page.status_code == 400  # the earlier pages' answers are missing
        assert "Page 1 of" in page.get_data(as_text=True)
    assert _stored(tenant)[0] == 0
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert not any(i.answered for i in db.session.scalars(select(Invitation)))


def test_a_pulse_is_one_short_page_sent_once(client, ctx):
    tenant = make_tenant("Pulse Co")
    made = customer_round(tenant, [("carl@client.test", "en", "Retail")])
    token = next(iter(made.tokens.values()))
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Page 1 of" not in html and "Send my answers" in html
    assert 'class="step-nav" hidden' in html  # one question per screen only with the script
    assert "/static/js/respond.js" in html
    answers = full_answers(made.round_id, tenant.id)
    first = next(iter(answers))
    answers[first] = "skip"
    done = _post(client, token, html, answers)
    assert "Thank you" in done.get_data(as_text=True)
    _, answered, _ = _stored(tenant)
    assert answered and int(first[1:]) not in answered
