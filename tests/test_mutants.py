"""Every classic mistake in the catalogue is caught, at the quantity and layer where it first shows.

Network: 3-4-4-2 sigmoid with biases, N = 2 samples, one step with η = 0.1 (3-3-3-3 for the mistake that
needs equal sizes). The expected place is the first quantity, in the order the math flows (z, a for
l = 1…L; J; δ for l = L…1; ∂J/∂θ, ∂J/∂b for l = L…1; new θ, b for l = 1…L), that the broken formula feeds.
The harness's own rule applies (each quantity's rounding-error bound, ~1e-15 here); the smallest of these
mistakes moves a value by ~1e-5, ten orders of magnitude above it.
"""
import numpy as np
import pytest

from manual_mlp import random_parameters
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli.compare_cli import main
from mlp_harness.teach.mutants import MUTANTS

L = 3
EXPECTED = {
    "no_sigma_prime": ("delta", L),                 # δ⁽ᴸ⁾ is the first quantity built with σ′
    "hidden_no_sigma_prime": ("delta", L - 1),      # δ⁽ᴸ⁾ is right, the first hidden δ is not
    "sigma_prime_of_a": ("delta", L),
    "sigma_prime_of_z": ("delta", L),
    "theta_l_in_hidden_delta": ("delta", L - 1),
    "missing_transpose": ("grad_theta", L),         # the δ are right; θ⁽ᴸ⁾ is (2, 4), not a row or column
    "half_dropped": ("delta", L),                   # J itself is right, ∂J/∂a⁽ᴸ⁾ (inside δ⁽ᴸ⁾) doubled
    "residual_sign": ("delta", L),
    "sign_flipped": ("theta", 1),                   # every gradient right; the first updated θ is θ⁽¹⁾
    "bias_grad_first_sample": ("grad_b", L),        # ∂J/∂θ⁽ᴸ⁾ comes before ∂J/∂b⁽ᴸ⁾ and is right
    "mean_instead_of_sum": ("grad_theta", L),
    "updated_theta_in_backward": ("delta", L - 1),  # δ⁽ᴸ⁾ needs no θ; δ⁽ᴸ⁻¹⁾ uses the new θ⁽ᴸ⁾
}
SIZES = {"theta_l_in_hidden_delta": [3, 3, 3, 3]}


def network(sizes: list[int]):
    thetas, biases = random_parameters(sizes, seed=3, bias=True)
    rng = np.random.default_rng(4)
    return thetas, biases, rng.normal(size=(2, sizes[0])), rng.uniform(size=(2, sizes[-1]))


def test_the_catalogue_has_at_least_nine_mistakes_and_each_is_tested_here():
    assert len(MUTANTS) >= 9
    assert set(EXPECTED) == set(MUTANTS)


@pytest.mark.parametrize("name", EXPECTED)
def test_mutant_is_caught_where_it_first_shows(name):
    thetas, biases, X, Y = network(SIZES.get(name, [3, 4, 4, 2]))
    config = RunConfig(steps=3)
    report = run_comparison(config, thetas, biases, X, Y, manual_model=MUTANTS[name].network(config, thetas, biases, 2))
    m = report.first_mismatch
    assert m is not None, f"{name} went unnoticed"
    assert (m.step, m.quantity, m.layer, m.diverged) == (1, *EXPECTED[name], None)


def test_building_mutants_leaves_the_correct_network_correct():
    thetas, biases, X, Y = network([3, 4, 4, 2])
    for mutant in MUTANTS.values():
        if mutant.requires([3, 4, 4, 2], True, 2) is None:
            broken = mutant.network(RunConfig(), thetas, biases, 2)
            run_comparison(RunConfig(), thetas, biases, X, Y, manual_model=broken)
    assert run_comparison(RunConfig(steps=3), thetas, biases, X, Y).ok


# On the lab's 2-3-1 network (no biases): θ⁽²⁾ is a row, for which reshape and transpose agree, so the
# missing transpose first shows in ∂J/∂θ⁽¹⁾.
LAB_EXPECTED = {"no_sigma_prime": "δ⁽²⁾", "hidden_no_sigma_prime": "δ⁽¹⁾", "sigma_prime_of_a": "δ⁽²⁾",
                "sigma_prime_of_z": "δ⁽²⁾",
                "missing_transpose": "∂J/∂θ⁽¹⁾", "half_dropped": "δ⁽²⁾", "residual_sign": "δ⁽²⁾",
                "sign_flipped": "θ⁽¹⁾ (new)", "mean_instead_of_sum": "∂J/∂θ⁽²⁾", "updated_theta_in_backward": "δ⁽¹⁾"}


@pytest.mark.parametrize("name,label", LAB_EXPECTED.items())
def test_inject_bug_shows_the_first_mismatch_and_explains_it(name, label, capsys):
    assert main(["--inject-bug", name]) == 1
    out = capsys.readouterr().out
    marked = [line for line in out.splitlines() if "◀ first mismatch" in line]
    assert len(marked) == 1 and marked[0].startswith(label + " "), marked
    assert f"Injected mistake {name!r}: {MUTANTS[name].description}" in out


def test_inject_bug_list_describes_every_mistake(capsys):
    assert main(["--inject-bug", "list"]) == 0
    out = capsys.readouterr().out
    for mutant in MUTANTS.values():
        assert f"{mutant.name}\n    {mutant.description}\n    right:    {mutant.right}\n" in out


def test_inject_bug_on_a_network_where_it_shows(capsys):
    assert main(["--inject-bug", "bias_grad_first_sample", "--layers", "3,4,4,2", "--bias"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("∂J/∂b⁽³⁾") and "◀ first mismatch" in line for line in lines)


def test_float32_error_bounds_catch_a_mistake_that_a_fixed_tolerance_hides(capsys):
    """On the lab's network the eager update moves δ⁽¹⁾ by about 2e-5 (η∂J/∂θ⁽²⁾ ≈ 4e-3, times δ⁽²⁾ ≈ 0.05
    and σ′ ≤ ¼). Its rounding-error bound in float32 is ~1e-8, so the default rule catches it; the old
    fixed 10⁴·ε ≈ 1.2e-3 hides it, and the run says the mistake went unnoticed rather than looking correct."""
    assert main(["--inject-bug", "updated_theta_in_backward", "--dtype", "float32"]) == 1
    assert "◀ first mismatch" in capsys.readouterr().out
    assert main(["--inject-bug", "updated_theta_in_backward", "--dtype", "float32", "--rtol", "1.2e-3"]) == 0
    assert "It went unnoticed" in capsys.readouterr().out


def test_activation_mistakes_also_run_with_softmax_and_cross_entropy():
    """The output δ of softmax + cross-entropy needs no f′, so leaving f′ out shows first in the hidden δ."""
    thetas, biases = random_parameters([3, 4, 3], 5, bias=True)
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(4, 3)), rng.integers(0, 3, size=4)
    config = RunConfig(output_activation="softmax", loss="cross_entropy")
    broken = MUTANTS["no_sigma_prime"].network(config, thetas, biases, len(X))
    m = run_comparison(config, thetas, biases, X, Y, manual_model=broken).first_mismatch
    assert (m.quantity, m.layer) == ("delta", 1)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mistake_is_described_in_portuguese_too(name):
    from mlp_harness.i18n import tr
    portuguese = tr("pt", MUTANTS[name].description)
    assert portuguese != MUTANTS[name].description
    assert MUTANTS[name].explain("pt").startswith(f"Erro injetado (--inject-bug {name}): {portuguese}.")
