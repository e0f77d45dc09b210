"""Which questions a round asks.

Rotation is per round: everyone invited to a round gets the same questions. A question
*rotates* when it has a dimension and is not a free-text comment; the others (a comment, a
tenant's question without a dimension) are asked in every round, in addition to ``per_round``.

The rules, and how this module keeps them:

1. **At monthly or faster cadences, each calendar month covers every dimension with at least two
   items** (asks are counted, so with one item in a dimension the same item asked in two of the
   month's rounds counts twice). A round counts the asks each dimension already had in the
   earlier rounds of its month (from ``history``) and the rounds left in the month on a regular
   schedule, itself included (``schedule.rounds_left_in_month``: a weekly round on the 1st of a
   31-day month has 5, a monthly round 1). It takes ``ceil(missing / rounds_left)`` items of each
   dimension. Since a dimension misses at most 2, and ``missing <= rounds_left * items``
   stays true from one round to the next, the month's last round closes every gap; rounding
   up front-loads the coverage, so a month whose last round is skipped is usually still
   covered. (The guarantee assumes the month's remaining rounds are sent as scheduled.) The only
   month that cannot be covered twice is a month with a single round and a one-item dimension:
   that dimension gets its one item (a round never repeats a question).
2. **A quarterly round covers every dimension**: it takes at least one item of each.
3. **The purpose map comes once a quarter**: a round carries it unless an earlier round of the
   same calendar quarter in ``history`` did, so it is the first round of each quarter.

``per_round`` is a minimum, not a cap: it is raised to what the coverage needs (a monthly
employee round asks 2 x 5 = 10 questions) and lowered only when the bank holds fewer items.
Slots beyond the coverage go to the least recently asked items of any dimension.

Within those rules items are chosen least recently asked first (never-asked items first), ties
broken by a stable hash of ``seed`` and the key, so different programs do not all start with the
same items, and a run is reproducible. An item asked this month is always more recent than one
that was not, so nothing repeats within a month while an unasked item is left.

``round_start`` is the round's scheduled local date (``schedule.send_dates``); ``history`` holds
the program's earlier rounds. Only rounds that started before ``round_start`` count, in date order,
so the round being chosen may already be in it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Protocol

from tenants.pulses.programs.timing import Cadence, check_cadence, quarter_of, rounds_left_in_month

#: Asks each dimension gets in a calendar month at monthly or faster cadences.
MONTHLY_MIN_ASKS: Final = 2
PER_ROUND_DEFAULT: Final = 5

COMMENT_SCALE: Final = "comment"


class QuestionRef(Protocol):
    """What rotation needs of a question: a ``BankQuestion``, a model row or a ``Ref``."""

    @property
    def key(self) -> str: ...

    @property
    def dimension(self) -> str | None: ...

    @property
    def scale(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Ref:
    """A plain ``QuestionRef``, for tenants' own questions and for tests."""

    key: str
    dimension: str | None
    scale: str = "agree5"


@dataclass(frozen=True, slots=True)
class PastRound:
    """An earlier round of the program: when it started, what it asked, whether it held the map."""

    started_on: date
    keys: tuple[str, ...]
    purpose_map: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(self.keys))


@dataclass(frozen=True, slots=True)
class Selection:
    """A round's questions.

    ``keys`` is everything asked, in bank order, rotating items first, then the every-round ones;
    ``rotated`` is the rotating part alone.
    """

    keys: tuple[str, ...]
    rotated: tuple[str, ...]
    include_purpose_map: bool

    def as_past(self, started_on: date) -> PastRound:
        """This selection as a ``PastRound``, to append to the history of the next round."""
        return PastRound(started_on, self.keys, self.include_purpose_map)


def rotates(question: QuestionRef) -> bool:
    """Whether ``question`` takes part in rotation (else it is asked in every round)."""
    return question.dimension is not None and question.scale != COMMENT_SCALE


def _tiebreak(seed: int | str, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x1f{key}".encode(), digest_size=8).digest()


def select_questions(
    bank: Sequence[QuestionRef],
    cadence: Cadence,
    round_start: date,
    per_round: int = PER_ROUND_DEFAULT,
    history: Sequence[PastRound] = (),
    seed: int | str = 0,
    purpose_map: bool = True,
) -> Selection:
    """Choose the questions of the round that starts on ``round_start`` (see the module doc).

    ``bank`` is every active question of the program, in display order, keys unique.
    ``purpose_map=False`` for programs that never ask it (customer programs).
    """
    check_cadence(cadence)
    if per_round < 1:
        raise ValueError("per_round must be at least 1")
    keys = [question.key for question in bank]
    if len(set(keys)) != len(keys):
        duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
        raise ValueError(f"duplicate question keys: {duplicates}")

    pool = [question for question in bank if rotates(question)]
    dimension_of = {question.key: question.dimension for question in pool}
    items: dict[str, list[str]] = {}
    for question in pool:
        items.setdefault(question.dimension, []).append(question.key)  # type: ignore[arg-type]

    past = sorted(
        (past_round for past_round in history if past_round.started_on < round_start),
        key=lambda past_round: past_round.started_on,
    )
    last_asked: dict[str, int] = {}
    for position, past_round in enumerate(past):
        for key in past_round.keys:
            last_asked[key] = position

    def staleness(key: str) -> tuple[int, bytes]:
        return last_asked.get(key, -1), _tiebreak(seed, key)

    if cadence == "quarterly":
        quota = {dimension: 1 for dimension in items}
    else:
        month = (round_start.year, round_start.month)
        asked = Counter(
            dimension_of[key]
            for past_round in past
            if (past_round.started_on.year, past_round.started_on.month) == month
            for key in set(past_round.keys)
            if key in dimension_of
        )
        left = rounds_left_in_month(cadence, round_start)
        quota = {
            dimension: -(-max(0, MONTHLY_MIN_ASKS - asked[dimension]) // left)
            for dimension in items
        }

    chosen: list[str] = []
    for dimension, dimension_keys in items.items():
        take = min(quota[dimension], len(dimension_keys))
        chosen.extend(sorted(dimension_keys, key=staleness)[:take])
    size = min(max(per_round, len(chosen)), len(pool))
    taken = set(chosen)
    rest = sorted((question.key for question in pool if question.key not in taken), key=staleness)
    taken.update(rest[: size - len(chosen)])

    rotated = tuple(question.key for question in pool if question.key in taken)
    always = tuple(question.key for question in bank if not rotates(question))
    quarter = quarter_of(round_start)
    include_purpose_map = purpose_map and not any(
        past_round.purpose_map and quarter_of(past_round.started_on) == quarter
        for past_round in past
    )
    return Selection(
        keys=rotated + always,
        rotated=rotated,
        include_purpose_map=include_purpose_map,
    )
