"""Imports that cannot hurt: a file of the wrong kind is refused, and an import can be undone
for a day."""

from __future__ import annotations

import io
from datetime import timedelta

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Customer, Employee, ImportJob
from tests.factories.people import hr_export
from tests.people.conftest import commit, count, employees, job, upload


def test_a_file_of_the_other_kind_is_refused_by_name_and_nothing_is_imported(client, company):
    for kind, sample, says in (
        ("employees", "customers", "This looks like a customers file"),
        ("customers", "employees", "This looks like an employees file"),
    ):
        body = client.get(company.url(f"/imports/sample.csv?kind={sample}")).data
        page = client.post(
            company.url("/imports"),
            data={"kind": kind, "file": (io.BytesIO(body), f"{sample}.csv")},
            content_type="multipart/form-data",
        )
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert says in html and "Nothing was imported" in html
        assert ("Segment" in html) if sample == "customers" else ("Jefe" in html)
    assert count(company, Employee) == 0 and count(company, Customer) == 0
    assert count(company, ImportJob) == 0


def test_an_import_can_be_undone_for_a_day(client, company):
    commit(client, company, upload(client, company, hr_export(good=6, bad=False)))
    before = {
        e.email: (e.name, e.team_id, e.start_date, e.active) for e in employees(company).values()
    }
    lines = hr_export(good=4, bad=False).decode("utf-8-sig").split("\r\n")
    lines[2] = lines[2].replace('"Persona; 1"', "Renamed")  # persona1 gets a new name
    lines.insert(3, "nueva@acme.test;Nueva;Persona;Ventas;;es;01/01/2024")
    job_id = upload(client, company, "\r\n".join(lines))
    missing = str(job(company, job_id).deactivate_rows)
    commit(client, company, job_id, deactivate_missing="y", deactivate_count=missing)
    people = employees(company)
    assert people["persona1@acme.test"].name.startswith("Renamed") and "nueva@acme.test" in people
    assert not people["persona5@acme.test"].active

    page = client.get(company.url(f"/imports/{job_id}")).get_data(as_text=True)
    assert "Undo this import" in page
    undone = client.post(company.url(f"/imports/{job_id}/undo"), follow_redirects=True)
    assert "Import undone" in undone.get_data(as_text=True)
    after = {
        e.email: (e.name, e.team_id, e.start_date, e.active) for e in employees(company).values()
    }
    assert after == before  # the rename, the new person and the deactivations are gone
    assert job(company, job_id).status == "undone"
    again = client.post(company.url(f"/imports/{job_id}/undo"), follow_redirects=True)
    assert "can no longer be undone" in again.get_data(as_text=True)


def test_an_import_older_than_a_day_cannot_be_undone(client, company):
    job_id = upload(client, company, hr_export(good=6, bad=False))
    commit(client, company, job_id)
    with tenant_context(company.id):
        done = db.session.get(ImportJob, job_id)
        done.finished_at = done.finished_at - timedelta(days=1, minutes=1)
        db.session.commit()
    assert "Undo this import" not in client.get(company.url(f"/imports/{job_id}")).get_data(
        as_text=True
    )
    refused = client.post(company.url(f"/imports/{job_id}/undo"), follow_redirects=True)
    assert "can no longer be undone" in refused.get_data(as_text=True)
    assert len(employees(company)) == 6


def test_the_before_import_copy_of_people_is_deleted_once_it_cannot_be_used(app, client, company):
    import os
    from pathlib import Path

    from saas.db import utcnow
    from tenants.people.imports import jobs

    job_id = upload(client, company, hr_export(good=6, bad=False))
    commit(client, company, job_id)
    with tenant_context(company.id):
        copy = jobs._undo_file(db.session.get(ImportJob, job_id))
    assert copy.exists()
    fresh = Path(copy.parent / "fresh.undo.json")
    fresh.write_text("{}")
    old = (utcnow() - timedelta(days=1, minutes=1)).timestamp()
    os.utime(copy, (old, old))
    assert jobs.forget_expired_undo_files(utcnow()) == 1
    assert not copy.exists() and fresh.exists()
    fresh.unlink()
