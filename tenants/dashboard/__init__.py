"""The tenant's home: figures, filters, empty states, exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from tenants.dashboard import views

    app.register_blueprint(views.bp)
