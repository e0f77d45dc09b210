"""Employees, customers, teams and imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.people import api, demo, models, views  # noqa: F401 (api: /api/v1 endpoints)

    app.register_blueprint(views.bp)
    hooks.add(app, "demo", demo.seed_demo_people)
