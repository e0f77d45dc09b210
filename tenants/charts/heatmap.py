"""The heat map: teams × dimensions, each cell printing its score on a colour ramp.

Pure (no Flask, no database); same input gives byte-identical output. Its text alternative is
``tables.heatmap_table``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from . import colour as C
from . import layout as L
from .data import WORDS, Words, fmt, heat_data
from .draw import chart_id as make_id
from .draw import clamp, el, frame, num, text, truncate, wrap2


def ramp_step(v: float) -> int:
    """The scale step of a score, from the printed (rounded) value so colour and text agree."""
    printed = clamp(float(fmt(v)))
    return max(i for i, low in enumerate(C.RAMP_FROM) if printed >= low)


def ramp_labels() -> list[str]:
    ends = [*C.RAMP_FROM[1:], 101]
    return [f"{low}–{end - 1}" for low, end in zip(C.RAMP_FROM, ends, strict=True)]


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
        y0 = L.HEAT_HEADER - 8 - (L.SMALL + 2) * (len(lines) - 1)
        for k, line in enumerate(lines):
            y = y0 + (L.SMALL + 2) * k
            body.append(text(cx(c) + col_w / 2, y, line, anchor="middle", size=L.SMALL))
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

    labels = ramp_labels()
    labels[0] = f"{labels[0]} {words.heat_low}"
    labels[-1] = f"{labels[-1]} {words.heat_high}"
    legend = [*zip(C.RAMP, labels, strict=True), (f"url(#{hatch_id})", words.hidden)]
    ly, lx = grid_bottom + 14, float(L.PAD)
    for fill, label in legend:  # the legend wraps onto a second line when it must
        item_w = L.HEAT_SWATCH + 5 + len(label) * L.SMALL * L.CHAR_W + 16
        if lx > L.PAD and lx + item_w - 16 > L.WIDTH - L.PAD:
            ly, lx = ly + L.HEAT_SWATCH + 10, float(L.PAD)
        sw = {"x": lx, "y": ly, "width": L.HEAT_SWATCH, "height": L.HEAT_SWATCH, "fill": fill}
        body.append(el("rect", {**sw, "stroke": C.AXIS, "stroke-width": 0.5}))
        body.append(text(lx + L.HEAT_SWATCH + 5, ly + 13, label, size=L.SMALL))
        lx += item_w
    height = ly + L.HEAT_SWATCH + 14

    description = desc or words.heatmap_desc.format(
        rows=len(data.rows), columns=len(data.columns), hidden=hidden
    )
    return frame("heatmap", cid, height, title or words.heatmap_title, description, body, defs)
