"""Reading ``--weights`` and ``--data`` files, writing ``--json`` reports and every other output.

Inputs: only regular files are opened (a FIFO or a device such as /dev/zero would block or never end);
each array's size is read from its header and checked against the machine's memory before it is
unpacked; whatever goes wrong while reading is one :class:`InputError` naming the file.

Outputs: :func:`check_outputs` refuses, before any work, an output path that is an input of the run or
another output of it (through symlinks and hard links too); :func:`atomic_write` writes to a temporary
file in the same folder and renames it into place, so a failure (a full disk, a file-size limit, an
interrupted run) leaves the old file as it was and no partial file. An output that is not a regular file
is written directly, never replaced: a device (/dev/null), a FIFO (refused at once when no process reads
it, rather than waiting forever), and a name of one of this process's own open files (/dev/stdout,
/dev/stderr, /dev/fd/N), which is written through that descriptor at its own offset — so
``--json /dev/stdout >> log`` appends to the log, and through a pipe it reaches the pipe.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
import re
import stat
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, Callable

import numpy as np

from manual_mlp.validation import InputError, as_float_array, check_batch, check_parameters

from .resources import check_fits, run_bytes
from ..i18n import _, os_reason

Array = np.ndarray


#: the first bytes of a file written by numpy.save (one bare array, not an archive)
NPY_MAGIC = b"\x93NUMPY"


def listed(names, limit: int = 8) -> str:
    """['a', 'b', …] with at most ``limit`` names, then how many more: a message stays one readable line."""
    names = sorted(names)
    shown = ", ".join(repr(name[:40]) for name in names[:limit])
    return f"[{shown}{f', … and {len(names) - limit:,} more' if len(names) > limit else ''}]"


def _check_archive(path: Path, what: str) -> None:
    """Refuse what is not an .npz archive before NumPy guesses (it would call a text file 'pickled data')."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(_("{what} file {path!r} does not exist").format(what=what, path=str(path))) from None
    except OSError as exc:
        raise InputError(_("{what} file {path!r} cannot be read ({reason})").format(what=what, path=str(path),
                                                                                    reason=os_reason(exc))) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(_("{what} file {path!r} is a directory, not an .npz file").format(what=what, path=str(path)))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(_("{what} file {path!r} is not a regular file (a pipe, a device or a socket): give an "
                           ".npz file").format(what=what, path=str(path)))
    try:
        with path.open("rb") as f:
            head = f.read(len(NPY_MAGIC))
    except PermissionError:
        raise InputError(_("{what} file {path!r} cannot be read (permission denied)").format(
            what=what, path=str(path))) from None
    except OSError as exc:
        raise InputError(_("{what} file {path!r} cannot be read ({reason})").format(what=what, path=str(path),
                                                                                    reason=os_reason(exc))) from None
    if head == NPY_MAGIC:
        raise InputError(_("{what} file {path!r} holds a single array (numpy.save): write named arrays with "
                           "numpy.savez instead").format(what=what, path=str(path)))
    if not zipfile.is_zipfile(path):
        raise InputError(_(
            "{what} file {path!r} is not an .npz archive (numpy.savez writes a zip of named arrays)").format(
                what=what, path=str(path)))


def _check_sizes(archive: zipfile.ZipFile, path: Path, what: str) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Every member's shape and dtype, from its .npy header alone (nothing else is unpacked). The members'
    unpacked sizes together, from the zip directory and from the headers, must fit in memory — the total,
    not each alone — and no header may claim more data than its member holds."""
    members, directory_total, header_total = {}, 0, 0
    for info in archive.infolist():
        directory_total += info.file_size
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, _order, dtype = read_header(member)   # the header only, no data
        data_bytes = math.prod(shape) * dtype.itemsize
        if not dtype.hasobject and data_bytes > info.file_size:
            raise InputError(_("array {name!r} of {what} file {path!r} claims shape {shape} ({dtype}), more data "
                               "than the archive holds for it: the file is damaged").format(
                                   name=info.filename[:40], what=what, path=str(path), shape=shape, dtype=dtype))
        header_total += data_bytes
        members[info.filename.removesuffix(".npy")] = (shape, dtype)
    check_fits(max(directory_total, header_total),
               _("the arrays of {what} file {path!r} (unpacked)").format(what=what, path=str(path)))
    return members


def npz_headers(path: str | Path, what: str) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Each array's shape and dtype, read from the headers without unpacking any data (checked as
    :func:`load_npz` checks them)."""
    path = Path(path)
    _check_archive(path, what)
    return _guarded(path, what, lambda: _members(path, what))


def _members(path: Path, what: str):
    with zipfile.ZipFile(path) as archive:
        return _check_sizes(archive, path, what)


def load_npz(path: str | Path, what: str) -> dict[str, Array]:
    """All arrays of an .npz file, or an :class:`InputError` that says why not (whatever went wrong)."""
    path = Path(path)
    _check_archive(path, what)
    return _guarded(path, what, lambda: (_members(path, what), _read_arrays(path, what))[1])


def _guarded(path: Path, what: str, read):
    """``read()``, with whatever goes wrong while reading the archive as one InputError naming the file."""
    try:
        return read()
    except InputError:
        raise
    except MemoryError:
        raise InputError(_("{what} file {path!r} does not fit in memory").format(what=what, path=str(path))) from None
    except Exception as exc:   # a malformed header, a bad deflate stream, an encrypted member, …: one line
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError(_("{what} file {path!r} is not a readable .npz archive ({reason})").format(what=what, path=str(
            path), reason=reason)) from None


def _read_arrays(path: Path, what: str) -> dict[str, Array]:
    arrays = {}
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            try:
                arrays[name] = archive[name]
            except ValueError as exc:
                if "allow_pickle" not in str(exc):
                    raise
                raise InputError(_("array {name!r} in {what} file {path!r} holds Python objects, not numbers").format(
                    name=name[:40], what=what, path=str(path))) from None
    return arrays


def load_weights(path: str | Path, dtype: str | None = None) -> tuple[list[Array], list[Array] | None]:
    """θ⁽¹⁾…θ⁽ᴸ⁾ from arrays ``theta1``…``thetaL`` and, optionally, b⁽ˡ⁾ from ``b1``…``bL`` (in ``dtype``,
    when given: a value beyond its range is refused naming the file)."""
    arrays = load_npz(path, _("weights"))
    where = f"weights file {str(path)!r}"
    pattern = re.compile(r"(theta|b)([1-9][0-9]*)")
    unknown = [name for name in arrays if not pattern.fullmatch(name)]
    if unknown:
        raise InputError(_("{where} has unexpected arrays {names}; expected theta1…thetaL and optionally b1…bL "
                           "(layers are numbered from 1)").format(where=where, names=listed(unknown)))
    layers = sorted(int(name[5:]) for name in arrays if name.startswith("theta"))
    if not layers:
        raise InputError(_("{where} has no theta1 (it has {names}): expected arrays theta1…thetaL").format(
            where=where, names=listed(arrays)))
    L = layers[-1]
    if layers != list(range(1, len(layers) + 1)):   # never walks 1…L: L may be theta99999999999999999999
        present = set(layers)
        missing = [f"theta{l}" for l in range(1, len(layers) + 2) if l not in present]
        raise InputError(_("{where} has theta{L} but is missing {names}: layers must be 1…L without gaps").format(
            where=where, L=str(L)[:20], names=listed(missing, 5)))
    bias_layers = sorted(int(name[1:]) for name in arrays if name.startswith("b"))
    if bias_layers and bias_layers != list(range(1, L + 1)):
        have = [f"b{l}" for l in bias_layers]
        raise InputError(_("{where} has theta1…theta{L} and biases {names}: give all of b1…b{last} or none").format(
            where=where, L=L, names=listed(have), last=L))
    thetas = [as_float_array(arrays[f"theta{l}"], _("theta{num} in {where}").format(num=l, where=where),
                             dtype) for l in range(1, L + 1)]
    biases = [as_float_array(arrays[f"b{l}"], _("b{num} in {where}").format(num=l, where=where), dtype)
              for l in range(1, L + 1)] if bias_layers else None
    try:
        return check_parameters(thetas, biases)
    except InputError as exc:
        raise InputError(_("{where}: {error}").format(where=where, error=exc)) from None


def load_data(path: str | Path, sizes: list[int] | None = None, loss: str = "half_sse",
              dtype: str | None = None) -> tuple[Array, Array]:
    """X (N, n₀) and Y (N, n_L) from an .npz file with arrays ``X`` and ``Y``.

    With the network's layer sizes [n₀, …, n_L] the shapes are checked too, and
    a mismatch names the file, and the run's memory is checked from the headers before anything is
    unpacked (a 3 MB archive of zeros can hold 2.5 GB).
    """
    if sizes is not None:
        _check_run_fits(path, sizes, dtype)
    arrays = load_npz(path, _("data"))
    missing = [name for name in ("X", "Y") if name not in arrays]
    if missing:
        raise InputError(_("data file {path!r} is missing {names}; it has {have} (expected X of shape (N, n₀) and "
                           "Y of shape (N, n_L))").format(path=str(path), names=missing, have=listed(arrays)))
    extra = sorted(set(arrays) - {"X", "Y"})
    if extra:
        raise InputError(_("data file {path!r} has unexpected arrays {names}; expected exactly X and Y").format(
            path=str(path), names=listed(extra)))
    X = as_float_array(arrays["X"], _("X in {where!r}").format(where=str(path)), dtype)
    Y = arrays["Y"]
    if not (Y.ndim == 1 and Y.dtype.kind in "iu"):  # integer class labels stay integers (cross_entropy)
        Y = as_float_array(Y, f"Y in {str(path)!r}", dtype)
    if sizes is None:
        return X, Y
    try:
        return check_batch(X, Y, sizes, None, loss)
    except InputError as exc:
        raise InputError(_("data file {path!r}: {error}").format(path=str(path), error=exc)) from None


def _check_run_fits(path: str | Path, sizes: list[int], dtype: str | None) -> None:
    headers = npz_headers(path, _("data"))
    if "X" in headers and len(headers["X"][0]) == 2:
        samples = headers["X"][0][0]
        itemsize = np.dtype(dtype).itemsize if dtype else 8
        check_fits(run_bytes(sizes, samples, itemsize), _("the network {sizes} on {n:,} samples of data file "
                                                          "{path!r}").format(sizes='-'.join(map(str, sizes))[:60],
                                                                             n=samples, path=str(path)))


def json_number(x: float) -> float | None:
    """A float for JSON; non-finite values become null (JSON has no NaN)."""
    x = float(x)
    return x if math.isfinite(x) else None


def json_array(a: Array):
    return [json_array(row) for row in a] if np.ndim(a) else json_number(a)


def check_json_path(path: str | Path) -> None:
    """Refuse a ``--json`` path that cannot be written, before the run rather than after it."""
    check_output_path(path, _("the JSON report"))


def check_output_path(path: str | Path, what: str) -> None:
    """Refuse an output path that cannot be written: a directory, a missing folder, no permission, a name
    the file system refuses."""
    path = Path(path)
    try:
        path.exists()   # False for a missing file or folder; raises for a name too long
    except OSError as exc:   # a name too long for the file system, a folder that cannot be searched
        raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                reason=os_reason(exc))) from None
    if path.is_dir():
        raise InputError(_("cannot write {what} to {path!r}: it is a directory").format(what=what, path=str(path)))
    if own_descriptor(path) is not None or (path.exists() and not path.is_file()):
        if own_descriptor(path) is None and not os.access(path, os.W_OK):
            raise InputError(_("cannot write {what} to {path!r} (permission denied)").format(what=what, path=str(path)))
        return   # a stream or a device: written directly (atomic_write)
    parent = path.parent
    if not parent.is_dir():
        raise InputError(_("cannot write {what} to {path!r}: the folder {folder!r} does not exist").format(
            what=what, path=str(path), folder=str(parent)))
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(_("cannot write {what} to {path!r} (permission denied)").format(what=what, path=str(
            path)))   # X: a folder's search


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file: the same path once symlinks are resolved, or hard links."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:   # either does not exist (yet): not the same file
        return False


def check_outputs(inputs: dict[str, str | None], outputs: dict[str, str | None]) -> None:
    """Refuse, before any work, an output that would overwrite an input or another output of the same run.

    ``inputs`` and ``outputs`` map a flag to its path ({"--data": "d.npz", "--json": "r.json"}); None
    means not given.
    """
    given_inputs = {flag: path for flag, path in inputs.items() if path}
    given_outputs = [(flag, path) for flag, path in outputs.items() if path]
    for i, (flag, path) in enumerate(given_outputs):
        for in_flag, in_path in given_inputs.items():
            if _same_file(path, in_path):
                raise InputError(_("{flag} {path!r} is the input file of {in_flag} {in_path!r}: writing it would "
                                   "destroy the input; give another name").format(
                                       flag=flag, path=path, in_flag=in_flag, in_path=in_path))
        for other_flag, other in given_outputs[:i]:
            if _same_file(path, other):
                raise InputError(_("{flag} {path!r} and {other_flag} {other!r} are the same file: one output would "
                                   "replace the other; give two names").format(flag=flag, path=path,
                                                                               other_flag=other_flag, other=other))


def atomic_write(path: str | Path, write: Callable[[BinaryIO], None], what: str) -> None:
    """Write an output all or nothing: ``write(f)`` fills a temporary file in the same folder, which then
    replaces ``path`` (a symlink's target). A failure leaves the old file intact and no partial file.

    A path that is not a regular file (/dev/null, a FIFO, /dev/stdout) is written directly: it cannot be
    replaced (the module docstring says how).
    """
    descriptor = own_descriptor(path)
    if descriptor is not None:
        return _write_to_descriptor(descriptor, write, what, path)
    target = os.path.realpath(path)
    if os.path.exists(target) and not os.path.isfile(target):
        return _write_directly(target, write, what, path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".mlp-", suffix=".part", dir=os.path.dirname(target))
    except OSError as exc:
        raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                reason=os_reason(exc))) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(temporary, 0o666 & ~_umask())   # mkstemp makes it private; an output is an ordinary file
        os.replace(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                    reason=os_reason(exc))) from None
        raise


#: names of this process's own open files: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
_OWN_FILE = re.compile(r"/dev/std(out|err)|/dev/fd/(\d+)|/proc/self/fd/(\d+)")


def own_descriptor(path: str | Path) -> int | None:
    """The descriptor a path names when it is one of this process's open files (see ``_OWN_FILE``), else None."""
    match = _OWN_FILE.fullmatch(os.path.normpath(os.path.abspath(str(path))))
    if not match:
        return None
    stream, fd, proc_fd = match.groups()
    return {"out": 1, "err": 2}[stream] if stream else int(fd or proc_fd)


def _write_to_descriptor(descriptor: int, write: Callable[[BinaryIO], None], what: str, path) -> None:
    """Write through an open descriptor, at its offset (an O_APPEND redirect appends), after what this
    process already printed to it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        with os.fdopen(os.dup(descriptor), "wb") as f:
            write(f)
    except OSError as exc:
        raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                reason=os_reason(exc))) from None


def _write_directly(target: str, write: Callable[[BinaryIO], None], what: str, path) -> None:
    """A device or a FIFO: opened without waiting (a FIFO nobody reads is refused at once), then written."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise InputError(_("cannot write {what} to {path!r}: it is a FIFO that no process is reading").format(
                what=what, path=str(path))) \
                from None
        raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                reason=os_reason(exc))) from None
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with os.fdopen(fd, "wb") as f:
            write(f)
    except OSError as exc:
        raise InputError(_("cannot write {what} to {path!r} ({reason})").format(what=what, path=str(path),
                                                                                reason=os_reason(exc))) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path: str | Path, payload: dict | list) -> None:
    """Write ``payload`` atomically; every number in it must already be finite or None (see :func:`json_number`)."""
    text = json.dumps(payload, indent=1, allow_nan=False) + "\n"
    atomic_write(path, lambda f: f.write(text.encode("utf-8")), _("the JSON report"))


def weight_arrays(thetas: list[Array], biases: list[Array] | None) -> dict[str, Array]:
    """θ (and b) named as a ``--weights`` file names them: theta1…thetaL, b1…bL."""
    arrays = {f"theta{l}": theta for l, theta in enumerate(thetas, 1)}
    arrays.update({f"b{l}": b for l, b in enumerate(biases or [], 1)})
    return arrays


def check_save_path(path: str | Path) -> None:
    """Refuse a ``--save`` path before training: a name not ending in .npz, or one that cannot be written.
    (That it is none of the run's inputs or other outputs is :func:`check_outputs`'s to say.)"""
    if Path(path).suffix != ".npz":
        raise InputError(_("--save {path!r}: give a name ending in .npz (the format --weights reads)").format(
            path=str(path)))
    check_output_path(path, _("the weights"))


def save_weights(path: str | Path, thetas: list[Array], biases: list[Array] | None) -> None:
    """Write θ (and b) in the ``--weights`` format, all or nothing (see :func:`atomic_write`)."""
    arrays = weight_arrays(thetas, biases)
    atomic_write(path, lambda f: np.savez(f, **arrays), _("the weights"))
