"""The checkout a kit is built from: the repository this ``mlp_harness`` is imported from.

A wheel is built from sources, so ``mlp-kit`` needs the repository itself (a clone, installed with
``pip install -e``), not an installed copy of the package.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from manual_mlp.validation import InputError
from ..i18n import _

#: the exercise notebook, in the repository and in the kit (lab1's, the default assignment's)
NOTEBOOK = Path("notebooks") / "lab1-exercicio.ipynb"
#: a built-in assignment's exercise notebook: notebooks/lab2-exercicio.ipynb for lab2
EXERCISE = "notebooks/{assignment}-exercicio.ipynb"
#: the packages the wheel holds (pyproject.toml's [tool.setuptools.packages.find])
PACKAGES = ("manual_mlp", "torch_reference", "mlp_harness")
#: what a wheel is built from, besides the packages (README.md is the package's description); setup.py compiles
#: the catalogs
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md")
#: seconds git may take to say which commit the checkout is at (it is only mentioned in LEIAME.md)
GIT_TIMEOUT = 10


@dataclass(frozen=True)
class Checkout:
    root: Path

    @property
    def notebook(self) -> Path:
        return self.root / NOTEBOOK

    def exercise(self, assignment: str | None = None) -> Path:
        """The exercise notebook of ``assignment`` (a built-in one's name; lab1's when None), or InputError in
        one line: a teacher's TOML file, or a built-in assignment without a notebook, has none to hand out."""
        name = assignment or "lab1"
        path = self.root / EXERCISE.format(assignment=name)
        if not (name.isidentifier() and path.is_file()):
            have = sorted(p.name.split("-")[0] for p in (self.root / NOTEBOOK.parent).glob("*-exercicio.ipynb"))
            raise InputError(_("--assignment {name}: no exercise notebook to hand out (the built-in assignments "
                               "with one: {names}); a teacher's own assignment is graded with --gradescope").format(
                                   name=name, names=", ".join(have)))
        return path

    def revision(self) -> tuple[str, bool] | None:
        """(the commit's short hash, whether the packages differ from it), or None outside git."""
        commit = _git(self.root, "rev-parse", "--short", "HEAD")
        changes = _git(self.root, "status", "--porcelain", "--untracked-files=no", "--", *PACKAGES, *PROJECT_FILES)
        return None if commit is None or changes is None else (commit.strip(), bool(changes.strip()))


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def find_checkout(root: Path | None = None) -> Checkout:
    """The repository at ``root`` (default: the one this package is imported from), checked to be one."""
    root = Path(__file__).resolve().parents[2] if root is None else Path(root)
    for name in (*PROJECT_FILES, str(NOTEBOOK), *PACKAGES):
        if not (root / name).exists():
            raise InputError(_("a kit is built from a copy of the repository, but {path!r} has no {name}: run "
                               "mlp-kit from a clone installed with pip install -e").format(path=str(root), name=name))
    return Checkout(root)
