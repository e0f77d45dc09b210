"""The product's languages (Flask-Babel): English, the source language, and each compiled
catalog, so that a new language is a catalog (``translations/<lang>``), not a code change."""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from flask import Flask, g, request, session
from flask_babel import get_babel, get_locale, gettext
from flask_login import current_user

from saas.tenancy.resolve import entered_tenant


def available_locales() -> tuple[str, ...]:
    """The default language (English), then every language with a compiled catalog."""
    babel = get_babel()
    return _available_locales(tuple(babel.translation_directories), str(babel.default_locale))


@cache
def _available_locales(directories: tuple[str, ...], default: str) -> tuple[str, ...]:
    """Read once per set of catalog directories (``directories`` is the cache key)."""
    found = {str(locale) for locale in get_babel().instance.list_translations()}
    return (default, *sorted(found - {default}))


def language_name(code: str) -> str:
    """A language's name in itself, as its speakers would look for it ("English", "Español")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def locale_choices() -> list[tuple[str, str]]:
    """The choices of a language select (WTForms takes the function and calls it per form)."""
    return [(code, language_name(code)) for code in available_locales()]


def select_locale() -> str:
    """An explicit choice for this page, then the visitor's switch, then who they are."""
    locales = available_locales()
    forced = g.get("locale")
    if forced in locales:
        return forced
    chosen = session.get("lang")
    if chosen in locales:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    tenant = entered_tenant()
    if tenant is not None and tenant.locale in locales:
        return tenant.locale
    return request.accept_languages.best_match(locales) or locales[0]


def select_timezone() -> str:
    """Times on a tenant's pages are on the company's clock (its settings' time zone)."""
    tenant = entered_tenant()
    return tenant.timezone if tenant is not None and tenant.timezone else "UTC"


def timezone_label(zone: str | None = None) -> str:
    """How a time's zone is named beside it: "Madrid time", "UTC"."""
    zone = zone or select_timezone()
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        city = get_timezone_location(
            get_timezone(zone), locale=str(get_locale() or "en"), return_city=True
        )
    except LookupError:
        return zone
    return gettext("%(city)s time", city=city)


def _language_switches() -> dict[str, Any]:
    """The footer's switch: a button for each language but the page's own."""
    here = str(get_locale() or available_locales()[0])
    return {"other_languages": [choice for choice in locale_choices() if choice[0] != here]}


def init_app(app: Flask) -> None:
    from saas.extensions import babel

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.context_processor(_language_switches)
