"""Branded error pages for people; JSON errors for the API."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("outcome_pulse.errors")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if _wants_json():
            from tenants.api.errors import json_error

            return json_error(
                error.code or 500, error.name.lower().replace(" ", "_"), error.description
            )
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
            from tenants.api.errors import json_error

            return json_error(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/500.html", error=InternalServerError()), 500
