"""Areas: each package registers its blueprints, CLI groups and hooks in one ``init_app(app)``.

The factory walks one explicit list of :class:`Area` records (``saas.wiring.AREAS``). Each record
says what the area registers; the factory records what each ``init_app`` actually registered,
and a test holds the two equal, so a renamed blueprint or a hook left unregistered fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from flask import Flask

from saas import hooks

_KEY = "outcome_pulse.areas"


@dataclass(frozen=True)
class Area:
    """One area and what its ``init_app`` registers (blueprint names, CLI groups, hooks)."""

    module: ModuleType
    blueprints: tuple[str, ...] = ()
    cli: tuple[str, ...] = ()
    hooks: tuple[tuple[str, str], ...] = ()  # (point, "module.function")

    @property
    def name(self) -> str:
        return self.module.__name__


@dataclass(frozen=True)
class Registered:
    """What one area's ``init_app`` added to an app."""

    blueprints: tuple[str, ...]
    cli: tuple[str, ...]
    hooks: tuple[tuple[str, str], ...]


def _hook_names(app: Flask) -> list[tuple[str, str]]:
    return [
        (point, f"{hook.__module__}.{hook.__qualname__}")
        for point in hooks.POINTS
        for hook in hooks.of(point, app)
    ]


def init_areas(app: Flask, areas: tuple[Area, ...]) -> None:
    """Call each area's ``init_app`` in order and record what it registered."""
    registered: dict[str, Registered] = {}
    for area in areas:
        init_app: Callable[[Flask], None] = area.module.init_app
        blueprints, commands, before = set(app.blueprints), set(app.cli.commands), _hook_names(app)
        init_app(app)
        after = _hook_names(app)
        registered[area.name] = Registered(
            blueprints=tuple(sorted(set(app.blueprints) - blueprints)),
            cli=tuple(sorted(set(app.cli.commands) - commands)),
            hooks=tuple(hook for hook in after if hook not in before),
        )
    app.extensions[_KEY] = registered


def registered(app: Flask) -> dict[str, Registered]:
    """What each area registered on ``app``, by area module name."""
    return dict(app.extensions[_KEY])
