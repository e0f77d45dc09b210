"""Two-factor sign-in pages: the second step of signing in, and turning it on or off."""

from __future__ import annotations

import time
from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from saas.auth import forms, service, two_factor
from saas.auth.models import User
from saas.auth.views import _home_for, _safe_next, bp, sign_in
from saas.extensions import db, limiter

PENDING = "two_factor_pending"  # in the session: who passed the password, for how long
PENDING_SECONDS = 300
SETUP = "two_factor_setup_secret"  # in the session: the secret being enrolled


def start_second_step(user: User, remember: bool, next_url: str | None) -> Response:
    """The password was right: ask for the second factor before signing in."""
    session[PENDING] = {
        "uid": user.id,
        "remember": bool(remember),
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }
    return redirect(url_for("auth.two_factor_login"))


def _pending_user() -> tuple[User, dict[str, Any]] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.totp_enabled_at:
        return None
    return user, pending


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def two_factor_login() -> Response | str:
    found = _pending_user()
    if found is None:
        session.pop(PENDING, None)
        flash(_("Sign in again to continue."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = forms.TwoFactorCodeForm()
    if form.validate_on_submit():
        how = two_factor.verify(user, form.code.data)
        if how is None:
            service.record_for_user_tenants(user, "two_factor_failed")
            db.session.commit()
            form.code.errors.append(_("This code is not right, or was already used."))
        else:
            session.pop(PENDING, None)
            if how == "recovery":
                service.record_for_user_tenants(user, "recovery_code_used")
            service.record_for_user_tenants(user, "sign_in", second_factor=how)
            sign_in(user, remember=pending.get("remember", False))
            return redirect(_safe_next(pending.get("next")) or _home_for(user))
    return render_template("auth/two_factor_login.html", form=form)


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def two_factor_setup() -> Response | str:
    user = _me()
    if user.totp_enabled_at:
        return render_template(
            "auth/two_factor.html",
            enabled=True,
            form=forms.DisableTwoFactorForm(),
            codes_left=two_factor.recovery_codes_left(user),
        )
    secret = session.get(SETUP) or two_factor.new_secret_key()
    session[SETUP] = secret
    form = forms.EnableTwoFactorForm()
    if form.validate_on_submit():
        if service.authenticate(user.email, form.password.data) is None:
            form.password.errors.append(_("The password is not right."))
        elif not two_factor.code_is_valid(secret, form.code.data):
            form.code.errors.append(_("This code is not right: check the app's clock and retry."))
        else:
            codes = two_factor.enable(user, secret)
            session.pop(SETUP, None)
            service.record_for_user_tenants(user, "two_factor_enabled")
            db.session.commit()
            flash(_("Two-factor sign-in is on."), "success")
            return render_template(
                "auth/recovery_codes.html", codes=codes, next=_safe_next(request.args.get("next"))
            )
    return render_template(
        "auth/two_factor.html",
        enabled=False,
        form=form,
        secret=secret,
        qr=two_factor.qr_data_uri(user, secret),
    )


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@limiter.limit("10 per minute")
def two_factor_disable() -> Response | str:
    user = _me()
    if not user.totp_enabled_at:
        abort(404)
    form = forms.DisableTwoFactorForm()
    if form.validate_on_submit() and service.authenticate(user.email, form.password.data):
        two_factor.disable(user)
        service.record_for_user_tenants(user, "two_factor_disabled")
        db.session.commit()
        flash(_("Two-factor sign-in is off."), "info")
        return redirect(url_for("auth.two_factor_setup"))
    if not form.password.errors:
        form.password.errors.append(_("The password is not right."))
    return render_template(
        "auth/two_factor.html",
        enabled=True,
        form=form,
        codes_left=two_factor.recovery_codes_left(user),
    ), 400
