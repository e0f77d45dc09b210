"""Glue between the figures contract (``tenants.scoring.core.figures``) and the chart module
(``tenants.charts``): translated words, labels in the viewer's locale, and "needs k more" notes
for hidden groups. Only released figures go in; a hidden group carries no number.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from markupsafe import Markup

from tenants import charts
from tenants.charts import (
    DataTable,
    DimensionBar,
    HeatColumn,
    HeatRow,
    Point,
    Segment,
    Words,
)
from tenants.scoring.core.figures import Dashboard, DimensionFigure, GroupFigures, TrendPoint
from tenants.scoring.core.maturity import DIMENSIONS, Dimension

EMPLOYEE_DIMENSIONS = tuple(d for d in DIMENSIONS if d.audience == "employee")
FELT_VALUE = next(d for d in DIMENSIONS if d.key == "felt_value")


def words() -> Words:
    """Everything the charts print, in the viewer's language."""
    return Words(
        index=_("Outcome Culture Index"),
        hidden=_("hidden"),
        heat_low=_("concern"),
        heat_high=_("strong"),
        not_enough=_("not enough answers"),
        needs_more=_("not enough answers (needs {k} more)"),
        up=_("up"),
        down=_("down"),
        no_clear_change=_("no clear change"),
        ci=_("95% CI"),
        ci_band=_("The shaded band shows where the true score likely lies"),
        whisker=_("The line across each bar shows where the true score likely lies"),
        period=_("Period"),
        dimension=_("Dimension"),
        score=_("Score"),
        change=pgettext("a column: how much a score moved", "Change"),
        team=_("Team"),
        segment=_("Segment"),
        felt_value=_("Felt value"),
        n=_("n"),
        n_equals=_("n = {n}"),
        invited=_("Invited"),
        answered=_("Answered"),
        participation=_("Participation"),
        participation_text=_("{pct}% participation ({answered} of {invited} answered)"),
        no_invitations=_("No invitations yet"),
        trend_title=_("Outcome Culture Index by period"),
        dimensions_title=_("Scores by dimension"),
        heatmap_title=_("Scores by team and dimension"),
        segments_title=_("Customer felt value by segment"),
        participation_title=_("Participation"),
        trend_desc=_("Line chart on a 0 to 100 scale."),
        trend_dropped=_("Showing the latest {shown} of {total} periods."),
        bars_desc=_("Bar chart on a 0 to 100 scale."),
        heatmap_desc=_(
            "Heat map of {rows} teams by {columns} dimensions on a 0 to 100 scale; "
            "orange cells are below 50 (a concern), purple cells 60 or more (good). "
            "{hidden} cells hidden."
        ),
    )


def needs_note(needed: int | None) -> str:
    """What a hidden group says instead of a figure."""
    if needed:
        return ngettext("needs %(num)s more answer", "needs %(num)s more answers", needed)
    return _("hidden so that a smaller group's answers cannot be worked out")


@dataclass(frozen=True)
class Chart:
    svg: Markup
    table: DataTable


def _dimension(group: GroupFigures, key: str) -> DimensionFigure | None:
    return next((d for d in group.dimensions if d.key == key), None)


def _ci(figure: DimensionFigure | None) -> tuple[float | None, float | None]:
    if figure is None or figure.ci is None or figure.score is None:
        return None, None
    return figure.ci.low, figure.ci.high


def felt_value(group: GroupFigures | None) -> DimensionFigure | None:
    if group is None or not group.released:
        return None
    figure = _dimension(group, "felt_value")
    return figure if figure is not None and figure.score is not None else None


def _trend_note(point: TrendPoint, w: Words) -> str | None:
    """Short words for a quarter without a figure: it fits under the chart's marker."""
    if point.hidden:
        return _("needs %(k)s more", k=point.needed) if point.needed else w.hidden
    return None if point.index is not None else _("no results")


def trend(dashboard: Dashboard, w: Words) -> Chart:
    points = [
        Point(
            p.period,
            None if p.hidden else p.index,
            None if p.hidden or p.ci is None else p.ci.low,
            None if p.hidden or p.ci is None else p.ci.high,
            note=_trend_note(p, w),
        )
        for p in dashboard.trend
    ]
    return Chart(
        charts.trend_chart(points, words=w, chart_id="dash-trend"),
        charts.trend_table(points, words=w),
    )


def dimension_label(dashboard: Dashboard, dimension: Dimension, locale: str) -> str:
    """A dimension's name, marked when its items were inconsistent this quarter (alpha < 0.7)."""
    if dashboard.low_reliability(dimension.key):
        return _("%(dimension)s (low reliability)", dimension=dimension.label(locale))
    return dimension.label(locale)


def _dimension_bars(dashboard: Dashboard, locale: str) -> list[DimensionBar]:
    """The six dimensions: five from the employees in scope, felt value from the customers."""
    overall = dashboard.overall
    out = []
    for d in EMPLOYEE_DIMENSIONS:
        label = dimension_label(dashboard, d, locale)
        figure = _dimension(overall, d.key) if overall.released else None
        if figure is None or figure.score is None:
            needs = overall.needed if not overall.released else figure.needed if figure else None
            out.append(DimensionBar(label, None, needs=needs))
        else:
            lower, upper = _ci(figure)
            out.append(DimensionBar(label, figure.score, lower, upper, figure.change))
    customers = dashboard.customers
    if customers is not None:
        figure = felt_value(customers)
        if figure is None:
            needs = customers.needed if not customers.released else None
            out.append(DimensionBar(FELT_VALUE.label(locale), None, needs=needs))
        else:
            lower, upper = _ci(figure)
            out.append(
                DimensionBar(FELT_VALUE.label(locale), figure.score, lower, upper, figure.change)
            )
    return out


def dimensions(dashboard: Dashboard, locale: str, w: Words) -> Chart:
    items = _dimension_bars(dashboard, locale)
    return Chart(
        charts.dimension_bars(items, words=w, chart_id="dash-dimensions"),
        charts.dimension_table(items, words=w),
    )


HEADCOUNT_BANDS = (10, 20, 50, 100, 250)


def headcount_band(invited: int) -> str:
    """How many people a team invited, as a band ("20–49"): enough to weigh a score, and
    shown only for teams whose figures are shown."""
    if invited < HEADCOUNT_BANDS[0]:
        return f"<{HEADCOUNT_BANDS[0]}"
    for low, high in itertools.pairwise(HEADCOUNT_BANDS):
        if invited < high:
            return f"{low}–{high - 1}"
    return f"{HEADCOUNT_BANDS[-1]}+"


def heatmap(dashboard: Dashboard, locale: str, w: Words) -> Chart | None:
    if not dashboard.teams:
        return None
    base = min(t.depth for t in dashboard.teams)
    rows = [
        HeatRow(
            f"{t.name} · {headcount_band(t.invited)}" if t.released else t.name,
            t.depth - base,
            t.key,
        )
        for t in dashboard.teams
    ]
    columns = [
        HeatColumn(dimension_label(dashboard, d, locale), d.key) for d in EMPLOYEE_DIMENSIONS
    ]
    cells: dict[tuple[str, str], float | None] = {}
    for team in dashboard.teams:
        if not team.released:
            continue
        for figure in team.dimensions:
            cells[(team.key, figure.key)] = figure.score
    return Chart(
        charts.heatmap(rows, columns, cells, words=w, chart_id="dash-heatmap"),
        charts.heatmap_table(rows, columns, cells, words=w),
    )


def _segment(group: GroupFigures) -> Segment:
    figure = felt_value(group)
    if figure is None:
        return Segment(group.name, None, needs=group.needed if not group.released else None)
    lower, upper = _ci(figure)
    return Segment(group.name, figure.score, group.respondents, lower, upper)


def segments(
    groups: tuple[GroupFigures, ...], w: Words, *, title: str, chart_id: str, column: str
) -> Chart:
    """Felt value of customer groups, their column headed ``column`` (segment, process or
    serving team). A group hidden to protect another (it needs no more answers) says so
    instead of "not enough answers"."""
    items = [_segment(g) for g in groups]
    w = replace(w, not_enough=_("hidden to protect a smaller group"), segment=column)
    return Chart(
        charts.segment_bars(items, words=w, title=title, chart_id=chart_id),
        charts.segment_table(items, words=w, title=title),
    )


def customer_charts(dashboard: Dashboard, w: Words) -> list[tuple[str, Chart]]:
    """Felt value by segment, by process and by serving team, where there are any, each with
    its heading."""
    found = []
    for groups, heading, title, chart_id, column in (
        (dashboard.segments, _("By segment"), w.segments_title, "dash-segments", w.segment),
        (
            dashboard.processes,
            _("By process"),
            _("Customer felt value by process"),
            "dash-processes",
            _("Process"),
        ),
        (
            dashboard.serving_teams,
            _("By the team that serves them"),
            _("Customer felt value by serving team"),
            "dash-serving",
            _("Serving team"),
        ),
    ):
        if groups:
            chart = segments(groups, w, title=title, chart_id=chart_id, column=column)
            found.append((heading, chart))
    return found


def participation(dashboard: Dashboard, w: Words) -> Chart:
    """Answered ÷ invited for the period shown (the live counts when nothing has closed)."""
    invited, answered = dashboard.overall.invited, dashboard.overall.respondents
    if not invited:
        invited, answered = dashboard.participation.invited, dashboard.participation.answered
    return Chart(
        charts.participation_gauge(invited, answered, words=w, chart_id="dash-participation"),
        charts.participation_table(invited, answered, words=w),
    )


# -- what changed and where to look ----------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    kind: str  # up | down | low
    text: str


def _changes(group: GroupFigures, locale: str, prefix: str) -> list[Highlight]:
    out = []
    for figure in group.dimensions:
        if figure.change not in ("up", "down") or figure.score is None:
            continue
        label = next((d.label(locale) for d in DIMENSIONS if d.key == figure.key), figure.key)
        if figure.change == "up":
            text = _("%(dimension)s went up", dimension=label)
        else:
            text = _("%(dimension)s went down", dimension=label)
        out.append(Highlight(figure.change, f"{prefix}{text}"))
    return out


def highlights(dashboard: Dashboard, locale: str, limit: int = 8) -> list[Highlight]:
    """Statistically clear changes against the previous period, then where to look first."""
    found: list[Highlight] = []
    overall = dashboard.overall
    if overall.released:
        found += _changes(overall, locale, "")
    if dashboard.customers is not None and dashboard.customers.released:
        found += _changes(dashboard.customers, locale, _("Customers") + ": ")
    for team in dashboard.teams:
        if team.released and team.key != overall.key:
            found += _changes(team, locale, f"{team.name}: ")
    found.sort(key=lambda h: h.kind != "up")
    found = found[:limit]
    if overall.released:
        scored = [
            (f.score, f.key)
            for f in overall.dimensions
            if f.score is not None and f.key != "felt_value"
        ]
        if scored:
            score, key = min(scored)
            label = next(d.label(locale) for d in DIMENSIONS if d.key == key)
            found.append(
                Highlight(
                    "low",
                    _(
                        "Lowest dimension: %(dimension)s (%(score)s)",
                        dimension=label,
                        score=charts.fmt(score),
                    ),
                )
            )
    teams = [
        t for t in dashboard.teams if t.released and t.index is not None and t.key != overall.key
    ]
    if len(teams) > 1:
        low = min(teams, key=lambda t: (t.index, t.name))
        found.append(
            Highlight(
                "low",
                _(
                    "Lowest team: %(team)s (index %(score)s)",
                    team=low.name,
                    score=charts.fmt(low.index or 0),
                ),
            )
        )
    return found
