"""One way to send mail: SMTP when ``SMTP_HOST`` is set, otherwise a local outbox of .eml files.

``MailTransport`` keeps one SMTP connection open for a batch (the dispatcher sends thousands).
Failures are classified so callers can retry temporary ones and suppress permanent ones.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path
from types import TracebackType

from flask import current_app

from saas.config import Settings


class MailError(Exception):
    """Base of delivery failures."""


class TemporaryFailure(MailError):
    """Try again later (4xx, connection trouble)."""


class PermanentFailure(MailError):
    """The address will not accept mail (5xx): suppress it."""


def build_message(
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    from_name: str | None = None,
    reply_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    mail_from: str | None = None,
) -> EmailMessage:
    sender = mail_from or current_app.config["SETTINGS"].mail_from
    message = EmailMessage()
    message["From"] = formataddr((from_name or "Outcome Pulse", sender))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class MailTransport:
    """Send many messages over one connection (or into the outbox folder)."""

    def __init__(self, settings: Settings, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    @property
    def uses_outbox(self) -> bool:
        return not self.settings.smtp_host

    @property
    def outbox(self) -> Path:
        return self.settings.instance / "outbox"

    def __enter__(self) -> MailTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            try:
                smtp = smtplib.SMTP(
                    self.settings.smtp_host or "", self.settings.smtp_port, timeout=self.timeout
                )
                if self.settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.settings.smtp_username:
                    smtp.login(self.settings.smtp_username, self.settings.smtp_password or "")
            except (OSError, smtplib.SMTPException) as exc:
                raise TemporaryFailure(f"cannot reach the mail server: {exc}") from exc
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage) -> None:
        if self.uses_outbox:
            self._write_to_outbox(message)
            return
        smtp = self._connect()
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(str(exc.recipients)) from exc
            raise TemporaryFailure(str(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            self._drop()
            raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TemporaryFailure(str(exc)) from exc
        if refused:
            raise PermanentFailure(str(refused))

    def _write_to_outbox(self, message: EmailMessage) -> None:
        self.outbox.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.outbox / f".{name}.tmp"
        temporary.write_bytes(bytes(message))
        temporary.rename(self.outbox / name)

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


@contextmanager
def transport() -> Iterator[MailTransport]:
    with MailTransport(current_app.config["SETTINGS"]) as mail:
        yield mail


def send(message: EmailMessage) -> None:
    """Send one message now (account mail). Survey invitations go through the dispatcher."""
    with transport() as mail:
        mail.send(message)


def render_bodies(name: str, **context: object) -> tuple[str, str]:
    """Render ``templates/mail/<name>.txt`` and ``.html`` (both always exist)."""
    from flask import render_template

    return (
        render_template(f"mail/{name}.txt", **context),
        render_template(f"mail/{name}.html", **context),
    )


def absolute_url(endpoint: str, **values: object) -> str:
    """An absolute link for emails, built on BASE_URL (never on the request's Host header)."""
    from flask import url_for

    return current_app.config["BASE_URL"] + url_for(endpoint, _external=False, **values)
