"""Survey tokens: 128+ bits, derived with a keyed hash from the invitation's id, so the
dispatcher can rebuild a link for a resend while the database holds only the token's hash."""

from __future__ import annotations

import base64
import hashlib

from saas.security import keyed_hash

TOKEN_BYTES = 18  # 144 bits; 24 URL-safe characters


def token_for(invitation_id: int) -> str:
    digest = keyed_hash("survey-token", str(invitation_id))[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
