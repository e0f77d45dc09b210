"""English and Spanish from day one (Flask-Babel)."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_login import current_user

LOCALES = ("en", "es")


def select_locale() -> str:
    """An explicit choice for this page, then the visitor's switch, then who they are."""
    forced = g.get("locale")
    if forced in LOCALES:
        return forced
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    tenant = g.get("tenant")
    if tenant is not None and tenant.locale in LOCALES:
        return tenant.locale
    return request.accept_languages.best_match(LOCALES) or "en"


def init_app(app: Flask) -> None:
    from saas.extensions import babel

    babel.init_app(app, locale_selector=select_locale)
