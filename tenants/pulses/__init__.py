"""Pulses: programs and their schedule (``programs``), rounds (``rounds``), processes and
interactions (``processes``), the outbox of invitations and reminders (``outbox``) and the
respondent's side (``respondent``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.pulses import pages
    from tenants.pulses.outbox import tasks, tick  # noqa: F401 (tasks: the Huey task)
    from tenants.pulses.processes import api as processes_api  # noqa: F401 (/api/v1 endpoints)
    from tenants.pulses.processes import views as processes_views  # noqa: F401 (pulses routes)
    from tenants.pulses.programs import api as programs_api  # noqa: F401 (/api/v1 endpoints)
    from tenants.pulses.programs import scheduler, service
    from tenants.pulses.programs import views as programs_views  # noqa: F401 (pulses routes)
    from tenants.pulses.respondent import views as respondent_views
    from tenants.pulses.rounds import api as rounds_api  # noqa: F401 (/api/v1 endpoints)
    from tenants.pulses.rounds import views as rounds_views

    app.register_blueprint(pages.bp)
    app.register_blueprint(rounds_views.bp)
    app.register_blueprint(respondent_views.bp)
    hooks.add(app, "onboarding", service.create_default_programs)
    hooks.add(app, "timezone_changed", service.reschedule_all)
    hooks.add(app, "tick", scheduler.tick)
    hooks.add(app, "tick", tick.dispatch_tick)
