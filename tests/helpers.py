"""Factories and helpers shared by the tests: real objects through the real services."""

from __future__ import annotations

import email
import itertools
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path
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
    """Sign in without the form (the form and its rate limit have their own tests)."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clear(self) -> None:
        if self.folder.exists():
            for path in self.folder.glob("*.eml"):
                path.unlink()

    def messages(self) -> list[EmailMessage]:
        if not self.folder.exists():
            return []
        return [
            email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in sorted(self.folder.glob("*.eml"))
        ]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if m["To"] == address]

    def last_to(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}; outbox has {[m['To'] for m in self.messages()]}"
        return found[-1]

    def __len__(self) -> int:
        return len(self.messages())


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return part.get_content()


def link_in(message: EmailMessage, path_fragment: str) -> str:
    """The first link in the text part whose path contains ``path_fragment``, as a local path."""
    for url in re.findall(r"https?://\S+", text_of(message)):
        if path_fragment in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link with {path_fragment!r} in: {text_of(message)}")
