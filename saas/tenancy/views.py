"""Tenant settings, branding, members, the audit log and API keys."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from saas import audit, hooks, mail
from saas.audit import AuditEvent
from saas.auth import forms as auth_forms
from saas.auth import service as auth_service
from saas.auth.models import MemberInvite, Membership
from saas.db import unscoped, utcnow
from saas.extensions import db
from saas.tenancy import forms
from saas.tenancy.models import Tenant
from saas.tenancy.resolve import current_tenant, get_or_404, roles
from saas.tenancy.service import (
    InvalidLogo,
    contrast_text_color,
    reencode_logo,
)
from tenants.api import service as api_service
from tenants.api.models import ApiKey

bp = Blueprint("tenancy", __name__)
PAGE_SIZE = 50


def _team_choices() -> list[tuple[int, str]]:
    from tenants.people.models import Team

    teams = db.session.scalars(select(Team).order_by(Team.name))
    return [(0, "—"), *((t.id, t.name) for t in teams)]


@bp.route("/t/<slug>/settings", methods=["GET", "POST"])
@roles("owner", "admin")
def settings() -> Response | str:
    tenant = current_tenant()
    form = forms.TenantSettingsForm(obj=tenant)
    logo_form = forms.LogoForm()
    if form.validate_on_submit():
        old_timezone = tenant.timezone
        form.populate_obj(tenant)
        tenant.accent_color = tenant.accent_color.lower()
        if tenant.timezone != old_timezone:
            hooks.run("timezone_changed", tenant)
        audit.record("settings_changed", actor=current_user)
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("tenancy.settings"))
    return render_template("tenancy/settings.html", form=form, logo_form=logo_form)


@bp.route("/t/<slug>/settings/logo", methods=["POST"])
@roles("owner", "admin")
def upload_logo() -> Response | str:
    tenant = current_tenant()
    form = forms.LogoForm()
    if form.validate_on_submit() and form.logo.data:
        try:
            data, mime = reencode_logo(form.logo.data.read())
        except InvalidLogo as exc:
            form.logo.errors = [str(exc)]
        else:
            tenant.logo, tenant.logo_mime = data, mime
            tenant.logo_version += 1
            audit.record("settings_changed", actor=current_user, field="logo")
            db.session.commit()
            flash(_("Logo updated."), "success")
            return redirect(url_for("tenancy.settings"))
    elif not form.logo.data:
        form.logo.errors = [_("Choose a PNG or JPEG file.")]
    return render_template(
        "tenancy/settings.html", form=forms.TenantSettingsForm(obj=tenant), logo_form=form
    ), 400


def _public_tenant(slug: str) -> Tenant:
    with unscoped():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        abort(404)
    return tenant


@bp.route("/brand/<slug>/<int:version>/brand.css")
def brand_css(slug: str, version: int) -> Response:
    """The per-tenant stylesheet: the accent colour without any inline style (strict CSP)."""
    tenant = _public_tenant(slug)
    color = tenant.accent_color if len(tenant.accent_color) == 7 else "#1f5fa8"
    css = render_template("tenancy/brand.css", accent=color, on_accent=contrast_text_color(color))
    response = make_response(css)
    response.mimetype = "text/css"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/brand/<slug>/<int:version>/logo.png")
def brand_logo(slug: str, version: int) -> Response:
    tenant = _public_tenant(slug)
    if not tenant.logo:
        abort(404)
    response = make_response(tenant.logo)
    response.mimetype = tenant.logo_mime or "image/png"
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.route("/t/<slug>/members", methods=["GET", "POST"])
@roles("owner", "admin")
def members() -> Response | str:
    tenant = current_tenant()
    form = auth_forms.InviteMemberForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        if form.role.data == "owner" and g.membership.role != "owner":
            form.role.errors.append(_("Only an owner can invite another owner."))
        else:
            try:
                _invite, token = auth_service.invite_member(
                    tenant, form.email.data, form.role.data, current_user
                )
            except auth_service.AccountError as exc:
                form.email.errors.append(str(exc))
            else:
                db.session.commit()
                link = mail.absolute_url("auth.accept_invite", token=token)
                text, html = mail.render_bodies(
                    "member_invite",
                    tenant=tenant,
                    inviter=current_user,
                    link=link,
                    role=form.role.data,
                )
                mail.send(
                    mail.build_message(
                        to=form.email.data,
                        subject=_(
                            "%(name)s invited you to %(company)s on Outcome Pulse",
                            name=current_user.name,
                            company=tenant.name,
                        ),
                        text=text,
                        html=html,
                        reply_to=current_user.email,
                    )
                )
                flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
                return redirect(url_for("tenancy.members"))
    memberships = db.session.scalars(select(Membership).order_by(Membership.created_at)).all()
    invites = db.session.scalars(
        select(MemberInvite)
        .where(MemberInvite.accepted_at.is_(None), MemberInvite.revoked_at.is_(None))
        .where(MemberInvite.expires_at > utcnow())
        .order_by(MemberInvite.created_at.desc())
    ).all()
    role_form = auth_forms.ChangeRoleForm()
    role_form.team_id.choices = _team_choices()
    return render_template(
        "tenancy/members.html",
        form=form,
        memberships=memberships,
        invites=invites,
        role_form=role_form,
        empty_form=auth_forms.EmptyForm(),
    )


@bp.route("/t/<slug>/members/<int:membership_id>/role", methods=["POST"])
@roles("owner", "admin")
def change_role(membership_id: int) -> Response:
    membership = get_or_404(Membership, membership_id)
    form = auth_forms.ChangeRoleForm()
    form.team_id.choices = _team_choices()
    if not form.validate_on_submit():
        abort(400)
    if "owner" in (form.role.data, membership.role) and g.membership.role != "owner":
        flash(_("Only an owner can change an owner's role or make an owner."), "error")
        return redirect(url_for("tenancy.members"))
    try:
        auth_service.change_role(
            membership, form.role.data, current_user, form.team_id.data or None
        )
    except auth_service.AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Role changed."), "success")
    return redirect(url_for("tenancy.members"))


@bp.route("/t/<slug>/members/<int:membership_id>/remove", methods=["POST"])
@roles("owner", "admin")
def remove_member(membership_id: int) -> Response:
    membership = get_or_404(Membership, membership_id)
    auth_forms.EmptyForm().validate_on_submit() or abort(400)
    if membership.role == "owner" and g.membership.role != "owner":
        flash(_("Only an owner can remove an owner."), "error")
        return redirect(url_for("tenancy.members"))
    try:
        auth_service.remove_member(membership, current_user)
    except auth_service.AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Member removed."), "success")
    return redirect(url_for("tenancy.members"))


@bp.route("/t/<slug>/members/invites/<int:invite_id>/revoke", methods=["POST"])
@roles("owner", "admin")
def revoke_invite(invite_id: int) -> Response:
    invite = get_or_404(MemberInvite, invite_id)
    auth_forms.EmptyForm().validate_on_submit() or abort(400)
    invite.revoked_at = utcnow()
    db.session.commit()
    flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("tenancy.members"))


@bp.route("/t/<slug>/audit")
@roles("owner", "admin")
def audit_log() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    events = db.session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("tenancy/audit.html", events=events, page=page, pages=pages, total=total)


@bp.route("/t/<slug>/settings/api-keys", methods=["GET", "POST"])
@roles("owner", "admin")
def api_keys() -> Response | str:
    form = forms.ApiKeyForm()
    new_secret = None
    if form.validate_on_submit():
        _key, new_secret = api_service.create_key(form.name.data, current_user)
        db.session.commit()
        form = forms.ApiKeyForm(formdata=None)
    response = make_response(
        render_template(
            "tenancy/api_keys.html",
            form=form,
            keys=api_service.list_keys(),
            new_secret=new_secret,
            empty_form=auth_forms.EmptyForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/t/<slug>/settings/api-keys/<int:key_id>/revoke", methods=["POST"])
@roles("owner", "admin")
def revoke_api_key(key_id: int) -> Response:
    key = get_or_404(ApiKey, key_id)
    auth_forms.EmptyForm().validate_on_submit() or abort(400)
    api_service.revoke_key(key, current_user)
    db.session.commit()
    flash(_("Key revoked. Calls with it now fail."), "success")
    return redirect(url_for("tenancy.api_keys"))
