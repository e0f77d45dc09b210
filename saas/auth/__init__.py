"""Users, memberships, member invites, sign-in, verification and reset."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas.auth import models, views  # noqa: F401 (models: the tables)

    app.register_blueprint(views.bp)
