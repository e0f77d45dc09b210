"""Tenants and how the current one is resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import cli
    from saas.tenancy import models, views  # noqa: F401 (models: the tables)

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.tenants_cli)
