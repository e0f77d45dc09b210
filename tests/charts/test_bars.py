"""Dimension bars, segment bars and the participation bar."""

import xml.etree.ElementTree as ET

import pytest

from tenants.charts import (
    DimensionBar,
    Segment,
    dimension_bars,
    participation_gauge,
    segment_bars,
)

NS = "{http://www.w3.org/2000/svg}"

DIMS = [
    DimensionBar("Purpose clarity", 72.4, 65, 79, "up"),
    DimensionBar("Outcome focus", 58, 50, 66, "no_clear_change"),
    DimensionBar("Ownership", 44.5, 36, 53, "down"),
    DimensionBar("Adaptability", None, needs=2),
    DimensionBar("Improvement", 66, 58, 73, None),
    {"label": "Felt value", "score": 81, "lower": 76, "upper": 86, "change": "up"},
]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, parsed to check it


def texts(root, cls=None) -> list[str]:
    return [
        "".join(t.itertext())
        for t in root.iter(f"{NS}text")
        if cls is None or t.get("class") == cls
    ]


def rows(root) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.get("class") == "op-chart__row"]


def test_each_dimension_shows_label_value_and_change_in_words():
    root = parse(dimension_bars(DIMS))
    shown = texts(root)
    for label in ("Purpose clarity", "Outcome focus", "Ownership", "Improvement", "Felt value"):
        assert label in shown
    assert texts(root, "op-chart__value") == ["72", "58", "45", "66", "81"]
    assert texts(root, "op-chart__note") == ["up", "no clear change", "down", "up"]


def test_change_has_a_glyph_as_well_as_words():
    root = parse(dimension_bars(DIMS))
    classes = [e.get("class") or "" for e in root.iter()]
    glyphs = [c for c in classes if c.startswith("op-chart__change")]
    assert glyphs == [
        "op-chart__change-up",
        "op-chart__change-flat",
        "op-chart__change-down",
        "op-chart__change-up",
    ]
    up, down = (
        next(e for e in root.iter(f"{NS}polygon") if e.get("class") == f"op-chart__change-{c}")
        for c in ("up", "down")
    )

    def apex_is_high(p):  # the first point of the triangle is its apex
        pts = [tuple(map(float, q.split(","))) for q in p.get("points").split()]
        return pts[0][1] < pts[1][1]

    assert apex_is_high(up) and not apex_is_high(down)  # shape, not only hue


def test_missing_score_says_how_many_answers_are_needed_and_draws_no_bar():
    root = parse(dimension_bars(DIMS))
    adapt = rows(root)[3]
    assert "not enough answers (needs 2 more)" in texts(adapt)
    assert not [r for r in adapt.iter(f"{NS}rect")]
    assert not [e for e in adapt.iter() if e.get("class") == "op-chart__value"]


def test_missing_score_without_count_says_not_enough():
    root = parse(dimension_bars([DimensionBar("X", None)]))
    assert "not enough answers" in texts(root)


def test_bar_length_is_proportional_and_whisker_spans_the_ci():
    root = parse(dimension_bars([DimensionBar("A", 50, 40, 60), DimensionBar("B", 100)]))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("class") == "op-chart__bar"]
    assert float(bars[1].get("width")) == pytest.approx(2 * float(bars[0].get("width")))
    whisker = next(e for e in root.iter(f"{NS}path") if e.get("class") == "op-chart__ci")
    x0 = float(bars[0].get("x"))
    full = float(bars[1].get("width"))
    d = whisker.get("d")
    assert d.startswith(f"M{x0 + 0.4 * full:g},")
    assert f"H{x0 + 0.6 * full:g}" in d


def test_unknown_change_is_refused():
    with pytest.raises(ValueError):
        dimension_bars([DimensionBar("A", 50, change="sideways")])


def test_segments_show_value_and_n():
    segs = [
        Segment("Enterprise", 71, 48, 64, 78),
        Segment("Mid-market", 63.5, 120, 59, 68),
        Segment("Public sector", None, 3, needs=2),
    ]
    root = parse(segment_bars(segs))
    assert texts(root, "op-chart__value") == ["71", "64"]
    assert texts(root, "op-chart__note") == ["n = 48", "n = 120", "n = 3"]
    assert "not enough answers (needs 2 more)" in texts(root)
    assert "The line across each bar shows where the true score likely lies" in texts(root)
    assert "Enterprise: 71 (95% CI 64–78), n = 48" in root.find(f"{NS}desc").text


@pytest.mark.parametrize(
    ("invited", "answered", "text"),
    [
        (50, 31, "62% participation (31 of 50 answered)"),
        (200, 199, "99% participation (199 of 200 answered)"),  # not 100 until all answered
        (1000, 1, "1% participation (1 of 1000 answered)"),  # not 0 once someone answered
        (8, 8, "100% participation (8 of 8 answered)"),
        (0, 0, "No invitations yet"),
    ],
)
def test_participation_writes_the_percentage(invited, answered, text):
    root = parse(participation_gauge(invited, answered))
    assert texts(root, "op-chart__value") == [text]
    assert root.find(f"{NS}desc").text == text


def test_participation_bar_is_the_share():
    root = parse(participation_gauge(4, 1))
    track, bar = root.iter(f"{NS}rect")
    assert float(bar.get("width")) == pytest.approx(float(track.get("width")) / 4)


def test_participation_refuses_negative_counts():
    with pytest.raises(ValueError):
        participation_gauge(-1, 0)
