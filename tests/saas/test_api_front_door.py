"""Holes found by probing the API from outside (issue 17): whatever arrives, a documented 4xx
JSON answer and nothing written; on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.api import openapi
from tenants.api import service as api_service
from tenants.people.models import Customer, Employee
from tenants.pulses.models import Program
from tests.factories import make_tenant

LONE_SURROGATE = '"\\ud800"'
NUL = '"a\\u0000b"'


@pytest.fixture
def api(client, ctx):
    tenant = make_tenant("Front Door Api")
    with tenant_context(tenant.id):
        _key, secret = api_service.create_key("Prober")
        db.session.commit()
        program_id = db.session.scalar(select(Program.id).where(Program.kind == "employee"))
    document = client.get("/api/v1/openapi.json").get_json()

    class Api:
        headers = {"Authorization": f"Bearer {secret}"}
        program = program_id
        doc = document

        def send(self, method, path, data=None, content_type="application/json", **kw):
            response = client.open(
                f"/api/v1{path}",
                method=method,
                data=data,
                content_type=content_type if data is not None else None,
                headers=self.headers,
                **kw,
            )
            return response

        def documented(self, method, path, response):
            """The status is one the document declares for this operation."""
            operation = self.doc["paths"][path][method.lower()]
            return str(response.status_code) in operation["responses"]

        def count(self, model):
            db.session.expire_all()
            with tenant_context(tenant.id):
                return db.session.scalar(select(func.count()).select_from(model))

    return Api()


def _hostile_bodies(text: str) -> dict[tuple[str, str], str]:
    """A body for each endpoint that takes one, with ``text`` (raw JSON) in a text field."""
    return {
        ("PUT", "/employees"): f'[{{"email": "a@x.test", "name": {text}, "team": {text}}}]',
        ("PUT", "/customers"): f'[{{"email": "c@x.test", "name": "C", "segment": {text}}}]',
        ("POST", "/interactions"): (
            f'{{"customer_email": {text}, "process": {text}, "occurred_at": "2026-08-03T10:00"}}'
        ),
        ("POST", "/programs/{program_id}/rounds"): f"{{{text}: [1]}}",
    }


def _assert_json_4xx(api, method, path, response):
    assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
    assert api.documented(method, path, response), (method, path, response.status_code)


@pytest.mark.parametrize("text", [LONE_SURROGATE, NUL], ids=["lone_surrogate", "nul"])
def test_unstorable_text_in_any_body_is_a_4xx_json_error_and_nothing_is_written(api, text):
    bodies = _hostile_bodies(text)
    # Every endpoint that takes a body is probed (a new one must be added here).
    taking_a_body = {(op.method.upper(), op.path) for op in openapi.OPERATIONS if op.request_schema}
    assert taking_a_body == set(bodies)
    for (method, path), body in bodies.items():
        response = api.send(method, path.replace("{program_id}", str(api.program)), body)
        _assert_json_4xx(api, method, path, response)
    assert api.count(Employee) == api.count(Customer) == 0


def test_deep_nesting_and_broken_bytes_are_a_4xx_json_error(api):
    for (method, path), _body in _hostile_bodies('"x"').items():
        url = path.replace("{program_id}", str(api.program))
        for body in ("[" * 100_000, "[" * 40 + "]" * 40, b"\xff\xfe{", '{"a": 1'):
            _assert_json_4xx(api, method, path, api.send(method, url, body))
        # Not sent as JSON at all.
        response = api.send(method, url, "email=a@x.test", content_type="text/plain")
        _assert_json_4xx(api, method, path, response)


def test_an_edited_or_foreign_cursor_is_a_400(api):
    for i in range(3):
        api.send("PUT", "/employees", json.dumps([{"email": f"e{i}@x.test", "name": f"E{i}"}]))
    first = api.send("GET", "/employees", query_string={"limit": 1}).get_json()
    assert (
        api.send("GET", "/employees", query_string={"cursor": first["next_cursor"]}).status_code
        == 200
    )
    forged = base64.urlsafe_b64encode(json.dumps({"v": 1, "after": 10**30}).encode()).decode()
    tampered = first["next_cursor"][:-2] + (
        "AA" if not first["next_cursor"].endswith("AA") else "BB"
    )
    for cursor in (forged.rstrip("="), tampered, "garbage", "%ED%A0%80", "%00"):
        response = api.send("GET", f"/employees?cursor={cursor}")
        assert response.status_code == 400, cursor
        assert response.get_json()["error"]["code"] in ("invalid_cursor", "invalid_parameter")
    # A cursor of the employees' listing does not page the customers'.
    response = api.send("GET", "/customers", query_string={"cursor": first["next_cursor"]})
    assert response.status_code == 400


def test_limit_is_an_integer_from_1_to_1000_given_once(api):
    for query in ("limit=0", "limit=abc", "limit=1001", "limit=-1", "limit=", "limit=1&limit=2"):
        response = api.send("GET", f"/customers?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "invalid_parameter"
    for query in ("limit=1", "limit=1000", "active=true", "active=false"):
        assert api.send("GET", f"/customers?{query}").status_code == 200, query


def test_trace_and_other_unknown_methods_are_405_with_allow(api):
    response = api.send("TRACE", "/employees")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PUT"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_the_document_declares_real_responses_and_no_catch_all(api):
    for path, operations in api.doc["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "default" not in statuses, (method, path)
            assert "429" in statuses and "500" not in statuses
            assert operation["responses"]["429"]["headers"]["Retry-After"]
            if operation.get("security") != []:
                assert "401" in statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)


def test_an_action_with_nothing_to_send_accepts_an_empty_body(api):
    staff = [
        {"email": f"s{i}@x.test", "name": f"S{i}", "start_date": "2020-01-01"} for i in range(3)
    ]
    assert api.send("PUT", "/employees", json.dumps(staff)).status_code == 200
    url = f"/programs/{api.program}/rounds"
    launched = api.send("POST", url)  # no body, no content type
    assert launched.status_code == 201, launched.get_json()
    round_id = launched.get_json()["round"]["id"]
    assert api.send("POST", f"/rounds/{round_id}/close").status_code == 200
    relaunched = api.send("POST", url, "", content_type="application/json")
    assert relaunched.status_code == 201
    assert (
        api.send("POST", f"/rounds/{relaunched.get_json()['round']['id']}/close", "{}").status_code
        == 200
    )


def test_unstorable_text_in_an_address_is_a_404_not_a_500(api):
    for email in ("a%00b@x.test", "%ED%A0%80@x.test"):
        response = api.send("DELETE", f"/employees/{email}")
        assert response.status_code == 404
        assert api.documented("DELETE", "/employees/{email}", response)


def test_the_per_key_limit_answers_429_with_retry_after_and_spares_other_keys(app, api, ctx):
    app.config["API_RATE_LIMIT"] = "5 per minute"
    try:
        answers = [api.send("GET", "/me").status_code for _ in range(6)]
        assert answers == [200] * 5 + [429]
        refused = api.send("GET", "/me")
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.get_json()["error"]["code"] == "too_many_requests"
        assert api.documented("GET", "/me", refused)
        tenant = make_tenant("Other Key Co")
        with tenant_context(tenant.id):
            _key, other = api_service.create_key("Other")
            db.session.commit()
        api.headers = {"Authorization": f"Bearer {other}"}
        assert api.send("GET", "/me").status_code == 200
    finally:
        app.config.pop("API_RATE_LIMIT")
