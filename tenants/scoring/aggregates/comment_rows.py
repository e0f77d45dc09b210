"""Free-text answers of a period, for the comment release."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from saas.extensions import db
from tenants.scoring.aggregates import TEXT_SCALES_SQL


@dataclass(frozen=True, slots=True)
class CommentRow:
    text: str
    topic: str  # the question's key: pm_purpose, pm_small_change, a comment item's key...
    team_id: int | None


def employee_comments(tenant_id: int, period: str) -> list[CommentRow]:
    """Free-text answers (comment items and purpose-map text) of the closed employee rounds
    of ``period``, with the team the response is filed under. No time, no order that means
    anything: the anonymity engine shuffles them."""
    rows = db.session.execute(
        text(
            f"""
            SELECT a.text, q.key, resp.team_id
            FROM answers a
            JOIN responses resp ON resp.id = a.response_id AND resp.tenant_id = :tenant_id
            JOIN rounds r ON r.id = resp.round_id AND r.tenant_id = :tenant_id
            JOIN questions q ON q.id = a.question_id AND q.tenant_id = :tenant_id
            WHERE a.tenant_id = :tenant_id AND r.period = :period AND r.status = 'closed'
              AND r.kind = 'employee' AND q.scale IN ({TEXT_SCALES_SQL})
              AND a.text IS NOT NULL AND a.text <> ''
            """  # noqa: S608 -- constant scale names only
        ),
        {"tenant_id": tenant_id, "period": period},
    )
    return [CommentRow(r[0], r[1], None if r[2] is None else int(r[2])) for r in rows]
