"""The respondent's page in a real Chromium (Debian's) on a phone and a desktop, in English and
Spanish: answered with the keyboard only, and checked by axe-core (no serious or critical
violation on any page a respondent can see). Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing, unless CI=true.
"""

from __future__ import annotations

import os
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


def test_the_pages_in_english_on_a_desktop_pass_axe(site):
    _in_chromium(lambda chromium: _english_desktop(chromium, site))


def _spanish_phone(chromium: Any, site: dict[str, Any]) -> None:
    page = _page(chromium, PHONE)
    page.goto(f"{site['base']}/r/{site['employees']['ana@acme.test']}")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "al menos 5 personas" in page.inner_text(".promise")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _axe(page, "form-es-phone")

    # Submitting nothing: errors tied to their questions, announced, nothing lost.
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert page.locator(".error-summary[role=alert]").is_visible()
    first = page.locator("fieldset.question").first
    described = first.get_attribute("aria-describedby") or ""
    assert page.locator(f"#{described.split()[-1]}").inner_text() == "Elija una respuesta."
    _axe(page, "errors-es-phone")

    # Keyboard only: Tab into each radio group, arrow to an answer; type in the text boxes.
    groups = page.locator("fieldset.question").count()
    page.locator(".error-summary a").first.focus()
    for _ in range(groups):
        while page.evaluate("document.activeElement.type") != "radio":
            page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            page.keyboard.type("Revisar los informes del mes")
    for box in page.locator("textarea").all():
        if not box.input_value():
            box.fill("Algo concreto")
    page.get_by_role("button", name="Enviar mis respuestas").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Gracias").is_visible(), page.inner_text("main")
    assert "ten-minute stand-up" in page.inner_text(".change-note")
    _axe(page, "thanks-es-phone")
    assert not page.errors, page.errors  # no CSP or script error


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
