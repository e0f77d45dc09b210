"""The ``pulses`` blueprint (the pages of programs, processes and interactions: the routes live
in ``programs.views`` and ``processes.views``) and the helpers its templates share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import Blueprint, abort, current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from saas.auth.forms import EmptyForm
from saas.tenancy.resolve import current_tenant
from tenants.people.service import team_tree
from tenants.pulses.models import Interaction, Program
from tenants.pulses.programs import timing
from tenants.pulses.programs.forms import CADENCE_LABELS, WEEKDAY_LABELS

bp = Blueprint("pulses", __name__)


def local_time(moment: datetime | None, tz: str | None = None) -> str:
    """``moment`` on the tenant's wall clock: "Tuesday, March 24, 2026 at 09:00"."""
    if moment is None:
        return "—"
    place = timing.zone(tz or current_tenant().timezone)
    local = moment.astimezone(place)
    day = format_date(local.date(), "full", locale=str(get_locale() or "en"))
    return _("%(date)s at %(time)s", date=day, time=local.strftime("%H:%M"))


def short_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(timing.zone(current_tenant().timezone))
    day = format_date(local.date(), "medium", locale=str(get_locale() or "en"))
    return f"{day} {local:%H:%M}"


def describe_rhythm(program: Program) -> str:
    if program.kind != "employee":
        return _(
            "A pulse %(days)s day(s) after each interaction; cooldown %(cooldown)s days",
            days=program.delay_days,
            cooldown=program.cooldown_days,
        )
    return _(
        "%(cadence)s on %(weekday)s at %(time)s",
        cadence=CADENCE_LABELS[program.cadence],
        weekday=WEEKDAY_LABELS[program.weekday],
        time=program.send_time.strftime("%H:%M"),
    )


def round_url(round_id: int) -> str | None:
    if "rounds.detail" in current_app.view_functions:
        return url_for("rounds.detail", round_id=round_id)
    return None


def team_choices() -> list[tuple[int, str]]:
    """Every team with its path ("Sales › North"), sorted by path."""
    tree = team_tree()
    return sorted(((t, tree.path_names(t)) for t in tree), key=lambda item: item[1].lower())


def interaction_outcome(interaction: Interaction) -> str:
    outcome = interaction.outcome or {}
    if outcome.get("scheduled_for"):
        when = datetime.fromisoformat(outcome["scheduled_for"].replace("Z", "+00:00"))
        return _("Pulse %(when)s", when=short_time(when))
    if outcome.get("reason"):
        return _("No pulse: %(reason)s", reason=outcome["reason"])
    return "—"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "local_time": local_time,
        "short_time": short_time,
        "describe_rhythm": describe_rhythm,
        "round_url": round_url,
        "interaction_outcome": interaction_outcome,
    }


def empty_form_or_400() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)
