"""Named hook points that areas fill in their ``init_app``, kept per app (not per process).

- ``onboarding(tenant)``: what a new tenant starts with;
- ``timezone_changed(tenant)``: after a tenant's time zone changed;
- ``tick(now)``: periodic work, run every minute by the worker under a lock;
- ``team_choices()``: the ``(id, label)`` options for a team lead's team on the members page,
  answered by the area that owns teams (so the shell names no area);
- ``seats_used()``: the current tenant's active employees (billing's quantity), answered by the
  area that owns people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

POINTS = ("onboarding", "timezone_changed", "tick", "team_choices", "seats_used")
_KEY = "outcome_pulse.hooks"


def _table(app: Flask) -> dict[str, list[Callable[..., Any]]]:
    return app.extensions.setdefault(_KEY, {point: [] for point in POINTS})


def add(app: Flask, point: str, hook: Callable[..., Any]) -> None:
    """Register ``hook`` at ``point`` for ``app`` (once)."""
    if point not in POINTS:
        raise ValueError(f"unknown hook point {point!r}; the points are {POINTS}")
    hooks = _table(app)[point]
    if hook not in hooks:
        hooks.append(hook)


def of(point: str, app: Flask | None = None) -> tuple[Callable[..., Any], ...]:
    """The hooks at ``point``, in registration (area) order."""
    if point not in POINTS:
        raise ValueError(f"unknown hook point {point!r}; the points are {POINTS}")
    return tuple(_table(app or current_app._get_current_object())[point])  # type: ignore[attr-defined]


def run(point: str, *args: Any) -> None:
    """Call every hook at ``point`` with ``args``; an error propagates to the caller."""
    for hook in of(point):
        hook(*args)
