"""A diagnosis is given only when nothing else fits equally.

For each entry of the lab's mistake catalogue (:mod:`mlp_harness.check.mistakes`) a tiny hand-in makes a
*nearby but different* mistake — the same function, a slip that is not the entry's formula — and must not be
given that entry's name; the entry's own hand-in still is, so each pair shows the test can tell them apart.
The calls are made in this process, as the worker makes them, on the lab's plan (autograd's inputs).
"""
import dataclasses
import functools
import os
import tempfile
import types
from pathlib import Path

import numpy as np
import pytest

from language import foreign_lines
from mlp_harness.check.api import judge, lab_plan, plan_for
from mlp_harness.check.assignment import BUILT_IN, load_assignment
from mlp_harness.check.execute import run_task
from mlp_harness.check.mistakes import MISTAKES
from mlp_harness.check.verdict import judge_formula

#: each function's parameters, as a notebook writes them (the calls pass them by position)
PARAMETERS = {"sigmoid": "z", "delta_L": "aL, Y", "delta_l": "delta_next, theta_next, al",
              "gradient": "delta, a_prev", "optimize": "theta, gradient, eta", "tanh_prime": "a",
              "tanh_prime_z": "z", "bias_gradient": "delta", "softmax": "z", "tanh": "z", "relu_prime_z": "z", "momentum_update": "theta, grad, velocity, eta, mu",
              "adam_update": "theta, grad, m, v, t, eta, beta1, beta2, eps",
              "adamw_update": "theta, grad, m, v, t, eta, beta1, beta2, eps, weight_decay"}
#: the assignment each catalogue signature is checked in, and the function that stands for it there
#: ("tanh_z": lab2 with tanh′ handed z, written as a teacher's file would be)
WHERE = {"sigmoid": ("lab1", "sigmoid"), "delta_L_sigmoid_half_sse": ("lab1", "delta_L"),
         "delta_l_sigmoid": ("lab1", "delta_l"), "gradient": ("lab1", "gradient"), "sgd_update": ("lab1", "optimize"),
         "tanh_prime_a": ("lab2", "tanh_prime"), "delta_L_softmax_cross_entropy": ("lab2", "delta_L"),
         "delta_l_tanh": ("lab2", "delta_l"), "bias_gradient": ("lab2", "bias_gradient"),
         "tanh_prime_z": ("tanh_z", "tanh_prime_z"), "momentum_update": ("lab3", "momentum_update"),
         "adam_update": ("lab3", "adam_update"), "adamw_update": ("adamw", "adamw_update"),
         "softmax": ("lab2", "softmax"), "relu_prime_z": ("relu", "relu_prime_z")}
SIG = "(1 / (1 + np.exp(-{0})))"
#: Adam's new m and v ({0}: the gradient), and its update of θ ({1}: the bias corrections' t, {2}: where ε goes)
M, V = "(beta1 * m + (1 - beta1) * {0})", "(beta2 * v + (1 - beta2) * {0} ** 2)"
UNCORRECTED = "/ (1 - beta1 ** (0))"   # adam(t="0")'s correction of m, a division by zero: taken out


def adam(g: str = "grad", t: str = "t + 1", root: str = "np.sqrt({v} / (1 - beta2 ** ({t}))) + eps") -> str:
    m, v = M.format(g), V.format(g)
    return (f"(theta - eta * {m} / (1 - beta1 ** ({t})) / ({root.format(v=v, t=t)}), {m}, {v}, t + 1)")

#: (catalogue entry, its signature — the lab's function for the lab's own —, the entry's own hand-in, a nearby
#: different one)
PAIRS = [
    ("exp_sign", "sigmoid", "1 / (1 + np.exp(z))", "1 / (1 - np.exp(-z))"),
    ("returns_derivative", "sigmoid", f"{SIG.format('z')} * (1 - {SIG.format('z')})",
     f"{SIG.format('z')} * (1 + {SIG.format('z')})"),
    ("missing_reciprocal", "sigmoid", "1 + np.exp(-z)", "1 - np.exp(-z)"),
    ("tanh_for_sigmoid", "sigmoid", "np.tanh(z)", "np.tanh(z / 2)"),
    ("residual_sign", "delta_L_sigmoid_half_sse", "(Y - aL) * aL * (1 - aL)", "(Y - aL) * (1 - aL)"),
    ("half_dropped", "delta_L_sigmoid_half_sse", "2 * (aL - Y) * aL * (1 - aL)", "2 * (aL - Y) * (1 - aL)"),
    ("no_sigma_prime", "delta_L_sigmoid_half_sse", "aL - Y", "(aL - Y) * aL"),
    ("sigma_prime_of_a", "delta_L_sigmoid_half_sse", f"(aL - Y) * {SIG.format('aL')} * (1 - {SIG.format('aL')})",
     f"(aL - Y) * {SIG.format('aL')}"),
    # divides by the output's width: the lab's is 1, so only the seeded networks tell it from the batch's mean
    ("mean_instead_of_sum", "delta_L_sigmoid_half_sse", "(aL - Y) * aL * (1 - aL) / aL.shape[0]",
     "(aL - Y) * aL * (1 - aL) / aL.shape[1]"),
    ("loss_instead_of_delta", "delta_L_sigmoid_half_sse", "0.5 * (Y - aL) ** 2", "(Y - aL) ** 2"),
    ("hidden_no_sigma_prime", "delta_l_sigmoid", "delta_next @ theta_next", "(delta_next @ theta_next) * al"),
    ("sigma_prime_of_a", "delta_l_sigmoid",
     f"(delta_next @ theta_next) * {SIG.format('al')} * (1 - {SIG.format('al')})",
     f"(delta_next @ theta_next) * {SIG.format('al')} * (1 - al)"),
    # issue 20's: the notebook's θ⁽²⁾ read with @ fails on every seeded network as a product of matrices, never
    # as the entry-by-entry product fails
    ("elementwise_product", "delta_l_sigmoid", "(delta_next * theta_next) * al * (1 - al)",
     "(delta_next @ theta2) * al * (1 - al)"),
    ("theta_transposed", "delta_l_sigmoid", "(delta_next @ theta_next.T) * al * (1 - al)",
     "delta_next @ theta_next.T"),
    ("transposed_gradient", "gradient", "a_prev.T @ delta", "a_prev.T @ delta / delta.shape[0]"),
    ("missing_transpose", "gradient", "(a_prev.T @ delta).reshape(delta.shape[1], a_prev.shape[1])",
     "delta @ a_prev"),
    ("mean_instead_of_sum", "gradient", "delta.T @ a_prev / delta.shape[0]", "delta.T @ a_prev / a_prev.shape[1]"),
    ("sign_flipped", "sgd_update", "theta + eta * gradient", "theta + gradient"),
    ("eta_ignored", "sgd_update", "theta - gradient", "theta - 0.5 * gradient"),
    ("returns_change", "sgd_update", "-eta * gradient", "eta * gradient"),
    ("tanh_of_a", "tanh_prime_a", "1 - np.tanh(a) ** 2", "1 - np.tanh(a)"),
    ("sigma_prime_for_tanh", "tanh_prime_a", "a * (1 - a)", "a * (1 + a)"),
    ("one_minus_z_squared", "tanh_prime_z", "1 - z * z", "1 - z"),
    # δ⁽ᴸ⁾ of softmax with cross-entropy divides by the batch's N; these divide by nothing or by the classes
    ("ce_not_averaged", "delta_L_softmax_cross_entropy", "aL - Y", "(aL - Y) / aL.shape[1]"),
    ("ce_extra_fprime", "delta_L_softmax_cross_entropy", "(aL - Y) * aL * (1 - aL) / aL.shape[0]",
     "(aL - Y) * aL / aL.shape[0]"),
    ("residual_sign", "delta_L_softmax_cross_entropy", "(Y - aL) / aL.shape[0]", "Y - aL"),
    ("hidden_no_tanh_prime", "delta_l_tanh", "delta_next @ theta_next", "(delta_next @ theta_next) * (1 - al)"),
    ("bias_mean_instead_of_sum", "bias_gradient", "delta.mean(axis=0)", "delta.mean(axis=0) / 2"),
    ("bias_not_summed", "bias_gradient", "delta", "delta.T"),
    ("bias_keepdims", "bias_gradient", "delta.sum(axis=0, keepdims=True)", "delta.sum(axis=1, keepdims=True)"),
    # softmax without the row max: right but on lab2's large-z case; the nearby slip takes the whole batch's max
    ("softmax_no_row_max", "softmax", "np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)",
     "np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)"),
    ("relu_for_relu_prime", "relu_prime_z", "np.maximum(z, 0)", "np.maximum(z, 0) * 2"),
    # the updates with their state: θ and v (θ, m, v and t) as one tuple; the nearby slip moves θ otherwise
    ("momentum_other_convention", "momentum_update",
     "(theta + mu * velocity - eta * grad, mu * velocity - eta * grad)",
     "(theta - mu * velocity - eta * grad, mu * velocity - eta * grad)"),
    ("adam_no_bias_correction", "adam_update", adam(t="0", root="np.sqrt({v}) + eps").replace(UNCORRECTED, ""),
     adam(t="0", root="np.sqrt({v} + eps)").replace(UNCORRECTED, "")),
    ("adam_t_from_zero", "adam_update", adam(t="t"), adam(t="t + 2")),
    # the same t guarded against the division by zero: right at step 1; the nearby slip is right from step 2 on
    ("adam_t_from_zero_guarded", "adam_update", adam(t="max(t, 1)"), adam(t="max(t + 1, 2)")),
    ("adam_eps_before_correction", "adam_update", adam(root="(np.sqrt({v}) + eps) / np.sqrt(1 - beta2 ** ({t}))"),
     adam(root="np.sqrt({v}) + eps")),
    # ε left out, or put under the root: the nearby slips put it elsewhere (squared, after the correction of m)
    # β₁, β₂ made float32 numbers: the nearby slip makes them float16 numbers
    ("adam_betas_float32", "adam_update", adam().replace("beta", "np.float32(beta").replace("beta1", "beta1)")
     .replace("beta2", "beta2)"), adam().replace("beta", "np.float16(beta").replace("beta1", "beta1)")
     .replace("beta2", "beta2)")),
    ("adam_no_eps", "adam_update", adam(root="np.sqrt({v} / (1 - beta2 ** ({t})))"),
     adam(root="np.sqrt({v} / (1 - beta2 ** ({t}))) + eps ** 2")),
    ("adam_eps_in_sqrt", "adam_update", adam(root="np.sqrt({v} / (1 - beta2 ** ({t})) + eps)"),
     adam(root="np.sqrt({v} / (1 - beta2 ** ({t})) + 2 * eps)")),
    ("adam_eps_squared_in_sqrt", "adam_update", adam(root="np.sqrt({v} / (1 - beta2 ** ({t})) + eps ** 2)"),
     adam(root="np.sqrt({v} / (1 - beta2 ** ({t})) + eps ** 3)")),
    # the state returned corrected, v used uncorrected, t returned as given: the nearby slips do one half of it
    ("adam_returns_corrected", "adam_update", adam().replace(f", {M.format('grad')}, {V.format('grad')}, t + 1)",
                                                             f", {M.format('grad')} / (1 - beta1 ** (t + 1)), "
                                                             f"{V.format('grad')} / (1 - beta2 ** (t + 1)), t + 1)"),
     adam().replace(f", {M.format('grad')}, {V.format('grad')}, t + 1)",
                    f", {M.format('grad')} / (1 - beta1 ** (t + 1)), {V.format('grad')}, t + 1)")),
    ("adam_only_m_corrected", "adam_update", adam(root="np.sqrt({v}) + eps"),
     adam(root="np.sqrt({v} / (1 - beta2)) + eps")),
    ("adam_t_not_counted", "adam_update", adam()[:-len(", t + 1)")] + ", t)", adam()[:-len(", t + 1)")] + ", t + 2)"),
    ("momentum_dampening", "momentum_update", "(theta - eta * (mu * velocity + (1 - mu) * grad), "
                                              "mu * velocity + (1 - mu) * grad)",
     "(theta - eta * (mu * velocity + mu * grad), mu * velocity + mu * grad)"),
    ("momentum_nesterov", "momentum_update", "(theta - eta * (grad + mu * (mu * velocity + grad)), mu * velocity + grad)",
     "(theta - eta * (grad + (mu * velocity + grad)), mu * velocity + grad)"),
    ("momentum_old_velocity", "momentum_update", "(theta - eta * velocity, mu * velocity + grad)",
     "(theta - eta * mu * velocity, mu * velocity + grad)"),
    ("momentum_eta_in_velocity", "momentum_update", "(theta - (mu * velocity + eta * grad), mu * velocity + eta * grad)",
     "(theta - (mu * velocity + eta * grad), mu * velocity + grad)"),
    ("momentum_swapped", "momentum_update", "(mu * velocity + grad, theta - eta * (mu * velocity + grad))",
     "(mu * velocity + grad, theta - eta * grad)"),
    # BP2 with a hidden tanh, its f′ slips as tanh_prime's; θ⁽ˡ⁺¹⁾ transposed (numbers on lab2's square case)
    ("tanh_of_a", "delta_l_tanh", "(delta_next @ theta_next) * (1 - np.tanh(al) ** 2)",
     "(delta_next @ theta_next) * (1 - np.tanh(al))"),
    ("sigma_prime_for_tanh", "delta_l_tanh", "(delta_next @ theta_next) * al * (1 - al)",
     "(delta_next @ theta_next) * al * (1 + al)"),
    ("theta_transposed", "delta_l_tanh", "(delta_next @ theta_next.T) * (1 - al ** 2)", "delta_next @ theta_next.T"),
    # δ⁽ᴸ⁾ divided by N twice or by Y.size; the nearby ones by another count
    ("ce_averaged_twice", "delta_L_softmax_cross_entropy", "(aL - Y) / aL.shape[0] ** 2",
     "(aL - Y) / aL.shape[0] / 10"),
    ("ce_divided_by_size", "delta_L_softmax_cross_entropy", "(aL - Y) / Y.size", "(aL - Y) / (Y.size + 1)"),
    # softmax over the wrong axis, with the batch's max, without keepdims; the nearby ones slip elsewhere
    ("softmax_axis0", "softmax", "np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)",
     "np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=0)"),
    ("softmax_global_max", "softmax", "np.exp(z - z.max()) / np.exp(z - z.max()).sum(axis=1, keepdims=True)",
     "np.exp(z - z.min()) / np.exp(z - z.min()).sum(axis=1, keepdims=True)"),
    ("softmax_no_keepdims", "softmax",
     "np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1)",
     "np.exp(z - z.max(axis=1, keepdims=True)) / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1)[:, None, None]"),
    ("bias_sum_over_units", "bias_gradient", "delta.sum(axis=1)", "delta.mean(axis=1)"),
    ("bias_sum_all", "bias_gradient", "np.sum(delta)", "np.mean(delta)"),
    ("l2_for_decoupled", "adamw_update", adam(g="(grad + weight_decay * theta)"),
     adam(g="(grad + 2 * weight_decay * theta)")),
]


def hand_in(function: str, body: str, filename: str = "<hand-in>"):
    """``def function(...): return body`` in a namespace of its own, with the notebook's θ⁽²⁾ beside it."""
    space = {"np": np, "theta2": np.array([[0.7, -0.1, 0.2]])}
    exec(compile(f"def {function}({PARAMETERS[function]}):\n    return {body}\n", filename, "exec"), space)
    return space[function]


@functools.cache
def assignment(name: str):
    """A built-in assignment, or "tanh_z": lab2 with tanh′ handed z, "relu": lab2 with a hidden relu, or
    "adamw": lab3 with AdamW (teachers' files)."""
    if name not in ("tanh_z", "adamw", "relu"):
        return load_assignment(name)
    with tempfile.TemporaryDirectory() as folder:   # read once: the assignment keeps what it needs
        path = Path(folder) / f"{name}.toml"
        path.write_text(assignment_text(name), encoding="utf-8")
        return load_assignment(str(path))


def assignment_text(name: str) -> str:
    """The TOML of a built-in assignment, or of "tanh_z", "relu" or "adamw" (see :func:`assignment`)."""
    if name not in ("tanh_z", "adamw", "relu"):
        return (BUILT_IN / f"{name}.toml").read_text(encoding="utf-8")
    text = (BUILT_IN / f"{'lab3' if name == 'adamw' else 'lab2'}.toml").read_text(encoding="utf-8")
    relu = 'relu_prime_z = "relu_prime_z"' if name == "relu" else 'tanh_prime_z = "tanh_prime_z"'
    if name == "relu":   # a hidden relu: its relu′ and nothing of tanh's
        text = text.replace('activation = "tanh"', 'activation = "relu"').replace('tanh = "tanh"\n', "").replace(
            'delta_l = "delta_l_tanh"', 'delta_l = "delta_l_relu"')
    text = text.replace('tanh_prime = "tanh_prime_a"', relu).replace(
        'name = "adam"\n', 'name = "adamw"\nweight_decay = 0.1\n').replace(
        "[optimizers.adam_update]", "[optimizers.adamw_update]").replace(
        'adam_update = "adam_update"', 'adamw_update = "adamw_update"')
    return text


def diagnosis(function: str, body: str, filename: str = "<hand-in>", signature: str | None = None,
              place: str | None = None):
    """The verdict on one hand-in of ``function`` (in the assignment ``place``, else the one of ``signature``;
    the lab's by default), from its calls alone (no whole steps)."""
    plan = plan_for(assignment(place or (WHERE[signature][0] if signature else "lab1")))
    probes = [p for p in plan.probes if p.formula == function]
    task = plan.task({}, 5.0)
    task |= {"probes": [s for s in task["probes"] if s["formula"] == function], "trajectories": []}
    raw = run_task({function: hand_in(function, body, filename)}, task)
    return judge_formula(function, probes, raw["probes"], raw["found"][function], "pt", raw["reads"][function])


def test_every_catalogue_entry_has_a_pair():
    assert {(m.name, m.formula) for m in MISTAKES} == {(name, signature) for name, signature, _, _ in PAIRS}


@pytest.mark.parametrize("name, signature, own, nearby", PAIRS, ids=[f"{p[1]}-{p[0]}" for p in PAIRS])
def test_an_entry_is_not_given_to_a_nearby_mistake(name, signature, own, nearby):
    function = WHERE[signature][1]
    assert diagnosis(function, own, signature=signature).mistake == name
    near = diagnosis(function, nearby, signature=signature)
    assert near.status != "pass" and name not in (near.mistake or "").split(" / ")


#: an update's hyper-parameters written as numbers, in each assignment (lab1's η varies over its cases; lab2's
#: and lab3's are varied by the check): (assignment, function, the hand-in, the mistake and the numbers it names,
#: a nearby hand-in that is not that — a number somewhere else, or in one place of two — never named so)
MOMENTUM = "(theta - {eta} * ({mu} * velocity + grad), {mu2} * velocity + grad)"
ADAM_FIXED = ("(theta - {eta} * {m} / (1 - {b1_hat} ** (t + 1)) / (np.sqrt({v} / (1 - {b2_hat} ** (t + 1))) + {eps}), "
              "{m}, {v}, t + 1)")
FIXED_NAMES = ("eta_fixed", "hyperparameter_fixed", "adam_correction_fixed")


def adam_fixed(eta="eta", b1="beta1", b2="beta2", eps="eps", b1_hat=None, b2_hat=None) -> str:
    """Adam with the numbers given in the arguments' places: β₁ and β₂ in m and v and in the bias correction, or
    in the correction alone where ``b1_hat``, ``b2_hat`` give its own."""
    m, v = f"({b1} * m + (1 - {b1}) * grad)", f"({b2} * v + (1 - {b2}) * grad ** 2)"
    return ADAM_FIXED.format(eta=eta, m=m, v=v, b1_hat=b1_hat or b1, b2_hat=b2_hat or b2, eps=eps)


def adamw_fixed(**numbers) -> str:
    """AdamW (θ decayed by 1 − ηλ before Adam's step) with the numbers of :func:`adam_fixed`."""
    return adam_fixed(**numbers).replace("(theta - ", "(theta * (1 - eta * weight_decay) - ", 1)


FIXED = [
    ("lab1", "optimize", "theta - 0.1 * gradient", ("eta_fixed", "η = 0.1"), "theta - 0.1 * eta * gradient"),
    ("lab2", "optimize", "theta - 0.5 * gradient", ("eta_fixed", "η = 0.5"), "theta - 0.501 * gradient"),
    ("lab3", "momentum_update", MOMENTUM.format(eta="eta", mu="0.9", mu2="0.9"), ("hyperparameter_fixed", "μ = 0.9"),
     MOMENTUM.format(eta="eta", mu="0.9", mu2="mu")),
    ("lab3", "momentum_update", MOMENTUM.format(eta="0.1", mu="0.9", mu2="0.9"),
     ("hyperparameter_fixed", "η = 0.1, μ = 0.9"), MOMENTUM.format(eta="0.1", mu="mu", mu2="0.9")),
    ("lab3", "adam_update", adam_fixed(eta="0.01"), ("eta_fixed", "η = 0.01"), adam_fixed(eta="0.011")),
    ("lab3", "adam_update", adam_fixed(b1="0.9"), ("hyperparameter_fixed", "β₁ = 0.9"), adam_fixed(b1="0.8")),
    # β₂ in v and in the correction; the nearby one in v alone, the correction taking the argument
    ("lab3", "adam_update", adam_fixed(b2="0.999"), ("hyperparameter_fixed", "β₂ = 0.999"),
     adam_fixed(b2="0.999", b2_hat="beta2")),
    ("lab3", "adam_update", adam_fixed(eps="1e-8"), ("hyperparameter_fixed", "ε = 1e-08"), adam_fixed(eps="1e-7")),
    ("lab3", "adam_update", adam_fixed("0.01", "0.9", "0.999", "1e-8"),
     ("hyperparameter_fixed", "η = 0.01, β₁ = 0.9, β₂ = 0.999, ε = 1e-08"), adam_fixed("0.01", "0.9", "0.999", "1e-7")),
    # β₁ (β₂, both) a number in the bias correction alone, m and v using the argument: right wherever β is the
    # assignment's, wrong at its second value; the nearby ones the other way round, the number in m (v) alone
    ("lab3", "adam_update", adam_fixed(b1_hat="0.9"), ("adam_correction_fixed", "β₁ = 0.9"),
     adam_fixed(b1="0.9", b1_hat="beta1")),
    ("lab3", "adam_update", adam_fixed(b2_hat="0.999"), ("adam_correction_fixed", "β₂ = 0.999"),
     adam_fixed(b2="0.999", b2_hat="beta2")),
    ("lab3", "adam_update", adam_fixed(b1_hat="0.9", b2_hat="0.999"), ("adam_correction_fixed", "β₁ = 0.9, β₂ = 0.999"),
     adam_fixed(b1="0.9", b2="0.999", b1_hat="beta1", b2_hat="beta2")),
    # η a number everywhere and β₁ in the correction alone: both named, each where it is
    ("lab3", "adam_update", adam_fixed(eta="0.01", b1_hat="0.9"), ("hyperparameter_fixed", "η = 0.01"),
     adam_fixed(eta="0.011", b1_hat="0.9")),
    ("adamw", "adamw_update", adamw_fixed(b1_hat="0.9"), ("adam_correction_fixed", "β₁ = 0.9"),
     adamw_fixed(b1="0.9", b1_hat="beta1")),
]


@pytest.mark.parametrize("place, function, own, named, nearby", FIXED,
                         ids=[f"{f[0]}-{f[3][0]}-{f[3][1]}" for f in FIXED])
def test_a_hyperparameter_written_as_a_number_fails_and_is_named(place, function, own, named, nearby):
    """Each fails (lab2's and lab3's check every update at a second value of each hyper-parameter, whose answer
    is torch.optim's) and is named with the numbers it uses; a nearby slip is not given that name."""
    mistake, values = named
    f = diagnosis(function, own, place=place)
    assert f.status == "fail" and f.mistake == mistake and f"({values})" in f.diagnosis, f.diagnosis
    near = diagnosis(function, nearby, place=place)
    assert near.status != "pass" and near.mistake not in FIXED_NAMES, near.diagnosis


def test_a_number_in_adams_bias_correction_alone_is_said_to_be_there():
    """The words say where the number is — the correction alone, m and v taking the argument — and the formula
    it computes has the number in the correction only; written with η as a number too, each is said where it is."""
    alone = diagnosis("adam_update", adam_fixed(b1_hat="0.9"), place="lab3").diagnosis
    assert "só a correção de viés usa números fixos (β₁ = 0.9) em vez de usar beta1" in alone, alone
    assert "m ← β₁m + (1 − β₁)g" in alone and "m̂ = m/(1 − 0.9ᵗ), v̂ = v/(1 − β₂ᵗ)" in alone, alone
    mixed = diagnosis("adam_update", adam_fixed(eta="0.01", b1_hat="0.9"), place="lab3").diagnosis
    assert "(η = 0.01) em vez de usar eta" in mixed and "correção de viés usa β₁ = 0.9 em vez de beta1" in mixed, \
        mixed
    assert "θ ← θ − 0.01 m̂" in mixed and "m ← β₁m" in mixed and "m̂ = m/(1 − 0.9ᵗ)" in mixed, mixed
    assert not foreign_lines(alone + "\n" + mixed, "pt")


#: (signature, a body near the right one, the diagnosis): float32 is named only where the values returned are
#: float32 numbers; a float64 answer a little off (an ε, a clip, a factor) is a small difference, never float32
NEAR = [
    ("softmax", "(lambda e: (e / e.sum(axis=1, keepdims=True)).astype(np.float32))(np.exp(z - z.max(axis=1, "
                "keepdims=True)))", "single_precision"),
    ("softmax", "(lambda e: e / e.sum(axis=1, keepdims=True))(np.exp((z - z.max(axis=1, keepdims=True))"
                ".astype(np.float32))).astype(np.float64)", "single_precision"),
    ("softmax", "(lambda e: e / (e.sum(axis=1, keepdims=True) + 1e-8))(np.exp(z - z.max(axis=1, keepdims=True)))",
     "small_difference"),
    ("tanh_prime_a", "(1 - a ** 2) * (1 - 1e-9)", "small_difference"),
    ("delta_L_softmax_cross_entropy", "(np.clip(aL, 1e-7, 1 - 1e-7) - Y) / aL.shape[0]", "small_difference"),
    # float16 numbers, about 3 digits: named so, whether made at the end or from the start
    ("sigmoid", f"{SIG.format('z')}.astype(np.float16)", "half_precision"),
    ("tanh_prime_a", "1 - a.astype(np.float16) ** 2", "half_precision"),
]


@pytest.mark.parametrize("signature, body, named", NEAR, ids=[f"{n[0]}-{n[2]}-{i}" for i, n in enumerate(NEAR)])
def test_float32_is_named_only_for_float32_numbers(signature, body, named):
    f = diagnosis(WHERE[signature][1], body, signature=signature)
    assert f.status == "fail" and f.mistake == named, (f.mistake, f.diagnosis)
    assert ("calcula em float32" in f.diagnosis) == (named == "single_precision")


@pytest.mark.parametrize("place, said, unsaid", [("lab1", "J = ½Σ(y − a)² soma", "já está em δ⁽ᴸ⁾"),
                                                  ("lab2", "o 1/N já está em δ⁽ᴸ⁾", "½Σ")])
def test_a_gradient_divided_by_n_is_explained_by_the_assignments_loss(place, said, unsaid):
    """lab1's J sums over the batch; lab2's cross-entropy is a mean whose 1/N δ⁽ᴸ⁾ already holds."""
    f = diagnosis("gradient", "delta.T @ a_prev / delta.shape[0]", place=place)
    assert f.mistake == "mean_instead_of_sum" and said in f.diagnosis and unsaid not in f.diagnosis, f.diagnosis


# --- shape errors: which shapes met, what the formula needs, and where in the student's own cell ---------------

@pytest.mark.parametrize("body", ["delta @ a_prev", "delta * a_prev", "np.mean(delta.T @ a_prev)"],
                         ids=["transpose-forgotten", "entry-by-entry", "scalar"])
def test_a_shape_error_names_the_shapes_and_the_formula(body):
    f = diagnosis("gradient", body)
    assert f.status != "pass" and f.mistake == "shape_mismatch"
    # the lab's first call: δ⁽¹⁾ is (2, 3) and X is (2, 2), so ∂J/∂θ⁽¹⁾ must be (3, 2)
    assert "δ⁽¹⁾ é (N, n₁) = (2, 3), X é (N, n₀) = (2, 2); ∂J/∂θ⁽¹⁾ é (n₁, n₀) = (3, 2)" in f.diagnosis
    assert "δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾" in f.diagnosis


def test_a_shape_error_of_a_later_layer_names_that_layer():
    # right on the lab, where θ⁽²⁾ is (1, 3) and the product with δ⁽²⁾ (N, 1) fits either way round
    f = diagnosis("delta_l", "(delta_next @ theta_next.T.T.T) * al * (1 - al)")
    assert f.mistake == "theta_transposed"   # a catalogue entry fits: it is named, not the shapes
    f = diagnosis("delta_l", "(theta_next @ delta_next) * al * (1 - al)")
    assert f.mistake == "shape_mismatch"
    assert "δ⁽²⁾ é (N, n₂) = (2, 1), θ⁽²⁾ é (n₂, n₁) = (1, 3), a⁽¹⁾ é (N, n₁) = (2, 3); δ⁽¹⁾ é (N, n₁) = (2, 3)" \
        in f.diagnosis


def test_an_error_in_a_notebook_cell_is_placed_in_the_cell_not_a_temporary_file():
    kernel_file = os.path.join(tempfile.gettempdir(), "ipykernel_4242", "806922853.py")   # IPython's name for a cell
    f = diagnosis("gradient", "delta @ a_prev", kernel_file)
    assert "(a sua célula, linha 2, em gradient)" in f.message
    assert "806922853" not in f.message and "ipykernel" not in f.message


def test_a_notebook_cell_is_named_by_its_execution_count(monkeypatch):
    """In the notebook's kernel (or a fork of it), IPython knows which cell it compiled into that file: In [7]."""
    IPython = pytest.importorskip("IPython")
    kernel_file = os.path.join(tempfile.gettempdir(), "ipykernel_4242", "806922853.py")
    shell = types.SimpleNamespace(compile=types.SimpleNamespace(_filename_map={kernel_file: 7}))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    f = diagnosis("gradient", "delta @ a_prev", kernel_file)
    assert "(a sua célula [7], linha 2, em gradient)" in f.message


# --- the case's network, N and η in every message; a step that ignores η ----------------------------------

def lab_step(eta_used: str, unpack: str = "t1, t2 = thetas"):
    """The lab's step(X, Y, thetas, eta), right but for the η it steps with (``eta_used``, an expression), its
    two θ taken from the list by ``unpack``."""
    space = {"np": np}
    exec(f"""def step(X, Y, thetas, eta):
    {unpack}
    a1 = 1 / (1 + np.exp(-X @ t1.T))
    a2 = 1 / (1 + np.exp(-a1 @ t2.T))
    d2 = (a2 - Y) * a2 * (1 - a2)
    d1 = (d2 @ t2) * a1 * (1 - a1)
    return [t1 - {eta_used} * d1.T @ X, t2 - {eta_used} * d2.T @ a1]
""", space)
    return space["step"]


def step_verdict(eta_used: str, unpack: str = "t1, t2 = thetas"):
    plan = lab_plan()
    raw = run_task({"step": lab_step(eta_used, unpack)}, plan.task({}, 5.0) | {"probes": []})
    return judge(plan, raw, "pt")["step"]


def test_a_message_names_the_case_network_n_and_eta():
    f = diagnosis("delta_L", "(Y - aL) * aL * (1 - aL)")
    assert f.message.startswith("caso lab (N = 2, η = 0.1): ")
    f = diagnosis("delta_L", "(aL - Y) * aL * (1 - aL) / aL.shape[1]")   # right on the lab, whose n_L is 1
    assert f.message.startswith("caso 3-4-2 (N = 5, η = 0.5): ")


def test_a_message_names_the_mini_batch_whose_n_the_formula_divides_by():
    # lab2's 3-4-3 case: N = 10 in mini-batches of 4, 4 and 2; a δ⁽ᴸ⁾ divided by the first batches' 4 is right
    # on them and fails on the third, whose N is 2: the message must show that N, not the case's 10
    f = diagnosis("delta_L", "(aL - Y) / 4", place="lab2")
    assert f.status == "fail"
    assert f.message.startswith("caso 3-4-3 (N = 10, η = 0.5), minilote 3 de 3 (N = 2): ")


def test_adams_t_prints_as_the_integer_it_is():
    from mlp_harness.check.report import formula_lines
    f = diagnosis("adam_update", adam()[:-len(", t + 1)")] + ", t)", signature="adam_update")   # t not counted
    assert f.status == "fail" and ": t — autograd 1, o seu 0 (" in f.message, f.message
    shown = "\n".join(formula_lines(dataclasses.replace(f, formula="Adam"), "pt", 100))
    assert "t[]" not in shown and "1.00000000" not in shown, shown


def test_an_explanation_counts_the_terms_it_leaves_out_in_the_language_asked():
    f = diagnosis("gradient", "delta.T @ a_prev / 4", place="lab2")   # a sum of 4 terms, 3 shown
    assert f.status == "fail" and "+ … (4 termos) = " in f.explanation, f.explanation


def test_a_step_that_ignores_eta_is_named():
    f = step_verdict("0.1")   # the lab's η: it passes there and fails on the seeded networks' 0.5
    assert f.status == "fail" and f.mistake == "step_eta_fixed"
    assert f.message.startswith("caso 3-4-2 (N = 5, η = 0.5), passo 1: ")
    assert "usa η = 0.1 em vez do eta que recebe (0.5 aqui)" in f.diagnosis
    assert step_verdict("eta").ok


@pytest.mark.parametrize("unpack", ["t1, t2 = thetas", "t1, t2 = thetas[0], thetas[1]"], ids=["unpacked", "indexed"])
def test_lab1s_step_written_for_two_layers_passes_and_is_told_nothing(unpack):
    """lab1's step is run on its two-layer cases alone — the exercise's own cell unpacks theta1, theta2 = thetas —
    so a step of two layers is right, and no word about deeper networks (lab2's, run on every case, has them)."""
    f = step_verdict("eta", unpack)
    assert (f.status, f.source, f.mistake, f.diagnosis, f.warning) == ("pass", "step", None, None, None), f.message
    assert "por 80 passos em 4 redes" in f.message, f.message   # 20 steps on each of the 4 two-layer cases


def test_a_step_that_scales_eta_is_not_a_fixed_eta():
    f = step_verdict("0.2 * eta")   # η' = 0.02 on the lab, 0.1 elsewhere: no one η gives every step
    assert f.status == "fail" and f.mistake != "step_eta_fixed"


def test_the_exercise_notebook_says_which_networks_are_tried_and_why():
    import json
    from pathlib import Path

    from mlp_harness.check.cases import all_cases
    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "lab1-exercicio.ipynb"
    first = "".join(json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"])
    seeded = [case for case in all_cases() if not case.name.startswith("lab")]
    assert all(case.name in first for case in seeded)   # every network the check tries besides the lab's
    assert {f"{case.eta:g}" for case in seeded} <= {"0.5"} and "\\eta = 0.5" in first
    assert "transposição" in first and f"caso {seeded[0].label}" in first   # why, and how a message names one


# --- check_lab's HTML: what Jupyter and Colab show ----------------------------------------------------------

def test_the_html_shows_what_the_terminal_shows():
    from mlp_harness.check import check_lab
    wrong = check_lab(lang="pt", delta_L=hand_in("delta_L", "(Y - aL) * aL * (1 - aL)"))
    page = wrong._repr_html_()
    # autograd's matrix beside the student's, the differing entry marked, as in the terminal's lines
    matrices = [line[4:] for line in wrong.text(100).splitlines() if "│" in line]
    assert matrices and "◀" in page and all(line.replace("│", "") in page.replace("│", "") for line in matrices)
    assert "white-space:nowrap" in page.split("BP1")[0].rsplit("<td", 1)[1]   # the formula's own cell
    assert "text-align:left" in page.split("resultado")[0].rsplit("<th", 1)[1]   # the result column's head
    assert "<p style='font-weight:bold;color:#cf222e'>FALHA" in page
    right = check_lab(lang="pt", delta_L=hand_in("delta_L", "(aL - Y) * aL * (1 - aL)"))._repr_html_()
    assert "<p style='font-weight:bold;color:#1a7f37'>OK" in right and "◀" not in right


@pytest.mark.parametrize("expected, got, mark, decimals", [
    ([[-0.00677100306, 0.5]], [[-0.00677100467, 0.5]], (0, 0), 9),    # agree to 8 decimals: one more shows it
    ([[4.5846482e-06]], [[4.5845886e-06]], (0, 0), 11),
    ([[0.25, 0.5]], [[0.75, 0.5]], (0, 0), 8),                         # they differ in 8: the usual 8
    ([[0.25, 0.5]], [[0.25, 0.5]], None, 8),                           # nothing marked
    ([[0.25]], [[0.25]], (3, 3), 8),                                   # a mark outside the matrix
])
def test_the_marked_entry_is_shown_with_the_decimals_that_tell_it_apart(expected, got, mark, decimals):
    from mlp_harness.check.report import matrix_lines, telling_precision
    assert telling_precision(np.array(expected), np.array(got), mark) == decimals
    if mark == (0, 0):
        shown = matrix_lines(np.array(expected), precision=decimals)[0].split()[0]
        assert shown != matrix_lines(np.array(got), mark, decimals)[0].split()[0]


@pytest.mark.parametrize("body, named", [
    ("(aL - Y) / 4", "n_fixed"),                      # lab2's batches: 4, 4 and a last one of 2
    ("(aL - Y) / 3", None),                           # no batch's size
])
def test_a_fixed_batch_size_in_softmax_cross_entropys_delta_is_named(body, named):
    f = diagnosis("delta_L", body, signature="delta_L_softmax_cross_entropy")
    assert f.status == "fail" and (f.mistake == named if named else f.mistake != "n_fixed"), (f.mistake, f.diagnosis)
    if named:
        assert "um 4 fixo" in f.diagnosis or "fixed 4" in f.diagnosis, f.diagnosis
