"""Writing a kit's folder: the wheel (built first: if it fails, nothing is written), the notebook, LEIAME.md.

Each file is written to a temporary name in the folder and renamed into place (a kit written again over
an older one replaces its files whole); an older ``manual_mlp-*.whl`` left in the folder is removed, so the
notebook's first cell finds the new one alone.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from manual_mlp.validation import InputError

from ..verify.files import atomic_write
from .leiame import leiame
from .source import Checkout, find_checkout
from .wheel import build_wheel
from ..i18n import _, os_reason

#: the wheels of this project (the notebook's first cell looks for these)
WHEELS = "manual_mlp-*.whl"


@dataclass
class Kit:
    folder: Path
    notebook: Path
    wheel: Path
    leiame: Path
    removed: list[str] = field(default_factory=list)   # older wheels taken out of the folder

    @property
    def version(self) -> str:
        """The package's version, from the wheel's name (``manual_mlp-0.1.0-py3-none-any.whl``)."""
        return self.wheel.name.split("-")[1]


def check_folder(folder: Path) -> None:
    """Refuse, before the build, a kit folder that is a file or whose parent folder does not exist."""
    if folder.exists() and not folder.is_dir():
        raise InputError(_("{path!r} is a file, not a folder: give a folder for the kit").format(path=str(folder)))
    parent = folder.parent
    if not folder.exists() and not parent.is_dir():
        raise InputError(_("cannot create the kit's folder {path!r}: the folder {parent!r} does not exist").format(
            path=str(folder), parent=str(parent)))


def copy_into(source: Path, folder: Path, what: str) -> Path:
    target = folder / source.name
    data = source.read_bytes()
    atomic_write(target, lambda f: f.write(data), what)
    return target


def make_kit(folder: str | Path, checkout: Checkout | None = None, assignment: str | None = None) -> Kit:
    """Write the kit of ``assignment`` (a built-in one with an exercise notebook; lab1 by default) into
    ``folder`` (created when missing) from ``checkout`` (default: this package's)."""
    folder = Path(folder)
    check_folder(folder)
    checkout = checkout or find_checkout()
    exercise = checkout.exercise(assignment)   # refused, in one line, before the build
    with tempfile.TemporaryDirectory(prefix="mlp-kit-") as tmp:
        built = build_wheel(checkout.root, Path(tmp))
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(_("cannot create the kit's folder {path!r} ({reason})").format(
                path=str(folder), reason=os_reason(exc))) from None
        wheel = copy_into(built, folder, _("the wheel"))
    notebook = copy_into(exercise, folder, _("the notebook"))
    kit = Kit(folder, notebook, wheel, folder / "LEIAME.md")
    text = leiame(kit.version, wheel.name, notebook.name, checkout.revision(), assignment)
    atomic_write(kit.leiame, lambda f: f.write(text.encode("utf-8")), "LEIAME.md")
    for path in sorted(folder.glob(WHEELS)):
        if path.name != wheel.name:
            try:
                path.unlink()
            except OSError as exc:
                raise InputError(_("cannot remove the older wheel {path!r} from the kit's folder ({reason})").format(
                    path=str(path), reason=os_reason(exc))) from None
            kit.removed.append(path.name)
    return kit
