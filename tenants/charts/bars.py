"""Horizontal bars: scores by dimension and customer felt value by segment (0–100, CI whiskers).

Pure (no Flask, no database); same input gives byte-identical output. The text alternatives are
``tables.dimension_table`` and ``tables.segment_table``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import colour as C
from . import layout as L
from .data import (
    WORDS,
    Words,
    change_text,
    dimension_items,
    fmt,
    fmt_ci,
    needs_text,
    segment_items,
)
from .draw import arrow, clamp, el, frame, num, text, truncate
from .draw import chart_id as make_id


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
        return L.BAR_X0 + clamp(v) / 100 * L.BAR_SCALE

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

    ``items``: ``DimensionBar(label, score, lower, upper, change, needs)`` or mappings.
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
