"""The calendar of the demo's history: the months it covers and their first weekdays."""

from __future__ import annotations

from datetime import date


def months(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s."""
    out, day = [], date(first.year, first.month, 1)
    while day <= last:
        out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def quarter_start(day: date, back: int) -> date:
    """The first day of the quarter ``back`` quarters before ``day``'s."""
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, (index % 4) * 3 + 1, 1)
