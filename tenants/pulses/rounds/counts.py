"""Counts per round, for the round page and the API: how many, never who."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import case, func, select

from saas.extensions import db
from tenants.pulses.models import Invitation


@dataclass
class RoundCounts:
    invited: int = 0
    queued: int = 0  # queued or being sent
    sent: int = 0
    bounced: int = 0
    failed: int = 0
    suppressed: int = 0
    answered: int = 0

    @property
    def participation(self) -> float | None:
        """Answered ÷ invited (the glossary's participation), None before anyone is invited."""
        return self.answered / self.invited if self.invited else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["participation"] = (
            round(self.participation, 4) if self.participation is not None else None
        )
        return data


def round_counts(round_ids: list[int]) -> dict[int, RoundCounts]:
    """Invitation counts by status, and answered, for each of the current tenant's rounds."""
    counts = {round_id: RoundCounts() for round_id in round_ids}
    if not round_ids:
        return counts
    rows = db.session.execute(
        select(
            Invitation.round_id,
            Invitation.status,
            func.count(),
            func.sum(case((Invitation.answered.is_(True), 1), else_=0)),
        )
        .where(Invitation.round_id.in_(round_ids))
        .group_by(Invitation.round_id, Invitation.status)
    )
    for round_id, status, count, answered in rows:
        item = counts[round_id]
        item.invited += count
        item.answered += int(answered or 0)
        if status in ("queued", "sending"):
            item.queued += count
        elif status in ("sent", "bounced", "failed", "suppressed"):
            setattr(item, status, getattr(item, status) + count)
    return counts
