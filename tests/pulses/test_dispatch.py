"""Invitations: one email each, in the person's language, from the company, with a short link;
bounces suppressed, temporary failures retried, closed rounds not sent."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.pulses.models import Invitation, Round, Suppression
from tenants.pulses.outbox import claims, tick
from tenants.pulses.outbox.smtp import RawTransport
from tenants.pulses.outbox.tokens import hash_token
from tests.factories import html_of, live, make_tenant, text_of
from tests.factories.live import smtp_settings
from tests.factories.mail import link_in
from tests.factories.rounds import customer_round, deliver, employee_round

smtp_sink = live.smtp_sink  # a fixture


def _link(message) -> str:
    found = re.findall(r"https?://\S+/r/\S+", text_of(message))
    assert len(found) == 1, text_of(message)
    return found[0]


def test_a_launched_round_mails_each_person_once_in_their_language(ctx, outbox):
    tenant = make_tenant("Acme Ltd", contact_email="people@acme.test")
    made = employee_round(tenant, [("ana@acme.test", "es"), ("bob@acme.test", "en")], send=True)
    assert len(outbox) == 2
    spanish, english = outbox.last_to("ana@acme.test"), outbox.last_to("bob@acme.test")

    assert spanish["Subject"].startswith("Acme Ltd: un pulso de ")
    assert "Sus respuestas son anónimas" in text_of(spanish)
    assert "al menos 5 personas" in text_of(spanish)
    assert "Responder el pulso" in html_of(spanish)
    assert spanish["Content-Language"] == "es"
    # The subject and the body state the same, true length: the questions the page asks.
    length = re.fullmatch(
        r"Acme Ltd: a pulse of (\d+) questions, (about \d+ minutes)", english["Subject"]
    )
    assert length, english["Subject"]
    assert f"{length[1]} questions, {length[2]}." in text_of(english)
    page = ctx.test_client().get(link_in(english, "/r/"))
    assert f'data-total="{length[1]}"' in page.get_data(as_text=True)
    assert "Your answers are anonymous" in text_of(english)
    assert "at least 5 people" in text_of(english)
    assert "because you work at Acme Ltd" in text_of(english)

    for message in (spanish, english):
        sender = message["From"].addresses[0]
        assert sender.display_name == "Acme Ltd via Outcome Pulse"
        assert sender.addr_spec == ctx.config["SETTINGS"].mail_from
        assert message["Reply-To"] == "people@acme.test"
        assert "List-Unsubscribe" not in message  # employees: work surveys, not a mailing list
        link = _link(message)
        assert len(link) < 80
        assert link in html_of(message)

    token = _link(spanish).rsplit("/", 1)[1]
    assert len(token) >= 22  # 144 bits
    assert token == made.tokens["ana@acme.test"]
    with tenant_context(tenant.id):
        stored = db.session.scalars(select(Invitation).where(Invitation.round_id == made.round_id))
        by_email = {i.email: i for i in stored}
        assert by_email["ana@acme.test"].token_hash == hash_token(token)
        assert all(i.status == "sent" and i.sent_at and i.attempts == 1 for i in by_email.values())

    # The tick finds nothing more to send: each person got exactly one email.
    tick.sweep(utcnow())
    assert len(outbox) == 2


def test_a_customer_email_says_it_is_not_anonymous_and_unsubscribes_in_one_click(ctx, outbox):
    tenant = make_tenant("Shop Co", contact_email="care@shop.test")
    made = customer_round(tenant, [("carl@client.test", "en", "Retail")])
    deliver(tenant.id)
    message = outbox.last_to("carl@client.test")
    assert re.fullmatch(
        r"Shop Co would like your feedback \(\d+ questions, about .+\)", message["Subject"]
    )
    assert "linked to your customer record" in text_of(message)
    assert "not anonymous" in text_of(message)
    token = made.tokens["carl@client.test"]
    assert message["List-Unsubscribe"] == f"<http://localhost/u/{token}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"http://localhost/u/{token}" in text_of(message)


def test_customer_invitations_wait_for_their_delay(ctx, outbox):
    tenant = make_tenant("Later Co")
    made = customer_round(tenant, 1)
    later = utcnow() + timedelta(days=1)
    with tenant_context(tenant.id):
        invitation = db.session.get(Invitation, next(iter(made.invitation_ids.values())))
        invitation.next_attempt_at = later
        db.session.commit()
    assert deliver(tenant.id).sent == 0
    assert len(outbox) == 0
    assert deliver(tenant.id, clock=lambda: later + timedelta(seconds=1)).sent == 1
    assert len(outbox) == 1


def test_bounces_are_suppressed_and_temporary_failures_retried(app, ctx, smtp_sink):
    tenant = make_tenant("Bounce Co")
    people = [("gone@b.test", "en"), ("busy@b.test", "en"), ("fine@b.test", "en")]
    made = employee_round(tenant, people)
    smtp_sink.codes = {"gone@b.test": "550 5.1.1 No such user", "busy@b.test": "451 4.2.0 Busy"}
    now = utcnow()
    transport = RawTransport(smtp_settings(app, smtp_sink))
    report = deliver(tenant.id, transport=transport, clock=lambda: now)
    assert (report.sent, report.bounced, report.retried) == (1, 1, 1)
    assert smtp_sink.count_by_recipient() == {"fine@b.test": 1}

    with tenant_context(tenant.id):
        rows = {i.email: i for i in db.session.scalars(select(Invitation))}
        assert rows["gone@b.test"].status == "bounced"
        assert "550" in rows["gone@b.test"].last_error
        assert rows["busy@b.test"].status == "queued"
        assert rows["busy@b.test"].attempts == 1
        assert rows["busy@b.test"].next_attempt_at == now + claims.backoff(1)
        assert db.session.scalars(select(Suppression.email)).all() == ["gone@b.test"]

    # Not due yet: nothing happens. Then the server accepts it on the retry.
    assert deliver(tenant.id, transport=transport, clock=lambda: now).claimed == 0
    smtp_sink.codes.pop("busy@b.test")
    retry_at = now + claims.backoff(1)
    assert deliver(tenant.id, transport=transport, clock=lambda: retry_at).sent == 1
    assert smtp_sink.count_by_recipient() == {"fine@b.test": 1, "busy@b.test": 1}
    transport.close()

    # The next round skips the suppressed address.
    with tenant_context(tenant.id):
        round_ = db.session.get(Round, made.round_id)
        round_.status = "closed"
        db.session.commit()
    following = employee_round(tenant, people, now=now + timedelta(days=30))
    assert set(following.tokens) == {"busy@b.test", "fine@b.test"}


def test_temporary_failures_give_up_after_the_last_attempt(app, ctx, smtp_sink):
    tenant = make_tenant("Busy Co")
    employee_round(tenant, [("busy@c.test", "en")])
    smtp_sink.codes = {"busy@c.test": "451 4.2.0 Try later"}
    transport = RawTransport(smtp_settings(app, smtp_sink))
    moment = utcnow()
    for attempt in range(1, claims.MAX_ATTEMPTS + 1):
        report = deliver(tenant.id, transport=transport, clock=lambda m=moment: m)
        assert report.claimed == 1
        moment = moment + claims.backoff(attempt)
    transport.close()
    with tenant_context(tenant.id):
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.status == "failed"
        assert invitation.attempts == claims.MAX_ATTEMPTS
        assert db.session.scalars(select(Suppression)).all() == []  # not the address's fault
    assert smtp_sink.received == []


def test_an_unreachable_mail_server_keeps_invitations_queued(app, ctx):
    from dataclasses import replace

    from tests.factories.smtp import free_port

    tenant = make_tenant("Offline Co")
    employee_round(tenant, 3)
    settings = replace(app.config["SETTINGS"], smtp_host="127.0.0.1", smtp_port=free_port())
    report = deliver(tenant.id, transport=RawTransport(settings, timeout=2))
    assert report.sent == 0
    with tenant_context(tenant.id):
        rows = db.session.scalars(select(Invitation)).all()
        assert {i.status for i in rows} == {"queued"}
        assert sum(i.attempts for i in rows) == 0
        assert all(i.next_attempt_at > utcnow() for i in rows)


def test_a_closed_round_and_a_suppressed_address_are_not_sent(ctx, outbox):
    tenant = make_tenant("Quiet Co")
    made = employee_round(tenant, [("a@q.test", "en"), ("b@q.test", "en")])
    with tenant_context(tenant.id):
        db.session.add(Suppression(email="b@q.test", reason="unsubscribed"))
        db.session.commit()
    report = deliver(tenant.id)
    assert (report.sent, report.suppressed) == (1, 1)
    other = make_tenant("Closed Co")
    closed = employee_round(other, 2)
    with tenant_context(other.id):
        db.session.get(Round, closed.round_id).status = "closed"
        db.session.commit()
    assert deliver(other.id).sent == 0
    assert [m["To"] for m in outbox.messages()] == ["a@q.test"]
    assert made.round_id


def test_a_stale_claim_is_taken_over_and_a_fresh_one_is_not(ctx, outbox):
    tenant = make_tenant("Stale Co")
    employee_round(tenant, 2)
    now = utcnow()
    with tenant_context(tenant.id):
        assert len(claims.claim(now, "dead-worker", limit=1)) == 1  # the limit holds
        ids = claims.claim(now, "dead-worker")
    assert len(ids) == 1
    assert deliver(tenant.id, clock=lambda: now + timedelta(minutes=1)).claimed == 0
    later = now + claims.STALE_AFTER + timedelta(seconds=1)
    assert deliver(tenant.id, clock=lambda: later).sent == 2
    assert len(outbox) == 2


def test_a_launched_round_is_dispatched_through_the_real_queue(ctx, outbox):
    """Immediate mode hides a task that cannot be serialised or finds no context: go through
    Huey's storage once."""
    from saas.tasks import huey

    tenant = make_tenant("Queue Co")
    huey.immediate = False
    try:
        employee_round(tenant, 2, send=True)
        assert len(outbox) == 0  # enqueued, not run
        task = huey.dequeue()
        assert task is not None and task.name.endswith("dispatch_round_task")
        huey.execute(task)
    finally:
        huey.immediate = True
    assert len(outbox) == 2
