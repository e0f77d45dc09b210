"""Holes found by probing the member pages from outside (issue 17), each shut for good."""

from __future__ import annotations

from sqlalchemy import select

from saas.auth.models import Membership
from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Team
from tests.factories import PASSWORD, link_in, login, make_tenant, make_user


def _team(tenant, name: str) -> int:
    with tenant_context(tenant.id):
        team = Team(name=name)
        db.session.add(team)
        db.session.commit()
        return team.id


def _membership(tenant, user) -> Membership:
    db.session.expire_all()
    with tenant_context(tenant.id):
        return db.session.scalar(select(Membership).where(Membership.user_id == user.id))


def test_a_team_lead_cannot_be_given_another_companys_team_or_one_that_does_not_exist(client, ctx):
    ours, theirs = make_tenant("Ours Co"), make_tenant("Theirs Co")
    our_team, their_team = _team(ours, "Operations"), _team(theirs, "Secret team")
    owner = make_user(ours, "owner")
    lead = make_user(ours, "team_lead", team_id=our_team)
    login(client, owner)
    membership_id = _membership(ours, lead).id
    for bad in (their_team, 987654, "abc"):
        page = client.post(
            f"/t/{ours.slug}/members/{membership_id}/role",
            data={"role": "team_lead", "team_id": bad},
            follow_redirects=True,
        )
        assert page.status_code == 200
        assert "Choose one of the company" in page.get_data(as_text=True)
        assert _membership(ours, lead).team_id == our_team
    # The lead still reads their own team's dashboard and CSV.
    lead_client = client.application.test_client()
    login(lead_client, lead)
    assert lead_client.get(f"/t/{ours.slug}/").status_code == 200
    # Our own team is still accepted.
    other_team = _team(ours, "Sales")
    client.post(
        f"/t/{ours.slug}/members/{membership_id}/role",
        data={"role": "team_lead", "team_id": other_team},
    )
    assert _membership(ours, lead).team_id == other_team


def test_an_invited_team_lead_keeps_the_team_chosen_on_the_invitation(client, app, ctx, outbox):
    tenant = make_tenant("Lead Invite Co")
    team = _team(tenant, "Support")
    login(client, make_user(tenant, "owner"))
    client.post(
        f"/t/{tenant.slug}/members",
        data={"email": "lead@invite.test", "role": "team_lead", "team_id": team},
    )
    newcomer = app.test_client()
    link = link_in(outbox.last_to("lead@invite.test"), "/invites/")
    assert (
        newcomer.post(link, data={"name": "Lee", "password": "lee-strong-password"}).status_code
        == 302
    )
    with tenant_context(tenant.id):
        joined = db.session.scalar(select(Membership).where(Membership.role == "team_lead"))
    assert joined is not None and joined.team_id == team
    assert newcomer.get(f"/t/{tenant.slug}/").status_code == 200


def test_inviting_a_team_lead_needs_one_of_the_companys_teams(client, ctx, outbox):
    ours, theirs = make_tenant("Invite Ours"), make_tenant("Invite Theirs")
    their_team = _team(theirs, "Elsewhere")
    login(client, make_user(ours, "owner"))
    for team_id in (0, their_team):
        page = client.post(
            f"/t/{ours.slug}/members",
            data={"email": "x@invite.test", "role": "team_lead", "team_id": team_id},
        )
        assert page.status_code == 200  # the form re-renders with its message
    assert len(outbox) == 0


def _sign_in(client, email: str, remember: bool = False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def test_signing_out_ends_the_session_and_the_remember_me_cookie_on_the_server(app, ctx):
    tenant = make_tenant("Cookie Co")
    make_user(tenant, email="copy@example.test")
    browser = app.test_client()
    _sign_in(browser, "copy@example.test", remember=True)
    assert browser.get(f"/t/{tenant.slug}/").status_code == 200
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie("remember_token").value
    browser.post("/logout")
    # An attacker replays the session cookie copied before sign-out...
    thief = app.test_client()
    thief.set_cookie("session", session_cookie)
    assert thief.get(f"/t/{tenant.slug}/").status_code == 302
    # ...or the remember-me cookie alone.
    thief = app.test_client()
    thief.set_cookie("remember_token", remember_cookie)
    assert thief.get(f"/t/{tenant.slug}/").status_code == 302


def test_a_member_sees_their_sessions_and_signs_out_everywhere(app, ctx):
    tenant = make_tenant("Everywhere Co")
    make_user(tenant, email="many@example.test")
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, "many@example.test")
    _sign_in(phone, "many@example.test", remember=True)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count('class="secondary">Sign out</button>') == 2 and "this browser" in page
    laptop.post("/account/sessions/end-all")
    assert laptop.get(f"/t/{tenant.slug}/").status_code == 302
    assert phone.get(f"/t/{tenant.slug}/").status_code == 302


def test_a_member_signs_one_other_session_out(app, ctx):
    tenant = make_tenant("One Out Co")
    user = make_user(tenant, email="one@example.test")
    stranger = make_user(make_tenant("Stranger Co"), email="str@example.test")
    laptop, phone, other = app.test_client(), app.test_client(), app.test_client()
    _sign_in(laptop, "one@example.test")
    _sign_in(phone, "one@example.test")
    _sign_in(other, "str@example.test")
    from saas.auth import sessions

    db.session.expire_all()
    phone_session, _laptop_session = sessions.active(user)
    stranger_session = sessions.active(stranger)[0]
    # Nobody ends someone else's session.
    assert laptop.post(f"/account/sessions/{stranger_session.id}/end").status_code == 404
    assert other.get("/account/sessions").status_code == 200
    laptop.post(f"/account/sessions/{phone_session.id}/end")
    assert phone.get(f"/t/{tenant.slug}/").status_code == 302
    assert laptop.get(f"/t/{tenant.slug}/").status_code == 200


def test_a_signed_in_stranger_gets_the_same_404_as_an_unknown_company(client, ctx):
    secret = make_tenant("Hidden Acme Corp")
    secret.accent_color = "#ab12cd"
    db.session.commit()
    login(client, make_user(make_tenant("Visitor Co"), "owner"))
    for path in ("/", "/members", "/people/"):
        known = client.get(f"/t/{secret.slug}{path}")
        unknown = client.get(f"/t/no-such-company-xyz{path}")
        assert known.status_code == unknown.status_code == 404
        body = known.get_data(as_text=True)
        assert "Hidden Acme Corp" not in body and "ab12cd" not in body
        # Byte for byte the unknown slug's page (the language switch echoes the path asked).
        assert body == unknown.get_data(as_text=True).replace("no-such-company-xyz", secret.slug)


def test_a_signed_out_visitor_cannot_tell_a_company_that_exists_from_one_that_does_not(client, ctx):
    secret = make_tenant("Hidden Acme Corp")
    for path in ("/", "/members", "/people/"):
        known = client.get(f"/t/{secret.slug}{path}")
        unknown = client.get(f"/t/no-such-company-xyz{path}")
        assert known.status_code == unknown.status_code == 302
        assert "/login" in known.headers["Location"] and "/login" in unknown.headers["Location"]
        assert "Hidden Acme Corp" not in known.get_data(as_text=True)
