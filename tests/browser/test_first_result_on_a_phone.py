"""A new company, on a phone, from sign-up to its first result: it signs up and confirms its
email, imports its people (a customers file chosen as employees is refused first), launches a
round after a confirmation naming how many people it emails, its people answer (one skipping
questions), it closes the round after a confirmation, and its dashboard shows the index. Every
page is checked by axe and screenshot at 390 px."""

from __future__ import annotations

import re
from datetime import timedelta

from saas.db import utcnow
from tenants.scoring import computation
from tests.browser.conftest import serious_violations, shoot

PHONE = {"width": 390, "height": 844}
PEOPLE = 6


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, f"first-result-{name}")
    assert serious_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def _mail_links(page, base: str, subject: str, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The ``path`` links of every message in the development mailbox whose subject has
    ``subject``."""
    page.goto(base + "/dev/mailbox/")
    hrefs = [
        a.get_attribute("href")
        for a in page.locator("table a").all()
        if subject in (a.inner_text() or "")
    ]
    links = []
    for href in hrefs:
        page.goto(base + href)
        found = re.search(rf"(http://127\.0\.0\.1:\d+{path}\S+)", page.locator("pre").inner_text())
        assert found, page.locator("pre").inner_text()
        links.append(found.group(1))
    return links


def _answer_without_script(browser, link: str) -> None:  # type: ignore[no-untyped-def]
    """A respondent whose browser runs no script: each step's first answer, page by page."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    for _ in range(10):
        for group in page.locator("fieldset.question").all():
            group.locator(".scale label").last.click()
        with page.expect_navigation():
            page.locator(".survey-actions .send").click()
        if page.get_by_role("heading", name="Thank you").count():
            break
    assert page.get_by_role("heading", name="Thank you").is_visible()
    context.close()


def _answer_with_skips(browser, link: str) -> None:  # type: ignore[no-untyped-def]
    """A respondent on a phone, one question a screen, who skips every other question."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    _check(page, "respondent-question-1")
    for _ in range(100):
        if page.get_by_role("heading", name="Thank you").count():
            break
        progress = page.inner_text(".step-progress")
        assert len(progress.split()) > 1, (progress, page.url, page.inner_text("main")[:600])
        number = int(progress.split()[1])
        question = page.locator(".question:visible")
        last_of_step = not page.get_by_role("button", name="Next", exact=True).is_visible()
        if number % 2 == 0:
            button = page.get_by_role("button", name="Skip", exact=True)
        else:
            if question.locator("textarea").count():
                question.locator("textarea").fill("Plan the week with the customer in mind")
            else:
                question.locator(".scale label").nth(1).click()
            button = (
                page.locator(".survey-actions .send")
                if last_of_step
                else page.get_by_role("button", name="Next", exact=True)
            )
        if last_of_step:  # this sends the step (the skip too)
            with page.expect_navigation():
                button.click()
        else:
            button.click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    _check(page, "respondent-thanks")
    context.close()


def test_a_new_company_reaches_its_first_result_on_a_phone(
    browser, live_server, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = live_server

    # Sign up and confirm the email.
    page.goto(base + "/")
    page.get_by_role("link", name="Start your company's trial").click()
    page.get_by_label("Company name").fill("Harbour Lights")
    page.get_by_label("Your name").fill("Hana Harbour")
    page.get_by_label("Work email").fill("hana@harbour.example.com")
    page.get_by_label("Password").fill("harbour-password-1")
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    _check(page, "signup")
    page.get_by_role("button", name="Create company").click()
    page.goto(_mail_links(page, base, "Confirm your email", "/verify/")[0])
    assert "Your email is confirmed" in page.content()
    _check(page, "dashboard-empty")
    for link in page.locator("nav.tenant-nav a").all():  # the navigation is all in view
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # Import: a customers file chosen as employees is refused by name; the employees go in.
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Imports", exact=True).click()
    customers = tmp_path / "customers.csv"
    customers.write_text("Email,Name,Segment,Consent\nc1@client.test,C One,Retail,yes\n")
    page.get_by_label("What the file holds").select_option("employees")
    page.set_input_files("input[type=file]", str(customers))
    page.get_by_role("button", name="Upload and preview").click()
    assert "This looks like a customers file" in page.content()
    _check(page, "import-refused")
    employees = tmp_path / "employees.csv"
    rows = [f"p{i}@harbour.example.com;Person {i};Support;en" for i in range(PEOPLE)]
    employees.write_text("Email;Name;Team;Language\n" + "\n".join(rows) + "\n")
    page.set_input_files("input[type=file]", str(employees))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name=f"Import {PEOPLE} employees").wait_for(timeout=20_000)
    _check(page, "import-preview")
    page.get_by_role("button", name=f"Import {PEOPLE} employees").click()
    page.get_by_text("Import finished.").wait_for(timeout=20_000)
    assert page.get_by_role("button", name="Undo this import").is_visible()
    _check(page, "import-done")

    # Launch a round: a confirmation names how many people it emails.
    page.get_by_role("link", name="Pulses", exact=True).click()
    page.get_by_role("link", name="Launch a round now…").first.click()
    assert f"This emails {PEOPLE} people now." in page.content()
    _check(page, "launch-confirm")
    page.get_by_role("button", name=f"Yes, email {PEOPLE} people now").click()
    round_url = page.url

    # The people answer: one skipping questions on a phone, the others without a script.
    links = _mail_links(page, base, "Harbour Lights:", "/r/")
    assert len(links) == PEOPLE
    _answer_with_skips(browser, links[0])
    for link in links[1:]:
        _answer_without_script(browser, link)

    # Close the round: a confirmation names how many have not answered.
    page.goto(round_url)
    page.get_by_role("link", name="Close this round now…").click()
    assert "0 people have not answered yet" in page.content()
    _check(page, "close-confirm")
    page.get_by_role("button", name=re.compile("^Yes, close it")).click()

    # Until the quarter is over, figures wait (a figure once released never changes).
    page.get_by_role("link", name="Dashboard", exact=True).click()
    assert page.get_by_role("heading", name="No results yet").is_visible()
    # The quarter ends: the scoring's clock moves past it, and the first result is there.
    later = utcnow() + timedelta(days=100)
    monkeypatch.setattr(computation, "utcnow", lambda: later)
    page.reload()
    assert page.get_by_role("heading", name="Outcome Culture Index").is_visible(), page.inner_text(
        "main"
    )[:1500]
    index = page.locator(".dash-big-number").first.inner_text()
    assert index.isdigit() and 0 <= int(index) <= 100, index
    _check(page, "dashboard-first-result")
    context.close()
