"""What the respondent's page asks, how answers are checked, and how they are stored once.

``survey_items`` turns a round's frozen questions into form items in the person's language
(the purpose-map block gets its labels and help from ``bank.PURPOSE_MAP_FIELDS``);
``validate`` checks a submitted form and keeps what was typed; ``record`` stores a response in
the same transaction that uses the invitation up.

Exactly once: the invitation is used with a conditional ``UPDATE invitations SET answered =
true WHERE tenant_id = :tenant AND id = :id AND answered = false`` and the round still open
(``aggregates.store_response``, with the tenant explicit). Only the request whose update changed
one row goes on to store its answers; any other rolls back and is told the pulse is already
answered. On PostgreSQL the losers wait on the winner's row lock and then
see ``answered = true``; on SQLite ``BEGIN IMMEDIATE`` serialises them.

Anonymity at rest: an employee's ``Response`` gets a random id, the round, the team and the
answers, nothing else (no time, no customer, no invitation); the invitation only becomes
``answered``. A customer's response carries the customer, segment, process and time: customer
feedback is not anonymous, and the email says so. Nothing here is logged.

One more path, below the columns: on PostgreSQL every row carries the id of the transaction that
last wrote it (``xmin``), and the invitation and its response are written by the same one, so a
join on ``xmin`` would pair them. ``blur_answer_order`` (every minute, from the tick) rewrites
the answered invitations of open rounds in one transaction, so they all share its ``xmin`` and
the pairing is gone within a minute. (SQLite has no such column; physical row order and the
database's own logs remain visible to whoever administers the server: docs/decisions.md.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from saas.db import require_tenant_id
from saas.extensions import db
from tenants.people.models import Customer
from tenants.pulses.models import Interaction, Invitation, Round
from tenants.pulses.respondent import aggregates
from tenants.pulses.respondent.lookup import InvitationFacts, RoundFacts
from tenants.scoring import rollups
from tenants.surveys import bank
from tenants.surveys import service as surveys_service
from tenants.surveys.models import Question, RoundQuestion, random_response_id

COMMENT_MAX = 2000
PURPOSE_MAP_PREFIX = "pm_"
CHOICE_SCALES = ("agree5", "ten", "yes_no", "achievement")
TEXT_SCALES = ("comment", "text")

SKIP = "skip"  # the "Prefer not to say" answer: the item is skipped, nothing is stored for it

ERRORS = {
    "choose": _l("Choose an answer, or “Prefer not to say”."),
    "too_long": _l("Keep it under %(n)s characters."),
    "invalid": _l("Choose one of the answers shown."),
}


def _error(key: str, lang: str, **values: object) -> str:
    """An error of ``ERRORS`` in the respondent's language (the page may differ from the
    request's own locale), with ``values`` filled in."""
    with force_locale(lang):
        text = str(ERRORS[key])
    return text % values if values else text


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Item:
    """One thing the page asks: a choice on a scale, or free text."""

    name: str  # the form field: q<question id>
    question_id: int
    scale: str
    label: str
    help: str | None = None
    required: bool = True
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    purpose_map: bool = False

    @property
    def is_choice(self) -> bool:
        return self.scale in CHOICE_SCALES

    @property
    def first_input_id(self) -> str:
        return f"{self.name}-{self.options[0].value}" if self.is_choice else self.name


@dataclass
class Survey:
    items: list[Item] = field(default_factory=list)  # the round's questions, in order
    map_items: list[Item] = field(default_factory=list)  # the purpose-map block
    # question id -> (dimension, scale) as stored on the question: what its answer scores
    scoring: dict[int, tuple[str | None, str, str]] = field(default_factory=dict)

    @property
    def all_items(self) -> list[Item]:
        return self.items + self.map_items


def _options(scale: str, lang: str) -> tuple[Option, ...]:
    if scale == "achievement":
        return tuple(Option(str(v), t.get(lang)) for v, t in bank.ACHIEVEMENT_LABELS.items())
    values = bank.SCALE_VALUES.get(scale, ())  # type: ignore[call-overload]
    labels = bank.SCALE_LABELS.get(scale, {})  # type: ignore[call-overload]
    if scale == "ten":
        return tuple(Option(str(v), str(v)) for v in values)
    return tuple(Option(str(v), labels[v].get(lang) if v in labels else str(v)) for v in values)


def _ten_hint(lang: str) -> str:
    ends = bank.SCALE_LABELS["ten"]
    return f"0 = {ends[0].get(lang)} · 10 = {ends[10].get(lang)}"


PURPOSE_MAP_BY_KEY = {f.key: f for f in bank.PURPOSE_MAP_FIELDS}


def purpose_map_field(question: Question) -> bank.PurposeMapField | None:
    key = question.key.removeprefix(PURPOSE_MAP_PREFIX)
    return PURPOSE_MAP_BY_KEY.get(key)


def _item(question: Question, lang: str) -> Item:
    name = f"q{question.id}"
    if question.purpose_map:
        spec = purpose_map_field(question)
        if spec is not None:
            scale = "achievement" if spec.kind == "achievement" else "text"
            return Item(
                name=name,
                question_id=question.id,
                scale=scale,
                label=spec.label.get(lang),
                help=spec.help.get(lang),
                required=spec.required,
                options=_options(scale, lang) if scale == "achievement" else (),
                max_length=spec.max_length,
                purpose_map=True,
            )
    scale = question.scale
    if scale in CHOICE_SCALES:
        return Item(
            name=name,
            question_id=question.id,
            scale=scale,
            label=question.text(lang),
            help=_ten_hint(lang) if scale == "ten" else None,
            options=_options(scale, lang),
            purpose_map=question.purpose_map,
        )
    return Item(
        name=name,
        question_id=question.id,
        scale="comment",
        label=question.text(lang),
        required=False,
        max_length=COMMENT_MAX,
        purpose_map=question.purpose_map,
    )


def round_questions(round_: Round | RoundFacts) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .join(RoundQuestion, RoundQuestion.question_id == Question.id)
            .where(RoundQuestion.round_id == round_.id)
            .order_by(RoundQuestion.position, Question.id)
        )
    )


def survey_items(round_: Round | RoundFacts, lang: str) -> Survey:
    """The round's form in ``lang``. A round that holds the purpose map but froze none of its
    fields (an older tenant without them) falls back to the tenant's active fields."""
    questions = round_questions(round_)
    regular = [q for q in questions if not q.purpose_map]
    mapped = [q for q in questions if q.purpose_map]
    if round_.include_purpose_map and not mapped:
        mapped = surveys_service.active_questions("employee", purpose_map=True)
    order = {f.key: i for i, f in enumerate(bank.PURPOSE_MAP_FIELDS)}
    mapped.sort(key=lambda q: order.get(q.key.removeprefix(PURPOSE_MAP_PREFIX), 99))
    return Survey(
        items=[_item(q, lang) for q in regular],
        map_items=[_item(q, lang) for q in mapped],
        scoring={q.id: (q.dimension, q.scale, q.key) for q in questions + mapped},
    )


@dataclass
class Checked:
    """A submitted form: the values to store, the errors per field and what was typed."""

    values: dict[int, tuple[float | None, str | None]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate(
    survey: Survey,
    form: Mapping[str, str],
    lang: str,
    items: list[Item] | None = None,
    skip_blank: bool = False,
) -> Checked:
    """Check ``items`` (default: all of the survey's) as ``form`` answers them.

    Every item can be skipped: a choice answered "Prefer not to say" (``SKIP``), a choice left
    blank when the person pressed "Skip" (``skip_blank``), and a text box left empty. A skipped
    item stores nothing, so it counts in no figure. A choice left blank otherwise is an error,
    so a missed question is never silently dropped."""
    checked = Checked()
    for item in survey.all_items if items is None else items:
        raw = (form.get(item.name) or "").strip()
        if raw:
            checked.typed[item.name] = raw
        if item.is_choice:
            if raw == SKIP or (not raw and skip_blank):
                checked.typed[item.name] = SKIP
                continue
            if not raw:
                checked.errors[item.name] = _error("choose", lang)
                continue
            if raw not in {option.value for option in item.options}:
                checked.errors[item.name] = _error("invalid", lang)
                continue
            checked.values[item.question_id] = (float(raw), None)
        else:
            text = raw.replace("\r\n", "\n")
            if not text:
                continue
            limit = item.max_length or COMMENT_MAX
            if len(text) > limit:
                checked.errors[item.name] = _error("too_long", lang, n=limit)
                continue
            checked.values[item.question_id] = (None, text)
    return checked


@dataclass(frozen=True)
class Submission:
    """Who is answering, as plain values read before the write (the session is then free)."""

    tenant_id: int
    round_id: int
    kind: str
    invitation_id: int
    team_id: int | None
    customer_id: int | None = None
    segment: str | None = None
    process_id: int | None = None


def submission_of(
    invitation: Invitation | InvitationFacts, round_: Round | RoundFacts
) -> Submission:
    """The values ``record`` stores, read now; a customer's response also carries the
    customer's segment and the interaction's process."""
    segment = process_id = None
    if round_.kind == "customer":
        if invitation.customer_id is not None:
            segment = db.session.scalar(
                select(Customer.segment).where(Customer.id == invitation.customer_id)
            )
        if invitation.interaction_id is not None:
            process_id = db.session.scalar(
                select(Interaction.process_id).where(Interaction.id == invitation.interaction_id)
            )
    return Submission(
        tenant_id=require_tenant_id(),
        round_id=round_.id,
        kind=round_.kind,
        invitation_id=invitation.id,
        team_id=invitation.team_id,
        customer_id=invitation.customer_id if round_.kind == "customer" else None,
        segment=segment,
        process_id=process_id,
    )


def record(submission: Submission, survey: Survey, checked: Checked, now: datetime) -> bool:
    """Use the invitation and store its response, answers and rollups in one short write
    transaction, and commit.

    Everything is worked out first (the rows, each dimension's value), so the transaction holds
    the write lock (SQLite) or the invitation's row lock (PostgreSQL) only for the statements.
    Returns False (and stores nothing) when the invitation was already used or the round closed.
    """
    response = {  # customer, segment and process are None for employees (submission_of)
        "id": random_response_id(),
        "round_id": submission.round_id,
        "audience": submission.kind,
        "team_id": submission.team_id,
        "customer_id": submission.customer_id,
        "segment": submission.segment,
        "process_id": submission.process_id,
        "submitted_at": now if submission.kind == "customer" else None,
    }
    answers = [
        {"question_id": question_id, "value": value, "text": text}
        for question_id, (value, text) in sorted(checked.values.items())
    ]
    values = rollups.response_values(
        (dimension, scale, value, key)
        for question_id, (value, _text) in checked.values.items()
        for dimension, scale, key in [survey.scoring.get(question_id, (None, "", ""))]
    )
    cell = rollups.cell_for(
        submission.kind, submission.team_id, submission.process_id, submission.segment
    )
    stored = aggregates.store_response(
        submission.tenant_id, submission.invitation_id, response, answers
    )
    if not stored:
        db.session.rollback()
        return False
    rollups.add_values(submission.tenant_id, submission.round_id, cell, values)
    db.session.commit()
    return True


# A round without a note of its own shows the latest earlier one of its program; that look-up
# is kept a minute per round (notes change rarely; the round's own note is always read fresh).
_EARLIER_NOTES: dict[tuple[int, int], tuple[float, str | None]] = {}
_EARLIER_NOTE_SECONDS = 60.0
_EARLIER_NOTES_SIZE = 512


def change_note(round_: Round | RoundFacts) -> str | None:
    """What the company changed: this round's note, else the latest of the program's earlier
    rounds."""
    if round_.change_note and round_.change_note.strip():
        return round_.change_note.strip()
    key = (round_.tenant_id, round_.id)
    cached = _EARLIER_NOTES.get(key)
    if cached is not None and time.monotonic() - cached[0] < _EARLIER_NOTE_SECONDS:
        return cached[1]
    earlier = db.session.scalar(
        select(Round.change_note)
        .where(
            Round.program_id == round_.program_id,
            Round.id != round_.id,
            Round.opens_at <= round_.opens_at,
            Round.change_note.is_not(None),
            Round.change_note != "",
        )
        .order_by(Round.opens_at.desc(), Round.id.desc())
        .limit(1)
    )
    note = earlier.strip() if earlier else None
    if len(_EARLIER_NOTES) >= _EARLIER_NOTES_SIZE:
        _EARLIER_NOTES.clear()
    _EARLIER_NOTES[key] = (time.monotonic(), note)
    return note


def blur_answer_order(now: datetime) -> int:
    """PostgreSQL: rewrite the answered invitations of the current tenant's open (or just
    closed) rounds in one transaction, so none keeps the ``xmin`` of the transaction that stored
    its response. Returns how many rows were rewritten (0 on SQLite)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return 0
    recent = select(Round.id).where(
        or_(Round.status == "open", Round.closed_at >= now - timedelta(hours=1))
    )
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.answered.is_(True), Invitation.round_id.in_(recent))
        .values(answered=True)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount  # type: ignore[attr-defined]
