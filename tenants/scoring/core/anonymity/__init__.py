"""The anonymity engine: the one place that decides which group figures may be shown.

Every output (dashboard, CSV, API, PDF) takes its figures from here. The inputs are
plain numbers per *cell*, the atomic group that SQL can count without double counting:

* employees: a team's *direct members* (people in that team and in none of its
  sub-teams), plus optionally the people in no team at all (``unassigned``);
* customers: one part of a flat partition (one segment, one process, one serving
  team), plus optionally the customers in no part.

Groups are built from cells: for employees every team *sub-tree* (the team with all
its sub-teams), for customers every part; in both cases the tenant-wide total is the
root. A group's figures (counts, sums, sums of squares, favourable counts) are the sums
of its cells' figures, so anything released can be added and subtracted. The engine
therefore guarantees, for the released groups:

1. every released group has at least its threshold of respondents;
2. no hidden group, and no hidden cell, can be computed from released groups;
3. stronger: every set of people whose figures *can* be computed from released groups
   has at least the threshold of respondents.

It gets there with threshold suppression plus complementary suppression, iterated to a
fixed point. Take any released group G and remove its released sub-groups: what is
left (its "remainder") is computable. The remainder must be empty, or be made of at
least two hidden parts (so no single part can be isolated) holding together at least
G's threshold of respondents. A team's direct members always count as one hidden part:
they are never released on their own. When a remainder breaks the rule, G's smallest
released sub-group bordering the remainder (normally the next-smallest sibling) is
hidden too. A hidden group must itself keep something hidden
inside it (otherwise it equals the sum of its released sub-groups), so hiding a group
can force hiding one of its sub-groups, which can in turn change its parent's remainder:
the engine works bottom-up and repeats locally until nothing changes. The reasoning and
proof sketch are in docs/methodology.md; tests/scoring proves it on random organisations.

One way in: ``release(request)``, with ``TeamFigures`` (employees, by team sub-tree),
``PartitionFigures`` (several splits of the same customers shown side by side, checked by
the general engine's linear algebra) or ``TeamComments`` (the stricter comment threshold).
Each call covers one period. Modules: ``cells`` (what goes in and out), ``tree`` (the tree
engine), ``groups`` (the general engine), ``comments``, ``release`` (the way in).

Counts of respondents are not protected: a hidden group still says how many more
answers it needs.
"""

from tenants.scoring.core.anonymity.cells import (
    DEFAULT_COMMENT_THRESHOLD,
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    Breakdown,
    Cell,
    Comment,
    CommentSet,
    Released,
    ReleasedComment,
    Suppressed,
    SuppressionReason,
)
from tenants.scoring.core.anonymity.release import (
    PartitionFigures,
    TeamComments,
    TeamFigures,
    release,
)

__all__ = [
    "DEFAULT_COMMENT_THRESHOLD",
    "DEFAULT_THRESHOLD",
    "MIN_THRESHOLD",
    "Breakdown",
    "Cell",
    "Comment",
    "CommentSet",
    "PartitionFigures",
    "Released",
    "ReleasedComment",
    "Suppressed",
    "SuppressionReason",
    "TeamComments",
    "TeamFigures",
    "release",
]
