"""The scoring factory: a tenant with teams, questions and programs (``World``), whose rounds,
invitations and responses are real rows, each response filed with ``add_response`` as the submit
code does. Thresholds are frozen at 3 on the rounds, so groups stay small enough to compute by
hand."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from saas.db import tenant_context
from saas.extensions import db
from tenants.api import service as api_service
from tenants.people.models import Customer, Employee, Team
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round
from tenants.scoring import service
from tenants.scoring.rollups import add_response
from tenants.surveys.models import Answer, Question, Response, RoundQuestion
from tests.factories import make_tenant

_n = itertools.count(1)
START = datetime(2026, 7, 6, 9, 0, tzinfo=UTC)
T3 = 4.302652729911275  # t(0.975, 2): the half-width factor of a three-response interval


@dataclass
class World:
    """A tenant with teams, one question per dimension (two for purpose_clarity, so a response's
    mean over a dimension is tested), a comment item and an employee program."""

    tenant_id: int
    teams: dict[str, int] = field(default_factory=dict)
    questions: dict[str, list[int]] = field(default_factory=dict)
    comment_question: int = 0
    program_id: int = 0
    customer_program_id: int = 0

    # -- building

    def team(self, name: str, parent: str | None = None) -> int:
        with tenant_context(self.tenant_id):
            row = Team(name=name, parent_id=self.teams[parent] if parent else None)
            db.session.add(row)
            db.session.flush()
            self.teams[name] = row.id
        return row.id

    def round(
        self,
        period: str,
        dims: tuple[str, ...] = ("purpose_clarity", "ownership"),
        *,
        status: str = "closed",
        threshold: int = 3,
        comment_threshold: int = 5,
        kind: str = "employee",
        comment: bool = False,
        opens_at: datetime = START,
    ) -> int:
        with tenant_context(self.tenant_id):
            r = Round(
                program_id=self.program_id if kind == "employee" else self.customer_program_id,
                kind=kind,
                status=status,
                period=period,
                month=period[:4] + "-01",
                opens_at=opens_at,
                closes_at=opens_at + timedelta(days=4),
                threshold=threshold,
                comment_threshold=comment_threshold,
            )
            db.session.add(r)
            db.session.flush()
            position = 0
            for d in dims:
                for q in self.questions[d]:
                    db.session.add(RoundQuestion(round_id=r.id, question_id=q, position=position))
                    position += 1
            if comment:
                db.session.add(
                    RoundQuestion(round_id=r.id, question_id=self.comment_question, position=99)
                )
            db.session.flush()
            return r.id

    def person(self, team: str | None) -> tuple[int, int | None]:
        with tenant_context(self.tenant_id):
            team_id = self.teams[team] if team else None
            e = Employee(email=f"p{next(_n)}@example.test", team_id=team_id)
            db.session.add(e)
            db.session.flush()
            return e.id, team_id

    def invite(
        self, round_id: int, person: tuple[int, int | None], *, team: str | None = ""
    ) -> int:
        """An unanswered invitation; ``team`` overrides the person's team (a mover)."""
        employee_id, team_id = person
        if team != "":
            team_id = self.teams[team] if team else None
        with tenant_context(self.tenant_id):
            inv = Invitation(
                round_id=round_id, employee_id=employee_id, email="x@example.test", team_id=team_id
            )
            db.session.add(inv)
            db.session.flush()
            return inv.id

    def answer(
        self,
        round_id: int,
        person: tuple[int, int | None],
        answers: dict[str, tuple[int, ...] | int],
        *,
        team: str | None = "",
        comment: str | None = None,
    ) -> None:
        """Invitation answered + a response filed through add_response, as submit does."""
        invitation_id = self.invite(round_id, person, team=team)
        with tenant_context(self.tenant_id):
            inv = db.session.get(Invitation, invitation_id)
            inv.answered = True
            response = Response(round_id=round_id, audience="employee", team_id=inv.team_id)
            rows = []
            for d, values in answers.items():
                values = values if isinstance(values, tuple) else (values,)
                rows += [
                    Answer(question_id=q, value=float(v))
                    for q, v in zip(self.questions[d], values, strict=True)
                ]
            if comment:
                rows.append(Answer(question_id=self.comment_question, text=comment))
            response.answers = rows
            db.session.add(response)
            db.session.flush()
            add_response(response)
            db.session.commit()

    def customer_answer(
        self,
        round_id: int,
        *,
        segment: str | None,
        serving: str | None,
        process_id: int | None,
        value: int,
    ) -> None:
        with tenant_context(self.tenant_id):
            team_id = self.teams[serving] if serving else None
            c = Customer(
                email=f"c{next(_n)}@example.test", segment=segment, serving_team_id=team_id
            )
            db.session.add(c)
            db.session.flush()
            interaction_id = None
            if process_id is not None:
                it = Interaction(process_id=process_id, customer_id=c.id, occurred_at=START)
                db.session.add(it)
                db.session.flush()
                interaction_id = it.id
            db.session.add(
                Invitation(
                    round_id=round_id,
                    customer_id=c.id,
                    interaction_id=interaction_id,
                    email=c.email,
                    team_id=team_id,
                    answered=True,
                )
            )
            response = Response(
                round_id=round_id,
                audience="customer",
                team_id=team_id,
                customer_id=c.id,
                segment=segment,
                process_id=process_id,
                submitted_at=START,
            )
            response.answers = [
                Answer(question_id=self.questions["felt_value"][0], value=float(value))
            ]
            db.session.add(response)
            db.session.flush()
            add_response(response)
            db.session.commit()

    def process(self, name: str) -> int:
        with tenant_context(self.tenant_id):
            p = Process(name=name, action="Call", outcome="Feels valued")
            db.session.add(p)
            db.session.flush()
            return p.id

    # -- reading

    def dashboard(self, period: str | None = None, team: str | None = None, now=None):
        team_id = self.teams[team] if team else None
        return service.dashboard(self.tenant_id, period, team_id, now=now)


def make_world(name: str | None = None) -> World:
    tenant = make_tenant(name or f"Scoring {next(_n)}")
    world = World(tenant.id)
    with tenant_context(tenant.id):
        specs = [
            ("purpose_clarity", "employee", "agree5", 2),
            ("outcome_focus", "employee", "agree5", 1),
            ("ownership", "employee", "agree5", 1),
            ("adaptability", "employee", "agree5", 1),
            ("improvement", "employee", "agree5", 1),
            ("felt_value", "customer", "agree5", 1),
        ]
        for dim, audience, scale, count in specs:
            for i in range(count):
                q = Question(
                    key=f"t_{dim}_{i}",
                    audience=audience,
                    dimension=dim,
                    scale=scale,
                    text_en=dim,
                    text_es=dim,
                )
                db.session.add(q)
                db.session.flush()
                world.questions.setdefault(dim, []).append(q.id)
        comment = Question(
            key="t_comment",
            audience="employee",
            dimension=None,
            scale="comment",
            text_en="Anything else?",
            text_es="¿Algo más?",
        )
        program = Program(kind="employee", name="Test pulse")
        customer_program = Program(kind="customer", name="Test customer pulse")
        db.session.add_all([comment, program, customer_program])
        db.session.flush()
        world.comment_question = comment.id
        world.program_id, world.customer_program_id = program.id, customer_program.id
        db.session.commit()
    return world


def by_key(dashboard):
    return {g.key: g for g in dashboard.teams} | {dashboard.overall.key: dashboard.overall}


def dim(group, key):
    return next(f for f in group.dimensions if f.key == key)


def build_sales_and_ops(world: World, period: str = "2026-Q3") -> int:
    """Sales: 3 answered + 1 invited. Ops = Alpha (3) + Beta (1)."""
    world.team("Sales")
    world.team("Ops")
    world.team("Alpha", "Ops")
    world.team("Beta", "Ops")
    r = world.round(period)
    # purpose_clarity has two items: a response's value is their mean ((3+5)/2 = 4 → 75).
    world.answer(r, world.person("Sales"), {"purpose_clarity": (3, 3), "ownership": 3})
    world.answer(r, world.person("Sales"), {"purpose_clarity": (3, 5), "ownership": 4})
    world.answer(r, world.person("Sales"), {"purpose_clarity": (5, 5), "ownership": 5})
    world.invite(r, world.person("Sales"))
    for pc in (4, 4, 2):
        world.answer(r, world.person("Alpha"), {"purpose_clarity": (pc, pc), "ownership": pc})
    world.answer(r, world.person("Beta"), {"purpose_clarity": (1, 1), "ownership": 1})
    return r


def api_key(tenant_id: int) -> dict[str, str]:
    """Headers with a fresh API key of the tenant, for ``GET /api/v1/scores``."""
    with tenant_context(tenant_id):
        _, secret = api_service.create_key("scores")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
