"""The members' pages for API keys: ``/t/<slug>/settings/api-keys`` (owners and admins).

The /api/v1 blueprint itself is in ``views.py``; these are ordinary tenant pages, resolved and
checked by ``saas.tenancy.resolve`` like every rule under ``/t/<slug>``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from saas.auth.forms import EmptyForm
from saas.extensions import db
from saas.tenancy.resolve import get_or_404, roles
from tenants.api import service
from tenants.api.forms import ApiKeyForm
from tenants.api.models import ApiKey

bp = Blueprint("api_keys", __name__)


@bp.route("/t/<slug>/settings/api-keys", methods=["GET", "POST"])
@roles("owner", "admin")
def index() -> Response:
    form = ApiKeyForm()
    new_secret = None
    if form.validate_on_submit():
        _key, new_secret = service.create_key(form.name.data, current_user)
        db.session.commit()
        form = ApiKeyForm(formdata=None)
    response = make_response(
        render_template(
            "api/keys.html",
            form=form,
            keys=service.list_keys(),
            new_secret=new_secret,
            empty_form=EmptyForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the new key is on this page, once
    return response


@bp.route("/t/<slug>/settings/api-keys/<int:key_id>/revoke", methods=["POST"])
@roles("owner", "admin")
def revoke(key_id: int) -> Response:
    key = get_or_404(ApiKey, key_id)
    EmptyForm().validate_on_submit() or abort(400)
    service.revoke_key(key, current_user)
    db.session.commit()
    flash(_("Key revoked. Calls with it now fail."), "success")
    return redirect(url_for("api_keys.index"))
