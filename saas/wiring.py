"""Binds tenancy, sign-in, locales, blueprints, CLI and error pages to the app."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request

from saas import auth, billing, errors, health, i18n, mailbox, tenancy
from saas.areas import Area, init_areas
from saas.db import configure_sqlite, reset_read_only, set_read_only
from saas.extensions import db, login_manager
from saas.tenancy import resolve
from tenants import api, dashboard, demo, people, pulses, scoring, surveys

# The one list of areas, in order: each area's ``init_app`` registers what its record says
# (tests/test_areas.py holds them equal). This is the composition root, the one place in
# ``saas/`` that names ``tenants/``. The API is last: every area has added its endpoints to the
# /api/v1 blueprint before it is registered.
AREAS: tuple[Area, ...] = (
    Area(health, blueprints=("health",)),
    Area(auth, blueprints=("auth",)),
    Area(tenancy, blueprints=("tenancy",), cli=("tenants",)),
    Area(mailbox, blueprints=("mailbox",)),
    Area(
        billing,
        blueprints=("billing",),
        cli=("billing",),
        hooks=(("tick", "saas.billing.sync.billing_tick"),),
    ),
    Area(
        people,
        blueprints=("people",),
        hooks=(
            ("tick", "tenants.people.imports.jobs.forget_expired_undo_files"),
            ("team_choices", "tenants.people.teams.team_choices"),
            ("seats_used", "tenants.people.service.seats_used"),
        ),
    ),
    Area(
        surveys,
        blueprints=("surveys",),
        hooks=(("onboarding", "tenants.surveys.service.seed_bank"),),
    ),
    Area(
        pulses,
        blueprints=("pulses", "respond", "rounds"),
        hooks=(
            ("onboarding", "tenants.pulses.programs.service.create_default_programs"),
            ("timezone_changed", "tenants.pulses.programs.service.reschedule_all"),
            ("tick", "tenants.pulses.programs.scheduler.tick"),
            ("tick", "tenants.pulses.outbox.tick.dispatch_tick"),
        ),
    ),
    Area(scoring, hooks=(("tick", "tenants.scoring.tasks.release_complete_quarters"),)),
    Area(dashboard, blueprints=("dashboard",)),
    Area(demo, cli=("demo",)),
    Area(api, blueprints=("api", "api_keys"), cli=("api-keys",)),
)


def _load_user(user_id: str) -> Any:
    from saas.auth import sessions

    return sessions.load(user_id)


def _mark_read_only(endpoint: str | None, values: dict[str, Any] | None) -> None:
    view = app_view(endpoint)
    read_only = request.method in ("GET", "HEAD") and getattr(view, "_reads_only_on_get", False)
    g.read_only_token = set_read_only(read_only)


def app_view(endpoint: str | None) -> Any:
    from flask import current_app

    return current_app.view_functions.get(endpoint or "")


def init_app(app: Flask) -> None:
    with app.app_context():
        configure_sqlite(db.engine)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    i18n.init_app(app)
    app.url_value_preprocessor(_mark_read_only)  # first: before anything touches the database
    resolve.init_app(app)
    init_areas(app, AREAS)
    errors.init_app(app)

    from saas import templating

    templating.init_app(app)

    @app.before_request
    def _request_defaults() -> None:
        g.setdefault("locale", None)

    @app.teardown_request
    def _request_done(exc: BaseException | None) -> None:
        token = g.pop("read_only_token", None)
        if token is not None:
            reset_read_only(token)
