"""Architecture rules that a reviewer would otherwise have to remember (docs/architecture.md).

1. Imports only go down the layers: lib ← core ← accounts ← domain apps ← portal, evaluation.
2. Every app has the same skeleton.
3. Views never fetch rows by id themselves: they use the app's scoped ``queries``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hiroba"

LAYERS = {
    "lib": 0,
    "core": 1,
    "accounts": 2,
    # Domain apps, one per area of the hub's work.
    "hubs": 3,
    "families": 3,
    "visits": 3,
    "programs": 3,
    "consultations": 3,
    "support": 3,
    "kosapo": 3,
    "directory": 3,
    "news": 3,
    # Parent-facing pages and the annual evaluation read everything below them.
    "portal": 4,
    "evaluation": 4,
    "api": 4,  # the integration API for other systems (decision 0019)
}
# Domain apps may import each other only where written here (e.g. everyone may use families).
ALLOWED_DOMAIN_IMPORTS: set[tuple[str, str]] = {
    ("visits", "families"),
    ("programs", "families"),
    ("consultations", "families"),
    ("support", "families"),
    ("support", "consultations"),
    ("kosapo", "families"),
    ("directory", "families"),
}
# Project plumbing: may import any app; apps never import it (settings may use lib).
PROJECT = {"settings", "urls", "wsgi", "asgi", "testing", "__init__"}
SKELETON = [
    "apps.py",
    "choices.py",
    "services.py",
    "queries.py",
    "permissions.py",
    "forms.py",
    "views.py",
    "urls.py",
    "tests/__init__.py",
]


def _apps() -> list[str]:
    return sorted(name for name in LAYERS if name != "lib")


def _modules():
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        yield path, relative.parts[0].removesuffix(".py")


def _hiroba_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "hiroba" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    unknown = packages - set(LAYERS) - PROJECT
    assert not unknown, f"Give these packages a layer in LAYERS and docs/architecture.md: {unknown}"


def test_imports_only_go_down_the_layers():
    violations = []
    for path, package in _modules():
        if package in PROJECT:
            continue
        for target in _hiroba_imports(path):
            if target == package:
                continue
            if target in PROJECT:
                violations.append(f"{path.relative_to(PACKAGE)} imports project module {target}")
                continue
            mine, theirs = LAYERS[package], LAYERS[target]
            sideways_ok = mine == theirs == 3 and (package, target) in ALLOWED_DOMAIN_IMPORTS
            if theirs > mine or (theirs == mine and not sideways_ok):
                violations.append(f"{path.relative_to(PACKAGE)} ({package}) imports {target}")
    assert violations == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from hiroba.portal import views\nimport hiroba.accounts.scope\n")
    assert _hiroba_imports(bad) == {"portal", "accounts"}


@pytest.mark.parametrize("app", _apps())
def test_every_app_has_the_same_skeleton(app):
    root = PACKAGE / app
    missing = [name for name in SKELETON if not (root / name).exists()]
    if not ((root / "models.py").exists() or (root / "models" / "__init__.py").exists()):
        missing.append("models.py")
    if not (root / "templates" / app).is_dir():
        missing.append(f"templates/{app}/")
    assert missing == []


RAW_LOOKUP = re.compile(r"\.objects\.get\(|get_object_or_404\(|\.objects\.filter\(pk=")


@pytest.mark.parametrize("app", _apps())
def test_views_use_scoped_queries_for_lookups_by_id(app):
    for path in (PACKAGE / app).glob("views*.py"):
        text = path.read_text(encoding="utf-8")
        assert not RAW_LOOKUP.search(text), f"{path.name}: fetch rows through queries.py"
