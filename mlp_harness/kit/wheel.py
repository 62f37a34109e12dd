"""Building the package's wheel from a checkout, offline: the build backend of this Python, no isolated build
environment, nothing downloaded (what ``pip wheel --no-deps --no-build-isolation`` does, without pip).

The sources are copied to a temporary folder first (the packages, pyproject.toml and README.md, without
``__pycache__``): the build writes its ``build/`` and ``*.egg-info`` there, never into the checkout, and a
stale ``build/`` of the checkout cannot slip a deleted module into the wheel.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from manual_mlp.validation import InputError

from .source import PACKAGES, PROJECT_FILES
from ..i18n import _

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10: the same parser, published as tomli
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None

#: the backend when pyproject.toml cannot be read here (Python 3.10 without tomli): the project's own
DEFAULT_BACKEND = "setuptools.build_meta"
#: seconds the build may take (it takes about one)
BUILD_TIMEOUT = 300
#: printed before the wheel's name by the build, so that the backend's own log lines are never taken for it
MARKER = "mlp-kit wheel: "
#: the PEP 517 hook, run in the copied sources: argv = [backend, folder for the wheel]
HOOK = ("import importlib, sys\n"
        "name = importlib.import_module(sys.argv[1]).build_wheel(sys.argv[2])\n"
        f"print({MARKER!r} + name)\n")


def backend(root: Path) -> str:
    """The build backend pyproject.toml names ([build-system] build-backend)."""
    if tomllib is None:
        return DEFAULT_BACKEND
    try:
        with open(root / "pyproject.toml", "rb") as f:
            return tomllib.load(f).get("build-system", {}).get("build-backend", DEFAULT_BACKEND)
    except (OSError, ValueError) as exc:   # ValueError: tomllib's TOMLDecodeError
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:200]
        raise InputError(_("the checkout's {path!r} cannot be read ({reason})").format(path=str(
            root / 'pyproject.toml'), reason=reason)) from None


def copy_sources(root: Path, dest: Path) -> None:
    dest.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(root / name, dest / name)
    for package in PACKAGES:
        shutil.copytree(root / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def build_wheel(root: Path, out: Path) -> Path:
    """The wheel of the checkout at ``root``, written into the folder ``out``; its path."""
    with tempfile.TemporaryDirectory(prefix="mlp-kit-") as tmp:
        sources = Path(tmp) / "sources"
        copy_sources(root, sources)
        try:
            done = subprocess.run([sys.executable, "-c", HOOK, backend(root), str(out)], cwd=sources,
                                  capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise InputError(_("building the wheel took more than {seconds} s: stopped").format(
                seconds=BUILD_TIMEOUT)) from None
    names = [line[len(MARKER):] for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if done.returncode != 0 or not names:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise InputError(_("building the wheel failed ({reason})").format(reason=lines[-1][:300]))
    return out / names[-1]
