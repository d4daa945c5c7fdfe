"""No two footcam modules import each other, directly or round a longer loop.

Every module of the package is parsed (ast, nothing is imported or run) and each ``import`` /
``from ... import`` anywhere in it — at the top or inside a function, since a deferred import
still ties the two modules together — becomes an edge to the footcam module it names. Any cycle
in that graph fails the test with the modules round it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "footcam"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The footcam modules ``name`` (at ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    out: set[str] = set()

    def add(target: str) -> None:
        # the deepest footcam module the dotted name refers to
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "footcam" or a.name.startswith("footcam."):
                    add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
                if not (mod == "footcam" or mod.startswith("footcam.")):
                    continue
            for a in node.names:   # `from . import x` / `from .pkg import sub` name modules too
                full = f"{mod}.{a.name}"
                add(full if full in known else mod)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {m: imports_of(m, p, known) for m, p in mods.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path of module names) per strongly connected component that
    has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    sccs: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return [_loop(g, comp) for comp in sccs]


def _loop(g: dict[str, set[str]], comp: list[str]) -> list[str]:
    """A closed path through the component, starting at its first module (breadth-first)."""
    members = set(comp)
    start = comp[0]
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(g[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [start] + path[::-1][1:] + [start] if len(path) > 1 else [start, v, start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def test_the_checker_finds_a_cycle_and_names_it(tmp_path):
    """The checker itself: two modules that import each other (one of them lazily), and a
    three-module loop, are found and named."""
    g = {"footcam.a": {"footcam.b"}, "footcam.b": {"footcam.a"}, "footcam.c": {"footcam.d"},
         "footcam.d": {"footcam.e"}, "footcam.e": {"footcam.c"}, "footcam.f": {"footcam.a"}}
    found = cycles(g)
    assert sorted(tuple(c) for c in found) == [("footcam.a", "footcam.b", "footcam.a"),
                                              ("footcam.c", "footcam.d", "footcam.e", "footcam.c")]
    pkg = tmp_path / "footcam" / "overlay"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "render.py").write_text("from .stills import StillCollector\n")
    (pkg / "stills.py").write_text("def f():\n    from .render import FramePainter\n")
    known = {"footcam", "footcam.overlay", "footcam.overlay.render", "footcam.overlay.stills"}
    assert imports_of("footcam.overlay.render", pkg / "render.py", known) == {"footcam.overlay.stills"}
    assert imports_of("footcam.overlay.stills", pkg / "stills.py", known) == {"footcam.overlay.render"}


def test_the_graph_sees_footcams_imports():
    g = graph()
    assert "footcam.results" in g["footcam.findings.files"]
    assert "footcam.overlay.frames" in g["footcam.overlay.stills"]
    assert "footcam.pose.landmarker" in g["footcam.pipeline"]          # a deferred import
    assert len(g) > 60


def test_no_import_cycle_in_footcam():
    found = cycles(graph())
    if found:
        pytest.fail("import cycles in footcam (each a closed loop of modules):\n"
                    + "\n".join(" -> ".join(c) for c in found))
