"""The respondent's page in a real Chromium (Debian's) on a phone and a desktop, in English and
Spanish: answered with the keyboard only, and checked by axe-core (no serious or critical
violation on any page a respondent can see). Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing, unless CI=true.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from saas import create_app
from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Round
from tests.conftest import make_settings, reset_schema
from tests.factories.live import live_tenant
from tests.factories.rounds import customer_round, employee_round

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _in_chromium(test: Any) -> None:
    """Run ``test(browser)`` in a thread of its own: Playwright's sync API refuses to start in a
    thread where another Playwright (tests/browser's session-wide one) is running."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    failure: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
                )
                try:
                    test(browser)
                finally:
                    browser.close()
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(300)
    if failure:
        raise failure[0]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A served app with an employee round (ES and EN people) and a customer round."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = create_app({"SETTINGS": make_settings(url, tmp_path), "TESTING": False})
    reset_schema(app)
    with app.app_context():
        tenant = live_tenant("Acme Outcomes")
        employees = employee_round(
            tenant,
            [("ana@acme.test", "es"), ("bob@acme.test", "en"), ("cy@acme.test", "en")],
            change_note="We replaced the Friday status report with a ten-minute stand-up.",
        )
        customers = customer_round(tenant, [("carl@client.test", "en", "Retail")])
        with tenant_context(tenant.id):
            assert db.session.get(Round, employees.round_id).include_purpose_map
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "base": f"http://127.0.0.1:{server.server_port}",
            "employees": employees.tokens,
            "customers": customers.tokens,
        }
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


def _axe(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"respond-{name}.png"), full_page=True)
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: {serious}"


def _page(chromium: Any, viewport: dict[str, int]) -> Any:
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    # Status codes show up as console errors too (a 400 for a form with errors, a 404 for the
    # favicon); what must never happen is a blocked style or script, or a script error.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def test_a_spanish_employee_answers_on_a_phone_with_the_keyboard(site):
    _in_chromium(lambda chromium: _spanish_phone(chromium, site))


def test_without_javascript_the_quarterly_round_is_a_few_pages_with_a_skip(site):
    _in_chromium(lambda chromium: _without_javascript(chromium, site))


def test_the_pages_in_english_on_a_desktop_pass_axe(site):
    _in_chromium(lambda chromium: _english_desktop(chromium, site))


def _answer_one_by_one(page: Any, skip_at: int, next_name: str, skip_name: str) -> int:
    """Answer the step shown one question per screen, skipping the ``skip_at``-th question
    (counted across steps from 1, never a step's last) with its "Skip" button; return the
    number of the step's last question, left on screen with the step's send button."""
    while True:
        progress = page.inner_text(".step-progress")
        number = int(progress.split()[1])
        question = page.locator(".question:visible")
        assert question.count() == 1, progress  # one question per screen
        if number == skip_at:
            name = question.locator("input[type=radio]").first.get_attribute("name")
            page.get_by_role("button", name=skip_name, exact=True).click()
            assert page.locator(f"input[name={name}][value=skip]").is_checked()  # prefer not to say
            continue
        if question.locator("textarea").count():
            question.locator("textarea").fill("Revisar los informes del mes")
        else:
            # The whole row is the target: a tap on the middle answer's label.
            labels = question.locator(".scale label")
            labels.nth(labels.count() // 2).click()
        nxt = page.get_by_role("button", name=next_name, exact=True)
        if not nxt.is_visible():
            return number
        nxt.click()


def _spanish_phone(chromium: Any, site: dict[str, Any]) -> None:
    page = _page(chromium, PHONE)
    page.goto(f"{site['base']}/r/{site['employees']['ana@acme.test']}")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "al menos 5 personas" in page.inner_text(".promise")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    total = int(page.get_attribute("form.survey", "data-total") or 0)
    assert page.inner_text(".step-progress") == f"Pregunta 1 de {total}"
    _axe(page, "form-es-phone")

    # Back and forward; a half-answered survey survives a reload, kept in this tab only.
    page.locator(".question:visible .scale label").first.click()
    page.get_by_role("button", name="Siguiente", exact=True).click()
    assert page.inner_text(".step-progress") == f"Pregunta 2 de {total}"
    page.get_by_role("button", name="Atrás", exact=True).click()
    assert page.inner_text(".step-progress") == f"Pregunta 1 de {total}"
    page.reload()
    assert page.locator(".question:visible input[type=radio]:checked").count() == 1
    kept = page.evaluate("JSON.stringify(sessionStorage)")
    assert "outcome-pulse:" in kept

    # Through every step, skipping the third question; the last step records once.
    while True:
        last = _answer_one_by_one(page, 3, "Siguiente", "Omitir")
        _axe(page, f"question-{last}-es-phone")
        with page.expect_navigation():
            page.locator(".survey-actions .send").click()
        if page.get_by_role("heading", name="Gracias").count():
            break
    assert last == total
    assert page.get_by_role("heading", name="Gracias").is_visible(), page.inner_text("main")
    assert "ten-minute stand-up" in page.inner_text(".change-note")
    assert page.evaluate("JSON.stringify(sessionStorage)") == "{}"  # forgotten once sent
    _axe(page, "thanks-es-phone")
    assert not page.errors, page.errors  # no CSP or script error


def _without_javascript(chromium: Any, site: dict[str, Any]) -> None:
    """No script: the quarterly round is a few short pages with a named Skip on each."""
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site['base']}/r/{site['employees']['cy@acme.test']}")
    pages = 0
    while True:
        pages += 1
        assert page.locator(".question:visible").count() >= 1
        assert page.inner_text(".step-count").startswith(f"Page {pages} of ")
        page.screenshot(path=str(ARTIFACTS / f"respond-nojs-page{pages}-phone.png"), full_page=True)
        skip = page.get_by_role("button", name=re.compile("^Skip the questions left blank"))
        with page.expect_navigation():
            if pages == 1:
                for group in page.locator("fieldset.question").all():
                    group.locator(".scale label").first.click()
                page.get_by_role("button", name="Next page").click()
            else:
                skip.click()
        if page.get_by_role("heading", name="Thank you").count():
            break
    assert pages >= 2


def _english_desktop(chromium: Any, site: dict[str, Any]) -> None:
    page = _page(chromium, DESKTOP)
    token = site["employees"]["bob@acme.test"]
    page.goto(f"{site['base']}/r/{token}")
    assert page.locator("html").get_attribute("lang") == "en"
    _axe(page, "form-en-desktop")
    page.get_by_role("link", name="Español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    page.goto(f"{site['base']}/r/{site['customers']['carl@client.test']}")
    assert "not anonymous" in page.inner_text(".promise")
    _axe(page, "form-customer-desktop")
    page.goto(f"{site['base']}/u/{site['customers']['carl@client.test']}")
    _axe(page, "unsubscribe-desktop")
    page.goto(f"{site['base']}/r/no-such-token")
    _axe(page, "not-found-desktop")
    phone = _page(chromium, PHONE)
    phone.goto(f"{site['base']}/r/{site['customers']['carl@client.test']}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _axe(phone, "form-customer-phone")
    assert not page.errors and not phone.errors
