"""schemathesis against our own OpenAPI document, in process (WSGI): thousands of generated
requests, valid and invalid, on every operation; no 500, every response matches the document,
every status is declared in it.

It runs on a company of its own, on a SQLite database of its own (so nothing it deletes or
closes is another test's data, and the PostgreSQL pass leaves it out: it ran once already).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from saas import create_app
from saas.db import tenant_context
from saas.extensions import db
from tenants.api import service as api_service
from tests.conftest import FormClient, make_settings, reset_schema
from tests.factories import make_tenant
from tests.factories.live import live_database

EXAMPLES = 3000  # about as many as the outside probe of issue 17 sent; about a minute


@pytest.fixture
def probed(tmp_path: Path) -> Iterator[tuple[Flask, str, dict[str, int]]]:
    """An app on its own SQLite file, with a seeded company and its API key."""
    with live_database("sqlite", tmp_path) as url:
        app = create_app(
            {
                "SETTINGS": make_settings(url, instance=tmp_path),
                "TESTING": True,
                "API_RATE_LIMIT": "1000000 per minute",
            }
        )
        app.test_client_class = FormClient
        reset_schema(app)
        with app.app_context():
            tenant = make_tenant("Probed Co")
            with tenant_context(tenant.id):
                _key, secret = api_service.create_key("schemathesis")
                db.session.commit()
        headers = {"Authorization": f"Bearer {secret}"}
        client = app.test_client()
        people = [
            {
                "email": f"p{i}@probed.test",
                "name": f"P{i}",
                "team": "Ops > Support",
                "start_date": "2020-01-01",
            }
            for i in range(12)
        ]
        assert client.put("/api/v1/employees", json=people, headers=headers).status_code == 200
        customers = [
            {"email": f"c{i}@probed.test", "name": f"C{i}", "consent": True} for i in range(5)
        ]
        assert client.put("/api/v1/customers", json=customers, headers=headers).status_code == 200
        programs = client.get("/api/v1/programs", headers=headers).get_json()["programs"]
        program_id = next(p["id"] for p in programs if p["kind"] == "employee")
        launched = client.post(f"/api/v1/programs/{program_id}/rounds", json={}, headers=headers)
        assert launched.status_code == 201
        ids = {"program_id": program_id, "round_id": launched.get_json()["round"]["id"]}
        try:
            yield app, secret, ids
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.slow
def test_schemathesis_finds_no_500_and_no_answer_the_document_does_not_declare(probed):
    app, secret, ids = probed
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {secret}"}
    seen: dict[str, int] = {}
    strategy = st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE, headers=headers),
        # ...and with the ids of the company's own program and round, to go past the 404s.
        schema.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=ids),
        schema.as_strategy(GenerationMode.NEGATIVE, headers=headers),
    )

    # A request can match the schema and still name a customer or process that does not exist,
    # a time that is not one, a program with nobody to invite: those are 422s the document
    # declares. What schema-valid data may never get is a refusal by validation itself.
    refusals_of_valid_data = {"validation_failed", "invalid_parameter", "invalid_json", "too_deep"}

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def probe(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        if case.meta.generation.mode is GenerationMode.POSITIVE and response.status_code >= 400:
            code = json.loads(response.content)["error"]["code"]
            assert code not in refusals_of_valid_data, (case.method, case.path, response.content)
        key = f"{case.method} {case.path} {response.status_code}"
        seen[key] = seen.get(key, 0) + 1

    probe()
    print(json.dumps(dict(sorted(seen.items())), indent=1))  # what was exercised, for the log
    # Every operation that takes input was exercised, and each one's success was reached.
    operations = {
        f"{method.upper()} {path}"
        for path, methods in schema.raw_schema["paths"].items()
        for method, operation in methods.items()
        if operation["parameters"] or "requestBody" in operation
    }
    assert operations <= {key.rsplit(" ", 1)[0] for key in seen}
    succeeded = {key.rsplit(" ", 1)[0] for key in seen if key.endswith(("200", "201", "202"))}
    assert {
        "GET /employees",
        "PUT /customers",
        "GET /scores",
        "GET /rounds/{round_id}",
    } <= succeeded
