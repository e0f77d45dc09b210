"""Pulses: programs, rounds, schedules, rotation, invitations and dispatch."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.pulses import (  # noqa: F401 (api, round_api: /api/v1 endpoints; models)
        api,
        dispatch,
        models,
        programs,
        respond,
        round_api,
        round_views,
        scheduler,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(round_views.bp)
    app.register_blueprint(respond.bp)
    hooks.add(app, "onboarding", programs.create_default_programs)
    hooks.add(app, "timezone_changed", programs.reschedule_all)
    hooks.add(app, "demo", programs.seed_demo)
    hooks.add(app, "tick", scheduler.tick)
    hooks.add(app, "tick", dispatch.dispatch_tick)
