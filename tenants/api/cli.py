"""``flask --app wsgi api-keys create --tenant SLUG --name NAME``"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from saas.db import tenant_context
from saas.extensions import db
from saas.tenancy.models import Tenant
from saas.tenancy.service import tenant_by_slug
from tenants.api import service

api_keys_cli = AppGroup("api-keys", help="Manage a tenant's API keys.")


def _tenant(slug: str) -> Tenant:
    tenant = tenant_by_slug(slug)
    if tenant is None:
        raise click.ClickException(f"No tenant with slug {slug!r}.")
    return tenant


@api_keys_cli.command("create")
@click.option("--tenant", "slug", required=True, help="The tenant's URL slug.")
@click.option("--name", required=True, help="What the key is for.")
def create(slug: str, name: str) -> None:
    """Create a key and print it (it is shown only this once)."""
    tenant = _tenant(slug)
    with tenant_context(tenant.id):
        _key, secret = service.create_key(name)
        db.session.commit()
    click.echo(secret)


@api_keys_cli.command("list")
@click.option("--tenant", "slug", required=True)
def list_keys(slug: str) -> None:
    tenant = _tenant(slug)
    with tenant_context(tenant.id):
        for key in service.list_keys():
            state = "revoked" if key.revoked_at else "active"
            click.echo(
                f"{key.prefix}…\t{key.name}\t{state}\tlast used {key.last_used_at or 'never'}"
            )
