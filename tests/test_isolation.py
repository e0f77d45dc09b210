"""Tenant isolation, proved from every side (the most important tests in the suite)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from saas.db import Base, CrossTenantWrite, TenantNotSet, TenantScoped, tenant_context
from saas.extensions import db
from tenants.people.models import Employee, Team
from tests.factories import login
from tests.factories.shape import build_shape

ROOT = Path(__file__).resolve().parent.parent

# How the URL walk fills each argument with the *other* tenant's object.
ARGUMENT_OBJECTS = {
    "membership_id": "membership",
    "key_id": "api_key",
    "invite_id": "member_invite",
    "employee_id": "employee",
    "team_id": "team",
    "customer_id": "customer",
    "program_id": "program",
    "round_id": "round",
    "question_id": "question",
    "process_id": "process",
    "interaction_id": "interaction",
    "import_id": "import_job",
}
ARGUMENT_VALUES = {"email": lambda shape: shape.employee_email}
# Rules whose arguments are credentials or public assets, not tenant objects (and why).
NOT_TENANT_OBJECTS = {
    "/static/<path:filename>": "public files",
    "/brand/<slug>/<int:version>/brand.css": "a tenant's public colours, shown to its respondents",
    "/brand/<slug>/<int:version>/logo.png": "a tenant's public logo, shown to its respondents",
    "/verify/<token>": "a signed token for one user",
    "/reset/<token>": "a signed token for one user",
    "/invites/<token>": "a member-invite token: the credential itself",
    "/lang/<code>": "a language code",
    "/dev/mailbox/<name>": "development only",
    "/dev/mailbox/<name>/html": "development only",
    "/r/<token>": "the survey token is the credential: it finds its own tenant",
    "/r/<token>/submit": "the survey token is the credential",
    "/u/<token>": "the unsubscribe token is the credential",
    "/account/sessions/<int:session_id>/end": "one of the signed-in user's own sessions (tested)",
}


@pytest.fixture
def tenants(ctx):
    return build_shape("Alpha Co"), build_shape("Beta Co")


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_tenant_scoped_model_has_data_in_the_shape(tenants):
    alpha, beta = tenants
    models = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)]
    assert len(models) >= 15
    for shape in (alpha, beta):
        with tenant_context(shape.tenant_id):
            for model in models:
                count = db.session.scalar(select(func.count()).select_from(model))
                assert count, f"{model.__name__} has no row in tests/factories/shape.py: add one"


def test_a_sweep_over_every_tenant_scoped_model_finds_no_foreign_rows(tenants):
    alpha, beta = tenants
    models = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)]
    for shape in (alpha, beta):
        db.session.expunge_all()
        with tenant_context(shape.tenant_id):
            for model in models:
                tenant_ids = set(db.session.scalars(select(model.tenant_id)))
                rows = db.session.scalars(select(model)).all()
                assert tenant_ids == {shape.tenant_id}, model.__name__
                assert {row.tenant_id for row in rows} == {shape.tenant_id}, model.__name__


def test_a_query_with_no_tenant_raises(tenants):
    db.session.expunge_all()
    with pytest.raises(TenantNotSet):
        db.session.scalars(select(Employee)).all()
    with pytest.raises(TenantNotSet):
        db.session.execute(update(Employee).values(name="x"))
    with pytest.raises(TenantNotSet):
        db.session.execute(delete(Employee))
    db.session.rollback()
    db.session.add(Team(name="Orphan"))
    with pytest.raises(TenantNotSet):
        db.session.flush()
    db.session.rollback()


def test_get_relationships_and_bulk_statements_stay_inside_the_tenant(tenants):
    alpha, beta = tenants
    foreign_employee_id = beta.id("employee")
    db.session.expunge_all()
    with tenant_context(alpha.tenant_id):
        assert db.session.get(Employee, foreign_employee_id) is None
        employee = db.session.get(Employee, alpha.id("employee"))
        assert employee.team.name == "Support"
        db.session.execute(update(Employee).values(name="Renamed"))
        db.session.execute(delete(Team).where(Team.name == "Operations"))
    db.session.expunge_all()
    with tenant_context(beta.tenant_id):
        assert db.session.get(Employee, foreign_employee_id).name == "Ana"
        assert db.session.scalar(select(Team).where(Team.name == "Operations")) is not None


def test_a_row_of_another_tenant_cannot_be_written(tenants):
    alpha, beta = tenants
    with tenant_context(alpha.tenant_id):
        db.session.add(Team(name="Sneaky", tenant_id=beta.tenant_id))
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


def test_every_tenant_url_of_another_tenant_answers_404(app, client, tenants):
    alpha, beta = tenants
    login(client, alpha.owner)
    uncovered, leaks, checked = [], [], 0
    for rule in _rules(app):
        arguments = set(rule.arguments)
        if not rule.rule.startswith("/t/<slug>"):
            continue
        values = {"slug": beta.slug}
        for argument in arguments - {"slug"}:
            if argument in ARGUMENT_OBJECTS:
                values[argument] = beta.id(ARGUMENT_OBJECTS[argument])
            elif argument in ARGUMENT_VALUES:
                values[argument] = ARGUMENT_VALUES[argument](beta)
            else:
                uncovered.append(f"{rule.rule} ({argument})")
        if len(values) != len(arguments):
            continue
        # The other tenant's slug, then our own slug with the other tenant's ids.
        own = {**values, "slug": alpha.slug}
        for attempt in [values] + ([own] if len(arguments) > 1 else []):
            url = _build(rule, attempt)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
                checked += 1
                if response.status_code != 404:
                    leaks.append(f"{method} {url} -> {response.status_code}")
    assert not uncovered, f"teach the URL walk these arguments: {uncovered}"
    assert not leaks, leaks
    assert checked >= 10


def test_every_api_url_with_another_tenants_id_answers_404(app, client, tenants):
    alpha, beta = tenants
    headers = {"Authorization": f"Bearer {alpha.api_key}"}
    uncovered, leaks = [], []
    for rule in _rules(app):
        if not rule.rule.startswith("/api/v1") or not rule.arguments:
            continue
        values = {}
        for argument in rule.arguments:
            if argument in ARGUMENT_OBJECTS:
                values[argument] = beta.id(ARGUMENT_OBJECTS[argument])
            elif argument in ARGUMENT_VALUES:
                values[argument] = ARGUMENT_VALUES[argument](beta)
            else:
                uncovered.append(f"{rule.rule} ({argument})")
        if len(values) != len(rule.arguments):
            continue
        url = _build(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, headers=headers, json={})
            if response.status_code != 404:
                leaks.append(f"{method} {url} -> {response.status_code}")
            else:
                assert response.get_json()["error"]["code"] == "not_found"
    assert not uncovered, f"teach the URL walk these arguments: {uncovered}"
    assert not leaks, leaks


def test_every_other_rule_with_arguments_is_known(app):
    unknown = [
        rule.rule
        for rule in _rules(app)
        if rule.arguments
        and not rule.rule.startswith(("/t/<slug>", "/api/v1"))
        and rule.rule not in NOT_TENANT_OBJECTS
    ]
    assert not unknown, f"decide how these rules find their tenant: {unknown}"


def _build(rule, values):
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), url)
    return url


# -- raw SQL only in named aggregate modules ------------------------------------------------

RAW_SQL_ALLOWED = {
    "saas/db.py": "SQLite connection set-up (PRAGMA, BEGIN IMMEDIATE)",
    "saas/health.py": "SELECT 1 liveness probe, no tenant table",
    "tenants/pulses/respondent/lookup.py": "the survey-token look-up: the token names the tenant",
}


RAW_SQL_NAMES = {"text", "literal_column", "table", "column"}


def _python_files():
    for folder in ("saas", "tenants"):
        yield from (ROOT / folder).rglob("*.py")


def _is_aggregates(path):
    """A module named aggregates.py, or a module of a package named aggregates/."""
    return path.name == "aggregates.py" or path.parent.name == "aggregates"


def test_raw_sql_lives_only_in_named_aggregate_modules():
    offenders = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        if _is_aggregates(path) or relative in RAW_SQL_ALLOWED:
            continue
        tree = ast.parse(path.read_text())
        from_sqlalchemy = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in RAW_SQL_NAMES & from_sqlalchemy:
                offenders.append(f"{relative}:{node.lineno} {func.id}()")
            elif isinstance(func, ast.Attribute) and (
                func.attr in {"exec_driver_sql", "connection"}
                or (
                    func.attr in RAW_SQL_NAMES
                    and getattr(func.value, "id", "") in {"sa", "sqlalchemy"}
                )
            ):
                offenders.append(f"{relative}:{node.lineno} .{func.attr}()")
    assert not offenders, "raw SQL outside aggregates modules: " + ", ".join(offenders)


def test_aggregate_functions_take_tenant_id_explicitly():
    missing = []
    for path in filter(_is_aggregates, ROOT.glob("tenants/**/*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = [a.arg for a in node.args.args + node.args.kwonlyargs]
                if "tenant_id" not in names:
                    missing.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert not missing, f"aggregate functions without an explicit tenant_id: {missing}"
