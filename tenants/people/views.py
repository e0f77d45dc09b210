"""People pages: employees, customers, teams and CSV imports (a thin blueprint)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from saas.auth.forms import EmptyForm
from saas.billing.entitlements import entitlements
from saas.db import require_tenant_id
from saas.extensions import db
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.people import demo, forms, imports, service, tasks
from tenants.people.models import Customer, Employee, ImportJob, Team

bp = Blueprint("people", __name__)
MANAGERS = ("owner", "admin")
assert demo.seed_demo_people  # registers the demo hook when the app starts


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _form_error(form: FlaskForm, exc: service.PeopleError, default: str = "email") -> None:
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]


def _team_name(team_id: int | None) -> str | None:
    team = db.session.get(Team, team_id) if team_id else None
    return team.name if team else None


def _queue(task: Any, job_id: int) -> None:
    """Queue an import step once the request's own transaction is committed; plain ids only,
    so nothing here reopens a transaction (which would hold SQLite's write lock)."""
    task(require_tenant_id(), job_id)


def _seats() -> dict[str, object]:
    rights = entitlements(current_tenant())
    return {"used": service.seats_used(), "limit": rights.seat_limit, "plan": rights.plan}


# -- employees -----------------------------------------------------------------------------------


@bp.route("/t/<slug>/people/")
@roles(*MANAGERS)
def employees() -> str:
    query = request.args.get("q", "").strip()[:100]
    team_id = request.args.get("team", 0, type=int) or None
    status = request.args.get("status", "active")
    status = status if status in ("active", "inactive", "all") else "active"
    result = service.list_employees(query, team_id, status, _page())
    return render_template(
        "people/employees.html",
        result=result,
        managers=service.names_by_email({e.manager_email for e in result.items if e.manager_email}),
        q=query,
        team_id=team_id or 0,
        team_name=_team_name(team_id),
        status=status,
        team_choices=service.team_choices(_("All teams")),
        status_choices=forms.STATUS_CHOICES,
        seats=_seats(),
    )


def _employee_data(form: forms.EmployeeForm) -> service.EmployeeData:
    return service.EmployeeData(
        email=form.email.data,
        name=form.name.data,
        team_id=form.team_id.data or None,
        manager_email=form.manager_email.data or None,
        locale=form.locale.data,
        start_date=form.start_date.data,
    )


@bp.route("/t/<slug>/people/employees/new", methods=["GET", "POST"])
@roles(*MANAGERS)
def new_employee() -> Response | str:
    form = forms.EmployeeForm()
    form.team_id.choices = service.team_choices()
    if form.validate_on_submit():
        try:
            employee = service.create_employee(current_tenant(), _employee_data(form))
        except service.PeopleError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=employee.name), "success")
            return redirect(url_for("people.employees"))
    return render_template("people/employee_form.html", form=form, employee=None)


@bp.route("/t/<slug>/people/employees/<int:employee_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_employee(employee_id: int) -> Response | str:
    employee = get_or_404(Employee, employee_id)
    form = forms.EmployeeForm(obj=employee)
    if request.method == "GET":
        form.team_id.data = employee.team_id or 0
    form.team_id.choices = service.team_choices()
    if form.validate_on_submit():
        try:
            service.update_employee(employee, _employee_data(form))
        except service.PeopleError as exc:
            db.session.rollback()
            employee = get_or_404(Employee, employee_id)
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Changes to %(name)s saved.", name=employee.name), "success")
            return redirect(url_for("people.employees"))
    return render_template(
        "people/employee_form.html", form=form, employee=employee, empty_form=EmptyForm()
    )


@bp.route("/t/<slug>/people/employees/<int:employee_id>/deactivate", methods=["POST"])
@roles(*MANAGERS)
def deactivate_employee(employee_id: int) -> Response:
    employee = get_or_404(Employee, employee_id)
    EmptyForm().validate_on_submit() or abort(400)
    service.deactivate_employee(employee)
    db.session.commit()
    flash(
        _("%(name)s is inactive: no longer surveyed, history kept.", name=employee.name),
        "success",
    )
    return redirect(url_for("people.employees"))


@bp.route("/t/<slug>/people/employees/<int:employee_id>/reactivate", methods=["POST"])
@roles(*MANAGERS)
def reactivate_employee(employee_id: int) -> Response:
    employee = get_or_404(Employee, employee_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        service.reactivate_employee(current_tenant(), employee)
    except service.PeopleError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is active again.", name=employee.name), "success")
    return redirect(url_for("people.edit_employee", employee_id=employee.id))


# -- customers -----------------------------------------------------------------------------------


@bp.route("/t/<slug>/people/customers")
@roles(*MANAGERS)
def customers() -> str:
    query = request.args.get("q", "").strip()[:100]
    team_id = request.args.get("team", 0, type=int) or None
    segment = request.args.get("segment", "").strip()[:60]
    status = request.args.get("status", "active")
    status = status if status in ("active", "inactive", "all") else "active"
    result = service.list_customers(query, team_id, segment, status, _page())
    return render_template(
        "people/customers.html",
        result=result,
        q=query,
        team_id=team_id or 0,
        segment=segment,
        segments=service.segments(),
        status=status,
        team_choices=service.team_choices(_("All teams")),
        status_choices=forms.STATUS_CHOICES,
    )


def _customer_data(form: forms.CustomerForm) -> service.CustomerData:
    return service.CustomerData(
        email=form.email.data,
        name=form.name.data or "",
        segment=form.segment.data,
        serving_team_id=form.serving_team_id.data or None,
        locale=form.locale.data,
        consent=form.consent.data,
        unsubscribed=form.unsubscribed.data,
    )


@bp.route("/t/<slug>/people/customers/new", methods=["GET", "POST"])
@roles(*MANAGERS)
def new_customer() -> Response | str:
    form = forms.CustomerForm()
    form.serving_team_id.choices = service.team_choices()
    if form.validate_on_submit():
        try:
            customer = service.create_customer(_customer_data(form))
        except service.PeopleError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_("%(email)s added.", email=customer.email), "success")
            return redirect(url_for("people.customers"))
    return render_template(
        "people/customer_form.html", form=form, customer=None, segments=service.segments()
    )


@bp.route("/t/<slug>/people/customers/<int:customer_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_customer(customer_id: int) -> Response | str:
    customer = get_or_404(Customer, customer_id)
    form = forms.CustomerForm(obj=customer)
    if request.method == "GET":
        form.serving_team_id.data = customer.serving_team_id or 0
    form.serving_team_id.choices = service.team_choices()
    if form.validate_on_submit():
        try:
            service.update_customer(customer, _customer_data(form))
        except service.PeopleError as exc:
            db.session.rollback()
            customer = get_or_404(Customer, customer_id)
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_("Changes to %(email)s saved.", email=customer.email), "success")
            return redirect(url_for("people.customers"))
    return render_template(
        "people/customer_form.html",
        form=form,
        customer=customer,
        segments=service.segments(),
        empty_form=EmptyForm(),
    )


@bp.route("/t/<slug>/people/customers/<int:customer_id>/deactivate", methods=["POST"])
@roles(*MANAGERS)
def deactivate_customer(customer_id: int) -> Response:
    customer = get_or_404(Customer, customer_id)
    EmptyForm().validate_on_submit() or abort(400)
    service.deactivate_customer(customer)
    db.session.commit()
    flash(_("%(email)s is inactive: history kept.", email=customer.email), "success")
    return redirect(url_for("people.customers"))


@bp.route("/t/<slug>/people/customers/<int:customer_id>/reactivate", methods=["POST"])
@roles(*MANAGERS)
def reactivate_customer(customer_id: int) -> Response:
    customer = get_or_404(Customer, customer_id)
    EmptyForm().validate_on_submit() or abort(400)
    service.reactivate_customer(customer)
    db.session.commit()
    flash(_("%(email)s is active again.", email=customer.email), "success")
    return redirect(url_for("people.edit_customer", customer_id=customer.id))


# -- teams ---------------------------------------------------------------------------------------


@bp.route("/t/<slug>/people/teams", methods=["GET", "POST"])
@roles(*MANAGERS)
def teams() -> Response | str:
    form = forms.TeamForm()
    form.parent_id.choices = service.team_choices(_("(top level)"))
    if form.validate_on_submit():
        try:
            team = service.create_team(form.name.data, form.parent_id.data or None)
        except service.PeopleError as exc:
            db.session.rollback()
            _form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Team %(name)s added.", name=team.name), "success")
            return redirect(url_for("people.teams"))
    return render_template(
        "people/teams.html",
        form=form,
        forest=service.team_forest(),
        counts=service.team_member_counts(),
    )


@bp.route("/t/<slug>/people/teams/<int:team_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_team(team_id: int) -> Response | str:
    team = get_or_404(Team, team_id)
    form = forms.TeamForm(obj=team)
    if request.method == "GET":
        form.parent_id.data = team.parent_id or 0
    form.parent_id.choices = service.team_choices(_("(top level)"))
    if form.validate_on_submit():
        try:
            service.rename_team(team, form.name.data)
            service.move_team(team, form.parent_id.data or None)
        except service.PeopleError as exc:
            db.session.rollback()
            team = get_or_404(Team, team_id)
            _form_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Team %(name)s saved.", name=team.name), "success")
            return redirect(url_for("people.teams"))
    return render_template("people/team_form.html", form=form, team=team)


# -- imports -------------------------------------------------------------------------------------


@bp.route("/t/<slug>/people/imports", methods=["GET", "POST"])
@roles(*MANAGERS)
def imports_page() -> Response | str:
    form = forms.ImportForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "employees")
    if form.validate_on_submit():
        try:
            job = imports.create_job(
                form.kind.data, form.file.data.stream, form.file.data.filename, current_user
            )
        except service.PeopleError as exc:
            db.session.rollback()
            _form_error(form, exc, "file")
        else:
            db.session.flush()
            job_id = job.id
            db.session.commit()
            _queue(tasks.preview_import, job_id)
            return redirect(url_for("people.import_job", import_id=job_id))
    return render_template("people/imports.html", form=form, jobs=imports.recent_jobs())


@bp.route("/t/<slug>/people/imports/<int:import_id>")
@roles(*MANAGERS)
def import_job(import_id: int) -> str:
    job = get_or_404(ImportJob, import_id)
    keep, deactivate = imports.seat_problems(job)
    return render_template(
        "people/import_job.html",
        job=job,
        progress=imports.read_progress(job) if job.running else None,
        problems=[{**p, "message": imports.problem_message(p)} for p in (job.problems or [])],
        field_labels=imports.FIELD_LABELS,
        seat_problem=keep,
        seat_problem_deactivating=deactivate,
        form=forms.ConfirmImportForm(),
        empty_form=EmptyForm(),
        seats=_seats(),
    )


@bp.route("/t/<slug>/people/imports/<int:import_id>/commit", methods=["POST"])
@roles(*MANAGERS)
def commit_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    form = forms.ConfirmImportForm()
    form.validate_on_submit() or abort(400)
    try:
        imports.confirm_job(
            job,
            skip_invalid=form.skip_invalid.data,
            deactivate_missing=form.deactivate_missing.data,
        )
    except service.PeopleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        _queue(tasks.commit_import, import_id)
    return redirect(url_for("people.import_job", import_id=import_id))


@bp.route("/t/<slug>/people/imports/<int:import_id>/discard", methods=["POST"])
@roles(*MANAGERS)
def discard_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        imports.discard_job(job)
    except service.PeopleError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Import discarded: nothing was changed."), "success")
    return redirect(url_for("people.imports_page"))


@bp.route("/t/<slug>/people/imports/<int:import_id>/recheck", methods=["POST"])
@roles(*MANAGERS)
def recheck_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        imports.recheck_job(job)
    except service.PeopleError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        _queue(tasks.preview_import, import_id)
    return redirect(url_for("people.import_job", import_id=import_id))


@bp.route("/t/<slug>/people/imports/sample.csv")
@roles(*MANAGERS)
def sample_csv() -> Response:
    kind = request.args.get("kind", "employees")
    if kind not in ("employees", "customers"):
        abort(404)
    body = render_template(f"people/sample_{kind}.csv")
    response = Response("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={kind}-sample.csv"
    return response
