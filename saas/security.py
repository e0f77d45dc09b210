"""Passwords, signed single-use tokens, secret hashing and the security headers."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, abort, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

_hasher = PasswordHasher()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (API keys, invite tokens): fast to look up, useless
    to steal."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def keyed_hash(purpose: str, message: str) -> bytes:
    """HMAC-SHA256 of ``message`` under the app secret, separated by purpose."""
    key = hashlib.sha256(f"{purpose}:{current_app.config['SECRET_KEY']}".encode()).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"outcome-pulse:{purpose}")


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None) -> dict[str, Any] | None:
    """The token's payload, or None when it is forged, expired or malformed."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (BadData, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SETTINGS"].is_production:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# Text no database column stores: NUL (PostgreSQL refuses it) and lone UTF-16 surrogates.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_unstorable_text(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A page's address, query or form holding text no database stores is a 400, before
    anything (the tenant's slug look-up first) takes it to the database. The API checks its
    own input (``tenants.api.inputs``) to answer in its documented JSON shape."""
    if request.path.startswith("/api/"):
        return
    texts = [*(values or {}).values(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += request.form.values()
    if any(isinstance(text, str) and UNSTORABLE.search(text) for text in texts):
        abort(400)


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_refuse_unstorable_text)
    app.after_request(_security_headers)
