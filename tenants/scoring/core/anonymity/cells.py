"""What the anonymity engine takes and answers: cells, released and suppressed groups, comments."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Generic, Literal, TypeVar

from tenants.scoring.core.stats import Moments, merge

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

#: No group smaller than this is ever shown, whatever a round says.
MIN_THRESHOLD: Final = 3
DEFAULT_THRESHOLD: Final = 5
DEFAULT_COMMENT_THRESHOLD: Final = 10

SuppressionReason = Literal["below_threshold", "complementary"]


@dataclass(frozen=True, slots=True)
class Cell:
    """Figures of one atomic group.

    ``respondents``: distinct people who answered (from invitations); each person must
    be counted in exactly one cell per period. ``threshold``: the highest threshold
    frozen on the rounds whose responses fall in this cell (raised to MIN_THRESHOLD).
    ``moments``: additive figures by name, normally one per dimension.
    """

    respondents: int
    threshold: int = DEFAULT_THRESHOLD
    moments: Mapping[str, Moments] = field(default_factory=dict)
    invited: int = 0

    def __post_init__(self) -> None:
        if self.respondents < 0 or self.invited < 0:
            raise ValueError("counts must not be negative")


@dataclass(frozen=True, slots=True)
class Released:
    """A group whose figures may be shown."""

    respondents: int
    invited: int
    threshold: int
    moments: Mapping[str, Moments]

    @property
    def participation(self) -> float | None:
        return self.respondents / self.invited if self.invited else None


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A group whose figures may not be shown.

    ``below_threshold``: ``needed`` more respondents would release it (unless a
    neighbour then needs protecting). ``complementary``: it has enough respondents but
    is hidden so that a smaller group cannot be worked out by subtraction; ``needed``
    is 0.
    """

    needed: int
    reason: SuppressionReason


@dataclass(frozen=True, slots=True)
class Breakdown(Generic[K, T]):
    """The engine's answer: the tenant-wide total and one entry per group key."""

    total: T | Suppressed
    groups: Mapping[K, T | Suppressed]


@dataclass(frozen=True, slots=True)
class Comment(Generic[K]):
    """One free-text answer. ``group`` is the author's cell: their team (direct
    membership) or partition part; None when they are in none. No timestamp on purpose."""

    text: str
    group: K | None
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class ReleasedComment(Generic[K]):
    """A comment as shown. ``group`` is the most specific group that can be named
    without narrowing the author below the comment threshold, or None."""

    text: str
    group: K | None
    topic: str | None


@dataclass(frozen=True, slots=True)
class CommentSet(Generic[K]):
    respondents: int
    comments: tuple[ReleasedComment[K], ...]


def merge_moments(parts: Iterable[Mapping[str, Moments]]) -> dict[str, Moments]:
    """The figures of several cells added up, name by name (``stats.merge`` per name)."""
    by_name: dict[str, list[Moments]] = {}
    for p in parts:
        for name, m in p.items():
            by_name.setdefault(name, []).append(m)
    return {name: merge(ms) for name, ms in by_name.items()}
