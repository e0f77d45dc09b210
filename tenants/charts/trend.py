"""The trend: a line chart of 0–100 values over up to 8 periods, with a shaded 95% CI band.

Pure (no Flask, no database); same input gives byte-identical output. Its text alternative is
``tables.trend_table``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup

from . import colour as C
from . import layout as L
from .data import WORDS, Words, fmt, fmt_ci, trend_data
from .draw import chart_id as make_id
from .draw import clamp, el, frame, marker, num, text, truncate


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Push sorted label positions apart by at least ``gap``, keeping them in [lo, hi]."""
    out: list[float] = []
    for y in ys:
        out.append(max(y, lo, out[-1] + gap) if out else max(y, lo))
    for i in range(len(out) - 1, -1, -1):
        limit = hi if i == len(out) - 1 else out[i + 1] - gap
        out[i] = min(out[i], limit)
    return out


def _runs(flags: Sequence[bool]) -> list[list[int]]:
    """Indices of consecutive True values: each run is drawn, the gaps are not."""
    runs: list[list[int]] = []
    for i, f in enumerate(flags):
        if not f:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def trend_chart(
    points: Iterable[Any] = (),
    *,
    series: Iterable[Any] = (),
    name: str | None = None,
    periods: Iterable[str] | None = None,
    ci: bool | None = None,
    values: bool | None = None,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str | None = None,
    words: Words = WORDS,
) -> Markup:
    """Line chart of 0–100 values over up to 8 periods, with a shaded 95% CI band.

    ``points``: one series (named ``name``, default the index); ``series``: more series, each
    ``Series(name, points)`` or ``{"name", "points"}``. A point whose value is None is a gap in
    the line and a "hidden" marker, never an interpolated value. ``ci`` (bands) and
    ``values`` (a number over every point) default to on for one series and off for several,
    where they would pile up; the legend, the desc and ``trend_table`` still carry every value.
    Only the latest 8 periods are drawn.
    """
    data = trend_data(points, series, name or words.index, periods, L.TREND_MAX_PERIODS)
    n = len(data.periods)
    show_ci = (len(data.series) == 1) if ci is None else ci
    show_values = (len(data.series) == 1) if values is None else values
    has_ci = show_ci and any(
        p.value is not None and p.lower is not None and p.upper is not None
        for s in data.series
        for p in s.points
    )
    fingerprint = repr((data, show_ci, show_values, title, desc, words))
    cid = make_id(chart_id, "trend", fingerprint)

    body: list[str] = []
    cursor = float(L.PAD)
    if has_ci:
        body.append(text(L.PAD, cursor + 9, words.ci_band, size=L.SMALL, fill=C.MUTED))
        cursor += 16
    multi = len(data.series) > 1
    if multi:
        per_row = max(1, (L.WIDTH - 2 * L.PAD) // L.TREND_LEGEND_ITEM)
        for j, s in enumerate(data.series):
            col, dash, shape = C.SERIES_STYLES[j % len(C.SERIES_STYLES)]
            lx = L.PAD + (j % per_row) * L.TREND_LEGEND_ITEM
            ly = cursor + (j // per_row) * L.TREND_LEGEND_ROW + 8
            line = {"x1": lx, "y1": ly, "x2": lx + 30, "y2": ly, "stroke": col}
            line |= {"stroke-width": L.LINE_WIDTH, "stroke-dasharray": dash or None}
            body.append(el("line", line))
            body.append(marker(shape, lx + 15, ly, fill=col, stroke=C.WHITE))
            label = truncate(s.name, L.TREND_LEGEND_ITEM - 44)
            body.append(text(lx + 36, ly + 4, label, cls="op-chart__legend"))
        cursor += math.ceil(len(data.series) / per_row) * L.TREND_LEGEND_ROW
    top = cursor + 18  # room for a value label above 100
    plot_h = L.TREND_HEIGHT - L.TREND_TOP - L.TREND_BOTTOM
    bottom = top + plot_h
    height = bottom + L.TREND_BOTTOM
    x0, x1 = L.TREND_LEFT, L.WIDTH - L.TREND_RIGHT
    step = (x1 - x0) / max(n, 1)

    def x(i: int) -> float:
        return x0 + (i + 0.5) * step

    def y(v: float) -> float:
        return bottom - clamp(v) / 100 * plot_h

    for t in L.TREND_TICKS:
        body.append(el("line", {"x1": x0, "y1": y(t), "x2": x1, "y2": y(t), "stroke": C.GRID}))
        body.append(text(x0 - 6, y(t) + 4, str(t), anchor="end", size=L.SMALL, fill=C.MUTED))
    body.append(el("line", {"x1": x0, "y1": bottom, "x2": x1, "y2": bottom, "stroke": C.AXIS}))
    for i, period in enumerate(data.periods):
        label = truncate(period, step - 4, L.SMALL)
        body.append(text(x(i), bottom + 18, label, anchor="middle", size=L.SMALL))

    labels: list[list[tuple[float, str, str]]] = [[] for _ in range(n)]
    hidden: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    for j, s in enumerate(data.series):
        col, dash, shape = C.SERIES_STYLES[j % len(C.SERIES_STYLES)]
        g: list[str] = []
        if show_ci:
            for run in _runs([p.lower is not None and p.upper is not None for p in s.points]):
                run = [i for i in run if s.points[i].value is not None]
                for part in _runs([i in run for i in range(n)]):
                    g.append(_band(part, s.points, x, y, col, multi))
        for run in _runs([p.value is not None for p in s.points]):
            if len(run) > 1:
                pts = " ".join(f"{num(x(i))},{num(y(s.points[i].value or 0))}" for i in run)
                line = {"class": "op-chart__line", "points": pts, "fill": "none", "stroke": col}
                line |= {"stroke-width": L.LINE_WIDTH, "stroke-dasharray": dash or None}
                line |= {"stroke-linejoin": "round"}
                g.append(el("polyline", line))
        for i, p in enumerate(s.points):
            if p.value is None:
                hidden[i].append((j, p.note or words.hidden))
                continue
            g.append(marker(shape, x(i), y(p.value), fill=col, stroke=C.WHITE))
            if show_values:
                labels[i].append((y(p.value) - 9, fmt(p.value), col if multi else C.INK))
        body.append(el("g", {"class": f"op-chart__series op-chart__series--{j}"}, *g))

    for i in range(n):
        ordered = sorted(labels[i], key=lambda t: t[0])
        ys = _spread([t[0] for t in ordered], L.LABEL_GAP, top - 6, bottom - 4)
        for ly, (_, value, col) in zip(ys, ordered, strict=True):
            label_attrs = {"anchor": "middle", "weight": "bold", "fill": col}
            body.append(text(x(i), ly, value, cls="op-chart__value", **label_attrs))
        for k, (j, note) in enumerate(hidden[i]):
            col, _, shape = C.SERIES_STYLES[j % len(C.SERIES_STYLES)]
            hy = bottom - 9 - k * 15
            body.append(
                marker(shape, x(i) - 8, hy, fill=C.WHITE, stroke=col, cls="op-chart__hidden")
            )
            body.append(
                text(
                    x(i) - 1, hy + 4, note, size=L.SMALL, fill=C.MUTED, cls="op-chart__hidden-label"
                )
            )

    description = desc or _trend_desc(data, words)
    return frame("trend", cid, height, title or words.trend_title, description, body)


def _band(run: list[int], points: Sequence[Any], x: Any, y: Any, col: str, faint: bool) -> str:
    opacity = 0.12 if faint else 0.2
    if len(run) == 1:  # a lone point: a whisker instead of a band
        i = run[0]
        lo, hi = y(points[i].lower), y(points[i].upper)
        d = f"M{num(x(i))},{num(lo)}V{num(hi)}M{num(x(i) - L.CAP)},{num(lo)}h{2 * L.CAP}"
        d += f"M{num(x(i) - L.CAP)},{num(hi)}h{2 * L.CAP}"
        return el("path", {"class": "op-chart__ci", "d": d, "stroke": col, "fill": "none"})
    upper = [f"{num(x(i))},{num(y(max(points[i].lower, points[i].upper)))}" for i in run]
    lower = [f"{num(x(i))},{num(y(min(points[i].lower, points[i].upper)))}" for i in reversed(run)]
    attrs = {"class": "op-chart__ci", "points": " ".join(upper + lower), "fill": col}
    return el("polygon", {**attrs, "fill-opacity": opacity, "stroke": "none"})


def _trend_desc(data: Any, words: Words) -> str:
    parts = [words.trend_desc]
    if data.total_periods > len(data.periods):
        parts.append(words.trend_dropped.format(shown=len(data.periods), total=data.total_periods))
    for s in data.series:
        vals = []
        for p in s.points:
            if p.value is None:
                vals.append(f"{p.period} {p.note or words.hidden}")
            else:
                ci = fmt_ci(p.lower, p.upper)
                vals.append(f"{p.period} {fmt(p.value)}" + (f" ({words.ci} {ci})" if ci else ""))
        parts.append(f"{s.name}: " + ", ".join(vals) + ".")
    return " ".join(parts)
