"""Background work with Huey: a SQLite queue in the instance folder by default, Redis when
``REDIS_URL`` is set. The task code is the same either way.

Tasks take ``tenant_id`` as their first argument (``tenant_task``) and run in a fresh app
context, with a fresh session, the tenant as the current tenant, and the tenant's locale.
The periodic ``tick`` is guarded by a Huey lock so several workers never run it at once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

from saas import hooks
from saas.config import instance_path
from saas.db import tenant_context, utcnow

log = logging.getLogger("outcome_pulse.tasks")
F = TypeVar("F", bound=Callable[..., Any])


def _make_huey() -> Huey:
    redis_url = os.environ.get("REDIS_URL")
    immediate = os.environ.get("HUEY_IMMEDIATE", "") in {"1", "true"}
    if redis_url:
        return RedisHuey("outcome-pulse", url=redis_url, immediate=immediate, utc=True)
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "outcome-pulse", filename=str(folder / "huey.db"), immediate=immediate, utc=True
    )


huey: Huey = _make_huey()
_worker_app: Flask | None = None


def worker_app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from saas import create_app

        _worker_app = create_app()
    return _worker_app


@contextmanager
def task_app_context() -> Iterator[Flask]:
    """A fresh app context (and so a fresh session), in the web process or the worker."""
    app = current_app._get_current_object() if has_app_context() else worker_app()  # type: ignore[attr-defined]
    with app.app_context():
        try:
            yield app
        finally:
            from saas.extensions import db

            db.session.remove()


def tenant_task(**task_options: Any) -> Callable[[F], Any]:
    """A Huey task whose first argument is ``tenant_id``."""

    def decorate(fn: F) -> Any:
        @huey.task(**task_options)
        @wraps(fn)
        def run(tenant_id: int, *args: Any, **kwargs: Any) -> Any:
            from flask_babel import force_locale

            from saas.extensions import db
            from saas.tenancy.models import Tenant

            with task_app_context(), tenant_context(tenant_id):
                tenant = db.session.get(Tenant, tenant_id)
                if tenant is None:
                    log.warning("task %s: tenant %s is gone", fn.__name__, tenant_id)
                    return None
                with force_locale(tenant.locale):
                    return fn(*args, **kwargs)

        return run

    return decorate


def run_tick(now: datetime | None = None) -> None:
    """Record a heartbeat and do whatever is due. Safe to call from tests directly."""
    from saas.health import record_heartbeat

    now = now or utcnow()
    record_heartbeat("tick", now)
    for hook in hooks.of("tick"):
        try:
            hook(now)
        except Exception:
            log.exception("tick hook %s failed", getattr(hook, "__name__", hook))


@huey.periodic_task(crontab(minute="*"))
def tick() -> None:
    try:
        with huey.lock_task("tick"), task_app_context():
            run_tick()
    except TaskLockedException:
        log.info("tick already running in another worker")


@huey.on_startup()
def _dispose_engine_after_fork() -> None:
    """A forked worker must not share the parent's database connections."""
    if _worker_app is not None:
        from saas.extensions import db

        with _worker_app.app_context():
            db.engine.dispose(close=False)
