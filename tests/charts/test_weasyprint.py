"""The quarterly PDF draws the same SVGs: WeasyPrint renders them without complaint."""

import io
import logging

import pytest

from tenants.charts import (
    DimensionBar,
    HeatRow,
    Point,
    Segment,
    dimension_bars,
    heatmap,
    participation_gauge,
    segment_bars,
    trend_chart,
)

weasyprint = pytest.importorskip("weasyprint")
pypdf = pytest.importorskip("pypdf")


def test_all_charts_render_in_a_pdf_with_their_text(caplog):
    charts = [
        trend_chart([Point("2026-Q1", 48, 41, 55), Point("2026-Q2", None), Point("2026-Q3", 66.5)]),
        dimension_bars([DimensionBar("Ownership", 44.5, 36, 53, "down")]),
        heatmap([HeatRow("Sales"), HeatRow("EMEA", 1)], ["Ownership"], [[73], [None]]),
        segment_bars([Segment("Enterprise", 71, 48, 64, 78)]),
        participation_gauge(50, 31),
    ]
    html = "<!doctype html><html><body>" + "".join(str(c) for c in charts) + "</body></html>"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = weasyprint.HTML(string=html).write_pdf()
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], caplog.text
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    words = text.replace(" ", "")  # the extractor is loose about spaces
    for expected in ("48", "67", "hidden", "45", "down", "73", "71", "n=48", "62%participation"):
        assert expected in words
