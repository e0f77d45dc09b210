"""SVG primitives: elements, text, markers and the accessible outer frame.

Only presentation attributes and class names, never ``style``: the CSP forbids inline styles,
and WeasyPrint reads presentation attributes without the page's stylesheet.
"""

from __future__ import annotations

import hashlib
import math
import re

from markupsafe import Markup, escape

from . import colour as C
from . import layout as L

SVG_NS = "http://www.w3.org/2000/svg"

Attr = str | int | float | None

# Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(s: str) -> str:
    """``s`` escaped for XML text or attributes, minus characters XML cannot carry."""
    return str(escape(_NOT_XML.sub("", str(s))))


def num(x: float) -> str:
    """A coordinate, rounded to 2 decimals with no trailing zeros (stable output)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def clamp(v: float) -> float:
    """A score kept on the 0–100 scale every chart draws."""
    return min(100.0, max(0.0, v))


def _attr(v: str | int | float) -> str:
    if isinstance(v, bool):
        raise TypeError("boolean attribute values are not SVG")
    if isinstance(v, int | float):
        return num(v)
    return clean(v)


def el(tag: str, attrs: dict[str, Attr], *children: str) -> str:
    """``<tag a="v">children</tag>``; None values are left out; children are trusted SVG."""
    a = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items() if v is not None)
    if not children:
        return f"<{tag}{a}/>"
    return f"<{tag}{a}>{''.join(children)}</{tag}>"


def text(
    x: float,
    y: float,
    s: str,
    *,
    anchor: str | None = None,
    size: float | None = None,
    fill: str | None = None,
    weight: str | None = None,
    italic: bool = False,
    cls: str | None = None,
) -> str:
    """A text element; ``s`` is escaped (labels are user-supplied)."""
    attrs: dict[str, Attr] = {
        "x": x,
        "y": y,
        "class": cls,
        "text-anchor": anchor,
        "font-size": size,
        "font-weight": weight,
        "font-style": "italic" if italic else None,
        "fill": fill,
    }
    return el("text", attrs, clean(s))


def truncate(s: str, width: float, size: float = L.FONT) -> str:
    """``s`` cut with an ellipsis so it fits roughly ``width`` units at ``size``."""
    room = max(3, int(width / (size * L.CHAR_W)))
    return s if len(s) <= room else s[: room - 1].rstrip() + "…"


def wrap2(s: str, width: float, size: float) -> list[str]:
    """At most two lines that fit ``width``: split at the space that best balances them."""
    if len(s) * size * L.CHAR_W <= width or " " not in s:
        return [truncate(s, width, size)]
    words = s.split(" ")
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return [
        truncate(" ".join(words[:best]), width, size),
        truncate(" ".join(words[best:]), width, size),
    ]


def _polygon(x: float, y: float, pts: list[tuple[float, float]]) -> str:
    return " ".join(f"{num(x + dx)},{num(y + dy)}" for dx, dy in pts)


def _plus(r: float, angle: float) -> list[tuple[float, float]]:
    a, w = r * 1.15, r * 0.4
    base = [(-w, -a), (w, -a), (w, -w), (a, -w), (a, w), (w, w)]
    base += [(w, a), (-w, a), (-w, w), (-a, w), (-a, -w), (-w, -w)]
    c, s = math.cos(angle), math.sin(angle)
    return [(px * c - py * s, px * s + py * c) for px, py in base]


def marker(
    shape: str, x: float, y: float, *, fill: str, stroke: str, r: float = L.MARKER, cls: str = ""
) -> str:
    """A filled (or, with fill white, hollow) marker: the second encoding of a series."""
    common: dict[str, Attr] = {"class": cls or None, "fill": fill, "stroke": stroke}
    common["stroke-width"] = 1.5
    if shape == "circle":
        return el("circle", {"cx": x, "cy": y, "r": r, **common})
    if shape == "square":
        h = r * 0.9
        return el("rect", {"x": x - h, "y": y - h, "width": 2 * h, "height": 2 * h, **common})
    pts = {
        "triangle": [(0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)],
        "triangle_down": [(0, r * 1.2), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)],
        "diamond": [(0, -r * 1.3), (r * 1.1, 0), (0, r * 1.3), (-r * 1.1, 0)],
        "plus": _plus(r, 0.0),
        "cross": _plus(r, math.pi / 4),
    }[shape]
    return el("polygon", {"points": _polygon(x, y, pts), **common})


def arrow(change: str, x: float, y: float) -> str:
    """The change glyph: up/down triangle or a flat bar, centred on (x, y)."""
    g = L.GLYPH
    if change == "up":
        pts = _polygon(x, y, [(0, -g), (g, g * 0.8), (-g, g * 0.8)])
        return el("polygon", {"class": "op-chart__change-up", "points": pts, "fill": C.UP})
    if change == "down":
        pts = _polygon(x, y, [(0, g), (g, -g * 0.8), (-g, -g * 0.8)])
        return el("polygon", {"class": "op-chart__change-down", "points": pts, "fill": C.DOWN})
    attrs: dict[str, Attr] = {"x": x - g, "y": y - 1.5, "width": 2 * g, "height": 3}
    return el("rect", {"class": "op-chart__change-flat", **attrs, "fill": C.FLAT})


def chart_id(given: str | None, kind: str, fingerprint: str) -> str:
    """A stable id prefix: the caller's (sanitised) or one derived from the data."""
    if given:
        cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", given)
        return cleaned if cleaned[0].isalpha() else f"c{cleaned}"
    return (
        f"opc-{kind}-" + hashlib.sha1(fingerprint.encode(), usedforsecurity=False).hexdigest()[:10]
    )


def frame(
    kind: str, cid: str, height: float, title: str, desc: str, body: list[str], defs: str = ""
) -> Markup:
    """The outer ``<svg>``: fixed viewBox, 100% wide, role=img, labelled by title and desc."""
    attrs: dict[str, Attr] = {
        "xmlns": SVG_NS,
        "class": f"op-chart op-chart--{kind}",
        "id": cid,
        "viewBox": f"0 0 {L.WIDTH} {num(height)}",
        "width": "100%",
        "role": "img",
        "aria-labelledby": f"{cid}-title {cid}-desc",
        "font-family": L.FONT_FAMILY,
        "font-size": L.FONT,
        "fill": C.INK,
    }
    head = [
        el("title", {"id": f"{cid}-title"}, clean(title)),
        el("desc", {"id": f"{cid}-desc"}, clean(desc)),
    ]
    if defs:
        head.append(el("defs", {}, defs))
    # Safe: every text and attribute value above went through escape().
    return Markup(el("svg", attrs, *head, *body))  # noqa: S704
