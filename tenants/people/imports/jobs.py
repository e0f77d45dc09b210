"""Import jobs (the pages): the uploaded file in the instance folder, the two background steps
(preview, then commit), their progress, and the admin's confirm, discard and re-check."""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from saas.db import require_tenant_id, utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people.aggregates import undo
from tenants.people.imports.csvfile import CsvSource, ImportFileError, check_kind, open_csv
from tenants.people.imports.pipeline import ProgressFn, Staged, apply_staged, stage_source
from tenants.people.models import ImportJob
from tenants.people.service import PeopleError, SeatLimitExceeded

log = logging.getLogger("outcome_pulse.people.imports")


class ImportRefused(PeopleError):
    """The commit would not do what the admin confirmed."""


def imports_folder(tenant_id: int) -> Path:
    folder = Path(current_app.instance_path) / "imports" / str(tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_file(job: ImportJob) -> Path:
    return imports_folder(job.tenant_id) / f"{job.stored_name}.csv"


def _progress_file(job: ImportJob) -> Path:
    return imports_folder(job.tenant_id) / f"{job.stored_name}.progress"


def read_progress(job: ImportJob) -> int | None:
    """Rows read so far by the running step (written by the worker beside the file)."""
    try:
        return int(json.loads(_progress_file(job).read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return None


def _progress_writer(job: ImportJob) -> ProgressFn:
    path = _progress_file(job)

    def write(rows: int) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"rows": rows}))
        os.replace(temporary, path)

    write(0)
    return write


def create_job(kind: str, upload: BinaryIO, filename: str, actor: Any = None) -> ImportJob:
    """Store the uploaded file in the instance folder (streamed) and record a queued job."""
    if kind not in ("employees", "customers"):
        raise PeopleError(_("Choose employees or customers."))
    tenant_id = require_tenant_id()
    stored_name = uuid.uuid4().hex
    path = imports_folder(tenant_id) / f"{stored_name}.csv"
    size = 0
    with path.open("wb") as out:
        while chunk := upload.read(1 << 16):
            out.write(chunk)
            size += len(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise PeopleError(_("The file is empty."))
    try:
        check_kind(path, kind)  # the header only: a customers file is not read as employees
    except ImportFileError:  # only WrongKindError leaves check_kind
        path.unlink(missing_ok=True)
        raise
    job = ImportJob(
        kind=kind,
        filename=re.split(r"[\\/]", filename or "")[-1][:255] or "upload.csv",
        stored_name=stored_name,
        size_bytes=size,
        status="queued",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(job)
    return job


def _cleanup(job: ImportJob, keep_file: bool = False) -> None:
    _progress_file(job).unlink(missing_ok=True)
    if not keep_file:
        job_file(job).unlink(missing_ok=True)


def _fail(job_id: int, message: str, back_to: str = "failed") -> None:
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return
    job.status = back_to
    job.message = message
    job.finished_at = utcnow() if back_to == "failed" else None
    _cleanup(job, keep_file=True)
    db.session.commit()


def _open_job_source(job: ImportJob) -> CsvSource:
    path = job_file(job)
    if not path.exists():
        raise ImportFileError(_("The uploaded file is no longer available: upload it again."))
    return open_csv(path, job.kind)


def _stage_job(job: ImportJob, tenant: Tenant) -> tuple[CsvSource, Staged]:
    """Read the job's stored file and check every row into the stage (both steps do this)."""
    source = _open_job_source(job)
    try:
        staged = stage_source(
            tenant,
            job.kind,
            source.rows,
            progress=_progress_writer(job),
            day_first=source.day_first,
        )
    finally:
        source.close()
    return source, staged


def run_preview(job_id: int) -> None:
    """Background step 1: read the file, check every row, record the preview. Writes no people."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return
    job.status, job.message = "checking", None
    db.session.commit()
    tenant = db.session.get(Tenant, job.tenant_id)
    try:
        source, staged = _stage_job(job, tenant)
        db.session.rollback()  # the stage goes; nothing else was written
        job = db.session.get(ImportJob, job_id)
        job.columns = {"found": source.columns, "ignored": source.ignored}
        job.total_rows = staged.counts["total"]
        job.invalid_rows = staged.counts["invalid"]
        job.new_rows = staged.counts["new"]
        job.updated_rows = staged.counts["updated"]
        job.unchanged_rows = staged.counts["unchanged"]
        job.deactivate_rows = staged.missing
        job.teams_to_create = staged.teams.plan(staged.new_team_keys)
        job.problems = staged.problems
        problems = [staged.seat_problem(False), staged.seat_problem(True)]
        job.seat_problem = json.dumps(problems) if any(problems) else None
        job.status = "ready"
        job.previewed_at = utcnow()
        _cleanup(job, keep_file=True)
        db.session.commit()
    except PeopleError as exc:
        _fail(job_id, str(exc))
    except Exception:
        log.exception("import %s: preview failed", job_id)
        _fail(job_id, _("The file could not be checked. Nothing was changed."))


def seat_problems(job: ImportJob) -> tuple[str | None, str | None]:
    """The seat-limit message without and with deactivating the missing people."""
    if not job.seat_problem:
        return None, None
    keep, deactivate = json.loads(job.seat_problem)
    return keep, deactivate


def confirm_job(
    job: ImportJob,
    *,
    skip_invalid: bool,
    deactivate_missing: bool,
    deactivate_count: int | None = None,
) -> None:
    """The admin's go-ahead, checked here; the view then queues the commit. Deactivating the
    people missing from the file is its own step: it needs the count its confirmation page
    named (``deactivate_count``), so it cannot ride along with a plain import."""
    if deactivate_missing and deactivate_count != job.deactivate_rows:
        raise PeopleError(
            _(
                "Deactivating the people who are not in this file needs its own confirmation, "
                "which names how many: nothing was imported."
            )
        )
    if job.status != "ready":
        raise PeopleError(_("This import is not waiting for a confirmation."))
    if job.valid_rows == 0:
        raise PeopleError(_("There is no good row to import."))
    if job.invalid_rows and not skip_invalid:
        raise PeopleError(
            _(
                "%(bad)s rows have problems. Fix them and upload the file again, or tick "
                "“Import the %(good)s good rows and skip the %(bad)s rows with problems”.",
                bad=job.invalid_rows,
                good=job.valid_rows,
            )
        )
    seat_problem = seat_problems(job)[1 if deactivate_missing else 0]
    if seat_problem:
        raise SeatLimitExceeded(seat_problem)
    _move(
        job,
        ("ready",),
        "importing",
        skip_invalid=skip_invalid,
        deactivate_missing=deactivate_missing,
    )


def _move(job: ImportJob, from_statuses: tuple[str, ...], to: str, **values: Any) -> None:
    """Change the status only if nobody else did meanwhile (a double click queues one task)."""
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.status.in_(from_statuses))
        .values(status=to, message=None, **values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise PeopleError(_("This import has already moved on: reload the page."))


def run_commit(job_id: int) -> None:
    """Background step 2: the whole import in one transaction, or nothing."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "importing":
        return
    tenant = db.session.get(Tenant, job.tenant_id)
    try:
        _source, staged = _stage_job(job, tenant)
        invalid = staged.counts["invalid"]
        if invalid and not job.skip_invalid:
            raise ImportRefused(_("The file has rows with problems: nothing was imported."))
        if invalid > job.invalid_rows:
            raise ImportRefused(
                _(
                    "Since the preview, %(now)s rows have problems instead of %(before)s "
                    "(your people changed meanwhile). Nothing was imported: check the file again.",
                    now=invalid,
                    before=job.invalid_rows,
                )
            )
        before = undo.snapshot(job.tenant_id, job.kind, job.deactivate_missing)
        applied = apply_staged(staged, deactivate_missing=job.deactivate_missing)
        job.status = "done"
        job.created_count = applied.created
        job.updated_count = applied.updated
        job.unchanged_rows = applied.unchanged
        job.deactivated_count = applied.deactivated
        job.skipped_count = applied.skipped
        job.teams_created = applied.teams_created
        job.problems = staged.problems
        job.finished_at = utcnow()
        _undo_file(job).write_text(json.dumps(before))
        db.session.commit()  # the people and the job's outcome together
    except PeopleError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        log.exception("import %s: commit failed", job_id)
        _fail(job_id, _("The import failed and nothing was changed. Try again later."))
        return
    _cleanup(job)


UNDO_FOR = timedelta(days=1)


def _undo_file(job: ImportJob) -> Path:
    return imports_folder(job.tenant_id) / f"{job.stored_name}.undo.json"


def undo_until(job: ImportJob) -> datetime | None:
    """Until when the import can be undone (a day after it finished), or None."""
    if job.status != "done" or job.finished_at is None or not _undo_file(job).exists():
        return None
    until = job.finished_at + UNDO_FOR
    return until if utcnow() < until else None


def forget_expired_undo_files(now: datetime) -> int:
    """Tick: delete the before-import snapshots (people's details) once they can no longer be
    used, so no copy of a company's people outlives the day it is kept for."""
    folder = Path(current_app.instance_path) / "imports"
    expired = [
        path
        for path in folder.glob("*/*.undo.json")
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) + UNDO_FOR < now
    ]
    for path in expired:
        path.unlink(missing_ok=True)
    return len(expired)


def undo_job(job: ImportJob) -> dict[str, int]:
    """Put the people back as they were before the import (within a day of it)."""
    if undo_until(job) is None:
        raise PeopleError(_("This import can no longer be undone: undoing is possible for a day."))
    data = json.loads(_undo_file(job).read_text())
    _move(job, ("done",), "undone")
    done = undo.restore(job.tenant_id, data, utcnow())
    _undo_file(job).unlink(missing_ok=True)
    return done


def discard_job(job: ImportJob) -> None:
    if job.status in ("checking", "importing", "done"):
        raise PeopleError(_("This import cannot be discarded now."))
    job.status = "discarded"
    job.finished_at = utcnow()
    _cleanup(job)


def recheck_job(job: ImportJob) -> None:
    """Check a stored file again (after a failure, or when the people changed meanwhile)."""
    if job.status not in ("ready", "failed") or not job_file(job).exists():
        raise PeopleError(_("This file cannot be checked again: upload it again."))
    _move(job, ("ready", "failed"), "queued")


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(
        db.session.scalars(
            select(ImportJob)
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
            .limit(limit)
        )
    )
