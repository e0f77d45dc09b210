"""The one way into the anonymity engine: ``release(request)``, with one request type per kind
of output (employee figures by team, customer figures by several splits at once, comments)."""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, overload

from tenants.scoring.core.anonymity.cells import (
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_THRESHOLD,
    Breakdown,
    Cell,
    Comment,
    CommentSet,
    K,
    Released,
)
from tenants.scoring.core.anonymity.comments import team_comments
from tenants.scoring.core.anonymity.groups import partition_figures
from tenants.scoring.core.anonymity.tree import team_figures


@dataclass(frozen=True, slots=True)
class TeamFigures(Generic[K]):
    """Employee figures for one period, by team sub-tree.

    ``tree`` maps every team to its parent team (None for a top-level team), in the caller's
    order (ties go to the earlier team); ``cells`` holds each team's *direct members* (a team
    left out has nobody); ``unassigned`` the people in no team. ``default_threshold`` only tells
    a group nobody answered how many answers it needs. A flat tree (``dict.fromkeys(parts)``)
    is one breakdown of a flat partition. Answer: a ``Breakdown`` whose ``groups[team]`` is the
    team's sub-tree and ``total`` the whole tenant.
    """

    tree: Mapping[K, K | None]
    cells: Mapping[K, Cell]
    unassigned: Cell | None = None
    default_threshold: int = DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class PartitionFigures:
    """Several flat breakdowns of the same people, safe *together*.

    Showing customers by segment and, separately, by serving team lets a reader subtract one
    breakdown from the other (segment D minus team W's part of it...), which per-breakdown
    suppression does not see. ``cells`` are the cross-classified cells:
    ``cells[(segment, serving_team)]`` for ``ways=("segment", "serving_team")``, None where a
    person has no part in that way. Answer: one ``Breakdown`` per way, sharing the same total;
    the people with no part in a way are never released on their own.
    """

    cells: Mapping[tuple[Hashable, ...], Cell]
    ways: Sequence[str]
    default_threshold: int = DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class TeamComments(Generic[K]):
    """Comments for one period, by team sub-tree, under the stricter comment threshold.

    The engine runs with every cell's threshold raised to ``threshold`` (never below the
    figure threshold), so a list is shown only for a group that has enough respondents and
    cannot be narrowed by comparing lists. Each comment names the most specific released group
    that holds its author. Lists are shuffled with ``rng`` and carry no time. Answer: a
    ``Breakdown`` of ``CommentSet``.
    """

    tree: Mapping[K, K | None]
    cells: Mapping[K, Cell]
    comments: Iterable[Comment[K]]
    rng: random.Random
    threshold: int = DEFAULT_COMMENT_THRESHOLD
    unassigned: Cell | None = None


@overload
def release(request: TeamFigures[K]) -> Breakdown[K, Released]: ...
@overload
def release(request: PartitionFigures) -> dict[str, Breakdown[Hashable, Released]]: ...
@overload
def release(request: TeamComments[K]) -> Breakdown[K, CommentSet[K]]: ...


def release(
    request: TeamFigures[K] | PartitionFigures | TeamComments[K],
) -> (
    Breakdown[K, Released] | dict[str, Breakdown[Hashable, Released]] | Breakdown[K, CommentSet[K]]
):
    """Decide what of one period may be shown: the one call every output goes through."""
    if isinstance(request, TeamFigures):
        return team_figures(
            request.tree,
            request.cells,
            unassigned=request.unassigned,
            default_threshold=request.default_threshold,
        )
    if isinstance(request, PartitionFigures):
        return partition_figures(
            request.cells, request.ways, default_threshold=request.default_threshold
        )
    if isinstance(request, TeamComments):
        return team_comments(
            request.tree,
            request.cells,
            request.comments,
            rng=request.rng,
            threshold=request.threshold,
            unassigned=request.unassigned,
        )
    raise TypeError(f"not a release request: {request!r}")
