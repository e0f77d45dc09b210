"""The scoring benchmark's tenant (``bench/scoring.py``): 5,000 employees in 474 teams
(6 divisions × 6 departments × 12 teams, heads as direct members), weekly rounds of 5 questions
over 8 quarters (the last one still open), an invitation per person and round and about 58 %
answered, inserted with set-based ``INSERT ... SELECT``; then the rollups, built from the answers
in SQL (``rollup_rows.rebuild_rollups``, the same rows ``add_response`` keeps one by one)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

ANSWER_RATE = 58  # percent of invitations answered
DIVISIONS, DEPARTMENTS, TEAMS = 6, 6, 12


def build(tenant_name: str, employees: int, quarters: int) -> tuple[int, dict[str, float]]:
    """The tenant and its data; returns its id and how long each step took."""
    from sqlalchemy import text

    from saas.db import tenant_context
    from saas.extensions import db
    from saas.tenancy.service import create_tenant
    from tenants.pulses.programs.timing import month_of, period_of
    from tenants.scoring.aggregates.rollup_rows import rebuild_rollups

    steps: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        steps[name] = time.perf_counter() - started

    run = db.session.execute
    tenant = create_tenant(tenant_name)
    tenant_id = tenant.id
    db.session.commit()

    started = time.perf_counter()
    now = datetime(2026, 9, 28, tzinfo=UTC)
    with tenant_context(tenant_id):
        run(
            text(
                "INSERT INTO programs (tenant_id, kind, name, started, cadence, weekday,"
                " send_time, open_days, questions_per_round, reminder_days, grace_days,"
                " delay_days, cooldown_days, sample_share, created_at)"
                " VALUES (:t, 'employee', 'Weekly pulse', true, 'weekly', 0, '09:00:00', 4, 5,"
                " '[]', 14, 1, 30, 0, :now)"
            ),
            {"t": tenant_id, "now": now},
        )
        program_id = run(
            text("SELECT MAX(id) FROM programs WHERE tenant_id = :t AND name = 'Weekly pulse'"),
            {"t": tenant_id},
        ).scalar_one()
        # Teams: divisions, their departments, their teams (names unique per tenant).
        team_ids: dict[str, list[int]] = {"division": [], "department": [], "team": []}

        def add_team(name: str, parent: int | None) -> int:
            return run(
                text(
                    "INSERT INTO teams (tenant_id, name, parent_id, created_at)"
                    " VALUES (:t, :name, :parent, :now) RETURNING id"
                ),
                {"t": tenant_id, "name": name, "parent": parent, "now": now},
            ).scalar_one()

        for d in range(DIVISIONS):
            division = add_team(f"Division {d + 1}", None)
            team_ids["division"].append(division)
            for p in range(DEPARTMENTS):
                department = add_team(f"Department {d + 1}.{p + 1}", division)
                team_ids["department"].append(department)
                for t in range(TEAMS):
                    team_ids["team"].append(add_team(f"Team {d + 1}.{p + 1}.{t + 1}", department))
        # Employees: a head per division and department (their direct members), the rest in
        # teams. Set-based: a recursive CTE counts to N, a staged table maps slots to teams.
        heads = team_ids["division"] + team_ids["department"]
        slots = heads + [
            team_ids["team"][i % len(team_ids["team"])] for i in range(employees - len(heads))
        ]
        run(text("CREATE TEMPORARY TABLE bench_slots (slot INTEGER PRIMARY KEY, team_id INTEGER)"))
        run(
            text("INSERT INTO bench_slots (slot, team_id) VALUES (:slot, :team)"),
            [{"slot": i + 1, "team": team} for i, team in enumerate(slots)],
        )
        run(
            text(
                "INSERT INTO employees (tenant_id, email, name, team_id, locale, active,"
                " created_at, updated_at)"
                " SELECT :t, 'person' || slot || '@bench.test', 'Person ' || slot, team_id, 'en',"
                " true, :now, :now FROM bench_slots"
            ),
            {"t": tenant_id, "now": now},
        )
        step("teams + employees", started)

        # Rounds: weekly on Mondays for `quarters` quarters, each with 5 questions rotating over
        # the employee bank; the last round is still open.
        started = time.perf_counter()
        questions = [
            row[0]
            for row in run(
                text(
                    "SELECT id FROM questions WHERE tenant_id = :t AND audience = 'employee'"
                    " AND scale = 'agree5' AND purpose_map = false ORDER BY position, id"
                ),
                {"t": tenant_id},
            )
        ]
        first = date(2024, 10, 7)  # a Monday in 2024-Q4: 8 quarters end in 2026-Q3
        weeks = quarters * 13
        rounds = []
        for w in range(weeks):
            day = first + timedelta(weeks=w)
            opens = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            rounds.append(
                {
                    "t": tenant_id,
                    "program": program_id,
                    "number": w + 1,
                    "status": "open" if w == weeks - 1 else "closed",
                    "period": period_of(day),
                    "month": month_of(day),
                    "opens": opens,
                    "closes": opens + timedelta(days=4),
                    "closed": None if w == weeks - 1 else opens + timedelta(days=4),
                    "now": now,
                }
            )
        run(
            text(
                "INSERT INTO rounds (tenant_id, program_id, kind, number, status, period, month,"
                " opens_at, closes_at, closed_at, threshold, comment_threshold,"
                " include_purpose_map, reminder_days, created_at)"
                " VALUES (:t, :program, 'employee', :number, :status, :period, :month, :opens,"
                " :closes, :closed, 5, 10, false, '[]', :now)"
            ),
            rounds,
        )
        round_ids = [
            row[0]
            for row in run(
                text("SELECT id FROM rounds WHERE tenant_id = :t ORDER BY number"),
                {"t": tenant_id},
            )
        ]
        run(
            text(
                "INSERT INTO round_questions (tenant_id, round_id, question_id, position)"
                " VALUES (:t, :round, :question, :position)"
            ),
            [
                {
                    "t": tenant_id,
                    "round": round_id,
                    "question": questions[(w * 5 + j) % len(questions)],
                    "position": j,
                }
                for w, round_id in enumerate(round_ids)
                for j in range(5)
            ],
        )
        # Invitations: everyone, every round; ~58 % answered, by a fixed hash.
        run(
            text(
                "INSERT INTO invitations (tenant_id, round_id, employee_id, email, locale,"
                " team_id, status, attempts, answered, reminders_sent, created_at)"
                " SELECT :t, r.id, e.id, e.email, 'en', e.team_id, 'sent', 1,"
                f" ((e.id * 7919 + r.id * 104729) % 100) < {ANSWER_RATE}, 0, :now"
                " FROM rounds r CROSS JOIN employees e"
                " WHERE r.tenant_id = :t AND e.tenant_id = :t"
            ),
            {"t": tenant_id, "now": now},
        )
        step("rounds + invitations", started)

        # Responses and answers. (A real response id is random and holds no link to the
        # invitation; this synthetic one is derived from it so answers can be generated in SQL.)
        started = time.perf_counter()
        run(
            text(
                "INSERT INTO responses (id, tenant_id, round_id, audience, team_id)"
                " SELECT 'b' || i.id, :t, i.round_id, 'employee', i.team_id"
                " FROM invitations i WHERE i.tenant_id = :t AND i.answered"
            ),
            {"t": tenant_id},
        )
        # Answers 1-5 varying by person, question and round; every third team a point higher,
        # and the second year a point higher than the first for one person in two (capped).
        value = (
            "1 + ((i.employee_id * 31 + rq.question_id * 17 + i.round_id) % 4)"
            " + CASE WHEN i.team_id % 3 = 0 THEN 1 ELSE 0 END"
            " + CASE WHEN i.round_id > :half AND i.employee_id % 2 = 0 THEN 1 ELSE 0 END"
        )
        run(
            text(
                "INSERT INTO answers (tenant_id, response_id, question_id, value)"
                f" SELECT :t, 'b' || i.id, rq.question_id,"
                f" CASE WHEN {value} > 5 THEN 5 ELSE {value} END"
                " FROM invitations i JOIN round_questions rq ON rq.round_id = i.round_id"
                " WHERE i.tenant_id = :t AND i.answered"
            ),
            {"t": tenant_id, "half": round_ids[0] + weeks // 2},
        )
        step("responses + answers", started)

        started = time.perf_counter()
        rebuild_rollups(tenant_id)
        db.session.commit()
        step("rollups from answers (SQL)", started)
        run(text("ANALYZE"))
        db.session.commit()
    return tenant_id, steps
