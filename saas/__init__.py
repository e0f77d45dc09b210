"""Outcome Pulse: the SaaS shell (config, extensions, tenancy, accounts, billing, platform)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from saas.config import PROJECT_ROOT, flask_config, load_settings


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config → extensions → tenancy → blueprints → cli → error pages."""
    settings = load_settings()
    overrides = dict(overrides or {})
    if "SETTINGS" in overrides:
        settings = overrides["SETTINGS"]
    settings.instance.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(settings.instance),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(flask_config(settings))
    app.config.update(overrides)

    from saas import extensions, logging, security, wiring

    logging.init_app(app)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    security.init_app(app)
    wiring.init_app(app)
    return app
