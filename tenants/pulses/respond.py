"""The respondent's page: ``/r/<token>`` (no login), and one-click unsubscribe ``/u/<token>``.

The token is the credential. It is looked up by its hash with scoping switched off
(``unscoped()``: the survey-token look-up is one of the few places that may), and the
invitation's tenant becomes the current tenant for the rest of the request.

- Opening never uses the token (mail scanners open links); submitting does, in the same
  transaction that stores the answers (``submit.record``).
- The form has no session CSRF token (``csrf.exempt``): the unguessable per-invitation token in
  the URL already binds the form to one person, and a session token would expire under someone
  who leaves the page open for hours. Cross-site posting gains an attacker nothing: without the
  token there is no form to post to.
- ``/u/<token>`` accepts a POST without a CSRF token for the same reason and because RFC 8058
  one-click unsubscribe comes from mail providers, which have no session; a GET only shows a
  confirmation page (link checkers must not unsubscribe anyone).
- Every response says ``Referrer-Policy: no-referrer`` (the token must not leak to the logo's or
  anyone's server) and ``Cache-Control: no-store``. Unknown tokens are rate-limited per address.
- The page is in the invitation's language, with a ``?lang=`` switch; the words are in
  ``COPY`` (English and Spanish side by side, like the question bank).
- Everyone invited to a round sees the same blank form but for the token, so the rendered form
  is kept in memory per round and language (``_PAGES``) and opening a link costs one query.
- The pages have their own small layout (``templates/respond/_layout.html``), not ``base.html``:
  no account menu, no navigation, and a language link rather than the session's language form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from flask.wrappers import Response as FlaskResponse
from flask_limiter.util import get_remote_address
from limits import parse as parse_rate
from sqlalchemy import update
from werkzeug.exceptions import TooManyRequests

from saas.db import (
    reading_only,
    reads_only_on_get,
    reset_current_tenant,
    set_current_tenant,
    utcnow,
)
from saas.extensions import csrf, db, limiter
from saas.templating import brand_css_url, brand_logo_url
from tenants.people.models import Customer
from tenants.pulses import invitation_mail, lookup, submit
from tenants.pulses.dispatch import suppress
from tenants.pulses.models import Invitation
from tenants.pulses.tokens import hash_token
from tenants.surveys.bank import PURPOSE_MAP_INTRO, PURPOSE_MAP_TITLE, Text

bp = Blueprint("respond", __name__)
log = logging.getLogger("outcome_pulse.respond")

LOCALES = ("en", "es")
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
MAX_TOKEN_LENGTH = 64
UNKNOWN_TOKEN_LIMIT = "30 per minute"  # noqa: S105 - a rate, not a secret

COPY: dict[str, Text] = {
    "skip": Text("Skip to the questions", "Ir a las preguntas"),
    "title_employee": Text("{company} pulse", "Pulso de {company}"),
    "title_customer": Text("Your feedback for {company}", "Su opinión para {company}"),
    "intro": Text(
        "{n} questions. Choose the answer closest to how things are for you.",
        "{n} preguntas. Elija la respuesta que más se acerque a su situación.",
    ),
    "privacy_employee": Text(
        "Your answers are anonymous: {company} sees results only for groups of at least "
        "{threshold} people, and nothing links your answers to you.",
        "Sus respuestas son anónimas: {company} solo ve resultados de grupos de al menos "
        "{threshold} personas, y nada vincula sus respuestas con usted.",
    ),
    "privacy_customer": Text(
        "Your answers are linked to your customer record: they are feedback, not anonymous.",
        "Sus respuestas quedan vinculadas a su ficha de cliente: son una opinión, no son anónimas.",
    ),
    "open_until": Text("Open until {date}.", "Abierto hasta el {date}."),
    "optional": Text("(optional)", "(opcional)"),
    "send": Text("Send my answers", "Enviar mis respuestas"),
    "errors_title": Text(
        "Some answers need your attention", "Algunas respuestas necesitan su atención"
    ),
    "thanks_title": Text("Thank you", "Gracias"),
    "thanks_employee": Text(
        "Your answers are in. They are only ever shown in groups of at least {threshold} people.",
        "Sus respuestas se han guardado. Solo se muestran en grupos de al menos {threshold} "
        "personas.",
    ),
    "thanks_customer": Text(
        "Your answers are in. {company} reads every one.",
        "Sus respuestas se han guardado. {company} las lee todas.",
    ),
    "change_title": Text(
        "What {company} changed since last time", "Lo que {company} ha cambiado desde la última vez"
    ),
    "answered_title": Text("You have already answered", "Ya ha respondido"),
    "answered_body": Text(
        "This link has already been used to answer this pulse. Thank you for taking part.",
        "Este enlace ya se usó para responder este pulso. Gracias por participar.",
    ),
    "closed_title": Text("This pulse has closed", "Este pulso ha cerrado"),
    "closed_body": Text(
        "It stopped taking answers on {date}. You will get a new link with the next pulse.",
        "Dejó de aceptar respuestas el {date}. Recibirá un enlace nuevo con el próximo pulso.",
    ),
    "missing_title": Text("We could not find this pulse", "No encontramos este pulso"),
    "missing_body": Text(
        "The link may be incomplete. Open it again from the email, or copy the whole address "
        "into your browser.",
        "Puede que el enlace esté incompleto. Ábralo de nuevo desde el correo o copie la "
        "dirección completa en su navegador.",
    ),
    "preview": Text(
        "Preview: this is how the pulse looks. Answers cannot be sent from a preview.",
        "Vista previa: así se ve el pulso. Desde una vista previa no se pueden enviar respuestas.",
    ),
    "preview_sent_title": Text("Nothing was saved", "No se guardó nada"),
    "preview_sent_body": Text(
        "This was a preview: the answers were checked but not stored.",
        "Esto era una vista previa: las respuestas se comprobaron, pero no se guardaron.",
    ),
    "unsubscribe_title": Text(
        "Stop feedback emails from {company}", "Dejar de recibir mensajes de {company}"
    ),
    "unsubscribe_body": Text(
        "{company} will no longer ask {email} for feedback.",
        "{company} dejará de pedir su opinión a {email}.",
    ),
    "unsubscribe_button": Text("Unsubscribe", "Darme de baja"),
    "unsubscribed_title": Text("You are unsubscribed", "Se ha dado de baja"),
    "unsubscribed_body": Text(
        "{company} will not send you feedback requests any more.",
        "{company} ya no le enviará solicitudes de opinión.",
    ),
    "powered": Text("Sent with Outcome Pulse", "Enviado con Outcome Pulse"),
    "map_title": PURPOSE_MAP_TITLE,
    "map_intro": PURPOSE_MAP_INTRO,
}


class Copy(dict[str, str]):
    """``COPY`` in one language, readable in templates as ``t.key``."""

    def __getattr__(self, name: str) -> str:
        return self[name]


def copy_in(lang: str) -> Copy:
    return Copy({key: text.get(lang) for key, text in COPY.items()})


@dataclass
class Page:
    """Everything the templates show, as plain values (read once, then the session is free)."""

    token: str
    lang: str
    company: str
    kind: str = "employee"
    threshold: int = 5
    closes_on: str = ""
    brand_css: str | None = None
    logo: str | None = None
    preview: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def switch(self) -> dict[str, str] | None:
        if not self.token:
            return None
        other = "es" if self.lang == "en" else "en"
        unsubscribing = request.endpoint == "respond.unsubscribe"
        endpoint = "respond.unsubscribe" if unsubscribing else "respond.open"
        return {
            "lang": other,
            "label": LANGUAGE_NAMES[other],
            "href": url_for(endpoint, token=self.token, lang=other),
        }


@dataclass(frozen=True)
class Found:
    tenant: lookup.TenantFacts
    round: lookup.RoundFacts
    invitation: lookup.InvitationFacts | None  # None for a preview


# Guessing tokens is limited per address: every request here first tests the address's count of
# unknown tokens, and only an unknown token adds to it. This is Flask-Limiter's storage and
# strategy used directly rather than its decorator, which costs a respondent more than the rest
# of opening the page (the respondent's pages are exempt from its per-request checks below).
UNKNOWN_TOKEN_RATE = parse_rate(UNKNOWN_TOKEN_LIMIT)


def _unknown_tokens(count: Callable[..., bool]) -> bool:
    """Test or hit this address's unknown-token count. If the limiter's storage (Redis) is
    unreachable, people can still answer: it is logged and the request allowed."""
    try:
        return count(UNKNOWN_TOKEN_RATE, "survey-token", get_remote_address())
    except Exception:
        log.warning("survey-token rate limit storage unreachable", exc_info=True)
        return True


def _check_guessing() -> None:
    """Refuse (429) an address that has tried too many unknown tokens in the last minute."""
    if not _unknown_tokens(limiter.limiter.test):
        raise TooManyRequests(retry_after=60)


def _count_unknown_token() -> None:
    _unknown_tokens(limiter.limiter.hit)


@limiter.request_filter
def _respondent_pages() -> bool:
    return request.blueprint == bp.name


@bp.after_request
def _private(response: FlaskResponse) -> FlaskResponse:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.teardown_request
def _leave(exc: BaseException | None) -> None:
    token = g.pop("respond_tenant_token", None)
    if token is not None:
        reset_current_tenant(token)


def _enter(tenant_id: int) -> None:
    g.respond_tenant_token = set_current_tenant(tenant_id)


def find(token: str) -> Found | None:
    """The invitation (or preview) a token opens, with its round and tenant (one query); sets
    the tenant for the rest of the request. An address guessing tokens is refused first."""
    _check_guessing()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    preview_round = invitation_mail.preview_round_id(token)
    if preview_round is not None:
        pair = lookup.round_by_id(preview_round)
        if pair is None or not invitation_mail.preview_matches(token, pair[0]):
            return None
        invitation, (round_, tenant) = None, pair
    else:
        found = lookup.by_token_hash(hash_token(token))
        if found is None:
            return None
        invitation, round_, tenant = found
    _enter(tenant.id)
    return Found(tenant=tenant, round=round_, invitation=invitation)


def _lang(found: Found | None) -> str:
    chosen = request.args.get("lang") or request.form.get("lang")
    if chosen in LOCALES:
        lang = chosen
    elif found is not None and found.invitation is not None:
        lang = found.invitation.locale
    elif found is not None:
        lang = found.tenant.locale
    else:
        lang = request.accept_languages.best_match(LOCALES) or "en"
    lang = lang if lang in LOCALES else "en"
    g.locale = lang  # Flask-Babel (dates, <html lang>) follows the page's language
    return lang


# Everyone invited to a round sees the same pages but for the token in a few links, so pages are
# built once per (round, company, language, preview) with a placeholder for the token, and the
# token is put in at the end: opening a link costs one query and a string replace. The key holds
# the round's and the company's facts as read, so any change to them (a new note, a closed round,
# a new logo) makes a new entry. The round's questions are kept per (round, language): rounds
# freeze them at launch.
_TOKEN_SLOT = "OPXTOKENXSLOT"  # noqa: S105 - a placeholder, not a secret
_BLANK_PAGES: dict[tuple[Any, ...], Page] = {}
_PAGES: dict[tuple[Any, ...], str] = {}
_SURVEYS: dict[tuple[Any, ...], submit.Survey] = {}
_CACHE_SIZE = 256
FORM_TEMPLATE = "respond/form.html"


def _remember(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


def _page_key(found: Found, lang: str) -> tuple[Any, ...]:
    return (found.round, found.tenant, lang, found.invitation is None, request.script_root)


def _page(token: str, found: Found, lang: str) -> Page:
    key = _page_key(found, lang)
    blank = _BLANK_PAGES.get(key)
    if blank is None:
        tenant, round_ = found.tenant, found.round
        blank = Page(
            token=_TOKEN_SLOT,
            lang=lang,
            company=tenant.name,
            kind=round_.kind,
            threshold=round_.threshold,
            closes_on=invitation_mail.local_date_text(round_.closes_at, tenant.timezone, lang),
            brand_css=brand_css_url(tenant),
            logo=brand_logo_url(tenant),
            preview=found.invitation is None,
        )
        _remember(_BLANK_PAGES, key, blank)
    return replace(blank, token=token)


def _render(template: str, page: Page, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, page=page, t=copy_in(page.lang), **context), status


def _render_shared(
    template: str, found: Found, page: Page, status: int = 200, **context: Any
) -> tuple[str, int]:
    """A page that is the same for everyone in the round but for the token: rendered once.
    ``context`` must be hashable (it is part of the key)."""
    key = (template, *_page_key(found, page.lang), *sorted(context.items()))
    html = _PAGES.get(key)
    if html is None:
        blank = replace(page, token=_TOKEN_SLOT)
        if template == FORM_TEMPLATE:
            context = {
                **context,
                "survey": survey_of(found.round, page.lang),
                "checked": submit.Checked(),
                "action": url_for("respond.submit", token=_TOKEN_SLOT),
            }
        db.session.rollback()  # everything is read: free the connection before rendering
        html = _render(template, blank, status, **context)[0]
        _remember(_PAGES, key, html)
    return html.replace(_TOKEN_SLOT, page.token), status


def _not_found() -> tuple[str, int]:
    _count_unknown_token()
    lang = _lang(None)
    page = Page(token="", lang=lang, company="Outcome Pulse")
    return _render("respond/not_found.html", page, 404)


def _is_closed(round_: lookup.RoundFacts, now: datetime) -> bool:
    return round_.status != "open" or round_.closes_at <= now


def survey_of(round_: lookup.RoundFacts, lang: str) -> submit.Survey:
    key = (round_.id, round_.tenant_id, round_.created_at, lang)
    survey = _SURVEYS.get(key)
    if survey is None:
        survey = submit.survey_items(round_, lang)
        _remember(_SURVEYS, key, survey)
    return survey


def _form(found: Found, page: Page, checked: submit.Checked | None = None) -> tuple[str, int]:
    if checked is None:
        return _render_shared(FORM_TEMPLATE, found, page)
    survey = survey_of(found.round, page.lang)
    db.session.rollback()
    return _render(
        FORM_TEMPLATE,
        page,
        400 if checked.errors else 200,
        survey=survey,
        checked=checked,
        action=url_for("respond.submit", token=page.token),
    )


@bp.route("/r/<token>", methods=["GET"], endpoint="open")
@reads_only_on_get
def open_survey(token: str) -> Any:
    found = find(token)
    if found is None:
        return _not_found()
    lang = _lang(found)
    page = _page(token, found, lang)
    if found.invitation is not None:
        if found.invitation.answered:
            return _answered(found, page)
        if _is_closed(found.round, utcnow()):
            return _render_shared("respond/closed.html", found, page, 410)
    return _form(found, page)


def _answered(found: Found, page: Page, status: int = 200) -> tuple[str, int]:
    note = submit.change_note(found.round)
    return _render_shared("respond/answered.html", found, page, status, change_note=note)


@bp.route("/r/<token>/submit", methods=["POST"], endpoint="submit")
@csrf.exempt
def submit_answers(token: str) -> Any:
    # Everything is read and checked in a read transaction; the write lock is taken only to
    # store (submit.record), so concurrent respondents do not queue behind each other's reads.
    with reading_only():
        found = find(token)
        if found is None:
            return _not_found()
        lang = _lang(found)
        page = _page(token, found, lang)
        invitation, round_ = found.invitation, found.round
        now = utcnow()
        if invitation is not None and invitation.answered:
            return _answered(found, page, 409)
        if invitation is not None and _is_closed(round_, now):
            return _render_shared("respond/closed.html", found, page, 410)
        survey = survey_of(round_, lang)
        checked = submit.validate(survey, request.form, lang)
        if not checked.ok:
            return _form(found, page, checked)
        if invitation is None:
            return _render("respond/preview_sent.html", page)
        submission = submit.submission_of(invitation, round_)
        note = submit.change_note(round_)
        db.session.rollback()
    if not submit.record(submission, survey, checked, now):
        return _render_shared("respond/answered.html", found, page, 409, change_note=note)
    return _render_shared("respond/thanks.html", found, page, change_note=note)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> Any:
    found = find(token)
    if found is None or found.invitation is None or found.invitation.customer_id is None:
        return _not_found()
    lang = _lang(found)
    page = _page(token, found, lang)
    invitation = found.invitation
    email = invitation.email
    if request.method == "GET":
        return _render("respond/unsubscribe.html", page, email=email)
    customer_id = invitation.customer_id
    db.session.execute(
        update(Customer)
        .where(Customer.id == customer_id)
        .values(unsubscribed=True)
        .execution_options(synchronize_session=False)
    )
    suppress(email, "unsubscribed")
    db.session.execute(
        update(Invitation)
        .where(Invitation.customer_id == customer_id, Invitation.status == "queued")
        .values(status="suppressed", last_error="unsubscribed")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return _render("respond/unsubscribed.html", page)
