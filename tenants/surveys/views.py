"""The question library: the built-in bank and the tenant's own questions, by dimension."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from saas.auth.forms import EmptyForm
from saas.billing.gate import feature_required
from saas.billing.plans import CUSTOM_QUESTIONS
from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.resolve import get_or_404, roles
from tenants.surveys import service
from tenants.surveys.forms import (
    AUDIENCE_LABELS,
    SCALE_LABELS,
    QuestionForm,
    WordingForm,
    dimension_label,
)
from tenants.surveys.models import Question

bp = Blueprint("surveys", __name__)


def _locale() -> str:
    return str(get_locale() or "en")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {
        "dimension_label": lambda d: dimension_label(d, _locale()),
        "scale_label": lambda s: SCALE_LABELS.get(s, s),
        "audience_labels": AUDIENCE_LABELS,
    }


@bp.route("/t/<slug>/questions")
@roles("owner", "admin")
def library() -> str:
    audience = request.args.get("audience", "employee")
    if audience not in service.AUDIENCES:
        abort(404)
    every = service.all_questions(audience)
    answered = service.answered_ids(q.id for q in every)
    return render_template(
        "surveys/library.html",
        audience=audience,
        groups=service.library(audience),
        purpose_map=service.active_questions(audience, purpose_map=True),
        retired=[q for q in every if q.retired_at is not None],
        answered=answered,
        empty_form=EmptyForm(),
    )


@bp.route("/t/<slug>/questions/new", methods=["GET", "POST"])
@roles("owner", "admin")
@feature_required(CUSTOM_QUESTIONS)
def new_question() -> Response | tuple[str, int]:
    form = QuestionForm(locale=_locale())
    if not form.is_submitted():
        form.audience.data = request.args.get("audience", "employee")
    if form.validate_on_submit():
        try:
            question = service.create_question(
                audience=form.audience.data,
                dimension=form.dimension.data or None,
                scale=form.scale.data,
                text_en=form.text_en.data,
                text_es=form.text_es.data,
            )
        except service.QuestionError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Question added. Rotation can choose it from the next round."), "success")
            return redirect(url_for("surveys.library", audience=question.audience))
    status = 400 if form.is_submitted() else 200
    return render_template("surveys/question_new.html", form=form), status


@bp.route("/t/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@roles("owner", "admin")
def question(question_id: int) -> Response | tuple[str, int]:
    """Edit an unanswered question of the tenant's own; otherwise replace it with a new version."""
    item: Question = get_or_404(Question, question_id)
    editable = service.can_edit(item)
    answered = service.is_answered(item)
    if editable:
        form: WordingForm = QuestionForm(obj=item, locale=_locale())
        if not form.is_submitted():
            form.dimension.data = item.dimension or ""  # type: ignore[attr-defined]
    else:
        form = WordingForm(obj=item)
    if form.validate_on_submit() and item.retired_at is None and not item.purpose_map:
        try:
            if editable:
                service.update_question(
                    item,
                    dimension=form.dimension.data or None,  # type: ignore[attr-defined]
                    scale=form.scale.data,  # type: ignore[attr-defined]
                    text_en=form.text_en.data,
                    text_es=form.text_es.data,
                )
                message = _("Question saved.")
            else:
                service.replace_question(
                    item, text_en=form.text_en.data, text_es=form.text_es.data, now=utcnow()
                )
                message = _("The old wording is retired; the new version is asked from now on.")
        except service.QuestionError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            item = get_or_404(Question, question_id)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("surveys.library", audience=item.audience))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "surveys/question.html",
        question=item,
        form=form,
        editable=editable,
        answered=answered,
        asked=service.is_asked(item),
        replacement=service.replacement_of(item),
        previous=service.previous_of(item),
        empty_form=EmptyForm(),
    ), status


def _post_action(question_id: int) -> Question:
    item: Question = get_or_404(Question, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return item


def _change(question_id: int, change: Callable[[Question], object], done: str) -> Response:
    """A posted change of one question: commit and flash ``done``, or flash why not; back to
    the library of its audience."""
    item = _post_action(question_id)
    try:
        change(item)
    except service.QuestionError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("surveys.library", audience=item.audience))


@bp.route("/t/<slug>/questions/<int:question_id>/retire", methods=["POST"])
@roles("owner", "admin")
def retire(question_id: int) -> Response:
    return _change(
        question_id,
        lambda item: service.retire_question(item, utcnow()),
        _("Retired: new rounds no longer ask it. Its answers stay."),
    )


@bp.route("/t/<slug>/questions/<int:question_id>/restore", methods=["POST"])
@roles("owner", "admin")
def restore(question_id: int) -> Response:
    return _change(
        question_id,
        service.restore_question,
        _("Restored: rotation may choose it again."),
    )


@bp.route("/t/<slug>/questions/<int:question_id>/delete", methods=["POST"])
@roles("owner", "admin")
def delete(question_id: int) -> Response:
    item = _post_action(question_id)
    audience = item.audience
    try:
        service.delete_question(item)
    except service.QuestionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Question deleted."), "success")
    return redirect(url_for("surveys.library", audience=audience))
