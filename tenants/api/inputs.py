"""What arrives at an API endpoint, checked before a view sees it: the JSON body and the query.

Whatever bytes arrive, the answer is a 4xx JSON error, never a 500: a body that is not UTF-8
JSON, nested deeper than any real payload, or holding text no database stores (a NUL character,
a lone UTF-16 surrogate such as ``"\\ud800"``, which JSON allows and UTF-8 cannot encode); a query
parameter repeated, of the wrong type or out of its declared range.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from jsonschema import Draft202012Validator

from saas import security
from tenants.api.errors import ApiError

MAX_DEPTH = 32  # far deeper than any payload we accept; a deeper one is refused before use
UNSTORABLE = security.UNSTORABLE


def body_may_be_empty(schema: dict[str, Any]) -> bool:
    """An action's body of optional fields may be sent empty: it means ``{}``."""
    return schema.get("type") == "object" and not schema.get("required")


def json_body(schema: dict[str, Any]) -> Any:
    """The request's JSON body, parsed and checked for unstorable text (not yet the schema).
    Whatever the Content-Type says, the body is read as JSON: anything else is a 400."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if body_may_be_empty(schema):
            return {}
        raise ApiError(400, "invalid_json", "The request body must be JSON.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_json", "The request body must be UTF-8 JSON.") from exc
    except RecursionError as exc:
        raise ApiError(400, "too_deep", f"JSON nested deeper than {MAX_DEPTH} levels.") from exc
    except ValueError as exc:
        raise ApiError(400, "invalid_json", f"The request body is not valid JSON: {exc}") from exc
    problems = unstorable_text(body)
    if problems:
        raise ApiError(
            422,
            "invalid_text",
            "Text may not contain NUL characters or unpaired UTF-16 surrogates.",
            problems[:200],
        )
    return body


def unstorable_text(body: Any) -> list[dict[str, str]]:
    """Where ``body`` holds text no database stores, as ``{"path", "message"}`` details; a body
    nested deeper than :data:`MAX_DEPTH` is refused (without recursion, so it cannot overflow)."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[Any, tuple[str, ...]]] = [(body, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise ApiError(400, "too_deep", f"JSON nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                problems.append({"path": "/" + "/".join(path), "message": "unstorable text"})
        elif isinstance(value, dict):
            for key, item in value.items():
                if UNSTORABLE.search(key):
                    problems.append({"path": "/" + "/".join(path), "message": "unstorable key"})
                    continue
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, str(i))) for i, item in enumerate(value))
    return sorted(problems, key=lambda p: p["path"])


_INTEGER = re.compile(r"^-?\d{1,30}$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _typed(value: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        return int(value) if _INTEGER.match(value) else value
    if kind == "boolean":
        return _BOOLEANS.get(value.lower(), value)
    return value


def check_query(parameters: list[dict[str, Any]]) -> None:
    """Refuse (400) a query parameter the operation does not declare, or a declared one that
    is repeated or breaks its schema."""
    declared = {parameter["name"] for parameter in parameters}
    details = [
        {"parameter": name, "message": "not a parameter of this operation"}
        for name in request.args
        if name not in declared
    ]
    for parameter in parameters:
        name, schema = parameter["name"], parameter.get("schema", {})
        values = request.args.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            details.append({"parameter": name, "message": "given more than once"})
            continue
        value = _typed(values[0], schema)
        if UNSTORABLE.search(values[0]):
            details.append({"parameter": name, "message": "unstorable text"})
            continue
        for error in Draft202012Validator(schema).iter_errors(value):
            details.append({"parameter": name, "message": error.message})
    if details:
        raise ApiError(400, "invalid_parameter", "A query parameter is not valid.", details)
