"""Guessing survey links stays expensive, never at the cost of a real respondent (issue 17):
only unknown tokens are counted and refused, and the count is shared by every worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from saas.db import tenant_context
from saas.extensions import db
from tenants.pulses.models import Invitation
from tests.factories import make_tenant
from tests.factories.rounds import employee_round, full_answers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_valid_link_is_answered_even_after_its_address_tripped_the_guessing_limit(client, ctx):
    tenant = make_tenant("Office Co")
    made = employee_round(tenant, [("ana@office.test", "en"), ("ben@office.test", "en")])
    tokens = list(made.tokens.values())
    codes = [client.get(f"/r/guess-{i}").status_code for i in range(35)]
    assert codes[:30] == [404] * 30 and set(codes[30:]) == {429}
    # Colleagues behind the same office address still open and answer their pulses.
    assert client.get(f"/r/{tokens[0]}").status_code == 200
    page = client.get(f"/r/{tokens[1]}")
    assert page.status_code == 200
    sent = client.post(
        f"/r/{tokens[1]}/submit", data=full_answers(made.round_id, tenant.id), csrf=False
    )
    assert sent.status_code == 200
    db.session.expire_all()
    with tenant_context(tenant.id):
        answered = [db.session.get(Invitation, i).answered for i in made.invitation_ids.values()]
    assert answered.count(True) == 1
    # Guessing is still refused.
    assert client.get("/r/guess-again").status_code == 429


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_the_guessing_limit_is_shared_by_every_gunicorn_worker(tmp_path):
    """Each request is served by a fresh worker process (``--max-requests 1``): a count kept in
    a worker's memory would start from zero every time and never refuse anything."""
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'op.db'}",
        "APP_ENV": "development",
    }
    env.pop("REDIS_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "--preload",
            "--workers",
            "2",
            "--max-requests",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                _status(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        codes = [_status(f"{base}/r/guess-{i}") for i in range(32)]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert codes == [404] * 30 + [429] * 2  # 30 a minute, counted once for all workers
