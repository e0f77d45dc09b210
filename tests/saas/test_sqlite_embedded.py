"""SQLite as a real embedded default: WAL, foreign keys, and no "database is locked"."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from saas.extensions import db
from saas.tenancy.models import Tenant
from tests.conftest import committed_app


def test_concurrent_read_then_write_transactions_all_succeed(tmp_path):
    app = committed_app(f"sqlite:///{tmp_path / 'busy.db'}", tmp_path)
    errors: list[BaseException] = []

    def web_request_or_worker(i: int) -> None:
        try:
            with app.app_context():
                for j in range(5):
                    # Read, think, then write in the same transaction: with deferred
                    # transactions two of these deadlock and one fails at once.
                    db.session.scalar(select(func.count()).select_from(Tenant))
                    time.sleep(0.002)
                    db.session.add(Tenant(name=f"T{i}-{j}", slug=f"t{i}-{j}"))
                    db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=web_request_or_worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Tenant)) == 40
        mode = db.session.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
        keys = db.session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar()
        db.engine.dispose()
    assert mode == "wal" and keys == 1
