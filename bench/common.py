"""What the bench scripts share: the local PostgreSQL server and local ports."""

from __future__ import annotations

import socket
import time

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def postgres_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    return True


def pg_admin(statement: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the server's ``postgres`` database."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float, pause: float) -> bool:
    """Whether something listens on ``port`` within ``seconds`` (polled every ``pause``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(pause)
    return False
