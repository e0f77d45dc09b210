"""Invitation and reminder emails: in the person's language, from the tenant, built fast.

A message says who it is from ("<Company> via Outcome Pulse", Reply-To the tenant's contact
address), why the person got it, how their answers are protected (employees: anonymous, shown
only in groups of at least the round's threshold; customers: linked to their customer record)
and, for customers, how to unsubscribe (``List-Unsubscribe`` with RFC 8058 one-click).

Speed: the dispatcher sends thousands of these. Building an ``EmailMessage`` per person costs
about three times as long as handing a message to a local SMTP server, so the bodies are
rendered once per (round, language, kind) with placeholders for the links, and each message is
assembled as bytes from that template: the only per-person work is two string replacements,
quoted-printable encoding (C) and a few header lines. ``RawTransport`` sends those bytes over
the reused connection of ``saas.mail.MailTransport`` and classifies failures for the dispatcher.

Nothing here logs or stores a token: links exist only inside the message bytes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import func, select

from saas.db import unscoped
from saas.extensions import db
from saas.mail import MailTransport, PermanentFailure, TemporaryFailure
from saas.security import keyed_hash
from saas.tenancy.models import Tenant
from tenants.pulses.models import Round
from tenants.surveys.bank import Text
from tenants.surveys.models import RoundQuestion

LOCALES = ("en", "es")
KINDS = ("invitation", "reminder", "preview")
LINK_PLACEHOLDER = "OPXLINKXPLACEHOLDER"
UNSUBSCRIBE_PLACEHOLDER = "OPXUNSUBSCRIBEXPLACEHOLDER"
PREVIEW_PREFIX = "pv."

# The respondent-facing words of the emails, in both languages (usted in Spanish, as the bank).
COPY: dict[str, Text] = {
    "subject_employee": Text("{company}: a one-minute pulse", "{company}: un pulso de un minuto"),
    "subject_customer": Text(
        "{company} would like your feedback", "{company} quiere conocer su opinión"
    ),
    "subject_reminder": Text("Reminder: {subject}", "Recordatorio: {subject}"),
    "subject_preview": Text("[Test] {subject}", "[Prueba] {subject}"),
    "greeting": Text("Hello,", "Hola:"),
    "intro_employee": Text(
        "{company} is asking its people {n} short questions about how work gets done.",
        "{company} hace {n} preguntas breves a su gente sobre cómo se trabaja.",
    ),
    "intro_customer": Text(
        "{company} would like to know how your recent experience felt: {n} short questions.",
        "A {company} le gustaría saber cómo vivió su experiencia reciente: {n} preguntas breves.",
    ),
    "one_minute": Text("It takes about a minute.", "Se tarda alrededor de un minuto."),
    "minutes": Text(
        "It takes about {minutes} minutes.", "Se tarda alrededor de {minutes} minutos."
    ),
    "reminder_intro": Text(
        "A reminder: the pulse is still open, and your answers count.",
        "Un recordatorio: el pulso sigue abierto y sus respuestas cuentan.",
    ),
    "preview_intro": Text(
        "This is a test of the email your people receive. Its link shows the pulse but cannot "
        "send answers.",
        "Esta es una prueba del mensaje que recibe su gente. Su enlace muestra el pulso, pero "
        "no permite enviar respuestas.",
    ),
    "button": Text("Answer the pulse", "Responder el pulso"),
    "open_until": Text("Open until {date}.", "Abierto hasta el {date}."),
    "why_employee": Text(
        "You are receiving this because you work at {company}, which uses Outcome Pulse to "
        "ask its people about their work.",
        "Recibe este mensaje porque trabaja en {company}, que usa Outcome Pulse para preguntar "
        "a su gente por su trabajo.",
    ),
    "why_customer": Text(
        "You are receiving this because you are a customer of {company}.",
        "Recibe este mensaje porque es cliente de {company}.",
    ),
    "privacy_employee": Text(
        "Your answers are anonymous: {company} sees results only for groups of at least "
        "{threshold} people, and nothing links your answers to you or to this email.",
        "Sus respuestas son anónimas: {company} solo ve resultados de grupos de al menos "
        "{threshold} personas, y nada vincula sus respuestas con usted ni con este mensaje.",
    ),
    "privacy_customer": Text(
        "Your answers are linked to your customer record: they are feedback, not anonymous.",
        "Sus respuestas quedan vinculadas a su ficha de cliente: son una opinión, no son anónimas.",
    ),
    "personal_link": Text(
        "This link is personal: please do not forward it.",
        "Este enlace es personal: por favor, no lo reenvíe.",
    ),
    "reply": Text(
        "Questions? Reply to this email to reach {company}.",
        "¿Tiene preguntas? Responda a este mensaje para escribir a {company}.",
    ),
    "unsubscribe": Text(
        "Do not want these emails? Unsubscribe:",
        "¿No quiere recibir estos mensajes? Darse de baja:",
    ),
    "unsubscribe_link": Text("Unsubscribe", "Darse de baja"),
}


def lang_of(locale: str | None) -> str:
    return locale if locale in LOCALES else "en"


def say(key: str, lang: str, **values: object) -> str:
    """One piece of ``COPY`` in ``lang``, with ``values`` filled in."""
    return COPY[key].get(lang).format(**values)


# -- failures the dispatcher tells apart ------------------------------------------------------


class Bounce(PermanentFailure):
    """The address does not exist or refuses mail (5xx to RCPT): suppress it."""


class Rejected(PermanentFailure):
    """The message (not the address) was refused, or cannot be sent: give up, do not suppress."""


class ConnectionTrouble(TemporaryFailure):
    """The mail server cannot be reached or refuses us: stop the batch and retry later."""


class RawTransport(MailTransport):
    """``MailTransport`` that sends prebuilt message bytes (see the module doc)."""

    _tuned: object = None

    def send_raw(
        self,
        sender: str,
        recipient: str,
        data: bytes,
        before_end: Callable[[], None] | None = None,
    ) -> None:
        """Send ``data`` (CRLF line ends) to ``recipient``.

        ``before_end`` runs once the body is with the server and before the end-of-data dot
        that makes the server accept it: the dispatcher commits the previous message's outcome
        there, in the time the server spends reading this body. If it raises, the connection is
        dropped, so this message is not delivered."""
        if self.uses_outbox:
            if before_end is not None:
                before_end()
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
            temporary = self.outbox / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.rename(self.outbox / name)
            return
        try:
            smtp = self._connect()
        except TemporaryFailure as exc:
            raise ConnectionTrouble(str(exc)) from exc
        try:
            if smtp is not self._tuned and smtp.sock is not None:
                # The body and its end-of-data dot go out separately: without this, Nagle's
                # algorithm holds the dot until the body is acknowledged (tens of ms each).
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._tuned = smtp
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                if 500 <= code < 600:  # our sender is refused: nobody's address is at fault
                    raise ConnectionTrouble(f"{code} sender refused")
                raise TemporaryFailure(_reply(code, reply))
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                if 500 <= code < 600:
                    raise Bounce(_reply(code, reply))
                raise TemporaryFailure(_reply(code, reply))
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                smtp.rset()
                if 500 <= code < 600:
                    raise Rejected(_reply(code, reply))
                raise TemporaryFailure(_reply(code, reply))
            body = _DOT_AT_LINE_START.sub(b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            smtp.send(body)
            if before_end is not None:
                try:
                    before_end()
                except BaseException:
                    self._drop()  # the server never sees the dot: nothing is delivered
                    raise
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (TemporaryFailure, PermanentFailure):
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TemporaryFailure(str(exc)[:250]) from exc
        if code == 250:
            return
        if 500 <= code < 600:
            raise Rejected(_reply(code, reply))
        raise TemporaryFailure(_reply(code, reply))


_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}"[:250]


# -- what a message needs to know about its round -------------------------------------------


@dataclass(frozen=True)
class RoundFacts:
    """Plain facts about a round and its tenant, read once and reused for every message."""

    round_id: int
    tenant_id: int
    kind: str  # employee | customer
    company: str
    contact_email: str | None
    threshold: int
    closes_at: datetime
    timezone: str
    questions: int
    base_url: str
    mail_from: str

    @classmethod
    def load(cls, round_: Round, tenant: Tenant | None = None) -> RoundFacts:
        if tenant is None:
            with unscoped():
                tenant = db.session.get(Tenant, round_.tenant_id)
        assert tenant is not None
        count = db.session.scalar(
            select(func.count())
            .select_from(RoundQuestion)
            .where(RoundQuestion.round_id == round_.id)
        )
        settings = current_app.config["SETTINGS"]
        return cls(
            round_id=round_.id,
            tenant_id=round_.tenant_id,
            kind=round_.kind,
            company=" ".join(tenant.name.split()),  # no line breaks can reach a header
            contact_email=tenant.contact_email,
            threshold=round_.threshold,
            closes_at=round_.closes_at,
            timezone=tenant.timezone,
            questions=count or 0,
            base_url=current_app.config["BASE_URL"],
            mail_from=settings.mail_from,
        )


def survey_link(base_url: str, token: str) -> str:
    return f"{base_url}/r/{token}"


def unsubscribe_link(base_url: str, token: str) -> str:
    return f"{base_url}/u/{token}"


def duration(questions: int, lang: str) -> str:
    """About ten seconds a question, said in whole minutes."""
    minutes = max(1, round(questions * 10 / 60))
    return say("one_minute", lang) if minutes == 1 else say("minutes", lang, minutes=minutes)


def local_date_text(moment: datetime, timezone: str | None, lang: str) -> str:
    """``moment``'s date in the tenant's time zone, written out in ``lang``."""
    local = moment.astimezone(ZoneInfo(timezone or "UTC")).date()
    return format_date(local, format="long", locale=lang)


def closing_date(facts: RoundFacts, lang: str) -> str:
    return local_date_text(facts.closes_at, facts.timezone, lang)


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


def _header(value: str) -> str:
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


@dataclass
class MailTemplate:
    """A round's email in one language and kind, rendered once; ``compose`` makes each copy."""

    facts: RoundFacts
    lang: str
    kind: str
    subject: str
    text: str
    html: str
    _head: bytes = field(default=b"", repr=False)

    @classmethod
    def build(cls, facts: RoundFacts, lang: str, kind: str = "invitation") -> MailTemplate:
        assert kind in KINDS, kind
        lang = lang_of(lang)
        values = {"company": facts.company, "n": facts.questions, "threshold": facts.threshold}
        audience = "customer" if facts.kind == "customer" else "employee"
        subject = say(f"subject_{audience}", lang, **values)
        if kind == "reminder":
            subject = say("subject_reminder", lang, subject=subject)
        elif kind == "preview":
            subject = say("subject_preview", lang, subject=subject)
        copy = {
            "greeting": say("greeting", lang),
            "intro": say(f"intro_{audience}", lang, **values),
            "duration": duration(facts.questions, lang),
            "reminder": say("reminder_intro", lang) if kind == "reminder" else "",
            "preview": say("preview_intro", lang) if kind == "preview" else "",
            "button": say("button", lang),
            "open_until": say("open_until", lang, date=closing_date(facts, lang)),
            "why": say(f"why_{audience}", lang, **values),
            "privacy": say(f"privacy_{audience}", lang, **values),
            "personal": say("personal_link", lang),
            "reply": say("reply", lang, **values) if facts.contact_email else "",
            "unsubscribe": say("unsubscribe", lang) if audience == "customer" else "",
            "unsubscribe_link": say("unsubscribe_link", lang),
        }
        name = "reminder" if kind == "reminder" else "invitation"
        context = {
            "c": copy,
            "lang": lang,
            "subject": subject,
            "link": LINK_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER if audience == "customer" else None,
        }
        with force_locale(lang):
            text = render_template(f"mail/{name}.txt", **context)
            html = render_template(f"mail/{name}.html", **context)
        template = cls(facts=facts, lang=lang, kind=kind, subject=subject, text=text, html=html)
        template._head = template._fixed_headers()
        return template

    @property
    def customer(self) -> bool:
        return self.facts.kind == "customer"

    def _fixed_headers(self) -> bytes:
        sender = formataddr((f"{self.facts.company} via Outcome Pulse", self.facts.mail_from))
        lines = [f"From: {sender}", f"Subject: {_header(self.subject)}", "MIME-Version: 1.0"]
        if self.facts.contact_email and self.facts.contact_email.isascii():
            lines.append(f"Reply-To: {self.facts.contact_email}")
        lines.append(f"Content-Language: {self.lang}")
        return ("\r\n".join(lines) + "\r\n").encode("ascii")

    def compose(self, to: str, token: str) -> bytes:
        """The whole message to ``to`` with ``token``'s links, as bytes ready for SMTP."""
        if not to.isascii() or any(ch in to for ch in '\r\n<>,;" ') or "@" not in to:
            raise Rejected("the address cannot be written in a plain email header")
        link = survey_link(self.facts.base_url, token)
        if self.kind == "preview":
            link += f"?lang={self.lang}"  # a preview opens in the language it was sent in
        text = self.text.replace(LINK_PLACEHOLDER, link)
        html = self.html.replace(LINK_PLACEHOLDER, str(escape(link)))
        extra = ""
        if self.customer:
            unsubscribe = unsubscribe_link(self.facts.base_url, token)
            text = text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe)
            html = html.replace(UNSUBSCRIBE_PLACEHOLDER, str(escape(unsubscribe)))
            extra = (
                f"List-Unsubscribe: <{unsubscribe}>\r\n"
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            )
        boundary = "=_op_" + uuid.uuid4().hex
        domain = self.facts.mail_from.rpartition("@")[2] or "outcome-pulse.local"
        head = (
            f"To: {to}\r\nDate: {formatdate(localtime=False)}\r\n"
            f"Message-ID: {make_msgid(domain=domain)}\r\n{extra}"
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
        )
        part = (
            f'--{boundary}\r\nContent-Type: text/%s; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        return b"".join(
            (
                self._head,
                head.encode("ascii"),
                (part % "plain").encode("ascii"),
                _qp(text),
                b"\r\n",
                (part % "html").encode("ascii"),
                _qp(html),
                f"\r\n--{boundary}--\r\n".encode("ascii"),
            )
        )


class Templates:
    """``MailTemplate`` per (round, language, kind), built on first use."""

    def __init__(self) -> None:
        self._facts: dict[int, RoundFacts] = {}
        self._templates: dict[tuple[int, str, str], MailTemplate] = {}

    def facts(self, round_: Round) -> RoundFacts:
        if round_.id not in self._facts:
            self._facts[round_.id] = RoundFacts.load(round_)
        return self._facts[round_.id]

    def get(self, round_: Round, locale: str | None, kind: str = "invitation") -> MailTemplate:
        key = (round_.id, lang_of(locale), kind)
        if key not in self._templates:
            self._templates[key] = MailTemplate.build(self.facts(round_), key[1], kind)
        return self._templates[key]


# -- preview links ("send me a test") ----------------------------------------------------------


def _preview_mac(tenant_id: int, round_id: int) -> str:
    digest = keyed_hash("survey-preview", f"{tenant_id}:{round_id}")[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def preview_token(round_: Round) -> str:
    """A link token that shows the round's questions but can never submit (no invitation).

    Its ``.`` separators never occur in a real token (URL-safe base64), so the two cannot be
    confused."""
    return f"{PREVIEW_PREFIX}{round_.id}.{_preview_mac(round_.tenant_id, round_.id)}"


def preview_round_id(token: str) -> int | None:
    """The round id a preview token names (not yet verified), or None."""
    if not token.startswith(PREVIEW_PREFIX):
        return None
    round_id, _, mac = token[len(PREVIEW_PREFIX) :].partition(".")
    if not round_id.isdigit() or len(round_id) > 10 or not mac or int(round_id) >= 2**31:
        return None
    return int(round_id)


def preview_matches(token: str, round_: Round) -> bool:
    expected = preview_token(round_)
    return hmac.compare_digest(token.encode(), expected.encode())
