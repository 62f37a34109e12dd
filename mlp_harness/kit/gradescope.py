"""Gradescope's autograder bundle (``mlp-kit --gradescope autograder.zip``): the zip a teacher uploads, so that
Gradescope runs mlp-check on each hand-in, one container per submission.

The layout is Gradescope's autograder specification: ``setup.sh`` and ``run_autograder`` at the zip's root
(Gradescope unpacks it in ``/autograder/source``, runs ``setup.sh`` once, as root, when it builds the image,
and ``run_autograder`` once per submission). Beside them: the package's wheel, ``requirements.txt`` (torch
and NumPy pinned to the versions of the Python that built the bundle, the only packages that come from an
index: the wheel is installed with ``--no-index --no-deps``), and the course's ``rubric.toml`` and
``assignment.toml`` when given (a built-in assignment is named, the wheel has it). ``AUTOGRADER_ROOT`` moves
``/autograder`` and ``AUTOGRADER_PYTHON`` names the Python to install into and run (``python3`` by default).
"""
from __future__ import annotations

import importlib.metadata
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from manual_mlp.validation import InputError

from ..verify.files import atomic_write, check_output_path
from .source import Checkout, find_checkout
from .wheel import build_wheel
from ..i18n import _

#: PyTorch's index of CPU builds (PyPI's Linux wheel of torch is the CUDA build, several GB)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (written by mlp-kit).
# torch and NumPy come from the package index, at the versions of requirements.txt; manual-mlp comes from
# the wheel beside this file, with no index. AUTOGRADER_ROOT moves /autograder; AUTOGRADER_PYTHON names
# the Python to install into (python3 by default; the container is the autograder's alone).
set -euo pipefail
SOURCE="${{AUTOGRADER_ROOT:-/autograder}}/source"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1
if [ -z "${{AUTOGRADER_PYTHON:-}}" ] && ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get install -y python3-pip
fi
"$PYTHON" -m pip install -r "$SOURCE/requirements.txt"
"$PYTHON" -m pip install --no-index --no-deps --force-reinstall "$SOURCE/{wheel}"
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: mlp-check on the hand-in in $AUTOGRADER_ROOT/submission (a .py
# or a .ipynb, whatever its name), its grade in $AUTOGRADER_ROOT/results/results.json (written by mlp-kit).
export AUTOGRADER_ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$AUTOGRADER_ROOT/source"
cd "$SOURCE"
exec "${{AUTOGRADER_PYTHON:-python3}}" -I -m mlp_harness.cli.autograder {options}
"""

REQUIREMENTS = """\
# Only these come from a package index (manual-mlp is the wheel, installed with --no-index): the versions
# the autograder was built with.
# PyTorch's CPU build: PyPI's Linux wheel of torch is the CUDA build (several GB); remove the next line for it.
--extra-index-url {index}
torch=={torch}
numpy=={numpy}
# Python 3.10 only: reads the TOML of assignments and rubrics (3.11 has it)
tomli>=1.1; python_version < "3.11"
"""


@dataclass
class Bundle:
    path: Path
    names: list[str]   # the files in the zip, in order


def version(package: str) -> str:
    """The installed version of ``package`` without its local label (2.13.0, not 2.13.0+cpu)."""
    return importlib.metadata.version(package).split("+")[0]


def member(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def options(assignment: str | None, rubric: str | None, feedback: str, lang: str) -> tuple[str, dict[str, bytes]]:
    """run_autograder's options and the course's files they name (read now: the bundle carries copies)."""
    files, words = {}, [f"--feedback {feedback}", f"--lang {lang}"]
    if assignment is not None and Path(assignment).suffix == ".toml":
        files["assignment.toml"] = Path(assignment).read_bytes()
        words.append('--assignment "$SOURCE/assignment.toml"')
    elif assignment is not None:
        words.append(f"--assignment {assignment}")
    if rubric is not None:
        files["rubric.toml"] = Path(rubric).read_bytes()
        words.append('--rubric "$SOURCE/rubric.toml"')
    return " ".join(words), files


def make_gradescope(path: str | Path, *, assignment: str | None = None, rubric: str | None = None,
                    feedback: str = "full", lang: str = "en", checkout: Checkout | None = None) -> Bundle:
    """Write the autograder zip at ``path``, grading with ``assignment`` and ``rubric`` (files or a built-in
    assignment's name, checked by the caller: :func:`mlp_harness.cli.kit_cli.grading_points`)."""
    check_output_path(str(path), "--gradescope")
    if Path(path).suffix.lower() != ".zip":
        raise InputError(_("--gradescope {path!r}: Gradescope's autograder is a .zip file").format(path=str(path)))
    words, course = options(assignment, rubric, feedback, lang)
    checkout = checkout or find_checkout()
    with tempfile.TemporaryDirectory(prefix="mlp-kit-") as tmp:
        wheel = build_wheel(checkout.root, Path(tmp))
        files = [("setup.sh", SETUP.format(wheel=wheel.name).encode(), True),
                 ("run_autograder", RUN.format(options=words).encode(), True),
                 ("requirements.txt", REQUIREMENTS.format(index=TORCH_CPU_INDEX, torch=version("torch"),
                                                          numpy=version("numpy")).encode(), False),
                 (wheel.name, wheel.read_bytes(), False)]
    files += [(name, data, False) for name, data in course.items()]

    def write(f):
        with zipfile.ZipFile(f, "w") as archive:
            for name, data, executable in files:
                member(archive, name, data, executable)
    atomic_write(str(path), write, _("the autograder zip"))
    return Bundle(Path(path), [name for name, _, _ in files])
