"""The scoring core (maturity model, statistics, anonymity engine, figures) is pure: it imports
neither Flask, SQLAlchemy nor ``saas``, nor any tenants module but the pure team tree. Checked
like the raw-SQL rule: an AST walk of every module, and each module imported alone in a fresh
interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = ROOT / "tenants" / "scoring" / "core"
FORBIDDEN = {"flask", "sqlalchemy", "flask_sqlalchemy", "saas"}
#: The only tenants modules the core may import: itself and the pure team tree.
ALLOWED_TENANTS = ("tenants.scoring.core", "tenants.people.tree")


def _modules() -> list[str]:
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in CORE.rglob("*.py")
    )


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import (write the full path)"
            names.append(node.module or "")
    return names


def test_the_core_has_modules():
    assert {"tenants.scoring.core.stats", "tenants.scoring.core.anonymity"} <= set(_modules())


def test_no_core_module_imports_flask_sqlalchemy_saas_or_an_impure_tenants_module():
    offenders = []
    for path in CORE.rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            impure_tenants = top == "tenants" and not name.startswith(ALLOWED_TENANTS)
            if top in FORBIDDEN or impure_tenants:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, "the scoring core must stay pure: " + ", ".join(offenders)


@pytest.mark.parametrize("module", _modules())
def test_importing_a_core_module_alone_loads_nothing_impure(module):
    check = (
        f"import {module}; import sys; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
