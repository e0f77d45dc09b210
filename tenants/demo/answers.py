"""How a feeling becomes answers: agreement and 0-10 scores around what a person feels, and free
text in their language, as rows for the bulk insert (``Batch``)."""

from __future__ import annotations

import random
from typing import Any

from tenants.demo.batch import Batch
from tenants.demo.phrases import (
    BIRTHDAY_COMMENT,
    CUSTOMER_COMMENTS,
    EMPLOYEE_COMMENTS,
    PURPOSES,
    RESPONSIBILITIES,
    RITUALS,
    SMALL_CHANGES,
    say,
)
from tenants.demo.story import BASE, ITEM_NOISE, MOOD_NOISE, Story
from tenants.surveys.models import Question

Answers = tuple[dict[int, float], dict[int, str]]  # values and texts by question id


def _agree(value: float) -> float:
    """A 0-100 feeling as a 1-5 agreement answer."""
    return float(min(5, max(1, round(1 + value / 25))))


def _ten(value: float) -> float:
    return float(min(10, max(0, round(value / 10))))


def employee_answers(
    rng: random.Random,
    story: Story,
    questions: list[Question],
    team_id: int | None,
    person: float,
    q: int,
    locale: str | None,
) -> Answers:
    """One employee's answers in quarter ``q``: the team's feeling, the person's own offset
    (``person``) and noise; a comment now and then; the purpose-map fields."""
    values: dict[int, float] = {}
    texts: dict[int, str] = {}
    flavour = story.flavour[team_id]
    mood: dict[str, float] = {}

    def answer(dimension: str) -> float:
        shared = mood.setdefault(dimension, rng.gauss(0, MOOD_NOISE))
        feel = story.feeling(team_id, dimension, q) + person + shared + rng.gauss(0, ITEM_NOISE)
        return _agree(feel)

    for question in questions:
        if question.scale == "agree5" and question.dimension in BASE:
            values[question.id] = answer(question.dimension)
        elif question.scale == "achievement":
            values[question.id] = answer("outcome_focus")
        elif question.scale == "comment":
            if rng.random() < 0.2:
                pool = EMPLOYEE_COMMENTS.get(flavour) or EMPLOYEE_COMMENTS[""]
                texts[question.id] = say(rng, pool, locale)
        elif question.scale == "text":
            key = question.key.removeprefix("pm_")
            if key == "responsibility":
                pool = RESPONSIBILITIES.get(flavour) or RESPONSIBILITIES["People"]
                texts[question.id] = say(rng, pool, locale)
            elif key == "purpose":
                texts[question.id] = say(rng, PURPOSES, locale)
            elif key == "ritual_process" and rng.random() < 0.4:
                texts[question.id] = say(rng, RITUALS, locale)
            elif key == "small_change" and rng.random() < 0.5:
                texts[question.id] = say(rng, SMALL_CHANGES, locale)
    return values, texts


def customer_answers(
    rng: random.Random,
    questions: list[Question],
    feel: float,
    birthday_call: bool,
    locale: str | None,
) -> Answers:
    """One customer's answers around ``feel``; a comment now and then (about the birthday
    call when that is what they answer about)."""
    values: dict[int, float] = {}
    texts: dict[int, str] = {}
    for question in questions:
        noisy = feel + rng.gauss(0, 16)
        if question.scale == "agree5":
            values[question.id] = _agree(noisy)
        elif question.scale == "ten":
            values[question.id] = _ten(noisy)
        elif question.scale == "comment" and rng.random() < 0.25:
            pool = [BIRTHDAY_COMMENT] if birthday_call else CUSTOMER_COMMENTS
            texts[question.id] = say(rng, pool, locale)
    return values, texts


def add_response(batch: Batch, tenant_id: int, response: dict[str, Any], answers: Answers) -> None:
    """``response`` and its answers, as rows of ``batch``."""
    values, texts = answers
    batch.responses.append(response)
    for question_id, value in values.items():
        batch.answers.append(
            {
                "tenant_id": tenant_id,
                "response_id": response["id"],
                "question_id": question_id,
                "value": value,
                "text": None,
            }
        )
    for question_id, text in texts.items():
        batch.answers.append(
            {
                "tenant_id": tenant_id,
                "response_id": response["id"],
                "question_id": question_id,
                "value": None,
                "text": text,
            }
        )
