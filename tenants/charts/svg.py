"""The five charts: data in, inline SVG markup out.

Pure functions (no Flask, no database). Same input gives byte-identical output. Each chart has
a text alternative of the same name in ``tables.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import colour as C
from . import layout as L
from .draw import arrow, el, frame, marker, num, text, truncate, wrap2
from .draw import chart_id as make_id
from .model import (
    WORDS,
    Words,
    change_text,
    dimension_items,
    fmt,
    fmt_ci,
    heat_data,
    needs_text,
    percent,
    segment_items,
    trend_data,
)


def _clamp(v: float) -> float:
    return min(100.0, max(0.0, v))


# --- 1. Trend -----------------------------------------------------------------------------------


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
        return bottom - _clamp(v) / 100 * plot_h

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


# --- 2 and 4. Horizontal bars -------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    label: str
    value: float | None
    lower: float | None
    upper: float | None
    missing: str  # printed instead of a bar when value is None
    right: str  # text in the right-hand column
    change: str | None = None  # draws a glyph before ``right``


def _hbars(kind: str, rows: list[_Row], cid: str, title: str, desc: str, words: Words) -> Markup:
    def x(v: float) -> float:
        return L.BAR_X0 + _clamp(v) / 100 * L.BAR_SCALE

    has_ci = any(r.value is not None and r.lower is not None and r.upper is not None for r in rows)
    rows_bottom = L.BAR_TOP + len(rows) * L.BAR_ROW
    height = rows_bottom + (22 if has_ci else L.PAD)
    body: list[str] = []
    for t in L.BAR_TICKS:
        grid = {"x1": x(t), "y1": L.BAR_TOP - 6, "x2": x(t), "y2": rows_bottom, "stroke": C.GRID}
        body.append(el("line", grid))
        body.append(text(x(t), L.BAR_TOP - 10, str(t), anchor="middle", size=L.SMALL, fill=C.MUTED))
    axis = {"x1": L.BAR_X0, "y1": L.BAR_TOP - 6, "x2": L.BAR_X0, "y2": rows_bottom}
    body.append(el("line", {**axis, "stroke": C.AXIS}))
    for i, r in enumerate(rows):
        cy = L.BAR_TOP + i * L.BAR_ROW + L.BAR_ROW / 2
        g = [text(L.BAR_LABEL_X, cy + 4, truncate(r.label, L.BAR_X0 - 16), cls="op-chart__label")]
        if r.value is None:
            g.append(text(L.BAR_X0 + 6, cy + 4, r.missing, italic=True, fill=C.MUTED))
        else:
            bar = {"x": L.BAR_X0, "y": cy - L.BAR_HEIGHT / 2, "height": L.BAR_HEIGHT}
            g.append(el("rect", {**bar, "width": L.BAR_SCALE, "fill": C.TRACK}))
            g.append(
                el(
                    "rect",
                    {**bar, "width": x(r.value) - L.BAR_X0, "class": "op-chart__bar"}
                    | {"fill": C.BAR_FILL, "stroke": C.BAR_STROKE},
                )
            )
            end = x(r.value)
            if r.lower is not None and r.upper is not None:
                lo, hi = x(min(r.lower, r.upper)), x(max(r.lower, r.upper))
                d = f"M{num(lo)},{num(cy)}H{num(hi)}M{num(lo)},{num(cy - L.CAP)}v{2 * L.CAP}"
                d += f"M{num(hi)},{num(cy - L.CAP)}v{2 * L.CAP}"
                whisker = {"class": "op-chart__ci", "d": d, "stroke": C.WHISKER}
                g.append(el("path", {**whisker, "stroke-width": 1.5, "fill": "none"}))
                end = max(end, hi)
            g.append(text(end + 6, cy + 4, fmt(r.value), weight="bold", cls="op-chart__value"))
        rx = L.BAR_RIGHT_X
        if r.change is not None:
            g.append(arrow(r.change, rx + L.GLYPH, cy))
            rx += 2 * L.GLYPH + 6
        if r.right:
            g.append(text(rx, cy + 4, r.right, cls="op-chart__note"))
        body.append(el("g", {"class": "op-chart__row"}, *g))
    if has_ci:
        body.append(text(L.BAR_X0, height - 8, words.whisker, size=L.SMALL, fill=C.MUTED))
    return frame(kind, cid, height, title, desc, body)


def _bars_desc(rows: list[_Row], words: Words) -> str:
    parts = []
    for r in rows:
        if r.value is None:
            s = f"{r.label}: {r.missing}"
        else:
            ci = fmt_ci(r.lower, r.upper)
            s = f"{r.label}: {fmt(r.value)}" + (f" ({words.ci} {ci})" if ci else "")
        parts.append(s + (f", {r.right}" if r.right else ""))
    return f"{words.bars_desc} " + "; ".join(parts) + "."


def dimension_bars(
    items: Iterable[Any],
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str | None = None,
    words: Words = WORDS,
) -> Markup:
    """One bar per dimension (0–100) with a CI whisker and the change as glyph + text.

    ``items``: ``DimensionScore(label, score, lower, upper, change, needs)`` or mappings.
    A None score prints "not enough answers (needs k more)" instead of a bar.
    """
    dims = dimension_items(items)
    rows = [
        _Row(
            d.label,
            d.score,
            d.lower,
            d.upper,
            needs_text(d.needs, words),
            change_text(d.change, words),
            d.change,
        )
        for d in dims
    ]
    cid = make_id(chart_id, "dimensions", repr((rows, title, desc, words)))
    title = title or words.dimensions_title
    return _hbars("dimensions", rows, cid, title, desc or _bars_desc(rows, words), words)


def segment_bars(
    items: Iterable[Any],
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str | None = None,
    words: Words = WORDS,
) -> Markup:
    """Customer felt value by segment: bar, value, CI whisker and n.

    ``items``: ``Segment(label, value, n, lower, upper, needs)`` or mappings.
    """
    segs = segment_items(items)
    rows = [
        _Row(
            s.label,
            s.value,
            s.lower,
            s.upper,
            needs_text(s.needs, words),
            words.n_equals.format(n=s.n) if s.n is not None else "",
        )
        for s in segs
    ]
    cid = make_id(chart_id, "segments", repr((rows, title, desc, words)))
    title = title or words.segments_title
    return _hbars("segments", rows, cid, title, desc or _bars_desc(rows, words), words)


# --- 3. Heat map --------------------------------------------------------------------------------


def ramp_step(v: float) -> int:
    """The ramp step of a score, from the printed (rounded) value so colour and text agree."""
    width = 100 / len(C.RAMP)
    return min(len(C.RAMP) - 1, int(_clamp(float(fmt(v))) // width))


def ramp_labels() -> list[str]:
    width = 100 // len(C.RAMP)
    return [
        f"{i * width}–{100 if i == len(C.RAMP) - 1 else (i + 1) * width - 1}"
        for i in range(len(C.RAMP))
    ]


def heatmap(
    rows: Iterable[Any],
    columns: Iterable[Any],
    cells: Any,
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str | None = None,
    words: Words = WORDS,
) -> Markup:
    """Teams × dimensions. Each cell prints its score; a None cell is hatched and says "hidden".

    ``rows``: ``HeatRow(label, depth, key)``, mappings or plain labels (depth indents the
    team tree). ``columns``: ``HeatColumn(label, key)``, mappings or labels. ``cells``: a list of
    rows of values (``cells[r][c]``) or a mapping ``{(row_key, column_key): value}``; a missing
    key counts as None.
    """
    data = heat_data(rows, columns, cells)
    cid = make_id(chart_id, "heatmap", repr((data, title, desc, words)))
    m = max(1, len(data.columns))
    col_w = (L.WIDTH - L.HEAT_LABEL_W - L.PAD) / m
    grid_bottom = L.HEAT_HEADER + len(data.rows) * L.HEAT_ROW
    height = grid_bottom + L.HEAT_LEGEND
    hatch_id = f"{cid}-hatch"
    h = L.HATCH
    defs = el(
        "pattern",
        {"id": hatch_id, "width": h, "height": h, "patternUnits": "userSpaceOnUse"},
        el("rect", {"width": h, "height": h, "fill": C.HATCH_BACK}),
        el(
            "path",
            {
                "d": f"M0,{h}L{h},0M-1,1L1,-1M{h - 1},{h + 1}L{h + 1},{h - 1}",
                "stroke": C.HATCH_LINE,
                "stroke-width": 1.5,
            },
        ),
    )

    def cx(c: int) -> float:
        return L.HEAT_LABEL_W + c * col_w

    body: list[str] = []
    for c, col in enumerate(data.columns):
        lines = wrap2(col.label, col_w - 6, L.SMALL)
        y0 = L.HEAT_HEADER - 8 - 13 * (len(lines) - 1)
        for k, line in enumerate(lines):
            body.append(text(cx(c) + col_w / 2, y0 + 13 * k, line, anchor="middle", size=L.SMALL))
    hidden = 0
    for r, row in enumerate(data.rows):
        top = L.HEAT_HEADER + r * L.HEAT_ROW
        mid = top + L.HEAT_ROW / 2
        depth = max(0, int(row.depth))
        lx = L.PAD + depth * L.HEAT_INDENT
        g: list[str] = []
        if depth:
            d = f"M{num(lx - 9)},{num(top + 3)}V{num(mid)}H{num(lx - 3)}"
            g.append(el("path", {"d": d, "stroke": C.AXIS, "fill": "none"}))
        label = truncate(row.label, L.HEAT_LABEL_W - lx - 6)
        g.append(text(lx, mid + 4, label, cls="op-chart__label"))
        for c, v in enumerate(data.values[r]):
            cell = {"x": cx(c) + L.HEAT_GAP / 2, "y": top + L.HEAT_GAP / 2}
            cell |= {"width": col_w - L.HEAT_GAP, "height": L.HEAT_ROW - L.HEAT_GAP}
            mx = cx(c) + col_w / 2
            if v is None:
                hidden += 1
                fill = f"url(#{hatch_id})"
                g.append(el("rect", {**cell, "class": "op-chart__cell--hidden", "fill": fill}))
                g.append(text(mx, mid + 4, words.hidden, anchor="middle", size=L.SMALL, fill=C.INK))
            else:
                fill = C.RAMP[ramp_step(v)]
                g.append(el("rect", {**cell, "class": "op-chart__cell", "fill": fill}))
                g.append(
                    text(mx, mid + 4, fmt(v), anchor="middle", weight="bold", fill=C.text_on(fill))
                )
        body.append(el("g", {"class": "op-chart__row"}, *g))

    ly = grid_bottom + 14
    lx = float(L.PAD)
    legend = [*zip(C.RAMP, ramp_labels(), strict=True), (f"url(#{hatch_id})", words.hidden)]
    for fill, label in legend:
        sw = {"x": lx, "y": ly, "width": L.HEAT_SWATCH, "height": L.HEAT_SWATCH, "fill": fill}
        body.append(el("rect", {**sw, "stroke": C.AXIS, "stroke-width": 0.5}))
        body.append(text(lx + L.HEAT_SWATCH + 5, ly + 12, label, size=L.SMALL))
        lx += L.HEAT_SWATCH + 5 + len(label) * L.SMALL * L.CHAR_W + 16

    description = desc or words.heatmap_desc.format(
        rows=len(data.rows), columns=len(data.columns), hidden=hidden
    )
    return frame("heatmap", cid, height, title or words.heatmap_title, description, body, defs)


# --- 5. Participation ---------------------------------------------------------------------------


def participation_text(invited: int, answered: int, words: Words = WORDS) -> str:
    pct = percent(answered, invited)
    if pct is None:
        return words.no_invitations
    return words.participation_text.format(pct=pct, answered=answered, invited=invited)


def participation_gauge(
    invited: int,
    answered: int,
    *,
    title: str | None = None,
    desc: str | None = None,
    chart_id: str | None = None,
    words: Words = WORDS,
) -> Markup:
    """A bar of answered ÷ invited with the percentage and counts written out."""
    pct = percent(answered, invited)
    label = participation_text(invited, answered, words)
    cid = make_id(chart_id, "participation", repr((invited, answered, title, desc, words)))
    x0, w = L.PAD, L.WIDTH - 2 * L.PAD
    bar = {"x": x0, "y": L.GAUGE_BAR_Y, "height": L.GAUGE_BAR_H}
    body = [
        text(x0, 18, label, weight="bold", cls="op-chart__value"),
        el("rect", {**bar, "width": w, "fill": C.TRACK, "stroke": C.AXIS, "stroke-width": 0.75}),
    ]
    if pct:
        share = min(1.0, answered / invited)
        fill = {"class": "op-chart__bar", "fill": C.BAR_FILL, "stroke": C.BAR_STROKE}
        body.append(el("rect", {**bar, "width": w * share, **fill}))
    return frame(
        "participation",
        cid,
        L.GAUGE_HEIGHT,
        title or words.participation_title,
        desc or label,
        body,
    )
