"""Fixtures of the people tests: a Spanish company with a signed-in owner, CSV uploads."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from saas.db import tenant_context
from saas.extensions import db
from tenants.people.models import Employee, ImportJob, Team
from tests.factories import login, make_tenant, make_user


@dataclass
class Company:
    tenant: object
    owner: object
    id: int
    slug: str

    def url(self, path: str) -> str:
        return f"/t/{self.slug}/people{path}"


@pytest.fixture
def company(client, ctx) -> Company:
    tenant = make_tenant("Acme Ibérica", country="ES", locale="en")
    owner = make_user(tenant, "owner")
    login(client, owner)
    return Company(tenant=tenant, owner=owner, id=tenant.id, slug=tenant.slug)


def upload(
    client,
    company: Company,
    content: bytes | str,
    kind: str = "employees",
    filename: str = "export_rrhh.csv",
) -> int:
    """Upload a file as the admin would; the preview runs (immediate queue in tests)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    response = client.post(
        company.url("/imports"),
        data={"kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def commit(client, company: Company, job_id: int, **options: str):
    return client.post(company.url(f"/imports/{job_id}/commit"), data=options)


def job(company: Company, job_id: int) -> ImportJob:
    db.session.expire_all()
    with tenant_context(company.id):
        return db.session.get(ImportJob, job_id)


def employees(company: Company) -> dict[str, Employee]:
    db.session.expire_all()
    with tenant_context(company.id):
        rows = db.session.scalars(select(Employee)).all()
        for row in rows:
            _ = row.team and row.team.name
        return {row.email: row for row in rows}


def teams(company: Company) -> dict[str, str | None]:
    """Team name → parent name."""
    db.session.expire_all()
    with tenant_context(company.id):
        rows = db.session.scalars(select(Team)).all()
        by_id = {t.id: t.name for t in rows}
        return {t.name: by_id.get(t.parent_id) for t in rows}


def count(company: Company, model) -> int:
    with tenant_context(company.id):
        return db.session.scalar(select(func.count()).select_from(model))
