"""The /api/v1 blueprint: bearer keys, the current tenant, the OpenAPI document.

Errors answer in the shell's JSON shape (``saas.errors``): an ``ApiError`` here, any other
error under ``/api/`` from the app's handlers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from saas.billing.entitlements import entitlements
from saas.errors import json_error
from saas.extensions import csrf, db, limiter
from saas.security import hash_secret
from saas.tenancy.resolve import current_tenant, enter_tenant
from tenants.api import openapi, service
from tenants.api.errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, not cookies: no CSRF to forge (docs/decisions.md)

# Areas add endpoints to this blueprint from their own ``init_app`` (saas/wiring.py lists them).


def _api_key_identity() -> str:
    """Whom the API's rate limit counts: the key (by its hash, never the key itself), or the
    address for a request without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "key:" + hash_secret(header.partition(" ")[2].strip())
    return "addr:" + (request.remote_addr or "anonymous")


def _api_rate_limit() -> str:
    """Per key, shared by every worker through the limiter's store (docs: README, Security)."""
    return str(current_app.config.get("API_RATE_LIMIT", DEFAULT_API_RATE_LIMIT))


DEFAULT_API_RATE_LIMIT = "600 per minute"
limiter.limit(_api_rate_limit, key_func=_api_key_identity)(bp)


@bp.before_request
def _authenticate() -> Any:
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "_api_public", False):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise ApiError(401, "unauthorized", "Send an API key as 'Authorization: Bearer <key>'.")
    key = service.authenticate_key(secret.strip())
    if key is None:
        raise ApiError(401, "unauthorized", "This API key is not valid or was revoked.")
    tenant = service.tenant_of(key)
    enter_tenant(tenant)  # left by the app's one teardown (saas.tenancy)
    if not entitlements(tenant).can_use_api:
        raise ApiError(
            402,
            "plan_required",
            "The API is part of the Growth and Scale plans: an owner can upgrade in Billing.",
        )
    g.api_key = key
    return None


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    return json_error(error.status, error.code, error.message, error.details)


@openapi.endpoint(bp, "/openapi.json", "GET", summary="This document.", public=True, tag="meta")
def openapi_document():  # type: ignore[no-untyped-def]
    return jsonify(openapi.document(current_app.config["BASE_URL"]))


TENANT_SCHEMA = {
    "type": "object",
    "required": ["tenant"],
    "properties": {
        "tenant": {
            "type": "object",
            "required": ["slug", "name", "timezone", "locale"],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "timezone": {"type": "string"},
                "locale": {"type": "string"},
            },
        }
    },
}


@openapi.endpoint(
    bp,
    "/me",
    "GET",
    summary="The tenant this key belongs to.",
    response_schema=TENANT_SCHEMA,
    tag="meta",
)
def me():  # type: ignore[no-untyped-def]
    tenant = current_tenant()
    return jsonify(
        tenant={
            "slug": tenant.slug,
            "name": tenant.name,
            "timezone": tenant.timezone,
            "locale": tenant.locale,
        }
    )
