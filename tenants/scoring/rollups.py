"""Keep the rollups exact as responses arrive.

A response contributes, per dimension it answered on a scored scale, **one value**: the mean of
its answers to that dimension's questions, each converted linearly to 0-100 (the unit of
analysis, docs/methodology.md §2). The value is added to one cell of its round:

* employee response → ``("team", "<team id>")`` ('' for no team): the team frozen on the
  invitation, which the submit code copies onto the response;
* customer response → ``("customer", "<serving team id>|<process id>|<segment>")``: the crossed
  cell, from which segments, processes and serving teams are all sums.

The submit code calls ``add_values`` once per stored response (with the values it computed from
the form), in the transaction that stores it, so a rolled-back submission leaves no trace in the
rollups; ``add_response`` does the same from a stored response. The increment itself is one
atomic ``INSERT ... ON CONFLICT DO UPDATE`` in ``aggregates.rollup_rows.add_to_rollups``, exact
under concurrent submissions on PostgreSQL and SQLite. ``rollup_rows.rebuild_rollups`` computes
the same rows from the stored answers in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import select

from saas.db import require_tenant_id
from saas.extensions import db
from tenants.scoring.aggregates import rollup_rows
from tenants.scoring.core.maturity import anchor_key
from tenants.scoring.core.stats import agreement_to_100, ten_point_to_100, yes_no_to_100
from tenants.surveys.bank import ANCHOR_KEYS
from tenants.surveys.models import Answer, Question, Response


def answer_to_100(scale: str, value: float) -> float | None:
    """One answer on the 0-100 scale; None for a scale that is not scored (free text).

    ``agree5`` and the purpose map's ``achievement`` are 1-5 agreement scales, ``ten`` is 0-10,
    ``yes_no`` is stored as 1 (yes) or 0 (no). Out-of-range values raise ``ValueError``.
    """
    if scale in ("agree5", "achievement"):
        return agreement_to_100(value)
    if scale == "ten":
        return ten_point_to_100(value)
    if scale == "yes_no":
        if value not in (0, 1):
            raise ValueError(f"yes/no answer must be 0 or 1, got {value!r}")
        return yes_no_to_100(value == 1)
    return None


def response_values(
    answers: Iterable[
        tuple[str | None, str, float | None] | tuple[str | None, str, float | None, str]
    ],
) -> dict[str, float]:
    """A response's value per dimension from ``(dimension, scale, value[, key])`` of its
    answers: the mean of its converted scored answers to that dimension's questions; and, when
    the key of a dimension's anchor item (``bank.ANCHOR_KEYS``) is given, that answer alone
    under ``<dimension>:anchor`` (the like-with-like value the change test compares)."""
    found: dict[str, list[float]] = defaultdict(list)
    anchors: dict[str, float] = {}
    for dimension, scale, value, *key in answers:
        if dimension is None or value is None:
            continue
        converted = answer_to_100(scale, float(value))
        if converted is not None:
            found[dimension].append(converted)
            if key and key[0] in ANCHOR_KEYS:
                anchors[anchor_key(dimension)] = converted
    out = {dimension: sum(xs) / len(xs) for dimension, xs in found.items()}
    out.update(anchors)
    return out


def cell_for(
    audience: str, team_id: int | None, process_id: int | None = None, segment: str | None = None
) -> tuple[str, str]:
    """The rollup cell ``(scope, scope_key)`` a response with these fields is filed under."""
    team = "" if team_id is None else str(team_id)
    if audience == "customer":
        process = "" if process_id is None else str(process_id)
        return "customer", f"{team}|{process}|{segment or ''}"
    return "team", team


def cell_of(response: Response) -> tuple[str, str]:
    """The rollup cell ``(scope, scope_key)`` a response is filed under."""
    return cell_for(response.audience, response.team_id, response.process_id, response.segment)


def add_values(
    tenant_id: int, round_id: int, cell: tuple[str, str], values: Mapping[str, float]
) -> None:
    """Add one response, already reduced to its value per dimension (``response_values``), to
    its round's rollups. The respondent's page calls this with values it computed from the form,
    in the transaction that stores the response; it never commits."""
    if values:
        rollup_rows.add_to_rollups(tenant_id, round_id, cell[0], cell[1], values)


def add_response(response: Response) -> None:
    """Add one stored response to its round's rollups, reading its answers back. Call it exactly
    once per response, in the transaction that stores it; it flushes, never commits."""
    db.session.flush()  # the response and its answers are rows before they are read
    rows = db.session.execute(
        select(Question.dimension, Question.scale, Answer.value, Question.key)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == response.id)
    )
    values = response_values((r[0], r[1], r[2], r[3]) for r in rows)
    tenant_id = response.tenant_id if response.tenant_id is not None else require_tenant_id()
    add_values(tenant_id, response.round_id, cell_of(response), values)
