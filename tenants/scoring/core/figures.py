"""What the dashboard, the CSV export, the API and the PDF receive: figures that have already
been through the anonymity engine. Nothing here can hold a figure of a hidden group: a hidden
group carries only how many more answers it needs.

Produced by ``tenants.scoring.service.dashboard(...)``; consumed by the dashboard, the export,
``GET /api/v1/scores`` and the reports. Plain frozen dataclasses: no Flask, no session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenants.scoring.core.maturity import Level
from tenants.scoring.core.reliability import Reliability
from tenants.scoring.core.stats import Change, Interval


@dataclass(frozen=True)
class DimensionFigure:
    key: str  # purpose_clarity, outcome_focus, ownership, adaptability, improvement, felt_value
    score: float | None  # 0-100; None when hidden or no answers
    ci: Interval | None
    favourable_share: float | None  # 0-1
    change: Change | None  # against the previous period; None when either side is hidden
    responses: int  # responses behind the score (0 when hidden)
    needed: int | None = None  # more respondents needed before it can be shown


@dataclass(frozen=True)
class GroupFigures:
    """One group (the tenant, a team subtree, a segment, a process) in one period."""

    key: str  # "all", "team:<id>", "segment:<name>", "process:<id>", "serving_team:<id>"
    name: str
    released: bool
    respondents: int  # n: distinct people who answered (from invitations)
    invited: int
    participation: float | None  # answered / invited
    threshold: int
    needed: int | None  # when hidden: how many more respondents it needs
    index: float | None = None
    index_ci: Interval | None = None
    level: Level | None = None
    change: Change | None = None  # of the index
    dimensions: tuple[DimensionFigure, ...] = ()
    depth: int = 0  # in a team tree
    team_id: int | None = None
    hidden_reason: str | None = None  # when hidden: "below_threshold" or "complementary"


@dataclass(frozen=True)
class TrendPoint:
    period: str  # 2026-Q3
    index: float | None
    ci: Interval | None
    hidden: bool
    needed: int | None = None


@dataclass(frozen=True)
class Participation:
    """Live counts (open rounds included): counts never reveal who answered."""

    invited: int
    answered: int
    open_rounds: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


@dataclass(frozen=True)
class Dashboard:
    period: str  # the period shown
    periods: tuple[str, ...]  # periods with closed rounds, newest last (for the filter)
    team_id: int | None  # the subtree shown (None = whole tenant)
    overall: GroupFigures  # employees of the shown scope
    trend: tuple[TrendPoint, ...]  # up to 8 quarters, oldest first
    teams: tuple[GroupFigures, ...]  # heatmap rows: the shown team and its subtree, tree order
    customers: GroupFigures | None  # customer felt value of the tenant (None: no customer data)
    segments: tuple[GroupFigures, ...] = ()
    processes: tuple[GroupFigures, ...] = ()
    participation: Participation = field(default_factory=lambda: Participation(0, 0, 0))
    serving_teams: tuple[GroupFigures, ...] = ()  # customer felt value by serving team
    #: Cronbach's alpha per employee dimension, tenant-wide, from the quarter's purpose-map
    #: round (methodology §5.1); empty when the tenant's figures are hidden or it had none.
    reliability: tuple[Reliability, ...] = ()

    def low_reliability(self, dimension: str) -> bool:
        """Whether ``dimension``'s items were found inconsistent (alpha below 0.7)."""
        return any(r.dimension == dimension and r.low for r in self.reliability)


@dataclass(frozen=True)
class ShownComment:
    """One released comment: its text, what it answered (the question key: ``pm_purpose``,
    ``pm_small_change``, a comment item...) and the most specific group that may be named
    (a team whose subtree clears the comment threshold; None: the tenant). Never a time."""

    text: str
    topic: str | None
    team_id: int | None
    team_name: str | None


@dataclass(frozen=True)
class Comments:
    """Free-text answers of one period and scope, through the comment threshold, shuffled."""

    period: str
    team_id: int | None  # the subtree asked for (None = whole tenant)
    released: bool
    respondents: int
    threshold: int  # the comment threshold applied
    needed: int | None  # when hidden: more respondents needed
    hidden_reason: str | None
    comments: tuple[ShownComment, ...] = ()
