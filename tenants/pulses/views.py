"""Pulse programs, processes and interactions: thin views over programs, launch and processes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_date
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from saas.auth.forms import EmptyForm
from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.people.models import Team
from tenants.pulses import launch, processes, programs, schedule
from tenants.pulses import scheduler as _scheduler  # noqa: F401  (registers the tick)
from tenants.pulses.forms import (
    CADENCE_LABELS,
    WEEKDAY_LABELS,
    CustomerProgramForm,
    EmployeeProgramForm,
    InteractionForm,
    ProcessForm,
)
from tenants.pulses.models import Interaction, Process, Program
from tenants.surveys import service as _surveys  # noqa: F401  (registers the bank's onboarding)

bp = Blueprint("pulses", __name__)
PAGE_SIZE = 25


# -- presentation helpers ------------------------------------------------------------------


def local_time(moment: datetime | None, tz: str | None = None) -> str:
    """``moment`` on the tenant's wall clock: "Tuesday, March 24, 2026 at 09:00"."""
    if moment is None:
        return "—"
    place = schedule.zone(tz or current_tenant().timezone)
    local = moment.astimezone(place)
    day = format_date(local.date(), "full", locale=str(get_locale() or "en"))
    return _("%(date)s at %(time)s", date=day, time=local.strftime("%H:%M"))


def short_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(schedule.zone(current_tenant().timezone))
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
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    by_id = {t.id: t for t in teams}

    def path(team: Team) -> str:
        names, seen, node = [], set(), team
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id else None
        return " › ".join(reversed(names))

    return sorted(((t.id, path(t)) for t in teams), key=lambda item: item[1].lower())


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "local_time": local_time,
        "short_time": short_time,
        "describe_rhythm": describe_rhythm,
        "round_url": round_url,
        "has_view": lambda endpoint: endpoint in current_app.view_functions,
        "interaction_outcome": interaction_outcome,
    }


def _empty_form_or_400() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


# -- programs ------------------------------------------------------------------------------


@bp.route("/t/<slug>/pulses", endpoint="programs")
@roles("owner", "admin")
def programs_index() -> str:
    tenant = current_tenant()
    now = utcnow()
    summaries = [programs.summary(p, tenant.timezone, now) for p in programs.programs()]
    from tenants.people.models import Employee

    has_people = db.session.scalar(select(Employee.id).limit(1)) is not None
    return render_template(
        "pulses/programs.html",
        summaries=summaries,
        has_people=has_people,
        empty_form=EmptyForm(),
    )


def _employee_form(program: Program) -> EmployeeProgramForm:
    form = EmployeeProgramForm(obj=program, previous_cadence=program.cadence)
    form.teams.choices = team_choices()
    if not form.is_submitted():
        form.teams.data = list(program.audience_team_ids or [])
        form.fill_reminders(list(program.reminder_days or []))
    return form


def _customer_form(program: Program) -> CustomerProgramForm:
    form = CustomerProgramForm(obj=program)
    if not form.is_submitted():
        form.sample_percent.data = round(program.sample_share * 100)
        form.fill_reminders(list(program.reminder_days or []))
    return form


def _save(program: Program, form: Any) -> bool:
    tenant = current_tenant()
    try:
        if program.kind == "employee":
            programs.update_employee_program(
                program,
                tenant,
                utcnow(),
                name=form.name.data,
                cadence=form.cadence.data,
                weekday=form.weekday.data,
                send_time=form.send_time.data,
                open_days=form.effective_open_days(),
                questions_per_round=form.questions_per_round.data,
                reminder_days=form.reminder_days(),
                grace_days=form.grace_days.data,
                audience_team_ids=form.teams.data or None,
            )
        else:
            programs.update_customer_program(
                program,
                name=form.name.data,
                delay_days=form.delay_days.data,
                cooldown_days=form.cooldown_days.data,
                sample_share=form.sample_percent.data / 100,
                open_days=form.open_days.data,
                questions_per_round=form.questions_per_round.data,
                reminder_days=form.reminder_days(),
            )
    except (programs.ProgramError, launch.LaunchError) as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return False
    return True


def _program_page(program: Program, form: Any, status: int = 200) -> tuple[str, int]:
    tenant = current_tenant()
    now = utcnow()
    summary = programs.summary(program, tenant.timezone, now)
    return render_template(
        "pulses/program.html",
        program=program,
        form=form,
        summary=summary,
        upcoming=programs.upcoming(program, tenant.timezone, now),
        rounds=programs.recent_rounds(program),
        measured=db.session.scalars(
            select(Process).where(Process.program_id == program.id).order_by(Process.name)
        ).all(),
        default_open_days={c: schedule.open_days_default(c) for c in schedule.CADENCES},
        empty_form=EmptyForm(),
    ), status


@bp.route("/t/<slug>/pulses/programs/new", methods=["GET", "POST"])
@roles("owner", "admin")
def new_program() -> Response | tuple[str, int]:
    kind = request.args.get("kind", "employee")
    if kind not in ("employee", "customer"):
        abort(404)
    tenant = current_tenant()
    draft = programs.draft_program(kind, tenant)
    form = _employee_form(draft) if kind == "employee" else _customer_form(draft)
    if form.validate_on_submit():
        program = programs.new_program(kind, tenant)
        if _save(program, form):
            db.session.commit()
            flash(_("Program created. Start it when you are ready."), "success")
            return redirect(url_for("pulses.program", program_id=program.id))
    return _new_page(draft, form, 400 if form.is_submitted() else 200)


def _new_page(draft: Program, form: Any, status: int = 200) -> tuple[str, int]:
    return render_template(
        "pulses/program_new.html",
        program=draft,
        form=form,
        default_open_days={c: schedule.open_days_default(c) for c in schedule.CADENCES},
    ), status


@bp.route("/t/<slug>/pulses/programs/<int:program_id>", methods=["GET", "POST"])
@roles("owner", "admin")
def program(program_id: int) -> Response | tuple[str, int]:
    item = get_or_404(Program, program_id)
    form = _employee_form(item) if item.kind == "employee" else _customer_form(item)
    if form.validate_on_submit():
        if _save(item, form):
            db.session.commit()
            flash(_("Program saved."), "success")
            return redirect(url_for("pulses.program", program_id=item.id))
        item = get_or_404(Program, program_id)
        return _program_page(item, form, 400)
    if form.is_submitted():
        return _program_page(item, form, 400)
    return _program_page(item, form)


@bp.route("/t/<slug>/pulses/programs/<int:program_id>/start", methods=["POST"])
@roles("owner", "admin")
def start_program(program_id: int) -> Response:
    item = get_or_404(Program, program_id)
    _empty_form_or_400()
    programs.start_program(item, current_tenant(), utcnow())
    db.session.commit()
    if item.kind == "employee":
        flash(
            _("Started. The first pulse goes out %(when)s.", when=local_time(item.next_send_at)),
            "success",
        )
    else:
        flash(_("Started. Interactions of its processes now send pulses."), "success")
    return redirect(url_for("pulses.program", program_id=item.id))


@bp.route("/t/<slug>/pulses/programs/<int:program_id>/pause", methods=["POST"])
@roles("owner", "admin")
def pause_program(program_id: int) -> Response:
    item = get_or_404(Program, program_id)
    _empty_form_or_400()
    programs.pause_program(item)
    db.session.commit()
    flash(_("Paused. Open rounds run until they close; nothing new is sent."), "success")
    return redirect(url_for("pulses.program", program_id=item.id))


@bp.route("/t/<slug>/pulses/programs/<int:program_id>/launch", methods=["POST"])
@roles("owner", "admin")
def launch_now(program_id: int) -> Response:
    item = get_or_404(Program, program_id)
    _empty_form_or_400()
    try:
        round_ = launch.launch_round(item, utcnow())
    except launch.LaunchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pulses.program", program_id=item.id))
    invited = launch.invitation_count(round_)
    flash(
        _(
            "Round %(number)s launched: %(count)s people invited, open until %(when)s.",
            number=round_.number,
            count=invited,
            when=local_time(round_.closes_at),
        ),
        "success",
    )
    return redirect(round_url(round_.id) or url_for("pulses.program", program_id=item.id))


# -- processes -----------------------------------------------------------------------------


def _process_form(process: Process | None = None) -> ProcessForm:
    form = ProcessForm(obj=process)
    form.team_id.choices = [(0, _("No team")), *team_choices()]
    form.program_id.choices = [(0, _("No program (no pulses)"))] + [
        (p.id, p.name) for p in programs.programs("customer")
    ]
    if not form.is_submitted():
        if process is None:
            customer_programs = form.program_id.choices[1:]
            form.program_id.data = customer_programs[0][0] if customer_programs else 0
        else:
            form.team_id.data = process.team_id or 0
            form.program_id.data = process.program_id or 0
    return form


def _processes_page(form: ProcessForm, status: int = 200) -> tuple[str, int]:
    rows = processes.processes()
    programs_by_id = {p.id: p for p in programs.programs("customer")}
    teams = dict(team_choices())
    counts = processes.interaction_counts()
    return render_template(
        "pulses/processes.html",
        processes=rows,
        programs_by_id=programs_by_id,
        teams=teams,
        counts=counts,
        form=form,
    ), status


@bp.route("/t/<slug>/pulses/processes", methods=["GET", "POST"], endpoint="processes")
@roles("owner", "admin")
def processes_index() -> Response | tuple[str, int]:
    form = _process_form()
    if form.validate_on_submit():
        try:
            process = processes.create_process(
                name=form.name.data,
                action=form.action.data,
                outcome=form.outcome.data,
                team_id=form.team_id.data or None,
                program_id=form.program_id.data or None,
            )
        except processes.ProcessError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Process %(name)s added.", name=process.name), "success")
            return redirect(url_for("pulses.processes"))
        return _processes_page(form, 400)
    return _processes_page(form, 400 if form.is_submitted() else 200)


@bp.route("/t/<slug>/pulses/processes/<int:process_id>", methods=["GET", "POST"])
@roles("owner", "admin")
def process(process_id: int) -> Response | tuple[str, int]:
    item = get_or_404(Process, process_id)
    form = _process_form(item)
    status = 200
    if form.validate_on_submit():
        try:
            processes.update_process(
                item,
                name=form.name.data,
                action=form.action.data,
                outcome=form.outcome.data,
                team_id=form.team_id.data or None,
                program_id=form.program_id.data or None,
                active=form.active.data,
            )
        except processes.ProcessError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
            item = get_or_404(Process, process_id)
        else:
            db.session.commit()
            flash(_("Process saved."), "success")
            return redirect(url_for("pulses.processes"))
        status = 400
    elif form.is_submitted():
        status = 400
    program = db.session.get(Program, item.program_id) if item.program_id else None
    return render_template("pulses/process.html", process=item, form=form, program=program), status


# -- interactions --------------------------------------------------------------------------


def _interaction_form() -> InteractionForm:
    form = InteractionForm()
    form.process_id.choices = [(0, _("Choose a process"))] + [
        (p.id, p.name) for p in processes.processes() if p.active
    ]
    if not form.is_submitted():
        tz = schedule.zone(current_tenant().timezone)
        form.occurred_at.data = (
            utcnow().astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        )
        chosen = request.args.get("process_id", type=int)
        if chosen:
            form.process_id.data = chosen
    return form


def _interactions_page(form: InteractionForm, status: int = 200) -> tuple[str, int]:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    process_filter = request.args.get("process_id", type=int)
    total = processes.count_interactions(process_filter)
    rows = processes.recent_interactions(PAGE_SIZE, (page - 1) * PAGE_SIZE, process_filter)
    names = {p.id: p.name for p in processes.processes()}
    customers = processes.customers_by_id({i.customer_id for i in rows})
    return render_template(
        "pulses/interactions.html",
        form=form,
        interactions=rows,
        names=names,
        customers=customers,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        total=total,
        has_processes=bool(names),
        process_filter=process_filter,
    ), status


@bp.route("/t/<slug>/pulses/interactions", methods=["GET", "POST"])
@roles("owner", "admin")
def interactions() -> Response | tuple[str, int]:
    form = _interaction_form()
    if not form.validate_on_submit():
        return _interactions_page(form, 400 if form.is_submitted() else 200)
    customer = processes.find_customer(form.customer_email.data)
    process_ = db.session.get(Process, form.process_id.data)
    if process_ is None:
        form.process_id.errors.append(_("Choose a process."))
        return _interactions_page(form, 400)
    if customer is None:
        form.customer_email.errors.append(
            _("No customer has this email: add them under People first.")
        )
        return _interactions_page(form, 400)
    tz = schedule.zone(current_tenant().timezone)
    occurred = schedule.local_to_utc(form.occurred_at.data.date(), form.occurred_at.data.time(), tz)
    try:
        logged = processes.log_interaction(customer, process_, occurred, now=utcnow())
    except processes.ProcessError as exc:
        db.session.rollback()
        form.occurred_at.errors.append(str(exc))
        return _interactions_page(form, 400)
    db.session.commit()
    if logged.scheduled_for is not None:
        flash(
            _(
                "Logged. %(email)s gets a pulse %(when)s.",
                email=customer.email,
                when=local_time(logged.scheduled_for),
            ),
            "success",
        )
    else:
        flash(_("Logged, without a pulse: %(reason)s.", reason=logged.reason), "info")
    return redirect(url_for("pulses.interactions"))


def interaction_outcome(interaction: Interaction) -> str:
    outcome = interaction.outcome or {}
    if outcome.get("scheduled_for"):
        when = datetime.fromisoformat(outcome["scheduled_for"].replace("Z", "+00:00"))
        return _("Pulse %(when)s", when=short_time(when))
    if outcome.get("reason"):
        return _("No pulse: %(reason)s", reason=outcome["reason"])
    return "—"
