"""The package's layout: embdash modules import each other without cycles, only embdash/ui/ imports
streamlit, and no module or package shadows a standard-library name.

Every import counts, at module level or inside a function: an import deferred into a function still
ties the two modules together.
"""

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "embdash"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(path: Path, name: str) -> list[tuple[str, ...]]:
    """Per imported name, the modules it may be, most specific first: `from a import b` is module a.b
    when there is one, else the name b inside module a. Relative imports are resolved."""
    is_package = path.name == "__init__.py"
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend((alias.name,) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            names.extend((f"{source}.{alias.name}", source) for alias in node.names)
    return names


def module_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the embdash modules it imports."""
    graph = {}
    for name, path in modules.items():
        targets = set()
        for candidates in imported_names(path, name):
            target = next((c for c in candidates if c in modules), None)
            if target is not None and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_function_level_and_from_package_imports(tmp_path):
    package = tmp_path / "embdash"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "a.py").write_text("def f():\n    from embdash.sub import b\n")
    (package / "sub" / "b.py").write_text("from . import a\n")
    modules = {".".join(p.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package.rglob("*.py")}
    graph = module_graph(modules)
    assert graph["embdash.sub.a"] == {"embdash.sub.b"}
    assert graph["embdash.sub.b"] == {"embdash.sub.a"}
    assert cycles(graph) == [["embdash.sub.a", "embdash.sub.b"]]


def test_no_import_cycles():
    assert cycles(module_graph(package_modules())) == []


def test_streamlit_is_imported_only_in_the_ui_package():
    offenders = []
    for name, path in package_modules().items():
        if name == "embdash.ui" or name.startswith("embdash.ui."):
            continue
        if any(candidates[-1].split(".")[0] == "streamlit" for candidates in imported_names(path, name)):
            offenders.append(name)
    assert offenders == []


def test_no_module_is_named_like_a_standard_library_module():
    clashes = [
        name for name in package_modules()
        if any(part in sys.stdlib_module_names for part in name.split(".")[1:])
    ]
    assert clashes == []
