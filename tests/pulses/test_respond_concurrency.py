"""200 people pressing "send" with the same link at the same moment record exactly one
response (a real committed database: SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Invitation
from tenants.scoring.models import Rollup
from tenants.surveys.models import Answer, Response
from tests.factories import live
from tests.factories.live import live_tenant
from tests.factories.rounds import employee_round, full_answers

pytestmark = pytest.mark.slow
SUBMITS = 200

live_app = live.live_app  # a fixture
smtp_sink = live.smtp_sink  # a fixture


def test_concurrent_submits_of_one_link_record_exactly_one_response(live_app):
    with live_app.app_context():
        tenant = live_tenant()
        made = employee_round(tenant, 2)
        token = next(iter(made.tokens.values()))
        form = full_answers(made.round_id, tenant.id)
    barrier = threading.Barrier(SUBMITS)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit() -> None:
        client = live_app.test_client()
        barrier.wait()
        status = client.post(f"/r/{token}/submit", data=form, csrf=False).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=submit) for _ in range(SUBMITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert Counter(statuses) == {200: 1, 409: SUBMITS - 1}
    with live_app.app_context(), tenant_context(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(func.count()).select_from(Answer)) == len(form)
        assert set(db.session.scalars(select(Rollup.n))) == {1}
        answered = db.session.scalars(select(Invitation.answered).order_by(Invitation.id))
        assert sorted(answered) == [False, True]
