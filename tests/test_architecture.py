"""The floors of the codebase (docs/architecture.md), checked by reading every import.

An app imports only from apps on a lower floor (never sideways, never up); no module imports a
``_private`` name of another app; and no two modules import each other, directly or round a
circle, even through an import inside a function.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps on one floor do not import each other.
FLOORS = [
    ["accountteam"],
    ["teams"],
    ["dossiers", "audit", "webhooks"],
    ["escalations"],
    ["handoffs", "postmortems", "mailin", "maintenance", "touchpoints"],
    ["service"],
    ["reviews"],
    ["servicereports"],
    ["portal"],
    ["demo"],
]
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path = ROOT) -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in FLOOR
        for path in sorted((root / app).rglob("*.py"))
    }


def _imports(module: str, path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names taken from it) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target, [alias.name for alias in node.names]))
    return found


def _app(module: str) -> str:
    return module.split(".", 1)[0]


def floor_violations(sources: dict[str, Path]) -> list[str]:
    problems = []
    for module, path in sources.items():
        app = _app(module)
        for line, target, names in _imports(module, path):
            other = _app(target)
            if other not in FLOOR or other == app:
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            if FLOOR[other] >= FLOOR[app]:
                direction = "across its own floor" if FLOOR[other] == FLOOR[app] else "up a floor"
                problems.append(f"{where}: {app} imports {target} ({direction})")
            private = [n for n in [*names, target.rpartition(".")[2]] if n.startswith("_") and not n.startswith("__")]
            if private:
                problems.append(f"{where}: {app} imports the private {', '.join(private)} of {target}")
    return problems


def import_cycles(sources: dict[str, Path]) -> list[list[str]]:
    """Circles among the project's modules (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for module, path in sources.items():
        edges = set()
        for _, target, names in _imports(module, path):
            # ``from package import module`` imports the module; ``from module import name`` the module.
            candidates = [f"{target}.{n}" for n in names] + [target]
            edges.update(c for c in candidates if c in sources and c != module)
        graph[module] = edges
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_every_app_is_on_a_floor():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(FLOOR), "put a new app on a floor in FLOORS and in docs/architecture.md"


def test_no_import_runs_up_or_across_a_floor_or_takes_a_private_name():
    assert floor_violations(_sources()) == []


def test_no_modules_import_each_other():
    assert import_cycles(_sources()) == []


# --- The check itself fails where it should -------------------------------------------------------


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throwaway copy of the app folders' layout, to show the checks catch what they claim."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    def write(relative: str, text: str) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    return write


def test_an_upward_import_is_found(tree, tmp_path):
    tree("teams/__init__.py", "")
    tree("teams/selectors.py", "def f():\n    from handoffs.selectors import team_changes\n")
    tree("handoffs/__init__.py", "")
    tree("handoffs/selectors.py", "from teams.models import Account\n")
    problems = floor_violations(_sources(tmp_path))
    assert problems == ["teams/selectors.py:2: teams imports handoffs.selectors (up a floor)"]


def test_a_sideways_import_and_a_private_name_are_found(tree, tmp_path):
    tree("escalations/models.py", "from teams.models import _visible_account_ids\n")
    tree("handoffs/models.py", "from postmortems import models\n")
    tree("dossiers/models.py", "from escalations import models\n")
    problems = sorted(floor_violations(_sources(tmp_path)))
    assert problems == [
        "dossiers/models.py:1: dossiers imports escalations (up a floor)",
        "escalations/models.py:1: escalations imports the private _visible_account_ids of teams.models",
        "handoffs/models.py:1: handoffs imports postmortems (across its own floor)",
    ]


def test_a_circle_through_a_function_level_import_is_found(tree, tmp_path):
    tree("accountteam/__init__.py", "")
    tree("accountteam/notifications.py", "def record():\n    from .tasks import send\n")
    tree("accountteam/tasks.py", "from . import notifications\n")
    assert import_cycles(_sources(tmp_path)) == [["accountteam.notifications", "accountteam.tasks"]]
