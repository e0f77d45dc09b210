"""The SQL that feeds the scoring service: the one place in scoring that writes raw SQL.

Every public function takes ``tenant_id`` explicitly and filters every tenant table by it
(the ORM's central scoping does not apply to ``text()``). Nothing here decides what may be
shown: it returns counts and sums per *cell* (a team's direct members, a customer's crossed
segment × serving team × process), and ``service`` hands them to the anonymity engine.

Two sources, never mixed up:

* **rollups** (scores): n, Σx, Σx², favourable per round × cell × dimension, kept by
  ``add_to_rollups`` (one atomic upsert per response) and rebuilt by ``rebuild_rollups``;
* **invitations** (employee counts): who answered, from ``invitations.answered``, because an
  employee's response carries no person. Customers are counted from their responses, which
  name the customer and hold the segment, process and serving team the figures use.

Each person is counted in **one cell per period** (the anonymity engine needs it): the team of
their latest answered invitation (latest round, by id, i.e. launch order), and per dimension
the latest answered round that asked it. See ``people_counts.employee_counts``.

Modules: ``rollup_rows`` (the rollups: written, rebuilt, summed), ``tenant_rows`` (settings,
rounds, process names), ``people_counts`` (distinct people per cell, from invitations and
customer responses), ``comment_rows`` (free text) and ``stored_rows`` (what the tick stores for
complete quarters).
"""

from __future__ import annotations

from typing import Final

from tenants.scoring.core.stats import FAVOURABLE_CUT

#: Scales whose answers are scored (converted to 0-100), and the scales of free text, as SQL
#: lists of constant names (never user input).
SCORED_SCALES: Final = ("agree5", "achievement", "ten", "yes_no")
SCORED_SCALES_SQL: Final = ", ".join(f"'{v}'" for v in SCORED_SCALES)
TEXT_SCALES_SQL: Final = "'comment', 'text'"
#: A response value counts as favourable from here (as ``stats.is_favourable``).
FAVOURABLE_SQL: Final = FAVOURABLE_CUT - 1e-9
