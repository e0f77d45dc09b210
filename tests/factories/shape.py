"""Two tenants with the same shape of data: one of every tenant-owned thing.

Built straight from the models so the isolation tests do not depend on any area's service.
``tests/test_isolation.py`` fails when a TenantScoped model has no row here: a new model must
be added to ``build_shape`` so the sweep and the URL walk cover it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from saas.audit import AuditEvent
from saas.auth.models import MemberInvite, Membership
from saas.db import tenant_context, utcnow
from saas.extensions import db
from saas.security import hash_secret, new_secret
from saas.tenancy.models import Tenant
from tenants.api import service as api_service
from tenants.people.models import Customer, Employee, ImportJob, Team
from tenants.pulses.models import Interaction, Invitation, Process, Program, Round, Suppression
from tenants.pulses.outbox.tokens import hash_token, token_for
from tenants.scoring.models import PeriodCount, Release, Rollup
from tenants.surveys.models import Answer, Question, Response, RoundQuestion
from tests.factories.accounts import make_tenant, make_user


@dataclass
class Shape:
    tenant: Tenant
    owner: Any
    objects: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    api_key: str = ""
    survey_token: str = ""
    tenant_id: int = 0
    slug: str = ""
    employee_email: str = ""

    def id(self, name: str) -> int:
        """Plain ids, readable after the session forgets the objects."""
        return self.ids[name]


def build_shape(name: str) -> Shape:
    tenant = make_tenant(name)
    owner = make_user(tenant, "owner")
    shape = Shape(tenant=tenant, owner=owner)
    with tenant_context(tenant.id):
        add = db.session.add
        parent = Team(name="Operations")
        add(parent)
        db.session.flush()
        team = Team(name="Support", parent_id=parent.id)
        add(team)
        db.session.flush()
        lead = make_user(tenant, "team_lead", team_id=team.id)
        employee = Employee(
            email=f"ana@{tenant.slug}.test",
            name="Ana",
            team_id=team.id,
            start_date=date(2025, 1, 6),
        )
        customer = Customer(
            email=f"carl@{tenant.slug}.test", name="Carl", segment="Retail", serving_team_id=team.id
        )
        add_all = [employee, customer]
        db.session.add_all(add_all)
        question = Question(
            key="custom_1",
            audience="employee",
            dimension="purpose_clarity",
            scale="agree5",
            text_en="I know why",
            text_es="Sé por qué",
        )
        add(question)
        program = Program(kind="employee", name="Employee pulse")
        customer_program = Program(kind="customer", name="Customer pulse")
        db.session.add_all([program, customer_program])
        db.session.flush()
        process = Process(
            name="Birthday call",
            action="Call",
            outcome="Feels valued",
            team_id=team.id,
            program_id=customer_program.id,
        )
        add(process)
        db.session.flush()
        interaction = Interaction(
            process_id=process.id,
            customer_id=customer.id,
            occurred_at=utcnow(),
            external_id=f"ext-{tenant.slug}",
        )
        add(interaction)
        now = utcnow()
        round_ = Round(
            program_id=program.id,
            kind="employee",
            period="2026-Q4",
            month="2026-11",
            opens_at=now,
            closes_at=now + timedelta(days=7),
            threshold=5,
            comment_threshold=10,
        )
        add(round_)
        db.session.flush()
        add(RoundQuestion(round_id=round_.id, question_id=question.id, position=0))
        invitation = Invitation(
            round_id=round_.id, employee_id=employee.id, email=employee.email, team_id=team.id
        )
        add(invitation)
        db.session.flush()
        shape.survey_token = token_for(invitation.id)
        invitation.token_hash = hash_token(shape.survey_token)
        response = Response(round_id=round_.id, audience="employee", team_id=team.id)
        add(response)
        db.session.flush()
        add(Answer(response_id=response.id, question_id=question.id, value=4))
        add(
            Rollup(
                round_id=round_.id,
                scope="team",
                scope_key=str(team.id),
                dimension="purpose_clarity",
                n=1,
                total=75,
                total_sq=5625,
                favourable=1,
            )
        )
        add(PeriodCount(period="2026-Q3", measure="answered", team_id=team.id, people=5))
        add(Release(period="2026-Q3", kind="quarter", released_at=now, methodology="t", data="{}"))
        add(Suppression(email=f"gone@{tenant.slug}.test", reason="bounced"))
        invite = MemberInvite(
            email=f"new@{tenant.slug}.test",
            role="admin",
            token_hash=hash_secret(new_secret()),
            expires_at=now + timedelta(days=7),
        )
        add(invite)
        import_job = ImportJob(kind="employees", filename="hr.csv", stored_name="shape-file")
        add(import_job)
        key, shape.api_key = api_service.create_key("integration")
        db.session.flush()
        audit_event = db.session.query(AuditEvent).first()
        membership = db.session.query(Membership).filter_by(user_id=lead.id).one()
        shape.objects.update(
            team=team,
            parent_team=parent,
            employee=employee,
            customer=customer,
            question=question,
            program=program,
            customer_program=customer_program,
            process=process,
            interaction=interaction,
            round=round_,
            invitation=invitation,
            response=response,
            member_invite=invite,
            api_key=key,
            audit_event=audit_event,
            membership=membership,
            import_job=import_job,
        )
        db.session.commit()
        shape.ids = {name: obj.id for name, obj in shape.objects.items()}
        shape.employee_email = employee.email
    shape.tenant_id, shape.slug = tenant.id, tenant.slug
    return shape
