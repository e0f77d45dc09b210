"""Invitation and reminder emails: in the person's language, from the tenant, built fast.

A message says who it is from ("<Company> via Outcome Pulse", Reply-To the tenant's contact
address), why the person got it, how their answers are protected (employees: anonymous, shown
only in groups of at least the round's threshold; customers: linked to their customer record)
and, for customers, how to unsubscribe (``List-Unsubscribe`` with RFC 8058 one-click).

Speed: the dispatcher sends thousands of these. Building an ``EmailMessage`` per person costs
about three times as long as handing a message to a local SMTP server, so the bodies are
rendered once per (round, language, kind) with placeholders for the links, and each message is
assembled as bytes from that template: the only per-person work is two string replacements,
quoted-printable encoding (C) and a few header lines. ``outbox.smtp.RawTransport`` sends those
bytes over the reused connection and classifies failures for the dispatcher.

Nothing here logs or stores a token: links exist only inside the message bytes.
"""

from __future__ import annotations

import binascii
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import func, select

from saas.db import unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Round
from tenants.pulses.outbox.smtp import Rejected
from tenants.pulses.respondent.language import lang_of, local_date_text
from tenants.surveys.models import RoundQuestion

KINDS = ("invitation", "reminder", "preview")
LINK_PLACEHOLDER = "OPXLINKXPLACEHOLDER"
UNSUBSCRIBE_PLACEHOLDER = "OPXUNSUBSCRIBEXPLACEHOLDER"


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


def minutes_to_answer(questions: int) -> int:
    """About ten seconds a question, in whole minutes."""
    return max(1, round(questions * 10 / 60))


def closing_date(facts: RoundFacts, lang: str) -> str:
    return local_date_text(facts.closes_at, facts.timezone, lang)


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


def _header(value: str) -> str:
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def length_text(questions: int) -> str:
    """The survey's true length, as the subject and the body both state it: "6 questions,
    about a minute" (every question can be skipped, so it is at most that)."""
    minutes = minutes_to_answer(questions)
    return _(
        "%(questions)s, %(time)s",
        questions=ngettext("%(num)d question", "%(num)d questions", questions),
        time=ngettext("about a minute", "about %(num)d minutes", minutes),
    )


def _subject(company: str, customer: bool, kind: str, questions: int) -> str:
    """The subject line, in the locale in force."""
    length = length_text(questions)
    if customer:
        subject = _(
            "%(company)s would like your feedback (%(length)s)", company=company, length=length
        )
    else:
        subject = _("%(company)s: a pulse of %(length)s", company=company, length=length)
    if kind == "reminder":
        return _("Reminder: %(subject)s", subject=subject)
    if kind == "preview":
        return _("[Test] %(subject)s", subject=subject)
    return subject


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
        customer = facts.kind == "customer"
        context = {
            "kind": kind,
            "customer": customer,
            "company": facts.company,
            "questions": facts.questions,
            "minutes": minutes_to_answer(facts.questions),
            "threshold": facts.threshold,
            "closes_on": closing_date(facts, lang),
            "reply": bool(facts.contact_email),
            "lang": lang,
            "link": LINK_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER if customer else None,
        }
        name = "reminder" if kind == "reminder" else "invitation"
        with force_locale(lang):
            subject = _subject(facts.company, customer, kind, facts.questions)
            length = length_text(facts.questions)
            text = render_template(f"mail/{name}.txt", subject=subject, length=length, **context)
            html = render_template(f"mail/{name}.html", subject=subject, length=length, **context)
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
