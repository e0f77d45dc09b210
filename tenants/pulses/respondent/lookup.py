"""Find what a survey token opens: the invitation, its round and its company, in one statement.

This is the respondent's hot path (every open and every submit starts here), and the one
look-up that must cross companies: the token is the credential, and it is what names the
company. So it is a Core statement on the session's connection, outside the ORM's central
scoping, matching on the token's hash (or, for a preview, on the round a verified preview token
names), and it returns plain frozen values rather than ORM objects: nothing it returns can be
lazily loaded, changed or flushed later in the request.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Invitation, Round


@dataclass(frozen=True)
class TenantFacts:
    """What the respondent's pages show of the company."""

    id: int
    slug: str
    name: str
    locale: str
    timezone: str
    logo_mime: str | None
    logo_version: int


@dataclass(frozen=True)
class RoundFacts:
    id: int
    tenant_id: int
    program_id: int
    kind: str
    status: str
    threshold: int
    include_purpose_map: bool
    opens_at: datetime
    closes_at: datetime
    created_at: datetime
    change_note: str | None


@dataclass(frozen=True)
class InvitationFacts:
    id: int
    answered: bool
    locale: str
    email: str
    team_id: int | None
    customer_id: int | None
    interaction_id: int | None


def _columns(facts: type, model: type) -> list[Any]:
    return [getattr(model, f.name) for f in fields(facts)]


_TENANT = _columns(TenantFacts, Tenant)
_ROUND = _columns(RoundFacts, Round)
_INVITATION = _columns(InvitationFacts, Invitation)

_BY_TOKEN_HASH = (
    select(*_INVITATION, *_ROUND, *_TENANT)
    .join(Round, Round.id == Invitation.round_id)
    .join(Tenant, Tenant.id == Round.tenant_id)
    .where(Invitation.token_hash == bindparam("token_hash"))
)
_ROUND_BY_ID = (
    select(*_ROUND, *_TENANT)
    .join(Tenant, Tenant.id == Round.tenant_id)
    .where(Round.id == bindparam("round_id"))
)


def _split(row: Any, *kinds: type) -> list[Any]:
    values, out, start = tuple(row), [], 0
    for kind in kinds:
        width = len(fields(kind))
        out.append(kind(*values[start : start + width]))
        start += width
    return out


def by_token_hash(token_hash: str) -> tuple[InvitationFacts, RoundFacts, TenantFacts] | None:
    """The invitation whose token hashes to ``token_hash``, with its round and company."""
    row = db.session.connection().execute(_BY_TOKEN_HASH, {"token_hash": token_hash}).first()
    if row is None:
        return None
    invitation, round_, tenant = _split(row, InvitationFacts, RoundFacts, TenantFacts)
    return invitation, round_, tenant


def round_by_id(round_id: int) -> tuple[RoundFacts, TenantFacts] | None:
    """A round and its company, for a preview token (which the caller then verifies)."""
    row = db.session.connection().execute(_ROUND_BY_ID, {"round_id": round_id}).first()
    if row is None:
        return None
    round_, tenant = _split(row, RoundFacts, TenantFacts)
    return round_, tenant
