"""Rounds: the list, and a round's page with its live counts (how many, never who), its change
note, closing it early and "send me a test"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from saas.auth.forms import EmptyForm
from saas.db import utcnow
from saas.extensions import db
from saas.i18n import locale_choices
from saas.mail import MailError
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from tenants.pulses.models import Round
from tenants.pulses.outbox.invitation_mail import MailTemplate, RoundFacts
from tenants.pulses.outbox.smtp import RawTransport
from tenants.pulses.outbox.tokens import preview_token
from tenants.pulses.rounds import service
from tenants.pulses.rounds.counts import round_counts

bp = Blueprint("rounds", __name__)
PAGE_SIZE = 50
CHANGE_NOTE_MAX = 2000


class ChangeNoteForm(FlaskForm):
    change_note = TextAreaField(
        _l("What we changed since last time"), validators=[Length(max=CHANGE_NOTE_MAX)]
    )


class TestMailForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=locale_choices)


def round_or_404(round_id: int) -> Round:
    if round_id > service.MAX_ID:
        abort(404)
    return get_or_404(Round, round_id)


@bp.route("/t/<slug>/rounds")
@roles("owner", "admin")
def index() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = service.round_count()
    rows = service.rounds_page(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    counts = round_counts([r.id for r, _name in rows])
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "pulses/rounds/index.html", rows=rows, counts=counts, page=page, pages=pages
    )


def _detail(round_: Round, note_form: ChangeNoteForm | None = None, status: int = 200) -> Any:
    tenant = current_tenant()
    program = service.program_of(round_)
    test_form = TestMailForm(formdata=None, lang=tenant.locale)
    return render_template(
        "pulses/rounds/detail.html",
        round=round_,
        program=program,
        counts=round_counts([round_.id])[round_.id],
        note_form=note_form or ChangeNoteForm(formdata=None, obj=round_),
        test_form=test_form,
        empty_form=EmptyForm(),
        now=utcnow(),
    ), status


@bp.route("/t/<slug>/rounds/<int:round_id>")
@roles("owner", "admin")
def detail(round_id: int) -> Any:
    return _detail(round_or_404(round_id))


@bp.route("/t/<slug>/rounds/<int:round_id>/close", methods=["POST"])
@roles("owner", "admin")
def close_now(round_id: int) -> Response:
    """Close a round early (the confirmation page, ``confirm_close``, says how many it stops)."""
    round_ = round_or_404(round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if round_.status == "closed":
        flash(_("This round is already closed."), "info")
    else:
        service.close(round_)
        db.session.commit()
        flash(_("Round closed. Its links now say the pulse has closed."), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.route("/t/<slug>/rounds/<int:round_id>/close", methods=["GET"])
@roles("owner", "admin")
def confirm_close(round_id: int) -> Any:
    """Closing cannot be undone: a page that says how many people it stops from answering."""
    round_ = round_or_404(round_id)
    if round_.status == "closed":
        return redirect(url_for("rounds.detail", round_id=round_id))
    return render_template(
        "pulses/rounds/confirm_close.html",
        round=round_,
        counts=round_counts([round_.id])[round_.id],
        form=EmptyForm(),
    )


@bp.route("/t/<slug>/rounds/<int:round_id>/note", methods=["POST"])
@roles("owner", "admin")
def change_note(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = ChangeNoteForm()
    if not form.validate_on_submit():
        return _detail(round_, form, 400)
    service.set_change_note(round_, form.change_note.data)
    db.session.commit()
    flash(_("Saved. People see it after they answer."), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.route("/t/<slug>/rounds/<int:round_id>/test", methods=["POST"])
@roles("owner", "admin")
def send_test(round_id: int) -> Response:
    """Send the admin the real email of this round, with a preview link that cannot submit."""
    round_ = round_or_404(round_id)
    form = TestMailForm()
    if not form.validate_on_submit():
        abort(400)
    facts = RoundFacts.load(round_, current_tenant())
    template = MailTemplate.build(facts, form.lang.data, "preview")
    try:
        data = template.compose(current_user.email, preview_token(round_))
        with RawTransport(current_app.config["SETTINGS"]) as mail:
            mail.send_raw(facts.mail_from, current_user.email, data)
    except MailError:
        flash(_("The test email could not be sent. Try again in a minute."), "error")
    else:
        flash(_("A test email is on its way to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("rounds.detail", round_id=round_id))
