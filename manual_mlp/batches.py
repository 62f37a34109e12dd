"""Which samples each training step sees.

One step = one batch. An epoch walks the N samples in order (or in a
permutation drawn from ``shuffle_seed`` and the epoch number) in slices of
``batch_size``; the last slice may be smaller, like ``torch.utils.data.DataLoader``
with ``drop_last=False``. Both twins get the very same index arrays.
"""
from __future__ import annotations

import numpy as np

from .validation import InputError
from .messages import _


def check_batch_size(batch_size: int | None, n_samples: int) -> int:
    """The batch size to use: ``None`` means the full batch, as in the lab."""
    if batch_size is None:
        return n_samples
    if not 1 <= batch_size <= n_samples:
        raise InputError(_("batch size must be between 1 and the number of samples N = {n}, got {value}").format(
            n=n_samples, value=batch_size))
    return batch_size


def epoch_batches(n_samples: int, batch_size: int | None = None, shuffle_seed: int | None = None,
                  epoch: int = 0) -> list[np.ndarray]:
    """Index arrays of every batch of epoch ``epoch`` (0-based)."""
    size = check_batch_size(batch_size, n_samples)
    if shuffle_seed is not None and not shuffle_seed >= 0:
        raise InputError(_("the shuffle seed must be a whole number ≥ 0, got {value}").format(value=shuffle_seed))
    if shuffle_seed is None:
        order = np.arange(n_samples)
    else:
        order = np.random.default_rng([shuffle_seed, epoch]).permutation(n_samples)
    return [order[start:start + size] for start in range(0, n_samples, size)]


def step_batch(step: int, n_samples: int, batch_size: int | None = None, shuffle_seed: int | None = None) -> np.ndarray:
    """Indices of the samples that step ``step`` (1-based) trains on."""
    per_epoch = -(-n_samples // check_batch_size(batch_size, n_samples))
    epoch, position = divmod(step - 1, per_epoch)
    return epoch_batches(n_samples, batch_size, shuffle_seed, epoch)[position]



def epoch_slices(n_samples: int, batch_size: int | None = None, shuffle_seed: int | None = None,
                 epoch: int = 0) -> list[slice | np.ndarray]:
    """The batches of :func:`epoch_batches`, as slices when unshuffled: ``X[batch]`` is then a view, not a copy."""
    if shuffle_seed is not None:
        return epoch_batches(n_samples, batch_size, shuffle_seed, epoch)
    size = check_batch_size(batch_size, n_samples)
    return [slice(start, min(start + size, n_samples)) for start in range(0, n_samples, size)]


def step_slice(step: int, n_samples: int, batch_size: int | None = None,
               shuffle_seed: int | None = None) -> slice | np.ndarray:
    """The batch of :func:`step_batch`, as a slice when unshuffled (see :func:`epoch_slices`)."""
    per_epoch = -(-n_samples // check_batch_size(batch_size, n_samples))
    epoch, position = divmod(step - 1, per_epoch)
    return epoch_slices(n_samples, batch_size, shuffle_seed, epoch)[position]
