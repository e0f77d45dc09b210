"""Server-rendered SVG charts shared by the dashboard (HTML) and the quarterly PDF (WeasyPrint).

Pure functions: data in, ``markupsafe.Markup`` out; no Flask, no database. Style hooks are class
names styled by ``static/css/charts.css``; colours are presentation attributes (no inline styles).
Each chart has a text alternative (``*_table``) returning a captioned ``DataTable``.

One module per kind of chart (``trend``, ``bars``, ``heatmap``, ``gauge``), over the shared
``data`` shapes and words, ``draw`` primitives, ``layout`` sizes and ``colour`` palette.
"""

from .bars import dimension_bars, segment_bars
from .colour import RAMP, SERIES_STYLES, contrast, lightness, text_on
from .data import (
    WORDS,
    DimensionBar,
    HeatColumn,
    HeatRow,
    Point,
    Segment,
    Series,
    Words,
    fmt,
)
from .gauge import participation_gauge, participation_text
from .heatmap import heatmap, ramp_labels, ramp_step
from .tables import (
    DataTable,
    dimension_table,
    heatmap_table,
    participation_table,
    segment_table,
    trend_table,
)
from .trend import trend_chart

__all__ = [
    "RAMP",
    "SERIES_STYLES",
    "WORDS",
    "DataTable",
    "DimensionBar",
    "HeatColumn",
    "HeatRow",
    "Point",
    "Segment",
    "Series",
    "Words",
    "contrast",
    "dimension_bars",
    "dimension_table",
    "fmt",
    "heatmap",
    "heatmap_table",
    "lightness",
    "participation_gauge",
    "participation_table",
    "participation_text",
    "ramp_labels",
    "ramp_step",
    "segment_bars",
    "segment_table",
    "text_on",
    "trend_chart",
    "trend_table",
]
