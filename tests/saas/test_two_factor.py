"""Two-factor sign-in (TOTP and recovery codes), as a member uses it with an authenticator app."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from saas.audit import AuditEvent
from saas.db import tenant_context
from saas.extensions import db
from tests.factories import PASSWORD, login, make_tenant, make_user


def _enrol(client) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on as the member would: read the key, type a code."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "style=" not in page.split("<main")[-1]
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    done = client.post(
        "/account/two-factor", data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _password_step(client, email: str):
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_a_member_turns_it_on_and_then_signs_in_with_a_code_once(app, ctx):
    tenant = make_tenant("Totp Co")
    user = make_user(tenant, email="totp@example.test")
    first = app.test_client()
    login(first, user)
    # The wrong password or code turns nothing on.
    page = first.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    wrong = first.post(
        "/account/two-factor", data={"password": "nope-nope-nope", "code": pyotp.TOTP(secret).now()}
    )
    assert "password is not right" in wrong.get_data(as_text=True)
    secret, _codes = _enrol(first)

    browser = app.test_client()
    assert (
        _password_step(browser, "totp@example.test")
        .headers["Location"]
        .endswith("/login/two-factor")
    )
    # The password alone opens nothing.
    assert browser.get(f"/t/{tenant.slug}/").status_code == 302
    assert "not right" in browser.post("/login/two-factor", data={"code": "000000"}).get_data(
        as_text=True
    )
    code = pyotp.TOTP(secret).now()
    assert browser.post("/login/two-factor", data={"code": code}).status_code == 302
    assert browser.get(f"/t/{tenant.slug}/").status_code == 200
    # The same code does not sign in a second time (a shoulder-surfed code is spent).
    thief = app.test_client()
    _password_step(thief, "totp@example.test")
    assert thief.post("/login/two-factor", data={"code": code}).status_code == 200
    assert thief.get(f"/t/{tenant.slug}/").status_code == 302
    with tenant_context(tenant.id):
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "two_factor_enabled" in actions and "two_factor_failed" in actions


def test_a_recovery_code_signs_in_once(app, ctx):
    tenant = make_tenant("Recovery Co")
    user = make_user(tenant, email="lost@example.test")
    first = app.test_client()
    login(first, user)
    _secret, codes = _enrol(first)
    browser = app.test_client()
    _password_step(browser, "lost@example.test")
    assert browser.post("/login/two-factor", data={"code": codes[0].upper()}).status_code == 302
    assert browser.get(f"/t/{tenant.slug}/").status_code == 200
    again = app.test_client()
    _password_step(again, "lost@example.test")
    assert again.post("/login/two-factor", data={"code": codes[0]}).status_code == 200
    assert again.get(f"/t/{tenant.slug}/").status_code == 302


def test_the_second_step_is_rate_limited(app, ctx):
    tenant = make_tenant("Slow Co")
    user = make_user(tenant, email="slow@example.test")
    first = app.test_client()
    login(first, user)
    _enrol(first)
    browser = app.test_client()
    _password_step(browser, "slow@example.test")
    codes = [
        browser.post("/login/two-factor", data={"code": "123456"}).status_code for _ in range(7)
    ]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_turning_it_off_needs_the_password(app, ctx):
    tenant = make_tenant("Off Co")
    user = make_user(tenant, email="off@example.test")
    client = app.test_client()
    login(client, user)
    _enrol(client)
    assert (
        client.post("/account/two-factor/disable", data={"password": "wrong-password"}).status_code
        == 400
    )
    client.post("/account/two-factor/disable", data={"password": PASSWORD})
    browser = app.test_client()
    assert _password_step(browser, "off@example.test").headers["Location"].endswith("/t/off-co/")


def test_a_company_requires_it_of_owners_and_admins_only(app, ctx):
    tenant = make_tenant("Strict Co")
    owner = make_user(tenant, "owner")
    executive = make_user(tenant, "executive")
    client = app.test_client()
    login(client, owner)
    settings = {
        "name": "Strict Co",
        "country": "US",
        "timezone": "UTC",
        "locale": "en",
        "anonymity_threshold": 5,
        "comment_threshold": 10,
        "accent_color": "#1f5fa8",
        "require_two_factor": "y",
    }
    assert client.post(f"/t/{tenant.slug}/settings", data=settings).status_code == 302
    # The owner is sent to set it up before anything else...
    blocked = client.get(f"/t/{tenant.slug}/people/")
    assert blocked.status_code == 302 and "/account/two-factor" in blocked.headers["Location"]
    _enrol(client)
    assert client.get(f"/t/{tenant.slug}/people/").status_code == 200
    # ...while an executive reads results as before.
    reader = app.test_client()
    login(reader, executive)
    assert reader.get(f"/t/{tenant.slug}/").status_code == 200


def test_codes_from_a_neighbouring_time_step_are_accepted_for_clock_drift():
    from saas.auth import two_factor

    secret = pyotp.random_base32()
    now = time.time()
    totp = pyotp.TOTP(secret)
    assert two_factor.code_is_valid(secret, totp.at(now - 30), now)
    assert two_factor.code_is_valid(secret, totp.at(now + 30), now)
    assert not two_factor.code_is_valid(secret, totp.at(now - 120), now)
