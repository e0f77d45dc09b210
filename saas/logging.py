"""Structured logs: one JSON line per request, with no secrets and no survey tokens.

The path is logged as the URL *rule* (``/r/<token>``), never the raw path, and query strings are
never logged, so a token cannot leak into the logs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request

from saas.db import current_tenant_id

request_log = logging.getLogger("outcome_pulse.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure_logging() -> None:
    root = logging.getLogger("outcome_pulse")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    rule = request.url_rule.rule if request.url_rule else "<unmatched>"
    response.headers["X-Request-Id"] = g.get("request_id", "")
    request_log.info(
        "request",
        extra={
            "fields": {
                "request_id": g.get("request_id"),
                "method": request.method,
                "rule": rule,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "tenant_id": current_tenant_id(),
            }
        },
    )
    return response


def init_app(app: Flask) -> None:
    configure_logging()
    app.before_request(_start)
    app.after_request(_finish)
