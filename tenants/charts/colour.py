"""Colours for the charts, and the arithmetic that proves they are readable.

Every hue here is backed by a second encoding (dash pattern, marker shape, text), so the
charts stay readable in grayscale print and for colour-blind readers. The series hues are
Okabe–Ito, darkened where needed to reach 3:1 against white (WCAG 1.4.11 for graphics).
The heat-map scale diverges (ColorBrewer PuOr, colour-blind safe): orange below 50 reads as a
concern, purple from 60 as good, light in the middle; every cell also prints its score.
"""

from __future__ import annotations

WHITE = "#ffffff"
INK = "#111111"  # text and axes
MUTED = "#555555"  # secondary text (7.5:1 on white)
GRID = "#d9d9d9"  # grid lines, decorative only
AXIS = "#767676"  # axis line (4.5:1 on white)
TRACK = "#f0f0f0"  # empty part of a bar

BAR_FILL = "#56b4e9"  # Okabe–Ito sky blue
BAR_STROKE = "#0072b2"  # Okabe–Ito blue: the bar's edge keeps 3:1 against white
WHISKER = INK

UP = "#007a5a"  # Okabe–Ito bluish green, darkened
DOWN = "#c15400"  # Okabe–Ito vermillion, darkened
FLAT = MUTED

HATCH_BACK = WHITE  # suppressed heat-map cell: hatched, never a ramp colour
HATCH_LINE = "#c4c4c4"

# Line series: colour, dash pattern ("" = solid) and marker shape differ together.
SERIES_STYLES: tuple[tuple[str, str, str], ...] = (
    ("#0072b2", "", "circle"),
    ("#c15400", "7 4", "square"),
    ("#007a5a", "2 3", "triangle"),
    ("#b4457f", "10 3 2 3", "diamond"),
    ("#111111", "12 5", "triangle_down"),
    ("#8a6100", "4 2 1 2", "cross"),
    ("#5a5aa8", "1 3", "plus"),
)

# Heat-map scale, low to high score: dark orange (a concern) through light to dark purple
# (good). RAMP_FROM[i] is the lowest printed score of step i.
RAMP: tuple[str, ...] = ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788")
RAMP_FROM: tuple[int, ...] = (0, 40, 50, 60, 70, 80)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    h = hex_colour.lstrip("#")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lightness(hex_colour: str) -> float:
    """CIE L* (0 black to 100 white): what is left of a colour in grayscale."""
    y = relative_luminance(hex_colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def text_on(fill: str) -> str:
    """The text colour (INK or white) with the higher contrast against ``fill``."""
    return INK if contrast(INK, fill) >= contrast(WHITE, fill) else WHITE
