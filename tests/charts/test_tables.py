"""Text alternatives: the same figures as a captioned table for screen readers."""

import xml.etree.ElementTree as ET

import pytest

from tenants.charts import (
    DataTable,
    DimensionBar,
    HeatRow,
    Point,
    Segment,
    Series,
    Words,
    dimension_bars,
    dimension_table,
    heatmap_table,
    participation_table,
    segment_table,
    trend_table,
)


def test_trend_table_has_a_row_per_period_and_a_column_per_series():
    t = trend_table(
        series=[
            Series("Index", (Point("2026-Q1", 50, 44, 56.5), Point("2026-Q2", None))),
            Series("Ownership", (Point("2026-Q1", 61), Point("2026-Q2", 62, note="no data"))),
        ]
    )
    assert t.headers == ("Period", "Index", "Ownership")
    assert t.rows == (("2026-Q1", "50 (95% CI 44–57)", "61"), ("2026-Q2", "hidden", "62"))


def test_dimension_table_spells_out_missing_scores_and_changes():
    own = DimensionBar("Ownership", 44.5, 36, 53, "down")
    t = dimension_table([own, DimensionBar("Adaptability", None, needs=2)])
    assert t.rows == (
        ("Ownership", "45", "36–53", "down"),
        ("Adaptability", "not enough answers (needs 2 more)", "", ""),
    )


def test_segment_table_has_n():
    t = segment_table([Segment("SMB", 55, 12, 40, 70)])
    assert t.headers == ("Segment", "Felt value", "95% CI", "n")
    assert t.rows == (("SMB", "55", "40–70", "12"),)


def test_heatmap_table_names_rows_by_their_path_in_the_tree():
    rows = [HeatRow("Company"), HeatRow("Sales", 1), HeatRow("EMEA", 2), HeatRow("Support", 1)]
    t = heatmap_table(rows, ["Ownership"], [[50], [None], [70], [80]])
    assert [r[0] for r in t.rows] == [
        "Company",
        "Company › Sales",
        "Company › Sales › EMEA",
        "Company › Support",
    ]
    assert [r[1] for r in t.rows] == ["50", "hidden", "70", "80"]


def test_participation_table():
    t = participation_table(50, 31)
    assert t.rows == (("50", "31", "62%"),)
    assert participation_table(0, 0).rows == (("0", "0", "No invitations yet"),)


def test_html_is_a_captioned_table_with_header_scopes_and_escaped_cells():
    t = dimension_table([DimensionBar("<script>x</script> & co", 50)])
    html = str(t.html())
    assert "<script>" not in html
    table = ET.fromstring(html)  # noqa: S314 -- our own output
    assert table.tag == "table" and table.get("class") == "op-chart-table"
    assert table.find("caption").text == "Scores by dimension"
    assert [th.get("scope") for th in table.iter("th")] == ["col"] * 4 + ["row"]
    assert table.find("tbody/tr/th").text == "<script>x</script> & co"


def test_visually_hidden_variant_and_jinja_protocol():
    t = DataTable("Cap", ("A", "B"), (("1", "2"),))
    assert 'class="op-chart-table op-sr-only"' in t.html(visually_hidden=True)
    assert t.__html__() == str(t.html())


def test_tables_take_the_same_arguments_as_their_chart():
    kwargs = {"title": "Scores", "chart_id": "dims", "desc": "x"}
    items = [DimensionBar("A", 50)]
    dimension_bars(items, **kwargs)
    assert dimension_table(items, **kwargs).caption == "Scores"


def test_words_can_be_translated():
    es = Words(hidden="oculto", period="Periodo", ci="IC 95%")
    t = trend_table([Point("2026-T1", None)], name="Índice", words=es)
    assert t.headers == ("Periodo", "Índice")
    assert t.rows == (("2026-T1", "oculto"),)


@pytest.mark.parametrize("bad", ["sideways", "UP"])
def test_tables_validate_like_charts(bad):
    with pytest.raises(ValueError):
        dimension_table([DimensionBar("A", 50, change=bad)])
