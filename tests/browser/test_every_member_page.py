"""Every page a member reaches from the demo's navigation, in a real browser: no serious or
critical accessibility violation (axe-core), no error page, and nothing wider than a phone."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from tenants.demo.members import DEMO_PASSWORD, DEMO_USERS
from tenants.demo.seed import seed_demo
from tests.browser.conftest import serious_violations, shoot

PHONE = {"width": 390, "height": 844}
MAX_PAGES = 45


def _links(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        path = urlsplit(url).path
        if url.startswith(base) and path.startswith("/t/demo/") and not path.endswith(".csv"):
            found.append(url)
    return found


def test_every_member_page_passes_axe_on_desktop_and_phone(page, live_app, live_server):
    with live_app.app_context():
        seed_demo()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(DEMO_USERS[0][0])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    queue, seen, shapes, problems = [live_server + "/t/demo/"], set(), set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        key = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
        # One page of each kind is enough: one employee, one round, no further list pages.
        shape = re.sub(r"/\d+", "/<id>", urlsplit(url).path)
        if key in seen or shape in shapes or "page=" in key:
            continue
        shapes.add(shape)
        seen.add(key)
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(url)
        if response is None or response.status >= 400:
            problems.append(f"{key}: HTTP {response.status if response else '?'}")
            continue
        problems += [f"{key} (desktop): {v}" for v in serious_violations(page)]
        name = "page" + re.sub(r"[^a-z0-9]+", "-", shape.removeprefix("/t/demo").lower()).rstrip(
            "-"
        )
        shoot(page, name)  # test-artifacts/page-*.png, to look at
        queue += [link for link in _links(page, live_server) if link not in queue]
        page.set_viewport_size(PHONE)
        problems += [f"{key} (phone): {v}" for v in serious_violations(page)]
        shoot(page, f"{name}-phone")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            problems.append(f"{key}: wider than a phone")
    assert len(seen) >= 20, sorted(seen)
    assert problems == [], problems
