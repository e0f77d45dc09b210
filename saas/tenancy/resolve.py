"""Resolve ``/t/<slug>/...`` into the current tenant and the member's role.

Every rule under ``/t/<slug>`` passes through here: the tenant is looked up by slug, the user
must hold a membership in it (otherwise 404, so a stranger learns nothing), the context variable
is set for the request and cleared after it, and the view's declared roles are enforced (views
that declare none are for owners and admins only: deny by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from saas.auth.models import MANAGER_ROLES, Membership
from saas.db import Base, reset_current_tenant, set_current_tenant, unscoped
from saas.extensions import db
from saas.tenancy.models import Tenant

F = TypeVar("F", bound=Callable[..., Any])
TENANT_PREFIX = "/t/<slug>"


def roles(*allowed: str) -> Callable[[F], F]:
    """Declare which member roles may use a tenant view (checked centrally)."""

    def decorate(view: F) -> F:
        view._allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def any_member(view: F) -> F:
    return roles("owner", "admin", "executive", "team_lead")(view)


def current_tenant() -> Tenant:
    tenant = g.get("tenant")
    if tenant is None:
        abort(404)
    return tenant


def current_membership() -> Membership:
    membership = g.get("membership")
    if membership is None:
        abort(404)
    return membership


def get_or_404(model: type[Base], object_id: Any) -> Any:
    """Load a tenant-owned object by primary key; a foreign or missing object is a 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    tenant = g.get("tenant")
    if getattr(obj, "tenant_id", None) not in (None, getattr(tenant, "id", None)):
        abort(404)
    return obj


def _is_tenant_rule() -> bool:
    rule = request.url_rule
    return rule is not None and rule.rule.startswith(TENANT_PREFIX)


def _enter_tenant(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values or "slug" not in values or not _is_tenant_rule():
        return
    slug = values.pop("slug")
    g.tenant_slug = slug
    with unscoped():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        abort(404)
    g.tenant = tenant
    g.tenant_token = set_current_tenant(tenant.id)


def _check_membership() -> Any:
    if not _is_tenant_rule() or g.get("tenant") is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_verified:
        return redirect(url_for("auth.unverified"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == current_user.id))
    if membership is None:
        abort(404)
    g.membership = membership
    view = request.url_rule and _view_function()
    allowed = getattr(view, "_allowed_roles", frozenset(MANAGER_ROLES))
    if membership.role not in allowed:
        abort(403)
    return None


def _view_function() -> Any:
    from flask import current_app

    return current_app.view_functions.get(request.endpoint or "")


def _leave_tenant(exc: BaseException | None) -> None:
    token = g.pop("tenant_token", None)
    if token is not None:
        reset_current_tenant(token)


def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "slug" in values or not g.get("tenant_slug"):
        return
    from flask import current_app

    rules = current_app.url_map._rules_by_endpoint.get(endpoint, [])
    if any("slug" in rule.arguments for rule in rules):
        values["slug"] = g.tenant_slug


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_enter_tenant)
    app.before_request(_check_membership)
    app.teardown_request(_leave_tenant)
    app.url_defaults(_add_slug)

    @app.context_processor
    def _tenant_globals() -> dict[str, Any]:
        return {"tenant": g.get("tenant"), "membership": g.get("membership")}
