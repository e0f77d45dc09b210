"""Scoring: the maturity model, its statistics and the anonymity engine.

``core`` (the maturity model, statistics, the anonymity engine, the figures) is pure functions
over numbers: no Flask, no SQLAlchemy, no ``saas``. Around it: ``models`` (the rollup tables),
``aggregates`` (the only SQL), ``rollups`` (keeping them as responses arrive), ``periods``,
``loading``, ``cache``, ``computation`` and ``service`` (the public API), ``api`` and ``tasks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.scoring import api, models, tasks  # noqa: F401 (api: /api/v1 endpoints)

    hooks.add(app, "tick", tasks.release_complete_quarters)
