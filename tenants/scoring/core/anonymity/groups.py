"""The general engine, for groups that overlap in any way, checked by linear algebra; and
several flat breakdowns of the same people (customers by segment, serving team and process)
released together through it."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Final, TypeVar

import numpy as np

from tenants.scoring.core.anonymity.cells import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    Breakdown,
    Cell,
    Released,
    Suppressed,
    SuppressionReason,
    merge_moments,
)

A = TypeVar("A", bound=Hashable)
G = TypeVar("G", bound=Hashable)

_TOL: Final = 1e-9


def release_groups(
    atoms: Mapping[A, Cell],
    groups: Mapping[G, Collection[A]],
    *,
    never_release: Collection[G] = (),
    default_threshold: int = DEFAULT_THRESHOLD,
) -> dict[G, Released | Suppressed]:
    """The general engine, for groups that overlap in any way (several breakdowns of
    the same people, a customer in several processes, periods side by side).

    ``atoms`` are disjoint cells; every group is a set of atoms. ``never_release``
    groups (e.g. the people with no segment) are protected like hidden groups and left
    out of the answer. It enforces the same promises as the tree engine, but checks
    them by linear algebra rather than by the tree's structure:

    * every set of cells that is in the same released groups (a "derivable atom":
      anything computable from released figures is a union of these) holds at least
      its threshold of respondents; when one does not, it is merged with its nearest
      neighbour by hiding the released groups that tell them apart;
    * no hidden group lies in the span of released ones; when one does, the smallest
      released group used to compute it is hidden.

    Each round hides one group, so it ends; it is greedy, not minimal. Cost grows
    with groups² × atoms: meant for tens of groups, not thousands (use the tree engine).
    """
    for g, members in groups.items():
        for a in members:
            if a not in atoms:
                raise ValueError(f"group {g!r} holds unknown cell {a!r}")
    unknown = set(never_release) - set(groups)
    if unknown:
        raise ValueError(f"never_release names unknown groups {sorted(map(repr, unknown))}")

    answered = [a for a in atoms if atoms[a].respondents > 0]
    col = {a: j for j, a in enumerate(answered)}
    resp = np.array([atoms[a].respondents for a in answered], dtype=np.int64)
    thr_of = np.array([max(MIN_THRESHOLD, atoms[a].threshold) for a in answered], dtype=np.int64)

    # Groups with the same answered cells are the same people: one decision for all.
    vectors: list[np.ndarray] = []
    by_bytes: dict[bytes, int] = {}
    vec_of: dict[G, int] = {}
    for g, members in groups.items():
        v = np.zeros(len(answered), dtype=np.int8)
        for a in members:
            if a in col:
                v[col[a]] = 1
        key = v.tobytes()
        if key not in by_bytes:
            by_bytes[key] = len(vectors)
            vectors.append(v)
        vec_of[g] = by_bytes[key]

    count = len(vectors)
    n = [int(resp[v.astype(bool)].sum()) for v in vectors]
    thr = [int(thr_of[v.astype(bool)].max(initial=MIN_THRESHOLD)) for v in vectors]
    # A never-released group that holds exactly the people of a normal group (everyone
    # has no segment, say) is that group: it is released with it.
    never = set(never_release)
    locked = {vec_of[g] for g in never} - {vec_of[g] for g in groups if g not in never}
    released = [n[i] > 0 and n[i] >= thr[i] and i not in locked for i in range(count)]
    reason: list[SuppressionReason] = ["below_threshold"] * count

    def hide(i: int) -> None:
        released[i] = False
        reason[i] = "complementary"

    while True:
        rel = [i for i in range(count) if released[i]]
        if not rel:
            break
        m = np.array([vectors[i] for i in rel], dtype=np.float64)  # released × cells
        # Derivable atoms: cells with the same column (same released groups).
        classes: dict[bytes, list[int]] = {}
        for j in range(len(answered)):
            classes.setdefault(m[:, j].astype(np.int8).tobytes(), []).append(j)
        small = [
            (int(resp[js].sum()), key)
            for key, js in classes.items()
            if m[:, js[0]].any() and resp[js].sum() < thr_of[js].max()
        ]
        if small:
            _, key = min(small)
            mine = set(np.flatnonzero(m[:, classes[key][0]]))
            # Merge it with the neighbour that is cheapest to join: hide the groups
            # that tell them apart (all of its own groups, for "nobody").
            options = [mine] + [
                mine ^ set(np.flatnonzero(m[:, js[0]])) for k, js in classes.items() if k != key
            ]
            best = min(options, key=lambda d: (len(d), sum(n[rel[r]] for r in d)))
            hide(min((rel[r] for r in best), key=lambda i: (n[i], i)))
            continue
        # Hidden groups (and never-released ones) must stay out of the released span.
        exposed = None
        for i in sorted(range(count), key=lambda i: (n[i], i)):
            if released[i] or n[i] == 0:
                continue
            x = vectors[i].astype(np.float64)
            coef, *_ = np.linalg.lstsq(m.T, x, rcond=None)
            if np.abs(m.T @ coef - x).max() < 1e-6:
                exposed = coef
                break
        if exposed is None:
            break
        used = [rel[r] for r in range(len(rel)) if abs(exposed[r]) > _TOL]
        hide(min(used, key=lambda i: (n[i], i)))

    out: dict[G, Released | Suppressed] = {}
    for g, members in groups.items():
        if g in never:
            continue
        i = vec_of[g]
        if released[i]:
            cells = [atoms[a] for a in members]
            out[g] = Released(
                n[i],
                sum(c.invited for c in cells),
                thr[i],
                merge_moments(c.moments for c in cells),
            )
        elif reason[i] == "complementary":
            out[g] = Suppressed(0, "complementary")
        else:
            t = (
                thr[i]
                if n[i]
                else max([MIN_THRESHOLD, default_threshold] + [atoms[a].threshold for a in members])
            )
            out[g] = Suppressed(max(0, t - n[i]), "below_threshold")
    return out


def partition_figures(
    cells: Mapping[tuple[Hashable, ...], Cell],
    ways: Sequence[str],
    *,
    default_threshold: int = DEFAULT_THRESHOLD,
) -> dict[str, Breakdown[Hashable, Released]]:
    """Several flat breakdowns of the same people, safe *together*.

    Showing customers by segment and, separately, by serving team lets a reader
    subtract one breakdown from the other (segment D minus team W's part of it...),
    which per-breakdown suppression does not see. Pass the cross-classified cells:
    ``cells[(segment, serving_team)]`` for ``ways=("segment", "serving_team")``, None
    where a person has no part in that way. Returns one Breakdown per way, sharing the
    same total; the people with no part in a way are never released on their own.
    """
    for key in cells:
        if len(key) != len(ways):
            raise ValueError(f"cell {key!r} does not have one part per way {tuple(ways)!r}")
    groups: dict[tuple[Hashable, ...], list[tuple[Hashable, ...]]] = {("total",): list(cells)}
    never: list[tuple[Hashable, ...]] = []
    for w, way in enumerate(ways):
        for key in cells:
            groups.setdefault(("part", way, key[w]), []).append(key)
        if ("part", way, None) in groups:
            never.append(("part", way, None))
    out = release_groups(cells, groups, never_release=never, default_threshold=default_threshold)
    result: dict[str, Breakdown[Hashable, Released]] = {}
    for way in ways:
        parts = {g[2]: o for g, o in out.items() if g[0] == "part" and g[1] == way}
        result[way] = Breakdown(out[("total",)], parts)
    return result
