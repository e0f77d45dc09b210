"""Plans, entitlements, Stripe checkout and webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from saas.billing import cli, models, sync, views  # noqa: F401 (models: the tables)
    from saas.billing.entitlements import entitlements
    from saas.tenancy.resolve import entered_tenant

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.billing_cli)
    hooks.add(app, "tick", sync.billing_tick)

    @app.context_processor
    def _billing_banner() -> dict[str, Any]:
        """The banner of the state table (payment needed, past due, read-only) for members."""
        from flask_login import current_user

        tenant = entered_tenant()
        if tenant is None or not current_user.is_authenticated or not hasattr(tenant, "status"):
            return {}
        return {"billing": entitlements(tenant)}
