"""A new company sees the steps to its first results, ticked off from what it has really done."""

from __future__ import annotations

import re
from datetime import timedelta

from saas.auth.models import MemberInvite
from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.dashboard import service
from tenants.people.models import Employee
from tenants.pulses.models import Program, Round
from tests.factories import login, make_tenant, make_user
from tests.factories.rounds import employee_round


def _done(html: str) -> list[str]:
    """The titles of the ticked steps."""
    return re.findall(
        r'dash-check--done">.*?<p class="dash-check-title">\s*([^<]+?)\s*<', html, re.S
    )


def test_an_empty_company_sees_the_checklist_not_a_broken_chart(client, ctx):
    tenant = make_tenant("Northwind")
    login(client, make_user(tenant, "owner"))
    page = client.get(f"/t/{tenant.slug}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Get to your first results" in html
    assert "4 steps left." in html
    for title in (
        "Import your people",
        "Review the programs",
        "Launch the first round",
        "Invite an executive",
    ):
        assert title in html
    assert _done(html) == []
    assert "No results yet" in html
    assert "op-chart" not in html  # no empty chart, no export of nothing
    assert "export.csv" not in html
    # Every step links to a page that exists.
    hrefs = re.findall(r'class="dash-check-body">.*?href="([^"]+)"', html, re.S)
    assert len(hrefs) == 4
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_the_checklist_ticks_itself_off_from_real_data(client, ctx):
    tenant = make_tenant("Northwind")
    owner = make_user(tenant, "owner")
    login(client, owner)
    url = f"/t/{tenant.slug}/"

    with tenant_context(tenant.id):
        db.session.add(Employee(email="ana@northwind.test", name="Ana"))
        db.session.commit()
    assert _done(client.get(url).get_data(as_text=True)) == ["Import your people"]

    with tenant_context(tenant.id):
        program = db.session.scalars(db.select(Program).where(Program.kind == "employee")).first()
        program.questions_per_round = 7  # edited away from the defaults
        db.session.commit()
        program_id = program.id
    assert "Review the programs" in _done(client.get(url).get_data(as_text=True))

    with tenant_context(tenant.id):
        now = utcnow()
        db.session.add(
            Round(
                program_id=program_id,
                kind="employee",
                period="2026-Q4",
                month="2026-11",
                opens_at=now,
                closes_at=now + timedelta(days=10),
                threshold=5,
                comment_threshold=10,
            )
        )
        db.session.commit()
    assert "Launch the first round" in _done(client.get(url).get_data(as_text=True))

    with tenant_context(tenant.id):
        db.session.add(
            MemberInvite(
                email="eve@northwind.test",
                role="executive",
                token_hash="x" * 64,
                expires_at=utcnow() + timedelta(days=7),
            )
        )
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Get to your first results" not in html  # all four done: the checklist goes away


def test_starting_a_program_counts_as_reviewing_it(ctx):
    tenant = make_tenant("Northwind")
    with tenant_context(tenant.id):
        assert not service.checklist()[1].done
        program = db.session.scalars(db.select(Program)).first()
        program.started = True
        db.session.flush()
        assert service.checklist()[1].done


def test_an_executive_member_ticks_the_last_step(ctx):
    tenant = make_tenant("Northwind")
    make_user(tenant, "executive")
    with tenant_context(tenant.id):
        assert service.checklist()[3].done


def test_a_revoked_executive_invite_does_not_count(ctx):
    tenant = make_tenant("Northwind")
    with tenant_context(tenant.id):
        db.session.add(
            MemberInvite(
                email="eve@northwind.test",
                role="executive",
                token_hash="y" * 64,
                expires_at=utcnow(),
                revoked_at=utcnow(),
            )
        )
        db.session.flush()
        assert not service.checklist()[3].done


def test_an_executive_of_an_empty_company_is_told_results_will_come(client, ctx):
    tenant = make_tenant("Northwind")
    login(client, make_user(tenant, "executive"))
    html = client.get(f"/t/{tenant.slug}/").get_data(as_text=True)
    assert "No results yet" in html
    assert "Get to your first results" not in html


def test_launching_a_round_counts_as_reviewing_the_programs(client, ctx):
    tenant = make_tenant("Launchers")
    owner = make_user(tenant, "owner")
    employee_round(tenant, 2)  # launched by hand: the program was never started nor edited
    with tenant_context(tenant.id):
        assert not db.session.scalars(db.select(Program).where(Program.started)).first()
    login(client, owner)
    done = _done(client.get(f"/t/{tenant.slug}/").get_data(as_text=True))
    assert "Review the programs" in done and "Launch the first round" in done
