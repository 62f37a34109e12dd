"""Where the torch twin runs, and how a GPU multiplies float32 matrices there.

On NVIDIA GPUs since Ampere, cuBLAS can run a float32 matmul as TF32: each
input is rounded to 10 mantissa bits (unit roundoff 2⁻¹¹ ≈ 4.9e-4, against
float32's 2⁻²⁴ ≈ 6e-8) and products are summed in float32. That is a
different computation from the NumPy twin's float32, so TF32 is off unless
the user asks for it (``--allow-tf32``).

PyTorch has two spellings of the same switch for matmuls:
``torch.backends.cuda.matmul.allow_tf32 = True`` and
``torch.set_float32_matmul_precision("high")`` ("highest" means no TF32).
Convolutions have their own flag, ``torch.backends.cudnn.allow_tf32``, which
defaults to True; these networks have no convolution, but both flags are set
explicitly so that nothing depends on torch's defaults. The flags are
process-wide, so :func:`tf32_mode` sets them for the twin's step and puts
the caller's values back afterwards.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch

from manual_mlp.validation import InputError
from manual_mlp.messages import _


def check_device(device: str | torch.device) -> torch.device:
    """``device`` as a :class:`torch.device`, or an :class:`InputError` that says why it cannot be used."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise InputError(_("unknown device {name!r}: use 'cpu' or 'cuda'").format(name=str(device))) from None
    if dev.type == "cpu":
        return dev
    if dev.type != "cuda":
        raise InputError(_("the torch twin runs on 'cpu' or 'cuda', not {name!r}").format(name=str(device)))
    if not torch.cuda.is_available():
        built = _("built with CUDA {cuda}").format(cuda=torch.version.cuda) if torch.version.cuda else \
            _("built without CUDA")
        raise InputError(_(
            "--device cuda: PyTorch {version} ({built}) finds no CUDA GPU here; use --device cpu").format(
                version=torch.__version__, built=built))
    if dev.index is not None and dev.index >= torch.cuda.device_count():
        raise InputError(_("--device {device}: torch.cuda.device_count() is {n}").format(
            device=dev, n=torch.cuda.device_count()))
    return dev


@contextmanager
def tf32_mode(allow_tf32: bool) -> Iterator[None]:
    """Within the block, float32 matmuls (and convolutions) on CUDA use TF32 only if ``allow_tf32``."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = allow_tf32
    torch.backends.cudnn.allow_tf32 = allow_tf32
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved
