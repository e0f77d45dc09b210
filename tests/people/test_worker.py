"""The import steps through a real Huey queue and consumer thread, on a committed database:
real transactions, the worker's own app context and connection (immediate mode hides those)."""

from __future__ import annotations

import io
import signal

import pytest
from huey import SqliteHuey
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.people import tasks
from tenants.people.imports import jobs
from tenants.people.models import Employee, ImportJob, Team
from tests.factories import make_tenant
from tests.people.test_imports import hr_export


@pytest.fixture
def live_app(tmp_path):
    from tests.conftest import committed_app, dispose

    application = committed_app(f"sqlite:///{tmp_path / 'live.db'}", tmp_path)
    yield application
    dispose(application)


def _restore_signals() -> None:
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(
            signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler
        )


def test_preview_and_commit_run_in_a_worker_with_real_transactions(live_app, tmp_path):
    queue = SqliteHuey("op-people-test", filename=str(tmp_path / "queue.db"), utc=True)

    def step(task):
        def run(tenant_id: int, job_id: int) -> bool:
            with live_app.app_context():
                task.call_local(tenant_id, job_id)
            return True  # Huey stores no None result to wait on

        return run

    preview = queue.task(name="preview")(step(tasks.preview_import))
    commit = queue.task(name="commit")(step(tasks.commit_import))
    with live_app.app_context():
        tenant = make_tenant("Cola Ibérica", country="ES")
        tenant_id = tenant.id
        with tenant_context(tenant_id):
            job = jobs.create_job("employees", io.BytesIO(hr_export(good=300)), "rrhh.csv")
            db.session.flush()
            job_id = job.id
            db.session.commit()
        db.session.remove()

    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        preview(tenant_id, job_id).get(blocking=True, timeout=30)
        with live_app.app_context(), tenant_context(tenant_id):
            job = db.session.get(ImportJob, job_id)
            assert (job.status, job.new_rows, job.invalid_rows) == ("ready", 300, 3)
            assert db.session.scalar(select(func.count(Employee.id))) == 0
            jobs.confirm_job(job, skip_invalid=True, deactivate_missing=False)
            db.session.commit()
            db.session.remove()
        commit(tenant_id, job_id).get(blocking=True, timeout=30)
        with live_app.app_context(), tenant_context(tenant_id):
            job = db.session.get(ImportJob, job_id)
            assert (job.status, job.created_count, job.skipped_count) == ("done", 300, 3)
            assert db.session.scalar(select(func.count(Employee.id))) == 300
            assert db.session.scalar(select(func.count(Team.id))) == 2
            assert not jobs.job_file(job).exists()  # the upload is removed once imported
            db.session.remove()
    finally:
        consumer.stop(graceful=True)
        _restore_signals()
