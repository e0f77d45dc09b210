"""The imports pages: upload, the job's preview and outcome, confirm, discard, re-check, and the
sample files (thin: the jobs are in ``imports/jobs.py``, the steps run in the worker)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from saas.auth.forms import EmptyForm
from saas.db import require_tenant_id
from saas.extensions import db
from saas.tenancy.resolve import get_or_404, roles
from tenants.people import forms, service, tasks
from tenants.people.imports import checks, headers, jobs
from tenants.people.models import ImportJob
from tenants.people.views import MANAGERS, bp, form_error, seats


def _queue(task: Any, job_id: int) -> None:
    """Queue an import step once the request's own transaction is committed; plain ids only,
    so nothing here reopens a transaction (which would hold SQLite's write lock)."""
    task(require_tenant_id(), job_id)


@bp.route("/t/<slug>/people/imports", methods=["GET", "POST"])
@roles(*MANAGERS)
def imports_page() -> Response | str:
    form = forms.ImportForm()
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "employees")
    if form.validate_on_submit():
        try:
            job = jobs.create_job(
                form.kind.data, form.file.data.stream, form.file.data.filename, current_user
            )
        except service.PeopleError as exc:
            db.session.rollback()
            form_error(form, exc, "file")
        else:
            db.session.flush()
            job_id = job.id
            db.session.commit()
            _queue(tasks.preview_import, job_id)
            return redirect(url_for("people.import_job", import_id=job_id))
    return render_template("people/imports.html", form=form, jobs=jobs.recent_jobs())


@bp.route("/t/<slug>/people/imports/<int:import_id>")
@roles(*MANAGERS)
def import_job(import_id: int) -> str:
    job = get_or_404(ImportJob, import_id)
    keep, deactivate = jobs.seat_problems(job)
    return render_template(
        "people/import_job.html",
        job=job,
        progress=jobs.read_progress(job) if job.running else None,
        problems=[{**p, "message": checks.problem_message(p)} for p in (job.problems or [])],
        field_labels=headers.FIELD_LABELS,
        seat_problem=keep,
        seat_problem_deactivating=deactivate,
        form=forms.ConfirmImportForm(),
        empty_form=EmptyForm(),
        seats=seats(),
        undo_until=jobs.undo_until(job),
    )


@bp.route("/t/<slug>/people/imports/<int:import_id>/deactivate")
@roles(*MANAGERS)
def confirm_deactivation(import_id: int) -> str | Response:
    """The separate step that deactivates the people missing from the file: a page that names
    how many, and a button that says it again."""
    job = get_or_404(ImportJob, import_id)
    if job.status != "ready" or not job.deactivate_rows:
        return redirect(url_for("people.import_job", import_id=import_id))
    return render_template(
        "people/import_deactivate.html",
        job=job,
        form=forms.ConfirmImportForm(),
        seat_problem=jobs.seat_problems(job)[1],
    )


@bp.route("/t/<slug>/people/imports/<int:import_id>/commit", methods=["POST"])
@roles(*MANAGERS)
def commit_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    form = forms.ConfirmImportForm()
    form.validate_on_submit() or abort(400)
    try:
        jobs.confirm_job(
            job,
            skip_invalid=form.skip_invalid.data,
            deactivate_missing=form.deactivate_missing.data,
            deactivate_count=form.deactivate_count.data,
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
        jobs.discard_job(job)
    except service.PeopleError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Import discarded: nothing was changed."), "success")
    return redirect(url_for("people.imports_page"))


@bp.route("/t/<slug>/people/imports/<int:import_id>/undo", methods=["POST"])
@roles(*MANAGERS)
def undo_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        jobs.undo_job(job)
    except service.PeopleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Import undone: your people are as they were before it."), "success")
    return redirect(url_for("people.import_job", import_id=import_id))


@bp.route("/t/<slug>/people/imports/<int:import_id>/recheck", methods=["POST"])
@roles(*MANAGERS)
def recheck_import(import_id: int) -> Response:
    job = get_or_404(ImportJob, import_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        jobs.recheck_job(job)
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
