"""The heat map and the colours: numbers in cells, hatched hidden cells, readable contrast."""

import colorsys
import itertools
import xml.etree.ElementTree as ET

import pytest

from tenants.charts import (
    RAMP,
    SERIES_STYLES,
    HeatColumn,
    HeatRow,
    contrast,
    heatmap,
    lightness,
    ramp_labels,
    ramp_step,
    text_on,
)
from tenants.charts import colour as C

NS = "{http://www.w3.org/2000/svg}"

ROWS = [HeatRow("Company"), HeatRow("Sales", 1), HeatRow("Sales EMEA", 2), HeatRow("Support", 1)]
COLS = ["Purpose clarity", "Outcome focus", "Ownership"]
CELLS = [[51, 65.4, 5], [None, 19.5, 99], [83, None, 40], [0, 100, 60]]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 -- our own output, parsed to check it


def cells(root) -> list[tuple[ET.Element, ET.Element]]:
    """(rect, text) pairs, in reading order."""
    out = []
    for g in root.iter(f"{NS}g"):
        kids = list(g)
        for i, e in enumerate(kids):
            if e.tag == f"{NS}rect" and (e.get("class") or "").startswith("op-chart__cell"):
                out.append((e, kids[i + 1]))
    return out


def test_every_cell_writes_its_number_or_hidden():
    root = parse(heatmap(ROWS, COLS, CELLS))
    written = [t.text for _, t in cells(root)]
    assert written == [
        *("51", "65", "5"),
        *("hidden", "20", "99"),
        *("83", "hidden", "40"),
        *("0", "100", "60"),
    ]


def test_hidden_cells_are_hatched_not_coloured():
    root = parse(heatmap(ROWS, COLS, CELLS))
    pattern = root.find(f"{NS}defs/{NS}pattern")
    for rect, label in cells(root):
        if label.text == "hidden":
            assert rect.get("fill") == f"url(#{pattern.get('id')})"
            assert rect.get("class") == "op-chart__cell--hidden"
        else:
            assert rect.get("fill") in RAMP


def test_rows_are_indented_by_depth():
    root = parse(heatmap(ROWS, COLS, CELLS))
    labels = [t for t in root.iter(f"{NS}text") if t.get("class") == "op-chart__label"]
    x = {t.text: float(t.get("x")) for t in labels}
    assert x["Company"] < x["Sales"] < x["Sales EMEA"]
    assert x["Sales"] == x["Support"]


def test_cells_may_be_a_mapping_by_keys():
    rows = [HeatRow("Sales", key=7), {"label": "Support", "key": 8}]
    cols = [HeatColumn("Ownership", "ownership"), HeatColumn("Felt value", "felt_value")]
    mapping = {(7, "ownership"): 42, (8, "felt_value"): 77, (8, "ownership"): None}
    root = parse(heatmap(rows, cols, mapping))
    assert [t.text for _, t in cells(root)] == ["42", "hidden", "hidden", "77"]


def test_cells_must_match_rows_and_columns():
    with pytest.raises(ValueError):
        heatmap(ROWS, COLS, [[1, 2, 3]])


def test_legend_names_each_step_and_hidden():
    root = parse(heatmap(ROWS, COLS, CELLS))
    shown = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    labels = ramp_labels()
    assert labels == ["0–39", "40–49", "50–59", "60–69", "70–79", "80–100"]
    for label in [f"{labels[0]} concern", *labels[1:-1], f"{labels[-1]} strong", "hidden"]:
        assert label in shown
    rects = [r for r in root.iter(f"{NS}rect") if r.get("x") is not None]
    right = max(float(r.get("x")) + float(r.get("width")) for r in rects)
    assert right <= 640  # the legend wraps rather than running off the chart


def test_step_follows_the_printed_number():
    assert ramp_step(39.4) == 0 and ramp_step(39.5) == 1  # "39" vs "40"
    assert ramp_step(0) == 0 and ramp_step(100) == len(RAMP) - 1
    assert ramp_step(55) != ramp_step(65)  # a team at 55 and one at 65 look different


@pytest.mark.parametrize("fill", RAMP)
def test_cell_text_meets_wcag_aa_on_every_step(fill):
    assert contrast(text_on(fill), fill) >= 4.5


def test_cell_text_in_the_output_meets_wcag_aa():
    values = [[v] for v in range(0, 101, 5)]
    root = parse(heatmap([f"T{v}" for v in range(0, 101, 5)], ["D"], values))
    for rect, label in cells(root):
        assert contrast(label.get("fill"), rect.get("fill")) >= 4.5, (label.text, rect.get("fill"))


def test_hidden_text_is_readable_on_the_hatch():
    assert contrast(C.INK, C.HATCH_BACK) >= 4.5
    assert contrast(C.INK, C.HATCH_LINE) >= 4.5


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_the_scale_diverges_low_reads_as_a_concern_and_high_as_good():
    low, high = RAMP[: len(RAMP) // 2], RAMP[len(RAMP) // 2 :]
    assert all(15 <= _hue(c) <= 45 for c in low), [_hue(c) for c in low]  # orange: a concern
    assert all(230 <= _hue(c) <= 280 for c in high), [_hue(c) for c in high]  # purple: good
    ls = [lightness(c) for c in RAMP]  # light in the middle, darker towards both ends
    assert all(b - a >= 10 for a, b in itertools.pairwise(ls[: len(ls) // 2])), ls
    assert all(a - b >= 10 for a, b in itertools.pairwise(ls[len(ls) // 2 :])), ls


def test_series_colours_are_visible_and_readable_on_white():
    for colour, _dash, _shape in SERIES_STYLES:
        assert contrast(colour, C.WHITE) >= 4.5  # also used for value text
    for name in ("UP", "DOWN", "MUTED", "AXIS", "BAR_STROKE"):
        assert contrast(getattr(C, name), C.WHITE) >= 3, name  # WCAG 1.4.11 for graphics


def test_contrast_and_lightness_match_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert lightness("#ffffff") == pytest.approx(100)
    assert lightness("#000000") == pytest.approx(0)
