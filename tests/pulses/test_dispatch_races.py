"""Dispatchers racing and dying, on a real committed database (SQLite and PostgreSQL) and a
real SMTP server: every invitation still arrives once (only the message in flight when a
dispatcher is killed may arrive twice)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from saas.db import tenant_context, utcnow
from saas.extensions import db
from tenants.pulses.models import Invitation
from tenants.pulses.outbox import claims, delivery
from tests.factories import live
from tests.factories.live import live_tenant
from tests.factories.rounds import employee_round

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

live_app = live.live_app  # a fixture
smtp_sink = live.smtp_sink  # a fixture


def _statuses(app, tenant_id) -> Counter:
    with app.app_context(), tenant_context(tenant_id):
        return Counter(db.session.scalars(select(Invitation.status)))


def test_two_dispatchers_at_once_never_send_the_same_invitation(live_app):
    sink = live_app.smtp_sink
    with live_app.app_context():
        tenant = live_tenant()
        made = employee_round(tenant, 120)
    barrier = threading.Barrier(2)
    reports: list[delivery.DispatchReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with live_app.app_context(), tenant_context(tenant.id):
                barrier.wait()
                reports.append(delivery.deliver_due(batch_size=10))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    counts = sink.count_by_recipient()
    assert set(counts) == set(made.tokens)
    assert set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == 120
    assert all(r.sent > 0 for r in reports), [r.sent for r in reports]  # both did work
    assert _statuses(live_app, tenant.id) == {"sent": 120}


CHILD = """
import sys
from saas import create_app
from saas.db import tenant_context
from tenants.pulses.outbox import delivery
app = create_app()
with app.app_context(), tenant_context(int(sys.argv[1])):
    delivery.deliver_due(batch_size=100)
"""


def test_a_dispatcher_killed_mid_batch_is_taken_over_and_each_arrives_once(live_app, tmp_path):
    sink = live_app.smtp_sink
    sink.delay = 0.03
    settings = live_app.config["SETTINGS"]
    with live_app.app_context():
        tenant = live_tenant()
        made = employee_round(tenant, 60)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": settings.base_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tenant.id)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(sink.received) < 15 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        child.kill()
    finally:
        child.wait(10)
    before = len(sink.received)
    assert 15 <= before < 60, before
    statuses = _statuses(live_app, tenant.id)
    assert statuses["sending"] > 0  # the dead dispatcher's claims

    # A fresh dispatcher does not touch a claim that may still be alive ...
    with live_app.app_context(), tenant_context(tenant.id):
        assert delivery.deliver_due().claimed == 0
    # ... and takes it over once it is stale.
    sink.delay = 0
    later = utcnow() + claims.STALE_AFTER + timedelta(seconds=1)
    with live_app.app_context(), tenant_context(tenant.id):
        delivery.deliver_due(clock=lambda: later)
    counts = sink.count_by_recipient()
    assert set(counts) == set(made.tokens)
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= 1, counts
    assert _statuses(live_app, tenant.id) == {"sent": 60}
