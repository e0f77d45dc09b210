"""Sign-up, sign-in, verification, reset, member invites and the tenant switcher."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from saas import audit, mail
from saas.auth import forms, service, sessions
from saas.db import tenant_context
from saas.extensions import db, limiter
from saas.i18n import available_locales

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home_for(user: object) -> str:
    memberships = service.memberships_of(user)  # type: ignore[arg-type]
    if len(memberships) == 1:
        return url_for("dashboard.home", slug=memberships[0][1].slug)
    return url_for("auth.switch")


def sign_in(user: Any, *, remember: bool = False) -> None:
    """Start a server-side session for ``user``, commit it, and set the cookies naming it."""
    sessions.start(user, request.user_agent.string or "")
    db.session.commit()
    login_user(user, remember=remember)


def send_verification(user: object) -> None:
    token = service.verification_token(user)  # type: ignore[arg-type]
    link = mail.absolute_url("auth.verify", token=token)
    text, html = mail.render_bodies("verify", user=user, link=link)
    mail.send(
        mail.build_message(
            to=user.email,  # type: ignore[attr-defined]
            subject=_("Confirm your email for Outcome Pulse"),
            text=text,
            html=html,
        )
    )


@bp.route("/")
def index() -> Response | str:
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return render_template("auth/landing.html")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup() -> Response | str:
    form = forms.SignUpForm()
    if form.validate_on_submit():
        try:
            _tenant, user = service.sign_up(
                company=form.company.data,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                country=form.country.data,
                timezone=form.timezone.data,
                locale=form.locale.data,
            )
        except service.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            send_verification(user)
            sign_in(user)
            return redirect(url_for("auth.unverified"))
    return render_template("auth/signup.html", form=form)


@bp.route("/verify/<token>")
def verify(token: str) -> Response:
    user = service.verify_email(token)
    if user is None:
        flash(
            _("This confirmation link is invalid or has expired. Sign in to get a new one."),
            "error",
        )
        return redirect(url_for("auth.login"))
    db.session.commit()
    flash(_("Your email is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(_home_for(user))
    return redirect(url_for("auth.login"))


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per hour", methods=["POST"])
def unverified() -> Response | str:
    if current_user.is_verified:
        return redirect(_home_for(current_user))
    form = forms.EmptyForm()
    if form.validate_on_submit():
        send_verification(current_user)
        flash(
            _("We sent a new confirmation link to %(email)s.", email=current_user.email), "success"
        )
    return render_template("auth/unverified.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            known = service.find_user(form.email.data)
            if known is not None:
                service.record_for_user_tenants(known, "sign_in_failed")
                db.session.commit()
            form.password.errors.append(_("The email or password is not right."))
        elif user.totp_enabled_at:
            from saas.auth.two_factor_views import start_second_step

            return start_second_step(user, form.remember.data, request.args.get("next"))
        else:
            service.record_for_user_tenants(user, "sign_in")
            sign_in(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    forms.EmptyForm().validate_on_submit() or abort(400)
    sessions.end(current_user._get_current_object())  # type: ignore[attr-defined]
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def forgot() -> Response | str:
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        user = service.find_user(form.email.data)
        if user is not None:
            link = mail.absolute_url("auth.reset", token=service.reset_token(user))
            text, html = mail.render_bodies("reset", user=user, link=link)
            mail.send(
                mail.build_message(
                    to=user.email,
                    subject=_("Reset your Outcome Pulse password"),
                    text=text,
                    html=html,
                )
            )
        flash(_("If an account uses that address, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset(token: str) -> Response | str:
    user = service.user_for_reset(token)
    if user is None:
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        service.set_password(user, form.password.data)
        service.record_for_user_tenants(user, "password_reset")
        db.session.commit()
        logout_user()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if service.authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append(_("The current password is not right."))
        else:
            user = current_user._get_current_object()  # type: ignore[attr-defined]
            service.set_password(user, form.password.data)
            service.record_for_user_tenants(user, "password_changed")
            sign_in(user)  # this browser continues in a new session; every other one ends
            flash(_("Your password is changed. Other devices were signed out."), "success")
            return redirect(_home_for(user))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/sessions")
@login_required
def account_sessions() -> str:
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return render_template(
        "auth/sessions.html",
        open_sessions=[(row, *sessions.describe(row.user_agent)) for row in sessions.active(user)],
        current_id=sessions.current_id(user),
        form=forms.EmptyForm(),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int) -> Response:
    forms.EmptyForm().validate_on_submit() or abort(400)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    was_current = session_id == sessions.current_id(user)
    if not sessions.end(user, session_id):
        abort(404)
    service.record_for_user_tenants(user, "sign_out", scope="one session")
    db.session.commit()
    if was_current:
        logout_user()
        session.clear()
        return redirect(url_for("auth.login"))
    flash(_("That session is signed out."), "success")
    return redirect(url_for("auth.account_sessions"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def end_all_sessions() -> Response:
    """Sign out everywhere: every session of this member ends, this one too."""
    forms.EmptyForm().validate_on_submit() or abort(400)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    sessions.end_all(user)
    service.record_for_user_tenants(user, "sign_out", scope="everywhere")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/switch")
@login_required
def switch() -> str:
    return render_template("auth/switch.html", memberships=service.memberships_of(current_user))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    forms.EmptyForm().validate_on_submit() or abort(400)
    if code in available_locales():
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.index"))


@bp.route("/invites/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute")
def accept_invite(token: str) -> Response | str:
    pending = service.find_invite(token)
    if pending is None:
        return render_template("auth/invite_invalid.html"), 404  # type: ignore[return-value]
    existing = service.find_user(pending.invite.email)
    form = forms.AcceptInviteForm() if existing is None else forms.EmptyForm()
    if existing is not None and (
        not current_user.is_authenticated or current_user.id != existing.id
    ):
        if current_user.is_authenticated:
            logout_user()
        flash(
            _("Sign in as %(email)s to accept the invitation.", email=pending.invite.email), "info"
        )
        return redirect(url_for("auth.login", next=url_for("auth.accept_invite", token=token)))
    if form.validate_on_submit():
        with tenant_context(pending.tenant.id):
            user = existing
            if user is None:
                from saas.auth.models import User
                from saas.security import hash_password

                user = User(
                    email=pending.invite.email,
                    name=form.name.data.strip(),  # type: ignore[attr-defined]
                    password_hash=hash_password(form.password.data),  # type: ignore[attr-defined]
                    locale=pending.tenant.locale,
                )
                db.session.add(user)
                db.session.flush()
            service.accept_invite(pending, user)
            db.session.commit()
        sign_in(user)
        flash(_("Welcome to %(company)s.", company=pending.tenant.name), "success")
        return redirect(url_for("dashboard.home", slug=pending.tenant.slug))
    return render_template("auth/accept_invite.html", form=form, pending=pending, existing=existing)


__all__ = ["audit", "bp"]
