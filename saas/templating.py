"""Template helpers: brand assets, the navigation, formatting."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from saas.i18n import timezone_label

MEMBERS = frozenset({"owner", "admin", "executive", "team_lead"})
MANAGERS = frozenset({"owner", "admin"})
# (endpoint, label, roles, the endpoint prefixes that belong to the section): the tenant
# navigation, filtered by the member's role.
NAVIGATION: list[tuple[str, Any, frozenset[str], tuple[str, ...]]] = [
    ("dashboard.home", _l("Dashboard"), MEMBERS, ("dashboard.",)),
    ("people.employees", _l("People"), MANAGERS, ("people.",)),
    ("pulses.programs", _l("Pulses"), MANAGERS, ("pulses.", "surveys.", "rounds.")),
    ("tenancy.members", _l("Members"), MANAGERS, ("tenancy.members", "tenancy.change_role")),
    (
        "tenancy.settings",
        _l("Settings"),
        MANAGERS,
        (
            "tenancy.settings",
            "tenancy.upload_logo",
            "tenancy.remove_logo",
            "api_keys.",
            "tenancy.audit_log",
        ),
    ),
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
            here = request.endpoint or ""
            nav = [
                (endpoint, label, here.startswith(section))
                for endpoint, label, allowed, section in NAVIGATION
                if membership.role in allowed
            ]
        return {
            "navigation": nav,
            "brand_css_url": brand_css_url,
            "brand_logo_url": brand_logo_url,
            "current_locale": str(get_locale() or "en"),
        }

    from saas.auth.forms import ROLE_LABELS

    app.jinja_env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    # Every time on the company's clock, its zone named: "3 Dec 2026, 10:00 (Madrid time)".
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        f"{format_datetime(value, fmt)} ({timezone_label()})" if value else "—"
    )
