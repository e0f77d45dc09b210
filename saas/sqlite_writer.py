"""SQLite writers queue in the process, first come first served, not in SQLite's busy handler.

SQLite allows one write transaction at a time. A second ``BEGIN IMMEDIATE`` waits in SQLite's
busy handler, which polls with sleeps of 1, 2, 5, 10, 15, 20, 25... ms, so under concurrent
writes the waiting threads sleep on well past the moment the lock frees. With 8 respondents
submitting at once the app spent most of its time asleep (``bench/respond.py``: 55 respondents a
second with the busy handler alone, about 150 with this queue).

So every connection to a database file is a ``QueuedWriterConnection``: before ``BEGIN
IMMEDIATE`` it takes that file's ``WriterTurn``, and it hands it on the moment it commits, rolls
back or closes. A turn is two locks:

* a ``FairLock`` per process: its threads wait in the order they came and wake as soon as it is
  their turn (a thread waiting longer than the busy timeout goes ahead without it and leaves the
  decision to SQLite, as before);
* an exclusive ``flock`` on ``<database>.writer`` between processes (web workers, the queue's
  worker, the CLI): the kernel wakes the waiting process when it is released. Without it the
  process that holds SQLite's lock hands it from thread to thread, and a second process polling
  in the busy handler rarely finds it free (measured: 25-40 ms per write in the starved worker).
  The flock is held exactly as long as SQLite's own write lock, and the kernel drops it if the
  process dies.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections import deque
from typing import Any

BUSY_TIMEOUT_SECONDS = 15.0


class FairLock:
    """A lock handed to waiters in the order they asked (``threading.Lock`` may let the thread
    that just released it take it again, starving the others)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release(): the lock stays held, now by us
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # release() handed it to us just as we gave up: it is ours

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


class WriterTurn:
    """The right to write one database file: first this process's ``FairLock``, then the
    file's ``flock`` against other processes."""

    def __init__(self, database: str) -> None:
        self.threads = FairLock()
        self._path = database + ".writer"
        self._fd: int | None = None

    def _lock_file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def take(self, timeout: float) -> bool:
        if not self.threads.acquire(timeout):
            return False
        try:
            fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
        except BaseException:
            self.threads.release()
            raise
        return True

    def hand_on(self) -> None:
        try:
            fcntl.flock(self._lock_file(), fcntl.LOCK_UN)
        finally:
            self.threads.release()

    def after_fork(self) -> None:
        """A forked child starts with no waiters and must not share its parent's lock-file
        description (flock is held per description): it opens its own on first use."""
        self.threads = FairLock()
        self._fd = None


_turns: dict[str, WriterTurn] = {}
_turns_guard = threading.Lock()


def turn_for(database: str) -> WriterTurn | None:
    """The writer turn for a database file; None for a private in-memory database."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    with _turns_guard:
        turn = _turns.get(database)
        if turn is None:
            turn = _turns[database] = WriterTurn(database)
        return turn


def _after_fork_in_child() -> None:
    global _turns_guard
    _turns_guard = threading.Lock()
    for turn in _turns.values():
        turn.after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions take their turn on the file's lock."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._turn = turn_for(str(database))
        self._holds_turn = False

    def begin(self, write: bool) -> None:
        """``BEGIN IMMEDIATE`` after this connection's turn, or a deferred ``BEGIN``."""
        if not write:
            self.execute("BEGIN")
            return
        if self._turn is not None and not self._holds_turn:
            self._holds_turn = self._turn.take(timeout=BUSY_TIMEOUT_SECONDS)
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._hand_on()
            raise

    def _hand_on(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            assert self._turn is not None
            self._turn.hand_on()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._hand_on()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._hand_on()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._hand_on()
