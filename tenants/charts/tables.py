"""Text alternatives: each chart's figures as a captioned data table for screen readers.

Each function takes the same arguments as its chart and returns a ``DataTable``: plain
strings (for tests, CSV or the API) that renders itself as an HTML ``<table>`` in templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import layout as L
from .data import (
    WORDS,
    Words,
    change_text,
    dimension_items,
    fmt,
    fmt_ci,
    heat_data,
    heat_paths,
    needs_text,
    percent,
    segment_items,
    trend_data,
)
from .draw import clean as escape


@dataclass(frozen=True)
class DataTable:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_headers: bool = True  # the first cell of each row names the row

    def html(self, *, visually_hidden: bool = False) -> Markup:
        """``<table>`` with caption, column headers and row headers; every cell escaped."""
        cls = "op-chart-table op-sr-only" if visually_hidden else "op-chart-table"
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in self.headers)
        first = '<th scope="row">{}</th>' if self.row_headers else "<td>{}</td>"
        body = "".join(
            "<tr>"
            + first.format(escape(r[0]))
            + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
            + "</tr>"
            for r in self.rows
        )
        # Safe: caption, headers and cells are escaped above.
        return Markup(  # noqa: S704
            f'<table class="{cls}"><caption>{escape(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def __html__(self) -> str:
        return str(self.html())


def trend_table(
    points: Iterable[Any] = (),
    *,
    series: Iterable[Any] = (),
    name: str | None = None,
    periods: Iterable[str] | None = None,
    title: str | None = None,
    words: Words = WORDS,
    **_: Any,
) -> DataTable:
    """Period × series; each cell "67 (95% CI 60–74)" or "hidden"."""
    data = trend_data(points, series, name or words.index, periods, L.TREND_MAX_PERIODS)
    rows = []
    for i, period in enumerate(data.periods):
        cells = [period]
        for s in data.series:
            p = s.points[i]
            if p.value is None:
                cells.append(p.note or words.hidden)
            else:
                ci = fmt_ci(p.lower, p.upper)
                cells.append(fmt(p.value) + (f" ({words.ci} {ci})" if ci else ""))
        rows.append(tuple(cells))
    headers = (words.period, *(s.name for s in data.series))
    return DataTable(title or words.trend_title, headers, tuple(rows))


def _value_cells(
    value: float | None, lower: float | None, upper: float | None, needs: int | None, words: Words
) -> tuple[str, str]:
    """A figure and its CI, or "not enough answers" and no CI when it is hidden."""
    if value is None:
        return needs_text(needs, words), ""
    return fmt(value), fmt_ci(lower, upper)


def dimension_table(
    items: Iterable[Any], *, title: str | None = None, words: Words = WORDS, **_: Any
) -> DataTable:
    rows = tuple(
        (
            d.label,
            *_value_cells(d.score, d.lower, d.upper, d.needs, words),
            change_text(d.change, words),
        )
        for d in dimension_items(items)
    )
    headers = (words.dimension, words.score, words.ci, words.change)
    return DataTable(title or words.dimensions_title, headers, rows)


def segment_table(
    items: Iterable[Any], *, title: str | None = None, words: Words = WORDS, **_: Any
) -> DataTable:
    rows = tuple(
        (
            s.label,
            *_value_cells(s.value, s.lower, s.upper, s.needs, words),
            "" if s.n is None else str(s.n),
        )
        for s in segment_items(items)
    )
    headers = (words.segment, words.felt_value, words.ci, words.n)
    return DataTable(title or words.segments_title, headers, rows)


def heatmap_table(
    rows: Iterable[Any],
    columns: Iterable[Any],
    cells: Any,
    *,
    title: str | None = None,
    words: Words = WORDS,
    **_: Any,
) -> DataTable:
    """Team × dimension; the row header is the team's path ("Sales › EMEA")."""
    data = heat_data(rows, columns, cells)
    paths = heat_paths(data.rows, words.path_separator)
    out = tuple(
        (path, *(words.hidden if v is None else fmt(v) for v in values))
        for path, values in zip(paths, data.values, strict=True)
    )
    headers = (words.team, *(c.label for c in data.columns))
    return DataTable(title or words.heatmap_title, headers, out)


def participation_table(
    invited: int, answered: int, *, title: str | None = None, words: Words = WORDS, **_: Any
) -> DataTable:
    pct = percent(answered, invited)
    row = (str(invited), str(answered), words.no_invitations if pct is None else f"{pct}%")
    headers = (words.invited, words.answered, words.participation)
    return DataTable(title or words.participation_title, headers, (row,), row_headers=False)
