"""The round page and the rounds API: live counts (never who), closing early, the change note,
"send me a test", and JSON errors for ids that are not the tenant's."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.api import service as api_service
from tenants.pulses.models import Invitation, Round
from tenants.surveys.models import Response
from tests.factories import link_in, login, make_tenant, make_user, text_of
from tests.factories.rounds import customer_round, deliver, employee_round, full_answers

PEOPLE = [
    ("ana.garcia@acme.test", "es"),
    ("bob.smith@acme.test", "en"),
    ("cyrus.wong@acme.test", "en"),
]


def _round_with_answers(client):
    tenant = make_tenant("Acme")
    admin = make_user(tenant, "admin")
    made = employee_round(tenant, PEOPLE)
    deliver(tenant.id)
    with tenant_context(tenant.id):
        gone = db.session.get(Invitation, made.invitation_ids["cyrus.wong@acme.test"])
        gone.status = "bounced"
        db.session.commit()
    token = made.tokens["ana.garcia@acme.test"]
    client.post(f"/r/{token}/submit", data=full_answers(made.round_id, tenant.id), csrf=False)
    return tenant, admin, made


def _figure(html: str, label: str) -> str:
    import re

    found = re.search(rf"<th scope=\"row\">{label}</th><td class=\"num\">([^<]+)</td>", html)
    assert found, label
    return found.group(1)


def test_the_round_page_counts_and_never_names(client, ctx):
    tenant, admin, made = _round_with_answers(client)
    login(client, admin)
    page = client.get(f"/t/{tenant.slug}/rounds/{made.round_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _figure(html, "Invited") == "3"
    assert _figure(html, "Sent") == "2"
    assert _figure(html, "Bounced") == "1"
    assert _figure(html, "Answered") == "1"
    assert _figure(html, "Participation") == "33%"
    for address, _locale in PEOPLE:
        assert address not in html and address.split("@")[0] not in html
    listing = client.get(f"/t/{tenant.slug}/rounds").get_data(as_text=True)
    assert f"/t/{tenant.slug}/rounds/{made.round_id}" in listing
    assert "ana.garcia" not in listing


def test_only_owners_and_admins_see_rounds(client, ctx):
    tenant = make_tenant("Acme")
    made = employee_round(tenant, 1)
    login(client, make_user(tenant, "executive"))
    assert client.get(f"/t/{tenant.slug}/rounds/{made.round_id}").status_code == 403
    login(client, make_user(make_tenant("Other"), "owner"))
    assert client.get(f"/t/{tenant.slug}/rounds/{made.round_id}").status_code == 404
    login(client, make_user(tenant, "owner"))
    assert client.get(f"/t/{tenant.slug}/rounds/99999999999999").status_code == 404


def test_an_admin_closes_early_and_writes_the_change_note(client, ctx):
    tenant = make_tenant("Acme")
    admin = make_user(tenant, "admin")
    made = employee_round(tenant, PEOPLE)
    login(client, admin)
    saved = client.post(
        f"/t/{tenant.slug}/rounds/{made.round_id}/note",
        data={"change_note": "  Meetings now end with a decision.  "},
    )
    assert saved.status_code == 302
    too_long = client.post(
        f"/t/{tenant.slug}/rounds/{made.round_id}/note", data={"change_note": "x" * 3000}
    )
    assert too_long.status_code == 400
    close = f"/t/{tenant.slug}/rounds/{made.round_id}/close"
    detail = client.get(f"/t/{tenant.slug}/rounds/{made.round_id}").get_data(as_text=True)
    assert f'href="{close}"' in detail and f'action="{close}"' not in detail
    confirm = client.get(close).get_data(as_text=True)
    assert f"{len(PEOPLE)} people have not answered yet" in confirm
    assert f"Yes, close it for the {len(PEOPLE)} people who have not answered" in confirm
    db.session.expire_all()
    with tenant_context(tenant.id):
        assert db.session.get(Round, made.round_id).status == "open"  # asking closed nothing
    closed = client.post(close)
    assert closed.status_code == 302
    db.session.expire_all()
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, made.round_id)
        assert round_.change_note == "Meetings now end with a decision."
        assert round_.status == "closed" and round_.closed_at is not None
    token = made.tokens["bob.smith@acme.test"]
    assert "This pulse has closed" in client.get(f"/r/{token}").get_data(as_text=True)


def test_send_me_a_test_mails_the_admin_the_real_email_with_a_link_that_cannot_submit(
    client, ctx, outbox
):
    tenant = make_tenant("Acme", contact_email="people@acme.test")
    admin = make_user(tenant, "admin", email="admin@acme.test")
    made = employee_round(tenant, PEOPLE)
    login(client, admin)
    sent = client.post(f"/t/{tenant.slug}/rounds/{made.round_id}/test", data={"lang": "es"})
    assert sent.status_code == 302
    message = outbox.last_to("admin@acme.test")
    assert message["Subject"].startswith("[Prueba] Acme")
    assert "Sus respuestas son anónimas" in text_of(message)
    link = link_in(message, "/r/")
    assert len("http://localhost" + link) < 80
    preview = client.get(link)
    assert preview.status_code == 200 and "Vista previa" in preview.get_data(as_text=True)
    client.post(link + "/submit", data=full_answers(made.round_id, tenant.id), csrf=False)
    with tenant_context(tenant.id):
        assert db.session.scalars(select(Response)).all() == []
        assert not any(i.answered for i in db.session.scalars(select(Invitation)))
    assert [m["To"] for m in outbox.messages()] == ["admin@acme.test"]  # nobody else


def _api(tenant):
    with tenant_context(tenant.id):
        _key, secret = api_service.create_key("tests")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_api_reports_a_rounds_status_and_closes_it(client, ctx):
    tenant, _admin, made = _round_with_answers(client)
    headers = _api(tenant)
    got = client.get(f"/api/v1/rounds/{made.round_id}", headers=headers)
    assert got.status_code == 200
    body = got.get_json()["round"]
    assert body["status"] == "open"
    assert (body["invited"], body["sent"], body["bounced"], body["answered"]) == (3, 2, 1, 1)
    assert (body["queued"], body["failed"]) == (0, 0)
    assert body["participation"] == round(1 / 3, 4)
    assert body["period"] and body["opens_at"].endswith("Z") and body["closes_at"]
    assert "email" not in str(body)

    closed = client.post(f"/api/v1/rounds/{made.round_id}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.get_json()["round"]["status"] == "closed"
    again = client.post(f"/api/v1/rounds/{made.round_id}/close", headers=headers)
    assert again.status_code == 200

    document = client.get("/api/v1/openapi.json").get_json()
    assert "/rounds/{round_id}" in document["paths"]
    assert "post" in document["paths"]["/rounds/{round_id}/close"]


def test_the_api_answers_bad_and_foreign_round_ids_with_json_errors(client, ctx):
    tenant = make_tenant("Acme")
    other = make_tenant("Other")
    foreign = employee_round(other, 1)
    headers = _api(tenant)
    for url in (
        f"/api/v1/rounds/{foreign.round_id}",
        "/api/v1/rounds/0",
        "/api/v1/rounds/99999999999999999999",
        "/api/v1/rounds/abc",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"
    refused = client.post(f"/api/v1/rounds/{foreign.round_id}/close", headers=headers)
    assert refused.status_code == 404
    with tenant_context(other.id):
        assert db.session.get(Round, foreign.round_id).status == "open"
    assert client.get(f"/api/v1/rounds/{foreign.round_id}").status_code == 401


# -- the rounds factory itself (tests/factories/rounds.py) -----------------------------------


def test_a_launched_round_has_one_token_per_person_and_a_complete_form(ctx):
    tenant = make_tenant("Factory Co")
    made = employee_round(tenant, [("a@f.test", "en"), ("b@f.test", "es")])
    assert set(made.tokens) == {"a@f.test", "b@f.test"}
    assert len(set(made.tokens.values())) == 2
    form = full_answers(made.round_id, made.tenant_id)
    assert form and all(form.values())
    now = utcnow()
    customers = customer_round(make_tenant("Client Co"), 2, now=now + timedelta(seconds=1))
    assert len(customers.tokens) == 2


def test_times_are_on_the_companys_clock_and_say_so(client, ctx):
    tenant = make_tenant("Madrid Co", timezone="Europe/Madrid")
    admin = make_user(tenant, "admin")
    made = employee_round(tenant, PEOPLE)
    login(client, admin)
    with tenant_context(tenant.id):
        closes = db.session.get(Round, made.round_id).closes_at
    local = closes.astimezone(ZoneInfo("Europe/Madrid"))
    html = client.get(f"/t/{tenant.slug}/rounds/{made.round_id}").get_data(as_text=True)
    shown = re.search(r"<dt>Closes</dt><dd>([^<]+)</dd>", html)
    assert shown, "no closing time"
    assert shown[1].endswith("(Madrid time)"), shown[1]
    assert local.strftime("%-I:%M") in shown[1]  # the Madrid wall clock, not UTC
    assert local.utcoffset() and closes.strftime("%-I:%M") not in shown[1]
