"""The data shapes the charts take, and the words they print.

Every chart function accepts these dataclasses or plain mappings with the same keys (extra
keys are ignored), so scoring results can be passed through without conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

CHANGES = ("up", "down", "no_clear_change")


@dataclass(frozen=True)
class Point:
    """One period of a trend. ``value`` None = hidden (too few answers) or no data."""

    period: str
    value: float | None
    lower: float | None = None  # 95% confidence interval
    upper: float | None = None
    note: str | None = None  # shown instead of Words.hidden when value is None


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class DimensionBar:
    """One dimension's bar: its score with CI and change, or how many answers it still needs.

    Not ``tenants.scoring``'s ``DimensionScore``: this is what the chart draws, already labelled.
    """

    label: str
    score: float | None
    lower: float | None = None
    upper: float | None = None
    change: str | None = None  # "up" | "down" | "no_clear_change" | None (no previous period)
    needs: int | None = None  # answers still needed when score is None


@dataclass(frozen=True)
class Segment:
    label: str
    value: float | None
    n: int | None = None
    lower: float | None = None
    upper: float | None = None
    needs: int | None = None  # answers still needed when value is None


@dataclass(frozen=True)
class HeatRow:
    label: str
    depth: int = 0  # 0 = top of the team tree; each level is indented
    key: Any = None  # key into a mapping of cells; defaults to label


@dataclass(frozen=True)
class HeatColumn:
    label: str
    key: Any = None  # defaults to label


@dataclass(frozen=True)
class Words:
    """Everything the charts print, so a caller can pass translated words."""

    index: str = "Outcome Culture Index"
    hidden: str = "hidden"
    heat_low: str = "concern"  # the heat map's lowest step
    heat_high: str = "strong"  # and its highest
    not_enough: str = "not enough answers"
    needs_more: str = "not enough answers (needs {k} more)"
    up: str = "up"
    down: str = "down"
    no_clear_change: str = "no clear change"
    ci: str = "95% CI"
    ci_band: str = "The shaded band shows where the true score likely lies"
    whisker: str = "The line across each bar shows where the true score likely lies"
    period: str = "Period"
    dimension: str = "Dimension"
    score: str = "Score"
    change: str = "Change"
    team: str = "Team"
    segment: str = "Segment"
    felt_value: str = "Felt value"
    n: str = "n"
    n_equals: str = "n = {n}"
    invited: str = "Invited"
    answered: str = "Answered"
    participation: str = "Participation"
    participation_text: str = "{pct}% participation ({answered} of {invited} answered)"
    no_invitations: str = "No invitations yet"
    trend_title: str = "Outcome Culture Index by period"
    dimensions_title: str = "Scores by dimension"
    heatmap_title: str = "Scores by team and dimension"
    segments_title: str = "Customer felt value by segment"
    participation_title: str = "Participation"
    trend_desc: str = "Line chart on a 0 to 100 scale."
    trend_dropped: str = "Showing the latest {shown} of {total} periods."
    bars_desc: str = "Bar chart on a 0 to 100 scale."
    heatmap_desc: str = (
        "Heat map of {rows} teams by {columns} dimensions on a 0 to 100 scale; "
        "orange cells are below 50 (a concern), purple cells 60 or more (good). "
        "{hidden} cells hidden."
    )
    path_separator: str = " › "


WORDS = Words()

T = TypeVar("T")


def coerce(cls: type[T], obj: Any) -> T:
    """A dataclass instance from itself or from a mapping with the same keys."""
    if isinstance(obj, cls):
        return obj
    if isinstance(obj, Mapping):
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in obj.items() if k in names})
    if isinstance(obj, str) and cls in (HeatRow, HeatColumn):
        return cls(obj)  # type: ignore[call-arg]
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(obj).__name__}")


def coerce_series(obj: Any) -> Series:
    if isinstance(obj, Series):
        s = obj
    elif isinstance(obj, Mapping):
        s = Series(str(obj["name"]), obj["points"])
    else:
        raise TypeError(f"expected Series or a mapping, got {type(obj).__name__}")
    return Series(s.name, tuple(coerce(Point, p) for p in s.points))


def number(v: float | None) -> float | None:
    """Validate a figure: None passes through; NaN/inf are refused."""
    if v is None:
        return None
    f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"not a finite number: {v!r}")
    return f


def fmt(v: float) -> str:
    """A score as printed: a whole number, halves rounded up (deterministic)."""
    return str(Decimal(repr(float(v))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fmt_ci(lower: float | None, upper: float | None) -> str:
    if lower is None or upper is None:
        return ""
    lo, hi = sorted((float(lower), float(upper)))
    return f"{fmt(lo)}–{fmt(hi)}"


def needs_text(needs: int | None, words: Words) -> str:
    return words.needs_more.format(k=needs) if needs else words.not_enough


def change_text(change: str | None, words: Words) -> str:
    if change is None:
        return ""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {CHANGES} or None, got {change!r}")
    return getattr(words, change)


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)


# --- Normalisers shared by the charts and their text alternatives ---------------------------


@dataclass(frozen=True)
class TrendData:
    periods: tuple[str, ...]  # the periods shown, oldest first
    series: tuple[Series, ...]  # each with exactly one Point per shown period
    total_periods: int  # before keeping the latest TREND_MAX_PERIODS


def trend_data(
    points: Iterable[Any],
    series: Iterable[Any],
    name: str,
    periods: Iterable[str] | None,
    max_periods: int,
) -> TrendData:
    all_series: list[Series] = []
    pts = tuple(points)
    if pts:
        all_series.append(coerce_series({"name": name, "points": pts}))
    all_series += [coerce_series(s) for s in series]
    if periods is None:
        order = unique(p.period for s in all_series for p in s.points)
    else:
        order = unique(str(p) for p in periods)
    total = len(order)
    shown = tuple(order[-max_periods:]) if max_periods else tuple(order)
    out = []
    for s in all_series:
        by_period = {p.period: p for p in s.points}
        full = []
        for period in shown:
            p = by_period.get(period) or Point(period, None)
            full.append(Point(period, number(p.value), number(p.lower), number(p.upper), p.note))
        out.append(Series(str(s.name), tuple(full)))
    return TrendData(shown, tuple(out), total)


def dimension_items(items: Iterable[Any]) -> list[DimensionBar]:
    out = []
    for i in items:
        d = coerce(DimensionBar, i)
        change_text(d.change, WORDS)  # validates
        out.append(
            DimensionBar(
                str(d.label), number(d.score), number(d.lower), number(d.upper), d.change, d.needs
            )
        )
    return out


def segment_items(items: Iterable[Any]) -> list[Segment]:
    out = []
    for i in items:
        s = coerce(Segment, i)
        out.append(
            Segment(str(s.label), number(s.value), s.n, number(s.lower), number(s.upper), s.needs)
        )
    return out


@dataclass(frozen=True)
class HeatData:
    rows: tuple[HeatRow, ...]
    columns: tuple[HeatColumn, ...]
    values: tuple[tuple[float | None, ...], ...]  # values[row][column]


def heat_data(rows: Iterable[Any], columns: Iterable[Any], cells: Any) -> HeatData:
    """``cells`` is either ``cells[r][c]`` or a mapping ``{(row_key, column_key): value}``."""
    rs = tuple(coerce(HeatRow, r) for r in rows)
    cs = tuple(coerce(HeatColumn, c) for c in columns)
    if isinstance(cells, Mapping):
        values = [
            [
                cells.get(
                    (r.label if r.key is None else r.key, c.label if c.key is None else c.key)
                )
                for c in cs
            ]
            for r in rs
        ]
    else:
        values = [list(row) for row in cells]
        if len(values) != len(rs) or any(len(v) != len(cs) for v in values):
            raise ValueError("cells must have one row per row and one value per column")
    return HeatData(rs, cs, tuple(tuple(number(v) for v in row) for row in values))


def heat_paths(rows: Iterable[HeatRow], separator: str) -> list[str]:
    """Each row's label with its ancestors ("Sales › EMEA"), from the depth order."""
    stack: list[str] = []
    out = []
    for r in rows:
        depth = max(0, int(r.depth))
        stack = [*stack[:depth], r.label]
        out.append(separator.join(stack))
    return out


def percent(answered: int, invited: int) -> int | None:
    """Participation as a whole percent; never 100 before everyone answered, never 0 after one."""
    if invited < 0 or answered < 0:
        raise ValueError("invited and answered must not be negative")
    if invited == 0:
        return None
    p = int(
        (Decimal(100 * answered) / Decimal(invited)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    if answered < invited:
        p = min(p, 99)
    if answered > 0:
        p = max(p, 1)
    return p
