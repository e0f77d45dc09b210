"""The development mailbox: the local outbox, readable in the browser. Off in production and
whenever SMTP is configured."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template
from werkzeug.wrappers import Response

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")
NAME = re.compile(r"^[0-9]+-[0-9a-f]{8}\.eml$")


@bp.before_request
def _only_in_development() -> None:
    if not current_app.config.get("MAILBOX_ENABLED"):
        abort(404)


def _outbox() -> Path:
    return current_app.config["SETTINGS"].instance / "outbox"


def _read(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


def _message(name: str) -> EmailMessage:
    """The outbox message ``name``; a name not of the outbox's form, or no such file, is a 404."""
    if not NAME.match(name):
        abort(404)
    path = _outbox() / name
    if not path.exists():
        abort(404)
    return _read(path)


@bp.route("/")
def index() -> str:
    files = sorted(_outbox().glob("*.eml"), reverse=True)[:200]
    messages = [(path.name, _read(path)) for path in files]
    return render_template("mailbox/index.html", messages=messages)


@bp.route("/<name>")
def show(name: str) -> str:
    message = _message(name)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return render_template(
        "mailbox/show.html",
        name=name,
        message=message,
        text=text_part.get_content() if text_part else "",
        has_html=html_part is not None,
    )


@bp.route("/<name>/html")
def show_html(name: str) -> Response:
    """The HTML part in a sandboxed response: no scripts, and nothing it links can run."""
    html_part = _message(name).get_body(preferencelist=("html",))
    if html_part is None:
        abort(404)
    response = Response(html_part.get_content(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'"
    )
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
