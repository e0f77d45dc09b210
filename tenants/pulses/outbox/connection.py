"""One database connection held for a whole dispatch run, in autocommit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saas.extensions import db


@contextmanager
def one_connection() -> Iterator[None]:
    """Run the block on one connection, held throughout and in autocommit, through a plain ORM
    session (scoped by the same central listeners).

    Every statement of the dispatcher is a transaction of its own already (one claiming UPDATE,
    one UPDATE per outcome, an idempotent insert into the suppression list), so autocommit
    changes no outcome; it saves the BEGIN and COMMIT round trips, and holding the connection
    saves the pool checkout and its ping that Flask-SQLAlchemy's session pays at every commit
    (and on PostgreSQL commits do not wait for the disk: ``_SYNCHRONOUS_COMMIT``).
    With a commit per message, those cost more than the mark itself. (SQLite still wraps each
    statement in ``BEGIN IMMEDIATE``: ``saas.db.configure_sqlite``.) Not done when the session
    is inside a transaction or bound to a connection (the tests' rolled-back transaction)."""
    bind = db.engine
    previous = db.session.registry()
    if not isinstance(bind, Engine) or previous.in_transaction():
        yield
        return
    with bind.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        session = Session(bind=connection)
        db.session.registry.set(session)
        before = None
        try:
            if bind.dialect.name == "postgresql":
                before = session.scalar(select(func.current_setting("synchronous_commit")))
                session.execute(_SYNCHRONOUS_COMMIT, {"value": "off"})
            yield
        finally:
            if before is not None:
                session.execute(_SYNCHRONOUS_COMMIT, {"value": before})
            session.close()
            db.session.registry.set(previous)


# PostgreSQL: an outcome's commit does not wait for the disk. A crash of the database server
# (not of the dispatcher) may lose the last fraction of a second of marks; those few messages
# are then sent again. Set for this connection only, and put back before it returns to the pool.
_SYNCHRONOUS_COMMIT = select(func.set_config("synchronous_commit", bindparam("value"), False))
