"""Dispatch benchmark: 10,000 invitations built and delivered to a local SMTP server.

A round of 10,000 employees is launched (outbox rows written, nothing sent), then the real
dispatcher claims, builds and sends them over one SMTP connection to an aiosmtpd sink (its own
process, on loopback), marking each one sent. The baseline is plain smtplib sending the same
prebuilt messages (the dispatcher's own bytes, built before the clock starts) over one
connection to the same sink. Target: at least half the baseline's rate.

    .venv/bin/python bench/dispatch.py                      # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/dispatch.py --count 2000 --backends sqlite
"""

from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import PG_SERVER, free_port, pg_admin, postgres_available, wait_for_port  # noqa: E402

os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="op-bench-dispatch-"))
TARGET = 0.5
REPEATS = 3


def start_sink() -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if wait_for_port(port, 10, 0.05):
        return process, port
    raise RuntimeError("the SMTP sink did not start")


def plain_smtplib(sender: str, port: int, prebuilt: list[tuple[str, bytes]]) -> float:
    """The baseline: the same messages, already built, over one plain smtplib connection."""
    client = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for email, data in prebuilt:
        client.sendmail(sender, [email], data)
    rate = len(prebuilt) / (time.perf_counter() - started)
    client.quit()
    return rate


def run(backend: str, count: int, port: int) -> tuple[float, float]:
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update

    from saas import create_app
    from saas.config import load_settings
    from saas.db import tenant_context, utcnow
    from saas.extensions import db
    from saas.tenancy.service import create_tenant
    from tenants.people.models import Employee
    from tenants.pulses.models import Invitation, Program, Round
    from tenants.pulses.outbox import delivery, tasks
    from tenants.pulses.outbox.invitation_mail import Templates
    from tenants.pulses.outbox.smtp import RawTransport
    from tenants.pulses.outbox.tokens import token_for
    from tenants.pulses.rounds import launch

    folder = Path(tempfile.mkdtemp(prefix=f"op-bench-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        name = f"op_dispatch_bench_{os.getpid()}"
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{name}"')
        url = f"{PG_SERVER}/{name}"
    settings = load_settings(
        {
            "INSTANCE_PATH": str(folder),
            "DATABASE_URL": url,
            "SECRET_KEY": "b" * 40,
            "BASE_URL": "https://pulse.example.com",
        }
    )
    app = create_app({"SETTINGS": settings})
    smtp = replace(settings, smtp_host="127.0.0.1", smtp_port=port)
    try:
        with app.app_context():
            upgrade()
            tenant = create_tenant("Bench Company", slug="bench", contact_email="hr@bench.test")
            db.session.commit()
            with tenant_context(tenant.id):
                db.session.execute(
                    insert(Employee),
                    [
                        {
                            "tenant_id": tenant.id,
                            "email": f"person{i}@bench.test",
                            "name": f"Person {i}",
                            "locale": "es" if i % 3 == 0 else "en",
                        }
                        for i in range(count)
                    ],
                )
                program = db.session.scalar(select(Program).where(Program.kind == "employee"))
                if program is None:
                    program = Program(kind="employee", name="Bench pulse")
                    db.session.add(program)
                program.audience_team_ids = None
                db.session.commit()
                with mock.patch.object(tasks, "enqueue_round", lambda round_: None):
                    round_ = launch.launch_round(program, utcnow())
                round_id = round_.id
                # The baseline's messages: the very bytes the dispatcher will build.
                templates = Templates()
                round_ = db.session.get(Round, round_id)
                rows = db.session.execute(
                    select(Invitation.id, Invitation.email, Invitation.locale).where(
                        Invitation.round_id == round_id
                    )
                ).all()
                prebuilt = [
                    (email, templates.get(round_, locale).compose(email, token_for(i)))
                    for i, email, locale in rows
                ]
                db.session.rollback()

            ours_runs, baseline_runs = [], []
            for _ in range(REPEATS):  # interleaved, best of each: the host may be busy
                with tenant_context(tenant.id):
                    db.session.execute(
                        update(Invitation)
                        .values(
                            status="queued",
                            attempts=0,
                            sent_at=None,
                            claimed_by=None,
                            claimed_at=None,
                            next_attempt_at=None,
                        )
                        .execution_options(synchronize_session=False)
                    )
                    db.session.commit()
                    started = time.perf_counter()
                    with RawTransport(smtp) as transport:
                        report = delivery.deliver_due(round_id=round_id, transport=transport)
                    ours_runs.append(report.sent / (time.perf_counter() - started))
                    assert report.sent == count, report
                baseline_runs.append(plain_smtplib(settings.mail_from, port, prebuilt))
        return max(ours_runs), max(baseline_runs)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if backend == "postgresql":
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b != "postgresql" or postgres_available()]
    sink, port = start_sink()
    failed = False
    try:
        for backend in backends:
            ours, baseline = run(backend, args.count, port)
            ratio = ours / baseline
            failed |= ratio < TARGET
            print(
                f"dispatch[{backend}]: {args.count} invitations, {ours:,.0f} messages/s "
                f"(claim, build, send, mark sent); plain smtplib, prebuilt: {baseline:,.0f}/s; "
                f"ratio {ratio:.2f} (target >= {TARGET})"
            )
    finally:
        sink.terminate()
        sink.wait(5)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
