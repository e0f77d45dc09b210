"""Rollups kept as responses arrive: n, Σx, Σx² (and the favourable count) per round, group and
dimension, so every interval is exact without reading the answers again.

``scope`` says what the group is: ``team`` (an employee response's own team; subtrees are sums
of these), ``all`` (the tenant), or for customers ``segment``, ``process``, ``serving_team``.
``scope_key`` is the team id, segment name or process id as text ('' for ``all``).
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Base, TenantScoped


class Rollup(TenantScoped, Base):
    __tablename__ = "rollups"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    total_sq: Mapped[float] = mapped_column(Float, default=0.0)
    favourable: Mapped[int] = mapped_column(default=0)
