"""Reading ``--weights`` and ``--data`` files, writing ``--json`` reports."""
from __future__ import annotations

import json
import math
import re
import zipfile
from pathlib import Path

import numpy as np

from manual_mlp.validation import InputError, as_float_array

Array = np.ndarray


def load_npz(path: str | Path, what: str) -> dict[str, Array]:
    """All arrays of an .npz file, or an :class:`InputError` that says why not."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} file {str(path)!r} does not exist")
    if path.is_dir():
        raise InputError(f"{what} file {str(path)!r} is a directory, not an .npz file")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise InputError(f"{what} file {str(path)!r} holds a single array: save it with numpy.savez")
            return {name: archive[name] for name in archive.files}
    except InputError:
        raise
    except PermissionError:
        raise InputError(f"{what} file {str(path)!r} cannot be read (permission denied)") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{what} file {str(path)!r} is not a readable .npz archive ({exc})") from None


def load_weights(path: str | Path) -> tuple[list[Array], list[Array] | None]:
    """θ⁽¹⁾…θ⁽ᴸ⁾ from arrays ``theta1``…``thetaL`` and, optionally, b⁽ˡ⁾ from ``b1``…``bL``."""
    arrays = load_npz(path, "weights")
    pattern = re.compile(r"(theta|b)([1-9][0-9]*)")
    unknown = sorted(name for name in arrays if not pattern.fullmatch(name))
    if unknown:
        raise InputError(f"weights file {str(path)!r} has unexpected arrays {unknown}; "
                         "expected theta1…thetaL and optionally b1…bL")
    layers = sorted(int(name[5:]) for name in arrays if name.startswith("theta"))
    if not layers:
        raise InputError(f"weights file {str(path)!r} has no theta1: expected arrays theta1…thetaL")
    L = layers[-1]
    missing = [f"theta{l}" for l in range(1, L + 1) if l not in layers]
    if missing:
        raise InputError(f"weights file {str(path)!r} has theta{L} but is missing {missing}: layers must be 1…L without gaps")
    bias_layers = sorted(int(name[1:]) for name in arrays if name.startswith("b"))
    if bias_layers and bias_layers != list(range(1, L + 1)):
        have = [f"b{l}" for l in bias_layers]
        raise InputError(f"weights file {str(path)!r} has biases {have}: give all of b1…b{L} or none")
    thetas = [as_float_array(arrays[f"theta{l}"], f"theta{l} in {str(path)!r}") for l in range(1, L + 1)]
    biases = [as_float_array(arrays[f"b{l}"], f"b{l} in {str(path)!r}") for l in range(1, L + 1)] if bias_layers else None
    return thetas, biases


def load_data(path: str | Path) -> tuple[Array, Array]:
    """X (N, n₀) and Y (N, n_L) from an .npz file with arrays ``X`` and ``Y``."""
    arrays = load_npz(path, "data")
    missing = [name for name in ("X", "Y") if name not in arrays]
    if missing:
        raise InputError(f"data file {str(path)!r} is missing {missing}; it has {sorted(arrays)}")
    extra = sorted(set(arrays) - {"X", "Y"})
    if extra:
        raise InputError(f"data file {str(path)!r} has unexpected arrays {extra}; expected exactly X and Y")
    Y = arrays["Y"]
    if not (Y.ndim == 1 and Y.dtype.kind in "iu"):  # integer class labels stay integers (cross_entropy)
        Y = as_float_array(Y, f"Y in {str(path)!r}")
    return as_float_array(arrays["X"], f"X in {str(path)!r}"), Y


def json_number(x: float) -> float | None:
    """A float for JSON; non-finite values become null (JSON has no NaN)."""
    x = float(x)
    return x if math.isfinite(x) else None


def json_array(a: Array):
    return [json_array(row) for row in a] if np.ndim(a) else json_number(a)


def write_json(path: str | Path, payload: dict) -> None:
    try:
        Path(path).write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write the JSON report to {str(path)!r} ({exc.strerror})") from None
