"""The trend: values as text, gaps (never interpolation) at hidden periods, several series."""

import xml.etree.ElementTree as ET

import pytest

from tenants.charts import SERIES_STYLES, Point, Series, fmt, trend_chart

NS = "{http://www.w3.org/2000/svg}"

POINTS = [
    Point("2025-Q4", 48.2, 41, 55.4),
    Point("2026-Q1", 52.5, 46, 59),
    Point("2026-Q2", None),
    Point("2026-Q3", 58, 51, 65),
    Point("2026-Q4", 61.4, 55, 68),
]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, parsed to check it


def texts(root, cls=None) -> list[str]:
    return [
        "".join(t.itertext())
        for t in root.iter(f"{NS}text")
        if cls is None or t.get("class") == cls
    ]


def xs(polyline) -> list[float]:
    return [float(p.split(",")[0]) for p in polyline.get("points").split()]


def lines(root) -> list[ET.Element]:
    return [p for p in root.iter(f"{NS}polyline") if p.get("class") == "op-chart__line"]


def test_every_value_and_period_is_written():
    shown = texts(parse(trend_chart(POINTS)))
    for p in POINTS:
        assert p.period in shown
        if p.value is not None:
            assert fmt(p.value) in shown
    assert fmt(52.5) == "53" and fmt(48.2) == "48"  # halves round up, always


def test_hidden_point_is_a_gap_with_a_hidden_label_not_an_interpolation():
    root = parse(trend_chart(POINTS))
    runs = lines(root)
    assert len(runs) == 2  # 2025-Q4..2026-Q1, then 2026-Q3..2026-Q4
    assert [len(xs(r)) for r in runs] == [2, 2]
    hidden = [t for t in root.iter(f"{NS}text") if t.get("class") == "op-chart__hidden-label"]
    assert [h.text for h in hidden] == ["hidden"]
    hx = float(hidden[0].get("x"))
    for r in runs:
        assert not (min(xs(r)) < hx < max(xs(r))), "a line passes through the hidden period"
    # nothing is invented: exactly one marker per known value, and no number for the gap
    values = texts(root, "op-chart__value")
    assert values == ["48", "53", "58", "61"]
    markers = [e for e in root.find(f"{NS}g[@class='op-chart__series op-chart__series--0']")]
    assert len([m for m in markers if m.tag == f"{NS}circle"]) == 4


def test_band_is_split_at_the_gap_and_lone_points_get_a_whisker():
    root = parse(trend_chart([Point("A", 50, 40, 60), Point("B", None), Point("C", 70, 65, 75)]))
    ci = [e for e in root.iter() if e.get("class") == "op-chart__ci"]
    assert [e.tag for e in ci] == [f"{NS}path", f"{NS}path"]  # two whiskers, no band across B
    assert not lines(root)


def test_band_encloses_the_line():
    root = parse(trend_chart(POINTS))
    bands = [e for e in root.iter(f"{NS}polygon") if e.get("class") == "op-chart__ci"]
    assert len(bands) == 2
    assert all(float(b.get("fill-opacity")) < 0.5 for b in bands)  # the line stays visible
    assert "The shaded band shows where the true score likely lies" in texts(root)


def test_note_replaces_hidden_for_missing_data():
    root = parse(trend_chart([Point("2026-Q1", 50), Point("2026-Q2", None, note="no data")]))
    assert "no data" in texts(root, "op-chart__hidden-label")


def test_only_the_latest_eight_periods_are_drawn_and_desc_says_so():
    pts = [Point(f"P{i}", 10 * i) for i in range(10)]
    root = parse(trend_chart(pts))
    shown = texts(root)
    assert "P0" not in shown and "P1" not in shown and "P9" in shown
    assert "latest 8 of 10" in root.find(f"{NS}desc").text


def test_desc_lists_every_value():
    desc = parse(trend_chart(POINTS)).find(f"{NS}desc").text
    assert "2025-Q4 48 (95% CI 41–55)" in desc
    assert "2026-Q2 hidden" in desc


def test_several_series_differ_in_more_than_colour():
    series = [
        Series(f"Dim {j}", tuple(Point(f"Q{i}", 10 + 10 * j + i) for i in range(4)))
        for j in range(len(SERIES_STYLES))
    ]
    root = parse(trend_chart(series=series))
    drawn = lines(root)
    assert len(drawn) == len(SERIES_STYLES)
    dashes = [d.get("stroke-dasharray") for d in drawn]
    assert len(set(dashes)) == len(dashes)  # dash pattern tells them apart in grayscale
    assert len({s[2] for s in SERIES_STYLES}) == len(SERIES_STYLES)  # and so does the marker
    legend = texts(root, "op-chart__legend")
    assert legend == [s.name for s in series]  # names written out, not a colour key
    assert not texts(root, "op-chart__value")  # several series: numbers go to the table


def test_several_series_with_values_on_write_each_value():
    a = Series("A", (Point("Q1", 30), Point("Q2", 31)))
    b = Series("B", (Point("Q1", 31), Point("Q2", None)))
    root = parse(trend_chart(series=[a, b], values=True))
    assert sorted(texts(root, "op-chart__value")) == ["30", "31", "31"]
    by_x: dict[str, list[float]] = {}
    for t in root.iter(f"{NS}text"):
        if t.get("class") == "op-chart__value":
            by_x.setdefault(t.get("x"), []).append(float(t.get("y")))
    q1 = sorted(next(v for v in by_x.values() if len(v) == 2))
    assert q1[1] - q1[0] >= 12  # 30 and 31 at one period are pushed apart, not overprinted
    hidden = texts(root, "op-chart__hidden-label")
    assert hidden == ["hidden"]


def test_points_and_series_combine_and_periods_can_be_ordered():
    root = parse(
        trend_chart(
            [Point("2026-Q2", 50)],
            series=[{"name": "Other", "points": [{"period": "2026-Q1", "value": 40}]}],
            periods=["2026-Q1", "2026-Q2"],
        )
    )
    periods = [t for t in texts(root) if t.startswith("2026-")]
    assert periods == ["2026-Q1", "2026-Q2"]
    # each series shows "hidden" where it has no point
    assert texts(root, "op-chart__hidden-label") == ["hidden", "hidden"]


def test_values_outside_0_100_are_clamped_in_the_drawing_but_written_as_given():
    root = parse(trend_chart([Point("Q1", 104), Point("Q2", 50)]))
    assert "104" in texts(root)
    top = min(float(p.split(",")[1]) for p in lines(root)[0].get("points").split())
    gridline_100 = min(float(e.get("y1")) for e in root.iter(f"{NS}line"))
    assert top >= gridline_100


def test_empty_trend_still_renders():
    root = parse(trend_chart([]))
    assert root.find(f"{NS}title").text


@pytest.mark.parametrize("bad", [{"value": 1}, 3])
def test_malformed_points_are_refused(bad):
    with pytest.raises(TypeError):
        trend_chart([bad])
