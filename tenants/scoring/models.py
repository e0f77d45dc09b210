"""Rollups kept as responses arrive: n, Σx, Σx² (and the favourable count) per round, group and
dimension, so every interval is exact without reading the answers again.

``scope`` says what the group is, always the finest cell the anonymity engine needs (every
larger group is a sum of cells, added up in Python):

* ``team``: an employee response's own team; ``scope_key`` is the team id as text, '' for
  no team. Subtrees and the tenant are sums of these.
* ``customer``: a customer response's crossed cell, ``scope_key`` =
  ``"<serving team id>|<process id>|<segment>"`` (each part '' when missing). Segments,
  processes and serving teams are sums of these, released together (the anonymity engine's
  ``PartitionFigures``).

Written only by ``tenants.scoring.rollups.add_response`` (one atomic upsert per response) and
rebuilt from the answers by ``tenants.scoring.aggregates.rollup_rows.rebuild_rollups``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Base, TenantScoped


class Rollup(TenantScoped, Base):
    __tablename__ = "rollups"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Up to two ids and a 60-character segment: "<team>|<process>|<segment>".
    scope_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    total_sq: Mapped[float] = mapped_column(Float, default=0.0)
    favourable: Mapped[int] = mapped_column(default=0)


class PeriodCount(TenantScoped, Base):
    """Distinct employees per complete period × team cell × measure, stored once the period is
    complete (quarter over, every round closed: nothing about it can change any more), so a
    dashboard does not count half a million invitations on a cold start.

    ``measure`` is ``answered``, ``invited`` or an employee dimension; ``team_id`` 0 means
    people in no team. Written by the tick (``service.store_complete_periods``)."""

    __tablename__ = "period_counts"
    __table_args__ = (UniqueConstraint("tenant_id", "period", "measure", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    measure: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[int] = mapped_column()
    people: Mapped[int] = mapped_column(default=0)


class Release(TenantScoped, Base):
    """A release: a complete quarter's figures frozen when the tick released it
    (``tenants.scoring.releases``). ``data`` is the snapshot (``tenants.scoring.stored``): the
    team tree of that moment, every group's released or suppressed outcome with its counts,
    thresholds and moments, the participation per scope, the reliability and the comments each
    scope shows. Written once, never updated: every later read of the quarter comes from here,
    whatever happens to teams, people or answers afterwards."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("tenant_id", "period", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(16), default="quarter")  # the complete quarter
    released_at: Mapped[datetime] = mapped_column()
    methodology: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text)
