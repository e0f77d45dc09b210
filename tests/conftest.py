"""One shared app and schema per run; every test runs inside a transaction that is rolled back.

The suite runs on SQLite, and on PostgreSQL when TEST_ON_POSTGRES=1 and TEST_DATABASE_URL are
set (`make test` does both when .ci/run finds PostgreSQL).
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("HUEY_IMMEDIATE", "1")
_INSTANCE = Path(tempfile.mkdtemp(prefix="op-test-"))
os.environ["INSTANCE_PATH"] = str(_INSTANCE)
os.environ.pop("REDIS_URL", None)
os.environ.pop("SMTP_HOST", None)

import email_validator  # noqa: E402
import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from itsdangerous import URLSafeTimedSerializer  # noqa: E402
from sqlalchemy import text  # noqa: E402

from saas import create_app  # noqa: E402
from saas.config import load_settings  # noqa: E402
from saas.extensions import db, limiter  # noqa: E402

email_validator.TEST_ENVIRONMENT = True  # accept the special-use *.test domains our fixtures use
ON_POSTGRES = bool(os.environ.get("TEST_ON_POSTGRES") and os.environ.get("TEST_DATABASE_URL"))


def database_url(suffix: str = "") -> str:
    if ON_POSTGRES:
        return os.environ["TEST_DATABASE_URL"] + suffix
    return f"sqlite:///{_INSTANCE / f'test{suffix}.db'}"


def make_settings(url: str, instance: Path | None = None, **env: str):  # type: ignore[no-untyped-def]
    folder = instance or _INSTANCE
    environ = {
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "BASE_URL": "http://localhost",
        **env,
    }
    return load_settings(environ)


def reset_schema(app: Flask) -> None:
    """Drop everything and build the schema through the migrations (which tests them too)."""
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def committed_app(url: str, instance: Path, **config: object) -> Flask:
    """An app on its own database whose commits are real (work that crosses threads or
    processes: the real queue, dispatchers, concurrent submits, a served browser test)."""
    application = create_app({"SETTINGS": make_settings(url, instance), "TESTING": True, **config})
    application.config["SQLALCHEMY_DATABASE_URI"] = url
    reset_schema(application)
    return application


def dispose(application: Flask) -> None:
    with application.app_context():
        db.engine.dispose()


class FormClient(FlaskClient):
    """A test client whose form posts carry a valid CSRF token unless ``csrf=False``."""

    def csrf_token(self) -> str:
        app = self.application
        raw = "test-csrf-" + os.urandom(8).hex()
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", raw)
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Each request in an empty context, as in production: its own app context, session,
        ``g`` and current tenant, not the test's (Flask would otherwise reuse the pushed one)."""
        return contextvars.Context().run(super().open, *args, **kwargs)

    def post(self, *args, csrf: bool = True, **kwargs):  # type: ignore[no-untyped-def, override]
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and kwargs.get("json") is None:
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


def uses_the_shared_database(item: pytest.Item) -> bool:
    """Whether the PostgreSQL pass changes what this test runs on: the shared ``app`` fixture
    (directly or through ``ctx``, ``client``...), or an explicit ``@pytest.mark.database`` for a
    test that builds its own app on ``database_url()``."""
    return (
        "app" in getattr(item, "fixturenames", ())
        or item.get_closest_marker("database") is not None
    )


@pytest.hookimpl(trylast=True)  # after `-m`: count only what it alone leaves out
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, deselect what runs the same on both databases (properties,
    simulations, tests with a database of their own): it ran in the SQLite pass."""
    if not ON_POSTGRES:
        return
    kept = [item for item in items if uses_the_shared_database(item)]
    deselected = [item for item in items if not uses_the_shared_database(item)]
    if not deselected:
        return
    config.hook.pytest_deselected(items=deselected)
    items[:] = kept
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"PostgreSQL pass: {len(deselected)} tests that do not use the shared database "
            "deselected (they ran in the SQLite pass)"
        )


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    application = create_app(
        {"SETTINGS": make_settings(database_url()), "TESTING": True, "SERVER_NAME": None}
    )
    application.config["SQLALCHEMY_DATABASE_URI"] = database_url()
    application.test_client_class = FormClient
    reset_schema(application)
    yield application


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test in one outer transaction on one connection, rolled back after it.

    SQLAlchemy's "joining a session into an external transaction" recipe: the default engine in
    Flask-SQLAlchemy's public ``db.engines`` map is replaced, for this test only, by a connection
    inside ``outer``, so every session (the test's and each request's) joins it, and their
    commits become savepoints (``join_transaction_mode="create_savepoint"`` in
    ``saas.extensions``). A session's own ``bind`` would not do: Flask-SQLAlchemy's ``get_bind``
    always answers from ``db.engines``, and ``db.engine`` must name the connection too.
    """
    if "app" not in request.fixturenames or "live_app" in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context(), db.engine.connect() as connection:
        outer = connection.begin()
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(db.engines, None, connection)  # type: ignore[arg-type]
            db.session.remove()
            try:
                yield
            finally:
                db.session.remove()
                outer.rollback()
                limiter.reset()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context (and so the shared session) for service-level tests."""
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FormClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def outbox(app: Flask) -> Iterator[list]:
    """Messages written to the local outbox during the test, parsed, oldest first."""
    from tests.factories import Outbox

    box = Outbox(app.config["SETTINGS"].instance / "outbox")
    box.clear()
    yield box
