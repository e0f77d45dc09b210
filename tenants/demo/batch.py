"""The rows of the history, gathered in memory and written with bulk inserts (so ``flask demo
seed`` stays fast), then the rollups rebuilt by the scoring area's own set-based SQL."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from saas.extensions import db
from tenants.pulses.models import Interaction, Invitation
from tenants.pulses.rounds.launch import set_invitation_tokens
from tenants.scoring.aggregates import rollup_rows
from tenants.surveys.models import Answer, Response


@dataclass
class Batch:
    invitations: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    round_ids: list[int] = field(default_factory=list)
    #: Invitations of rounds still open: written through the ORM, they need their tokens.
    open_invites: list[dict[str, Any]] = field(default_factory=list)

    def invite(
        self,
        tenant_id: int,
        round_id: int,
        who: dict[str, Any],
        locale: str | None,
        sent_at: datetime,
        answered: bool,
        reminders_sent: int,
        open_round: bool,
    ) -> None:
        """An invitation as the dispatcher leaves it once sent. ``who``: the person's id
        (``employee_id`` or ``customer_id``), email and team, and a customer's interaction."""
        row = {
            "tenant_id": tenant_id,
            "round_id": round_id,
            **who,
            "locale": locale or "en",
            "status": "sent",
            "attempts": 1,
            "sent_at": sent_at,
            "next_attempt_at": sent_at,
            "answered": answered,
            "reminders_sent": reminders_sent,
            "created_at": sent_at,
        }
        (self.open_invites if open_round else self.invitations).append(row)


def new_id() -> str:
    """A response id (random, like a real submission's)."""
    return secrets.token_hex(16)


def _bulk(model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def write(tenant_id: int, batch: Batch) -> None:
    """Insert the batch's rows, link invitations to their interactions, give the open rounds'
    invitations their tokens and rebuild the rollups of the batch's rounds."""
    _bulk(Interaction, batch.interactions)
    db.session.flush()
    interaction_ids = dict(
        db.session.execute(
            select(Interaction.external_id, Interaction.id).where(
                Interaction.external_id.like("demo-%")
            )
        ).all()
    )

    def link(row: dict[str, Any]) -> dict[str, Any]:
        key = row.pop("_interaction", None)
        row["interaction_id"] = interaction_ids.get(key) if key else None
        return row

    _bulk(Invitation, [link(row) for row in batch.invitations])
    # Open rounds' invitations need their token, which derives from their id.
    live = [Invitation(**link(row)) for row in batch.open_invites]
    db.session.add_all(live)
    set_invitation_tokens(live)
    customer_rows = [r for r in batch.responses if r["audience"] == "customer"]
    employee_rows = [r for r in batch.responses if r["audience"] == "employee"]
    _bulk(Response, employee_rows)
    _bulk(Response, customer_rows)
    _bulk(Answer, batch.answers)
    rollup_rows.rebuild_rollups(tenant_id, sorted(set(batch.round_ids)))
    db.session.flush()
