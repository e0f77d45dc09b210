"""A real SMTP server on loopback (aiosmtpd) and a real committed database (a fresh SQLite file,
and PostgreSQL when it answers), for the tests that need several sessions at once.

``smtp_sink`` and ``live_app`` are fixtures: a test module makes them its own with
``smtp_sink = live.smtp_sink``.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from saas import create_app
from saas.extensions import db
from tests.conftest import FormClient, make_settings, reset_schema
from tests.factories.smtp import SmtpServer, SmtpSink

# -- a real SMTP server on loopback -----------------------------------------------------------


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpServer() as server:
        yield server.sink


def smtp_settings(app: Flask, sink: SmtpSink):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(app.config["SETTINGS"], smtp_host="127.0.0.1", smtp_port=sink.port)


# -- a real, committed database ---------------------------------------------------------------


def postgres_server() -> str | None:
    """The PostgreSQL server to create throw-away databases on, if one answers."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.rsplit("/", 1)[0]
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def live_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        path = folder / f"live-{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = postgres_server()
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    import psycopg

    name = f"op_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def live_app(
    request: pytest.FixtureRequest, tmp_path: Path, smtp_sink: SmtpSink
) -> Iterator[Flask]:
    """An app on its own database whose commits are real (several sessions see each other)."""
    with live_database(request.param, tmp_path) as url:
        settings = make_settings(
            url, instance=tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_sink.port)
        )
        application = create_app(
            {
                "SETTINGS": settings,
                "TESTING": True,
                "SQLALCHEMY_ENGINE_OPTIONS": {
                    "pool_pre_ping": True,
                    "pool_size": 20,
                    "max_overflow": 5,
                    "pool_timeout": 60,
                },
            }
        )
        application.test_client_class = FormClient
        reset_schema(application)
        application.smtp_sink = smtp_sink  # type: ignore[attr-defined]
        try:
            yield application
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def live_tenant(name: str = "Acme") -> Any:
    """A committed tenant, as plain values (usable in any session or thread)."""
    from types import SimpleNamespace

    from tests.factories import make_tenant

    tenant = make_tenant(name, contact_email="people@acme.test")
    return SimpleNamespace(id=tenant.id, slug=tenant.slug, name=tenant.name)
