"""The participation gauge: a bar of answered ÷ invited, with the percentage written out.

Pure (no Flask, no database); same input gives byte-identical output. Its text alternative is
``tables.participation_table``.
"""

from __future__ import annotations

from markupsafe import Markup

from . import colour as C
from . import layout as L
from .data import WORDS, Words, percent
from .draw import chart_id as make_id
from .draw import el, frame, text


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
