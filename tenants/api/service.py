"""Creating, listing, revoking and checking API keys."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saas import audit
from saas.db import unscoped, utcnow
from saas.extensions import db
from saas.security import hash_secret, new_secret
from saas.tenancy.models import Tenant
from tenants.api.models import ApiKey

KEY_PREFIX = "op_"
LAST_USED_PRECISION = timedelta(minutes=1)


def create_key(name: str, actor: object = None) -> tuple[ApiKey, str]:
    """Create a key for the current tenant; the plain key is returned once and never stored."""
    secret = KEY_PREFIX + new_secret(30)
    key = ApiKey(name=name.strip()[:80], prefix=secret[:10], key_hash=hash_secret(secret))
    key.created_by_id = getattr(actor, "id", None)
    db.session.add(key)
    audit.record("api_key_created", actor=actor, name=key.name, prefix=key.prefix)
    return key, secret


def list_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


def revoke_key(key: ApiKey, actor: object = None) -> None:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record("api_key_revoked", actor=actor, name=key.name, prefix=key.prefix)


def authenticate_key(secret: str) -> ApiKey | None:
    """An API-key look-up finds the tenant: the one place it opts out of scoping."""
    if not secret.startswith(KEY_PREFIX):
        return None
    with unscoped():
        key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))
        if key is None or key.revoked_at is not None:
            return None
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            key.last_used_at = now
            db.session.commit()
    return key


def tenant_of(key: ApiKey) -> Tenant:
    """The tenant a key belongs to, read before the request has one (hence unscoped)."""
    with unscoped():
        tenant = db.session.get(Tenant, key.tenant_id)
    assert tenant is not None  # the key's foreign key cascades with its tenant
    return tenant
