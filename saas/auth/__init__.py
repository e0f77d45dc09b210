"""Users, memberships, member invites, sign-in, verification and reset."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas.auth import models, two_factor_views, views  # noqa: F401 (routes on views.bp)

    app.register_blueprint(views.bp)
