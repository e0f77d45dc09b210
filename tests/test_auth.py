"""Accounts as a person uses them: sign up, confirm, sign in, reset, invite, roles."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from saas.audit import AuditEvent
from saas.auth.models import MemberInvite, Membership, User
from saas.db import tenant_context, utcnow
from saas.extensions import db
from tests.factories import PASSWORD, link_in, login, make_tenant, make_user

SIGNUP = {
    "company": "Lumen Foods",
    "name": "Lucia Perez",
    "email": "Lucia@Lumen.test",
    "password": "a-long-and-fine-password",
    "country": "MX",
    "timezone": "America/Mexico_City",
    "locale": "es",
}


def test_sign_up_creates_the_company_and_its_owner_who_confirms_by_email(client, ctx, outbox):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302 and response.headers["Location"].endswith("/verify")
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "lucia@lumen.test"))
    assert user is not None and not user.is_verified
    # Unconfirmed: the company's pages send you to confirm first.
    assert client.get("/t/lumen-foods/").headers["Location"].endswith("/verify")
    mail = outbox.last_to("lucia@lumen.test")
    client.get(link_in(mail, "/verify/"))
    page = client.get("/t/lumen-foods/", follow_redirects=True)
    assert page.status_code == 200 and "Lumen Foods" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified


def test_sign_up_form_re_renders_with_messages_and_keeps_what_was_typed(client, ctx):
    page = client.post("/signup", data={**SIGNUP, "password": "short", "email": "not-an-email"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Use at least 10 characters" in html
    assert "Invalid email address" in html
    assert 'value="Lumen Foods"' in html


def test_an_existing_email_cannot_sign_up_twice(client, ctx):
    make_user(make_tenant(), email="taken@example.test")
    page = client.post("/signup", data={**SIGNUP, "email": "taken@example.test"})
    assert "already exists" in page.get_data(as_text=True)


def test_sign_in_sign_out_and_a_wrong_password_is_audited(client, ctx):
    tenant = make_tenant("Audit Co")
    user = make_user(tenant, email="ana@audit.test")
    bad = client.post("/login", data={"email": "ana@audit.test", "password": "wrong"})
    assert "not right" in bad.get_data(as_text=True)
    good = client.post("/login", data={"email": "ana@audit.test", "password": PASSWORD})
    assert good.status_code == 302 and f"/t/{tenant.slug}/" in good.headers["Location"]
    assert client.get(f"/t/{tenant.slug}/").status_code == 200
    client.post("/logout")
    assert client.get(f"/t/{tenant.slug}/").status_code == 302
    with tenant_context(tenant.id):
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "sign_in_failed" in actions and "sign_in" in actions
    assert user.id


def test_sign_in_is_rate_limited(client, ctx):
    make_user(make_tenant(), email="brute@example.test")
    codes = [
        client.post(
            "/login", data={"email": "brute@example.test", "password": f"guess{i}"}
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429


def test_password_reset_link_works_once_and_expires(client, ctx, outbox):
    make_user(make_tenant(), email="reset@example.test")
    client.post("/forgot", data={"email": "reset@example.test"})
    link = link_in(outbox.last_to("reset@example.test"), "/reset/")
    new = {"password": "brand-new-password-1", "confirm": "brand-new-password-1"}
    assert client.post(link, data=new).status_code == 302
    assert (
        client.post(
            "/login", data={"email": "reset@example.test", "password": new["password"]}
        ).status_code
        == 302
    )
    # Used once: the same link no longer works.
    again = client.get(link, follow_redirects=True)
    assert "invalid, used or expired" in again.get_data(as_text=True)
    # A fresh link expires after an hour.
    client.post("/forgot", data={"email": "reset@example.test"})
    late = link_in(outbox.last_to("reset@example.test"), "/reset/")
    with time_machine.travel(utcnow() + timedelta(hours=2)):
        assert "invalid, used or expired" in client.get(late, follow_redirects=True).get_data(
            as_text=True
        )


def test_forgot_password_does_not_reveal_who_has_an_account(client, ctx, outbox):
    page = client.post("/forgot", data={"email": "nobody@example.test"}, follow_redirects=True)
    assert "If an account uses that address" in page.get_data(as_text=True)
    assert len(outbox) == 0


def test_a_password_change_ends_other_sessions(app, ctx):
    tenant = make_tenant()
    user = make_user(tenant, email="two@example.test")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": "two@example.test", "password": PASSWORD})
        assert device.get(f"/t/{tenant.slug}/").status_code == 200
    laptop.post(
        "/account/password",
        data={"current": PASSWORD, "password": "another-good-pass", "confirm": "another-good-pass"},
    )
    assert laptop.get(f"/t/{tenant.slug}/").status_code == 200
    assert phone.get(f"/t/{tenant.slug}/").status_code == 302
    assert user.id


def test_inviting_a_colleague_who_joins_with_a_role(client, app, ctx, outbox):
    tenant = make_tenant("Invite Co")
    owner = make_user(tenant, "owner")
    login(client, owner)
    client.post(
        "/t/invite-co/members", data={"email": "eve@invite.test", "role": "executive", "team_id": 0}
    )
    first_link = link_in(outbox.last_to("eve@invite.test"), "/invites/")
    # Inviting the same address again merges: one pending invitation, the newest link.
    again = client.post(
        "/t/invite-co/members",
        data={"email": "Eve@Invite.test", "role": "executive", "team_id": 0},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "It replaces the earlier invitation" in again
    assert app.test_client().get(first_link).status_code == 404
    with tenant_context(tenant.id):
        pending = db.session.scalars(
            select(MemberInvite).where(MemberInvite.revoked_at.is_(None))
        ).all()
    assert [i.email for i in pending] == ["eve@invite.test"]
    mail = outbox.last_to("eve@invite.test")
    assert "Invite Co" in mail["Subject"]
    newcomer = app.test_client()
    link = link_in(mail, "/invites/")
    joined = newcomer.post(link, data={"name": "Eve", "password": "eve-strong-password"})
    assert joined.status_code == 302
    # An executive reads results but cannot manage members.
    assert newcomer.get("/t/invite-co/").status_code == 200
    assert newcomer.get("/t/invite-co/members").status_code == 403
    # The link is spent.
    assert app.test_client().get(link).status_code == 404
    with tenant_context(tenant.id):
        roles = sorted(m.role for m in db.session.scalars(select(Membership)))
    assert roles == ["executive", "owner"]


def test_the_last_owner_cannot_be_removed_or_demoted(client, ctx):
    tenant = make_tenant("Owners")
    owner = make_user(tenant, "owner")
    login(client, owner)
    with tenant_context(tenant.id):
        membership_id = db.session.scalar(select(Membership.id))
    page = client.post(
        f"/t/{tenant.slug}/members/{membership_id}/role",
        data={"role": "admin", "team_id": 0},
        follow_redirects=True,
    )
    assert "at least one owner" in page.get_data(as_text=True)
    page = client.post(f"/t/{tenant.slug}/members/{membership_id}/remove", follow_redirects=True)
    assert "last owner" in page.get_data(as_text=True)


def test_an_admin_changes_a_role_and_the_audit_log_shows_it(client, ctx):
    tenant = make_tenant("Roles")
    owner = make_user(tenant, "owner")
    colleague = make_user(tenant, "admin")
    login(client, owner)
    with tenant_context(tenant.id):
        membership_id = db.session.scalar(
            select(Membership.id).where(Membership.user_id == colleague.id)
        )
    client.post(
        f"/t/{tenant.slug}/members/{membership_id}/role", data={"role": "executive", "team_id": 0}
    )
    log = client.get(f"/t/{tenant.slug}/audit").get_data(as_text=True)
    assert "role changed" in log and colleague.email in log


def test_every_form_post_without_a_csrf_token_is_refused(app, client, ctx):
    tenant = make_tenant("Csrf Co")
    login(client, make_user(tenant, "owner"))
    # The API (bearer keys), survey links (their token) and Stripe's webhook (its signature).
    exempt_prefixes = ("/api/", "/r/", "/u/", "/billing/stripe/")
    refused = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith(exempt_prefixes):
            continue
        url = rule.rule.replace("<slug>", tenant.slug)
        url = __import__("re").sub(r"<[^>]+>", "1", url)
        response = client.post(url, data={}, csrf=False)
        if response.status_code == 400:
            refused.append(rule.rule)
        else:
            raise AssertionError(f"{rule.rule} accepted a post without a CSRF token")
    assert "/login" in refused and len(refused) >= 8


def test_a_user_in_two_companies_can_switch(client, ctx):
    first, second = make_tenant("First"), make_tenant("Second")
    user = make_user(first, "owner")
    with tenant_context(second.id):
        db.session.add(Membership(user_id=user.id, role="executive"))
        db.session.commit()
    login(client, user)
    page = client.get("/switch").get_data(as_text=True)
    assert "First" in page and "Second" in page
    assert client.get(f"/t/{second.slug}/").status_code == 200
