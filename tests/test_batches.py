"""Mini-batches: every sample once per epoch, the same batches for both twins, reproducible shuffles."""
import numpy as np
import pytest

from manual_mlp import epoch_batches, random_parameters, step_batch
from mlp_harness import RunConfig, run_comparison


@pytest.mark.parametrize("n,batch_size,seed", [(10, 3, None), (10, 3, 7), (8, 8, 1), (5, 1, None)])
def test_each_epoch_covers_every_sample_once(n, batch_size, seed):
    for epoch in range(3):
        batches = epoch_batches(n, batch_size, seed, epoch)
        assert sorted(np.concatenate(batches)) == list(range(n))
        assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)


def test_shuffle_is_reproducible_and_changes_each_epoch():
    assert [b.tolist() for b in epoch_batches(12, 4, 5, 0)] == [b.tolist() for b in epoch_batches(12, 4, 5, 0)]
    assert [b.tolist() for b in epoch_batches(12, 4, 5, 0)] != [b.tolist() for b in epoch_batches(12, 4, 5, 1)]


def test_steps_walk_the_epochs_in_order():
    flat = [step_batch(k, 7, 3, None).tolist() for k in range(1, 7)]
    assert flat == [[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]]


def test_steps_see_their_own_batch():
    """J of step k is J of batch k: a harness that fed the full batch would give a different loss."""
    thetas, _ = random_parameters([2, 3, 1], 0)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(6, 2)), rng.uniform(size=(6, 1))
    mini = run_comparison(RunConfig(steps=1, batch_size=2), thetas, None, X, Y)
    first_two = run_comparison(RunConfig(steps=1), thetas, None, X[:2], Y[:2])
    assert mini.steps[0].loss_numpy == first_two.steps[0].loss_numpy
    assert mini.steps[0].loss_numpy != run_comparison(RunConfig(steps=1), thetas, None, X, Y).steps[0].loss_numpy



@pytest.mark.parametrize("seed", [None, 1])
def test_slices_pick_the_same_rows_as_the_index_arrays(seed):
    from manual_mlp.batches import epoch_slices, step_slice
    A = np.arange(14.0).reshape(7, 2)
    for epoch in range(2):
        for batch, indexer in zip(epoch_batches(7, 3, seed, epoch), epoch_slices(7, 3, seed, epoch), strict=True):
            np.testing.assert_array_equal(A[indexer], A[batch])
            assert np.shares_memory(A[indexer], A) == (seed is None)
    for step in range(1, 7):
        np.testing.assert_array_equal(A[step_slice(step, 7, 3, seed)], A[step_batch(step, 7, 3, seed)])
