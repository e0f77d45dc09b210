"""The respondent's pages as rendered: their values (``Page``), built once per round and
language, and the pages that are the same for everyone in a round but for the token, rendered
once and kept in memory (opening a link costs one query and a string replace)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flask import render_template, request, url_for
from flask_babel import force_locale

from saas.extensions import db
from saas.i18n import language_name
from saas.templating import brand_css_url, brand_logo_url
from tenants.pulses.respondent import lookup, steps, submit
from tenants.pulses.respondent.language import languages, local_date_text
from tenants.surveys.bank import PURPOSE_MAP_INTRO, PURPOSE_MAP_TITLE


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
    def switches(self) -> list[dict[str, str]]:
        """A link to this page in each other language the product speaks."""
        if not self.token:
            return []
        unsubscribing = request.endpoint == "respond.unsubscribe"
        endpoint = "respond.unsubscribe" if unsubscribing else "respond.open"
        return [
            {
                "lang": other,
                "label": language_name(other),
                "href": url_for(endpoint, token=self.token, lang=other),
            }
            for other in languages()
            if other != self.lang
        ]


@dataclass(frozen=True)
class Found:
    tenant: lookup.TenantFacts
    round: lookup.RoundFacts
    invitation: lookup.InvitationFacts | None  # None for a preview


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


def page_for(token: str, found: Found, lang: str) -> Page:
    """The page's values for ``token`` (built once per round, company and language)."""
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
            closes_on=local_date_text(round_.closes_at, tenant.timezone, lang),
            brand_css=brand_css_url(tenant),
            logo=brand_logo_url(tenant),
            preview=found.invitation is None,
        )
        _remember(_BLANK_PAGES, key, blank)
    return replace(blank, token=token)


def render(template: str, page: Page, status: int = 200, **context: Any) -> tuple[str, int]:
    """``template`` in the page's language (the words come from the gettext catalogs)."""
    with force_locale(page.lang):
        return render_template(template, page=page, **context), status


def render_shared(
    template: str, found: Found, page: Page, status: int = 200, **context: Any
) -> tuple[str, int]:
    """A page that is the same for everyone in the round but for the token: rendered once.
    ``context`` must be hashable (it is part of the key)."""
    key = (template, *_page_key(found, page.lang), *sorted(context.items()))
    html = _PAGES.get(key)
    if html is None:
        blank = replace(page, token=_TOKEN_SLOT)
        if template == FORM_TEMPLATE:
            survey = survey_of(found.round, page.lang)
            context = {
                **context,
                **_map_copy(page.lang),
                "survey": survey,
                "step": steps.first_step(survey, _TOKEN_SLOT),
                "action": url_for("respond.submit", token=_TOKEN_SLOT),
            }
        db.session.rollback()  # everything is read: free the connection before rendering
        html = render(template, blank, status, **context)[0]
        _remember(_PAGES, key, html)
    return html.replace(_TOKEN_SLOT, page.token), status


def is_closed(round_: lookup.RoundFacts, now: datetime) -> bool:
    return round_.status != "open" or round_.closes_at <= now


def survey_of(round_: lookup.RoundFacts, lang: str) -> submit.Survey:
    key = (round_.id, round_.tenant_id, round_.created_at, lang)
    survey = _SURVEYS.get(key)
    if survey is None:
        survey = submit.survey_items(round_, lang)
        _remember(_SURVEYS, key, survey)
    return survey


def _map_copy(lang: str) -> dict[str, str]:
    """The purpose map's heading and help, which the question bank words with its fields."""
    return {"map_title": PURPOSE_MAP_TITLE.get(lang), "map_intro": PURPOSE_MAP_INTRO.get(lang)}


def render_form(found: Found, page: Page, step: steps.Step | None = None) -> tuple[str, int]:
    """The survey form: the shared blank first step, or ``step`` (the next one, or one shown
    again with its errors and what was typed)."""
    if step is None:
        return render_shared(FORM_TEMPLATE, found, page)
    survey = survey_of(found.round, page.lang)
    db.session.rollback()
    return render(
        FORM_TEMPLATE,
        page,
        400 if step.checked.errors else 200,
        **_map_copy(page.lang),
        survey=survey,
        step=step,
        action=url_for("respond.submit", token=page.token),
    )
