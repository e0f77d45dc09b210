"""Surveys: the question library and responses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.surveys import models, service, views  # noqa: F401 (models: the tables)

    app.register_blueprint(views.bp)
    hooks.add(app, "onboarding", service.seed_bank)
