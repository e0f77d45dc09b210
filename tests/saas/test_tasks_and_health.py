"""Background work runs with the tenant and its locale, through the real queue too."""

from __future__ import annotations

import os
import socket
import time

import pytest
from flask_babel import get_locale
from huey import RedisHuey, SqliteHuey

from saas import tasks
from saas.db import current_tenant_id
from saas.extensions import db
from saas.health import WorkerHeartbeat
from tests.factories import make_tenant

SEEN: list[tuple[int | None, str]] = []


@tasks.tenant_task()
def remember_context() -> tuple[int | None, str]:
    seen = (current_tenant_id(), str(get_locale()))
    SEEN.append(seen)
    return seen


def test_a_tenant_task_runs_with_its_tenant_and_locale_in_immediate_mode(ctx):
    tenant = make_tenant("Tareas", locale="es")
    result = remember_context(tenant.id)
    assert result() == (tenant.id, "es")
    assert current_tenant_id() is None  # nothing leaks out of the task


def _real_queues(tmp_path):
    yield "sqlite", SqliteHuey("op-test", filename=str(tmp_path / "queue.db"), utc=True)
    redis_url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable in CI")
        return
    yield "redis", RedisHuey("op-test", url=redis_url, utc=True)


@pytest.fixture
def live_app(tmp_path):
    """A committed database for work that crosses threads."""
    from tests.conftest import committed_app, dispose

    application = committed_app(f"sqlite:///{tmp_path / 'live.db'}", tmp_path)
    yield application
    dispose(application)


@pytest.mark.slow
def test_tasks_run_through_a_real_queue_and_consumer(live_app, tmp_path):
    with live_app.app_context():
        tenant = make_tenant("Cola", locale="es")
        tenant_id = tenant.id
    original = tasks.huey
    for name, queue in _real_queues(tmp_path):
        queue.flush()
        task = queue.task()(remember_context.func)
        # The consumer runs the real task wrapper (app context, tenant, locale) from its thread.
        wrapped = queue.task()(_in_app(live_app))
        consumer = queue.create_consumer(workers=2, worker_type="thread", periodic=False)
        consumer.start()  # worker threads pull from the real queue (SQLite file or Redis)
        try:
            result = wrapped(tenant_id)
            assert result.get(blocking=True, timeout=20) == [tenant_id, "es"], name
        finally:
            consumer.stop(graceful=True)
            _restore_signals()
        assert task is not None
    assert tasks.huey is original


def _restore_signals() -> None:
    import signal

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(
            signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler
        )


def _in_app(application):
    def run_remember(tenant_id: int) -> list:
        with application.app_context():
            result = remember_context.call_local(tenant_id)
        return list(result)

    return run_remember


def test_the_tick_records_a_heartbeat_that_healthz_reports(client, ctx):
    assert client.get("/healthz").get_json()["worker"]["status"] == "never_seen"
    tasks.run_tick()
    body = client.get("/healthz").get_json()
    assert body["database"] == "ok" and body["worker"]["status"] == "ok"
    assert db.session.get(WorkerHeartbeat, "tick") is not None


def test_the_tick_is_never_run_twice_at_once(app, ctx, monkeypatch):
    ran = []
    table = {**app.extensions["outcome_pulse.hooks"]}
    table["tick"] = [lambda now: (ran.append(now), time.sleep(0.3))]
    monkeypatch.setitem(app.extensions, "outcome_pulse.hooks", table)
    tasks.tick.call_local()  # nobody holds the lock: the hook runs
    assert len(ran) == 1
    with tasks.huey.lock_task("tick"):
        tasks.tick.call_local()  # another worker holds the lock: nothing runs
    assert len(ran) == 1


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    from saas import create_app
    from tests.conftest import make_settings

    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    application = create_app({"SETTINGS": make_settings(url, tmp_path), "TESTING": True})
    application.config["SQLALCHEMY_DATABASE_URI"] = url
    response = application.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"
