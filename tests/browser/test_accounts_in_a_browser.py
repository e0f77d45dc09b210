"""Sign up, confirm through the mailbox, sign in, invite a colleague: in a real browser."""

from __future__ import annotations

import re

from tests.browser.conftest import serious_violations, shoot


def _check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, name)
    assert serious_violations(page) == [], name


def test_a_new_company_signs_up_confirms_signs_in_and_invites_a_colleague(page, live_server):
    page.goto(live_server + "/")
    _check_page(page, "landing")
    page.get_by_role("link", name="Start your company's trial").click()
    page.get_by_label("Company name").fill("Northwind Care")
    page.get_by_label("Your name").fill("Nora North")
    page.get_by_label("Work email").fill("nora@northwind.example.com")
    page.get_by_label("Password").fill("northwind-password-1")
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    _check_page(page, "signup")
    page.get_by_role("button", name="Create company").click()
    assert "Confirm your email" in page.content()

    # The confirmation arrives in the development mailbox.
    page.goto(live_server + "/dev/mailbox/")
    _check_page(page, "mailbox")
    page.get_by_role("link", name="Confirm your email for Outcome Pulse").click()
    link = re.search(
        r"(http://127\.0\.0\.1:\d+/verify/\S+)", page.locator("pre").inner_text()
    ).group(1)
    page.goto(link)
    assert "Your email is confirmed" in page.content()
    assert "Northwind Care" in page.content()
    _check_page(page, "dashboard-new")

    # Sign out and back in.
    page.get_by_text("Nora North").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("nora@northwind.example.com")
    page.get_by_label("Password").fill("northwind-password-1")
    _check_page(page, "login")
    page.get_by_role("button", name="Sign in").click()
    assert "/t/northwind-care/" in page.url

    # Invite a colleague as an executive.
    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_label("Email").fill("eli@northwind.example.com")
    page.get_by_label("Role", exact=True).select_option("executive")
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to eli@northwind.example.com" in page.content()
    assert "Pending invitations" in page.content()
    _check_page(page, "members")
    page.set_viewport_size({"width": 390, "height": 844})
    _check_page(page, "members-phone")
