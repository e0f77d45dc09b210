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
- The page is in the invitation's language, with a ``?lang=`` switch to each other language
  the product has a catalog for; the words are gettext messages in the templates, rendered in
  the page's language (``force_locale``).
- Everyone invited to a round sees the same blank form but for the token, so the rendered form
  is kept in memory per round and language (``page._PAGES``) and opening a link costs one query.
- The pages have their own small layout (``templates/respond/_layout.html``), not ``base.html``:
  no account menu, no navigation, and a language link rather than the session's language form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, request
from flask.wrappers import Response as FlaskResponse
from flask_limiter.util import get_remote_address
from limits import parse as parse_rate
from werkzeug.exceptions import TooManyRequests

from saas.db import reading_only, reads_only_on_get, utcnow
from saas.extensions import csrf, db, limiter
from saas.tenancy.resolve import enter_tenant
from tenants.pulses.outbox.suppressions import unsubscribe_customer
from tenants.pulses.outbox.tokens import hash_token, preview_matches, preview_round_id
from tenants.pulses.respondent import lookup, steps, submit
from tenants.pulses.respondent.language import lang_of, languages
from tenants.pulses.respondent.page import (
    Found,
    Page,
    is_closed,
    page_for,
    render,
    render_form,
    render_shared,
    survey_of,
)

bp = Blueprint("respond", __name__)
log = logging.getLogger("outcome_pulse.respond")

MAX_TOKEN_LENGTH = 64
UNKNOWN_TOKEN_LIMIT = "30 per minute"  # noqa: S105 - a rate, not a secret


# Guessing tokens is limited per address: only an unknown token is tested against the address's
# count of unknown tokens and adds to it; a valid token is answered whatever the count. The
# count lives in the limiter's store, shared by every worker (Redis, or the SQLite file of
# saas.ratelimit_store in the embedded default). This is Flask-Limiter's storage and
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


def find(token: str) -> Found | None:
    """The invitation (or preview) a token opens, with its round and tenant (one query); sets
    the tenant for the rest of the request. A valid token is always answered, however many
    unknown ones its address tried (an office shares one address); an unknown one from an
    address past the limit is refused (429) and the others counted (:func:`_not_found`)."""
    found = _look_up(token)
    if found is None:
        _check_guessing()
    return found


def _look_up(token: str) -> Found | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    preview_round = preview_round_id(token)
    if preview_round is not None:
        pair = lookup.round_by_id(preview_round)
        if pair is None or not preview_matches(token, pair[0]):
            return None
        invitation, (round_, tenant) = None, pair
    else:
        found = lookup.by_token_hash(hash_token(token))
        if found is None:
            return None
        invitation, round_, tenant = found
    enter_tenant(tenant.id)  # the facts' id: no ORM row is loaded on this path
    return Found(tenant=tenant, round=round_, invitation=invitation)


def _lang(found: Found | None) -> str:
    known = languages()
    chosen = request.args.get("lang") or request.form.get("lang")
    if chosen in known:
        lang = chosen
    elif found is not None and found.invitation is not None:
        lang = found.invitation.locale
    elif found is not None:
        lang = found.tenant.locale
    else:
        lang = request.accept_languages.best_match(known) or known[0]
    lang = lang_of(lang)
    g.locale = lang  # Flask-Babel (dates, <html lang>) follows the page's language
    return lang


def _not_found() -> tuple[str, int]:
    _count_unknown_token()
    lang = _lang(None)
    page = Page(token="", lang=lang, company="Outcome Pulse")
    return render("respond/not_found.html", page, 404)


@bp.route("/r/<token>", methods=["GET"], endpoint="open")
@reads_only_on_get
def open_survey(token: str) -> Any:
    found = find(token)
    if found is None:
        return _not_found()
    lang = _lang(found)
    page = page_for(token, found, lang)
    if found.invitation is not None:
        if found.invitation.answered:
            return _answered(found, page)
        if is_closed(found.round, utcnow()):
            return render_shared("respond/closed.html", found, page, 410)
    return render_form(found, page)


def _answered(found: Found, page: Page, status: int = 200) -> tuple[str, int]:
    note = submit.change_note(found.round)
    return render_shared("respond/answered.html", found, page, status, change_note=note)


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
        page = page_for(token, found, lang)
        invitation, round_ = found.invitation, found.round
        now = utcnow()
        if invitation is not None and invitation.answered:
            return _answered(found, page, 409)
        if invitation is not None and is_closed(round_, now):
            return render_shared("respond/closed.html", found, page, 410)
        survey = survey_of(round_, lang)
        progress = steps.advance(survey, request.form, token, lang)
        if progress.checked is None:  # the next step, or this one again with its errors
            return render_form(found, page, progress.step)
        checked = progress.checked
        if invitation is None:
            return render("respond/preview_sent.html", page)
        submission = submit.submission_of(invitation, round_)
        note = submit.change_note(round_)
        db.session.rollback()
    if not submit.record(submission, survey, checked, now):
        return render_shared("respond/answered.html", found, page, 409, change_note=note)
    return render_shared("respond/thanks.html", found, page, change_note=note)


@bp.route("/u/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> Any:
    found = find(token)
    if found is None or found.invitation is None or found.invitation.customer_id is None:
        return _not_found()
    lang = _lang(found)
    page = page_for(token, found, lang)
    invitation = found.invitation
    email = invitation.email
    if request.method == "GET":
        return render("respond/unsubscribe.html", page, email=email)
    unsubscribe_customer(invitation.customer_id, email)
    db.session.commit()
    return render("respond/unsubscribed.html", page)
