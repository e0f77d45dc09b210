"""The pages of processes and of logging interactions (routes of the ``pulses`` blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from saas.billing.gate import feature_required
from saas.billing.plans import PROCESSES
from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.pulses.models import Process
from tenants.pulses.pages import bp, local_time, team_choices
from tenants.pulses.processes import service as processes
from tenants.pulses.processes.forms import InteractionForm, ProcessForm
from tenants.pulses.programs import service as programs
from tenants.pulses.programs import timing

PAGE_SIZE = 25


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
@feature_required(PROCESSES)
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
@feature_required(PROCESSES)
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
    program = programs.find_program(item.program_id) if item.program_id else None
    return render_template("pulses/process.html", process=item, form=form, program=program), status


# -- interactions --------------------------------------------------------------------------


def _interaction_form() -> InteractionForm:
    form = InteractionForm()
    form.process_id.choices = [(0, _("Choose a process"))] + [
        (p.id, p.name) for p in processes.processes() if p.active
    ]
    if not form.is_submitted():
        tz = timing.zone(current_tenant().timezone)
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
@feature_required(PROCESSES)
def interactions() -> Response | tuple[str, int]:
    form = _interaction_form()
    if not form.validate_on_submit():
        return _interactions_page(form, 400 if form.is_submitted() else 200)
    customer = processes.find_customer(form.customer_email.data)
    process_ = processes.find_process(form.process_id.data)
    if process_ is None:
        form.process_id.errors.append(_("Choose a process."))
        return _interactions_page(form, 400)
    if customer is None:
        form.customer_email.errors.append(
            _("No customer has this email: add them under People first.")
        )
        return _interactions_page(form, 400)
    tz = timing.zone(current_tenant().timezone)
    occurred = timing.local_to_utc(form.occurred_at.data.date(), form.occurred_at.data.time(), tz)
    try:
        logged = processes.log_interaction(customer, process_, occurred, now=utcnow())
    except processes.ProcessError as exc:
        db.session.rollback()
        future = exc.code == "occurred_at_in_future"
        message = _("That time is in the future: log an interaction once it has happened.")
        form.occurred_at.errors.append(message if future else str(exc))
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
