"""Survey tokens: 128+ bits, derived with a keyed hash from the invitation's id, so the
dispatcher can rebuild a link for a resend while the database holds only the token's hash.
And preview tokens ("send me a test"): they show a round's questions but can never submit."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING

from saas.security import keyed_hash

if TYPE_CHECKING:
    from tenants.pulses.models import Round

TOKEN_BYTES = 18  # 144 bits; 24 URL-safe characters
PREVIEW_PREFIX = "pv."


def token_for(invitation_id: int) -> str:
    digest = keyed_hash("survey-token", str(invitation_id))[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- preview links ("send me a test") ----------------------------------------------------------


def _preview_mac(tenant_id: int, round_id: int) -> str:
    digest = keyed_hash("survey-preview", f"{tenant_id}:{round_id}")[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def preview_token(round_: Round) -> str:
    """A link token that shows the round's questions but can never submit (no invitation).

    Its ``.`` separators never occur in a real token (URL-safe base64), so the two cannot be
    confused."""
    return f"{PREVIEW_PREFIX}{round_.id}.{_preview_mac(round_.tenant_id, round_.id)}"


def preview_round_id(token: str) -> int | None:
    """The round id a preview token names (not yet verified), or None."""
    if not token.startswith(PREVIEW_PREFIX):
        return None
    round_id, _, mac = token[len(PREVIEW_PREFIX) :].partition(".")
    if not round_id.isdigit() or len(round_id) > 10 or not mac or int(round_id) >= 2**31:
        return None
    return int(round_id)


def preview_matches(token: str, round_: Round) -> bool:
    expected = preview_token(round_)
    return hmac.compare_digest(token.encode(), expected.encode())
