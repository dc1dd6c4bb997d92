"""Services, selectors and the rules raise domain errors (core.exceptions), never HTTP
errors: an API, a management command or a task must not need to know about Http404."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "inventory", "orders", "notifications", "returns"]
LAYERS = ("services", "selectors", "workflow", "exceptions")
WEB_ONLY = {"django.http", "django.shortcuts", "django.views", "django.contrib.messages"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app)
            if relative.parts[0] in LAYERS or relative.stem in LAYERS:
                yield path


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_web_exceptions_below_the_views(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not imported & WEB_ONLY
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "Http404" not in names and "get_object_or_404" not in names


def test_the_layers_are_found():
    found = {str(path.relative_to(ROOT)) for path in _modules()}
    assert {"returns/workflow.py", "returns/services/lifecycle.py", "orders/selectors.py"} <= found
