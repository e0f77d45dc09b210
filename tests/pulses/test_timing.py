"""When rounds are sent: cadences, DST gaps and folds, year ends, reminders, grace."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenants.pulses.programs.timing import (
    CADENCES,
    OPEN_DAYS_DEFAULT,
    closes_at,
    eligible,
    local_to_utc,
    next_send,
    open_days_default,
    reminder_times,
    rounds_left_in_month,
    send_dates,
    upcoming_sends,
)

MADRID = "Europe/Madrid"
NEW_YORK = "America/New_York"
SUNDAY, MONDAY, THURSDAY = 6, 0, 3


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sends(cadence, weekday, at, tz, after, n, anchor=None) -> list[datetime]:
    return list(islice(upcoming_sends(cadence, weekday, at, tz, after, anchor), n))


# --- hand cases: DST -------------------------------------------------------------------------


def test_madrid_spring_forward_gap_sends_once_at_the_next_valid_time() -> None:
    # 2026-03-29: Madrid jumps from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    got = sends("weekly", SUNDAY, time(2, 30), MADRID, utc(2026, 3, 21), 3)
    assert got == [
        utc(2026, 3, 22, 1, 30),  # 02:30 CET
        utc(2026, 3, 29, 1, 0),  # 03:00 CEST, the first valid time after 02:30
        utc(2026, 4, 5, 0, 30),  # 02:30 CEST
    ]
    assert got[1].astimezone(ZoneInfo(MADRID)).time() == time(3, 0)


def test_madrid_fall_back_fold_sends_once_at_the_first_occurrence() -> None:
    # 2026-10-25: Madrid goes back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    got = sends("weekly", SUNDAY, time(2, 30), MADRID, utc(2026, 10, 17), 3)
    assert got == [
        utc(2026, 10, 18, 0, 30),  # 02:30 CEST
        utc(2026, 10, 25, 0, 30),  # the first 02:30 (CEST), not the second (01:30 UTC)
        utc(2026, 11, 1, 1, 30),  # 02:30 CET
    ]
    # Asking again from just after the first 02:30 skips the repeat to the next week.
    assert next_send("weekly", SUNDAY, time(2, 30), MADRID, got[1]) == got[2]
    assert next_send("weekly", SUNDAY, time(2, 30), MADRID, utc(2026, 10, 25, 1, 0)) == got[2]


def test_new_york_spring_forward_gap() -> None:
    # 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT.
    got = sends("weekly", SUNDAY, time(2, 30), NEW_YORK, utc(2026, 3, 1, 8), 2)
    assert got == [utc(2026, 3, 8, 7, 0), utc(2026, 3, 15, 6, 30)]
    local = got[0].astimezone(ZoneInfo(NEW_YORK))
    assert (local.date(), local.time()) == (date(2026, 3, 8), time(3, 0))


def test_new_york_fall_back_fold() -> None:
    # 2026-11-01: New York goes back from 02:00 EDT to 01:00 EST; 01:30 happens twice.
    got = sends("weekly", SUNDAY, time(1, 30), NEW_YORK, utc(2026, 10, 26), 2)
    assert got == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 8, 6, 30)]
    assert got[0].astimezone(ZoneInfo(NEW_YORK)).fold == 0


def test_a_send_at_the_fold_is_not_repeated_by_a_later_after() -> None:
    first = next_send("monthly", SUNDAY, time(1, 30), NEW_YORK, utc(2026, 10, 15))
    assert first == utc(2026, 11, 1, 5, 30)
    second_occurrence = utc(2026, 11, 1, 6, 30)
    assert next_send("monthly", SUNDAY, time(1, 30), NEW_YORK, first) == utc(2026, 12, 6, 6, 30)
    assert second_occurrence not in sends("weekly", SUNDAY, time(1, 30), NEW_YORK, first, 5)


def test_local_to_utc_on_ordinary_days_uses_the_seasons_offset() -> None:
    madrid = ZoneInfo(MADRID)
    assert local_to_utc(date(2026, 1, 5), time(9), madrid) == utc(2026, 1, 5, 8)
    assert local_to_utc(date(2026, 7, 6), time(9), madrid) == utc(2026, 7, 6, 7)


def test_gap_at_midnight_moves_to_the_first_valid_time() -> None:
    # Cuba springs forward at midnight: 2026-03-08 00:00 CST does not exist, 01:00 CDT does.
    havana = ZoneInfo("America/Havana")
    moment = local_to_utc(date(2026, 3, 8), time(0, 15), havana)
    assert moment.astimezone(havana).replace(tzinfo=None) == datetime(2026, 3, 8, 1, 0)


# --- hand cases: calendar --------------------------------------------------------------------


def test_weekly_crosses_the_year_end() -> None:
    got = sends("weekly", THURSDAY, time(9), MADRID, utc(2026, 12, 28), 3)
    assert got == [utc(2026, 12, 31, 8), utc(2027, 1, 7, 8), utc(2027, 1, 14, 8)]


def test_biweekly_keeps_its_parity_across_a_53_week_year() -> None:
    # 2026 has 53 ISO weeks: counting ISO week numbers would break the rhythm here.
    anchor = date(2026, 1, 5)
    got = sends("biweekly", MONDAY, time(9), MADRID, utc(2026, 12, 1), 4, anchor=anchor)
    days = [moment.astimezone(ZoneInfo(MADRID)).date() for moment in got]
    assert days == [date(2026, 12, 7), date(2026, 12, 21), date(2027, 1, 4), date(2027, 1, 18)]
    assert all((day - anchor).days % 14 == 0 for day in days)
    assert days[1].isocalendar().week % 2 == 0 and days[2].isocalendar().week % 2 == 1


def test_biweekly_anchor_on_another_weekday_anchors_its_week() -> None:
    # Anchored on a Wednesday, sending on Fridays: the anchor's own week is a send week.
    got = list(islice(send_dates("biweekly", 4, date(2026, 1, 1), anchor=date(2026, 1, 7)), 3))
    assert got == [date(2026, 1, 9), date(2026, 1, 23), date(2026, 2, 6)]
    with pytest.raises(ValueError, match="anchor"):
        next(send_dates("biweekly", 4, date(2026, 1, 1)))


def test_monthly_sends_on_the_first_weekday_of_each_month() -> None:
    got = list(islice(send_dates("monthly", MONDAY, date(2026, 1, 1)), 6))
    assert got == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 6, 1),
    ]
    assert next_send("monthly", MONDAY, time(9), MADRID, utc(2026, 2, 2, 8)) == utc(2026, 3, 2, 8)


def test_quarterly_sends_on_the_first_weekday_of_each_quarter() -> None:
    got = list(islice(send_dates("quarterly", MONDAY, date(2026, 1, 6)), 5))
    assert got == [
        date(2026, 4, 6),
        date(2026, 7, 6),
        date(2026, 10, 5),
        date(2027, 1, 4),
        date(2027, 4, 5),
    ]


def test_next_send_is_strictly_after_and_reads_after_in_local_time() -> None:
    at = time(9)
    assert next_send("weekly", MONDAY, at, MADRID, utc(2026, 1, 5, 8)) == utc(2026, 1, 12, 8)
    assert next_send("weekly", MONDAY, at, MADRID, utc(2026, 1, 5, 7, 59)) == utc(2026, 1, 5, 8)
    # 23:30 UTC on Sunday is already Monday in Madrid.
    assert next_send("weekly", MONDAY, at, MADRID, utc(2026, 1, 4, 23, 30)) == utc(2026, 1, 5, 8)
    # An aware 'after' in any zone is the same instant.
    tokyo = datetime(2026, 1, 5, 16, 59, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert next_send("weekly", MONDAY, at, MADRID, tokyo) == utc(2026, 1, 5, 8)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_send("weekly", MONDAY, time(9), MADRID, datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="time zone"):
        next_send("weekly", MONDAY, time(9), "Mars/Olympus", utc(2026, 1, 1))
    with pytest.raises(ValueError, match="cadence"):
        next_send("daily", MONDAY, time(9), MADRID, utc(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weekday"):
        next_send("weekly", 7, time(9), MADRID, utc(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        next_send("weekly", MONDAY, time(9, tzinfo=UTC), MADRID, utc(2026, 1, 1))


# --- open days, reminders, grace -------------------------------------------------------------


def test_open_days_close_before_the_next_round() -> None:
    assert {c: open_days_default(c) for c in CADENCES} == OPEN_DAYS_DEFAULT
    assert OPEN_DAYS_DEFAULT == {"weekly": 4, "biweekly": 7, "monthly": 10, "quarterly": 14}
    for cadence, gap in {"weekly": 7, "biweekly": 14, "monthly": 28, "quarterly": 91}.items():
        assert open_days_default(cadence) < gap


def test_reminders_default_to_days_three_and_five_before_close() -> None:
    opens = utc(2026, 3, 2, 8)  # Monday 09:00 Madrid
    close = closes_at(opens, open_days_default("biweekly"), MADRID)
    assert close == utc(2026, 3, 9, 8)
    assert reminder_times(opens, close, MADRID) == (utc(2026, 3, 5, 8), utc(2026, 3, 7, 8))


def test_reminders_at_or_after_close_are_dropped() -> None:
    opens = utc(2026, 3, 2, 8)
    close = closes_at(opens, open_days_default("weekly"), MADRID)  # Friday
    assert reminder_times(opens, close, MADRID) == (utc(2026, 3, 5, 8),)
    assert reminder_times(opens, closes_at(opens, 5, MADRID), MADRID) == (utc(2026, 3, 5, 8),)
    assert reminder_times(opens, close, MADRID, days=()) == ()


def test_reminders_keep_local_wall_time_across_dst() -> None:
    opens = utc(2026, 3, 26, 8)  # Thursday 09:00 CET; DST starts on Sunday the 29th
    close = closes_at(opens, 14, MADRID)
    got = reminder_times(opens, close, MADRID, days=(1, 3, 7))
    madrid = ZoneInfo(MADRID)
    assert [moment.astimezone(madrid).time() for moment in got] == [time(9)] * 3
    assert got[-1] == utc(2026, 4, 2, 7)
    assert close.astimezone(madrid).replace(tzinfo=None) == datetime(2026, 4, 9, 9)


def test_reminder_limits() -> None:
    opens, close = utc(2026, 3, 2, 8), utc(2026, 3, 20)
    with pytest.raises(ValueError, match="at most 3"):
        reminder_times(opens, close, MADRID, days=(1, 2, 3, 4))
    with pytest.raises(ValueError, match="one day"):
        reminder_times(opens, close, MADRID, days=(0, 2))
    assert len(reminder_times(opens, close, MADRID, days=(5, 1, 3, 3))) == 3


def test_grace_period() -> None:
    round_start = date(2026, 3, 16)
    assert eligible(date(2026, 3, 2), round_start)  # exactly 14 days before
    assert not eligible(date(2026, 3, 3), round_start)
    assert not eligible(date(2026, 4, 1), round_start)  # not started yet
    assert eligible(None, round_start)
    assert eligible(round_start, round_start, grace_days=0)
    assert not eligible(date(2026, 3, 2), round_start, grace_days=30)
    with pytest.raises(ValueError):
        eligible(round_start, round_start, grace_days=-1)


def test_rounds_left_in_month() -> None:
    assert rounds_left_in_month("weekly", date(2026, 3, 1)) == 5  # 1, 8, 15, 22, 29
    assert rounds_left_in_month("weekly", date(2026, 3, 3)) == 5  # ..., 31
    assert rounds_left_in_month("weekly", date(2026, 3, 4)) == 4
    assert rounds_left_in_month("weekly", date(2026, 2, 1)) == 4
    assert rounds_left_in_month("weekly", date(2026, 2, 28)) == 1
    assert rounds_left_in_month("biweekly", date(2026, 3, 3)) == 3  # 3, 17, 31
    assert rounds_left_in_month("biweekly", date(2026, 3, 4)) == 2
    assert rounds_left_in_month("monthly", date(2026, 3, 2)) == 1
    assert rounds_left_in_month("quarterly", date(2026, 4, 6)) == 1


# --- properties ------------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/Madrid",
    "America/New_York",
    "Europe/London",
    "America/Havana",  # DST transitions at midnight
    "America/Santiago",  # southern hemisphere, transitions around midnight
    "Australia/Lord_Howe",  # 30-minute DST
    "Pacific/Chatham",  # +12:45/+13:45
    "America/Sao_Paulo",  # had DST until 2019
    "Asia/Kolkata",
]
# Times near the hours at which clocks change, plus any time at all.
TIMES = st.one_of(
    st.builds(time, st.sampled_from([0, 1, 2, 3, 23]), st.sampled_from([0, 1, 15, 30, 45, 59])),
    st.times(),
)
AFTER = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


def _brute_force_dates(cadence: str, weekday: int, start: date, end: date, anchor: date):
    first_week = anchor - timedelta(days=anchor.weekday())
    day = start
    while day <= end:
        if day.weekday() == weekday and (
            cadence == "weekly"
            or (cadence == "biweekly" and (day - first_week).days // 7 % 2 == 0)
            or (cadence == "monthly" and day.day <= 7)
            or (cadence == "quarterly" and day.day <= 7 and day.month in (1, 4, 7, 10))
        ):
            yield day
        day += timedelta(days=1)


@given(
    cadence=st.sampled_from(CADENCES),
    weekday=st.integers(0, 6),
    start=st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    anchor=st.dates(date(1990, 1, 1), date(2050, 1, 1)),
)
def test_send_dates_match_the_calendar_rule(cadence, weekday, start, anchor) -> None:
    got = list(islice(send_dates(cadence, weekday, start, anchor), 12))
    end = got[-1]
    assert got == list(_brute_force_dates(cadence, weekday, start, end, anchor))
    # The first send comes within one period of the start, plus up to six days to reach the
    # weekday: a quarter is at most 92 days, a month 31.
    first_within = {"weekly": 7, "biweekly": 14, "monthly": 31 + 7, "quarterly": 92 + 7}
    assert got[0] - start < timedelta(days=first_within[cadence])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    cadence=st.sampled_from(CADENCES),
    weekday=st.integers(0, 6),
    at=TIMES,
    tz=st.sampled_from(ZONES),
    after=AFTER,
    anchor=st.dates(date(1990, 1, 1), date(2050, 1, 1)),
)
def test_sends_are_increasing_and_on_the_configured_local_clock(
    cadence, weekday, at, tz, after, anchor
) -> None:
    place = ZoneInfo(tz)
    got = sends(cadence, weekday, at, tz, after, 30, anchor=anchor)
    start = after.astimezone(place).date() - timedelta(days=1)
    days = [day for day in islice(send_dates(cadence, weekday, start, anchor), 40)]
    days = [day for day in days if local_to_utc(day, at, place) > after][:30]

    assert all(moment.tzinfo is UTC for moment in got)
    assert got[0] > after
    assert all(earlier < later for earlier, later in pairwise(got))
    assert len(set(days)) == len(days)

    for day, moment in zip(days, got, strict=True):
        wanted = datetime.combine(day, at)
        local = moment.astimezone(place)
        exists = local.replace(tzinfo=None) == wanted
        if exists:
            # On the configured day and time, and the first occurrence when the time repeats.
            assert local.weekday() == weekday
            assert local.fold == 0
            assert moment == wanted.replace(tzinfo=place, fold=0).astimezone(UTC)
        else:
            # A gap: nothing on this clock ever reads 'wanted'; send at the first valid time.
            for fold in (0, 1):
                probe = wanted.replace(tzinfo=place, fold=fold).astimezone(UTC)
                assert probe.astimezone(place).replace(tzinfo=None) != wanted
            assert local.replace(tzinfo=None) > wanted
            before = (moment - timedelta(seconds=1)).astimezone(place).replace(tzinfo=None)
            assert before < wanted
            assert local.date() - day <= timedelta(days=1)

    # Nothing is skipped or repeated: asking from just before, or at, each send.
    for earlier, later in pairwise(got):
        assert next_send(cadence, weekday, at, tz, earlier, anchor) == later
        assert (
            next_send(cadence, weekday, at, tz, later - timedelta(microseconds=1), anchor) == later
        )


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(
        ["Europe/Madrid", "America/New_York", "Australia/Lord_Howe", "Europe/London"]
    ),
    year=st.integers(2000, 2039),
    minute=st.integers(0, 59),
)
def test_a_local_time_in_a_fold_produces_exactly_one_send(tz, year, minute) -> None:
    place = ZoneInfo(tz)
    # Find the autumn transition day of this year and a time inside its repeated hour.
    day = date(year, 1, 1)
    while True:
        midnight_offset = datetime.combine(day, time(0), place).utcoffset()
        next_midnight_offset = datetime.combine(day + timedelta(days=1), time(0), place).utcoffset()
        if next_midnight_offset < midnight_offset:
            break
        day += timedelta(days=1)
    repeated = None
    for hour in range(24):
        wall = datetime.combine(day, time(hour, minute))
        first = wall.replace(tzinfo=place, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=place, fold=1).astimezone(UTC)
        if first != second and second.astimezone(place).replace(tzinfo=None) == wall:
            repeated = (wall.time(), first, second)
            break
    if repeated is None:  # Lord Howe's 30-minute fold holds only half of the minutes
        return
    at, first, second = repeated
    window = sends("weekly", day.weekday(), at, tz, first - timedelta(days=8), 3)
    on_day = [moment for moment in window if moment.astimezone(place).date() == day]
    assert on_day == [first]
    assert second not in window
