"""The one list of areas: each area's ``init_app`` registers exactly what its record says."""

from __future__ import annotations

import ast
from pathlib import Path

from saas import areas, hooks
from saas.wiring import AREAS

ROOT = Path(__file__).resolve().parents[1]


def test_every_area_registers_what_the_list_says(app):
    found = areas.registered(app)
    assert list(found) == [area.name for area in AREAS]
    for area in AREAS:
        got = found[area.name]
        assert got.blueprints == tuple(sorted(area.blueprints)), area.name
        assert got.cli == tuple(sorted(area.cli)), area.name
        assert got.hooks == area.hooks, area.name


def test_nothing_is_registered_outside_an_area(app):
    found = areas.registered(app)
    by_areas = {bp for got in found.values() for bp in got.blueprints}
    assert set(app.blueprints) == by_areas
    hooked = [hook for got in found.values() for hook in got.hooks]
    every_hook = [
        (point, f"{hook.__module__}.{hook.__qualname__}")
        for point in hooks.POINTS
        for hook in hooks.of(point, app)
    ]
    assert sorted(every_hook) == sorted(hooked)
    for name in ("demo", "tenants", "api-keys"):
        assert name in app.cli.commands


def test_a_hook_point_that_does_not_exist_is_an_error(app):
    import pytest

    with pytest.raises(ValueError, match="unknown hook point"):
        hooks.add(app, "onbording", lambda tenant: None)


def test_the_shell_names_tenants_only_in_the_composition_root():
    """``saas/`` imports no area of ``tenants/``, except the factory's list of areas."""
    offenders = []
    for path in sorted((ROOT / "saas").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name == "tenants" or name.startswith("tenants."):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    allowed = {"saas/wiring.py: tenants"}
    assert [o for o in offenders if o not in allowed] == []


def _second_ways_to_the_tenant(node: ast.AST) -> str | None:
    """``g.tenant``, ``g.get("tenant")``, or setting the context variable by hand."""
    if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "g":
        return "g.tenant" if node.attr == "tenant" else None
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = getattr(func, "id", None) or getattr(func, "attr", None)
    if name in {"set_current_tenant", "reset_current_tenant"}:
        return f"{name}()"
    asks_g = getattr(getattr(func, "value", None), "id", None) == "g"
    named = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
    return 'g.get("tenant")' if asks_g and name in {"get", "pop"} and "tenant" in named else None


def test_the_request_tenant_is_entered_only_through_the_tenancy_resolver():
    """One way in and out of a request's tenant: ``saas.tenancy.resolve.enter_tenant``, left in
    its one teardown and read with ``current_tenant()``; no ``g.tenant`` beside it."""
    offenders = []
    for folder in ("saas", "tenants"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "saas/tenancy/resolve.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                found = _second_ways_to_the_tenant(node)
                if found:
                    offenders.append(f"{relative}:{getattr(node, 'lineno', 0)} {found}")
    assert offenders == []
