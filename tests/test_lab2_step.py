"""lab2's whole step (mlp_harness/check/assignments/lab2.toml): step(X, Y, thetas, biases, eta) on one mini-batch,
and lab2's functions chained into one, each step held to autograd's step from the θ and b the student's step
before it returned, on the case's batches in their fixed order (batch k is step k), for two epochs.

Every verdict here is the checker's decision (pass / fail, the mistake's name), never a last bit: the numbers
are held to the harness's float64 tolerance (verify/tolerance.py, 10⁴·ε relative), far above the rounding of
any BLAS kernel and far below what any of these mistakes changes (≥ 1e-2 on b⁽ˡ⁾ at the first step here).
"""
from pathlib import Path

import pytest

from handins import lab2_source
from language import foreign_lines
from mlp_harness.check import check_lab
from mlp_harness.check.api import check_file, plan_for
from mlp_harness.check.assignment import load_assignment
from mlp_harness.teach.expression import format_number
from manual_mlp.validation import InputError

#: a step as a student writes it, from top to bottom; DELTA_L, BIAS_GRAD and UPDATE are the places a test breaks
STEP = """
def step(X, Y, thetas, biases, eta):
    acts = [X]
    for l, (theta, b) in enumerate(zip(thetas, biases)):
        z = acts[-1] @ theta.T + b
        acts.append(softmax(z) if l == len(thetas) - 1 else np.tanh(z))
    d = DELTA_L
    new_thetas, new_biases = [None] * len(thetas), [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        new_thetas[l] = thetas[l] - eta * (d.T @ acts[l])
        new_biases[l] = UPDATE
        if l:
            d = (d @ thetas[l]) * (1 - acts[l] ** 2)
    return new_thetas, new_biases
"""
RIGHT = {"DELTA_L": "(acts[-1] - Y) / len(X)", "UPDATE": "biases[l] - eta * BIAS_GRAD", "BIAS_GRAD": "d.sum(axis=0)"}


def step_source(**broken: str) -> str:
    """lab2's functions, right (tests/handins.py), then STEP, broken at the places named in ``broken``."""
    source = STEP
    for place in RIGHT:   # UPDATE first: it holds BIAS_GRAD
        source = source.replace(place, broken.get(place, RIGHT[place]))
    return lab2_source() + source


def namespace(source: str) -> dict:
    space: dict = {}
    exec(compile(source, "entrega.py", "exec"), space)   # noqa: S102 — the test's own hand-in
    return space


def test_the_plan_runs_every_batch_of_two_epochs_in_the_fixed_order():
    """N = 10 in batches of 4: rows 0–3, 4–7, 8–9, twice; the step and both chains on every case."""
    plan = plan_for(load_assignment("lab2"))
    first = next(t for t in plan.trajectories if t.kind == "step" and t.case.name == "3-4-3")
    assert [(r.start, r.stop) for r in first.rows] == [(0, 4), (4, 8), (8, 10)] * 2 and first.steps == 6
    kinds = {(t.kind, t.sigma) for t in plan.trajectories}
    assert kinds == {("step", "own"), ("chain", "reference"), ("chain", "own")}


def test_a_right_step_passes_every_batch_of_every_case(tmp_path):
    """In a separate process, as mlp-check runs it: 6 + 6 + 4 + 2 steps (N = 10, 10, 8, 4 in batches of 4)."""
    path = tmp_path / "entrega.py"
    path.write_text(step_source(), encoding="utf-8")
    result = check_file(str(path), assignment="lab2")
    step = result.formulas["step"]
    assert (step.status, step.source, step.calls) == ("pass", "step", 18), step.message
    assert result.ok and result.score == result.max_score == 9


@pytest.mark.parametrize("broken, mistake", [
    ({"BIAS_GRAD": "d.mean(axis=0)"}, "bias_mean_instead_of_sum"),
    ({"UPDATE": "biases[l]"}, "bias_not_updated"),
    ({"DELTA_L": "acts[-1] - Y"}, "ce_not_averaged"),
    ({"DELTA_L": "(acts[-1] - Y) / len(X) ** 2"}, "ce_averaged_twice"),
    ({"UPDATE": "biases[l] + eta * d.sum(axis=0)"}, None),   # only b climbs: no catalogued step does that
], ids=["bias_mean", "bias_not_updated", "ce_not_averaged", "ce_averaged_twice", "bias_ascent"])
def test_each_step_mistake_fails_and_is_named_at_its_formula(broken, mistake):
    step = check_lab(namespace(step_source(**broken)), assignment="lab2").formulas["step"]
    assert (step.status, step.source, step.mistake) == ("fail", "step", mistake), step.message
    assert "step 1:" in step.message   # pinned to the first step, where every one of these shows


def test_a_fixed_batch_size_fails_on_the_last_smaller_batch():
    """δ⁽ᴸ⁾ divided by 4, not by the batch's N: right on the batches of 4, wrong on step 3 (rows 8–9)."""
    step = check_lab(namespace(step_source(DELTA_L="(acts[-1] - Y) / 4")), assignment="lab2").formulas["step"]
    assert step.status == "fail" and "3-4-3 (N = 10, η = 0.5), step 3:" in step.message, step.message
    # named for what it is, not for what step 3 alone looks like: (a − y)/N² with N = 2, or η/2
    assert step.mistake == "n_fixed" and "a fixed 4" in step.diagnosis, (step.mistake, step.diagnosis)


@pytest.mark.parametrize("divisor", ["3", "2"])
def test_another_fixed_divisor_is_not_said_to_be_a_fixed_batch_size(divisor):
    """/ 3 is no batch's size; / 2 is the last batch's, wrong on the batches of 4 the step passed before."""
    step = check_lab(namespace(step_source(DELTA_L=f"(acts[-1] - Y) / {divisor}")), assignment="lab2").formulas["step"]
    assert step.status == "fail" and step.mistake != "n_fixed", step.diagnosis


@pytest.mark.parametrize("eta", ["0.5", "0.1"])
def test_a_step_that_writes_its_eta_as_a_number_fails_and_is_named(eta):
    """lab2's cases do not share one η (3-3-3 has its own, 0.1): a step that writes either as a number passes
    on the cases of that η only, and is named step_eta_fixed on the others."""
    etas = {c.lr or load_assignment("lab2").network.lr for c in load_assignment("lab2").cases}
    assert len(etas) > 1
    step_alone = step_source()[len(lab2_source()):].replace("- eta *", f"- {eta} *")   # optimize stays right
    assert step_alone.count(f"- {eta} *") == 2   # θ's update and b's
    source = lab2_source() + step_alone
    step = check_lab(namespace(source), assignment="lab2").formulas["step"]
    assert (step.status, step.mistake) == ("fail", "step_eta_fixed"), step.message


def test_a_case_of_its_own_eta_is_read_and_a_bad_one_is_one_line(tmp_path):
    text = (Path(__file__).parents[1] / "mlp_harness/check/assignments/lab2.toml").read_text(encoding="utf-8")
    assert [c.lr for c in load_assignment("lab2").cases].count(0.1) == 1
    bad = tmp_path / "lab2-bad.toml"
    bad.write_text(text.replace("lr = 0.1", "lr = -1"), encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_assignment(str(bad))
    assert "lr" in str(error.value) and "[[cases]] 3" in str(error.value) and "\n" not in str(error.value)


def test_a_step_that_returns_the_thetas_alone_is_told_the_pair():
    source = step_source().replace("return new_thetas, new_biases", "return new_thetas")
    step = check_lab(namespace(source), assignment="lab2", lang="pt").formulas["step"]
    assert step.status == "fail" and "não o par (thetas, biases)" in step.message, step.message


def test_the_chain_blames_a_function_that_failed_alone():
    result = check_lab(namespace(lab2_source(bias_gradient="return delta.mean(axis=0)")), assignment="lab2")
    step = result.formulas["step"]
    assert result.formulas["bias_gradient"].mistake == "bias_mean_instead_of_sum"
    assert (step.status, step.source, step.blamed) == ("fail", "chain", ("bias_gradient",)), step.message


def test_the_chain_with_a_naive_softmax_fails_only_with_it_in_the_forward_pass():
    """e^z without the row max: right on small z, NaN on large-z, where the chain with NumPy's softmax agrees."""
    naive = "return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)"
    result = check_lab(namespace(lab2_source(softmax=naive)), assignment="lab2")
    step = result.formulas["step"]
    assert result.formulas["softmax"].mistake == "softmax_no_row_max"
    assert step.status == "fail" and "large-z" in step.message and "only with your tanh, softmax" in step.message


def test_a_mutant_written_for_the_labs_sigmoid_is_told_in_the_tanh_networks_derivative():
    """θ⁽ˡ⁺¹⁾ updated before δ⁽ˡ⁾ uses it: named as mlp-compare --inject-bug names it, with f′ for lab2's tanh (the
    mutant's own words say σ′, the lab's)."""
    source = step_source().replace("d = (d @ thetas[l])", "d = (d @ new_thetas[l])")
    step = check_lab(namespace(source), assignment="lab2").formulas["step"]
    assert step.mistake == "updated_theta_in_backward", step.message
    assert "f′(z⁽ˡ⁾)" in step.diagnosis and "σ′" not in step.diagnosis, step.diagnosis


@pytest.mark.parametrize("cast, mistake", [
    ("X = X.astype(np.float32)", "small_difference"),   # float64 θ from a rounded X: no float32 numbers
    ("X, Y, eta = X.astype(np.float32), Y.astype(np.float32), np.float32(eta)\n"
     "    thetas = [t.astype(np.float32) for t in thetas]\n    biases = [b.astype(np.float32) for b in biases]",
     "single_precision"),   # every number float32: the step computes in float32
], ids=["x_float32", "all_float32"])
def test_a_step_near_autograd_to_float32s_precision_is_told_why(cast, mistake):
    """Both fail (a float64 assignment), named as a single function's would be."""
    header = "def step(X, Y, thetas, biases, eta):\n"
    source = step_source().replace(header, header + "    " + cast + "\n")
    step = check_lab(namespace(source), assignment="lab2").formulas["step"]
    assert (step.status, step.mistake) == ("fail", mistake), step.message


def test_a_step_that_returns_its_pair_the_other_way_round_is_told_so():
    """(biases, thetas): every shape wrong, for one reason the message says, not a shape error at θ⁽¹⁾."""
    source = step_source().replace("return new_thetas, new_biases", "return new_biases, new_thetas")
    step = check_lab(namespace(source), assignment="lab2", lang="pt").formulas["step"]
    assert step.status == "fail" and "devolveu (biases, thetas): o par é (thetas, biases)" in step.message, \
        step.message


def test_a_bias_kept_two_dimensional_is_told_how_it_got_so():
    source = step_source(BIAS_GRAD="d.sum(axis=0, keepdims=True)")
    step = check_lab(namespace(source), assignment="lab2").formulas["step"]
    assert step.status == "fail" and "has shape (1, 4), but b has shape (4,)" in step.message, step.message
    assert "keepdims=True" in step.message


def test_a_wrong_bias_gradient_is_shown_the_right_sum_at_the_entry_that_differs():
    """The "right:" line explains the failing entry's ∂J/∂b⁽ˡ⁾[j] = Σₙ δ⁽ˡ⁾[n, j] with autograd's δ, summing to
    autograd's value (its last number is the one the line before it calls autograd's)."""
    result = check_lab(namespace(lab2_source(bias_gradient="return delta.mean(axis=0)")), assignment="lab2")
    f = result.formulas["bias_gradient"]
    j = f.first_mismatch["index"][0]
    assert f"Σₙ δ" in f.explanation and f"[n, {j}]" in f.explanation, f.explanation
    assert f.explanation.endswith(f"= {format_number(f.first_mismatch['expected'])}"), f.explanation


#: lab2's step written for the two layers of its first case, as a student writes it: θ⁽¹⁾, θ⁽²⁾ (b⁽¹⁾, b⁽²⁾)
#: unpacked, or indexed one by one; no loop over the layers
TWO_LAYERS = """
def step(X, Y, thetas, biases, eta):
    UNPACK
    a1 = np.tanh(X @ t1.T + b1)
    a2 = softmax(a1 @ t2.T + b2)
    d2 = (a2 - Y) / len(X)
    d1 = (d2 @ t2) * (1 - a1 ** 2)
    return [t1 - eta * d1.T @ X, t2 - eta * d2.T @ a1], [b1 - eta * d1.sum(axis=0), b2 - eta * d2.sum(axis=0)]
"""


@pytest.mark.parametrize("unpack, lang, words", [
    ("(t1, t2), (b1, b2) = thetas, biases", "pt", "deve funcionar para qualquer número de camadas"),
    ("t1, t2, b1, b2 = thetas[0], thetas[1], biases[0], biases[1]", "es",
     "debe funcionar para cualquier número de capas")], ids=["unpacked", "indexed"])
def test_a_step_written_for_two_layers_is_told_to_loop_over_the_layers(unpack, lang, words):
    """Right on lab2's two-layer cases, it raises on 4-5-3-2 (three layers) and on large-z (one): the verdict
    stays the error it is (every case is lab2's step's), and the words say why, in the student's language."""
    source = lab2_source() + TWO_LAYERS.replace("UNPACK", unpack)
    step = check_lab(namespace(source), assignment="lab2", lang=lang).formulas["step"]
    assert (step.status, step.source, step.mistake) == ("error", "step", "step_two_layers"), step.message
    assert step.message.startswith("caso 4-5-3-2 (N = 10, η = 0.5), "), step.message
    assert words in step.diagnosis and "4-5-3-2 (3 " in step.diagnosis and "large-z (1 " in step.diagnosis
    assert not foreign_lines(step.diagnosis, lang), step.diagnosis


@pytest.mark.parametrize("source", [
    # a loop with θ⁽ᴸ⁾ where θ⁽ˡ⁺¹⁾ belongs: the same on two layers, a shape error on 4-5-3-2, and right on large-z,
    # whose one layer has no hidden δ: a case of another depth runs, so it is no step of two layers alone
    step_source().replace("d = (d @ thetas[l])", "d = (d @ thetas[-1])"),
    # a loop that carries δ back from the last layer alone: the same on two layers, δ⁽³⁾ met with θ⁽²⁾ on 4-5-3-2
    # (an error), right on large-z
    step_source().replace("        if l:\n", "        if l == 1:\n"),
    # two layers, and a wrong bias gradient: it fails on 3-4-3 already
    lab2_source() + TWO_LAYERS.replace("UNPACK", "(t1, t2), (b1, b2) = thetas, biases").replace(
        "d1.sum(axis=0)", "d1.mean(axis=0)"),
], ids=["deeper-error-one-layer-runs", "deeper-wrong-shape", "two-layer-case-fails"])
def test_a_step_that_is_not_only_two_layered_is_not_told_so(source):
    step = check_lab(namespace(source), assignment="lab2").formulas["step"]
    assert step.status != "pass" and step.mistake != "step_two_layers", step.message


def test_the_step_says_batch_by_batch_only_where_it_is_handed_mini_batches(tmp_path):
    """lab2's step gets batches of 4; the same assignment without batch_size hands it the whole set every step."""
    from mlp_harness.check.report import formula_of
    text = (Path(__file__).resolve().parents[1] / "mlp_harness/check/assignments/lab2.toml").read_text(encoding="utf-8")
    full = tmp_path / "full.toml"
    full.write_text("\n".join(line for line in text.splitlines() if not line.startswith("batch_size")), encoding="utf-8")
    for assignment, words in (("lab2", "batch by batch"), (str(full), "step by step")):
        step = check_lab(namespace(step_source()), assignment=assignment).formulas["step"]
        assert step.status == "pass" and formula_of(step, "en").endswith(words), formula_of(step, "en")
