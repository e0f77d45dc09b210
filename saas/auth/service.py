"""What accounts do: sign up, verify, sign in, reset, invite, change roles. No request here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from saas import audit, mail
from saas.auth.models import ROLES, MemberInvite, Membership, User
from saas.db import unscoped, utcnow
from saas.extensions import db
from saas.security import (
    fingerprint,
    hash_password,
    hash_secret,
    make_token,
    new_secret,
    read_token,
    verify_password,
)
from saas.tenancy.models import Tenant
from saas.tenancy.service import create_tenant

VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
INVITE_DAYS = 7


class AccountError(ValueError):
    """A user-facing reason an account action cannot be done."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def sign_up(
    *,
    company: str,
    name: str,
    email: str,
    password: str,
    country: str,
    timezone: str,
    locale: str,
) -> tuple[Tenant, User]:
    if find_user(email) is not None:
        raise AccountError("An account with this email already exists. Sign in instead.")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
    )
    db.session.add(user)
    tenant = create_tenant(
        company, country=country, timezone=timezone, locale=locale, contact_email=user.email
    )
    db.session.flush()
    from saas.db import tenant_context

    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=user.id, role="owner", tenant_id=tenant.id))
        db.session.flush()
    return tenant, user


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        hash_password(password)  # same work either way: no timing oracle for who has an account
        return None
    return user if verify_password(user.password_hash, password) else None


def memberships_of(user: User) -> list[tuple[Membership, Tenant]]:
    """All tenants a user belongs to (a platform look-up across tenants, hence unscoped)."""
    with unscoped():
        rows = db.session.execute(
            select(Membership, Tenant)
            .join(Tenant, Tenant.id == Membership.tenant_id)
            .where(Membership.user_id == user.id)
            .order_by(Tenant.name)
        ).all()
    return [(m, t) for m, t in rows]


def record_for_user_tenants(user: User, action: str, **detail: object) -> None:
    from saas.db import tenant_context

    for membership, _tenant in memberships_of(user):
        with tenant_context(membership.tenant_id):
            audit.record(action, actor=user, **detail)
            db.session.flush()


# -- email verification and password reset: signed, expiring, single-use by construction ------


def verification_token(user: User) -> str:
    return make_token("verify", {"uid": user.id, "email": fingerprint(user.email)})


def _token_user(
    purpose: str, token: str, max_age: int, claim: str, secret: Callable[[User], str]
) -> User | None:
    """The user a signed token names, while the fingerprint it carries under ``claim`` still
    matches ``secret(user)`` (so a changed email or password spends the token)."""
    data = read_token(purpose, token, max_age)
    if data is None:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or fingerprint(secret(user)) != data.get(claim):
        return None
    return user


def verify_email(token: str) -> User | None:
    user = _token_user("verify", token, VERIFY_MAX_AGE, "email", lambda user: user.email)
    if user is None:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def reset_token(user: User) -> str:
    # The current password hash is part of the token: once the password changes, it is spent.
    return make_token("reset", {"uid": user.id, "pw": fingerprint(user.password_hash)})


def user_for_reset(token: str) -> User | None:
    return _token_user("reset", token, RESET_MAX_AGE, "pw", lambda user: user.password_hash)


def set_password(user: User, password: str) -> None:
    """Change the password and end every session (the session id embeds the version, and the
    server-side sessions are deleted); the caller starts a new one where it should continue."""
    from saas.auth import sessions

    user.password_hash = hash_password(password)
    user.session_version += 1
    sessions.end_all(user)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # a reset link proves the address too


# -- members ------------------------------------------------------------------------------


def members() -> list[Membership]:
    """The current tenant's memberships, oldest first."""
    return list(db.session.scalars(select(Membership).order_by(Membership.created_at)))


def open_invites() -> list[MemberInvite]:
    """The current tenant's invitations not yet accepted, withdrawn or expired, newest first."""
    return list(
        db.session.scalars(
            select(MemberInvite)
            .where(MemberInvite.accepted_at.is_(None), MemberInvite.revoked_at.is_(None))
            .where(MemberInvite.expires_at > utcnow())
            .order_by(MemberInvite.created_at.desc())
        )
    )


def revoke_invite(invite: MemberInvite) -> None:
    invite.revoked_at = utcnow()


def invite_member(
    tenant: Tenant, email: str, role: str, invited_by: User, team_id: int | None = None
) -> tuple[MemberInvite, str, int]:
    """Invite ``email`` with ``role`` (and a team lead's ``team_id``). Inviting an address that
    already has a pending invitation merges them: the earlier ones are withdrawn, so one link (the
    new one, with this role and a fresh expiry) works. Returns the invite, its token and how many
    earlier ones it replaced."""
    if role not in ROLES:
        raise AccountError("Unknown role.")
    if role == "team_lead" and team_id is None:
        raise AccountError("Choose the team this team lead may see.")
    email = normalise_email(email)
    existing = db.session.scalar(
        select(Membership).join(User, User.id == Membership.user_id).where(User.email == email)
    )
    if existing is not None:
        raise AccountError(f"{email} is already a member of {tenant.name}.")
    earlier = [i for i in open_invites() if normalise_email(i.email) == email]
    for old in earlier:
        revoke_invite(old)
    token = new_secret(24)
    invite = MemberInvite(
        email=email,
        role=role,
        team_id=team_id if role == "team_lead" else None,
        token_hash=hash_secret(token),
        invited_by_id=invited_by.id,
        expires_at=utcnow() + timedelta(days=INVITE_DAYS),
    )
    db.session.add(invite)
    audit.record("member_invited", actor=invited_by, email=email, role=role)
    return invite, token, len(earlier)


def send_member_invite(tenant: Tenant, inviter: User, email: str, role: str, token: str) -> None:
    """Mail the invitation (its link carries the token; replies go to the inviter)."""
    link = mail.absolute_url("auth.accept_invite", token=token)
    text, html = mail.render_bodies(
        "member_invite", tenant=tenant, inviter=inviter, link=link, role=role
    )
    mail.send(
        mail.build_message(
            to=email,
            subject=_(
                "%(name)s invited you to %(company)s on Outcome Pulse",
                name=inviter.name,
                company=tenant.name,
            ),
            text=text,
            html=html,
            reply_to=inviter.email,
        )
    )


@dataclass(frozen=True)
class PendingInvite:
    invite: MemberInvite
    tenant: Tenant


def find_invite(token: str) -> PendingInvite | None:
    """Look an invite up by its token (a token look-up: unscoped, then checked)."""
    with unscoped():
        row = db.session.execute(
            select(MemberInvite, Tenant)
            .join(Tenant, Tenant.id == MemberInvite.tenant_id)
            .where(MemberInvite.token_hash == hash_secret(token))
        ).first()
    if row is None:
        return None
    invite, tenant = row
    if invite.accepted_at or invite.revoked_at or invite.expires_at < utcnow():
        return None
    return PendingInvite(invite, tenant)


def accept_invite(pending: PendingInvite, user: User) -> Membership:
    """Called with the invite's tenant as the current tenant."""
    if normalise_email(user.email) != pending.invite.email:
        raise AccountError("This invitation was sent to another email address.")
    invite = pending.invite
    invite.accepted_at = utcnow()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    membership = Membership(user_id=user.id, role=invite.role, team_id=invite.team_id)
    db.session.add(membership)
    db.session.add(invite)
    audit.record("member_joined", actor=user, role=invite.role)
    return membership


def owner_count() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Membership).where(Membership.role == "owner")
        )
        or 0
    )


def change_role(membership: Membership, role: str, actor: User, team_id: int | None = None) -> None:
    if role not in ROLES:
        raise AccountError("Unknown role.")
    if membership.role == "owner" and role != "owner" and owner_count() <= 1:
        raise AccountError("A company needs at least one owner. Make someone else owner first.")
    if role == "team_lead" and team_id is None:
        raise AccountError("Choose the team this team lead may see.")
    old = membership.role
    membership.role = role
    membership.team_id = team_id if role == "team_lead" else None
    audit.record("role_changed", actor=actor, member=membership.user.email, old=old, new=role)


def remove_member(membership: Membership, actor: User) -> None:
    if membership.role == "owner" and owner_count() <= 1:
        raise AccountError("You cannot remove the last owner.")
    audit.record("member_removed", actor=actor, member=membership.user.email)
    db.session.delete(membership)
