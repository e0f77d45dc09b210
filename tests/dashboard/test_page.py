"""What a member sees on the dashboard, from hand-built figures (the ``Dashboard`` contract).

These tests pin the page and the export to the contract, whatever the scoring service computes;
``tests/demo/test_demo.py`` runs the real service over the demo's history.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from saas.db import tenant_context
from saas.extensions import db
from tenants.dashboard import service
from tenants.people.models import Team
from tests.factories import login, make_tenant, make_user
from tests.factories.dashboard import hidden, sample


@pytest.fixture
def figures(monkeypatch):
    """Serve ``sample()`` (or ``figures.dashboard``) instead of the scoring service."""

    class Fake:
        calls: list[tuple[int, str | None, int | None]] = []
        dashboard = sample()

        def __call__(self, tenant_id, period=None, team_id=None):
            self.calls.append((tenant_id, period, team_id))
            return self.dashboard

    fake = Fake()
    monkeypatch.setattr(service.scoring_service, "dashboard", fake)
    return fake


def _text(html: str) -> str:
    """The page's visible words, tags stripped, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _owner(client, name="Acme"):
    tenant = make_tenant(name)
    user = make_user(tenant, "owner")
    login(client, user)
    return tenant


def test_the_index_level_description_and_trend_are_shown(client, ctx, figures):
    tenant = _owner(client)
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    words = _text(html)
    assert "Outcome Culture Index 62 / 100" in words
    assert "Level 3 of 5 Developing" in words
    assert "Some teams set outcomes and look at results" in words
    # The trend: an SVG with its text alternative, one row per quarter.
    assert 'class="op-chart op-chart--trend"' in html
    assert '<th scope="row">2025-Q2</th><td>54 (95% CI 51–57)</td>' in html
    assert "2026-Q3" in words
    # The six dimensions with their change, and what changed.
    assert "Purpose clarity" in words and "Felt value" in words
    assert "Purpose clarity went up" in words
    assert "Operations: Purpose clarity went down" in words
    assert "Lowest dimension: Adaptability (47)" in words


def test_the_level_and_description_follow_the_viewers_language(client, ctx, figures):
    tenant = _owner(client)
    client.post("/lang/es", data={"next": f"/t/{tenant.slug}/"})
    words = _text(client.get(f"/t/{tenant.slug}/").get_data(as_text=True))
    assert "En desarrollo" in words
    assert "Algunos equipos fijan resultados" in words
    assert "Claridad de propósito" in words


def test_a_hidden_team_says_how_many_more_answers_it_needs_and_shows_no_number(
    client, ctx, figures
):
    tenant = _owner(client)
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    words = _text(html)
    assert "Legal : needs 3 more answers" in words
    heat_rows = re.findall(r'<th scope="row">Legal</th>(.*?)</tr>', html)
    assert heat_rows and all(
        cell == "hidden" for cell in re.findall(r"<td>(.*?)</td>", heat_rows[0])
    )


def test_a_hidden_company_shows_what_it_needs_not_a_number(client, ctx, figures):
    base = sample()
    figures.dashboard = type(base)(
        **{**base.__dict__, "overall": hidden("all", "Acme", 2, n=3), "teams": ()}
    )
    tenant = _owner(client)
    words = _text(client.get(f"/t/{tenant.slug}/").get_data(as_text=True))
    assert "Outcome Culture Index needs 2 more answers" in words
    assert "/ 100 95%" not in words
    assert "Level 3 of 5" not in words


def test_filters_reach_the_service_and_the_page(client, ctx, figures):
    tenant = _owner(client)
    with tenant_context(tenant.id):
        team = Team(name="Support")
        db.session.add(team)
        db.session.commit()
        team_id = team.id
    page = client.get(f"/t/{tenant.slug}/?period=2026-Q1&team={team_id}")
    assert page.status_code == 200
    assert figures.calls[-1] == (tenant.id, "2026-Q1", team_id)
    html = page.get_data(as_text=True)
    assert f'<option value="{team_id}" selected>' in html
    # A quarter without results is a 404, a malformed one is ignored; so is an unknown team.
    assert client.get(f"/t/{tenant.slug}/?period=2019-Q1").status_code == 404
    assert client.get(f"/t/{tenant.slug}/export.csv?period=2019-Q1").status_code == 404
    client.get(f"/t/{tenant.slug}/?period=2026-Q9")
    assert figures.calls[-1] == (tenant.id, None, None)
    assert client.get(f"/t/{tenant.slug}/?team=999999").status_code == 404
    assert client.get(f"/t/{tenant.slug}/?team=abc").status_code == 404


def test_no_inline_styles_or_scripts(client, ctx, figures):
    tenant = _owner(client)
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    assert " style=" not in html and "<script" not in html
    assert "css/dashboard.css" in html


# -- the CSV export ---------------------------------------------------------------------------


def test_the_export_has_only_aggregates_and_neutralised_formulas(client, ctx, figures):
    tenant = _owner(client)
    response = client.get(f"/t/{tenant.slug}/export.csv?period=2026-Q3")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {r["group_type"] for r in rows} == {
        "employees",
        "team",
        "customers",
        "segment",
        "process",
    }
    overall = next(r for r in rows if r["group_type"] == "employees" and r["measure"] == "index")
    assert overall["score"] == "62.4" and overall["respondents"] == "180"
    # A formula in a name is text, not a formula.
    assert any(r["group"] == '\'=HYPERLINK("x")' for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    # A hidden group: its status and what it needs, never a figure.
    legal = [r for r in rows if r["group"] == "Legal"]
    assert len(legal) == 1
    assert legal[0]["status"] == "hidden" and legal[0]["needed"] == "3"
    assert legal[0]["score"] == legal[0]["ci_low"] == legal[0]["favourable_pct"] == ""
    # Aggregates only: no person, no email, no answer.
    assert "@" not in body.decode("utf-8-sig")


def test_neutralise_covers_every_formula_start():
    from tenants.dashboard.export import neutralise

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Sales") == "Sales"
    assert neutralise(None) == ""
    assert neutralise(62.5) == "62.5"


# -- roles ------------------------------------------------------------------------------------


def _teams(tenant):
    with tenant_context(tenant.id):
        ops = Team(name="Operations")
        db.session.add(ops)
        db.session.flush()
        support = Team(name="Support", parent_id=ops.id)
        sales = Team(name="Sales")
        db.session.add_all([support, sales])
        db.session.commit()
        return ops.id, support.id, sales.id


def test_a_team_lead_sees_only_their_subtree(client, ctx, figures):
    tenant = make_tenant("Acme")
    ops, support, sales = _teams(tenant)
    lead = make_user(tenant, "team_lead", team_id=ops)
    login(client, lead)
    page = client.get(f"/t/{tenant.slug}/")
    assert page.status_code == 200
    assert figures.calls[-1] == (tenant.id, None, ops)
    html = page.get_data(as_text=True)
    options = re.findall(
        r'<option value="(\d*)"', html.split('id="filter-team"')[1].split("</select>")[0]
    )
    assert options == [str(ops), str(support)]  # no "whole company", no Sales
    assert client.get(f"/t/{tenant.slug}/?team={support}").status_code == 200
    assert figures.calls[-1][2] == support
    assert client.get(f"/t/{tenant.slug}/?team={sales}").status_code == 404
    assert client.get(f"/t/{tenant.slug}/export.csv?team={sales}").status_code == 404
    client.get(f"/t/{tenant.slug}/export.csv")
    assert figures.calls[-1][2] == ops
    assert "Get to your first results" not in page.get_data(as_text=True)


def test_a_team_lead_without_a_team_is_told_so_and_sees_no_figures(client, ctx, figures):
    tenant = make_tenant("Acme")
    login(client, make_user(tenant, "team_lead"))
    page = client.get(f"/t/{tenant.slug}/")
    assert page.status_code == 200
    assert "No team assigned yet" in page.get_data(as_text=True)
    assert figures.calls == []
    assert client.get(f"/t/{tenant.slug}/export.csv").status_code == 404


def test_an_executive_sees_the_dashboard_read_only_but_not_manager_pages(client, ctx, app, figures):
    tenant = make_tenant("Acme")
    login(client, make_user(tenant, "executive"))
    page = client.get(f"/t/{tenant.slug}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Outcome Culture Index" in html
    assert "Get to your first results" not in html  # the checklist is for owners and admins
    assert '<form method="post"' not in html.split("<main")[1].split("</main>")[0]
    assert client.get(f"/t/{tenant.slug}/export.csv").status_code == 200
    assert client.get(f"/t/{tenant.slug}/members").status_code == 403
    assert client.get(f"/t/{tenant.slug}/settings").status_code == 403
    for endpoint in ("people.employees", "pulses.programs"):
        assert endpoint in app.view_functions, f"no endpoint {endpoint}"
        rule = next(app.url_map.iter_rules(endpoint))
        assert client.get(rule.rule.replace("<slug>", tenant.slug)).status_code == 403


def test_a_stranger_gets_404_for_the_dashboard_and_the_export(client, ctx, figures):
    tenant = make_tenant("Acme")
    login(client, make_user(make_tenant("Other"), "owner"))
    assert client.get(f"/t/{tenant.slug}/").status_code == 404
    assert client.get(f"/t/{tenant.slug}/export.csv").status_code == 404


def test_a_hidden_quarter_in_the_trend_says_what_it_needs(client, ctx, figures):
    from tenants.scoring.core.figures import TrendPoint

    base = sample()
    trend = (*base.trend[:-2], TrendPoint("2026-Q2", None, None, True, 2), base.trend[-1])
    figures.dashboard = type(base)(**{**base.__dict__, "trend": trend})
    tenant = _owner(client)
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    assert '<th scope="row">2026-Q2</th><td>needs 2 more</td>' in html


def test_customer_tables_head_their_column_by_what_it_lists_and_change_is_a_noun(
    client, ctx, figures
):
    tenant = _owner(client)
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    process_table = re.search(
        r"<caption>Customer felt value by process</caption>(.*?)</table>", html, re.S
    )
    assert process_table, "no table of felt value by process"
    assert '<th scope="col">Process</th>' in process_table[1]
    assert "Segment" not in process_table[1]
    client.post("/lang/es", data={"next": f"/t/{tenant.slug}/"})
    spanish = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    assert ">Cambio</th>" in spanish and ">Cambiar</th>" not in spanish
