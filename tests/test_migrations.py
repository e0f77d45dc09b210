"""The migrations build exactly the models' schema, with one head, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from saas import create_app
from saas.extensions import db
from tests.conftest import make_settings


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.rsplit("/", 1)[0] + "/postgres"
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return "postgresql://postgres@127.0.0.1:5432/postgres"


def _databases(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migrations.db'}", None
    admin = _postgres_admin_url()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable in CI")
        return
    name = f"op_migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(
        admin.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield "postgresql", admin.rsplit("/", 1)[0] + f"/{name}", None
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def test_migrations_have_one_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


@pytest.mark.slow
def test_migrations_build_exactly_the_models_schema(tmp_path):
    checked = []
    for dialect, url, _ in _databases(tmp_path):
        application = create_app({"SETTINGS": make_settings(url, tmp_path), "TESTING": True})
        application.config["SQLALCHEMY_DATABASE_URI"] = url
        with application.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == [], f"{dialect}: models and migrations differ: {differences}"
        checked.append(dialect)
    assert "sqlite" in checked


@pytest.mark.slow
def test_companies_that_exist_when_billing_lands_get_a_fresh_trial(tmp_path):
    """Never a surprise lock: the billing migration gives every existing company 14 days."""
    from datetime import UTC, datetime, timedelta

    url = f"sqlite:///{tmp_path / 'before_billing.db'}"
    application = create_app({"SETTINGS": make_settings(url, tmp_path), "TESTING": True})
    application.config["SQLALCHEMY_DATABASE_URI"] = url
    with application.app_context():
        upgrade(revision="11948ab137fa")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tenants (name, slug, country, timezone, locale,"
                    " anonymity_threshold, comment_threshold, accent_color, logo_version, plan,"
                    " status, created_at) VALUES ('Old Co', 'old-co', 'ES', 'UTC', 'en', 5, 10,"
                    " '#1f5fa8', 0, 'starter', 'canceled', '2026-01-01 00:00:00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            status, trial_end, comped = conn.execute(
                text("SELECT status, trial_ends_at, comped FROM tenants WHERE slug = 'old-co'")
            ).one()
        db.engine.dispose()
    ends = datetime.fromisoformat(str(trial_end)).replace(tzinfo=UTC)
    assert status == "trialing" and not comped
    assert timedelta(days=13, hours=23) < ends - datetime.now(UTC) <= timedelta(days=14)
