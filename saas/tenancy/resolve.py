"""Resolve ``/t/<slug>/...`` into the current tenant and the member's role.

Every rule under ``/t/<slug>`` passes through here: the tenant is looked up by slug, the user
must hold a membership in it (otherwise 404, so a stranger learns nothing), and the view's
declared roles are enforced (views that declare none are for owners and admins only: deny by
default).

It also owns the one way in and out of a request's tenant, whichever way the request names it
(``/t/<slug>``, an API key, a survey token): :func:`enter_tenant` sets the context variable that
scopes every query and remembers the tenant, one teardown leaves it, and :func:`current_tenant`
is the one reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from saas.auth.models import MANAGER_ROLES, Membership
from saas.auth.two_factor import required_for
from saas.db import (
    Base,
    current_tenant_id,
    reset_current_tenant,
    set_current_tenant,
    unscoped,
)
from saas.extensions import db
from saas.tenancy.models import Tenant
from saas.tenancy.service import tenant_by_slug

F = TypeVar("F", bound=Callable[..., Any])
TENANT_PREFIX = "/t/<slug>"
_ENTERED = "outcome_pulse_tenant_token"  # on ``g``: the context variable's token, to leave
_TENANT = "outcome_pulse_tenant"  # on ``g``: the entered tenant's row, when there is one


def roles(*allowed: str) -> Callable[[F], F]:
    """Declare which member roles may use a tenant view (checked centrally)."""

    def decorate(view: F) -> F:
        view._allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return view

    return decorate


def any_member(view: F) -> F:
    return roles("owner", "admin", "executive", "team_lead")(view)


def enter_tenant(tenant: Tenant | int) -> None:
    """Make ``tenant`` (a row, or just its id) the request's tenant until the request ends.

    Sets the context variable that scopes every query; a row is remembered for
    :func:`current_tenant`. Left in one teardown: callers keep no token. A request serves one
    tenant: entering it again is a no-op, entering another one is an error.
    """
    tenant_id = tenant if isinstance(tenant, int) else tenant.id
    if g.get(_ENTERED) is not None:
        if current_tenant_id() != tenant_id:
            raise RuntimeError("a request serves one tenant")
    else:
        setattr(g, _ENTERED, set_current_tenant(tenant_id))
    if not isinstance(tenant, int):
        setattr(g, _TENANT, tenant)


def entered_tenant() -> Tenant | None:
    """The row handed to :func:`enter_tenant`, if any, without loading one: for the locale and
    the templates, which the respondent's page (entered by id) keeps out of its hot path."""
    return g.get(_TENANT)


def current_tenant() -> Tenant:
    """The request's tenant (404 if none was entered); a tenant entered by id is loaded once."""
    tenant = entered_tenant()
    if tenant is None:
        if g.get(_ENTERED) is None or (tenant_id := current_tenant_id()) is None:
            abort(404)
        with unscoped():
            tenant = db.session.get(Tenant, tenant_id)
        if tenant is None:
            abort(404)
        setattr(g, _TENANT, tenant)
    return tenant


def _leave_tenant(exc: BaseException | None) -> None:
    g.pop(_TENANT, None)
    token = g.pop(_ENTERED, None)
    if token is not None:
        reset_current_tenant(token)


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
    if getattr(obj, "tenant_id", None) not in (None, current_tenant_id()):
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
    tenant = tenant_by_slug(slug)
    if tenant is None:
        if not current_user.is_authenticated:
            # The same answer as for a company that exists: a visitor cannot probe slugs.
            abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
        abort(404)
    enter_tenant(tenant)


def _check_membership() -> Any:
    if not _is_tenant_rule() or entered_tenant() is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_verified:
        return redirect(url_for("auth.unverified"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == current_user.id))
    if membership is None:
        # A stranger gets exactly an unknown slug's 404: no name, no logo, no brand colour.
        g.pop(_TENANT, None)
        g.pop("tenant_slug", None)
        abort(404)
    g.membership = membership
    view = request.url_rule and _view_function()
    allowed = getattr(view, "_allowed_roles", frozenset(MANAGER_ROLES))
    if membership.role not in allowed:
        abort(403)
    if required_for(membership.role, entered_tenant()) and not current_user.totp_enabled_at:
        # The company asks its owners and admins for a second factor: set it up first.
        return redirect(url_for("auth.two_factor_setup", next=request.full_path.rstrip("?")))
    return None


def _view_function() -> Any:
    from flask import current_app

    return current_app.view_functions.get(request.endpoint or "")


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
        return {"tenant": entered_tenant(), "membership": g.get("membership")}
