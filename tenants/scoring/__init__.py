"""Scoring: the maturity model, its statistics and the anonymity engine.

``stats``, ``model`` and ``anonymity`` are pure functions over numbers: no Flask, no
database session. ``models`` (the rollup table) and ``aggregates`` (the SQL that feeds
these functions) are the only modules here that touch the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from saas import hooks
    from tenants.scoring import api, models, tasks  # noqa: F401 (api: /api/v1 endpoints)

    hooks.add(app, "tick", tasks.store_counts_of_complete_periods)
