"""``feature_required``: a page of a feature above the tenant's plan answers a clear page (402)
naming the plans that include it; the tenant's data is untouched."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import render_template

from saas.billing import plans
from saas.billing.entitlements import entitlements
from saas.tenancy.resolve import current_tenant

F = TypeVar("F", bound=Callable[..., Any])


def upgrade_page(feature: str) -> tuple[str, int] | None:
    """The 402 page for ``feature`` when the current tenant's plan lacks it, else None."""
    if entitlements(current_tenant()).allows(feature):
        return None
    including = [p.name for p in plans.PLANS.values() if feature in p.features]
    return render_template(
        "billing/upgrade.html",
        feature=plans.FEATURE_NAMES[feature],
        plans=including,
    ), 402


def feature_required(feature: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return upgrade_page(feature) or view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
