"""Which questions a round asks.

Rotation is per round: everyone invited to a round gets the same questions. A question
*rotates* when it has a dimension and is not a free-text comment; the others (a comment, a
tenant's question without a dimension) are asked in every round, beside the rating items.

The round design (docs/methodology.md §2.1), and how this module keeps it:

1. **Every round asks each dimension's anchor.** A dimension's *anchor* is its built-in anchor
   (``surveys.bank.ANCHOR_KEYS``: the first item of the dimension in the built-in bank) while
   it is active, else its first rotating item in bank order. The same item every round lets
   quarters be compared like with like (the change test uses the anchors' answers).
2. **Beside the anchors, at most ``MAX_ROTATING`` (3) other items** of any dimension, chosen
   least recently asked first. ``per_round`` is the number of rating items wanted, anchors
   included: it can ask fewer rotating items, never fewer anchors. An employee pulse therefore
   asks at most 5 + 3 = 8 rating items.
3. **The round that carries the purpose map asks at least ``MAP_ROUND_ITEMS`` (3) items of each
   dimension** (the anchor and the two least recently asked others, fewer only when the bank has
   fewer): what a reliability estimate (Cronbach's alpha) needs. It asks no other rotating item.
4. **The purpose map comes once a quarter**: a round carries it unless an earlier round of the
   same calendar quarter in ``history`` did, so it is the first round of each quarter.

Within those rules items are chosen least recently asked first (never-asked items first), ties
broken by a stable hash of ``seed`` and the key, so different programs do not all start with the
same items, and a run is reproducible.

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

from tenants.pulses.programs.timing import Cadence, check_cadence, quarter_of
from tenants.surveys.bank import ANCHOR_KEYS

#: Rotating items a round asks beside the anchors, at most.
MAX_ROTATING: Final = 3
#: Items of each dimension the purpose-map round asks, at least (the bank allowing).
MAP_ROUND_ITEMS: Final = 3
#: Five employee anchors and three rotating items.
PER_ROUND_DEFAULT: Final = 8

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

    ``keys`` is everything asked, in bank order, rating items first, then the every-round ones;
    ``rotated`` is the rating part alone (anchors included), ``anchors`` the anchors in it.
    """

    keys: tuple[str, ...]
    rotated: tuple[str, ...]
    include_purpose_map: bool
    anchors: tuple[str, ...] = ()

    def as_past(self, started_on: date) -> PastRound:
        """This selection as a ``PastRound``, to append to the history of the next round."""
        return PastRound(started_on, self.keys, self.include_purpose_map)


def rotates(question: QuestionRef) -> bool:
    """Whether ``question`` takes part in rotation (else it is asked in every round)."""
    return question.dimension is not None and question.scale != COMMENT_SCALE


def _tiebreak(seed: int | str, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x1f{key}".encode(), digest_size=8).digest()


def anchors_of(bank: Sequence[QuestionRef]) -> dict[str, str]:
    """Each dimension's anchor: its built-in anchor (``bank.ANCHOR_KEYS``) while it is active,
    else its first rotating item in bank order."""
    out: dict[str, str] = {}
    keys_order = {question.key: position for position, question in enumerate(bank)}
    for question in bank:
        if rotates(question) and question.key in ANCHOR_KEYS:
            out.setdefault(question.dimension, question.key)  # type: ignore[arg-type]
    for question in bank:
        if rotates(question):
            out.setdefault(question.dimension, question.key)  # type: ignore[arg-type]
    return dict(sorted(out.items(), key=lambda item: keys_order[item[1]]))


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
    ``per_round`` is how many rating items to ask, anchors included (the anchors are always
    asked; at most ``MAX_ROTATING`` others). ``purpose_map=False`` for programs that never
    ask it (customer programs). ``cadence`` is checked; every cadence follows the same rules.
    """
    check_cadence(cadence)
    if per_round < 1:
        raise ValueError("per_round must be at least 1")
    keys = [question.key for question in bank]
    if len(set(keys)) != len(keys):
        duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
        raise ValueError(f"duplicate question keys: {duplicates}")

    pool = [question for question in bank if rotates(question)]
    anchors = anchors_of(pool)
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

    quarter = quarter_of(round_start)
    include_purpose_map = purpose_map and not any(
        past_round.purpose_map and quarter_of(past_round.started_on) == quarter
        for past_round in past
    )
    taken = set(anchors.values())
    others = sorted((q.key for q in pool if q.key not in taken), key=staleness)
    if include_purpose_map:
        dimension_of = {q.key: q.dimension for q in pool}
        for dimension in anchors:
            mine = [key for key in others if dimension_of[key] == dimension]
            taken.update(mine[: MAP_ROUND_ITEMS - 1])
    else:
        taken.update(others[: min(MAX_ROTATING, max(0, per_round - len(anchors)))])

    rotated = tuple(question.key for question in pool if question.key in taken)
    always = tuple(question.key for question in bank if not rotates(question))
    return Selection(
        keys=rotated + always,
        rotated=rotated,
        include_purpose_map=include_purpose_map,
        anchors=tuple(anchors.values()),
    )
