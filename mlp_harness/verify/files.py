"""Reading ``--weights`` and ``--data`` files, writing ``--json`` reports."""
from __future__ import annotations

import json
import math
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from manual_mlp.validation import InputError, as_float_array, check_batch, check_parameters

Array = np.ndarray


#: the first bytes of a file written by numpy.save (one bare array, not an archive)
NPY_MAGIC = b"\x93NUMPY"


def _check_archive(path: Path, what: str) -> None:
    """Refuse what is not an .npz archive before NumPy guesses (it would call a text file 'pickled data')."""
    if not path.exists():
        raise InputError(f"{what} file {str(path)!r} does not exist")
    if path.is_dir():
        raise InputError(f"{what} file {str(path)!r} is a directory, not an .npz file")
    try:
        with path.open("rb") as f:
            head = f.read(len(NPY_MAGIC))
    except PermissionError:
        raise InputError(f"{what} file {str(path)!r} cannot be read (permission denied)") from None
    except OSError as exc:
        raise InputError(f"{what} file {str(path)!r} cannot be read ({exc.strerror})") from None
    if head == NPY_MAGIC:
        raise InputError(f"{what} file {str(path)!r} holds a single array (numpy.save): "
                         "write named arrays with numpy.savez instead")
    if not zipfile.is_zipfile(path):
        raise InputError(f"{what} file {str(path)!r} is not an .npz archive (numpy.savez writes a zip of named arrays)")


def load_npz(path: str | Path, what: str) -> dict[str, Array]:
    """All arrays of an .npz file, or an :class:`InputError` that says why not."""
    path = Path(path)
    _check_archive(path, what)
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as archive:
            for name in archive.files:
                try:
                    arrays[name] = archive[name]
                except ValueError:  # only object arrays fail here, as pickles are refused
                    raise InputError(f"array {name!r} in {what} file {str(path)!r} holds Python objects, "
                                     "not numbers") from None
    except InputError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{what} file {str(path)!r} is not a readable .npz archive ({exc})") from None
    return arrays


def load_weights(path: str | Path) -> tuple[list[Array], list[Array] | None]:
    """θ⁽¹⁾…θ⁽ᴸ⁾ from arrays ``theta1``…``thetaL`` and, optionally, b⁽ˡ⁾ from ``b1``…``bL``."""
    arrays = load_npz(path, "weights")
    where = f"weights file {str(path)!r}"
    pattern = re.compile(r"(theta|b)([1-9][0-9]*)")
    unknown = sorted(name for name in arrays if not pattern.fullmatch(name))
    if unknown:
        raise InputError(f"{where} has unexpected arrays {unknown}; expected theta1…thetaL and optionally b1…bL "
                         "(layers are numbered from 1)")
    layers = sorted(int(name[5:]) for name in arrays if name.startswith("theta"))
    if not layers:
        raise InputError(f"{where} has no theta1 (it has {sorted(arrays)}): expected arrays theta1…thetaL")
    L = layers[-1]
    missing = [f"theta{l}" for l in range(1, L + 1) if l not in layers]
    if missing:
        raise InputError(f"{where} has theta{L} but is missing {missing}: layers must be 1…L without gaps")
    bias_layers = sorted(int(name[1:]) for name in arrays if name.startswith("b"))
    if bias_layers and bias_layers != list(range(1, L + 1)):
        have = [f"b{l}" for l in bias_layers]
        raise InputError(f"{where} has theta1…theta{L} and biases {have}: give all of b1…b{L} or none")
    thetas = [as_float_array(arrays[f"theta{l}"], f"theta{l} in {where}") for l in range(1, L + 1)]
    biases = [as_float_array(arrays[f"b{l}"], f"b{l} in {where}") for l in range(1, L + 1)] if bias_layers else None
    try:
        return check_parameters(thetas, biases)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def load_data(path: str | Path, sizes: list[int] | None = None, loss: str = "half_sse") -> tuple[Array, Array]:
    """X (N, n₀) and Y (N, n_L) from an .npz file with arrays ``X`` and ``Y``.

    With the network's layer sizes [n₀, …, n_L] the shapes are checked too, and
    a mismatch names the file.
    """
    arrays = load_npz(path, "data")
    missing = [name for name in ("X", "Y") if name not in arrays]
    if missing:
        raise InputError(f"data file {str(path)!r} is missing {missing}; it has {sorted(arrays)} "
                         "(expected X of shape (N, n₀) and Y of shape (N, n_L))")
    extra = sorted(set(arrays) - {"X", "Y"})
    if extra:
        raise InputError(f"data file {str(path)!r} has unexpected arrays {extra}; expected exactly X and Y")
    X = as_float_array(arrays["X"], f"X in {str(path)!r}")
    Y = arrays["Y"]
    if not (Y.ndim == 1 and Y.dtype.kind in "iu"):  # integer class labels stay integers (cross_entropy)
        Y = as_float_array(Y, f"Y in {str(path)!r}")
    if sizes is None:
        return X, Y
    try:
        return check_batch(X, Y, sizes, None, loss)
    except InputError as exc:
        raise InputError(f"data file {str(path)!r}: {exc}") from None


def json_number(x: float) -> float | None:
    """A float for JSON; non-finite values become null (JSON has no NaN)."""
    x = float(x)
    return x if math.isfinite(x) else None


def json_array(a: Array):
    return [json_array(row) for row in a] if np.ndim(a) else json_number(a)


def check_json_path(path: str | Path) -> None:
    """Refuse a ``--json`` path that cannot be written, before the run rather than after it."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"cannot write the JSON report to {str(path)!r}: it is a directory")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"cannot write the JSON report to {str(path)!r}: the folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"cannot write the JSON report to {str(path)!r} (permission denied)")


def write_json(path: str | Path, payload: dict) -> None:
    """Write ``payload``; every number in it must already be finite or None (see :func:`json_number`)."""
    try:
        Path(path).write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write the JSON report to {str(path)!r} ({exc.strerror})") from None


def weight_arrays(thetas: list[Array], biases: list[Array] | None) -> dict[str, Array]:
    """θ (and b) named as a ``--weights`` file names them: theta1…thetaL, b1…bL."""
    arrays = {f"theta{l}": theta for l, theta in enumerate(thetas, 1)}
    arrays.update({f"b{l}": b for l, b in enumerate(biases or [], 1)})
    return arrays


def check_save_path(path: str | Path, inputs: list[str | Path | None]) -> None:
    """Refuse a ``--save`` path before training: it must end in .npz, its folder exist, and it be no input."""
    path = Path(path)
    if path.suffix != ".npz":
        raise InputError(f"--save {str(path)!r}: give a name ending in .npz (the format --weights reads)")
    if not path.parent.is_dir():
        raise InputError(f"--save {str(path)!r}: the folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"--save {str(path)!r} is a directory")
    for given in filter(None, inputs):
        if path.resolve() == Path(given).resolve():
            raise InputError(f"--save {str(path)!r} is also an input of this run ({given}): "
                             "give another name, an output never overwrites an input")


def save_weights(path: str | Path, thetas: list[Array], biases: list[Array] | None) -> None:
    """Write θ (and b) in the ``--weights`` format; through a temporary file in the same folder, then renamed,
    so that an interrupted run never leaves half a file."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **weight_arrays(thetas, biases))
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write the weights to {str(path)!r} ({exc.strerror or exc})") from None
