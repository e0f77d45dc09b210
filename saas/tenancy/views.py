"""Tenant settings, branding, members and the audit log (the API-key pages are the api area's)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from saas import audit, hooks
from saas.auth import forms as auth_forms
from saas.auth import service as auth_service
from saas.auth.models import MemberInvite, Membership
from saas.extensions import db
from saas.tenancy import forms, service
from saas.tenancy.models import Tenant
from saas.tenancy.resolve import current_membership, current_tenant, get_or_404, roles

bp = Blueprint("tenancy", __name__)
PAGE_SIZE = 50


def _team_choices() -> list[tuple[int, str]]:
    """A team lead's team: the options come from the area that owns teams (a hook)."""
    return [option for choices in hooks.of("team_choices") for option in choices()]


@bp.route("/t/<slug>/settings", methods=["GET", "POST"])
@roles("owner", "admin")
def settings() -> Response | str:
    tenant = current_tenant()
    form = forms.TenantSettingsForm(obj=tenant)
    logo_form = forms.LogoForm()
    if form.validate_on_submit():
        service.update_settings(tenant, form.data, current_user)
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
            service.replace_logo(tenant, form.logo.data.read(), current_user)
        except service.InvalidLogo as exc:
            form.logo.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Logo updated."), "success")
            return redirect(url_for("tenancy.settings"))
    elif not form.logo.data:
        form.logo.errors = [_("Choose a PNG or JPEG file.")]
    return render_template(
        "tenancy/settings.html", form=forms.TenantSettingsForm(obj=tenant), logo_form=form
    ), 400


@bp.route("/t/<slug>/settings/logo/remove", methods=["POST"])
@roles("owner", "admin")
def remove_logo() -> Response:
    auth_forms.EmptyForm().validate_on_submit() or abort(400)
    tenant = current_tenant()
    if tenant.logo:
        service.remove_logo(tenant, current_user)
        db.session.commit()
        flash(_("Logo removed: your company's name shows in its place."), "success")
    return redirect(url_for("tenancy.settings"))


def _public_tenant(slug: str) -> Tenant:
    tenant = service.tenant_by_slug(slug)
    if tenant is None:
        abort(404)
    return tenant


@bp.route("/brand/<slug>/<int:version>/brand.css")
def brand_css(slug: str, version: int) -> Response:
    """The per-tenant stylesheet: the accent colour without any inline style (strict CSP)."""
    tenant = _public_tenant(slug)
    color = tenant.accent_color if len(tenant.accent_color) == 7 else "#1f5fa8"
    css = render_template(
        "tenancy/brand.css", accent=color, on_accent=service.contrast_text_color(color)
    )
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
        if form.role.data == "owner" and current_membership().role != "owner":
            form.role.errors.append(_("Only an owner can invite another owner."))
        elif form.role.data == "team_lead" and not form.team_id.data:
            form.team_id.errors.append(_("Choose the team this team lead may see."))
        else:
            try:
                invite, token, replaced = auth_service.invite_member(
                    tenant, form.email.data, form.role.data, current_user, form.team_id.data or None
                )
            except auth_service.AccountError as exc:
                form.email.errors.append(str(exc))
            else:
                db.session.commit()
                auth_service.send_member_invite(
                    tenant, current_user, invite.email, form.role.data, token
                )
                sent = _("Invitation sent to %(email)s.", email=invite.email)
                if replaced:
                    sent += " " + _("It replaces the earlier invitation: only the new link works.")
                flash(sent, "success")
                return redirect(url_for("tenancy.members"))
    role_form = auth_forms.ChangeRoleForm()
    role_form.team_id.choices = _team_choices()
    return render_template(
        "tenancy/members.html",
        form=form,
        memberships=auth_service.members(),
        invites=auth_service.open_invites(),
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
        if form.csrf_token.errors:
            abort(400)
        flash(_("Choose one of the company's teams and one of the roles."), "error")
        return redirect(url_for("tenancy.members"))
    if "owner" in (form.role.data, membership.role) and current_membership().role != "owner":
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
    if membership.role == "owner" and current_membership().role != "owner":
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
    auth_service.revoke_invite(invite)
    db.session.commit()
    flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("tenancy.members"))


@bp.route("/t/<slug>/audit")
@roles("owner", "admin")
def audit_log() -> str:
    found = audit.page_of_events(request.args.get("page", 1, type=int) or 1, PAGE_SIZE)
    return render_template(
        "tenancy/audit.html",
        events=found.events,
        page=found.page,
        pages=found.pages,
        total=found.total,
    )
