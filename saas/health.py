"""Liveness: the database and the worker's heartbeat, as JSON on /healthz."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, jsonify
from sqlalchemy import String, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Base, reads_only_on_get, utcnow
from saas.extensions import db

bp = Blueprint("health", __name__)
HEARTBEAT_STALE_SECONDS = 180


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime]


def record_heartbeat(name: str, now: datetime | None = None) -> None:
    beat = db.session.get(WorkerHeartbeat, name) or WorkerHeartbeat(name=name)
    beat.beat_at = now or utcnow()
    db.session.add(beat)
    db.session.commit()


@bp.get("/healthz")
@reads_only_on_get
def healthz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(text("SELECT 1"))
        beat = db.session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.name == "tick"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="down", worker="unknown"), 503
    if beat is None:
        worker = {"status": "never_seen", "last_beat": None}
    else:
        age = (utcnow() - beat.beat_at).total_seconds()
        status = "ok" if age < HEARTBEAT_STALE_SECONDS else "stale"
        worker = {"status": status, "last_beat": beat.beat_at.isoformat(), "age_seconds": int(age)}
    return jsonify(status="ok", database="ok", worker=worker)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
