"""The people pages: lists, forms, the team tree, deactivation, and strangers' ids."""

from __future__ import annotations

import re

from sqlalchemy import select

from saas.billing.entitlements import entitlements
from saas.db import tenant_context
from saas.extensions import db
from tenants.people import service
from tenants.people.models import Customer, Employee, ImportJob, Team
from tenants.people.teams import create_team
from tests.factories import login, make_tenant, make_user
from tests.factories.billing import billing_on
from tests.people.conftest import employees, teams


def _team(company, name, parent=None):
    with tenant_context(company.id):
        team = create_team(name, parent)
        db.session.commit()
        return team.id


def _people(company, n, team_id=None, prefix="person"):
    with tenant_context(company.id):
        for i in range(n):
            db.session.add(
                Employee(
                    email=f"{prefix}{i:03}@acme.test",
                    name=f"{prefix.title()} {i:03}",
                    team_id=team_id,
                )
            )
        db.session.commit()


def test_teams_are_added_nested_and_shown_as_a_tree(client, company):
    page = client.post(company.url("/teams"), data={"name": "Operaciones", "parent_id": "0"})
    assert page.status_code == 302
    with tenant_context(company.id):
        ops = db.session.scalar(select(Team).where(Team.name == "Operaciones"))
    client.post(company.url("/teams"), data={"name": "Soporte", "parent_id": str(ops.id)})
    duplicate = client.post(company.url("/teams"), data={"name": " soporte ", "parent_id": "0"})
    assert "There is already a team called Soporte." in duplicate.get_data(as_text=True)
    assert teams(company) == {"Operaciones": None, "Soporte": "Operaciones"}
    tree = client.get(company.url("/teams")).get_data(as_text=True)
    nested = re.search(
        r"Operaciones</a>.*?<ul class=\"team-tree\">\s*<li>\s*<a [^>]+>Soporte", tree, re.S
    )
    assert nested, "Soporte is listed inside Operaciones"

    # A team's count says whether it includes its sub-teams.
    with tenant_context(company.id):
        soporte = db.session.scalar(select(Team).where(Team.name == "Soporte"))
        for email, team in (("a@x.test", ops), ("b@x.test", soporte), ("c@x.test", soporte)):
            db.session.add(Employee(email=email, name=email, team_id=team.id))
        db.session.commit()
    tree = re.sub(r"\s+", " ", client.get(company.url("/teams")).get_data(as_text=True))
    assert "3 active employees with its sub-teams (1 directly in it)" in tree
    assert 'Soporte</a> <span class="muted">· 2 active employees</span>' in tree


def test_a_team_is_renamed_and_moved_but_never_under_itself(client, company):
    top = _team(company, "Producto")
    child = _team(company, "Ingeniería", top)
    grandchild = _team(company, "Plataforma", child)
    other = _team(company, "Ventas")
    refused = client.post(
        company.url(f"/teams/{top}"), data={"name": "Producto", "parent_id": str(grandchild)}
    )
    assert refused.status_code == 200
    assert "Producto cannot go under Plataforma: Plataforma is inside Producto." in (
        refused.get_data(as_text=True)
    )
    itself = client.post(
        company.url(f"/teams/{top}"), data={"name": "Producto", "parent_id": str(top)}
    )
    assert "A team cannot be its own parent." in itself.get_data(as_text=True)
    assert teams(company)["Producto"] is None
    moved = client.post(
        company.url(f"/teams/{child}"), data={"name": "Engineering", "parent_id": str(other)}
    )
    assert moved.status_code == 302
    assert teams(company) == {
        "Producto": None,
        "Engineering": "Ventas",
        "Plataforma": "Engineering",
        "Ventas": None,
    }


def test_the_members_page_offers_the_team_tree_for_a_team_lead(client, company):
    """The shell's members page names no area: its team options come from the people area."""
    ops = _team(company, "Operaciones")
    _team(company, "Soporte", ops)
    _team(company, "Administración")
    page = client.get(f"/t/{company.slug}/members").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', page)
    names = [label.replace("\u00a0", " ") for value, label in options if value != "0"]
    assert names[:3] == ["Administración", "Operaciones", "  Soporte"]


def test_the_employee_list_paginates_searches_and_filters_by_team_subtree(client, company):
    sales = _team(company, "Sales")
    inside = _team(company, "Inside Sales", sales)
    support = _team(company, "Support")
    _people(company, 60, inside, "seller")
    _people(company, 5, support, "helper")
    first = client.get(company.url("/")).get_data(as_text=True)
    assert "65 employees" in first and "Page 1 of 2" in first
    assert "65 seats in use" in first  # billing is not configured: no limit
    second = client.get(company.url("/?page=2")).get_data(as_text=True)
    assert "Seller 059" in second and "Seller 000" not in second
    found = client.get(company.url("/?q=helper+003")).get_data(as_text=True)
    assert "1 employee" in found and "Helper 003" in found
    by_team = client.get(company.url(f"/?team={sales}")).get_data(as_text=True)
    assert "60 employees · in Sales and its sub-teams" in by_team
    assert "Helper" not in by_team
    next_link = re.search(r'href="([^"]+)" rel="next"', by_team).group(1)
    assert f"team={sales}" in next_link  # the filter survives paging
    assert "Seller 059" in client.get(next_link.replace("&amp;", "&")).get_data(as_text=True)


def test_adding_editing_and_deactivating_an_employee_keeps_the_row(client, company):
    team = _team(company, "People")
    added = client.post(
        company.url("/employees/new"),
        data={
            "email": "Ana@Acme.test",
            "name": "Ana Díaz",
            "team_id": str(team),
            "locale": "es",
            "start_date": "2024-02-01",
        },
    )
    assert added.status_code == 302
    ana = employees(company)["ana@acme.test"]
    same = client.post(
        company.url("/employees/new"),
        data={"email": "ana@acme.test", "name": "Other", "team_id": "0", "locale": "en"},
    )
    assert "ana@acme.test is already on the list (Ana Díaz)." in same.get_data(as_text=True)
    unknown_boss = client.post(
        company.url(f"/employees/{ana.id}"),
        data={
            "email": "ana@acme.test",
            "name": "Ana Díaz",
            "team_id": str(team),
            "locale": "es",
            "manager_email": "boss@acme.test",
        },
    )
    assert "No employee has the email boss@acme.test." in unknown_boss.get_data(as_text=True)
    client.post(
        company.url(f"/employees/{ana.id}"),
        data={"email": "ana@acme.test", "name": "Ana Díaz Ruiz", "team_id": "0", "locale": "en"},
    )
    ana = employees(company)["ana@acme.test"]
    assert (ana.name, ana.team_id, ana.locale) == ("Ana Díaz Ruiz", None, "en")
    client.post(company.url(f"/employees/{ana.id}/deactivate"))
    ana = employees(company)["ana@acme.test"]
    assert ana.active is False  # kept, not deleted
    assert ">Ana Díaz Ruiz</a>" not in client.get(company.url("/")).get_data(as_text=True)
    listed = client.get(company.url("/?status=inactive")).get_data(as_text=True)
    assert ">Ana Díaz Ruiz</a>" in listed
    client.post(company.url(f"/employees/{ana.id}/reactivate"))
    assert employees(company)["ana@acme.test"].active is True


def test_seats_are_active_employees_counted_against_the_entitlement(app, ctx, company, monkeypatch):
    _people(company, 3)
    with tenant_context(company.id):
        employee = db.session.scalar(select(Employee))
        service.deactivate_employee(employee)
        assert service.seats_used() == 2
        assert entitlements(company.tenant).seats_left(service.seats_used()) is None
        with billing_on(app, monkeypatch):  # a trial: Growth's 1,000 seats
            assert entitlements(company.tenant).seats_left(service.seats_used()) == 998


def test_customers_are_listed_by_segment_and_serving_team_and_edited(client, company):
    support = _team(company, "Support")
    with tenant_context(company.id):
        for i in range(4):
            db.session.add(
                Customer(
                    email=f"c{i}@mail.test",
                    name=f"Client {i}",
                    segment="Retail" if i % 2 else "Enterprise",
                    serving_team_id=support if i == 1 else None,
                )
            )
        db.session.commit()
    retail = client.get(company.url("/customers?segment=Retail")).get_data(as_text=True)
    assert "2 customers" in retail and "Client 1" in retail and "Client 0" not in retail
    served = client.get(company.url(f"/customers?team={support}")).get_data(as_text=True)
    assert "1 customer" in served and "Client 1" in served
    added = client.post(
        company.url("/customers/new"),
        data={
            "email": "new@mail.test",
            "name": "New",
            "segment": "SMB",
            "serving_team_id": str(support),
            "locale": "es",
            "consent": "y",
        },
    )
    assert added.status_code == 302
    with tenant_context(company.id):
        new = db.session.scalar(select(Customer).where(Customer.email == "new@mail.test"))
        new_id = new.id
        assert (new.segment, new.serving_team_id, new.consent) == ("SMB", support, True)
    client.post(company.url(f"/customers/{new_id}/deactivate"))
    db.session.expire_all()
    with tenant_context(company.id):
        assert db.session.get(Customer, new_id).active is False


def test_every_people_url_with_another_tenants_id_answers_404(app, client, company):
    other = make_tenant("Other Co")
    with tenant_context(other.id):
        team = Team(name="Theirs")
        db.session.add(team)
        db.session.flush()
        foreign = {
            "employee_id": Employee(email="x@other.test", name="X", team_id=team.id),
            "customer_id": Customer(email="y@other.test", name="Y"),
            "import_id": ImportJob(kind="employees", stored_name="other", status="ready"),
        }
        db.session.add_all(foreign.values())
        db.session.commit()
        ids = {name: obj.id for name, obj in foreign.items()} | {"team_id": team.id}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("people.") or set(rule.arguments) == {"slug"}:
            continue
        url = rule.rule.replace("<slug>", company.slug)
        for argument in set(rule.arguments) - {"slug"}:
            url = re.sub(rf"<(?:int:)?{argument}>", str(ids[argument]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
            assert response.status_code == 404, f"{method} {url}"
            checked += 1
    assert checked >= 12
    # And the other tenant's people pages are a 404 for our owner.
    assert client.get(f"/t/{other.slug}/people/").status_code == 404


def test_only_owners_and_admins_manage_people(client, company):
    executive = make_user(company.tenant, "executive")
    login(client, executive)
    assert client.get(company.url("/")).status_code == 403
    assert client.get(company.url("/imports")).status_code == 403
