"""SQLite writers take turns: in arrival order within a process, by flock between processes."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from saas.db import configure_sqlite
from saas.sqlite_writer import FairLock, QueuedWriterConnection, turn_for


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.001)


def test_the_lock_goes_to_waiters_in_the_order_they_came():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []

    def wait_turn(i: int) -> None:
        assert lock.acquire(timeout=5)
        order.append(i)
        lock.release()

    threads = []
    for i in range(5):
        thread = threading.Thread(target=wait_turn, args=(i,))
        thread.start()
        threads.append(thread)
        _wait_for(lambda n=i + 1: len(lock._waiters) == n)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=0.01)  # free again once everyone is done


def test_a_waiter_that_gives_up_leaves_the_lock_usable():
    lock = FairLock()
    assert lock.acquire(timeout=1)
    started = time.monotonic()
    assert lock.acquire(timeout=0.05) is False
    assert time.monotonic() - started >= 0.05
    lock.release()
    assert lock.acquire(timeout=0.01)


def _engine(path):
    engine = create_engine(f"sqlite:///{path}")
    configure_sqlite(engine)
    return engine


def test_a_writer_queues_behind_an_open_write_and_goes_when_it_commits(tmp_path):
    engine = _engine(tmp_path / "turns.db")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)")
    with engine.connect() as writer:
        assert isinstance(writer.connection.dbapi_connection, QueuedWriterConnection)
        writer.exec_driver_sql("INSERT INTO t (who) VALUES ('first')")  # holds the turn
        done = threading.Event()

        def second_writer() -> None:
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t (who) VALUES ('second')")
            done.set()

        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not done.wait(0.2)  # queued behind the open write transaction
        raw = sqlite3.connect(tmp_path / "turns.db")  # a plain reader is never queued
        assert raw.execute("SELECT count(*) FROM t").fetchone() == (0,)
        raw.close()
        writer.commit()
        assert done.wait(2)  # handed on at the commit, not after a busy-handler sleep
        thread.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT who FROM t ORDER BY id")).scalars().all() == [
            "first",
            "second",
        ]
    engine.dispose()


def _write_many(path: str, who: str, count: int) -> None:
    engine = _engine(path)
    errors = []

    def worker(thread: int) -> None:
        try:
            for i in range(count):
                with engine.begin() as conn:
                    conn.exec_driver_sql("INSERT INTO t (who) VALUES (?)", (f"{who}-{thread}-{i}",))
        except Exception as exc:  # pragma: no cover - reported by the exit code
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    raise SystemExit(1 if errors else 0)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_two_processes_of_four_writers_each_lose_nothing(tmp_path):
    path = str(tmp_path / "processes.db")
    engine = _engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)")
    engine.dispose()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_write_many, args=(path, w, 50)) for w in ("a", "b")]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]
    engine = _engine(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 400
    engine.dispose()
    assert turn_for(path) is not None and turn_for(":memory:") is None
