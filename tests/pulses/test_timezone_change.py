"""Moving the company to another time zone keeps pulses at the local hour people expect."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.pulses.models import Program
from tenants.pulses.programs.service import start_program
from tests.factories import login
from tests.factories.pulses import madrid_tenant, owner_of, program_of


def test_changing_the_time_zone_reschedules_started_programs(client, ctx):
    tenant = madrid_tenant(name="Moving Co")
    owner = owner_of(tenant)
    program = program_of(tenant)
    with tenant_context(tenant.id):
        start_program(program, tenant, utcnow())
        db.session.commit()
        program_id = program.id
    login(client, owner)
    client.post(
        f"/t/{tenant.slug}/settings",
        data={
            "name": "Moving Co",
            "contact_email": "",
            "country": "US",
            "timezone": "America/New_York",
            "locale": "en",
            "anonymity_threshold": 5,
            "comment_threshold": 10,
            "accent_color": "#1f5fa8",
        },
    )
    db.session.expire_all()
    with tenant_context(tenant.id):
        moved = db.session.get(Program, program_id)
        local = moved.next_send_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (moved.send_time.hour, moved.send_time.minute)
    assert local.weekday() == moved.weekday
