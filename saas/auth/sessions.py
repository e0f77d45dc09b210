"""Server-side sign-in sessions: signing out ends a session for good, wherever its cookie is.

Flask-Login keeps ``user.get_id()`` (``"<id>:<password generation>:<session key>"``) in the
signed session cookie and in the remember-me cookie. The key's SHA-256 hash is a
:class:`UserSession` row; the user loader accepts a cookie only while that row exists, so a
cookie copied before sign-out (or before "sign out everywhere") opens nothing afterwards.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from saas.auth.models import User, UserSession
from saas.extensions import db
from saas.security import hash_secret, new_secret


def start(user: User, user_agent: str = "") -> str:
    """Open a session for ``user`` (the caller commits); ``user.get_id()`` now names it."""
    key = new_secret(24)
    db.session.add(
        UserSession(user_id=user.id, key_hash=hash_secret(key), user_agent=user_agent[:200])
    )
    user.session_key = key
    return key


def load(user_id: str) -> User | None:
    """The user a cookie's id names, while its password generation and session still hold."""
    raw_id, version, key = [*user_id.split(":"), "", ""][:3]
    if not raw_id.isdigit() or not version.isdigit() or not key:
        return None
    row = db.session.execute(
        select(User, UserSession.id)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(raw_id), UserSession.key_hash == hash_secret(key))
    ).first()
    if row is None or row[0].session_version != int(version):
        return None
    user = row[0]
    user.session_key = key
    return user


def current_id(user: User) -> int | None:
    """The row of the session ``user`` was loaded for."""
    if not user.session_key:
        return None
    return db.session.scalar(
        select(UserSession.id).where(UserSession.key_hash == hash_secret(user.session_key))
    )


def active(user: User) -> list[UserSession]:
    """The user's open sessions, newest first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        )
    )


def end(user: User, session_id: int | None = None) -> bool:
    """End one of ``user``'s sessions (the current one by default); False if there was none."""
    if session_id is None:
        session_id = current_id(user)
    if session_id is None:
        return False
    result = db.session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end_all(user: User, *, keep_current: bool = False) -> int:
    """End every session of ``user`` (all but the current one with ``keep_current``)."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    keep = current_id(user) if keep_current else None
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    return int(db.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str) -> tuple[str, str]:
    """A browser and system a person recognises ("Chrome", "macOS") from a User-Agent header;
    empty strings when it says nothing we know."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return browser, system
