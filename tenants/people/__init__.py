"""Employees, customers, teams and imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.people import (  # noqa: F401 (the pages add their routes to views.bp)
        api,  # the /api/v1 endpoints
        import_views,
        models,
        service,
        team_views,
        teams,
        views,
    )
    from tenants.people.imports import jobs

    app.register_blueprint(views.bp)
    hooks.add(app, "team_choices", teams.team_choices)
    hooks.add(app, "seats_used", service.seats_used)
    hooks.add(app, "tick", jobs.forget_expired_undo_files)
