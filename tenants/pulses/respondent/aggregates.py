"""The respondent's write, as a few plain statements: the hot path of the respondent's page.

Storing an answer is one short write transaction: use the invitation (conditional update),
insert the response, insert its answers (one executemany). Everything else (finding the
invitation, checking the form, working out the rollup values) happens before, outside the write
lock, so on SQLite concurrent respondents queue only for these three statements.

Every public function takes ``tenant_id`` explicitly and filters every tenant table by it: the
ORM's central scoping does not apply to Core statements on a connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update

from saas.extensions import db
from tenants.pulses.models import Invitation, Round
from tenants.surveys.models import Answer, Response

_invitations = Invitation.__table__
_rounds = Round.__table__

# "Answered" is set only if it was not, and only while the round is open: exactly one of any
# number of concurrent submissions changes the row.
_USE_INVITATION = (
    update(_invitations)
    .where(
        _invitations.c.tenant_id == bindparam("tenant"),
        _invitations.c.id == bindparam("invitation"),
        _invitations.c.answered.is_(False),
        exists(
            select(_rounds.c.id).where(
                _rounds.c.id == _invitations.c.round_id,
                _rounds.c.tenant_id == bindparam("tenant"),
                _rounds.c.status == "open",
            )
        ),
    )
    .values(answered=True)
)
_INSERT_RESPONSE = insert(Response.__table__)
_INSERT_ANSWERS = insert(Answer.__table__)


def store_response(
    tenant_id: int,
    invitation_id: int,
    response: Mapping[str, Any],
    answers: Sequence[Mapping[str, Any]],
) -> bool:
    """Use the invitation and store its response and answers, in the caller's transaction.

    Returns False, having written nothing, when the invitation was already used or its round is
    no longer open; the caller then rolls back."""
    connection = db.session.connection()
    used = connection.execute(_USE_INVITATION, {"tenant": tenant_id, "invitation": invitation_id})
    if used.rowcount != 1:
        return False
    connection.execute(_INSERT_RESPONSE, [{**response, "tenant_id": tenant_id}])
    if answers:  # one executemany: cheaper to build than a multi-row INSERT of 16 rows
        rows = [{**a, "tenant_id": tenant_id, "response_id": response["id"]} for a in answers]
        connection.execute(_INSERT_ANSWERS, rows)
    return True
