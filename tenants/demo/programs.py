"""The demo's programs and processes: the employee and the customer pulse, a "Birthday call" and
a "Welcome call" measured by the customer pulse (created when missing; idempotent)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from saas.db import utcnow
from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.pulses.models import Process, Program
from tenants.pulses.programs import service as programs_service
from tenants.surveys import service as surveys_service

BIRTHDAY, WELCOME = "Birthday call", "Welcome call"
PROCESSES = (
    (BIRTHDAY, "Call the customer on their birthday.", "The customer feels valued and remembered."),
    (
        WELCOME,
        "Call a new customer in their first week.",
        "The customer feels welcome and knows whom to ask.",
    ),
)


def ensure_programs(tenant: Tenant) -> tuple[Program, Program, dict[str, Process]]:
    """The bank and the default programs, the employee pulse every two weeks on Tuesday at 9:00
    and started, the customer pulse started, and the processes measured by it, by name."""
    now = utcnow()
    surveys_service.seed_bank(tenant)
    programs_service.create_default_programs(tenant)
    employee = programs_service.programs("employee")[0]
    if not employee.started:
        programs_service.update_employee_program(
            employee,
            tenant,
            now,
            name=employee.name,
            cadence="biweekly",
            weekday=1,
            send_time=time(9, 0),
            open_days=None,
            questions_per_round=employee.questions_per_round,
            reminder_days=[3, 5],
            grace_days=employee.grace_days,
            audience_team_ids=None,
        )
        programs_service.start_program(employee, tenant, now)
    customer = programs_service.programs("customer")[0]
    if not customer.started:
        programs_service.start_program(customer, tenant, now)
    processes: dict[str, Process] = {}
    for name, action, outcome in PROCESSES:
        process = db.session.scalar(select(Process).where(Process.name == name))
        if process is None:
            process = Process(name=name, action=action, outcome=outcome, program_id=customer.id)
            db.session.add(process)
            db.session.flush()
        processes[name] = process
    db.session.flush()
    return employee, customer, processes
