"""The demo company: ~300 employees in a team tree, ~500 customers in segments, and the
four-person Quality team (below the anonymity threshold, so the demo shows a hidden group).

Deterministic (a seeded random generator) and idempotent: only people missing from the demo are
added, through the same bulk upsert as the API, so teams are created as needed.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from saas.extensions import db
from saas.tenancy.models import Tenant
from tenants.people import service as people
from tenants.people.imports.items import upsert_items
from tenants.people.models import Customer, Employee, Team
from tenants.people.tree import TeamTree

FIRST_NAMES = str.split(
    "Lucía María Paula Sofía Laura Carmen Ana Elena Marta Julia Sara Irene Noelia Rocío Alba "
    "Hugo Pablo Daniel Javier Alejandro David Sergio Carlos Manuel Jorge Diego Álvaro Iván "
    "Emma Olivia Grace Chloe Amelia Ruby Isla James Oliver Jack Harry George Noah Thomas Leo"
)
LAST_NAMES = str.split(
    "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez "
    "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres Domínguez Vázquez Ramos "
    "Smith Jones Taylor Brown Williams Wilson Evans Walker Wright Thompson Hughes Clarke"
)
# (team path, head count): departments first, each sub-team under its department.
TEAMS = (
    ("Sales", 3),
    ("Sales > Inside Sales", 48),
    ("Sales > Field Sales", 36),
    ("Operations", 3),
    ("Operations > Support", 62),
    ("Operations > Logistics", 44),
    ("Product", 3),
    ("Product > Engineering", 58),
    ("Product > Design", 17),
    ("People", 12),
)
SEGMENTS = (("Retail", 260), ("SMB", 170), ("Enterprise", 70))
SERVING = {
    "Retail": ("Support", "Inside Sales"),
    "SMB": ("Inside Sales", "Support"),
    "Enterprise": ("Field Sales",),
}
SMALL, SMALL_TEAM_PARENT = "Quality", "Operations"
SMALL_TEAM = (
    ("Inés Calidad", "es"),
    ("Tom Quality", "en"),
    ("Rosa Norma", "es"),
    ("Ben Audit", "en"),
)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _person(rng: random.Random, used: set[str], domain: str) -> tuple[str, str]:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{_ascii(first)}.{_ascii(last)}"
        email = f"{local}@{domain}"
        n = 2
        while email in used:
            email = f"{local}{n}@{domain}"
            n += 1
        used.add(email)
        return f"{first} {last}", email


def demo_employees() -> list[dict[str, Any]]:
    rng = random.Random(2026)
    used: set[str] = set()
    rows: list[dict[str, Any]] = []
    heads: dict[str, str] = {}
    ceo_name, ceo = _person(rng, used, "acme-demo.example")
    rows.append({"email": ceo, "name": ceo_name, "team": "People", "start_date": "2012-02-01"})
    for path, size in TEAMS:
        department = path.split(" > ")[0]
        for i in range(size):
            name, email = _person(rng, used, "acme-demo.example")
            if i == 0:
                manager = heads.get(department, ceo) if " > " in path else ceo
                heads[path] = email
            else:
                manager = heads[path]
            start = date(2014, 1, 6) + timedelta(days=rng.randrange(0, 4300))
            rows.append(
                {
                    "email": email,
                    "name": name,
                    "team": path,
                    "manager_email": manager,
                    "locale": "es" if rng.random() < 0.6 else "en",
                    "start_date": start.isoformat(),
                }
            )
    return rows


def demo_customers() -> list[dict[str, Any]]:
    rng = random.Random(4052)
    used: set[str] = set()
    rows: list[dict[str, Any]] = []
    for segment, size in SEGMENTS:
        for _i in range(size):
            name, email = _person(rng, used, "clientes-demo.example")
            rows.append(
                {
                    "email": email,
                    "name": name,
                    "segment": segment,
                    "team": rng.choice(SERVING[segment]),
                    "locale": "es" if rng.random() < 0.7 else "en",
                    "consent": rng.random() > 0.04,
                }
            )
    return rows


def seed_people(tenant: Tenant) -> None:
    """Add whichever demo employees and customers are missing."""
    for model, kind, rows in (
        (Employee, "employees", demo_employees()),
        (Customer, "customers", demo_customers()),
    ):
        existing = set(db.session.scalars(select(model.email)))
        missing = [row for row in rows if row["email"] not in existing]
        if missing:
            upsert_items(tenant, kind, missing)
    db.session.flush()


def ensure_people(tenant: Tenant) -> None:
    """The people (when the demo has none) and the small Quality team (when missing)."""
    if db.session.scalar(select(Employee.id).limit(1)) is None:
        seed_people(tenant)
    if db.session.scalar(select(Team.id).where(Team.name == SMALL)) is None:
        _small_team()
    db.session.flush()


def _small_team() -> None:
    """The four-person Quality team: below the threshold, so the demo shows a hidden group."""
    parent = db.session.scalar(select(Team).where(Team.name == SMALL_TEAM_PARENT))
    team = Team(name=SMALL, parent_id=parent.id if parent else None)
    db.session.add(team)
    db.session.flush()
    for i, (name, locale) in enumerate(SMALL_TEAM, start=1):
        db.session.add(
            Employee(
                email=f"quality{i}@acme-demo.example",
                name=name,
                team_id=team.id,
                locale=locale,
                start_date=date(2019, 3, 4),
            )
        )


@dataclass(frozen=True)
class Org:
    """The company the history is generated for: its team tree, active employees, customers."""

    tree: TeamTree
    employees: list[Any]
    customers: list[Any]

    def lineage(self, team_id: int | None) -> list[str]:
        """The team's name, then its parent's, up to the root (empty for no team)."""
        if team_id is None:
            return []
        return [self.tree.names[t] for t in reversed(self.tree.path(team_id))]

    def team_id(self, name: str) -> int | None:
        return next((t for t, n in self.tree.names.items() if n == name), None)

    def lead_team_id(self) -> int | None:
        """The team the demo's team lead leads: Operations, else the first team."""
        return self.team_id(SMALL_TEAM_PARENT) or next(iter(self.tree.names), None)


def load_org() -> Org:
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
    return Org(people.team_tree(), employees, customers)
