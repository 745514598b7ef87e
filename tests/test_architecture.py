"""The house keeps its shape (docs/development.md, ../ARCHITECTURE.md's floors):

- no import from a lower floor to a higher one (core → registry → catalog/consent →
  harvest/web → config), counting imports inside functions too;
- no import loop between modules;
- no module imports another module's `_private` names;
- every task named to core.jobs is a registered task.

Read from the source with `ast`, so a test module can fail here without being imported.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"core": 1, "registry": 2, "catalog": 3, "consent": 3, "harvest": 4, "web": 4}
FLOORS["transparency"] = 4
FLOORS["config"] = 5
APPS = set(FLOORS)


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    is_package = MODULES[module].name == "__init__.py"
    base = package if is_package else package[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *(node.module.split(".") if node.module else [])])


def _imports(module: str):
    """(imported module, names taken) for every import in `module`, nested ones included."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            names = [alias.name for alias in node.names]
            submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in MODULES]
            for sub in submodules:
                yield sub, []
            rest = [n for n in names if f"{target}.{n}" not in MODULES]
            if rest or not submodules:
                yield target, rest


def _known(target: str) -> str | None:
    """The module of ours that `target` names (or its nearest package of ours)."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


GRAPH = {
    module: {
        (known, tuple(names))
        for target, names in _imports(module)
        if (known := _known(target)) and known != module
    }
    for module in MODULES
}


def test_no_import_runs_up_a_floor():
    upward = sorted(
        f"{module} → {target}"
        for module, edges in GRAPH.items()
        for target, _ in edges
        if FLOORS[target.split(".")[0]] > FLOORS[module.split(".")[0]]
    )
    assert upward == []


def test_no_import_loops_between_modules():
    edges = {m: {t for t, _ in e} for m, e in GRAPH.items()}
    # Tarjan's strongly connected components, iteratively.
    index, low, on_stack, stack, loops, counter = {}, {}, set(), [], [], [0]
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    loops.append(sorted(component))
    # A package and the submodules its __init__ re-exports are one unit, not a loop, as long
    # as the submodules import each other directly (never through the package).
    real = [
        loop
        for loop in loops
        if not all(m == loop[0] or m.startswith(loop[0] + ".") for m in loop)
        or any(loop[0] in {t for t, _ in GRAPH[m]} for m in loop if m != loop[0])
    ]
    assert real == []


def test_no_module_takes_another_modules_private_names():
    private = sorted(
        f"{module} takes {name} from {target}"
        for module, edges in GRAPH.items()
        for target, names in edges
        for name in names
        if name.startswith("_") and not name.startswith("__")
    )
    assert private == []


def test_every_task_named_to_core_jobs_is_registered():
    from config.celery import app

    named = set()
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")).startswith("enqueue")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                named.add(node.args[0].value)
    assert named, "no enqueue call found: the scan is broken"
    for name in named:
        importlib.import_module(name.rpartition(".")[0])
    assert named <= set(app.tasks), sorted(named - set(app.tasks))


@pytest.mark.parametrize(
    "source,expected",
    [
        ("from registry.services import x", "registry.services"),
        ("from ..models import Dataset", "registry.models"),
    ],
)
def test_the_scan_resolves_imports(source, expected):
    node = ast.parse(source).body[0]
    assert _resolve("registry.services.datasets", node) == expected


def test_no_template_or_redirect_spells_an_internal_path():
    """Templates use {% url %}, Python redirect("name", …) or reverse(): a route can move."""
    # A path as an attribute (href, action, src, a hidden `next` value) or compared with
    # request.path: both break when the route moves.
    literal_attr = re.compile(r'(?:href|action|src|value)="/(?!/)|request\.path\s*==')
    literal_redirect = re.compile(r'(?:redirect|HttpResponseRedirect|safe_next)\([^)]*?f?"/')
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.html"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if literal_attr.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    for module, path in MODULES.items():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal_redirect.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert found == []


def test_every_route_of_ours_is_named():
    from django.urls import URLPattern, URLResolver, get_resolver

    unnamed = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if getattr(entry, "app_name", None) == "admin":
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and not entry.name:
                unnamed.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns)
    assert unnamed == []


def test_modules_stay_small_and_long_functions_say_why():
    """No module over 450 lines (outside migrations); a function over 60 lines carries a
    `# Long: …` comment right above it saying why it is better whole."""
    big, unexplained = [], []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > 450:
            big.append(f"{module}: {len(lines)} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.end_lineno - node.lineno + 1 <= 60:
                continue
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            above = first - 2
            while above >= 0 and lines[above].strip().startswith("#"):
                if lines[above].strip().startswith("# Long:"):
                    break
                above -= 1
            else:
                unexplained.append(f"{module}.{node.name}")
                continue
            if above < 0 or not lines[above].strip().startswith("# Long:"):
                unexplained.append(f"{module}.{node.name}")
    assert big == []
    assert unexplained == []
