"""The import steps run in the worker: no web request reads or writes thousands of rows."""

from __future__ import annotations

from saas.tasks import tenant_task
from tenants.people.imports import jobs


@tenant_task()
def preview_import(job_id: int) -> None:
    jobs.run_preview(job_id)


@tenant_task()
def commit_import(job_id: int) -> None:
    jobs.run_commit(job_id)
