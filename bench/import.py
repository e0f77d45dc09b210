"""Bulk import benchmark: 100,000 employees from a CSV, on SQLite and on PostgreSQL.

Runs the real import path (file stored → preview task → confirmation → commit task, the Huey
tasks in immediate mode) and prints rows per second, the ratio against a baseline measured in the
same run (a plain executemany INSERT of the same rows, no checks, no teams), and memory for 10k
vs 100k rows (peak RSS growth during the import, and the tracemalloc peak of a preview).

Each size runs in its own process so the peaks do not mix. PostgreSQL is used when
127.0.0.1:5432 answers; the script creates and drops its own database (op_people_bench).

    .venv/bin/python bench/import.py            # 10k and 100k on both databases
    .venv/bin/python bench/import.py --sizes 20000 --backends sqlite
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import PG_SERVER, pg_admin, postgres_available  # noqa: E402

PG_BENCH_DB = "op_people_bench"
TARGET = 5_000  # rows per second


def write_csv(path: Path, rows: int) -> None:
    """An HR export: BOM, semicolons, Spanish headers, 5 departments x 4 teams, managers."""
    rng = random.Random(7)
    departments = ["Ventas", "Operaciones", "Producto", "Finanzas", "Personas"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(codecs.BOM_UTF8.decode())
        out = csv.writer(handle, delimiter=";")
        out.writerow(
            [
                "Correo electrónico",
                "Nombre",
                "Apellidos",
                "Departamento",
                "Equipo",
                "Responsable",
                "Idioma",
                "Fecha de alta",
            ]
        )
        for i in range(rows):
            department = departments[i % 5]
            team = f"{department} {(i // 5) % 4 + 1}"
            manager = f"persona{i % 100}@bench.test" if i >= 100 else ""
            out.writerow(
                [
                    f"persona{i}@bench.test",
                    f"Nombre{i}",
                    f"Apellido {rng.randrange(1000)}",
                    department,
                    team,
                    manager,
                    "es" if i % 3 else "en",
                    f"{rng.randrange(1, 29):02}/{rng.randrange(1, 13):02}/"
                    f"{rng.randrange(2000, 2026)}",
                ]
            )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(backend: str, rows: int, database_url: str) -> dict:
    """One measurement in this (fresh) process."""
    folder = Path(tempfile.mkdtemp(prefix="op-bench-"))
    os.environ.update(
        INSTANCE_PATH=str(folder),
        DATABASE_URL=database_url or f"sqlite:///{folder / 'bench.db'}",
        SECRET_KEY="bench-" + "x" * 40,
        HUEY_IMMEDIATE="1",
    )
    os.environ.pop("REDIS_URL", None)
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from saas import create_app
    from saas.db import tenant_context, utcnow
    from saas.extensions import db
    from saas.tenancy.service import create_tenant
    from tenants.people import tasks
    from tenants.people.imports import jobs
    from tenants.people.models import Employee, ImportJob

    logging.disable(logging.INFO)
    app = create_app()
    file = folder / "hr.csv"
    write_csv(file, rows)
    with app.app_context():
        upgrade()

        def new_tenant(name: str) -> int:
            tenant = create_tenant(name, country="ES")
            tenant.plan = "growth"  # 100,000 seats
            db.session.commit()
            return tenant.id

        def new_job() -> int:
            """A stored import of the HR file. The tasks use their own session: ours holds no
            transaction while they run (on SQLite an open one would hold the write lock), and
            is expired before reading."""
            with file.open("rb") as upload:
                job = jobs.create_job("employees", upload, "hr.csv")
            db.session.flush()
            job_id = job.id
            db.session.commit()
            return job_id

        def timed(
            task: Callable[[int, int], object], tenant_id: int, job_id: int
        ) -> tuple[float, ImportJob]:
            """Run an import task on a stored job: its seconds, and the job as it left it."""
            started = time.perf_counter()
            task(tenant_id, job_id)
            seconds = time.perf_counter() - started
            db.session.expire_all()
            return seconds, db.session.get(ImportJob, job_id)

        # Baseline: parse the same file and executemany a plain INSERT, no checks.
        baseline_tenant = new_tenant("Baseline")
        started = time.perf_counter()
        insert = text(
            "INSERT INTO employees (tenant_id, email, name, manager_email, locale, active,"
            " created_at, updated_at) VALUES (:t, :email, :name, :manager, :locale, :active,"
            " :now, :now)"
        )
        now = utcnow()
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)
            batch = []
            for record in reader:
                batch.append(
                    {
                        "t": baseline_tenant,
                        "email": record[0].lower(),
                        "name": f"{record[1]} {record[2]}",
                        "manager": record[5] or None,
                        "locale": record[6],
                        "active": True,
                        "now": now,
                    }
                )
                if len(batch) == 2000:
                    db.session.execute(insert, batch)
                    batch = []
            if batch:
                db.session.execute(insert, batch)
        db.session.commit()
        baseline_seconds = time.perf_counter() - started

        tenant_id = new_tenant("Bench")
        rss_before = peak_rss_mb()
        with tenant_context(tenant_id):
            job_id = new_job()
            preview_seconds, job = timed(tasks.preview_import, tenant_id, job_id)
            assert job.status == "ready", job.message
            assert job.invalid_rows == 0 and job.new_rows == rows, (job.invalid_rows, job.problems)
            jobs.confirm_job(job, skip_invalid=False, deactivate_missing=False)
            db.session.commit()
            db.session.close()
            commit_seconds, job = timed(tasks.commit_import, tenant_id, job_id)
            assert job.status == "done", job.message
            stored = db.session.scalar(select(func.count()).select_from(Employee))
            assert stored == rows, stored
        rss_growth = peak_rss_mb() - rss_before

        # Python heap of the streaming path: a second preview of the same file, traced.
        with tenant_context(tenant_id):
            again_id = new_job()
            tracemalloc.start()
            tasks.preview_import(tenant_id, again_id)
            _current, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            db.session.expire_all()
            again = db.session.get(ImportJob, again_id)
            assert again.unchanged_rows == rows, again.unchanged_rows
        db.session.remove()
        db.engine.dispose()
    return {
        "backend": backend,
        "rows": rows,
        "baseline_s": baseline_seconds,
        "preview_s": preview_seconds,
        "commit_s": commit_seconds,
        "rss_growth_mb": rss_growth,
        "traced_peak_mb": traced_peak / 1024 / 1024,
    }


def run(backend: str, rows: int) -> dict:
    url = ""
    if backend == "postgresql":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        pg_admin(f"CREATE DATABASE {PG_BENCH_DB}")
        url = f"{PG_SERVER}/{PG_BENCH_DB}"
    try:
        output = subprocess.run(
            [sys.executable, __file__, "--child", backend, str(rows), url],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stdout + exc.stderr)
        raise
    finally:
        if backend == "postgresql":
            pg_admin(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "ROWS", "URL"))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if args.child:
        backend, rows, url = args.child
        print(json.dumps(child(backend, int(rows), url)))
        return 0

    backends = args.backends.split(",")
    if "postgresql" in backends and not postgres_available():
        print("PostgreSQL is not answering on 127.0.0.1:5432: SQLite only.")
        backends.remove("postgresql")
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'database':<11}{'rows':>8}{'preview r/s':>13}{'commit r/s':>12}{'import r/s':>12}"
        f"{'baseline r/s':>14}{'ratio':>7}{'RSS +MB':>9}{'heap peak MB':>14}"
    )
    failed = False
    results = []
    for backend in backends:
        for rows in sizes:
            r = run(backend, rows)
            results.append(r)
            total = r["preview_s"] + r["commit_s"]
            imported = rows / total
            baseline = rows / r["baseline_s"]
            print(
                f"{backend:<11}{rows:>8,}{rows / r['preview_s']:>13,.0f}"
                f"{rows / r['commit_s']:>12,.0f}{imported:>12,.0f}{baseline:>14,.0f}"
                f"{imported / baseline:>7.2f}{r['rss_growth_mb']:>9.1f}"
                f"{r['traced_peak_mb']:>14.1f}"
            )
            if rows >= 100_000 and imported < TARGET:
                failed = True
    print(
        "\nimport r/s = rows / (preview + commit), both full passes over the file (stream, stage,"
        "\nset-based checks; the commit also upserts). baseline = a plain executemany INSERT of"
        "\nthe same parsed rows, no checks, no teams. ratio = import r/s / baseline r/s."
        "\nRSS +MB = growth of the process's peak RSS during preview + commit; heap peak ="
        "\ntracemalloc peak of a preview. Flat memory: the 100k figures stay near the 10k ones."
    )
    for backend in backends:
        mine = {r["rows"]: r for r in results if r["backend"] == backend}
        if 10_000 in mine and 100_000 in mine:
            print(
                f"{backend}: heap peak 10k {mine[10_000]['traced_peak_mb']:.1f} MB vs 100k "
                f"{mine[100_000]['traced_peak_mb']:.1f} MB; RSS growth 10k "
                f"{mine[10_000]['rss_growth_mb']:.1f} MB vs 100k "
                f"{mine[100_000]['rss_growth_mb']:.1f} MB"
            )
    print(f"target: at least {TARGET:,} rows/s at 100k rows: {'FAILED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
