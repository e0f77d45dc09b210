"""The program pages: the list, a new program, a program's settings, starting, pausing and
launching a round by hand (routes of the ``pulses`` blueprint)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from saas.auth.forms import EmptyForm
from saas.billing.gate import upgrade_page
from saas.billing.plans import CUSTOMER_PULSES
from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.pulses.models import Program
from tenants.pulses.pages import bp, empty_form_or_400, local_time, round_url, team_choices
from tenants.pulses.processes import service as processes
from tenants.pulses.programs import service as programs
from tenants.pulses.programs import timing
from tenants.pulses.programs.forms import CustomerProgramForm, EmployeeProgramForm
from tenants.pulses.rounds import launch
from tenants.pulses.rounds.errors import LaunchError
from tenants.pulses.rounds.service import invitation_count

# -- programs ------------------------------------------------------------------------------


@bp.route("/t/<slug>/pulses", endpoint="programs")
@roles("owner", "admin")
def programs_index() -> str:
    tenant = current_tenant()
    now = utcnow()
    summaries = [programs.summary(p, tenant.timezone, now) for p in programs.programs()]
    has_people = programs.has_employees()
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
    except (programs.ProgramError, LaunchError) as exc:
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
        measured=processes.processes_of(program),
        default_open_days={c: timing.open_days_default(c) for c in timing.CADENCES},
        empty_form=EmptyForm(),
    ), status


@bp.route("/t/<slug>/pulses/programs/new", methods=["GET", "POST"])
@roles("owner", "admin")
def new_program() -> Response | tuple[str, int]:
    kind = request.args.get("kind", "employee")
    if kind not in ("employee", "customer"):
        abort(404)
    if kind == "customer" and (refused := upgrade_page(CUSTOMER_PULSES)):
        return refused
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
        default_open_days={c: timing.open_days_default(c) for c in timing.CADENCES},
    ), status


@bp.route("/t/<slug>/pulses/programs/<int:program_id>", methods=["GET", "POST"])
@roles("owner", "admin")
def program(program_id: int) -> Response | tuple[str, int]:
    item = get_or_404(Program, program_id)
    if item.kind == "customer" and (refused := upgrade_page(CUSTOMER_PULSES)):
        return refused
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
def start_program(program_id: int) -> Response | tuple[str, int]:
    item = get_or_404(Program, program_id)
    empty_form_or_400()
    if item.kind == "customer" and (refused := upgrade_page(CUSTOMER_PULSES)):
        return refused
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
    empty_form_or_400()
    programs.pause_program(item)
    db.session.commit()
    flash(_("Paused. Open rounds run until they close; nothing new is sent."), "success")
    return redirect(url_for("pulses.program", program_id=item.id))


@bp.route("/t/<slug>/pulses/programs/<int:program_id>/launch", methods=["GET"])
@roles("owner", "admin")
def confirm_launch(program_id: int) -> str | Response:
    """Launching emails everyone in the audience at once: a page that says how many first."""
    item = get_or_404(Program, program_id)
    if item.kind != "employee":
        return redirect(url_for("pulses.program", program_id=item.id))
    return render_template(
        "pulses/confirm_launch.html",
        program=item,
        people=launch.audience_count(item, utcnow()),
        form=EmptyForm(),
    )


@bp.route("/t/<slug>/pulses/programs/<int:program_id>/launch", methods=["POST"])
@roles("owner", "admin")
def launch_now(program_id: int) -> Response:
    item = get_or_404(Program, program_id)
    empty_form_or_400()
    try:
        round_ = launch.launch_round(item, utcnow())
    except LaunchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pulses.program", program_id=item.id))
    invited = invitation_count(round_)
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
