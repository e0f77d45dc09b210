"""Binds tenancy, sign-in, locales, blueprints, CLI and error pages to the app."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from sqlalchemy import select

from saas import errors, i18n
from saas.db import configure_sqlite, reset_read_only, set_read_only
from saas.extensions import db, login_manager
from saas.importing import import_optional
from saas.tenancy import resolve

# Every blueprint, in one list: "module:attribute". Areas add themselves here.
BLUEPRINTS = (
    "saas.health:bp",
    "saas.auth.views:bp",
    "saas.tenancy.views:bp",
    "saas.mailbox:bp",
    "saas.billing.views:bp",
    "saas.platform.views:bp",
    "tenants.api.views:bp",
    "tenants.people.views:bp",
    "tenants.surveys.views:bp",
    "tenants.pulses.views:bp",
    "tenants.pulses.round_views:bp",
    "tenants.pulses.respond:bp",
    "tenants.dashboard.views:bp",
    "tenants.reports.views:bp",
)

# CLI groups: "module:attribute" of click groups registered on ``flask --app wsgi``.
CLI_GROUPS = (
    "saas.cli:demo_cli",
    "tenants.api.cli:api_keys_cli",
    "saas.cli:tenants_cli",
)

# Modules imported for their side effects: models (for metadata) and tick hooks.
MODULES = ("saas.models", "tenants.scoring.tasks")


def _import(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    module = import_optional(module_name)
    if module is None:
        return None  # an area not built yet
    return getattr(module, attribute) if attribute else module


def _load_user(user_id: str) -> Any:
    from saas.auth.models import User

    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == int(raw_id)))
    if user is None or user.session_version != int(version):
        return None
    return user


def _mark_read_only(endpoint: str | None, values: dict[str, Any] | None) -> None:
    view = app_view(endpoint)
    read_only = request.method in ("GET", "HEAD") and getattr(view, "_reads_only_on_get", False)
    g.read_only_token = set_read_only(read_only)


def app_view(endpoint: str | None) -> Any:
    from flask import current_app

    return current_app.view_functions.get(endpoint or "")


def init_app(app: Flask) -> None:
    for path in MODULES:
        _import(path)
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
    for path in BLUEPRINTS:
        blueprint = _import(path)
        if blueprint is not None:
            app.register_blueprint(blueprint)
    for path in CLI_GROUPS:
        group = _import(path)
        if group is not None:
            app.cli.add_command(group)
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
