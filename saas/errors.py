"""Branded error pages for people; JSON errors for the API.

The JSON error body, ``{"error": {"code", "message", "details"}}``, is the shell's: every
error under ``/api/`` (a route that does not exist, a method not allowed, an area's own
``ApiError``, an unexpected exception) answers in that one shape.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("outcome_pulse.errors")


def json_error(status: int, code: str, message: str, details: Any = None) -> tuple[Response, int]:
    """The API's error answer: ``{"error": {"code", "message", "details"}}`` with ``status``."""
    body: dict[str, Any] = {"code": code, "message": message, "details": details or []}
    return jsonify(error=body), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if _wants_json():
            response, status = json_error(
                error.code or 500,
                (error.name or "error").lower().replace(" ", "_"),
                error.description or "",
            )
            # Keep what the error says in its headers (405's Allow, 429's Retry-After).
            for name, value in error.get_headers():
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response, status
        template = (
            f"errors/{error.code}.html" if error.code in (403, 404, 429) else "errors/generic.html"
        )
        return render_template(template, error=error), error.code

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("errors/csrf.html", error=error), 400

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error")
        if _wants_json():
            return json_error(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/500.html", error=InternalServerError()), 500
