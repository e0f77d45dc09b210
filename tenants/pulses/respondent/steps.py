"""A survey in short steps, for browsers without JavaScript (and with it: the script then shows
one question of a step per screen).

A pulse is one step: one short page, recorded by one submission. A round with the purpose map
(the quarterly one) is a few steps: its rating questions in pages of ``PAGE_SIZE``, then the
purpose map. The answers of earlier steps travel in one hidden field, signed (itsdangerous)
and bound to the link's token, so nothing half-answered is ever stored on the server: the last
step checks everything again and records the response once (``submit.record``).

Each step has a "Skip" button: the questions left blank on it are skipped ("Prefer not to
say"), the answered ones kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from tenants.pulses.outbox.tokens import hash_token
from tenants.pulses.respondent.submit import Checked, Item, Survey, validate

PAGE_SIZE = 6
_SALT = "respondent-steps"


def steps_of(survey: Survey) -> list[list[Item]]:
    """The survey's steps: all of a pulse on one page; a round with the purpose map in pages of
    ``PAGE_SIZE`` rating questions, then the purpose map."""
    if not survey.map_items:
        return [list(survey.items)]
    pages = [survey.items[i : i + PAGE_SIZE] for i in range(0, len(survey.items), PAGE_SIZE)]
    return [*pages, list(survey.map_items)]


@dataclass
class Step:
    """The step a page shows: its items, where it sits, and the earlier answers it carries."""

    index: int
    count: int
    items: list[Item]
    offset: int  # how many questions come before this step
    total: int  # how many questions the survey asks
    carried: str = ""  # the signed earlier answers ("" on the first step)
    checked: Checked = field(default_factory=Checked)

    @property
    def last(self) -> bool:
        return self.index == self.count - 1

    @property
    def has_map(self) -> bool:
        return any(item.purpose_map for item in self.items) and self.count > 1


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)  # type: ignore[arg-type]


def _sign(token: str, answers: Mapping[str, str]) -> str:
    return _serializer().dumps({"k": hash_token(token), "a": dict(answers)})


def _unsign(token: str, carried: str) -> dict[str, str] | None:
    """The earlier answers, or None when the field was altered or made for another link."""
    if not carried:
        return {}
    try:
        data = _serializer().loads(carried)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") != hash_token(token):
        return None
    answers = data.get("a")
    if not isinstance(answers, dict):
        return None
    return {str(k): str(v) for k, v in answers.items()}


def step_at(survey: Survey, index: int, token: str, earlier: Mapping[str, str]) -> Step:
    steps = steps_of(survey)
    index = max(0, min(index, len(steps) - 1))
    offset = sum(len(s) for s in steps[:index])
    return Step(
        index=index,
        count=len(steps),
        items=steps[index],
        offset=offset,
        total=len(survey.all_items),
        carried=_sign(token, earlier) if earlier else "",
        checked=Checked(typed={i.name: earlier[i.name] for i in steps[index] if i.name in earlier}),
    )


def first_step(survey: Survey, token: str) -> Step:
    return step_at(survey, 0, token, {})


@dataclass
class Progress:
    """A submitted step: either the whole response, checked, or the step to show (the next
    one, or one again with its errors)."""

    step: Step | None = None
    checked: Checked | None = None


def advance(survey: Survey, form: Mapping[str, str], token: str, lang: str) -> Progress:
    """Check the step the form answers; go on to the next one, or, after the last, check every
    answer and hand back the whole response. A form without a step (or a tampered one) is read
    as the whole survey answered at once."""
    steps = steps_of(survey)
    earlier = _unsign(token, form.get("carried", ""))
    raw_index = form.get("step", "")
    skip_blank = bool(form.get("skip"))
    if earlier is None or not raw_index.isdigit() or int(raw_index) >= len(steps):
        earlier, index, items = {}, len(steps) - 1, survey.all_items
    else:
        index, items = int(raw_index), steps[int(raw_index)]
    merged = {name: value for name, value in earlier.items()}
    for item in items:
        merged[item.name] = (form.get(item.name) or "").strip()
    checked = validate(survey, merged, lang, items=items, skip_blank=skip_blank)
    answered = {**earlier, **checked.typed}
    if checked.ok and index < len(steps) - 1:
        return Progress(step=step_at(survey, index + 1, token, answered))
    if checked.ok:
        checked = validate(survey, answered, lang)  # every step again, before recording once
        if checked.ok:
            return Progress(checked=checked)
    # Show the first step with an error, with what was typed.
    index = next(i for i, s in enumerate(steps) if any(it.name in checked.errors for it in s))
    step = step_at(survey, index, token, answered)
    step.checked = checked
    return Progress(step=step)
