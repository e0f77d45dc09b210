"""The /api/v1 blueprint: keys, the OpenAPI document; areas add endpoints. Also the members'
pages that create and revoke keys (``key_views``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Registered last: every area has added its endpoints to the blueprint by then."""
    from tenants.api import cli, key_views, models, views  # noqa: F401 (models: the tables)

    app.register_blueprint(key_views.bp)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.api_keys_cli)
