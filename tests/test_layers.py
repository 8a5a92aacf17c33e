"""Imports point down only (README, "How the code is laid out"), and no module imports another in a
circle: read from the source, so a new import that breaks either fails here, not in production."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
# Bottom first: each app may import its own modules and those of the apps before it, never after it.
LAYERS = ["common", "villages", "notifications", "bookings", "events", "tourism"]
# The modules that define models of the bookings app (bookings/models.py imports the others).
BOOKINGS_MODEL_MODULES = [
    "bookings.models",
    "bookings.activity",
    "bookings.ledger",
    "bookings.payments.models",
    "bookings.revenue.models",
    "bookings.reviews.models",
    "bookings.sync.models",
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """Dotted names an import statement brings in: ``from a.b import c`` gives ``a.b.c`` when that is a
    module of the project, else ``a.b``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]


def _all_imports(module: str) -> set[str]:
    """Everything the module imports anywhere: at the top, in functions, under ``TYPE_CHECKING``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(node, module)
    }


def _imports_on_load(module: str) -> set[str]:
    """The project's modules this one imports while it loads: statements at module level (also inside
    ``if``/``try``), not in functions and not under ``if TYPE_CHECKING``."""

    def walk(body: list[ast.stmt]):
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield from _imported(node, module)
            elif isinstance(node, ast.If) and not _is_type_checking(node):
                yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, *(handler.body for handler in node.handlers), node.orelse):
                    yield from walk(block)

    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported = {_project_module(name) for name in walk(tree.body)}
    return {name for name in imported if name is not None} - {module}


def _project_module(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path ``[a, b, ..., a]``, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if found := visit(target):
                return found
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        if found := visit(start):
            return found
    return None


@pytest.mark.parametrize("layer", LAYERS)
def test_an_app_imports_nothing_from_the_apps_above_it(layer):
    above = LAYERS[LAYERS.index(layer) + 1 :]
    wrong = sorted(
        f"{module} imports {name}"
        for module in MODULES
        if module.split(".")[0] == layer
        for name in _all_imports(module)
        if name.split(".")[0] in above
    )
    assert wrong == []


@pytest.mark.parametrize("layer", ["common", "villages"])
def test_the_bottom_layers_know_neither_bookings_nor_tourism(layer):
    modules = [module for module in MODULES if module.split(".")[0] == layer]
    assert len(modules) > 5
    imported = {name.split(".")[0] for module in modules for name in _all_imports(module)}
    assert not imported & {"bookings", "tourism"}


def test_no_module_imports_another_in_a_circle():
    graph = {module: _imports_on_load(module) for module in MODULES}
    assert _cycle(graph) is None
    assert set(BOOKINGS_MODEL_MODULES) - {"bookings.models"} <= graph["bookings.models"]


def test_a_cycle_is_found_when_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


FIRST_IMPORT = """
import importlib, sys
from django.apps.config import AppConfig

import django

target = sys.argv[1]
import_models = AppConfig.import_models


def import_target_first(app_config):
    # Apps are known, no models module is loaded yet: the target is the first to load.
    if target not in sys.modules:
        importlib.import_module(target)
    import_models(app_config)


AppConfig.import_models = import_target_first
django.setup()
from django.apps import apps

print(len(list(apps.get_app_config("bookings").get_models())))
"""


@pytest.mark.parametrize("module", BOOKINGS_MODEL_MODULES)
def test_each_model_module_loads_first_in_a_fresh_interpreter(module):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tourism.settings"}
    done = subprocess.run(  # noqa: S603 (the interpreter running the tests, on a fixed script)
        [sys.executable, "-c", FIRST_IMPORT, module], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Every model of the app is registered, whichever module loaded first.
    assert int(done.stdout) == len(list(apps.get_app_config("bookings").get_models())) > 6
