"""The package's shape: stages import only downward, nothing imports in a cycle,
and no function grows past the limit. Read from the source with ``ast``."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "pressroom"

# Floors, bottom first. A module may import modules on its own floor or below;
# within a floor the imports must not form a cycle. (ARCHITECTURE.md draws this.)
FLOORS = [
    ("pressroom", "pressroom.errors", "pressroom.fsutil", "pressroom.diskcache"),  # shared
    ("pressroom.text",),        # inline markup, typography, formatting: pure strings
    ("pressroom.model",),       # configuration, artefact paths, content
    ("pressroom.messages",),    # PO files, catalogues, plurals, checks, pseudo, stats
    ("pressroom.render",),      # one PDF: view model, engine adapter, layout, marks
    ("pressroom.qa",),          # layout QA, gate, preflight, locate
    ("pressroom.production",),  # many PDFs: builder, manifests, verify
    ("pressroom.review",),      # proofs, screenshots, watch
    ("pressroom.cli",),
]
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The pressroom modules ``name`` imports, at the top or inside functions."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    return {m for m in out if m in known and m != name}


def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: imports(path, name, known) for name, path in modules.items()}


def floor(module: str) -> int:
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if module == prefix or (prefix != "pressroom" and module.startswith(prefix + ".")):
                return level
    raise AssertionError(f"{module} is on no floor: add it to FLOORS and ARCHITECTURE.md")


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules, the first one again at the end), or []."""
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_every_module_has_a_floor():
    for name in _modules():
        floor(name)


def test_imports_only_go_down():
    against = [f"{name} imports {dep}" for name, deps in graph().items() for dep in sorted(deps)
               if floor(dep) > floor(name)]
    assert not against, "imports against the flow:\n" + "\n".join(against)


def test_no_import_cycle():
    assert cycle(graph()) == []


def test_cycle_finder_finds_a_cycle():
    found = cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert set(found) == {"a", "b", "c"} and found[0] == found[-1]
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_floor_rule_catches_an_upward_import(tmp_path):
    module = tmp_path / "pressroom" / "text" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text("from pressroom.qa import gate\n")
    found = imports(module, "pressroom.text.bad", {"pressroom.qa.gate", "pressroom.qa"})
    assert found == {"pressroom.qa.gate"}
    assert floor("pressroom.qa.gate") > floor("pressroom.text.bad")


def _long_functions() -> list[str]:
    out = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{name}.{node.name} (line {node.lineno}): {length} lines")
    return out


def test_no_function_is_longer_than_the_limit():
    assert _long_functions() == []


ENGINE_MODULES = {"pressroom.render.engine", "pressroom.render.sandbox"}


def _engine_imports(path: Path) -> set[str]:
    """The weasyprint and pydyf modules a file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] in ("weasyprint", "pydyf"))
    return found


def test_only_the_engine_adapter_imports_weasyprint_or_pydyf():
    """WeasyPrint and pydyf stay behind pressroom.render.engine (and the sandbox,
    which subclasses WeasyPrint's public URLFetcher): an upgrade touches one module."""
    found = {name: _engine_imports(path) for name, path in _modules().items()}
    outside = {name: sorted(mods) for name, mods in found.items()
               if mods and name not in ENGINE_MODULES}
    assert outside == {}
    assert {"weasyprint", "pydyf"} <= {m.split(".")[0] for m in found["pressroom.render.engine"]}


def test_the_engine_import_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import pydyf\n    from weasyprint.text import fonts\n")
    assert _engine_imports(module) == {"pydyf", "weasyprint.text"}
