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
