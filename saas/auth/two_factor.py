"""Two-factor sign-in: TOTP codes from an authenticator app (RFC 6238, pyotp), recovery codes
(single use, stored as SHA-256 hashes) and the QR code that enrols the app (segno, an SVG
``data:`` URI: no inline style for the CSP to refuse). No request here."""

from __future__ import annotations

import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select

from saas.auth.models import MANAGER_ROLES, RecoveryCode, User
from saas.db import utcnow
from saas.extensions import db
from saas.security import hash_secret

ISSUER = "Outcome Pulse"
RECOVERY_CODES = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
STEP = 30


def new_secret_key() -> str:
    return pyotp.random_base32()


def qr_data_uri(user: User, secret: str) -> str:
    """The enrolment QR code (an ``otpauth://`` URI) as an SVG ``data:`` URI for an ``<img>``."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _step_of(secret: str, code: str, now: float) -> int | None:
    """The time step ``code`` is valid for (this one or a neighbour: clocks drift), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None


def code_is_valid(secret: str, code: str, now: float | None = None) -> bool:
    return _step_of(secret, code, time.time() if now is None else now) is not None


def verify(user: User, code: str, now: float | None = None) -> str | None:
    """How ``code`` proves the second factor: ``"totp"``, ``"recovery"``, or None. A TOTP code
    is accepted once (a step at or before the last used is refused); a recovery code is spent."""
    if not user.totp_secret:
        return None
    step = _step_of(user.totp_secret, code, time.time() if now is None else now)
    if step is not None and step > user.totp_last_step:
        user.totp_last_step = step
        return "totp"
    cleaned = "".join(code.split()).lower().replace("-", "")
    if len(cleaned) != 10:
        return None
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_secret(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = utcnow()
    return "recovery"


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_secret(code)))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def enable(user: User, secret: str) -> list[str]:
    """Turn two-factor sign-in on with ``secret`` (already proven by a code); returns the
    recovery codes, shown once."""
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = 0
    return _new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def required_for(role: str, tenant: object) -> bool:
    """Whether this role in this tenant must sign in with a second factor."""
    return bool(getattr(tenant, "require_two_factor", False)) and role in MANAGER_ROLES
