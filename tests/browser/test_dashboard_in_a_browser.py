"""The dashboard in a real browser, at desktop and phone widths, checked with axe-core: the demo's
six quarters of history, and a new company's empty dashboard with its checklist."""

from __future__ import annotations

from tenants.demo.members import DEMO_PASSWORD, DEMO_USERS, LEAD_EMAIL
from tenants.demo.org import SMALL_TEAM_PARENT
from tenants.demo.seed import seed_demo
from tests.browser.conftest import serious_violations, shoot
from tests.factories import PASSWORD, make_tenant, make_user

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _sign_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


# The smallest chart text as drawn, in CSS pixels (font-size × the SVG's scale), and the body
# text's size; the participation gauge's label is written out in its card instead.
SMALLEST_CHART_TEXT = """() => {
  let smallest = Infinity;
  for (const svg of document.querySelectorAll('.dash-chart:not(.dash-chart--participation) svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      if (getComputedStyle(t).display === 'none') continue;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
  }
  return [smallest, parseFloat(getComputedStyle(document.body).fontSize)];
}"""


def _check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot at both widths, axe at both, nothing wider than the phone's screen, chart
    labels at least the body text's size, and every navigation link in view."""
    page.set_viewport_size(DESKTOP)
    shoot(page, name)
    assert serious_violations(page) == [], name
    smallest, body = page.evaluate(SMALLEST_CHART_TEXT)
    assert smallest >= body - 0.01, (name, smallest, body)
    page.set_viewport_size(PHONE)
    shoot(page, f"{name}-phone")
    assert serious_violations(page) == [], f"{name}-phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    smallest, body = page.evaluate(SMALLEST_CHART_TEXT)
    assert smallest >= body - 0.01, (f"{name}-phone", smallest, body)
    for link in page.locator("nav.tenant-nav a").all():  # none cut off out of sight
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    trend = page.locator(".dash-chart--trend .dash-chart-scroll")
    if trend.count():  # the trend opens at its start, its axis in view
        assert trend.evaluate("e => e.scrollLeft") == 0
    page.set_viewport_size(DESKTOP)


def test_the_demo_dashboard_tells_its_story(page, live_app, live_server):
    with live_app.app_context():
        seed_demo()
    _sign_in(page, live_server, DEMO_USERS[0][0], DEMO_PASSWORD)
    assert page.url.endswith("/t/demo/")
    assert page.get_by_role("heading", name="Outcome Culture Index").is_visible()
    assert page.get_by_text("of 5", exact=False).first.is_visible()
    assert page.locator("svg.op-chart--trend").is_visible()
    assert page.get_by_role("heading", name="Hidden teams").is_visible()
    _check(page, "dashboard-demo")

    # Filter by team and quarter with the plain GET form.
    team = page.get_by_label("Team", exact=True)
    support = team.locator("option", has_text="Support").get_attribute("value")
    team.select_option(support)
    page.get_by_role("button", name="Show").click()
    assert "team=" in page.url
    assert "Support" in page.locator(".dash-sub").inner_text()
    _check(page, "dashboard-demo-team")

    # The export downloads a CSV of figures.
    page.goto(live_server + "/t/demo/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these results (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_a_team_lead_sees_their_part_of_the_demo(page, live_app, live_server):
    with live_app.app_context():
        seed_demo()
    _sign_in(page, live_server, LEAD_EMAIL, DEMO_PASSWORD)
    assert SMALL_TEAM_PARENT in page.locator(".dash-sub").inner_text()
    assert page.get_by_label("Team", exact=True).locator("option").count() >= 3
    _check(page, "dashboard-team-lead")


def test_a_new_company_is_led_from_an_empty_dashboard(page, live_app, live_server):
    with live_app.app_context():
        tenant = make_tenant("Northwind Care")
        make_user(tenant, "owner", email="nora@northwind.example.com")
        slug = tenant.slug
    _sign_in(page, live_server, "nora@northwind.example.com", PASSWORD)
    assert page.url.endswith(f"/t/{slug}/")
    assert page.get_by_role("heading", name="Get to your first results").is_visible()
    assert page.get_by_text("4 steps left.").is_visible()
    assert page.get_by_role("heading", name="No results yet").is_visible()
    assert page.locator("svg.op-chart").count() == 0
    _check(page, "dashboard-new-company")
    # Each step leads somewhere that exists.
    page.get_by_role("link", name="Go to Members").click()
    assert page.url.endswith(f"/t/{slug}/members")
