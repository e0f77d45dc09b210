"""When rounds are sent: cadences, local send times across DST, reminders, grace periods,
and the period (quarter) and month a round belongs to.

Pure functions, no Flask. Every instant that goes in or comes out is an aware UTC ``datetime``;
the program's own wall clock (weekday, time of day, IANA zone) is only used to compute them.

Cadences, all in the program's time zone:

- ``weekly``: every week on ``weekday``.
- ``biweekly``: every second week on ``weekday``. The weeks are counted from the Monday of the
  week holding the program's ``anchor`` date, so the parity survives year ends (ISO week numbers
  would not: a year can have 53 of them).
- ``monthly``: the first ``weekday`` of each calendar month.
- ``quarterly``: the first ``weekday`` of each calendar quarter (January, April, July, October).

Daylight saving time: a local send time that does not exist on the day (the spring-forward gap)
sends once, at the first valid local time after it (02:30 becomes 03:00). A local time that
happens twice (the fall-back fold) sends once, at its first occurrence (``fold=0``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Cadence = Literal["weekly", "biweekly", "monthly", "quarterly"]
CADENCES: Final[tuple[Cadence, ...]] = get_args(Cadence)

#: Fast cadences: the ones whose calendar month holds at least one round.
MONTHLY_OR_FASTER: Final[frozenset[Cadence]] = frozenset({"weekly", "biweekly", "monthly"})

#: Days a round stays open. Each closes before the next round of its cadence opens (a weekly
#: round sent on Monday closes on Friday), so a person never holds two open rounds of one program.
OPEN_DAYS_DEFAULT: Final[dict[Cadence, int]] = {
    "weekly": 4,
    "biweekly": 7,
    "monthly": 10,
    "quarterly": 14,
}

#: Reminders, in days after the send; only those before the round closes are sent.
REMINDER_DAYS_DEFAULT: Final[tuple[int, ...]] = (3, 5)
MAX_REMINDERS: Final = 3

#: New people are not invited to a round that starts within this many days of their start date.
GRACE_DAYS_DEFAULT: Final = 14

_QUARTER_MONTHS: Final = (1, 4, 7, 10)


def check_cadence(cadence: str) -> Cadence:
    """Return ``cadence`` typed, or raise ``ValueError`` for an unknown one."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}; expected one of {CADENCES}")
    return cadence  # type: ignore[return-value]


def zone(tz: str) -> ZoneInfo:
    """The IANA zone ``tz``, or ``ValueError`` (not ``KeyError``) when it is unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def open_days_default(cadence: Cadence) -> int:
    """How many days a round of ``cadence`` stays open by default (see ``OPEN_DAYS_DEFAULT``)."""
    return OPEN_DAYS_DEFAULT[check_cadence(cadence)]


def _check_weekday(weekday: int) -> None:
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def first_weekday_of_month(year: int, month: int, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) of that month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def send_dates(
    cadence: Cadence, weekday: int, start: date, anchor: date | None = None
) -> Iterator[date]:
    """The local calendar dates of the sends on or after ``start``, in order, without end.

    ``anchor`` is required for ``biweekly`` (and ignored otherwise): it only fixes which weeks
    are send weeks; sends before it are computed the same way, so pass ``start`` to begin later.
    """
    check_cadence(cadence)
    _check_weekday(weekday)
    if cadence == "weekly":
        day = start + timedelta(days=(weekday - start.weekday()) % 7)
        while True:
            yield day
            day += timedelta(days=7)
    elif cadence == "biweekly":
        if anchor is None:
            raise ValueError("a biweekly cadence needs an anchor date")
        first = anchor - timedelta(days=anchor.weekday()) + timedelta(days=weekday)
        fortnights = -(-(start - first).days // 14)  # ceiling division, also for negatives
        day = first + timedelta(days=14 * fortnights)
        while True:
            yield day
            day += timedelta(days=14)
    else:
        months = range(1, 13) if cadence == "monthly" else _QUARTER_MONTHS
        year = start.year
        while True:
            for month in months:
                day = first_weekday_of_month(year, month, weekday)
                if day >= start:
                    yield day
            year += 1


def _wall(moment: datetime, tz: ZoneInfo) -> datetime:
    """The naive local wall-clock reading of an aware ``moment`` in ``tz``."""
    return moment.astimezone(tz).replace(tzinfo=None, fold=0)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock of ``tz`` first shows ``at`` on ``day``.

    In a fold that is the first occurrence; in a gap (``at`` never shows) it is the first
    instant after the jump, i.e. the first valid local time later than ``at``.
    """
    wanted = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    earlier_offset = wanted.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(earlier_offset, tz) == wanted:
        return earlier_offset
    # A gap: fold=0 reads ``wanted`` with the offset before the jump (an instant after it),
    # fold=1 with the offset after the jump (an instant before it). Bisect for the jump.
    low = int(wanted.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    high = int(earlier_offset.timestamp()) + 1
    while low < high:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) >= wanted:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def upcoming_sends(
    cadence: Cadence,
    weekday: int,
    send_time: time,
    tz: str,
    after: datetime,
    anchor: date | None = None,
) -> Iterator[datetime]:
    """Every send strictly after ``after``, in order, as aware UTC datetimes, without end.

    Slice it with ``itertools.islice``. ``send_time`` is a naive local time of day.
    """
    _check_aware(after, "after")
    if send_time.tzinfo is not None:
        raise ValueError("send_time must be a naive local time")
    place = zone(tz)
    # Start a day early: a send in a gap just before midnight can move to the next local day.
    start = after.astimezone(place).date() - timedelta(days=1)
    for day in send_dates(cadence, weekday, start, anchor):
        moment = local_to_utc(day, send_time, place)
        if moment > after:
            yield moment


def next_send(
    cadence: Cadence,
    weekday: int,
    send_time: time,
    tz: str,
    after: datetime,
    anchor: date | None = None,
) -> datetime:
    """The first send strictly after ``after`` (aware), as an aware UTC datetime."""
    return next(upcoming_sends(cadence, weekday, send_time, tz, after, anchor))


def _shift_local(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``moment`` moved by whole local days, keeping its wall-clock time across DST changes."""
    local = moment.astimezone(tz)
    return local_to_utc(local.date() + timedelta(days=days), local.time(), tz)


def closes_at(opens_at: datetime, open_days: int, tz: str) -> datetime:
    """When a round sent at ``opens_at`` closes: ``open_days`` local days later, same wall time."""
    _check_aware(opens_at, "opens_at")
    if open_days < 1:
        raise ValueError("a round must stay open at least one day")
    return _shift_local(opens_at, open_days, zone(tz))


def reminder_times(
    opens_at: datetime,
    closes_at: datetime,
    tz: str,
    days: Iterable[int] = REMINDER_DAYS_DEFAULT,
) -> tuple[datetime, ...]:
    """The reminders of a round: ``days`` local days after it opened, at the same wall time.

    At most three distinct days, each at least 1; only reminders strictly before the close are
    returned, in order, as aware UTC datetimes.
    """
    _check_aware(opens_at, "opens_at")
    _check_aware(closes_at, "closes_at")
    wanted = sorted(set(days))
    if len(wanted) > MAX_REMINDERS:
        raise ValueError(f"at most {MAX_REMINDERS} reminders")
    if wanted and wanted[0] < 1:
        raise ValueError("reminders come at least one day after the round opens")
    place = zone(tz)
    moments = (_shift_local(opens_at, day, place) for day in wanted)
    return tuple(moment for moment in moments if moment < closes_at)


def eligible(
    start_date: date | None, round_start: date, grace_days: int = GRACE_DAYS_DEFAULT
) -> bool:
    """Whether a person who started on ``start_date`` is invited to a round on ``round_start``.

    A newcomer is left out until ``grace_days`` have passed (they cannot yet judge the culture).
    A person without a known start date is treated as long-standing.
    """
    if grace_days < 0:
        raise ValueError("grace_days cannot be negative")
    if start_date is None:
        return True
    return start_date + timedelta(days=grace_days) <= round_start


def rounds_left_in_month(cadence: Cadence, round_start: date) -> int:
    """How many rounds of a regular schedule start in ``round_start``'s month from it on.

    The round on ``round_start`` itself is included. Weekly rounds are 7 days apart, biweekly 14;
    monthly and quarterly cadences hold at most one round in a month.
    """
    check_cadence(cadence)
    step = {"weekly": 7, "biweekly": 14}.get(cadence)
    if step is None:
        return 1
    days_in_month = calendar.monthrange(round_start.year, round_start.month)[1]
    return 1 + (days_in_month - round_start.day) // step


def quarter_of(day: date) -> tuple[int, int]:
    """The calendar quarter holding ``day``, as ``(year, 1..4)``."""
    return day.year, (day.month - 1) // 3 + 1


def period_of(day: date) -> str:
    """The quarter holding ``day``: ``2026-Q3`` (a round's period)."""
    year, quarter = quarter_of(day)
    return f"{year}-Q{quarter}"


def month_of(day: date) -> str:
    """The calendar month holding ``day``: ``2026-07`` (a customer round's month)."""
    return f"{day.year}-{day.month:02d}"


def local_date(moment: datetime, tz: str) -> date:
    """The date of the aware ``moment`` on the wall clock of ``tz``."""
    return moment.astimezone(zone(tz)).date()
