from tests.factories import login, make_tenant, make_user


def test_a_member_sees_their_dashboard_and_a_stranger_gets_404(client, ctx):
    tenant = make_tenant("Acme")
    owner = make_user(tenant, "owner")
    stranger = make_user(make_tenant("Other"), "owner")
    login(client, owner)
    page = client.get(f"/t/{tenant.slug}/")
    assert page.status_code == 200
    assert "Acme" in page.get_data(as_text=True)
    login(client, stranger)
    assert client.get(f"/t/{tenant.slug}/").status_code == 404


def test_every_page_has_a_favicon_that_is_served(client, ctx):
    tenant = make_tenant("Icon Co")
    for path in ("/", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
    login(client, make_user(tenant, "owner"))
    for path in (f"/t/{tenant.slug}/",):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.get_data(as_text=True).startswith("<svg")
