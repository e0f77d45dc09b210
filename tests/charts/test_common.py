"""What every chart promises: valid SVG, accessible, CSP-safe, escaped, deterministic."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

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

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & \"Q\" 'x'"


def sample(kind: str, label: str = "Team A", value: float | None = 61.0) -> Markup:
    if kind == "trend":
        pts = [Point("2026-Q1", 50, 44, 56), Point("2026-Q2", value, 50, 70)]
        return trend_chart(pts, name=label)
    if kind == "trend_multi":
        a = {"name": label, "points": [{"period": "2026-Q1", "value": value}]}
        b = {"name": "Other", "points": [{"period": "2026-Q1", "value": 40}]}
        return trend_chart(series=[a, b], values=True)
    if kind == "dimensions":
        return dimension_bars([DimensionBar(label, value, 50, 70, "up", needs=2)])
    if kind == "heatmap":
        rows = [HeatRow(label), HeatRow("Sub", 1)]
        return heatmap(rows, [label, "Ownership"], [[value, 20], [None, 99]])
    if kind == "segments":
        return segment_bars([Segment(label, value, 42, 50, 70, needs=3)])
    if kind == "participation":
        return participation_gauge(50, 31, title=label)
    raise AssertionError(kind)


KINDS = ["trend", "trend_multi", "dimensions", "heatmap", "segments", "participation"]


def parse(svg: str | Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, parsed to check it


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("kind", KINDS)
def test_is_one_svg_element_that_parses(kind):
    svg = sample(kind)
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("width") == "100%"
    assert root.get("height") is None  # the viewBox gives the aspect ratio
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (x, y, w) == (0, 0, 640) and h > 0


@pytest.mark.parametrize("kind", KINDS)
def test_is_an_image_named_by_its_title_and_desc(kind):
    root = parse(sample(kind))
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert len(ids) == 2
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text.strip() and desc.text.strip()
    assert list(root)[:2] == [title, desc]  # first children, as SVG accessibility asks


@pytest.mark.parametrize("kind", KINDS)
def test_has_no_inline_style_and_no_script(kind):
    root = parse(sample(kind, label=EVIL))
    for e in root.iter():
        assert "style" not in e.attrib, e.tag
        assert not any(a.lower().startswith("on") for a in e.attrib), e.attrib
        assert e.tag not in (f"{NS}style", f"{NS}script", f"{NS}foreignObject")


@pytest.mark.parametrize("kind", KINDS)
def test_labels_are_escaped_not_interpreted(kind):
    svg = str(sample(kind, label=EVIL))
    assert "<script" not in svg
    root = parse(svg)
    shown = [*texts(root), root.find(f"{NS}title").text, root.find(f"{NS}desc").text]
    assert any("<script>" in s for s in shown)  # a reader sees the label as typed
    assert any("&" in s for s in shown)


@pytest.mark.parametrize("kind", KINDS)
def test_output_is_deterministic(kind):
    assert str(sample(kind)) == str(sample(kind))


@pytest.mark.parametrize("kind", ["trend", "dimensions", "heatmap", "segments"])
def test_different_data_gets_different_ids(kind):
    a = parse(sample(kind, value=61))
    b = parse(sample(kind, value=62))
    assert a.get("id") != b.get("id")  # two charts on one page never share title ids


@pytest.mark.parametrize("kind", KINDS)
def test_ids_within_a_chart_are_unique_and_prefixed(kind):
    root = parse(sample(kind))
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(root.get("id")) for i in ids)


def test_dataclasses_and_mappings_give_the_same_chart():
    a = trend_chart([Point("2026-Q1", 50, 40, 60)])
    b = trend_chart([{"period": "2026-Q1", "value": 50, "lower": 40, "upper": 60, "extra": 1}])
    assert a == b


def test_caller_chart_id_is_sanitised():
    root = parse(trend_chart([Point("Q1", 5)], chart_id='x" onload="alert(1)'))
    assert root.get("id") == "x--onload--alert-1-"
    assert "onload" not in root.attrib


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_values_are_refused(bad):
    with pytest.raises(ValueError):
        trend_chart([Point("2026-Q1", bad)])


@settings(max_examples=60, deadline=None)
@given(
    label=st.text(min_size=1, max_size=30),
    value=st.one_of(st.none(), st.floats(0, 100)),
    kind=st.sampled_from(KINDS),
)
def test_any_label_and_value_give_parseable_deterministic_svg(label, value, kind):
    svg = str(sample(kind, label=label, value=value))
    parse(svg)  # control characters are dropped, markup is escaped
    assert svg == str(sample(kind, label=label, value=value))
