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


def feature_required(feature: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if entitlements(current_tenant()).allows(feature):
                return view(*args, **kwargs)
            including = [p.name for p in plans.PLANS.values() if feature in p.features]
            return render_template(
                "billing/upgrade.html",
                feature=plans.FEATURE_NAMES[feature],
                plans=including,
            ), 402

        return guarded  # type: ignore[return-value]

    return decorate
