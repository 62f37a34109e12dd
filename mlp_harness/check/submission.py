"""A submission as the code cells to run: a ``.py`` file is one cell, a notebook its code cells in order.

IPython's own syntax is not Python: a line magic (``%matplotlib inline``) or a
shell line (``!pip install …``) becomes ``pass`` (so line numbers stay
right); ``%%time``, ``%%timeit`` and ``%%capture`` run their body, and any
other cell magic (``%%bash``, ``%%html``, …) skips its cell, as no plain Python
interpreter could run it. Nothing here runs the code.
"""
from __future__ import annotations

import ast
import errno
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from manual_mlp.validation import InputError
from ..i18n import _, os_reason

SUFFIXES = (".py", ".ipynb")
_MAGIC = re.compile(r"^(\s*)(%|!(?!=))")


@dataclass(frozen=True)
class Cell:
    number: int          # 1, 2, … among the code cells (a .py file is cell 1)
    source: str          # Python, magics already replaced
    filename: str        # what tracebacks name: "<cell 12>" in a notebook, the file's name for a .py
    skipped: bool = False  # a %%cell magic: not run

    @property
    def first_line(self) -> str:
        for line in self.source.splitlines():
            if line.strip() and not line.strip().startswith("pass  # ") and line.strip() != "pass":
                return line.strip()[:60]
        return ""


def without_magics(source: str) -> str:
    """Line magics and shell lines as ``pass`` (same indentation, same line count) — only where the cell is
    not Python as it stands: a continuation line may begin with ``%`` or ``!=`` too. The cell is parsed, never
    compiled: compiling folds constants (``'a' * 4096 + 'a' * 4096 + …`` takes this process minutes and
    gigabytes), and only the worker, under its limits, may spend that."""
    try:
        ast.parse(source)
        return source
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # too deep to compile: the worker says so
        pass
    return "\n".join(_MAGIC.sub(r"\1pass  # ", line) if _MAGIC.match(line) else line
                     for line in source.splitlines())


#: cell magics whose body is plain Python: the body runs, the magic line is dropped
PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")


def code_cell(number: int, source: str) -> Cell:
    """A notebook cell as Python: a cell magic of PYTHON_CELL_MAGICS runs its body, any other skips the cell."""
    first, _, body = source.lstrip().partition("\n")
    if first.startswith("%%"):
        if first.split()[0] not in PYTHON_CELL_MAGICS:
            return Cell(number, source, f"<cell {number}>", skipped=True)
        source = "pass\n" + body   # same line numbers
    return Cell(number, without_magics(source), f"<cell {number}>")


def notebook_cells(path: Path, text: str) -> list[Cell]:
    try:
        notebook = json.loads(text)
        raw = [c for c in notebook["cells"] if c.get("cell_type") == "code"]
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in raw]
        if not all(isinstance(s, str) for s in sources):
            raise TypeError("a cell's source is neither text nor a list of lines")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise InputError(_("{path}: not a Jupyter notebook (.ipynb is JSON with a list of cells)").format(
            path=path)) from None
    return [code_cell(n, src) for n, src in enumerate(sources, start=1)]


def read_submission(path: str | Path) -> list[Cell]:
    """The code cells of a ``.py`` or ``.ipynb`` file; InputError (one line) for anything else."""
    path = Path(path)
    if path.is_dir():   # a course's folder of hand-ins: the shell gives its files
        raise InputError(_("{path}: a folder; give its files ({files}, or {each} for a folder per student)").format(
            path=path, files=f"{path}/*.py {path}/*.ipynb", each=f"{path}/*/*"))
    if path.suffix not in SUFFIXES:
        raise InputError(_("{path}: expected a .py file or a .ipynb notebook").format(path=path))
    if not path.is_file():
        raise InputError(_("{path}: no such file").format(path=path) if not path.exists() else _(
            "{path}: not a regular file").format(path=path))
    try:
        text = path.read_text(encoding="utf-8-sig")   # a byte-order mark, as Windows editors write, is no code
        if path.suffix == ".py":
            return [Cell(1, text, path.name)]   # a .py file is Python: no magics to replace
        return notebook_cells(path, text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(_("{path}: cannot be read ({reason})").format(path=path, reason=os_reason(exc))) from None
    except MemoryError:   # a file too big for this process: that file's finding, never the whole run's
        reason = os_reason(OSError(errno.ENOMEM, os.strerror(errno.ENOMEM)))
        raise InputError(_("{path}: cannot be read ({reason})").format(path=path, reason=reason)) from None


#: modules that compute gradients (or hold this checker's answers): a hand-in importing one is flagged with
#: "uses", its verdict unchanged — the teacher decides
FLAGGED = ("torch", "jax", "autograd", "manual_mlp", "mlp_harness")
#: what every notebook of the course kit imports to check itself (its check cells): never flagged
KIT_IMPORTS = frozenset({"mlp_harness.check:check_lab"})


def imported(tree: ast.AST) -> set[str]:
    """What a cell imports, one item each: ``"torch.nn"`` for ``import torch.nn``, ``"jax:grad"`` for ``from
    jax import grad`` (a name at a time), ``"torch"`` for ``__import__("torch")`` and
    ``importlib.import_module("torch")`` (a name written out)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.update(f"{node.module}:{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            if getattr(func, "id", None) == "__import__" or getattr(func, "attr", None) == "import_module":
                names.add(node.args[0].value)
    return names


def import_statement(item: str) -> str:
    """An item of :func:`imported` written back as Python: "from manual_mlp import MLP"."""
    module, _, name = item.partition(":")
    return f"from {module} import {name}" if name else f"import {module}"


def top_module(item: str) -> str:
    """The top-level module of an item of :func:`imported`: ``"torch"`` for ``"torch.nn:Linear"``."""
    return item.split(":")[0].split(".")[0]


def uses_of(cells: list[Cell]) -> list[str]:
    """The items of :func:`imported` of a :data:`FLAGGED` module, over all cells, sorted (a cell Python cannot
    parse is left out); the parent leaves out the course's own (:func:`flagged_modules`)."""
    names = set()
    for cell in cells:
        if not cell.skipped:
            try:
                names |= imported(ast.parse(cell.source))
            except (SyntaxError, ValueError, RecursionError, MemoryError):   # its own finding, elsewhere
                continue
    return sorted(name for name in names if top_module(name) in FLAGGED)


def flagged_modules(uses, given: frozenset[str] = frozenset()) -> list[str]:
    """The :data:`FLAGGED` modules of the items the worker says the file imports, in FLAGGED's order, leaving out
    the kit's check cells (:data:`KIT_IMPORTS`) and the imports the assignment's own notebook makes (``given``;
    ``"manual_mlp:*"``, from ``from manual_mlp import *``, gives every name imported from manual_mlp itself).
    Anything that is not a list of text is no import."""
    items = [item for item in uses if isinstance(item, str)] if isinstance(uses, list) else []
    allowed = KIT_IMPORTS | given
    tops = {top_module(item) for item in items
            if item not in allowed and not (":" in item and item.split(":")[0] + ":*" in allowed)}
    return [name for name in FLAGGED if name in tops]
