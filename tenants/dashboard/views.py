"""The dashboard at /t/<slug>/ and its CSV export: parse the filters, call the services, render."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from saas.db import reads_only_on_get
from saas.tenancy.resolve import any_member, current_membership, current_tenant
from tenants.charts.data import percent
from tenants.dashboard import charts, export, service
from tenants.scoring.core.figures import Dashboard
from tenants.scoring.core.maturity import LEVELS

bp = Blueprint("dashboard", __name__)

STEP_TEXT = {
    "people": (
        _l("Import your people"),
        _l("Add your employees with their teams, and your customers."),
        _l("Go to People"),
    ),
    "programs": (
        _l("Review the programs"),
        _l("Check when pulses go out and what they ask, then start them."),
        _l("Go to Pulses"),
    ),
    "round": (
        _l("Launch the first round"),
        _l("Send the first pulse: results appear once enough people have answered."),
        _l("Launch a round"),
    ),
    "executive": (
        _l("Invite an executive"),
        _l("Executives read the results and reports, and change nothing."),
        _l("Go to Members"),
    ),
}


def _locale() -> str:
    return str(get_locale() or "en")


def _requested_team() -> int | None:
    raw = request.args.get("team", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _scope() -> int | None:
    try:
        return service.scope_for(current_membership(), _requested_team())
    except service.NotAllowed:
        abort(404)


def _figures(tenant_id: int, team_id: int | None) -> Dashboard:
    """The figures for the requested quarter (a quarter without results is a 404)."""
    period = service.clean_period(request.args.get("period"))
    dashboard = service.figures(tenant_id, period=period, team_id=team_id)
    if period is not None and dashboard.periods and period not in dashboard.periods:
        abort(404)
    return dashboard


def _steps() -> list[dict]:
    steps = []
    for step in service.checklist():
        title, hint, action = STEP_TEXT[step.key]
        steps.append(
            {
                "key": step.key,
                "done": step.done,
                "title": title,
                "hint": hint,
                "action": action,
                "url": url_for(step.endpoint),
            }
        )
    return steps


@bp.route("/t/<slug>/")
@reads_only_on_get
@any_member
def home() -> str:
    membership = current_membership()
    tenant = current_tenant()
    if membership.role == "team_lead" and membership.team_id is None:
        return render_template("dashboard/no_team.html")
    team_id = _scope()
    dashboard = _figures(tenant.id, team_id)
    manager = membership.role in ("owner", "admin")
    steps = _steps() if manager else []
    locale = _locale()
    context = {
        "dashboard": dashboard,
        "has_results": service.has_results(dashboard),
        "steps": steps,
        "steps_left": sum(not s["done"] for s in steps),
        "teams": service.visible_teams(membership),
        "team_id": team_id,
        "whole_tenant": membership.role in service.WHOLE_TENANT_ROLES,
        "locale": locale,
        "needs_note": charts.needs_note,
        "levels": LEVELS,
    }
    if context["has_results"]:
        words = charts.words()
        overall = dashboard.overall
        context.update(
            trend=charts.trend(dashboard, words),
            dimensions=charts.dimensions(dashboard, locale, words),
            heatmap=charts.heatmap(dashboard, locale, words),
            participation=charts.participation(dashboard, words),
            highlights=charts.highlights(dashboard, locale),
            hidden_teams=[t for t in dashboard.teams if not t.released],
            customers_felt=charts.felt_value(dashboard.customers),
            customer_charts=charts.customer_charts(dashboard, words),
            change_notes=service.change_notes(dashboard.period),
            level=overall.level if overall.released else None,
            participation_pct=percent(overall.respondents, overall.invited),
            export_url=url_for(
                "dashboard.export_csv",
                period=dashboard.period or None,
                team=team_id,
            ),
        )
    return render_template("dashboard/home.html", **context)


@bp.route("/t/<slug>/export.csv")
@reads_only_on_get
@any_member
def export_csv() -> Response:
    tenant = current_tenant()
    dashboard = _figures(tenant.id, _scope())
    body = export.to_csv(dashboard, _locale())
    name = f"outcome-pulse-{tenant.slug}-{dashboard.period or 'no-results'}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
