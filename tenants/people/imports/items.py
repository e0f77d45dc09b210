"""The API's import: a list of items, all written or none (no confirmation step)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from saas.tenancy.models import Tenant
from tenants.people.imports.pipeline import Applied, apply_staged, stage_source
from tenants.people.service import PeopleError, SeatLimitExceeded


class ItemsInvalid(PeopleError):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(_("Some items are not valid: nothing was written."))
        self.problems = problems


def upsert_items(tenant: Tenant, kind: str, items: list[dict[str, Any]]) -> Applied:
    """All the items or none (the caller commits, or rolls back on an exception)."""
    staged = stage_source(tenant, kind, enumerate(items), problem_limit=len(items) or 1)
    if staged.counts["invalid"]:
        raise ItemsInvalid(staged.problems)
    problem = staged.seat_problem(False)
    if problem:
        raise SeatLimitExceeded(problem)
    return apply_staged(staged)
