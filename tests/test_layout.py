"""Dependencies point one way: manual_mlp ← torch_reference ← mlp_harness (verify ← teach, train ← bench; check ← cli;
verify ← kit ← cli).

Each package's modules are read (not imported) and every import they make is
checked against the packages it may use; a new import that points the wrong way
fails here, naming the file and the import.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package -> the project packages its modules may import (itself always allowed)
ALLOWED = {
    "manual_mlp": set(),
    "torch_reference": {"manual_mlp"},
    "mlp_harness.verify": {"manual_mlp", "torch_reference", "mlp_harness.i18n"},
    "mlp_harness.teach": {"manual_mlp", "torch_reference", "mlp_harness.i18n", "mlp_harness.verify"},
    "mlp_harness.train": {"manual_mlp", "torch_reference", "mlp_harness.i18n", "mlp_harness.verify"},
    "mlp_harness.bench": {"manual_mlp", "torch_reference", "mlp_harness.i18n", "mlp_harness.verify",
                          "mlp_harness.train"},
    "mlp_harness.check": {"manual_mlp", "torch_reference", "mlp_harness.i18n", "mlp_harness.verify",
                          "mlp_harness.teach"},
    "mlp_harness.kit": {"manual_mlp", "mlp_harness.i18n", "mlp_harness.verify"},
    "mlp_harness.cli": {"manual_mlp", "torch_reference", "mlp_harness.i18n", "mlp_harness.verify",
                        "mlp_harness.teach", "mlp_harness.train", "mlp_harness.bench", "mlp_harness.check",
                        "mlp_harness.kit"},
}
PROJECT = ("manual_mlp", "torch_reference", "mlp_harness")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(line, absolute module name) for every import of a project module in ``path``."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            # "from . import x" / "from pkg import x": x may itself be a module
            names = [prefix] + [f"{prefix}.{alias.name}" for alias in node.names] if not node.module else [prefix]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PROJECT:
                yield node.lineno, name


def _owner(module: str) -> str:
    """The ALLOWED key a module belongs to (its subpackage of mlp_harness, or its top package)."""
    for key in sorted(ALLOWED, key=len, reverse=True):
        if module == key or module.startswith(key + "."):
            return key
    return module


FILES = [p for key in ALLOWED for p in sorted((ROOT / key.replace(".", "/")).glob("*.py"))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path):
    own = _owner(_module_name(path))
    for line, name in _imports(path):
        target = _owner(name)
        if target == own or name in ("mlp_harness", own):
            continue
        assert target in ALLOWED[own], (f"{path.relative_to(ROOT)}:{line} imports {name}, but {own} may only "
                                        f"import {sorted(ALLOWED[own])}")


def test_every_harness_module_is_grouped():
    """mlp_harness has no flat modules left besides i18n and the package's own __init__."""
    flat = sorted(p.name for p in (ROOT / "mlp_harness").glob("*.py"))
    assert flat == ["__init__.py", "i18n.py"]
