"""A member turns on two-factor sign-in with a phone app, signs in with it, and reviews their
sessions: in a real browser, at desktop and phone widths, with axe-core."""

from __future__ import annotations

import re
import time

import pyotp

from tests.browser.conftest import serious_violations, shoot
from tests.factories import PASSWORD, make_tenant, make_user

PHONE = {"width": 390, "height": 844}


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, name)
    assert serious_violations(page) == [], name
    page.set_viewport_size(PHONE)
    shoot(page, name + "-phone")
    assert serious_violations(page) == [], name + " (phone)"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.get_by_label("Email").fill("mia@twofactor.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_two_factor_sign_in_and_sessions_in_a_browser(page, live_app, live_server):
    with live_app.app_context():
        tenant = make_tenant("Two Factor Co")
        make_user(tenant, "owner", email="mia@twofactor.test")
        slug = tenant.slug
    _sign_in(page, live_server)
    page.goto(live_server + "/account/two-factor")
    qr = page.get_by_role("img", name="QR code to add Outcome Pulse to your authenticator app")
    assert qr.bounding_box()["width"] > 100  # drawn, and large enough to scan
    _check(page, "two-factor-setup")
    secret = re.search(r"[A-Z2-7]{32}", page.locator("code").inner_text()).group(0)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("The 6-digit code the app shows").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator(".recovery-codes li").count() == 10
    _check(page, "two-factor-recovery-codes")

    page.context.clear_cookies()
    _sign_in(page, live_server)
    assert "/login/two-factor" in page.url
    _check(page, "two-factor-login")
    # The code of the next 30 seconds (the one of this moment was spent turning it on).
    code = pyotp.TOTP(secret).at(time.time() + 30)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.rstrip("/").endswith(f"/t/{slug}")

    page.goto(live_server + "/account/sessions")
    assert page.get_by_text("this browser").count() == 1
    _check(page, "sessions")
    page.get_by_role("button", name="Sign out everywhere").click()
    assert "/login" in page.url
    page.goto(live_server + f"/t/{slug}/")
    assert "/login" in page.url
