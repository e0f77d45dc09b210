"""The demo tenant: ``flask --app wsgi demo seed`` and six quarters of history with a story."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import cli, hooks
    from tenants.dashboard import demo

    app.cli.add_command(cli.demo_cli)
    hooks.add(app, "demo", demo.seed_history)
