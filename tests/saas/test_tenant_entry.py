"""The one way in and out of a request's tenant (``saas.tenancy.resolve``)."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from saas.db import current_tenant_id
from saas.tenancy.resolve import current_tenant, enter_tenant, entered_tenant
from tests.factories import login, make_tenant, make_user


def test_a_tenant_entered_with_its_row_is_the_one_current_tenant_until_the_request_ends(app, ctx):
    tenant = make_tenant("Entry Co")
    with app.test_request_context("/"):
        with pytest.raises(NotFound):
            current_tenant()
        enter_tenant(tenant)
        assert current_tenant() is tenant and entered_tenant() is tenant
        assert current_tenant_id() == tenant.id
        enter_tenant(tenant)  # the same tenant again: nothing changes
        assert current_tenant_id() == tenant.id
    assert current_tenant_id() is None  # left by the one teardown


def test_a_request_serves_one_tenant(app, ctx):
    first, second = make_tenant("First Co"), make_tenant("Second Co")
    with app.test_request_context("/"):
        enter_tenant(first)
        with pytest.raises(RuntimeError, match="one tenant"):
            enter_tenant(second.id)
        assert current_tenant_id() == first.id
    assert current_tenant_id() is None


def test_a_tenant_entered_by_id_is_loaded_only_when_asked_for(app, ctx):
    tenant = make_tenant("By Id Co")
    with app.test_request_context("/"):
        enter_tenant(tenant.id)
        assert current_tenant_id() == tenant.id
        assert entered_tenant() is None  # templates and the locale never load it
        assert current_tenant().slug == tenant.slug
    assert current_tenant_id() is None


def test_tenant_pages_and_the_api_leave_their_tenant_after_the_request(client, ctx):
    tenant = make_tenant("Leave Co")
    login(client, make_user(tenant, "owner"))
    assert client.get(f"/t/{tenant.slug}/members").status_code == 200
    assert current_tenant_id() is None
    page = client.post(f"/t/{tenant.slug}/settings/api-keys", data={"name": "ETL"})
    secret = page.get_data(as_text=True).split('<code class="secret">')[1].split("<")[0]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json()["tenant"]["slug"] == tenant.slug
    assert current_tenant_id() is None
