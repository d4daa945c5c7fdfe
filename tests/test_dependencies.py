"""The dependency set: one OpenCV on purpose, every imported library declared, lower bounds.

mediapipe requires opencv-contrib-python; a second OpenCV distribution (opencv-python-headless,
opencv-python, …) would install into the same ``cv2`` folder, and which one ``import cv2`` then
gives depends on the install order. footcam depends on opencv-contrib-python only.
"""
from __future__ import annotations

import ast
import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "footcam"
OPENCV = "opencv-contrib-python"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements() -> list[str]:
    p = _pyproject()
    return list(p["dependencies"]) + [r for rs in p["optional-dependencies"].values() for r in rs]


def _req_name(req: str) -> tuple[str, list[str]]:
    """(distribution, extras) of a requirement string such as ``dask[distributed]>=2024.1``."""
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?", req)
    return _norm(m.group(1)), [e.strip() for e in (m.group(2) or "").split(",") if e.strip()]


def _declared() -> set[str]:
    """Every distribution the requirements bring directly, with those their extras bring."""
    out = set()
    for req in _requirements():
        name, extras = _req_name(req)
        out.add(name)
        for extra in extras:
            try:
                reqs = md.requires(name) or []
            except md.PackageNotFoundError:
                continue
            for r in reqs:
                if re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", r):
                    out.add(_req_name(r)[0])
    return out


def _imported_top_modules() -> dict[str, str]:
    """{top-level module: a file importing it} for every absolute import under src/footcam."""
    found = {}
    for f in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for n in names:
                found.setdefault(n.split(".")[0], str(f.relative_to(REPO)))
    return {m: f for m, f in found.items()
            if m and m != "footcam" and m not in sys.stdlib_module_names}


def test_exactly_one_opencv_and_cv2_is_it():
    import cv2

    dists = sorted({_norm(d.metadata["Name"]) for d in md.distributions()
                    if _norm(d.metadata["Name"] or "").startswith("opencv")})
    assert dists == [OPENCV], (
        f"OpenCV distributions installed: {dists}; footcam uses {OPENCV} only (mediapipe's). "
        f"They share the cv2 folder: uninstall them all, then reinstall footcam "
        f"(pip uninstall -y {' '.join(dists)} && pip install -e .)")
    dist = md.distribution(OPENCV)
    owned = {Path(dist.locate_file(f)).resolve() for f in dist.files or ()}
    assert Path(cv2.__file__).resolve() in owned, f"{cv2.__file__} is not {OPENCV}'s"
    assert dist.version.startswith(cv2.__version__ + ".")


def test_every_imported_library_is_declared():
    declared = _declared()
    mapping = md.packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_modules().items()):
        dists = {_norm(d) for d in mapping.get(module, [module])}
        if not dists & declared:
            missing.append(f"{module} (imported in {where}; from {', '.join(sorted(dists))})")
    assert not missing, "imported but not declared in pyproject.toml:\n" + "\n".join(missing)


def test_opencv_is_the_one_mediapipe_requires():
    deps = {_req_name(r)[0] for r in _pyproject()["dependencies"]}
    assert OPENCV in deps
    assert not {d for d in deps if d.startswith("opencv") and d != OPENCV}
    mp_reqs = {_req_name(r)[0] for r in md.requires("mediapipe") or [] if "extra" not in r}
    assert OPENCV in mp_reqs


def test_every_dependency_has_a_lower_bound():
    unbounded = [r for r in _requirements() if ">=" not in r.split(";")[0]]
    assert not unbounded, f"no lower bound: {unbounded}"


def test_the_extras_are_imported_only_when_asked_for():
    """Without footcam[dask] or footcam[export] the command line and the library still load:
    distributed and ezc3d are imported only by the commands that need them."""
    code = ("import sys, footcam, footcam.cli, footcam.export, footcam.batch; "
            "print(sorted(m for m in ('distributed', 'dask', 'ezc3d', 'mediapipe', 'cv2', 'av') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    extras = _pyproject()["optional-dependencies"]
    assert {_req_name(r)[0] for r in extras["export"]} == {"ezc3d"}
    assert {_req_name(r)[0] for r in extras["dask"]} == {"dask"}
