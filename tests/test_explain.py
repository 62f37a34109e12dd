"""mlp-compare --explain: each formula with its real numbers substituted, and the value they give.

Three things are checked for every explanation of every quantity (activations, losses and optimizers
each varied in turn, steps 1 and 2 so that optimizer state has a history):

* every substituted number is the entry it claims to be — of the NumPy step record, of the weights,
  targets and optimizer state the step started from, or of the run's settings — exactly;
* the substituted expression, written with full-precision numbers and read back as Python, evaluates to
  the record's entry within the run's float64 tolerance (1e4·ε ≈ 2.2e-12: it is the same formula summed
  in another order, a few ε apart);
* the value printed at the end of the line equals the record's entry to the printed precision.
"""
import re

import numpy as np
import pytest

from manual_mlp import lab, random_parameters
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli.compare_cli import main
from mlp_harness.teach.explain import StepRecorder, explain_step
from mlp_harness.teach.expression import NUMBERS, Call, Style, const, format_number, total
from mlp_harness.verify.run import build_numpy_twin

#: the printed formula, as Python: the explanation's own text with its operators spelled for eval
PYTHON = str.maketrans({"·": "*", "−": "-", "²": "**2", "^": "**", "√": "sqrt", "[": "(", "]": ")"})
FUNCTIONS = {"exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt, "max": max, "__builtins__": {}}
FULL = Style(numbers=True, max_terms=None, number=lambda x: repr(float(x)))


def recorded_run(config: RunConfig, sizes=(3, 4, 3), bias=True, N=4):
    thetas, biases = random_parameters(list(sizes), seed=1, bias=bias)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(N, sizes[0]))
    Y = rng.integers(0, sizes[-1], size=N) if config.loss == "cross_entropy" else rng.uniform(size=(N, sizes[-1]))
    recorder = StepRecorder(build_numpy_twin(config, thetas, biases)[0])
    assert run_comparison(config, thetas, biases, X, Y, manual_model=recorder).ok
    return recorder


def source_value(source: tuple, before, record, config: RunConfig) -> float:
    """The number a substituted value claims to be, looked up where its source says."""
    where, *rest = source
    if where == "setting":
        s = config.optimizer_settings
        return {"lr": s.lr, "momentum": s.momentum, "weight_decay": s.decay, "beta1": s.betas[0],
                "beta2": s.betas[1], "eps": s.eps, "t": before.step}[rest[0]]
    if where == "batch":
        return before.Y[rest[1]]
    quantity, layer, index = rest
    if where == "record" and "(" not in quantity:
        return record.get(quantity, layer)[index]
    if where == "before" and quantity in ("theta", "b"):
        return (before.thetas if quantity == "theta" else before.biases)[layer - 1][index]
    name, kind = quantity.rstrip(")").split("(")
    states = record.optimizer_state if where == "record" else before.state
    per_layer = states.get(name, {}).get(kind, [])
    return per_layer[layer - 1][index] if per_layer else 0.0   # no state before the first step: zeros


def printed_value_matches(text: str, recorded: float) -> bool:
    """'−0.02258058' (8 decimals) or '4.0580473e−07' (8 significant digits) equals ``recorded`` to that precision."""
    value = float(text.replace("−", "-"))
    half_unit = 0.5e-8 if "e" not in text else 0.5e-7 * abs(value)
    return abs(value - recorded) <= half_unit * (1 + 1e-9)


def check_step(config: RunConfig, before, record) -> int:
    """The three checks of the module docstring, for every quantity of one step; returns how many."""
    explanations = explain_step(config, before, record)
    assert set(explanations) == {(q, l) for q, l, _ in record.quantities()}
    for key, e in explanations.items():
        for leaf in e.expr.leaves():
            if leaf.source is not None:
                assert leaf.number == source_value(leaf.source, before, record, config), (key, leaf)
        evaluated = eval(e.expr.text(FULL).translate(PYTHON), FUNCTIONS)
        np.testing.assert_allclose(evaluated, e.recorded, rtol=2.2e-12, atol=2.2e-12, err_msg=str(key))
        assert printed_value_matches(e.line().rsplit(" = ", 1)[1], e.recorded), e.line()
    return len(explanations)


def check_run(**settings) -> None:
    config = RunConfig(steps=2, **settings)
    recorder = recorded_run(config, sizes=settings.pop("sizes", (3, 4, 3)))
    (before1, record1), (before2, _) = recorder.steps[1], recorder.steps[2]
    # step 2 starts where step 1 ended: the recorder keeps what each step really started from
    assert all(np.array_equal(a, b) for a, b in zip(before2.thetas, record1.thetas))
    assert before2.t == 2 and before1.state == {}
    assert sum(check_step(config, *recorder.steps[step]) for step in (1, 2)) > 0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_hidden_activation(activation): check_run(activation=activation)


@pytest.mark.parametrize("output,loss", [(o, l) for o in ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
                                         for l in ("half_sse", "mse")]
                         + [("sigmoid", "bce"), ("softmax", "cross_entropy"), ("identity", "cross_entropy")])
def test_output_and_loss(output, loss): check_run(output_activation=output, loss=loss)


@pytest.mark.parametrize("optimizer", [dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                       dict(weight_decay=0.01), dict(momentum=0.5, weight_decay=0.1),
                                       dict(optimizer="adam"), dict(optimizer="adam", weight_decay=0.1),
                                       dict(optimizer="adamw"), dict(optimizer="adamw", betas=(0.5, 0.6))])
def test_optimizer(optimizer): check_run(**optimizer)


def test_float32_explanations_agree_within_float32_tolerance():
    config = RunConfig(steps=2, dtype="float32", optimizer="adam")
    recorder = recorded_run(config)
    explanations = [e for step in (1, 2) for e in explain_step(config, *recorder.steps[step]).values()]
    assert all(e.agrees(config.fixed_tolerance) for e in explanations)


def lab_lines(capsys, *argv) -> tuple[int, dict[str, str]]:
    """Run mlp-compare --explain; its explanation lines by target ("δ⁽²⁾[0, 0]" → the line).
    Wide enough that no line is broken to fit (tests/test_width.py checks the breaking)."""
    code = main(["--explain", "--width", "1000", *argv])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  ↳ ")]
    return code, {re.split(r": | [=←] ", line)[1]: line for line in lines}


def test_lab_explanations_carry_the_labs_printed_numbers(capsys):
    code, lines = lab_lines(capsys)
    assert code == 0 and len(lines) == 11   # z, a for 2 layers; J; δ for 2; ∂J/∂θ for 2; θ for 2
    # the lab's own numbers: a⁽²⁾ = 0.60547144, y = 0.7, δ⁽²⁾ = −0.02258058, J = 0.02359348, θ⁽²⁾ = 0.70387481
    assert lines["δ⁽²⁾[0, 0]"].endswith("(0.60547144 − 0.7) · 0.60547144 · (1 − 0.60547144) = −0.02258058")
    assert lines["δ⁽²⁾[0, 0]"].startswith("  ↳ BP1 output error: δ⁽²⁾[0, 0] = (a⁽²⁾ − y) · a⁽²⁾ · (1 − a⁽²⁾)")
    assert lines["J"].endswith("0.5 · ((0.7 − 0.60547144)² + (0.8 − 0.60442057)²) = 0.02359348")
    assert lines["θ⁽²⁾[0, 0]"].endswith("0.7 − 0.1 · (−0.03874806) = 0.70387481")
    tags = [line.split(":")[0].strip("↳ ") for line in lines.values()]
    assert tags == ["forward pass"] * 4 + ["loss", "BP1 output error", "BP2 hidden error"] + \
        ["BP4 weight gradient"] * 2 + ["update"] * 2


def test_lab_numbers_in_each_line_are_its_leaves_in_order():
    recorder = StepRecorder(build_numpy_twin(RunConfig(), lab.lab_thetas(), None)[0])
    run_comparison(RunConfig(), lab.lab_thetas(), None, lab.X, lab.Y, manual_model=recorder)
    for e in explain_step(RunConfig(), *recorder.steps[1]).values():
        substituted = e.expr.text(NUMBERS)
        numbers = re.findall(r"\d+(?:\.\d+)?(?:e−?\d+)?", substituted)   # signs apart: −x may be a negation
        leaves = [format_number(leaf.number).lstrip("−") for leaf in e.expr.leaves()]
        assert numbers == leaves, substituted


def test_bias_rows_are_tagged_bp3_and_explained(capsys):
    code, lines = lab_lines(capsys, "--layers", "2,3,1", "--bias", "--batch-size", "2")
    assert code == 0 and lines["∂J/∂b⁽²⁾[0]"].startswith("  ↳ BP3 bias gradient: ∂J/∂b⁽²⁾[0] = Σₙ δ⁽²⁾[n, 0] = ")


def test_an_injected_mistake_shows_where_numpy_departs_from_its_formula(capsys):
    code, lines = lab_lines(capsys, "--inject-bug", "hidden_no_sigma_prime")
    assert code == 1
    # the formula gives the lab's δ⁽¹⁾[0, 0] = −0.00388045; the broken NumPy code does not
    assert "= −0.00388045  ≠ NumPy −0.01580641  ✗" in lines["δ⁽¹⁾[0, 0]"]
    assert not any("≠" in lines[k] for k in ("z⁽¹⁾[0, 0]", "a⁽²⁾[0, 0]", "J", "δ⁽²⁾[0, 0]"))


def test_a_network_too_big_is_said_so_and_still_compared(capsys):
    code = main(["--explain", "--layers", "2,40,1"])
    out = capsys.readouterr().out
    assert code == 0 and "↳" not in out and out.rstrip().splitlines()[-1].startswith("OK")
    assert out.startswith("--explain: not shown, the network is too big to follow by hand: z⁽¹⁾ has 320 entries "
                          "(shape (8, 40)); explanations need every matrix to have at most 64 entries")


def test_portuguese_table_verdict_and_tags(capsys):
    code = main(["--explain", "--width", "1000", "--lang", "pt", "--inject-bug", "half_dropped"])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("--explain: abaixo de cada linha")
    for text in ("Passo 1 de 1", "grandeza", "fórmula", "NumPy (à mão)", "θ⁽¹⁾ (novo)", "◀ primeira diferença",
                 "↳ função de custo: J = ", "↳ BP1 erro da saída: δ⁽²⁾[0, 0]", "↳ BP2 erro da camada oculta",
                 "↳ atualização: θ⁽¹⁾[0, 0] ←", "FALHA: diferença no passo 1: δ⁽²⁾[0, 0] difere — NumPy "):
        assert text in out, text


def test_portuguese_ok_line(capsys):
    assert main(["--lang", "pt", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert "Passo 3" in out and "Resumo por passo" in out
    assert out.rstrip().splitlines()[-1].startswith("OK (fórmula = autograd): todas as grandezas dos 3 passos")


@pytest.mark.parametrize("x,text", [(0.27, "0.27"), (-0.02258058, "−0.02258058"), (1e-8, "1e−08"),
                                    (4.0580473e-07, "4.0580473e−07"), (0, "0"), (2.0, "2"), (1.5e9, "1.5e+09")])
def test_format_number(x, text): assert format_number(x) == text


@pytest.mark.parametrize("expr,text", [
    (const(0.5) - const(-0.3), "0.5 − (−0.3)"),
    (const(-0.02) * const(0.7), "(−0.02) · 0.7"),
    (-(const(1) + const(2)) / const(4), "−(1 + 2) / 4"),
    (const(2) * (const(1) - const(3)), "2 · (1 − 3)"),
    (const(1) / (const(2) * const(3)), "1 / (2 · 3)"),
    (Call("exp", -const(0.27)), "exp(−0.27)"),
    (total([const(k) for k in range(1, 6)], "Σ k"), "1 + 2 + 3 + … (5 terms)"),
])
def test_rendering_parenthesises_only_where_needed(expr, text): assert expr.text(NUMBERS) == text


def test_a_diverging_step_is_explained_without_error(capsys):
    code = main(["--explain", "--lr", "1e208", "--steps", "5", "--layers", "2,3,1", "--activation", "identity",
                 "--output-activation", "identity"])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL: diverged at step 2" in out
    # step 2 starts from infinite weights: its formulas are written out with inf, and agree with the record
    assert re.search(r"↳ loss: J = ½ · Σ \(y − a⁽²⁾\)² = 0\.5 · \(\(\S+ − inf\)².* = inf\n", out) and "≠" not in out
