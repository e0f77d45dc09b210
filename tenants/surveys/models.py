"""Questions (versioned), responses and answers.

Anonymity at rest: an employee's ``Response`` holds a random id, the round, the team and the
answers, and nothing else: no timestamp, no sequence number, no link to a person or an
invitation. ``Answer`` rows are keyed by (response, question), so no sequence leaks the order
of submissions either. Customer responses carry ``customer_id``: customer feedback is not
anonymous, and their email says so.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Base, TenantScoped, utcnow

SCALES = ("agree5", "ten", "yes_no", "comment", "text", "achievement")


def random_response_id() -> str:
    return secrets.token_hex(16)


class Question(TenantScoped, Base):
    """One item in both languages. Answered wording is never edited: it is retired and a new
    version (``replaces_id``) takes its place. Built-in items are copied per tenant from
    ``tenants.surveys.bank`` so every question a tenant asks is a row it owns."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("tenant_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(default=1)
    audience: Mapped[str] = mapped_column(String(10))  # employee | customer
    dimension: Mapped[str | None] = mapped_column(String(30))
    scale: Mapped[str] = mapped_column(String(12))
    text_en: Mapped[str] = mapped_column(Text)
    text_es: Mapped[str] = mapped_column(Text)
    builtin: Mapped[bool] = mapped_column(default=False)
    purpose_map: Mapped[bool] = mapped_column(default=False)  # a field of the purpose-map block
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def text(self, locale: str) -> str:
        return self.text_es if locale == "es" else self.text_en

    @property
    def active(self) -> bool:
        return self.retired_at is None


class Response(TenantScoped, Base):
    __tablename__ = "responses"
    # SQLite: no hidden rowid recording the order responses arrived; rows live in the order
    # of their random ids.
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_response_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(10))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # Customer responses only (customers are not anonymous); always NULL for employees.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    segment: Mapped[str | None] = mapped_column(String(60))
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="SET NULL"))
    # Customer responses only: when it was given (an employee response has no time at all).
    submitted_at: Mapped[datetime | None]

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(TenantScoped, Base):
    __tablename__ = "answers"
    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class RoundQuestion(TenantScoped, Base):
    """The questions a round froze at launch, in order."""

    __tablename__ = "round_questions"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    question: Mapped[Question] = relationship(lazy="joined")


__all__ = ["JSON", "SCALES", "Answer", "Question", "Response", "RoundQuestion"]
