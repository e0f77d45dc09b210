"""The API's endpoints are declared once, with their schemas; the OpenAPI document and request
validation both come from that declaration, so the document cannot drift from the code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, request
from jsonschema import Draft202012Validator

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


OPERATIONS: list[Operation] = []


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
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an API view and its documentation; validate the JSON body against the schema."""
    validator = Draft202012Validator(request_schema) if request_schema else None

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            if validator is not None:
                body = request.get_json(silent=True)
                if body is None:
                    raise ApiError(400, "invalid_json", "The request body must be JSON.")
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
                method=method.lower(),
                summary=summary,
                operation_id=view.__name__,
                request_schema=request_schema,
                response_schema=response_schema,
                status=status,
                query=query or [],
                tag=tag,
                public=public,
            )
        )
        return run

    return decorate


def document(base_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{([a-z_]+)}", op.path)
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
            "default": {
                "description": "Error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
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
                "required": True,
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
