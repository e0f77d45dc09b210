"""A release's snapshot, written as JSON (``models.Release.data``): the team tree of the moment,
every group's released or suppressed outcome exactly as the anonymity engine decided it (counts,
thresholds, moments), the participation per scope, the reliability and the comments each scope
shows (with the group each names). Figures built from a
snapshot are the figures built from the computation it froze (``tests/scoring/
test_stored_counts.py`` compares them); JSON floats round-trip exactly.
"""

from __future__ import annotations

import json
from typing import Any

from tenants.people.tree import TeamTree
from tenants.scoring.core.anonymity import Released, Suppressed
from tenants.scoring.core.figures import Comments, ShownComment
from tenants.scoring.core.outcomes import Outcome, PeriodOutcomes
from tenants.scoring.core.reliability import Reliability
from tenants.scoring.core.stats import Moments


def _moments(m: Moments) -> list[Any]:
    return [m.n, m.total, m.total_sq, m.favourable]


def _dim(o: Released | Suppressed | None) -> Any:
    if o is None:
        return None
    if isinstance(o, Released):
        moments = {k: _moments(m) for k, m in o.moments.items()}
        return {"R": [o.respondents, o.invited, o.threshold, moments]}
    return {"S": [o.needed, o.reason]}


def _undim(data: Any) -> Released | Suppressed | None:
    if data is None:
        return None
    if "R" in data:
        respondents, invited, threshold, moments = data["R"]
        return Released(
            respondents, invited, threshold, {k: Moments(*v) for k, v in moments.items()}
        )
    needed, reason = data["S"]
    return Suppressed(needed, reason)


def _outcome(o: Any) -> Any:
    if o is None:
        return None
    return {
        "r": o.respondents,
        "i": o.invited,
        "t": o.threshold,
        "ok": o.released,
        "n": o.needed,
        "why": o.reason,
        "d": {k: _dim(v) for k, v in o.dims.items()},
    }


def _comments(c: Comments) -> list[Any]:
    texts = [[x.text, x.topic, x.team_id, x.team_name] for x in c.comments]
    return [c.released, c.respondents, c.threshold, c.needed, c.hidden_reason, texts]


def _uncomments(period: str, scope: int | None, data: list[Any]) -> Comments:
    released, respondents, threshold, needed, reason, texts = data
    shown = tuple(ShownComment(*x) for x in texts)
    return Comments(period, scope, released, respondents, threshold, needed, reason, shown)


def _scope(key: str) -> int | None:
    return None if key == "" else int(key)


def encode(p: PeriodOutcomes) -> str:
    """The snapshot of a period read from a computation that set ``tree``, ``participation``
    and ``reliability`` on it."""
    assert p.tree is not None and p.participation is not None and p.reliability is not None
    return json.dumps(
        {
            "tree": [[t, p.tree.names[t], p.tree.parent[t]] for t in p.tree.order],
            "employees": [[team, _outcome(o)] for team, o in p.employees.items()],
            "customers": _outcome(p.customers),
            "parts": {
                way: [[k, _outcome(o)] for k, o in g.items()] for way, g in p.customer_parts.items()
            },
            "participation": {
                "" if k is None else str(k): list(v) for k, v in p.participation.items()
            },
            "reliability": [[r.dimension, r.alpha, r.items, r.responses] for r in p.reliability],
            "comments": {
                "" if k is None else str(k): _comments(c) for k, c in (p.comments or {}).items()
            },
        },
        separators=(",", ":"),
    )


def decode(period: str, key: tuple, text: str) -> PeriodOutcomes:
    data = json.loads(text)

    def outcome(o: Any) -> Outcome | None:
        if o is None:
            return None
        return Outcome(
            o["r"], o["i"], o["t"], o["ok"], o["n"], o["why"],
            {k: _undim(v) for k, v in o["d"].items()},
        )  # fmt: skip

    return PeriodOutcomes(
        period,
        key,
        {team: outcome(o) for team, o in data["employees"]},  # type: ignore[misc]
        outcome(data["customers"]),
        {way: {k: outcome(o) for k, o in g} for way, g in data["parts"].items()},  # type: ignore[misc]
        tree=TeamTree.build((t, name, parent) for t, name, parent in data["tree"]),
        participation={_scope(k): (v[0], v[1]) for k, v in data["participation"].items()},
        reliability=tuple(Reliability(*r) for r in data["reliability"]),
        comments={
            _scope(k): _uncomments(period, _scope(k), c) for k, c in data["comments"].items()
        },
    )
