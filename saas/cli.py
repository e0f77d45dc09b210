"""Platform CLI: tenant administration. Area commands (``demo``, ...) live with their areas."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from saas.db import unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant

tenants_cli = AppGroup("tenants", help="Platform administration of tenants.")


@tenants_cli.command("list")
def list_tenants() -> None:
    with unscoped():
        for tenant in db.session.scalars(select(Tenant).order_by(Tenant.id)):
            click.echo(f"{tenant.id}\t{tenant.slug}\t{tenant.name}\t{tenant.plan}/{tenant.status}")
