"""Mail: SMTP when configured, otherwise the local outbox with a development mailbox page."""

from __future__ import annotations

import pytest

from saas.mail import MailTransport, PermanentFailure, TemporaryFailure, build_message
from tests.conftest import make_settings
from tests.factories import html_of, text_of
from tests.factories.smtp import SmtpServer


def _message(to: str = "ana@example.test"):
    return build_message(
        to=to,
        subject="Hola ñandú",
        text="Plain text body",
        html="<p>HTML <strong>body</strong></p>",
        from_name="Acme via Outcome Pulse",
        reply_to="people@acme.test",
        headers={"List-Unsubscribe": "<https://x.test/u/abc>"},
    )


def test_multipart_mail_arrives_through_a_real_smtp_server(ctx):
    with SmtpServer() as server:
        settings = make_settings("sqlite://", SMTP_HOST="127.0.0.1", SMTP_PORT=str(server.port))
        with MailTransport(settings) as mail:
            for i in range(3):
                mail.send(_message(f"p{i}@example.test"))
        received = server.messages
    assert [m["To"] for m in received] == ["p0@example.test", "p1@example.test", "p2@example.test"]
    first = received[0]
    assert first["Subject"] == "Hola ñandú"
    assert first["From"] == "Acme via Outcome Pulse <pulse@outcome-pulse.local>"
    assert first["Reply-To"] == "people@acme.test"
    assert text_of(first).strip() == "Plain text body"
    assert "<strong>body</strong>" in html_of(first)


def test_refusals_are_told_apart_permanent_and_temporary(ctx):
    with SmtpServer() as server:
        server.sink.codes = {
            "gone@example.test": "550 No such user",
            "busy@example.test": "451 Try later",
        }
        settings = make_settings("sqlite://", SMTP_HOST="127.0.0.1", SMTP_PORT=str(server.port))
        with MailTransport(settings) as mail:
            with pytest.raises(PermanentFailure):
                mail.send(_message("gone@example.test"))
            with pytest.raises(TemporaryFailure):
                mail.send(_message("busy@example.test"))
            mail.send(_message("fine@example.test"))
        assert [m["To"] for m in server.messages] == ["fine@example.test"]


def test_an_unreachable_server_is_a_temporary_failure(ctx):
    from tests.factories.smtp import free_port

    settings = make_settings("sqlite://", SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    with MailTransport(settings, timeout=2) as mail, pytest.raises(TemporaryFailure):
        mail.send(_message())


def test_without_smtp_mail_goes_to_the_outbox_and_the_mailbox_page_shows_it(
    app, client, ctx, outbox
):
    with MailTransport(app.config["SETTINGS"]) as mail:
        mail.send(_message("box@example.test"))
    assert outbox.last_to("box@example.test")["Subject"] == "Hola ñandú"
    index = client.get("/dev/mailbox/").get_data(as_text=True)
    assert "box@example.test" in index and "Hola ñandú" in index
    name = sorted(outbox.folder.glob("*.eml"))[-1].name
    page = client.get(f"/dev/mailbox/{name}").get_data(as_text=True)
    assert "Plain text body" in page and "List-Unsubscribe" in page
    assert client.get("/dev/mailbox/../../etc/passwd").status_code == 404


def test_the_mailbox_does_not_exist_in_production(app, client):
    app.config["MAILBOX_ENABLED"] = False
    try:
        assert client.get("/dev/mailbox/").status_code == 404
    finally:
        app.config["MAILBOX_ENABLED"] = True
