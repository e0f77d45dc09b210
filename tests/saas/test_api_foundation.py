"""The API skeleton: keys, bearer authentication, JSON errors and a document kept true."""

from __future__ import annotations

import re

from saas.audit import AuditEvent
from saas.db import tenant_context
from saas.extensions import db
from tests.factories import login, make_tenant, make_user


def _create_key_in_ui(client, slug: str, name: str = "CRM") -> str:
    page = client.post(f"/t/{slug}/settings/api-keys", data={"name": name}).get_data(as_text=True)
    match = re.search(r'<code class="secret">(op_[^<]+)</code>', page)
    assert match, "the new key is shown once"
    return match.group(1)


def test_an_admin_creates_a_key_that_is_shown_once_and_reaches_only_its_tenant(client, ctx):
    tenant = make_tenant("Keys Co")
    make_tenant("Other Co")
    login(client, make_user(tenant, "admin"))
    secret = _create_key_in_ui(client, tenant.slug)
    listing = client.get(f"/t/{tenant.slug}/settings/api-keys").get_data(as_text=True)
    assert secret not in listing and secret[:10] in listing  # the prefix, never the key again
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["tenant"]["slug"] == "keys-co"
    listing = client.get(f"/t/{tenant.slug}/settings/api-keys").get_data(as_text=True)
    assert "never" not in listing.split(secret[:10])[1].split("</tr>")[0]  # last used is recorded
    with tenant_context(tenant.id):
        assert db.session.query(AuditEvent).filter_by(action="api_key_created").count() == 1


def test_a_revoked_or_wrong_key_gets_a_json_401(client, ctx):
    tenant = make_tenant("Revoke Co")
    login(client, make_user(tenant, "owner"))
    secret = _create_key_in_ui(client, tenant.slug)
    key_id = re.search(
        r"/api-keys/(\d+)/revoke",
        client.get(f"/t/{tenant.slug}/settings/api-keys").get_data(as_text=True),
    ).group(1)
    client.post(f"/t/{tenant.slug}/settings/api-keys/{key_id}/revoke")
    for header in (f"Bearer {secret}", "Bearer op_nonsense", "Basic abc", ""):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        error = response.get_json()["error"]
        assert error["code"] == "unauthorized" and error["message"] and "details" in error


def test_unknown_api_paths_and_methods_answer_json(client, ctx):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/openapi.json")
    assert response.status_code == 405 and response.is_json


def test_the_cli_prints_a_working_key(app, client, ctx):
    tenant = make_tenant("Cli Co")
    result = app.test_cli_runner().invoke(
        args=["api-keys", "create", "--tenant", tenant.slug, "--name", "ETL"]
    )
    secret = result.output.strip()
    assert secret.startswith("op_")
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    missing = app.test_cli_runner().invoke(
        args=["api-keys", "create", "--tenant", "nope", "--name", "x"]
    )
    assert missing.exit_code != 0 and "No tenant" in missing.output


def test_the_openapi_document_matches_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routed.add((path, method))
    assert documented == routed
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["summary"] and operation["responses"]
