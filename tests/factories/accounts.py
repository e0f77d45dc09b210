"""Companies, their members and signing in: real objects through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient

from saas.auth.models import Membership, User
from saas.db import tenant_context, utcnow
from saas.extensions import db
from saas.security import hash_password
from saas.tenancy.models import Tenant
from saas.tenancy.service import create_tenant

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)
_password_hash: str | None = None


def fast_hash() -> str:
    """The hash of ``PASSWORD``, computed once per run (hashing is slow on purpose)."""
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def make_tenant(name: str | None = None, **kwargs: Any) -> Tenant:
    tenant = create_tenant(name or f"Company {next(_counter)}", **kwargs)
    db.session.commit()
    return tenant


def make_user(
    tenant: Tenant | None = None,
    role: str = "owner",
    email: str | None = None,
    *,
    verified: bool = True,
    team_id: int | None = None,
) -> User:
    user = User(
        email=email or f"user{next(_counter)}@example.test",
        name=f"User {next(_counter)}",
        password_hash=fast_hash(),
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    if tenant is not None:
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=user.id, role=role, team_id=team_id))
            db.session.flush()
    db.session.commit()
    return user


def login(client: FlaskClient, user: User) -> None:
    """Sign in without the form (the form and its rate limit have their own tests), in a real
    server-side session."""
    from saas.auth import sessions

    sessions.start(user, "test client")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
