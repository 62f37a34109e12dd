"""The student's Python, for the tests that install the kit's wheel (test_kit.py, test_autograder.py): a fresh
venv (made in a fraction of a second, without pip) that sees this environment's packages — torch, NumPy,
matplotlib, ipykernel and pip, at the versions installed here (constraints.txt pins them in CI) — but not
manual-mlp. A venv with torch installed fresh would take minutes and the network.

The venv sees them through a folder of links to this environment's site-packages that leaves out
manual-mlp's own entries and the .pth files. It is not made with --system-site-packages, which brings
manual-mlp along: an editable install's finder, loaded by a .pth file there, makes this checkout importable,
and a regular install's dist-info would make pip skip the kit's wheel as already installed. Run it with -I
and :func:`student_environ` (no PYTHONPATH, pip kept offline: PIP_NO_INDEX, no pip.conf).
"""
import importlib.metadata
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

from mlp_harness.kit.source import PACKAGES


def own_entries() -> set[str]:
    """The names manual-mlp installed in a site-packages (none when it is only on PYTHONPATH)."""
    names = set(PACKAGES)
    try:
        files = importlib.metadata.distribution("manual-mlp").files or []
    except importlib.metadata.PackageNotFoundError:
        return names
    return names | {f.parts[0] for f in files if f.parts and f.parts[0] != ".."}


def environment_without_us(into: Path) -> list[Path]:
    """For each site-packages of this Python, a folder of links to its entries but manual-mlp's and the .pth
    files (a path listed in a .pth file is added to sys.path, but the .pth files inside it are not run)."""
    dirs = [Path(p) for p in site.getsitepackages() + [site.getusersitepackages()] if p in sys.path]
    leave_out, folders = own_entries(), []
    for i, directory in enumerate(d for d in dirs if d.is_dir()):
        folder = into / f"site-{i}"
        folder.mkdir(parents=True)
        for entry in directory.iterdir():
            if entry.name not in leave_out and entry.suffix != ".pth":
                (folder / entry.name).symlink_to(entry)
        folders.append(folder)
    return folders


def student_python(tmp: Path) -> Path:
    """A fresh venv seeing this environment's packages but manual-mlp; its python."""
    env = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run([python, "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    folders = environment_without_us(tmp / "environment")
    (Path(purelib) / "environment.pth").write_text("".join(f"{f}\n" for f in folders))
    return python


def student_environ() -> dict[str, str]:
    """This process's environment without what would show the repository, and pip kept offline."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CONFIG_FILE=os.devnull,
               PYTHONNOUSERSITE="1")
    return env
