"""Template helpers: brand assets, the navigation, formatting."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

# (endpoint, label, roles): the tenant navigation, filtered by the member's role.
NAVIGATION: list[tuple[str, Any, frozenset[str]]] = [
    ("dashboard.home", _l("Dashboard"), frozenset({"owner", "admin", "executive", "team_lead"})),
    ("people.employees", _l("People"), frozenset({"owner", "admin"})),
    ("pulses.programs", _l("Pulses"), frozenset({"owner", "admin"})),
    ("reports.index", _l("Reports"), frozenset({"owner", "admin", "executive"})),
    ("tenancy.members", _l("Members"), frozenset({"owner", "admin"})),
    ("tenancy.settings", _l("Settings"), frozenset({"owner", "admin"})),
]


def brand_css_url(tenant: Any) -> str:
    return url_for("tenancy.brand_css", slug=tenant.slug, version=tenant.logo_version)


def brand_logo_url(tenant: Any) -> str | None:
    if not tenant.logo_mime:
        return None
    return url_for("tenancy.brand_logo", slug=tenant.slug, version=tenant.logo_version)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _helpers() -> dict[str, Any]:
        membership = g.get("membership")
        nav = []
        if membership is not None:
            nav = [
                (endpoint, label)
                for endpoint, label, allowed in NAVIGATION
                if membership.role in allowed and endpoint in app.view_functions
            ]
        return {
            "navigation": nav,
            "brand_css_url": brand_css_url,
            "brand_logo_url": brand_logo_url,
            "current_locale": str(get_locale() or "en"),
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else "—"
    )
