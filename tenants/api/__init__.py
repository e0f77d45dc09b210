"""The /api/v1 blueprint: keys, JSON errors, the OpenAPI document. Areas add endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Registered last: every area has added its endpoints to the blueprint by then."""
    from tenants.api import cli, models, views  # noqa: F401 (models: the tables)

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.api_keys_cli)
