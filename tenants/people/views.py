"""People pages: the blueprint, and the employees' and customers' pages (thin: parse, call the
service, render). The teams' pages are in ``team_views.py``, the imports' in ``import_views.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from saas.auth.forms import EmptyForm
from saas.billing.entitlements import entitlements
from saas.extensions import db
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.people import forms, listing, service, teams
from tenants.people.models import Customer, Employee

bp = Blueprint("people", __name__)
MANAGERS = ("owner", "admin")


def page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def form_error(form: FlaskForm, exc: service.PeopleError, default: str = "email") -> None:
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]


def save_form(
    form: FlaskForm,
    save: Callable[[], Any],
    done: Callable[[Any], str],
    to: str,
    *,
    field: str = "email",
    reload: Callable[[], Any] | None = None,
) -> Response | None:
    """A valid submission: ``save()``, commit, flash ``done(saved)`` and redirect to ``to``.

    None when the page shows the form again: not submitted or not valid, or a PeopleError
    (rolled back, ``reload()`` re-reads the edited row, the message lands on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        saved = save()
    except service.PeopleError as exc:
        db.session.rollback()
        if reload is not None:
            reload()
        form_error(form, exc, field)
        return None
    db.session.commit()
    flash(done(saved), "success")
    return redirect(url_for(to))


def list_filters() -> tuple[str, int | None, str]:
    """The search, team and status of a people list (an unknown status is "active")."""
    query = request.args.get("q", "").strip()[:100]
    team_id = request.args.get("team", 0, type=int) or None
    status = request.args.get("status", "active")
    return query, team_id, status if status in ("active", "inactive", "all") else "active"


def seats() -> dict[str, object]:
    rights = entitlements(current_tenant())
    return {
        "used": service.seats_used(),
        "limit": rights.seat_limit,
        "plan": rights.plan,
        "trial": rights.status == "trialing",
    }


# -- employees -----------------------------------------------------------------------------------


@bp.route("/t/<slug>/people/")
@roles(*MANAGERS)
def employees() -> str:
    query, team_id, status = list_filters()
    result = listing.list_employees(query, team_id, status, page_number())
    return render_template(
        "people/employees.html",
        result=result,
        managers=listing.names_by_email({e.manager_email for e in result.items if e.manager_email}),
        q=query,
        team_id=team_id or 0,
        team_name=teams.team_name(team_id),
        status=status,
        team_choices=teams.team_choices(_("All teams")),
        status_choices=forms.STATUS_CHOICES,
        seats=seats(),
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
    form.team_id.choices = teams.team_choices()
    saved = save_form(
        form,
        lambda: service.create_employee(current_tenant(), _employee_data(form)),
        lambda employee: _("%(name)s added.", name=employee.name),
        "people.employees",
    )
    if saved is not None:
        return saved
    return render_template("people/employee_form.html", form=form, employee=None)


@bp.route("/t/<slug>/people/employees/<int:employee_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_employee(employee_id: int) -> Response | str:
    employee = get_or_404(Employee, employee_id)
    form = forms.EmployeeForm(obj=employee)
    if request.method == "GET":
        form.team_id.data = employee.team_id or 0
    form.team_id.choices = teams.team_choices()
    saved = save_form(
        form,
        lambda: service.update_employee(employee, _employee_data(form)),
        lambda _saved: _("Changes to %(name)s saved.", name=employee.name),
        "people.employees",
        reload=lambda: get_or_404(Employee, employee_id),
    )
    if saved is not None:
        return saved
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
    query, team_id, status = list_filters()
    segment = request.args.get("segment", "").strip()[:60]
    result = listing.list_customers(query, team_id, segment, status, page_number())
    return render_template(
        "people/customers.html",
        result=result,
        q=query,
        team_id=team_id or 0,
        segment=segment,
        segments=listing.segments(),
        status=status,
        team_choices=teams.team_choices(_("All teams")),
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
    form.serving_team_id.choices = teams.team_choices()
    saved = save_form(
        form,
        lambda: service.create_customer(_customer_data(form)),
        lambda customer: _("%(email)s added.", email=customer.email),
        "people.customers",
    )
    if saved is not None:
        return saved
    return render_template(
        "people/customer_form.html", form=form, customer=None, segments=listing.segments()
    )


@bp.route("/t/<slug>/people/customers/<int:customer_id>", methods=["GET", "POST"])
@roles(*MANAGERS)
def edit_customer(customer_id: int) -> Response | str:
    customer = get_or_404(Customer, customer_id)
    form = forms.CustomerForm(obj=customer)
    if request.method == "GET":
        form.serving_team_id.data = customer.serving_team_id or 0
    form.serving_team_id.choices = teams.team_choices()
    saved = save_form(
        form,
        lambda: service.update_customer(customer, _customer_data(form)),
        lambda _saved: _("Changes to %(email)s saved.", email=customer.email),
        "people.customers",
        reload=lambda: get_or_404(Customer, customer_id),
    )
    if saved is not None:
        return saved
    return render_template(
        "people/customer_form.html",
        form=form,
        customer=customer,
        segments=listing.segments(),
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
