"""A CRM and an HR system push people through the API: bulk upserts that never half-succeed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.api import service as api_service
from tenants.people.models import Customer, Employee, Team
from tests.factories import make_tenant
from tests.factories.billing import billing_on, on_plan, with_seats


@pytest.fixture
def api(client, ctx):
    tenant = make_tenant("Api Co", country="ES")
    with tenant_context(tenant.id):
        _key, secret = api_service.create_key("CRM")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    class Api:
        id = tenant.id

        def put(self, path, json):
            return client.put(f"/api/v1{path}", json=json, headers=headers)

        def get(self, path):
            return client.get(f"/api/v1{path}", headers=headers)

        def delete(self, path):
            return client.delete(f"/api/v1{path}", headers=headers)

        def count(self, model, *where):
            db.session.expire_all()
            with tenant_context(tenant.id):
                return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return Api()


def _staff(n, team="Support"):
    return [
        {"email": f"agent{i}@api.test", "name": f"Agent {i}", "team": team, "locale": "es"}
        for i in range(n)
    ]


def test_put_creates_then_updates_employees_and_creates_teams(api):
    created = api.put(
        "/employees", [*_staff(3, "Ops > Support"), {"email": "Boss@Api.test", "name": "Boss"}]
    )
    assert created.status_code == 200
    assert created.get_json() == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "teams_created": ["Ops", "Support"],
    }
    again = api.put(
        "/employees",
        [
            {
                "email": "agent0@api.test",
                "manager_email": "boss@api.test",
                "start_date": "2025-01-31",
            },
            {"email": "agent1@api.test", "name": "Agent 1", "team": "Support"},
        ],
    )
    assert again.get_json() == {"created": 0, "updated": 1, "unchanged": 1, "teams_created": []}
    with tenant_context(api.id):
        agent = db.session.scalar(select(Employee).where(Employee.email == "agent0@api.test"))
        assert (agent.name, agent.team.name, agent.team.parent.name) == (
            "Agent 0",
            "Support",
            "Ops",
        )
        assert agent.manager_email == "boss@api.test" and agent.start_date.isoformat() == (
            "2025-01-31"
        )


def test_a_call_with_bad_items_writes_nothing_and_lists_each_one(api):
    items = [
        *_staff(2),
        {"email": "not-an-email", "name": "X"},
        {"email": "agent0@api.test", "name": "Twice"},
        {"email": "new@api.test"},
        {"email": "m@api.test", "name": "M", "manager_email": "ghost@api.test"},
        {"email": "l@api.test", "name": "L", "locale": "fr"},
    ]
    response = api.put("/employees", items)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_items"
    assert error["message"] == "5 of 7 items are not valid: nothing was written."
    assert [(d["index"], d["code"]) for d in error["details"]] == [
        (2, "bad_email"),
        (3, "duplicate"),
        (4, "missing_field"),
        (5, "unknown_manager"),
        (6, "bad_locale"),
    ]
    assert error["details"][1]["message"] == ("Duplicate: the same email is already at index 0.")
    assert api.count(Employee) == 0 and api.count(Team) == 0


def test_schema_errors_and_the_size_limit_are_refused(api):
    wrong_type = api.put("/employees", [{"email": "a@api.test", "name": 5}])
    assert wrong_type.status_code == 422
    assert wrong_type.get_json()["error"]["details"][0]["path"] == "/0/name"
    assert api.put("/employees", {"email": "a@api.test"}).status_code == 422
    too_many = api.put("/employees", [{"email": f"p{i}@api.test"} for i in range(10_001)])
    assert too_many.status_code == 422
    assert too_many.get_json()["error"]["code"] == "too_many_items"
    assert "At most 10,000 items per call" in too_many.get_json()["error"]["message"]
    assert api.count(Employee) == 0


@pytest.mark.slow
def test_ten_thousand_items_in_one_call(api):
    response = api.put("/employees", _staff(10_000))
    assert response.status_code == 200 and response.get_json()["created"] == 10_000
    assert api.count(Employee) == 10_000


def test_the_seat_limit_refuses_the_whole_call_with_a_message(app, api, monkeypatch):
    with billing_on(app, monkeypatch):
        with tenant_context(api.id):
            on_plan(db.session.get(Tenant, api.id), "growth")
        with_seats(monkeypatch, "growth", 3)
        _the_seat_limit_refuses_the_whole_call(api)


def _the_seat_limit_refuses_the_whole_call(api):
    response = api.put("/employees", _staff(4))
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "seat_limit"
    assert "Your Growth plan includes 3 seats" in error["message"]
    assert api.count(Employee) == 0


def test_list_with_an_opaque_cursor_and_deactivate(api):
    api.put("/employees", _staff(5))
    first = api.get("/employees?limit=2").get_json()
    assert [e["email"] for e in first["items"]] == ["agent0@api.test", "agent1@api.test"]
    assert first["items"][0] == {
        "email": "agent0@api.test",
        "name": "Agent 0",
        "team": "Support",
        "manager_email": None,
        "locale": "es",
        "start_date": None,
        "active": True,
    }
    seen = [e["email"] for e in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/employees?limit=2&cursor={cursor}").get_json()
        seen += [e["email"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [f"agent{i}@api.test" for i in range(5)]
    assert api.get("/employees?cursor=garbage").status_code == 400
    assert api.get("/employees?limit=5000").status_code == 400

    gone = api.delete("/employees/Agent3@api.test")
    assert gone.status_code == 200 and gone.get_json()["employee"]["active"] is False
    assert api.count(Employee) == 5  # kept
    active = api.get("/employees?active=true").get_json()["items"]
    assert "agent3@api.test" not in [e["email"] for e in active]
    missing = api.delete("/employees/nobody@api.test")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_customers_are_pushed_by_a_crm(api):
    response = api.put(
        "/customers",
        [
            {
                "email": "c1@shop.test",
                "name": "C1",
                "segment": "Retail",
                "team": "Support",
                "consent": True,
            },
            {"email": "c2@shop.test", "segment": "SMB", "unsubscribed": True},
        ],
    )
    assert response.get_json()["created"] == 2
    api.put("/customers", [{"email": "c2@shop.test", "unsubscribed": False}])
    items = {c["email"]: c for c in api.get("/customers").get_json()["items"]}
    assert items["c1@shop.test"]["team"] == "Support"
    assert items["c2@shop.test"]["unsubscribed"] is True  # never undone by the API
    assert api.delete("/customers/c1@shop.test").get_json()["customer"]["active"] is False
    assert api.count(Customer, Customer.active) == 1


def test_another_tenants_people_are_out_of_reach(api, client):
    other = make_tenant("Other Co")
    with tenant_context(other.id):
        db.session.add(Employee(email="theirs@other.test", name="Theirs"))
        db.session.commit()
    assert api.delete("/employees/theirs@other.test").status_code == 404
    assert api.get("/employees").get_json()["items"] == []
    # Upserting the same email creates our own employee; theirs is untouched.
    api.put("/employees", [{"email": "theirs@other.test", "name": "Ours"}])
    with tenant_context(other.id):
        db.session.expire_all()
        assert db.session.scalar(select(Employee.name)) == "Theirs"


def test_the_endpoints_are_in_the_openapi_document(client, ctx):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/employees"]) == {"get", "put"}
    assert set(paths["/employees/{email}"]) == {"delete"}
    assert set(paths["/customers"]) == {"get", "put"}
    put = paths["/employees"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert {p["name"] for p in paths["/employees"]["get"]["parameters"]} >= {"cursor", "limit"}
