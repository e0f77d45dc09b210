"""Scoring benchmark: everything the dashboard needs, for a 5,000-person tenant with two years of
weekly pulses, on SQLite and on PostgreSQL.

Builds one tenant: 5,000 employees in 474 teams (6 divisions × 6 departments × 12 teams, heads
as direct members), 104 weekly rounds of 5 questions over 8 quarters (the last one still open),
an invitation per person and round, and about 58 % answered: ~1.5 million answers, inserted with
set-based ``INSERT ... SELECT``. The rollups are then built from the answers in SQL
(``aggregates.rebuild_rollups``, the same rows ``add_response`` keeps one by one).

Measured, warm, best of ``--repeat``:

* **scoring**: ``service.dashboards(tenant)``: the dashboard of the tenant *and of every team*
  (475 scopes: figures, 95 % intervals, changes, 8-quarter trends, participation), in one pass:
  every team's view is a slice of one whole-tenant run of the anonymity engine;
* **baseline**: a plain SQL ``GROUP BY`` over the raw answers giving the mean per team ×
  dimension × quarter (no counts, no intervals, no anonymity);
* for reference, a single ``service.dashboard(tenant)`` and ``service.dashboard(team)`` call.

Targets: scoring within 2× the baseline, and under 300 ms on PostgreSQL. PostgreSQL is used when
127.0.0.1:5432 answers; the script creates and drops its own database (op_scoring_bench).

    .venv/bin/python bench/scoring.py
    .venv/bin/python bench/scoring.py --backends sqlite --employees 1000
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_BENCH_DB = "op_scoring_bench"
TARGET_RATIO = 2.0
TARGET_PG_MS = 300.0
ANSWER_RATE = 58  # percent of invitations answered
DIVISIONS, DEPARTMENTS, TEAMS = 6, 6, 12

BASELINE = """
    SELECT r.period, resp.team_id, q.dimension, AVG(a.value), COUNT(*)
    FROM answers a
    JOIN responses resp ON resp.id = a.response_id
    JOIN rounds r ON r.id = resp.round_id
    JOIN questions q ON q.id = a.question_id
    WHERE a.tenant_id = :t AND r.status = 'closed'
    GROUP BY r.period, resp.team_id, q.dimension
"""


def build(tenant_name: str, employees: int, quarters: int) -> tuple[int, dict[str, float]]:
    """The tenant and its data; returns its id and how long each step took."""
    from sqlalchemy import text

    from saas.db import tenant_context
    from saas.extensions import db
    from saas.tenancy.service import create_tenant
    from tenants.pulses.launch import month_of, period_of
    from tenants.scoring import aggregates

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
        aggregates.rebuild_rollups(tenant_id)
        db.session.commit()
        step("rollups from answers (SQL)", started)
        run(text("ANALYZE"))
        db.session.commit()
    return tenant_id, steps


def best_of(repeat: int, fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(backend: str, url: str, employees: int, quarters: int, repeat: int) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from saas import create_app
    from saas.config import load_settings
    from saas.extensions import db
    from tenants.scoring import service

    folder = Path(tempfile.mkdtemp(prefix="op-bench-scoring-"))
    settings = load_settings(
        {
            "INSTANCE_PATH": str(folder),
            "DATABASE_URL": url or f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "bench-" + "x" * 40,
        }
    )
    app = create_app({"SETTINGS": settings})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        tenant_id, steps = build("Bench Co", employees, quarters)
        build_seconds = time.perf_counter() - started
        counts = {
            name: db.session.execute(
                text(f"SELECT COUNT(*) FROM {name} WHERE tenant_id = :t"), {"t": tenant_id}
            ).scalar_one()
            for name in (
                "employees",
                "teams",
                "rounds",
                "invitations",
                "responses",
                "answers",
                "rollups",
            )
        }
        baseline_seconds, rows = best_of(
            repeat, lambda: db.session.execute(text(BASELINE), {"t": tenant_id}).all()
        )
        db.session.rollback()

        # Cold: nothing remembered, every quarter's counts, engine runs and figures computed.
        def cold():  # type: ignore[no-untyped-def]
            service.clear_cache()
            return service.dashboards(tenant_id)

        cold_seconds, boards = best_of(repeat, cold)
        # A round just closed in the current quarter: that quarter is computed again, the seven
        # settled ones come from the cache.
        period = boards[None].period  # type: ignore[index]

        def after_close():  # type: ignore[no-untyped-def]
            service.clear_cache(tenant_id, period)
            return service.dashboards(tenant_id)

        close_seconds, _ = best_of(repeat, after_close)
        # What a fresh process sees in production: the tick has stored the counts of every
        # complete quarter, so a cold start reads them instead of counting invitations.
        store_started = time.perf_counter()
        service.store_complete_periods(tenant_id)
        db.session.commit()
        store_seconds = time.perf_counter() - store_started
        stored_cold_seconds, _ = best_of(repeat, cold)

        # One page view from a cold process: the tenant's dashboard with its team heatmap.
        def cold_page():  # type: ignore[no-untyped-def]
            service.clear_cache()
            return service.dashboard(tenant_id)

        page_cold_seconds, _ = best_of(repeat, cold_page)
        warm_seconds, boards = best_of(repeat, lambda: service.dashboards(tenant_id))
        tenant_seconds, board = best_of(repeat, lambda: service.dashboard(tenant_id))
        some_team = board.teams[len(board.teams) // 2].team_id
        team_seconds, _ = best_of(repeat, lambda: service.dashboard(tenant_id, None, some_team))
        db.session.remove()
        db.engine.dispose()
    return {
        "backend": backend,
        "build_s": build_seconds,
        "steps": steps,
        "counts": counts,
        "baseline_ms": baseline_seconds * 1000,
        "baseline_rows": len(rows),  # type: ignore[arg-type]
        "cold_ms": cold_seconds * 1000,
        "close_ms": close_seconds * 1000,
        "stored_cold_ms": stored_cold_seconds * 1000,
        "page_cold_ms": page_cold_seconds * 1000,
        "store_ms": store_seconds * 1000,
        "warm_ms": warm_seconds * 1000,
        "scopes": len(boards),  # type: ignore[arg-type]
        "tenant_ms": tenant_seconds * 1000,
        "team_ms": team_seconds * 1000,
        "board": board,
    }


def postgres_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def report(result: dict) -> bool:
    board = result["board"]
    overall = board.overall
    print(f"\n== {result['backend']}")
    counts = result["counts"]
    print(
        "   data: "
        + ", ".join(f"{counts[k]:,} {k}" for k in counts)
        + f"  (built in {result['build_s']:.1f} s: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in result["steps"].items())
        + ")"
    )
    level = overall.level.name_en if overall.level else "-"
    ci = overall.index_ci
    print(
        f"   {board.period}: index {overall.index:.1f} "
        f"({ci.low:.1f}-{ci.high:.1f}), level {level}, n {overall.respondents}, "
        f"participation {overall.participation:.0%}; live {board.participation.answered}/"
        f"{board.participation.invited} with {board.participation.open_rounds} open round"
    )
    for f in overall.dimensions:
        if f.score is not None:
            print(
                f"     {f.key:16} {f.score:5.1f}  [{f.ci.low:5.1f}, {f.ci.high:5.1f}]  "
                f"favourable {f.favourable_share:.0%}  {f.change}  ({f.responses:,} responses)"
            )
    shown = sum(1 for t in board.teams if t.released)
    print(
        f"   teams shown {shown}/{len(board.teams)}; trend "
        + " ".join(
            f"{p.period}:{'-' if p.index is None else f'{p.index:.1f}'}" for p in board.trend
        )
    )
    base = result["baseline_ms"]
    print(
        f"   baseline GROUP BY over raw answers ({result['baseline_rows']:,} rows): {base:.0f} ms"
    )
    print(f"   scoring, every dashboard ({result['scopes']} scopes: the tenant and each team):")
    rows = (
        ("cold (nothing cached, 8 quarters computed)", result["cold_ms"]),
        ("a round just closed (current quarter recomputed)", result["close_ms"]),
        ("cold, with what the tick stored (complete quarters)", result["stored_cold_ms"]),
        ("warm (settled quarters cached)", result["warm_ms"]),
    )
    for label, ms in rows:
        print(f"     {label:50} {ms:6.0f} ms  ratio {ms / base:.2f}x")
    print(
        f"   one dashboard call, warm: tenant {result['tenant_ms']:.0f} ms, "
        f"a team {result['team_ms']:.0f} ms"
    )
    print(f"   (the tick stored the complete quarters once in {result['store_ms']:.0f} ms)")
    page = result["page_cold_ms"]
    print(
        f"   one dashboard page (tenant, 8-quarter trend, {result['scopes'] - 1}-team heatmap), "
        f"cold with stored counts: {page:.0f} ms  ratio {page / base:.2f}x"
    )
    judged = max(result["close_ms"], result["stored_cold_ms"])
    ok = judged / base <= TARGET_RATIO
    print(
        f"   target ≤ {TARGET_RATIO:.0f}x the baseline (after a round closes, and cold with "
        f"stored counts): {'met' if ok else 'MISSED'}"
    )
    if result["backend"] == "postgresql":
        pg_ok = judged <= TARGET_PG_MS
        print(f"   PostgreSQL target < {TARGET_PG_MS:.0f} ms: {'met' if pg_ok else 'MISSED'}")
        ok = ok and pg_ok
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("REDIS_URL", None)
    os.environ["HUEY_IMMEDIATE"] = "1"
    logging.disable(logging.INFO)
    ok = True
    for backend in args.backends.split(","):
        if backend == "sqlite":
            ok &= report(measure("sqlite", "", args.employees, args.quarters, args.repeat))
        elif backend == "postgresql":
            if not postgres_available():
                print("\n== postgresql: 127.0.0.1:5432 does not answer, skipped")
                continue
            _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
            _pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
            try:
                url = f"{PG_SERVER}/{PG_BENCH_DB}"
                ok &= report(measure("postgresql", url, args.employees, args.quarters, args.repeat))
            finally:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
