"""The demo's history: six quarters of pulses, generated through the real model, with a story.

``seed_history`` is a ``demo`` hook (``saas.hooks``) that runs after the people and the programs
of the demo exist (it adds them itself when they do not). For every month from the first month
of the quarter six quarters ago up to now it creates:

* an employee round, as ``tenants.pulses.launch.launch_round`` would (questions chosen by the real
  rotation and frozen as ``RoundQuestion`` rows, the tenant's thresholds, one invitation per
  eligible employee), closed once its close date has passed;
* the customer program's rolling round of the month (``customer_round_for``), with invitations
  from the monthly sample and from two processes' interactions (a "Birthday call" that starts
  four quarters ago, and an "Account review" for enterprise customers), within the cooldown;
* the answers of those who answered (``answered`` flags on the invitations; employee responses
  with no link to a person, shuffled), and their rollups, built by the scoring area's own
  set-based SQL (``tenants.scoring.aggregates.rebuild_rollups``, which computes exactly what
  ``tenants.scoring.rollups.add_response`` adds one submission at a time), so the figures are
  those real submissions would give. A test replays ``add_response`` to prove it.

The story (seeded random, not uniform noise): the Support team's purpose clarity is low until
it changes how it works three quarters ago (a change note says what), then rises quarter after
quarter; Logistics slides on outcome focus and ownership after a new tasks-per-day target;
customers who got a birthday call feel clearly more valued; the four-person Quality team stays
below the anonymity threshold, so the dashboard shows it as hidden.

Rows are written with bulk inserts so ``flask demo seed`` stays fast. Idempotent: nothing is
added once the demo has a closed round.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people import demo as people_demo
from tenants.people.models import Customer, Employee, Team
from tenants.pulses import launch, schedule
from tenants.pulses import programs as programs_module
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round
from tenants.scoring import aggregates
from tenants.surveys import service as surveys_service
from tenants.surveys.models import Answer, Question, Response, RoundQuestion

# The people and the programs come first: importing their modules registers their hooks
# before this one (hooks run in list order).

QUARTERS = 6  # full quarters of history before the current one
SEED = 3  # employees (chosen so the story reads cleanly with the demo people)
CUSTOMER_SEED = 4
EMPLOYEE_WEEKDAY = 1  # Tuesday
EMPLOYEE_SEND_TIME = time(9, 0)

LEAD_EMAIL = "lead@demo.example"
LEAD_NAME = "Lena Lead"

BASE = {
    "purpose_clarity": 60.0,
    "outcome_focus": 54.0,
    "ownership": 62.0,
    "adaptability": 50.0,
    "improvement": 52.0,
}
DRIFT = 0.8  # points a quarter, everyone
RARELY_ANSWER = 0.25  # share of employees who seldom answer a pulse
ANSWER_NOISE = 12.0  # spread of one answer around what a person feels (0-100 points)
#: Team flavour (by team name, inherited by sub-teams).
TEAM_OFFSETS: dict[str, dict[str, float]] = {
    "Sales": {"outcome_focus": 6, "adaptability": -3},
    "Inside Sales": {"ownership": -3},
    "Product": {"adaptability": 8, "improvement": 6},
    "Design": {"purpose_clarity": 5, "improvement": 4},
    "People": {"purpose_clarity": 4, "ownership": 3},
    "Support": {"purpose_clarity": -8, "outcome_focus": -4},
    "Logistics": {"outcome_focus": 4, "ownership": 4},
}
RISING, DECLINING, SMALL = "Support", "Logistics", "Quality"
CHANGE_AT = 3  # the quarter (0 = oldest) in which Support changed how it works
SMALL_TEAM_PARENT = "Operations"

SEGMENT_BASE = {"Retail": 55.0, "SMB": 59.0, "Enterprise": 63.0}
BIRTHDAY, WELCOME = "Birthday call", "Welcome call"
BIRTHDAY_FROM = 2  # the quarter in which birthday calls start
PROCESS_EFFECT = {BIRTHDAY: 17.0, WELCOME: 8.0}
WELCOME_SHARE = 0.015  # of customers a month get a welcome call
SAMPLE_RATE, PROCESS_RATE = 0.45, 0.8  # of customers who answer a pulse
REMEMBERED = 5.0  # lasting lift for a customer called on their birthday in the last year

# Free-text answers, (English, Spanish): each person writes in their own language.
Bilingual = tuple[str, str]
RESPONSIBILITIES: dict[str, list[Bilingual]] = {
    "Support": [
        ("Answer support tickets", "Responder las consultas de soporte"),
        ("Call customers back", "Devolver las llamadas a los clientes"),
        ("Update the help centre", "Actualizar el centro de ayuda"),
    ],
    "Logistics": [
        ("Load the delivery vans", "Cargar las furgonetas de reparto"),
        ("Plan the routes", "Planificar las rutas"),
        ("Count the stock", "Contar el inventario"),
    ],
    "Sales": [
        ("Prepare quotes", "Preparar presupuestos"),
        ("Visit customers", "Visitar a los clientes"),
        ("Update the pipeline", "Actualizar el embudo de ventas"),
    ],
    "Product": [
        ("Review pull requests", "Revisar los cambios de código"),
        ("Write release notes", "Escribir las notas de versión"),
        ("Fix reported bugs", "Corregir los errores notificados"),
    ],
    "People": [
        ("Run onboarding", "Organizar la incorporación"),
        ("Prepare payroll", "Preparar las nóminas"),
        ("Organise training", "Organizar la formación"),
    ],
}
PURPOSES: list[Bilingual] = [
    (
        "So customers get what they need without chasing us.",
        "Para que los clientes tengan lo que necesitan sin tener que perseguirnos.",
    ),
    ("So the team can plan its week.", "Para que el equipo pueda planificar su semana."),
    ("I am not sure who uses it.", "No tengo claro quién lo usa."),
    (
        "So problems are caught before a customer sees them.",
        "Para detectar los problemas antes de que los vea un cliente.",
    ),
    ("It is required by the process.", "Lo exige el procedimiento."),
]
RITUALS: list[Bilingual] = [
    ("The weekly status report nobody reads.", "El informe semanal que nadie lee."),
    ("Filling in the same data in two systems.", "Rellenar los mismos datos en dos sistemas."),
    ("The daily tasks-per-day count.", "El recuento diario de tareas por día."),
    ("Approval for small purchases.", "Pedir aprobación para compras pequeñas."),
]
SMALL_CHANGES: list[Bilingual] = [
    (
        "Share the customer's goal with the ticket.",
        "Incluir el objetivo del cliente en la consulta.",
    ),
    (
        "Skip the status meeting when there is nothing to decide.",
        "Saltarnos la reunión de seguimiento cuando no hay nada que decidir.",
    ),
    (
        "Ask the customer at the end whether we solved their problem.",
        "Preguntar al cliente al final si resolvimos su problema.",
    ),
    ("Put the route plan on one page.", "Poner el plan de rutas en una sola página."),
]
EMPLOYEE_COMMENTS: dict[str, list[Bilingual]] = {
    "Support": [
        (
            "Starting the week with one customer outcome changed how we talk about tickets.",
            "Empezar la semana con un resultado para un cliente cambió cómo hablamos de las "
            "consultas.",
        ),
        (
            "I finally know what a good week looks like for our customers.",
            "Por fin sé cómo es una buena semana para nuestros clientes.",
        ),
    ],
    "Logistics": [
        (
            "The tasks-per-day target makes us rush the loading.",
            "El objetivo de tareas por día nos hace cargar con prisas.",
        ),
        (
            "We count boxes, nobody asks whether deliveries arrive on time.",
            "Contamos cajas; nadie pregunta si los repartos llegan a tiempo.",
        ),
    ],
    "": [
        ("More time to finish things properly.", "Más tiempo para terminar bien las cosas."),
        ("Knowing what happened after we shipped.", "Saber qué pasó después de entregar."),
        ("Fewer meetings, clearer goals.", "Menos reuniones y objetivos más claros."),
    ],
}
BIRTHDAY_COMMENT: Bilingual = (
    "The birthday call was a lovely surprise.",
    "La llamada por mi cumpleaños fue una sorpresa preciosa.",
)
CUSTOMER_COMMENTS: list[Bilingual] = [
    ("They remembered my last order, thank you.", "Se acordaban de mi último pedido, gracias."),
    ("Delivery was late again.", "El pedido volvió a llegar tarde."),
    ("Quick and friendly answer.", "Respuesta rápida y amable."),
]

CUSTOMER_NOTE = "We started calling customers on their birthday (the Birthday call process)."
#: What the company changed, by quarter (0 = oldest), on the first employee round of it.
CHANGE_NOTES = {
    CHANGE_AT: (
        "{rising} replaced its tickets-closed target with a weekly customer-outcome review: each "
        "Monday the team names the result it wants for one customer, and checks it on Friday. "
        "{declining} moved to a new tasks-per-day target."
    ),
    CHANGE_AT + 2: "We shared last quarter's results with every team and asked each for one "
    "small change to try.",
}


# -- helpers ----------------------------------------------------------------------------------


def _first_weekday(year: int, month: int, weekday: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _months(first: date, last: date) -> list[date]:
    out, day = [], date(first.year, first.month, 1)
    while day <= last:
        out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def _quarter_start(day: date, back: int) -> date:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, (index % 4) * 3 + 1, 1)


def _agree(value: float) -> float:
    """A 0-100 feeling as a 1-5 agreement answer."""
    return float(min(5, max(1, round(1 + value / 25))))


def _ten(value: float) -> float:
    return float(min(10, max(0, round(value / 10))))


def _say(rng: random.Random, pool: list[Bilingual], locale: str | None) -> str:
    """One answer from ``pool``, in the person's language."""
    en, es = rng.choice(pool)
    return es if locale == "es" else en


def _new_id() -> str:
    return secrets.token_hex(16)


def _bulk(model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


# -- the org ----------------------------------------------------------------------------------


@dataclass
class Org:
    teams: dict[int, tuple[str, int | None]]  # id -> (name, parent id)
    employees: list[Any]
    customers: list[Any]

    def lineage(self, team_id: int | None) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        while team_id is not None and team_id in self.teams and team_id not in seen:
            seen.add(team_id)
            name, parent = self.teams[team_id]
            names.append(name)
            team_id = parent
        return names

    def team_id(self, name: str) -> int | None:
        return next((i for i, (n, _) in self.teams.items() if n == name), None)


def _ensure_people(tenant: Tenant) -> None:
    if db.session.scalar(select(Employee.id).limit(1)) is None:
        people_demo.seed_demo_people(tenant)
    if db.session.scalar(select(Team.id).where(Team.name == SMALL)) is None:
        _small_team(tenant)
    db.session.flush()


def _small_team(tenant: Tenant) -> None:
    """The four-person Quality team: below the threshold, so the demo shows a hidden group."""
    parent = db.session.scalar(select(Team).where(Team.name == SMALL_TEAM_PARENT))
    team = Team(name=SMALL, parent_id=parent.id if parent else None)
    db.session.add(team)
    db.session.flush()
    for i, (name, locale) in enumerate(
        (("Inés Calidad", "es"), ("Tom Quality", "en"), ("Rosa Norma", "es"), ("Ben Audit", "en")),
        start=1,
    ):
        db.session.add(
            Employee(
                email=f"quality{i}@acme-demo.example",
                name=name,
                team_id=team.id,
                locale=locale,
                start_date=date(2019, 3, 4),
            )
        )


def _load_org() -> Org:
    teams = {t.id: (t.name, t.parent_id) for t in db.session.scalars(select(Team))}
    employees = list(
        db.session.execute(
            select(
                Employee.id,
                Employee.email,
                Employee.locale,
                Employee.team_id,
                Employee.start_date,
            )
            .where(Employee.active.is_(True))
            .order_by(Employee.id)
        )
    )
    customers = list(
        db.session.execute(
            select(
                Customer.id,
                Customer.email,
                Customer.locale,
                Customer.segment,
                Customer.serving_team_id,
                Customer.consent,
                Customer.unsubscribed,
                Customer.active,
            ).order_by(Customer.id)
        )
    )
    return Org(teams, employees, customers)


def _ensure_programs(tenant: Tenant) -> tuple[Program, Program, dict[str, Process]]:
    surveys_service.seed_bank(tenant)
    programs_module.create_default_programs(tenant)
    found: dict[str, Program] = {}
    for program in db.session.scalars(select(Program).order_by(Program.id)):
        found.setdefault(program.kind, program)
    for kind in ("employee", "customer"):
        if kind not in found:
            program = Program(kind=kind, name=f"{kind.title()} pulse", started=False)
            db.session.add(program)
            db.session.flush()
            found[kind] = program
    customer = found["customer"]
    processes: dict[str, Process] = {}
    for name, action, outcome in (
        (
            BIRTHDAY,
            "Call the customer on their birthday.",
            "The customer feels valued and remembered.",
        ),
        (
            WELCOME,
            "Call a new customer in their first week.",
            "The customer feels welcome and knows whom to ask.",
        ),
    ):
        process = db.session.scalar(select(Process).where(Process.name == name))
        if process is None:
            process = Process(name=name, action=action, outcome=outcome, program_id=customer.id)
            db.session.add(process)
            db.session.flush()
        processes[name] = process
    return found["employee"], customer, processes


def _ensure_team_lead(org: Org) -> None:
    """A demo team lead (lead@demo.example) for the Operations subtree, same password."""
    from saas.cli import ensure_demo_member

    team_id = org.team_id(SMALL_TEAM_PARENT) or next(iter(org.teams), None)
    if team_id is None:
        return
    ensure_demo_member(LEAD_EMAIL, LEAD_NAME, "team_lead", team_id)


# -- the story --------------------------------------------------------------------------------


@dataclass
class Story:
    org: Org
    offsets: dict[int | None, dict[str, float]] = field(default_factory=dict)
    flavour: dict[int | None, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for team_id in [*self.org.teams, None]:
            lineage = self.org.lineage(team_id)
            offsets = dict.fromkeys(BASE, 0.0)
            for name in lineage:
                for key, value in TEAM_OFFSETS.get(name, {}).items():
                    offsets[key] += value
            self.offsets[team_id] = offsets
            self.flavour[team_id] = next(
                (n for n in lineage if n in (RISING, DECLINING)),
                next((n for n in reversed(lineage) if n in RESPONSIBILITIES), ""),
            )

    def feeling(self, team_id: int | None, key: str, q: int) -> float:
        """The team's mean feeling (0-100) about dimension ``key`` in quarter ``q``."""
        value = BASE[key] + self.offsets[team_id][key] + DRIFT * q
        after = max(0, q - CHANGE_AT + 1)
        if self.flavour[team_id] == RISING and after:
            value += {"purpose_clarity": 6.5, "outcome_focus": 3.5, "ownership": 2.0}.get(
                key, 0
            ) * after
        if self.flavour[team_id] == DECLINING and after:
            value -= {"outcome_focus": 6.0, "ownership": 4.5, "improvement": 3.0}.get(
                key, 0
            ) * after
        return value

    def response_rate(self, team_id: int | None, q: int) -> float:
        rate = 0.7 + 0.02 * q
        if self.flavour[team_id] == DECLINING:
            rate -= 0.04 * max(0, q - CHANGE_AT + 1)
        return min(0.92, rate)


# -- generation -------------------------------------------------------------------------------


@dataclass
class Batch:
    invitations: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    round_ids: list[int] = field(default_factory=list)


def _freeze(round_: Round, questions: list[Question]) -> None:
    db.session.add_all(
        RoundQuestion(round_id=round_.id, question_id=q.id, position=i)
        for i, q in enumerate(questions)
    )
    db.session.flush()


def _employee_answers(
    rng: random.Random,
    story: Story,
    questions: list[Question],
    team_id: int | None,
    person: float,
    q: int,
    locale: str | None,
) -> tuple[dict[int, float], dict[int, str]]:
    values: dict[int, float] = {}
    texts: dict[int, str] = {}
    flavour = story.flavour[team_id]
    for question in questions:
        if question.scale == "agree5" and question.dimension in BASE:
            feel = (
                story.feeling(team_id, question.dimension, q) + person + rng.gauss(0, ANSWER_NOISE)
            )
            values[question.id] = _agree(feel)
        elif question.scale == "achievement":
            feel = story.feeling(team_id, "outcome_focus", q) + person + rng.gauss(0, ANSWER_NOISE)
            values[question.id] = _agree(feel)
        elif question.scale == "comment":
            if rng.random() < 0.2:
                pool = EMPLOYEE_COMMENTS.get(flavour) or EMPLOYEE_COMMENTS[""]
                texts[question.id] = _say(rng, pool, locale)
        elif question.scale == "text":
            key = question.key.removeprefix("pm_")
            if key == "responsibility":
                pool = RESPONSIBILITIES.get(flavour) or RESPONSIBILITIES["People"]
                texts[question.id] = _say(rng, pool, locale)
            elif key == "purpose":
                texts[question.id] = _say(rng, PURPOSES, locale)
            elif key == "ritual_process" and rng.random() < 0.4:
                texts[question.id] = _say(rng, RITUALS, locale)
            elif key == "small_change" and rng.random() < 0.5:
                texts[question.id] = _say(rng, SMALL_CHANGES, locale)
    return values, texts


def _add_response(
    batch: Batch,
    tenant_id: int,
    response: dict[str, Any],
    values: dict[int, float],
    texts: dict[int, str],
) -> None:
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


def _employee_rounds(
    tenant: Tenant,
    program: Program,
    story: Story,
    months: list[date],
    periods: list[str],
    now: datetime,
    rng: random.Random,
    batch: Batch,
    open_invites: list[Invitation],
) -> None:
    tz = tenant.timezone
    place = schedule.zone(tz)
    people = {e.id: rng.gauss(0, 9) for e in story.org.employees}
    # Some people rarely answer: a quarter's participation is not everyone.
    keen = {e.id: 0.2 if rng.random() < RARELY_ANSWER else 1.1 for e in story.org.employees}
    open_days = max(1, min(program.open_days or 10, 13))
    number = 0
    for month in months:
        start = _first_weekday(month.year, month.month, EMPLOYEE_WEEKDAY)
        opens = schedule.local_to_utc(start, EMPLOYEE_SEND_TIME, place)
        if opens > now:
            continue
        closes = schedule.closes_at(opens, open_days, tz)
        is_open = closes > now
        q = periods.index(launch.period_of(start))
        questions, include_map = launch.choose_questions(program, start, tz)
        number += 1
        round_ = Round(
            program_id=program.id,
            kind="employee",
            number=number,
            status="open" if is_open else "closed",
            period=launch.period_of(start),
            month=launch.month_of(start),
            opens_at=opens,
            closes_at=closes,
            closed_at=None if is_open else closes,
            threshold=tenant.anonymity_threshold,
            comment_threshold=tenant.comment_threshold,
            include_purpose_map=include_map,
            audience_team_ids=None,
            reminder_days=sorted(set(program.reminder_days or [3, 5])),
            change_note=_change_note(story, q, start, periods),
            created_at=opens,
        )
        db.session.add(round_)
        db.session.flush()
        batch.round_ids.append(round_.id)
        _freeze(round_, questions)
        # Only part of the people have answered an open round so far.
        elapsed = min(1.0, (now - opens) / (closes - opens)) if is_open else 1.0
        responses: list[tuple[dict[str, Any], dict[int, float], dict[int, str]]] = []
        for person in story.org.employees:
            if not schedule.eligible(person.start_date, start, program.grace_days):
                continue
            rate = min(0.95, story.response_rate(person.team_id, q) * keen[person.id])
            answered = rng.random() < rate * (0.4 + 0.6 * elapsed)
            invitation = {
                "tenant_id": tenant.id,
                "round_id": round_.id,
                "employee_id": person.id,
                "email": person.email,
                "locale": person.locale or "en",
                "team_id": person.team_id,
                "status": "sent",
                "attempts": 1,
                "sent_at": opens,
                "next_attempt_at": opens,
                "answered": answered,
                "reminders_sent": rng.randint(0, 2) if answered else len(round_.reminder_days),
                "created_at": opens,
            }
            if is_open:
                open_invites.append(Invitation(**invitation))
            else:
                batch.invitations.append(invitation)
            if answered:
                values, texts = _employee_answers(
                    rng, story, questions, person.team_id, people[person.id], q, person.locale
                )
                response = {
                    "tenant_id": tenant.id,
                    "id": _new_id(),
                    "round_id": round_.id,
                    "audience": "employee",
                    "team_id": person.team_id,
                }
                responses.append((response, values, texts))
        rng.shuffle(responses)  # stored order says nothing about who answered when
        for response, values, texts in responses:
            _add_response(batch, tenant.id, response, values, texts)


def _change_note(story: Story, q: int, start: date, periods: list[str]) -> str | None:
    """Each note goes on the first round of its quarter."""
    if q not in CHANGE_NOTES or start.month % 3 != 1:
        return None
    teams = {RISING: story.org.team_id(RISING), DECLINING: story.org.team_id(DECLINING)}
    if q == CHANGE_AT and None in teams.values():
        return None
    return CHANGE_NOTES[q].format(rising=RISING, declining=DECLINING)


def _customer_rounds(
    tenant: Tenant,
    program: Program,
    processes: dict[str, Process],
    story: Story,
    months: list[date],
    periods: list[str],
    now: datetime,
    rng: random.Random,
    batch: Batch,
    open_invites: list[Invitation],
) -> None:
    tz = tenant.timezone
    place = schedule.zone(tz)
    customers = story.org.customers
    offset = {c.id: rng.gauss(0, 10) for c in customers}
    birthday = {c.id: (rng.randint(1, 12), rng.randint(1, 27)) for c in customers}
    reachable = [c for c in customers if c.active and c.consent and not c.unsubscribed]
    reachable_ids = {c.id for c in reachable}
    last_invited: dict[int, datetime] = {}
    last_birthday_call: dict[int, datetime] = {}
    cooldown = timedelta(days=program.cooldown_days or 30)
    delay = timedelta(days=program.delay_days if program.delay_days is not None else 1)
    ext = 0
    for month in months:
        opens = schedule.local_to_utc(month, time(0, 0), place)
        if opens > now:
            continue
        q = periods.index(launch.period_of(month))
        round_ = launch.customer_round_for(program, opens)
        batch.round_ids.append(round_.id)
        is_open = round_.closes_at > now
        round_.status = "open" if is_open else "closed"
        round_.closed_at = None if is_open else round_.closes_at
        round_.created_at = opens
        if q == BIRTHDAY_FROM and month.month % 3 == 1:
            round_.change_note = CUSTOMER_NOTE
        questions = [
            rq.question
            for rq in db.session.scalars(
                select(RoundQuestion)
                .where(RoundQuestion.round_id == round_.id)
                .order_by(RoundQuestion.position)
            )
        ]
        # The events of the month, in time order: the sample on the 1st, then interactions.
        events: list[tuple[datetime, int, Any, str | None]] = []
        sample_at = schedule.local_to_utc(month, time(10, 0), place)
        pool = [
            c
            for c in reachable
            if c.id not in last_invited or sample_at - last_invited[c.id] >= cooldown
        ]
        wanted = launch.sample_size(program.sample_share or 0.1, len(pool))
        events += [(sample_at, 0, c, None) for c in rng.sample(pool, min(wanted, len(pool)))]
        for c in customers:
            b_month, b_day = birthday[c.id]
            if q >= BIRTHDAY_FROM and b_month == month.month:
                at = schedule.local_to_utc(month.replace(day=b_day), time(11, 0), place)
                events.append((at, 1, c, BIRTHDAY))
            if rng.random() < WELCOME_SHARE:
                at = schedule.local_to_utc(month.replace(day=2 + c.id % 25), time(12, 0), place)
                events.append((at, 3, c, WELCOME))
        events.sort(key=lambda e: (e[0], e[1], e[2].id))
        for at, _, c, process_name in events:
            if at > now:
                continue
            send = at if process_name is None else at + delay
            interaction_key = None
            if process_name is not None:
                ext += 1
                interaction_key = f"demo-{ext}"
                can_send = (
                    c.id in reachable_ids
                    and (c.id not in last_invited or send - last_invited[c.id] >= cooldown)
                    and send <= now
                )
                outcome = (
                    {"scheduled_for": send.astimezone(UTC).isoformat()}
                    if can_send
                    else {"reason": "cooldown" if c.id in reachable_ids else "not_reachable"}
                )
                batch.interactions.append(
                    {
                        "tenant_id": tenant.id,
                        "process_id": processes[process_name].id,
                        "customer_id": c.id,
                        "occurred_at": at,
                        "external_id": interaction_key,
                        "outcome": outcome,
                        "created_at": at,
                    }
                )
                if process_name == BIRTHDAY:
                    last_birthday_call[c.id] = at
                if not can_send:
                    continue
            last_invited[c.id] = send
            rate = SAMPLE_RATE if process_name is None else PROCESS_RATE
            answered = rng.random() < rate and (not is_open or send + timedelta(days=3) <= now)
            invitation = {
                "tenant_id": tenant.id,
                "round_id": round_.id,
                "customer_id": c.id,
                "email": c.email,
                "locale": c.locale or "en",
                "team_id": c.serving_team_id,
                "status": "sent",
                "attempts": 1,
                "sent_at": send,
                "next_attempt_at": send,
                "answered": answered,
                "reminders_sent": 0 if answered else 1,
                "created_at": send,
                "_interaction": interaction_key,
            }
            if is_open:
                open_invites.append(invitation)  # type: ignore[arg-type]
            else:
                batch.invitations.append(invitation)
            if not answered:
                continue
            feel = SEGMENT_BASE.get(c.segment or "", 58.0) + 0.5 * q + offset[c.id]
            feel += PROCESS_EFFECT.get(process_name or "", 0.0)
            called = last_birthday_call.get(c.id)
            if process_name != BIRTHDAY and called and send - called < timedelta(days=365):
                feel += REMEMBERED
            values: dict[int, float] = {}
            texts: dict[int, str] = {}
            for question in questions:
                noisy = feel + rng.gauss(0, 16)
                if question.scale == "agree5":
                    values[question.id] = _agree(noisy)
                elif question.scale == "ten":
                    values[question.id] = _ten(noisy)
                elif question.scale == "comment" and rng.random() < 0.25:
                    pool = [BIRTHDAY_COMMENT] if process_name == BIRTHDAY else CUSTOMER_COMMENTS
                    texts[question.id] = _say(rng, pool, c.locale)
            response = {
                "tenant_id": tenant.id,
                "id": _new_id(),
                "round_id": round_.id,
                "audience": "customer",
                "team_id": c.serving_team_id,
                "customer_id": c.id,
                "segment": c.segment,
                "process_id": processes[process_name].id if process_name else None,
                "submitted_at": min(now, send + timedelta(hours=rng.randint(1, 96))),
            }
            _add_response(batch, tenant.id, response, values, texts)


def _write(tenant_id: int, batch: Batch, open_invites: list[Any]) -> None:
    _bulk(Interaction, batch.interactions)
    db.session.flush()
    interaction_ids = dict(
        db.session.execute(
            select(Interaction.external_id, Interaction.id).where(
                Interaction.external_id.like("demo-%")
            )
        ).all()
    )

    def link(row: dict[str, Any]) -> dict[str, Any]:
        key = row.pop("_interaction", None)
        row["interaction_id"] = interaction_ids.get(key) if key else None
        return row

    _bulk(Invitation, [link(row) for row in batch.invitations])
    # Open rounds' invitations need their token, which derives from their id.
    live = [inv if isinstance(inv, Invitation) else Invitation(**link(inv)) for inv in open_invites]
    db.session.add_all(live)
    launch.set_invitation_tokens(live)
    customer_rows = [r for r in batch.responses if r["audience"] == "customer"]
    employee_rows = [r for r in batch.responses if r["audience"] == "employee"]
    _bulk(Response, employee_rows)
    _bulk(Response, customer_rows)
    _bulk(Answer, batch.answers)
    aggregates.rebuild_rollups(tenant_id, sorted(set(batch.round_ids)))
    db.session.flush()


def has_history() -> bool:
    return db.session.scalar(select(Round.id).where(Round.status == "closed").limit(1)) is not None


def seed_history(tenant: Tenant, now: datetime | None = None) -> None:
    """The ``demo`` hook: six quarters of rounds, answers and rollups, with a story."""
    if has_history():
        return
    now = now or utcnow()
    _ensure_people(tenant)
    employee, customer, processes = _ensure_programs(tenant)
    org = _load_org()
    _ensure_team_lead(org)
    today = launch.local_date(now, tenant.timezone)
    first = _quarter_start(today, QUARTERS)
    months = _months(first, today)
    periods = sorted({launch.period_of(m) for m in months})
    story = Story(org)
    rng = random.Random(SEED)
    batch = Batch()
    open_invites: list[Any] = []
    # Rounds a scheduler or a person already opened are left as they are.
    if launch.open_round(employee) is None:
        _employee_rounds(tenant, employee, story, months, periods, now, rng, batch, open_invites)
    _customer_rounds(
        tenant,
        customer,
        processes,
        story,
        months,
        periods,
        now,
        random.Random(CUSTOMER_SEED),
        batch,
        open_invites,
    )
    _write(tenant.id, batch, open_invites)


__all__ = ["has_history", "seed_history"]
