"""Respondent benchmark: people opening their link and submitting, through the app under gunicorn.

Each respondent is two requests on a kept-alive connection: GET /r/<token> (the page, in the
person's language) and POST /r/<token>/submit (validation, the conditional update that uses the
token, the response and its answers, the rollups, the thank-you page). The baseline is a minimal
Flask app under the same gunicorn settings and the same client loop: a GET that renders a form
with as many fields, and a POST that inserts one row into SQLite. Target: at least half its rate.

    .venv/bin/python bench/respond.py                  # 2,000 respondents, 8 client threads
    .venv/bin/python bench/respond.py --respondents 600 --clients 4
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import free_port, wait_for_port  # noqa: E402

os.environ.setdefault("HUEY_IMMEDIATE", "1")
TARGET = 0.5
GUNICORN = [
    str(ROOT / ".venv" / "bin" / "gunicorn"),
    "--workers",
    "2",
    "--threads",
    "4",
    "--worker-class",
    "gthread",
    "--keep-alive",
    "5",
    "--log-level",
    "warning",
]

BASELINE_APP = '''
import os, sqlite3
from flask import Flask, render_template_string, request
app = Flask(__name__)
DB = os.environ["BASELINE_DB"]
FIELDS = int(os.environ["BASELINE_FIELDS"])
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pulse</title></head>
<body><form method="post" action="/r/{{ token }}/submit">
{% for i in range(fields) %}<fieldset><legend>Question {{ i }}</legend>
{% for v in range(1, 6) %}<input type="radio" id="q{{ i }}-{{ v }}" name="q{{ i }}" value="{{ v }}">
<label for="q{{ i }}-{{ v }}">{{ v }}</label>{% endfor %}</fieldset>{% endfor %}
<button>Send</button></form></body></html>"""

def connect():
    conn = sqlite3.connect(DB, timeout=15, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn

with connect() as c:
    c.execute("CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, token TEXT, body TEXT)")

@app.get("/r/<token>")
def page(token):
    return render_template_string(PAGE, token=token, fields=FIELDS)

@app.post("/r/<token>/submit")
def submit(token):
    conn = connect()
    conn.execute("INSERT INTO answers (token, body) VALUES (?, ?)",
                 (token, "&".join(f"{k}={v}" for k, v in request.form.items())))
    conn.close()
    return "<!doctype html><title>Thanks</title><p>Thank you</p>"
'''


def serve(app_path: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", app_path],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if wait_for_port(port, 30, 0.1):
        return process, port
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {app_path}")


def respond_loop(port: int, tokens: list[str], body: bytes, clients: int) -> float:
    """Respondents per second: each opens its page, then submits (bounded: one per token)."""
    queue = list(tokens)
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        while True:
            with lock:
                if not queue:
                    break
                token = queue.pop()
            conn.request("GET", f"/r/{token}")
            opened = conn.getresponse()
            opened.read()
            conn.request("POST", f"/r/{token}/submit", body=body, headers=headers)
            done = conn.getresponse()
            done.read()
            if opened.status != 200 or done.status != 200:
                failures.append(f"{opened.status}/{done.status}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} respondents failed, e.g. {failures[:3]}")
    return len(tokens) / elapsed


def setup(folder: Path, respondents: int) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """A tenant, ``respondents`` employees and a launched round; their tokens and a full form."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from saas import create_app
    from saas.db import tenant_context, utcnow
    from saas.extensions import db
    from saas.tenancy.service import create_tenant
    from tenants.people.models import Employee
    from tenants.pulses.models import Invitation, Program, Round
    from tenants.pulses.outbox import tasks
    from tenants.pulses.outbox.tokens import token_for
    from tenants.pulses.respondent.submit import survey_items
    from tenants.pulses.rounds import launch

    env = {
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "SECRET_KEY": "r" * 40,
        "BASE_URL": "http://127.0.0.1",
    }
    os.environ.update(env)
    app = create_app()
    with app.app_context():
        upgrade()
        tenant = create_tenant("Bench Company", slug="bench")
        db.session.commit()
        with tenant_context(tenant.id):
            db.session.execute(
                insert(Employee),
                [
                    {
                        "tenant_id": tenant.id,
                        "email": f"p{i}@bench.test",
                        "name": f"P {i}",
                        "locale": "es" if i % 2 else "en",
                    }
                    for i in range(respondents)
                ],
            )
            program = db.session.scalar(select(Program).where(Program.kind == "employee"))
            db.session.commit()
            with mock.patch.object(tasks, "enqueue_round", lambda round_: None):
                round_ = launch.launch_round(program, utcnow())
            round_ = db.session.get(Round, round_.id)
            survey = survey_items(round_, "en")
            form = {
                item.name: (item.options[3].value if item.is_choice else "A few words")
                for item in survey.all_items
            }
            ids = db.session.scalars(select(Invitation.id).where(Invitation.round_id == round_.id))
            tokens = [token_for(i) for i in ids]
        db.engine.dispose()
    return env, tokens, form


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="op-bench-respond-"))
    env, tokens, form = setup(folder, args.respondents)
    body = urlencode(form).encode()

    (folder / "baseline_app.py").write_text(BASELINE_APP)
    baseline_env = {
        "BASELINE_DB": str(folder / "baseline.db"),
        "BASELINE_FIELDS": str(len(form)),
        "PYTHONPATH": str(folder),
    }
    app = serve("wsgi:app", {**env, "HUEY_IMMEDIATE": ""}, ROOT)
    minimal = serve("baseline_app:app", baseline_env, folder)
    ours_runs, baseline_runs = [], []
    try:
        slices = 4  # interleaved, best of each: a shared host's speed drifts within a run
        size = len(tokens) // slices
        for part in (tokens[i * size : (i + 1) * size] for i in range(slices)):
            ours_runs.append(respond_loop(app[1], part, body, args.clients))
            fake = [f"t{i}-{len(baseline_runs)}" for i in range(len(part))]
            baseline_runs.append(respond_loop(minimal[1], fake, body, args.clients))
    finally:
        for server, _port in (app, minimal):
            server.terminate()
            server.wait(10)
    ours, baseline = max(ours_runs), max(baseline_runs)
    ratio = ours / baseline
    print(
        f"respond: {len(tokens)} respondents (open + submit, {len(form)} answers each), "
        f"{args.clients} clients, gunicorn 2 workers x 4 threads, SQLite: {ours:,.0f}/s; "
        f"minimal Flask form + one INSERT: {baseline:,.0f}/s; ratio {ratio:.2f} "
        f"(target >= {TARGET})"
    )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
