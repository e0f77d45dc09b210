"""The API's endpoints are declared once, with their schemas; the OpenAPI document and request
validation both come from that declaration, so the document cannot drift from the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint
from jsonschema import Draft202012Validator

from tenants.api import inputs
from tenants.api.errors import ApiError

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


@dataclass
class Operation:
    path: str  # OpenAPI style: /employees/{email}
    method: str
    summary: str
    operation_id: str
    request_schema: dict[str, Any] | None = None
    response_schema: dict[str, Any] | None = None
    status: int = 200
    query: list[dict[str, Any]] = field(default_factory=list)
    tag: str = "general"
    public: bool = False
    errors: dict[int, str] = field(default_factory=dict)
    path_types: dict[str, str] = field(default_factory=dict)  # name -> Flask converter


OPERATIONS: list[Operation] = []


MAX_ID = 2**63 - 1  # no row has a larger id; a larger one is a 404, not a database error
# What Flask's converters match: ``int`` takes digits only (no sign), ``string`` no slash.
_PATH_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    "string": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    request_schema: dict[str, Any] | None = None,
    response_schema: dict[str, Any] | None = None,
    status: int = 200,
    query: list[dict[str, Any]] | None = None,
    tag: str = "general",
    public: bool = False,
    errors: dict[int, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API view and its documentation; check the query and the JSON body against
    their schemas. ``errors`` documents the statuses the view itself answers besides the ones
    every endpoint of its kind may (:func:`error_statuses`)."""
    validator = Draft202012Validator(request_schema) if request_schema else None
    parameters = query or []

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            if any(
                (isinstance(v, str) and inputs.UNSTORABLE.search(v))
                or (isinstance(v, int) and v > MAX_ID)
                for v in kwargs.values()
            ):
                raise ApiError(404, "not_found", "Nothing is stored under this address.")
            inputs.check_query(parameters)
            if validator is not None and request_schema is not None:
                body = inputs.json_body(request_schema)
                errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
                if errors:
                    details = [
                        {"path": "/" + "/".join(str(p) for p in e.path), "message": e.message}
                        for e in errors[:200]
                    ]
                    raise ApiError(
                        422, "validation_failed", "The request body is not valid.", details
                    )
                kwargs["body"] = body
            return view(*args, **kwargs)

        run._api_public = public  # type: ignore[attr-defined]
        bp.add_url_rule(rule, view_func=run, methods=[method])
        OPERATIONS.append(
            Operation(
                path=_openapi_path(rule),
                path_types={
                    name: converter or "string"
                    for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule)
                },
                method=method.lower(),
                summary=summary,
                operation_id=view.__name__,
                request_schema=request_schema,
                response_schema=response_schema,
                status=status,
                query=query or [],
                tag=tag,
                public=public,
                errors=errors or {},
            )
        )
        return run

    return decorate


COMMON_ERRORS = {
    400: "Malformed: a query parameter, the JSON or the cursor is not valid.",
    401: "No API key, or one that is not valid or was revoked.",
    404: "Nothing with this id or email in this tenant.",
    413: "The body is larger than 32 MB.",
    422: "The JSON breaks the schema or holds text that cannot be stored (details say where).",
    429: "Too many requests with this key: wait Retry-After seconds.",
}


def error_statuses(op: Operation) -> dict[int, str]:
    """Every error status an operation can answer, each documented (no ``default`` catch-all)."""
    statuses = {429: COMMON_ERRORS[429]}
    if not op.public:
        statuses[401] = COMMON_ERRORS[401]
    if "{" in op.path:
        statuses[404] = COMMON_ERRORS[404]
    if op.query:
        statuses[400] = COMMON_ERRORS[400]
    if op.request_schema:
        for status in (400, 413, 422):
            statuses[status] = COMMON_ERRORS[status]
    statuses.update(op.errors)
    return dict(sorted(statuses.items()))


def document(base_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS[kind]}
            for name, kind in op.path_types.items()
        ] + op.query
        responses: dict[str, Any] = {
            str(op.status): {
                "description": "Success",
                **(
                    {"content": {"application/json": {"schema": op.response_schema}}}
                    if op.response_schema
                    else {}
                ),
            },
        }
        for status, why in error_statuses(op).items():
            responses[str(status)] = {
                "description": why,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
            if status == 429:
                responses[str(status)]["headers"] = {
                    "Retry-After": {
                        "description": "Seconds to wait before trying again.",
                        "schema": {"type": "integer"},
                    }
                }
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": responses,
        }
        if op.public:
            operation["security"] = []
        if op.request_schema:
            operation["requestBody"] = {
                "required": not inputs.body_may_be_empty(op.request_schema),
                "content": {"application/json": {"schema": op.request_schema}},
            }
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Outcome Pulse API",
            "version": "1.0.0",
            "description": "Bearer API keys reach only their own tenant. Errors are "
            '`{"error": {"code", "message", "details"}}`.',
        },
        "servers": [{"url": base_url + "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "paths": dict(sorted(paths.items())),
    }
