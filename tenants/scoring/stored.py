"""A complete quarter's released outcomes, written as JSON so another process can read them
instead of recomputing them (the tick stores them; see ``service.store_complete_periods``).

Only what the anonymity engine already released or suppressed is stored, exactly as it
decided it: figures built from a stored quarter are the figures built from a computed one
(``tests/scoring/test_stored_counts.py`` compares them). JSON floats round-trip exactly.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tenants.scoring.core.anonymity import Released, Suppressed
from tenants.scoring.core.outcomes import Outcome
from tenants.scoring.core.stats import Moments


def key_hash(key: tuple) -> str:
    """A stable fingerprint of everything a quarter's outcome depends on."""
    return hashlib.sha256(repr(key).encode()).hexdigest()


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


def encode(employees: dict, customers: Any, parts: dict) -> str:
    return json.dumps(
        {
            "employees": [[team, _outcome(o)] for team, o in employees.items()],
            "customers": _outcome(customers),
            "parts": {way: [[k, _outcome(o)] for k, o in g.items()] for way, g in parts.items()},
        },
        separators=(",", ":"),
    )


def decode(text: str) -> tuple[dict, Any, dict]:
    data = json.loads(text)

    def outcome(o: Any) -> Outcome | None:
        if o is None:
            return None
        return Outcome(
            o["r"], o["i"], o["t"], o["ok"], o["n"], o["why"],
            {k: _undim(v) for k, v in o["d"].items()},
        )  # fmt: skip

    employees = {team: outcome(o) for team, o in data["employees"]}
    parts = {way: {k: outcome(o) for k, o in g} for way, g in data["parts"].items()}
    return employees, outcome(data["customers"]), parts
