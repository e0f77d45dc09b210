"""The rate limits' counters in a SQLite file, so every process on the machine shares them.

The embedded default has no Redis, and Flask-Limiter's ``memory://`` store counts per process:
under gunicorn with N workers each limit would allow N times what it says. This store, a
``limits`` storage registered as ``opsqlite:///path/to/file.db``, keeps the fixed-window
counters in one WAL-mode SQLite file that every worker and thread of the machine reads and
writes: one upsert per counted request. With ``REDIS_URL`` the counters live in Redis instead
(several machines share them).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from limits.storage import Storage

SCHEME = "opsqlite"
_INCR = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires <= :now THEN :amount ELSE counters.count + :amount END,
    expires = CASE WHEN counters.expires <= :now THEN :expires ELSE counters.expires END
RETURNING count
"""


class SQLiteStorage(Storage):
    """Fixed-window counters (``limits``' default strategy) in a SQLite file."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: object):
        super().__init__(uri, wrap_exceptions)
        path = urlsplit(uri or "").path
        if not path:
            raise ValueError(f"{SCHEME}:///path/to/file.db names the counters' file")
        self.path = path
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (a forked worker opens its own)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or getattr(self._local, "pid", None) != os.getpid():
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counters "
                "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        db = self._db()
        if random.random() < 0.001:
            db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        row = db.execute(
            _INCR, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
        ).fetchone()
        return int(row[0])

    def get(self, key: str) -> int:
        row = (
            self._db()
            .execute("SELECT count FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return int(self._db().execute("DELETE FROM counters").rowcount)

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
