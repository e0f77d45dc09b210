"""One complete period's free-text comments through the comment threshold, for every scope at
once (the tenant and each team's subtree): what ``service.comments`` shows of a period not
released yet, and what a release freezes (``releases``)."""

from __future__ import annotations

import random

from tenants.people.tree import TeamTree
from tenants.scoring import loading
from tenants.scoring.aggregates import comment_rows
from tenants.scoring.aggregates.tenant_rows import TenantSettings
from tenants.scoring.core.anonymity import Cell, Comment, CommentSet, TeamComments, release
from tenants.scoring.core.figures import Comments, ShownComment
from tenants.scoring.core.outcomes import EmployeePeriod, subtree_sums
from tenants.scoring.periods import Calendar


def comment_scopes(
    tenant_id: int,
    period: str,
    calendar: Calendar,
    settings: TenantSettings,
    tree: TeamTree,
    rng: random.Random,
) -> dict[int | None, Comments]:
    """The engine runs once on the whole tenant with the stricter comment threshold (the
    highest frozen on the period's rounds); each comment names the most specific released
    group holding its author, or none. Shuffled with ``rng``; no times."""
    threshold = calendar.threshold(period, "employee", settings.threshold)
    comment_threshold = max(
        threshold, calendar.comment_threshold(period, settings.comment_threshold)
    )
    round_ids = [r.id for r in calendar.rounds(period, "employee", "closed")]
    employees, _ = loading.load(tenant_id, tree, round_ids, [])
    answered = employees.get(period, EmployeePeriod()).answered
    cells = {t: Cell(n, threshold) for t, n in answered.items() if t is not None}
    unassigned = Cell(answered.get(None, 0), threshold)
    texts: list[Comment[int]] = []
    for row in comment_rows.employee_comments(tenant_id, period):
        team = loading.known(tree, row.team_id)
        # Like figures: a cell with nobody counted in it (its people moved team) names nobody,
        # so its comments are left out rather than filed elsewhere.
        if answered.get(team, 0) > 0:
            texts.append(Comment(row.text, team, row.topic))
    result = release(
        TeamComments(
            {t: tree.parent[t] for t in tree.order},
            cells,
            texts,
            rng=rng,
            threshold=comment_threshold,
            unassigned=unassigned,
        )
    )
    respondents = subtree_sums(tree, answered)
    out: dict[int | None, Comments] = {}
    for team_id in (None, *tree.order):
        outcome = result.total if team_id is None else result.groups[team_id]
        if isinstance(outcome, CommentSet):
            items = tuple(
                ShownComment(
                    c.text, c.topic, c.group, None if c.group is None else tree.names.get(c.group)
                )
                for c in outcome.comments
            )
            out[team_id] = Comments(
                period, team_id, True, outcome.respondents, comment_threshold, None, None, items
            )
        else:
            out[team_id] = Comments(
                period,
                team_id,
                False,
                respondents[team_id],
                comment_threshold,
                outcome.needed,
                outcome.reason,
                (),
            )
    return out
