"""The dashboard as a CSV file: aggregate, released figures only.

Never an answer, never a person: one row per group and measure, from the same ``Dashboard``
the page shows (the scoring service has already applied the anonymity engine). A hidden group
gets one row that says so and how many more answers it needs, with no figure.

Safe to open in a spreadsheet: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe (formula injection), and the file starts with a
UTF-8 byte-order mark so Excel reads the accents right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from tenants.scoring.core.figures import Dashboard, DimensionFigure, GroupFigures
from tenants.scoring.core.maturity import DIMENSIONS

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADERS = (
    "period",
    "group_type",
    "group",
    "status",
    "needed",
    "respondents",
    "invited",
    "participation_pct",
    "measure",
    "label",
    "score",
    "ci_low",
    "ci_high",
    "favourable_pct",
    "change",
    "responses",
    "level",
    "alpha",  # Cronbach's alpha of the dimension's items this quarter (methodology §5.1)
    "reliability",  # "low" when alpha is below 0.7
)
_LABELS = {d.key: d for d in DIMENSIONS}


def neutralise(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def _group_type(group: GroupFigures) -> str:
    kind = group.key.partition(":")[0]
    return {"all": "employees", "team": "team"}.get(kind, kind)


def _rows(
    dashboard: Dashboard, group: GroupFigures, group_type: str, locale: str
) -> Iterator[list[str]]:
    period = dashboard.period
    common = [period, group_type, group.name]
    counts = [str(group.respondents), str(group.invited), _pct(group.participation)]
    if not group.released:
        yield [
            *common,
            "hidden",
            str(group.needed or 0),
            *counts,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        return
    head = [*common, "released", "", *counts]
    if group.index is not None:
        ci = group.index_ci
        level = f"{group.level.number} {group.level.name(locale)}" if group.level else ""
        yield [
            *head,
            "index",
            "Outcome Culture Index",
            _num(group.index),
            _num(ci.low if ci else None),
            _num(ci.high if ci else None),
            "",
            group.change or "",
            "",
            level,
            "",
            "",
        ]
    for figure in group.dimensions:
        yield [*head, *_dimension_cells(figure, locale), *_reliability(dashboard, figure.key)]


def _reliability(dashboard: Dashboard, key: str) -> list[str]:
    found = next((r for r in dashboard.reliability if r.dimension == key), None)
    if found is None:
        return ["", ""]
    return [f"{found.alpha:.2f}", "low" if found.low else ""]


def _dimension_cells(figure: DimensionFigure, locale: str) -> list[str]:
    dimension = _LABELS.get(figure.key)
    label = dimension.label(locale) if dimension else figure.key
    if figure.score is None:
        return [figure.key, label, "", "", "", "", "", str(figure.responses), ""]
    ci = figure.ci
    return [
        figure.key,
        label,
        _num(figure.score),
        _num(ci.low if ci else None),
        _num(ci.high if ci else None),
        _pct(figure.favourable_share),
        figure.change or "",
        str(figure.responses),
        "",
    ]


def rows(dashboard: Dashboard, locale: str = "en") -> list[list[str]]:
    """Every row of the export (headers first), already neutralised."""
    out: list[list[str]] = [list(HEADERS)]
    groups: list[tuple[GroupFigures, str]] = [(dashboard.overall, _group_type(dashboard.overall))]
    groups += [(t, "team") for t in dashboard.teams if t.key != dashboard.overall.key]
    if dashboard.customers is not None:
        groups.append((dashboard.customers, "customers"))
    groups += [(s, "segment") for s in dashboard.segments]
    groups += [(p, "process") for p in dashboard.processes]
    groups += [(t, "serving_team") for t in getattr(dashboard, "serving_teams", ())]
    for group, group_type in groups:
        out.extend(_rows(dashboard, group, group_type, locale))
    return [[neutralise(cell) for cell in row] for row in out]


def to_csv(dashboard: Dashboard, locale: str = "en") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows(dashboard, locale))
    return BOM + buffer.getvalue()
