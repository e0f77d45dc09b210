"""Hand-built ``Dashboard`` objects (the figures contract), for tests of what the dashboard
shows: ``sample()`` is a whole quarter, ``released``/``hidden``/``customer`` one group each."""

from __future__ import annotations

from tenants.scoring.core.figures import (
    Dashboard,
    DimensionFigure,
    GroupFigures,
    Participation,
    TrendPoint,
)
from tenants.scoring.core.maturity import DIMENSIONS, maturity_level
from tenants.scoring.core.stats import Interval

EMPLOYEE_KEYS = tuple(d.key for d in DIMENSIONS if d.audience == "employee")


def dims(scores: dict[str, float], change: str = "no_clear_change") -> tuple[DimensionFigure, ...]:
    return tuple(
        DimensionFigure(k, v, Interval(v - 4, v + 4), 0.5, change, 40) for k, v in scores.items()
    )


def released(
    key: str,
    name: str,
    index: float,
    *,
    n: int = 40,
    depth: int = 0,
    team_id: int | None = None,
    scores: dict[str, float] | None = None,
    change: str | None = "no_clear_change",
) -> GroupFigures:
    scores = scores or {k: index for k in EMPLOYEE_KEYS}
    return GroupFigures(
        key=key,
        name=name,
        released=True,
        respondents=n,
        invited=n + 10,
        participation=n / (n + 10),
        threshold=5,
        needed=None,
        index=index,
        index_ci=Interval(index - 3, index + 3),
        level=maturity_level(index),
        change=change,
        dimensions=dims(scores, change or "no_clear_change"),
        depth=depth,
        team_id=team_id,
    )


def hidden(
    key: str, name: str, needed: int, *, n: int = 2, depth: int = 0, team_id: int | None = None
) -> GroupFigures:
    return GroupFigures(
        key=key,
        name=name,
        released=False,
        respondents=n,
        invited=n + 2,
        participation=n / (n + 2),
        threshold=5,
        needed=needed,
        depth=depth,
        team_id=team_id,
    )


def customer(key: str, name: str, felt: float, n: int = 30) -> GroupFigures:
    return GroupFigures(
        key=key,
        name=name,
        released=True,
        respondents=n,
        invited=n * 3,
        participation=1 / 3,
        threshold=5,
        needed=None,
        index=felt,
        index_ci=Interval(felt - 5, felt + 5),
        level=maturity_level(felt),
        change="up",
        dimensions=(
            DimensionFigure("felt_value", felt, Interval(felt - 5, felt + 5), 0.6, "up", n),
        ),
    )


def sample(period: str = "2026-Q3") -> Dashboard:
    scores = {
        "purpose_clarity": 71.0,
        "outcome_focus": 58.0,
        "ownership": 66.0,
        "adaptability": 47.0,
        "improvement": 55.0,
    }
    overall = released("all", "Acme", 62.4, n=180, scores=scores)
    overall = GroupFigures(
        **{
            **overall.__dict__,
            "dimensions": (
                DimensionFigure("purpose_clarity", 71.0, Interval(68, 74), 0.6, "up", 180),
                *dims({k: v for k, v in scores.items() if k != "purpose_clarity"}),
            ),
        }
    )
    teams = (
        released("team:1", "Operations", 58.0, n=60, team_id=1, change="down"),
        released("team:2", "Field service", 55.0, n=30, depth=1, team_id=2),
        released("team:3", "Warehouse", 61.0, n=28, depth=1, team_id=3),
        released(
            "team:4",
            "Customer Success",
            70.0,
            n=50,
            team_id=4,
            change="up",
            scores={**{k: 66.0 for k in EMPLOYEE_KEYS}, "purpose_clarity": 81.0},
        ),
        hidden("team:5", "Legal", 3, n=2, team_id=5),
    )
    trend = tuple(
        TrendPoint(p, v, Interval(v - 3, v + 3), False)
        for p, v in (
            ("2025-Q2", 54.0),
            ("2025-Q3", 55.5),
            ("2025-Q4", 57.0),
            ("2026-Q1", 58.2),
            ("2026-Q2", 60.1),
            ("2026-Q3", 62.4),
        )
    )
    return Dashboard(
        period=period,
        periods=tuple(p.period for p in trend),
        team_id=None,
        overall=overall,
        trend=trend,
        teams=teams,
        customers=customer("all", "Customers", 68.0, n=120),
        segments=(
            customer("segment:Enterprise", '=HYPERLINK("x")', 72.0),
            customer("segment:SMB", "SMB", 64.0),
            hidden("segment:Public", "Public sector", 2),
        ),
        processes=(customer("process:1", "Birthday call", 78.0),),
        participation=Participation(300, 215, 1),
    )
