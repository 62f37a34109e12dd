"""Every printed heading and plot label, in English and in Portuguese (the lab's language).

One table, so that any tool can reuse it: ``tr("pt", "initial_loss")`` → "Loss inicial".
mlp-train's lines and plot, mlp-compare's table, verdict and ``--explain`` tags,
and the sentence that says where the twins part (``Mismatch.describe(lang)``).
Entries with ``{fields}`` are ``str.format`` templates. The Portuguese entries
follow the lab's own words (Época, Loss x Época de Treinamento, Loss inicial,
Loss final, Redução da loss).
"""
from __future__ import annotations

import os
import re

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "epoch": "Epoch",
        "loss": "Loss",
        "loss_title": "Loss per training epoch",
        "numpy": "NumPy (by hand)",
        "torch": "PyTorch (autograd)",
        "diff_title": "Largest difference between the twins, per epoch",
        "diff_label": "max |Δ| over every quantity",
        "tolerance_line": "tolerance: atol = {atol:.1e} (+ rtol·|value|)",
        "so_far": "max |Δ| so far",
        "initial_loss": "Initial loss",
        "final_loss": "Final loss",
        "reduction": "Loss reduction",
        "differed": "Twins differed: {what}",
        "diverged": "Training diverged at epoch {epoch}: the {twin} twin's loss or weights became non-finite",
        "one_twin": "Only the {twin} twin was trained (--impl {impl}): nothing to compare",
        "stopped": "stopped after epoch {epoch} of {epochs}",
        "same_start_ok": "The same step redone by both twins from identical weights agrees (max |Δ| = {diff:.1e}): "
                         "they compute the same step, and their trajectories parted because rounding differences "
                         "of ~1e-16 grew along the run (the training dynamics amplify them). Wider --rtol/--atol "
                         "let the run go on only while the difference stays below them.",
        "same_start_bad": "The same step redone by both twins from identical weights differs too "
                          "(max |Δ| = {diff:.1e}): the twins compute different steps.",
        "plot_written": "Plot written to {path}",
        "accuracy": "Training accuracy",
        "accuracy_short": "accuracy",
        "accuracy_title": "Training accuracy per epoch",
        "boundary_contour": "a⁽ᴸ⁾ = 0.5: the decision boundary",
        "weights_saved": "Trained weights (the {twin} twin's) written to {path}: use them with --weights {path}",
        "not_saved": "--save: nothing written to {path}: training did not end with finite, agreeing weights",
        "needs_data_extra": "--dataset {dataset} needs scikit-learn, which is not installed: "
                            "pip install -e \".[data]\" (or pip install scikit-learn)",
        "boundary_title": "Decision boundary after training ({dataset})",
        "boundary_output": "network output a⁽ᴸ⁾",
        "boundary_class": "predicted class: argmax of a⁽ᴸ⁾",
        "class": "class {label}",
        # mlp-compare's table and verdict
        "quantity": "quantity",
        "formula": "formula",
        "max_diff": "max |Δ|",
        "finite_differences": "finite differences",
        "fd_errors": "rel. err NumPy / PyTorch",
        "step_of": "Step {step} of {steps}",
        "step_title": "Step {step}",
        "new": "(new)",
        "value_shape": "shape {shape}",
        "first_mismatch_mark": "◀ first mismatch",
        "witnesses": "formula = autograd",
        "witnesses_fd": "formula = autograd = finite differences",
        "fail_line": "FAIL: {what} ({rule})",
        "rule_fixed": "rtol={rtol:.1e}, atol={atol:.1e}",
        "rule_bound": "each quantity's rounding-error bound, u = {u:.1e}{tf32}",
        "rule_tf32": ", TF32 operands {u:.1e}",
        "ratio_note": ", at most {ratio:.2g} of its bound",
        "unbounded_note_one": "; {count} entry had no finite bound (the bound's own arithmetic overflowed): "
                              "accepted only because both twins' values there are finite",
        "unbounded_note_many": "; {count} entries had no finite bound (the bounds' own arithmetic overflowed): "
                               "accepted only because both twins' values there are finite",
        "early_note_one": "; {count} entry was accepted early, below a lower bound of its allowed |Δ| (its share "
                          "of the bound not computed)",
        "early_note_many": "; {count} entries were accepted early, below a lower bound of their allowed |Δ| (their "
                           "share of the bound not computed)",
        "summary_title": "Per-step summary",
        "summary_shown": " ({shown} of {total} steps shown; --json has all)",
        "step": "step",
        "unnoticed": "It went unnoticed: its effect stayed within {rule} ({dtype}); "
                     "try --dtype float64 or a network where it shows more.",
        # where the twins part (Mismatch.describe)
        "mismatch": "mismatch at step {step}: {where} differs — NumPy {numpy!r}, PyTorch {torch!r}, |Δ| = {diff:.3e}",
        "diverged_at": "diverged at step {step}: {twins} produced a non-finite value in {where} "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "fd_disagree": "mismatch at step {step}: {where} — finite differences give {fd!r} but {twins} disagree "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "twins_both": "both twins",
        "twins_numpy": "the NumPy twin",
        "twins_torch": "the PyTorch twin",
        # --explain
        "explain_header": "--explain: under each row, its formula for entry [0, 0] (first sample, first unit; [0] of "
                          "b; J whole), with the NumPy twin's numbers in place",
        "explain_too_big": "--explain: not shown, the network is too big to follow by hand: {reason}; explanations "
                           "need every matrix to have at most {limit} entries, so that the table prints each one "
                           "whole (use fewer samples with --batch-size, or smaller --layers)",
        "explain_too_big_reason": "{label} has {size} entries (shape {shape})",
        "tag_forward": "forward pass",
        "tag_loss": "loss",
        "tag_BP1": "BP1 output error",
        "tag_BP2": "BP2 hidden error",
        "tag_BP3": "BP3 bias gradient",
        "tag_BP4": "BP4 weight gradient",
        "tag_update": "update",
        "tag_state": "optimizer state",
        # --inject-bug (the mistakes' own descriptions are the catalogue's, in mlp_harness/teach/mutants.py)
        "injected": "Injected mistake {name!r}: {description}. Right: {right}; injected: {wrong}.",
        # mlp-check and check_lab: someone's own functions against autograd
        "check_formula_step": "your step(X, Y, thetas, eta), step by step",
        "check_formula_chain": "your functions chained into a training step",
        "check_autograd": "autograd {target}",
        "check_yours": "yours",
        "check_right": "right:",
        "check_probably": "probably:",
        "check_verdict_ok": "OK: every function found agrees with autograd",
        "check_verdict_wrong": "FAIL: {names} differ from autograd",
        "check_verdict_wrong_one": "FAIL: {names} differs from autograd",
        "check_verdict_not_run": "FAIL: the file did not run as written",
        "check_file_error": "the file did not run as written: {error}",
        "check_col_function": "function",
        "check_col_formula": "formula",
        "check_col_result": "result",
        "check_chain_broken_many": "{message} — expected, since {names} already failed on their own",
        "check_cell": "code cell {cell}",
        "check_kernel_cell": "your cell",
        "check_kernel_cell_number": "your cell [{number}]",
        "check_line": "line {line}",
        "check_in": "in {function}",
        "check_timeout": "did not return within {limit:g} s",
        "check_raised": "case {case}: {call} raised {error}",
        "check_returned_none": "case {case}: {call} returned None",
        "check_returned_other": "case {case}: {call} returned a {type}, not an array of numbers",
        "check_returned_parts": "case {case}: {call} returned {type}; it must return {returns}",
        "check_shape": "case {case}: {call} returned shape {got}, but autograd's {target} has shape {expected}",
        "check_mismatch": "case {case}: {target}{index} — autograd {expected}, yours {got} (|Δ| = {diff})",
        "check_nonfinite": "case {case}: {target}{index} — autograd {expected}, yours {got} (not a finite number)",
        "check_mismatch_hint": "case {case}: {target}{index} differs from autograd's",
        "check_nonfinite_hint": "case {case}: {target}{index} is not a finite number",
        "check_step_mismatch_hint": "case {case}, step {step}: the new {target}{index} differs from autograd's",
        "check_missing": "not found",
        "check_missing_after": "not found (perhaps in {where}, which did not run)",
        "check_missing_after_file": "not found (perhaps in {where}, which did not run)",
        "check_not_function": "not found: {name} holds a {what} here, not a function (reassigned after its def?)",
        "check_pass": "all {calls} calls agree with autograd",
        "check_step_pass": "your step() agrees with autograd for {steps} steps on {cases} networks",
        "check_chain_pass": "your functions, chained into a training step, agree with autograd for {steps} steps "
                            "on {cases} networks",
        "check_step_shape": "case {case}, step {step}: the new {target} has shape {got}, but θ has shape {expected}",
        "check_step_mismatch": "case {case}, step {step}: new {target}{index} — autograd {expected}, yours {got} "
                               "(|Δ| = {diff})",
        "check_step_raised": "case {case}, step {step}: {error}",
        "check_step_returned": "case {case}, step {step}: the step returned {what}, not the list of new θ",
        "check_chain_own_sigma": "{message} — only with your sigmoid in the forward pass (with NumPy's σ the chain "
                                 "agrees): see sigmoid",
        "check_chain_broken": "{message} — expected, since {names} already failed on its own",
        "check_diagnosis": "{name}: {description} (computes {wrong})",
        "check_diagnosis_plain": "{name}: {description}",
        "check_diagnosis_step": "{name}: {description} ({wrong})",
        "check_diagnosis_either": "one of these, which give the same step here: {options}",
        "check_diagnosis_either_call": "one of these, which give the same numbers here: {options}",
        "check_cell_skipped": "{where}: a cell magic (%%), not run",
        "check_cell_timeout": "{where}: still running after {limit:g} s, interrupted",
        "check_cell_error": "{where}: {type}: {message}{at}",
        "check_cell_syntax": "{where}: {type}: {message} (line {line}: {text})",
        "check_cell_uncompilable": "{where}: {type}: {message} (Python cannot compile it)",
        "check_nothing": "nothing to check: none of {names} was given",
        "check_nothing_in": "{file}: nothing to check: none of {names} is defined there (other names: --name "
                            "delta_L=your_name)",
        "check_at_cell": " in code cell {cell}",
        "check_in_function": " while {function} was running",
        "check_file_timeout": "stopped after {seconds:g} s{at}: the file did not finish (an endless loop?)",
        "check_crashed": "the file ended its own process (exit code {code}){at} {detail}",
        "check_call_stopped": "case {case}: {call} {error}",
        "check_alarm": "stopped by a SIGALRM after {seconds:.1f} s, before its {limit:g} s limit (a signal.alarm of "
                       "its own?)",
        "check_cell_alarm": "{where}: stopped by a SIGALRM after {seconds:.1f} s, before its {limit:g} s limit (a "
                            "signal.alarm of its own?)",
        "check_unreadable_message": "(a message that cannot be shown: its __str__ failed)",
        "check_process_ended": "ended the process running it ({how}) {detail}",
        "check_exit_code": "exit code {code}",
        "check_signal": "signal {name}",
        "check_no_worker": "was not run: the processes that ran this file ended too often",
        "check_uses": "uses {names}: it may compute the answers with autograd instead of the formulas (the verdict "
                      "is the numbers'; the teacher decides)",
        "check_uses_short": "uses {names}",
        "check_forged": "the file's process sent the checker a message that is not the checker's{at}: its own "
                        "code wrote it, and nothing it says is judged",
        "check_limit_memory": "used more than {size} of memory, the limit (--memory)",
        "check_limit_cpu_seconds": "used more than {seconds} CPU seconds, the limit (--cpu-seconds)",
        "check_limit_file_size": "wrote a file larger than {size}, the limit",
        "check_limit_processes": "started more than {count} processes or threads, the limit",
        "mistake_exp_sign": "the minus sign of the exponent is lost",
        "mistake_returns_derivative": "it returns σ′(z) instead of σ(z)",
        "mistake_missing_reciprocal": "the 1 / (…) is missing",
        "mistake_tanh_for_sigmoid": "it computes tanh instead of σ",
        "mistake_loss_instead_of_delta": "it returns the loss of each sample instead of δ⁽ᴸ⁾",
        "mistake_theta_transposed": "θ⁽ˡ⁺¹⁾ is transposed: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ only fits when the layers have the "
                                    "same size",
        "mistake_transposed_gradient": "the product is taken the other way round, giving the transpose of ∂J/∂θ⁽ˡ⁾",
        "mistake_eta_ignored": "the learning rate η is left out",
        "mistake_hyperparameter_fixed": "the function uses fixed numbers ({values}) instead of its arguments "
                                        "{args}: right only where the check uses those values",
        "mistake_returns_change": "it returns the change −η∂J/∂θ instead of the new θ",
        "mistake_undefined_name": "it uses {name!r}, which is not defined where the function runs (a notebook "
                                  "variable, or a typo for one of its parameters?)",
        "mistake_math_on_array": "math.exp (or another function of math) takes one number; np.exp works on "
                                 "whole arrays",
        "mistake_endless_loop": "it does not return: an endless loop?",
        "mistake_shape_mismatch": "the shapes do not fit: {shapes}",
        "mistake_step_eta_fixed": "the step uses η = {used} instead of the eta it is given ({given} here): it "
                                  "passes where η is {used} and fails with any other",
        "check_shape_of": "{symbol} is {shape} = {actual}",
        "check_shapes_needed": "{given}; {wanted}: {formula}",
        "mistake_elementwise_product": "δ⁽ˡ⁺¹⁾ and θ⁽ˡ⁺¹⁾ are multiplied entry by entry (*) where the matrix "
                                       "product (@) belongs; the two agree only when layer l+1 has one unit, as "
                                       "in the lab",
        "mistake_single_precision": "the values agree with autograd's to about 7 digits, not 16: the function "
                                    "computes in float32; keep the arrays in float64",
        "mistake_small_difference": "the values differ from autograd's by a small, systematic amount (about {size} "
                                    "relative), and they are not float32 numbers: a small constant added (an ε), "
                                    "a clip or an approximation?",
        "mistake_global_variable": "it reads {names} from the notebook instead of its parameters, so it "
                                   "answers for the notebook's data, not for the arrays it is given",
        "mistake_missing_return": "the function computes its result but has no `return`, so Python returns None",
        "mistake_broadcast": "an (N,) array met an (N, 1) array and NumPy broadcast them to (N, N): keep y and a "
                             "both (N, 1)",
        "mistake_tanh_of_a": "it is handed a = tanh(z) but applies tanh to it again, as if it were z",
        "mistake_sigma_prime_for_tanh": "it uses σ′'s a(1 − a) where tanh′ is 1 − a²",
        "mistake_one_minus_z_squared": "tanh² is tanh(z)², not z²: the tanh is missing",
        "mistake_ce_not_averaged": "the division by N is missing: torch's cross-entropy is a mean over the batch",
        "mistake_ce_extra_fprime": "softmax's derivative is multiplied in again: with cross-entropy the Jacobian "
                                   "and the log already cancel, δ⁽ᴸ⁾ = (a − y)/N",
        "mistake_hidden_no_tanh_prime": "tanh′ = 1 − a⁽ˡ⁾² is missing: the error is only carried back through θ",
        "mistake_bias_mean_instead_of_sum": "δ is averaged over the batch instead of summed (the 1/N is already "
                                            "in δ⁽ᴸ⁾)",
        "mistake_bias_not_summed": "δ is returned without summing over the batch: one row per sample instead of "
                                   "one number per unit",
        "mistake_bias_keepdims": "the sum over the batch is right but kept 2-D (keepdims): b⁽ˡ⁾ has shape (nₗ,)",
        "mistake_relu_for_relu_prime": "it returns relu(z) itself, not its derivative [z > 0]",
        "mistake_softmax_no_row_max": "the row's largest z is not taken away before e^z: right while z is small, "
                                      "e^z overflows to ∞ beyond z = 709 and ∞/∞ is NaN",
        "mistake_momentum_other_convention": "momentum in the other convention (v = μv − η∂J/∂θ; θ ← θ + v): it "
                                             "moves θ as torch's does only while η stays constant, its v being −η "
                                             "times torch's; this assignment asks for torch's convention (v = μv + "
                                             "∂J/∂θ; θ ← θ − ηv), and the velocity it returns is not that one, so it "
                                             "fails",
        "mistake_adam_no_bias_correction": "m and v are used without the bias correction m̂ = m/(1 − β₁ᵗ), v̂ = "
                                           "v/(1 − β₂ᵗ): they start at 0, and without it the first steps have the "
                                           "wrong size",
        "mistake_mean_instead_of_sum_mean_loss": "the gradient is divided by N again: with a mean loss the 1/N is "
                                                 "already in δ⁽ᴸ⁾, so ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ sums over the batch",
        "mistake_ce_averaged_twice": "δ⁽ᴸ⁾ is divided by N twice: once is torch's mean",
        "mistake_ce_divided_by_size": "δ⁽ᴸ⁾ is divided by every entry's count (N·n_L, Y.size) instead of the samples N: torch's cross-entropy is a mean over the samples alone",
        "mistake_softmax_axis0": "the max and the sum run over the samples (`axis=0`) instead of over each row's classes (`axis=1`)",
        "mistake_softmax_global_max": "the max is the whole batch's, not each row's: right while z is small, but on a row far below the batch's max every e^z underflows to 0 and 0/0 gives NaN",
        "mistake_softmax_no_keepdims": "a row's max or sum is taken without keepdims=True: its shape (N,) does not broadcast against z's (N, n_L); keep it (N, 1)",
        "mistake_bias_sum_over_units": "δ is summed over the units (`axis=1`), not over the samples (`axis=0`)",
        "mistake_bias_sum_all": "every entry of δ is summed into one number (`np.sum(delta)`): sum over the samples alone, `axis=0`",
        "mistake_momentum_dampening": "the gradient enters the velocity as (1 − μ)∂J/∂θ (dampening): torch's SGD adds ∂J/∂θ itself",
        "mistake_momentum_nesterov": "it is Nesterov's momentum (θ ← θ − η(∂J/∂θ + μv)): the assignment asks for the plain one, θ ← θ − ηv",
        "mistake_momentum_old_velocity": "θ steps with the velocity it was given, before the update v ← μv + ∂J/∂θ",
        "mistake_momentum_eta_in_velocity": "η goes into the velocity (v ← μv + η∂J/∂θ; θ ← θ − v): θ moves as torch's does while η stays constant, but the velocity is η times torch's",
        "mistake_momentum_swapped": "it returns (v, θ): the order is (θ, v)",
        "mistake_adam_returns_corrected": "it returns m̂ and v̂ as the state: the state is m and v, uncorrected (the correction is made anew at every step)",
        "mistake_adam_only_m_corrected": "only m is corrected: v̂ = v/(1 − β₂ᵗ) is missing in the denominator",
        "mistake_adam_t_not_counted": "the t it returns is the one it was given: return t + 1, the steps made so far",
        "mistake_adam_no_eps": "ε is left out of the denominator: torch divides by √v̂ + ε",
        "mistake_adam_eps_in_sqrt": "ε is added inside the root, √(v̂ + ε): torch adds it after the root, √v̂ + ε",
        "mistake_adam_t_from_zero": "the bias correction uses t before its increment (t starting at 0): 1 − β₁⁰ = 0 "
                                    "divides by zero on the first step, and every later correction is one step "
                                    "behind",
        "mistake_adam_eps_before_correction": "ε is added to √v before the bias correction (the Adam paper's "
                                              "faster form, the corrections in the step size): torch adds it to "
                                              "√v̂, after the correction, and the two differ most in the first "
                                              "steps",
        "mistake_l2_for_decoupled": "the weight decay is L2, added to the gradient (∂J/∂θ + λθ), so it goes through "
                                    "m and v as Adam's does; AdamW decouples it: θ ← θ(1 − ηλ), outside the moments",
        "mistake_changes_argument": "it changes its argument {argument} in place ({argument} *= …, "
                                    "{argument}[…] = …), and a training step uses {argument} again after the call: "
                                    "compute a new array instead",
        # a function that changes its arguments, returns None for θ, or already ran out of its time limit
        "check_changed": "case {case}: {function} changed its argument {argument} in place",
        "check_changed_warning": "{function} changed its argument {argument} in place: the notebook's θ is "
                                 "overwritten too, so running the training cell again starts from the weights "
                                 "already trained; return a new array (θ − η·∇, not θ −= η·∇)",
        "check_warning": "warning:",
        "check_returned_none_update": "case {case}: {call} returned None — was θ updated in place? {function} "
                                      "must return the new θ",
        "check_skipped": "case {case}: {call} was not called — {function} had already run out of its time "
                         "limit on an earlier call",
        "check_step_skipped": "case {case}: not run — {function} had already run out of its time limit",
        "check_step_skipped_whole": "case {case}: not run — an earlier step had already run out of its time limit",
        "check_step_none_theta": "case {case}, step {step}: a new θ is None — did optimize update θ in place "
                                 "instead of returning it?",
        "check_step_changed": "{message} — {function} changed its argument {argument} in place, and the chain "
                              "used the changed value",
        # blanks still to be written (an exercise notebook's cells), and singular/plural pairs
        "check_not_implemented": "not implemented yet: write it, then run its cell again",
        "check_not_implemented_in": "calls {function}, which is not implemented yet",
        "check_verdict_pending_one": "not implemented yet: {names}",
        "check_verdict_pending_many": "not implemented yet: {names}",
        "check_verdict_pending_tail_one": "; not implemented yet: {names}",
        "check_verdict_pending_tail_many": "; not implemented yet: {names}",
        "check_verdict_missing_one": "; not found: {names}",
        "check_verdict_missing_many": "; not found: {names}",
        # graders: points, and one line per file of a batch
        "check_stands_in": "not found, but your step() agrees with autograd, which earns its points",
        "check_no_step": "not found: no step(X, Y, thetas, eta), and not all four of delta_L, delta_l, gradient, "
                         "optimize to chain into one",
        "check_missing_hint": "not found (same arity: {candidates} — try {option})",
        "check_nothing_in_hint": "{file}: nothing to check: none of {names} is defined there (functions of the "
                                 "same arity: {hints}; map one with --name, e.g. --name {example})",
        "check_line_fail": "differs from autograd",
        "check_line_error": "raised an error",
        "check_line_missing_one": "{names}: not found",
        "check_line_missing_many": "{names}: not found",
        "check_line_pending_one": "{names}: not implemented yet",
        "check_line_pending_many": "{names}: not implemented yet",
        # mlp-check --assignment: assignments as data (check/assignment.py) and the catalogue's signatures
        "assign_network": "network: hidden layers {activation}, output {output}, loss {loss} ({reduction}), {bias}, "
                          "optimizer {optimizer} (η = {lr}), {batch}, {dtype}",
        "assign_bias_yes": "with biases",
        "assign_bias_no": "no biases",
        "assign_batch": "mini-batches of {size} in a fixed order",
        "assign_batch_full": "the full batch",
        "assign_cases": "cases: {cases}",
        "assign_functions": "functions (the name in the file, its arguments, then its signature in the catalogue):",
        "assign_own_optimizer": "checked with its own optimizer: {optimizer} (η = {lr})",
        "assign_list": "built-in assignments (mlp-check --assignment NAME --describe shows one):",
        "assign_catalogue": "the catalogue of signatures (a teacher's file names them in [functions]):",
        "sig_sigmoid": "the sigmoid, entry by entry",
        "sig_tanh": "the hyperbolic tangent, entry by entry",
        "sig_relu": "the rectifier, entry by entry",
        "sig_softmax": "softmax of each row, the row's largest z taken away first so that e^z cannot overflow",
        "sig_sigmoid_prime_a": "σ′ at z, written in a = σ(z): it is given a, not z",
        "sig_tanh_prime_a": "tanh′ at z, written in a = tanh(z): it is given a, not z",
        "sig_tanh_prime_z": "tanh′ at z, given z",
        "sig_relu_prime_z": "relu′ at z, given z",
        "sig_delta_L_sigmoid_half_sse": "the output error of a sigmoid output with J = ½Σ(y − a)²",
        "sig_delta_L_softmax_cross_entropy": "the output error of softmax with cross-entropy averaged over the N "
                                             "samples of the batch (torch's mean): the softmax Jacobian and the log "
                                             "cancel",
        "sig_delta_l_sigmoid": "the error of a hidden sigmoid layer, from the layer above (θ before its update)",
        "sig_delta_l_tanh": "the error of a hidden tanh layer, from the layer above (θ before its update)",
        "sig_delta_l_relu": "the error of a hidden relu layer, from the layer above; it is given z, not a",
        "sig_gradient": "the gradient of the weights: a sum over the samples of the batch",
        "sig_bias_gradient": "the gradient of the biases: δ summed over the samples of the batch, one number per "
                             "unit",
        "sig_sgd_update": "one step of gradient descent, for θ and for b alike",
        "sig_momentum_update": "gradient descent with momentum in torch's convention (v = 0 is given before the "
                               "first step, so that v = ∂J/∂θ after it, as torch starts); it returns the new θ and "
                               "the new v, for θ and for b alike (g = ∂J/∂θ)",
        "sig_adam_update": "Adam with bias correction, as torch: t is given before its increment (0 before the first "
                           "step) and returned after it, m and v start at 0; it returns the new θ, m, v and t "
                           "(g = ∂J/∂θ)",
        "sig_adamw_update": "AdamW: Adam whose weight decay is decoupled (θ shrinks by ηλθ outside the moments); t, m "
                            "and v as Adam's",
        "sig_step": "one whole training step of the lab's network, returning the list of new θ",
        # mlp-check --summary: the class report
        "class_title": "mlp-check: class report",
        "class_files_one": "{count} file",
        "class_files_many": "{count} files",
        "class_no_files": "No files.",
        "class_overview": "{files}; {full} with full marks ({total} points); mean score {mean}; median {median}",
        "class_scores": "Scores",
        "class_col_score": "score",
        "class_col_files": "files",
        "class_functions": "Function by function",
        "class_passed": "passed",
        "class_failed": "failed",
        "class_error": "raised an error",
        "class_missing": "not found",
        "class_not_run_col": "did not run",
        "class_stood_in": "a right step() stood in",
        "class_diagnoses": "Diagnoses",
        "class_diagnosis": "— {files}: {text} — {names}",
        "class_diagnoses_none": "No function failed with a catalogued mistake.",
        "class_unexplained": "Failures no catalogued mistake explains",
        "class_unexplained_intro": "Grouped by identical outputs on every call: the files of one group compute "
                                     "the same wrong thing, a mistake worth naming.",
        "class_unexplained_none": "None.",
        "class_example": "e.g. {file}: {message}",
        "class_blamed": "{names}: the chained step failed only through a function already wrong (not grouped)",
        "class_bar_unexplained": "no name yet",
        "class_bar_blamed": "through another function",
        "class_not_run": "Time-outs and files that did not run as written",
        "class_not_run_none": "None: every file ran as written.",
        "equal_one": "Twins stayed equal for the {epochs} epoch ({rule}, {dtype}); largest |Δ| = {largest:.1e}{ratio}",
        "equal_many": "Twins stayed equal for all {epochs} epochs ({rule}, {dtype}); "
                      "largest |Δ| = {largest:.1e}{ratio}",
        "ok_line_one": "OK ({witnesses}): every quantity of the step agrees within {rule} ({dtype}); "
                       "largest |Δ| = {largest:.1e}{ratio}",
        "ok_line_many": "OK ({witnesses}): every quantity of all {steps} steps agrees within {rule} ({dtype}); "
                        "largest |Δ| = {largest:.1e}{ratio}",
        "diff_zero_one": "|Δ| = 0 exactly ({count} epoch, drawn on the axis floor)",
        "diff_zero_many": "|Δ| = 0 exactly ({count} epochs, drawn on the axis floor)",
        "epochs_count_one": "{count} epoch",
        "epochs_count_many": "{count} epochs",
        # --inject-bug list
        "catalogue_right": "right:   ",
        "catalogue_injected": "injected:",
        # the progress bar, the command line's own words
        "progress_left": "{elapsed:.1f} s, ~{left:.0f} s left",
        "cli_error": "{prog}: error: {message}",
        "cli_try_help": "Try '{prog} --help' for the options.",
        "cli_interrupted": "{prog}: interrupted",
        "cli_terminated": "{prog}: stopped (SIGTERM); its workers were stopped too",
        "cli_ascii_note": "{prog}: note: the output's encoding ({encoding}) cannot show symbols such as Delta and "
                          "theta: they are written in ASCII (set PYTHONIOENCODING=utf-8 to see them)",
        "first_mismatch": "first mismatch: {what}",
        # the lab's network (scripts/draw_network.py)
        "network_inputs": "inputs X",
        "network_hidden": "hidden layer",
        "network_output": "output",
        "network_title": "The lab's 2-3-1 network: each edge carries its weight, θ⁽¹⁾ (blue) and θ⁽²⁾ (orange)",
        "no_mismatch": "none",
        # --help: argparse's own words, then each tool's description, epilog, groups and options
        "help_usage": "usage: ",
        "help_positionals": "positional arguments",
        "help_options": "options",
        "help_help": "show this help message and exit",
        "meta_file": "FILE",
        "meta_path": "PATH",
        "meta_seconds": "SECONDS",
        "meta_name": "NAME",
        "meta_net": "NET",
        "meta_lab_theirs": "LAB=THEIRS",
        "meta_assignment": "NAME|FILE.toml",
        "help_default_marker": " (default",
        "help_lang": "language of {what}: en or pt (default: pt when LC_ALL, LC_MESSAGES or LANG starts with pt, "
                     "e.g. LANG=pt_BR.UTF-8; else en)",
        "help_lang_compare": "the table and the verdict",
        "help_lang_train": "the output and the plot",
        "help_lang_check": "the verdicts",
        "help_lang_bench": "the report and this help",
        "help_group_model": "network and data (default: the lab's 2-3-1 network, X, Y and θ)",
        "help_layers": "layer sizes for random weights, e.g. 2,3,1",
        "help_init_seed": "seed of the random weights (default 0)",
        "help_bias": "random weights with biases b⁽ˡ⁾ (with --layers)",
        "help_weights": "arrays theta1…thetaL of shape (out, in), optional b1…bL",
        "help_data": "arrays X (N, n0) and Y (N, nL); with cross_entropy Y may be integer labels (N,)",
        "help_activation": "hidden layers' activation (default sigmoid, as in the lab); the Portuguese names "
                           "sigmoide, tangente_hiperbolica and identidade are accepted too",
        "help_output_activation": "output layer's activation (default sigmoid; softmax goes with --loss "
                                  "cross_entropy); Portuguese names as for --activation",
        "help_loss": "half_sse = the lab's ½Σ(y−a)² (default); mse, bce, cross_entropy as torch.nn's",
        "help_group_run": "training and comparison",
        "help_lr": "learning rate η (default {default})",
        "help_steps": "number of training steps (default {default})",
        "help_epochs": "number of training epochs (passes over the data) (default {default})",
        "help_batch_size": "samples per step (default: all of them, as in the lab)",
        "help_shuffle_seed": "shuffle the samples every epoch with this seed (default: fixed order)",
        "help_dtype": "precision of both twins",
        "help_rtol": "relative tolerance (default: derived from --dtype)",
        "help_atol": "absolute tolerance (default: derived from --dtype)",
        "help_free_running": "let the twins train independently instead of starting each step from the NumPy "
                             "twin's state; rounding differences then compound (with Adam or momentum, loosen "
                             "--rtol/--atol)",
        "help_json_report": "also write the report as JSON",
        "help_group_device": "device (the PyTorch twin's; the NumPy twin always runs on the CPU)",
        "help_device": "where the PyTorch twin runs (default cpu); records always come back as NumPy arrays",
        "help_allow_tf32": "on CUDA, let float32 matmuls use TF32 (10-bit mantissa): faster, and visibly less exact; "
                           "off by default",
        "help_group_optimizer": "optimizer (torch.optim's semantics; default: plain gradient descent, as in the lab)",
        "help_optimizer": "optimizer (default sgd)",
        "help_momentum": "sgd momentum (default 0)",
        "help_nesterov": "sgd with Nesterov momentum (needs --momentum > 0)",
        "help_weight_decay": "L2 penalty: coupled for sgd/adam, decoupled for adamw (default: torch's, 0 or 0.01 for "
                             "adamw)",
        "help_betas": "Adam's moment decay rates (default 0.9,0.999)",
        "help_eps": "Adam's ε (default 1e-8)",
        "help_compare_description": "Run a network's training step by the formulas (NumPy) and by autograd "
                                    "(PyTorch) from the same weights, and print every quantity side by side, with max "
                                    "|Δ|, the largest |NumPy − PyTorch| among its entries. With no options: the lab's 2-3-1 network, one step with η = 0.1.",
        "help_compare_epilog": "Exit codes: 0 all quantities match, 1 mismatch or divergence, 2 bad input.",
        "help_gradcheck": "also check every gradient against central finite differences in float64 (a third witness)",
        "help_inject_bug": "run a NumPy network with a classic backprop mistake, to see how the comparison catches "
                           "it ('--inject-bug list' describes them)",
        "help_explain": "under each row, its formula for entry [0, 0] with the NumPy twin's numbers in place, tagged "
                        "with the backprop equation it comes from (networks whose matrices have ≤ 64 entries)",
        "help_width_table": "columns the table may use (default: the terminal's, COLUMNS, or 100); values that do "
                            "not fit side by side are stacked, NumPy above PyTorch",
        "help_train_description": "Train a network by the formulas (NumPy) and by autograd (PyTorch) in lockstep "
                                  "from the same weights, comparing them at every epoch; print the loss as the lab "
                                  "does and plot both curves. With no options: the lab's 2-3-1 network and data, "
                                  "1000 epochs, η = 0.1.",
        "help_train_epilog": "Exit codes: 0 the twins stayed equal, 1 they differed or training diverged, 2 bad input.",
        "help_group_datasets": "data sets",
        "help_dataset": "lab (default) and lab-v2 use the lab's weights; xor, moons and spirals are generated, iris "
                        "and digits are scikit-learn's (pip install -e \".[data]\"); they train random weights "
                        "(--layers, or the data set's default architecture)",
        "help_data_seed": "seed of moons and spirals (default 0)",
        "help_recipe_default": " (default: the data set's; the lab's for lab)",
        "help_group_train_output": "training output",
        "help_impl": "train both twins and compare them (default), or one alone (numpy never imports torch)",
        "help_print_every": "print the loss every N epochs (default: a tenth of the epochs, 100 for the lab)",
        "help_save": "write the trained θ (and b) in the format --weights reads",
        "help_width_lines": "columns to fit the lines in (default: the terminal's, COLUMNS, or 100)",
        "help_plot": "PNG file to write (default {default})",
        "help_no_plot": "write no plot",
        "help_plot_boundary": "add the learned decision boundary to the plot (data with 2 inputs)",
        "help_check_description": "Check the lab's backprop functions written by a student — sigmoid, delta_L "
                                  "(BP1), delta_l (BP2), gradient (BP4; BP3, the bias gradient, has no function: the "
                                  "lab's network has no biases), optimize and a step(X, Y, thetas, eta) — against "
                                  "PyTorch autograd, formula by formula: which is wrong, at which entry, and the "
                                  "mistake it probably is; max |Δ| is the largest |yours − autograd|.",
        "help_check_epilog": "Exit codes for one file: 0 every function found is right, 1 a function is wrong or "
                             "the file did not run as written, 2 bad input. For several files: 0 every file has "
                             "full marks, 1 one has not (a function missing counts), 2 bad input. Each file runs in "
                             "a separate process with a time limit: this isolates crashes and hangs, but it is no "
                             "security sandbox (run untrusted code in a container).",
        "help_files": ".py files or .ipynb notebooks",
        "help_name": "the submission's name for one of the lab's functions, e.g. --name delta_L=meu_delta "
                     "(repeatable)",
        "help_timeout": "how long one cell or one call may run before it is interrupted (default {default}); a "
                        "call that runs {seconds} + 10 is stopped from outside, and the file's other functions go on",
        "help_memory": "memory each worker process may use, in GB (default {default}); more is a finding",
        "help_sandbox": "run each file under bubblewrap (bwrap): no network, a read-only file system, no view of "
                        "other hand-ins; refused where bwrap cannot run",
        "help_cpu_seconds": "CPU seconds each worker process may use (default {default}); more is a finding",
        "help_rubric": "TOML file of the points each function is worth, and whether a right step() stands in "
                       "for the formula functions not written (default: 1 point each, it stands in); see "
                       "docs/checking.md",
        "help_assignment": "the assignment to check: lab1 (the lab's, the default), lab2, lab3, a teacher's "
                           "TOML file, or list to name them and the catalogue of formulas",
        "help_describe": "print each of the assignment's functions (signature, shapes, formula) and check nothing",
        "help_check_json": "write the verdicts as JSON (a list when several files)",
        "help_gradescope": "write Gradescope's results.json (one file only)",
        "help_csv": "write one row per file, one column per function",
        "help_jobs": "files checked at once, each in its own process (default: the number of CPUs)",
        "help_details": "with several files, print every table, not one line each",
        "help_summary": "write a class report of the batch (.md or .html): per function, how many files passed, "
                        "failed or lack it, each diagnosis with its files, the failures with no name grouped by "
                        "identical outputs, the files that did not run",
        "help_feedback": "how much the verdicts reveal (terminal, --json, --gradescope): full (default), hint (no "
                         "number autograd computed: where it differs and the probable mistake), verdict (✓/✗ per "
                         "function)",
        "help_gradescope_visibility": "when students see the --gradescope results (default: visible)",
        "help_width_check": "line width (default: the terminal's)",
        # mlp-bench's report: the table's headings (bench_cli.COLUMNS' order), then its lines
        "bench_col_0": "net",
        "bench_col_1": "N",
        "bench_col_2": "dtype",
        "bench_col_3": "hidden",
        "bench_col_4": "NumPy step",
        "bench_col_5": "torch step",
        "bench_col_6": "harness",
        "bench_col_7": "h/(np+pt)",
        "bench_col_8": "fixed",
        "bench_col_9": "train",
        "bench_col_10": "1 thread",
        "bench_col_11": "step/mm",
        "bench_col_12": "epoch/mm",
        "bench_col_13": "np/pt epoch",
        "bench_col_14": "BLAS np/pt",
        "bench_col_15": "peak MB",
        "bench_col_16": "peak/arrays",
        "bench_col_17": "noise",
        "bench_cpu": "CPU: {cpu}, {cores} usable cores; Python {python}",
        "bench_numpy": "NumPy {version}: BLAS {blas} {blas_version}, kernel {kernel}, {threads} ({source})",
        "bench_torch": "PyTorch {version}: BLAS {blas} ({library}), kernel {kernel}, {threads}, {interop} inter-op",
        "bench_kernel_unknown": "not reported (needs threadpoolctl)",
        "bench_not_reported": "not reported",
        "bench_no_details": "no details",
        "bench_threads_one": "{n} thread",
        "bench_threads_many": "{n} threads",
        "bench_lockstep": "In lockstep: {how}",
        "bench_kernels_forced": "Kernels forced by the environment: {forced}",
        "bench_kernels_own": "Kernels: each library's own choice for this CPU (no variable forces one)",
        "bench_thread_variables": "Thread settings from the environment: {variables}",
        "bench_torch_on": "torch twin on {device}{tf32}",
        "bench_tf32_on": ", TF32 allowed",
        "bench_tf32_off": ", TF32 off",
        "bench_load_before": "load average before: {load:.2f}",
        "bench_load_after": "load average after: {load:.2f}",
        "bench_busy": "note: other work is running; with more than one thread per library, timings will be "
                      "unsteady (--threads 1 gives steadier ones)",
        "bench_mismatch_note": "note: {case}: {mismatches} of {steps} verified steps found a mismatch, the first: {first}",
        "bench_startup": "Start-up over a bare import torch ({torch:.2f} s): mlp-compare (the lab, one step) "
                         "{compare:.2f} s, {compare_ratio:.2f}×; mlp-check (one function) {check:.2f} s, "
                         "{check_ratio:.2f}× (medians of {runs} fresh interpreters each, in turns)",
        "bench_startup_quick": "Start-up: not measured with --quick",
        "bench_import": "import manual_mlp: {manual_mlp:.3f} s in a fresh interpreter (NumPy alone {numpy:.3f} s); "
                        "torch imported: {torch}",
        "bench_yes": "yes",
        "bench_no": "no",
        "help_bench_description": "Time one training step of the NumPy twin and of the PyTorch twin alone, the "
                                  "harness's verified step (both in lockstep and compared), the same step's matmuls "
                                  "alone through each library, and training epochs as mlp-train runs them (medians "
                                  "of interleaved rounds); then each case's peak memory and the start-up of "
                                  "mlp-compare against a bare import torch.",
        "help_bench_epilog": "Columns: 'harness' is a verified step, h/(np+pt) it over the NumPy step plus the torch "
                             "step, each timed alone; 'fixed' the same ratio with the fixed tolerance rule "
                             "(--rtol/--atol: no error bounds to compute); 'train' an epoch of mlp-train --impl both over "
                             "--impl numpy plus --impl torch, each library with its own threads, and '1 thread' the same "
                             "on one thread each; step/mm is the NumPy step over its "
                             "matmuls alone (1.0 = nothing but BLAS); epoch/mm the same for an epoch of mlp-train "
                             "--impl numpy (one step an epoch); np/pt epoch an epoch of --impl numpy over one of "
                             "--impl torch; 'BLAS np/pt' NumPy's matmuls over torch's same matmuls; 'peak MB' the "
                             "peak of 10 verified steps above the imports, in a fresh interpreter, and peak/arrays it "
                             "over the arrays that must exist (X, Y and one step's records of both twins; shown from "
                             "1 MB of them); 'noise' the largest interquartile range over median among the timings.",
        "help_group_bench_what": "what to measure (default: every net, dtype and benchmarked activation)",
        "help_nets": "networks: {names}",
        "help_activations": "hidden activations (default: {names}); Portuguese names as for mlp-compare's "
                            "--activation",
        "help_group_bench_how_long": "how long",
        "help_quick": "a few seconds in all: the three smaller nets, float64 and sigmoid, fewer and shorter rounds, "
                      "no epochs, memory probes or start-up runs",
        "help_budget": "seconds of timed rounds per case (default {default}, {quick} with --quick)",
        "help_threads": "threads for NumPy's BLAS and for torch alike (default: each library's own choice); 1 gives "
                        "steadier numbers on a machine busy with other work",
        "help_bench_json": "also write every number as JSON",
        # mlp-kit
        "meta_folder": "FOLDER",
        "help_kit_description": "Write the folder a teacher hands out for the lab: the exercise notebook (in "
                                "Portuguese), this checkout's package as a wheel, which the notebook's first cell "
                                "installs with no access to the repository, and LEIAME.md for the teacher.",
        "help_kit_epilog": "The wheel is built offline from this checkout, with this Python's setuptools; NumPy, "
                           "PyTorch and matplotlib are not in it (they come from the student's Python). Files of the "
                           "same names already in the folder are replaced, and an older manual_mlp wheel is "
                           "removed. Exit codes: 0 written, 2 bad input or a build that failed.",
        "help_kit_folder": "the kit's folder (created if missing; the folder it goes in must exist)",
        "help_lang_kit": "these lines, and the autograder's verdicts with --gradescope (the kit itself is in "
                         "Portuguese)",
        "kit_written": "Course kit written to {folder}: hand the notebook and the wheel to the students, together",
        "kit_notebook": "the exercise (in Portuguese)",
        "kit_wheel": "the package that the first cell installs, without torch and NumPy",
        "kit_leiame": "for the teacher, in Portuguese: handing it out, Jupyter, Colab, grading",
        "kit_removed": "older wheel removed from the folder: {name}",
        "help_kit_gradescope": "also (or instead) write Gradescope's autograder, a .zip to upload: setup.sh installs "
                               "the wheel inside it, run_autograder checks each hand-in with mlp-check",
        "help_kit_rubric": "the autograder's rubric, a TOML file (see mlp-check --rubric; with --gradescope or --classroom)",
        "help_kit_assignment": "the assignment: its exercise notebook goes in the kit's folder and the starter "
                               "repository (lab1's by default); the autograder's, a built-in one's name or a TOML file",
        "help_kit_feedback": "how much the autograder's verdicts reveal (see mlp-check --feedback; with --gradescope or --classroom)",
        "kit_gradescope_written": "Gradescope autograder written to {path}: upload it as the assignment's autograder",
        "help_kit_classroom": "also (or instead) write a starter repository for GitHub Classroom: the notebook, the "
                              "wheel, and the autograding, one test per function worth its points",
        "kit_classroom_written": "GitHub Classroom starter repository written to {folder}: push it and make it the "
                                 "assignment's template",
        # the Gradescope autograder (cli/autograder.py): what results.json says when nothing was checked
        "autograder_no_folder": "There is no submission folder {folder}: nothing was handed in.",
        "autograder_none": "No file to check: hand in your {suffixes} file.",
        "autograder_several": "{n} files to check ({names}): hand in only one .py or .ipynb file.",
        "autograder_not_file": "{name} is not a regular file (a folder or a link): hand in the file itself.",
        "autograder_broken": "The autograder could not grade this submission ({reason}): tell your teacher.",
        "function_test_earned": "{name}: {points:g} points earned",
        "function_test_lost": "{name}: 0 of its {points:g} points",
    },
    "pt": {
        "epoch": "Época",
        "loss": "Loss",
        "loss_title": "Loss x Época de Treinamento",
        "numpy": "NumPy (à mão)",
        "torch": "PyTorch (autograd)",
        "diff_title": "Maior diferença entre as duas implementações, por época",
        "diff_label": "máx |Δ| entre todas as grandezas",
        "tolerance_line": "tolerância: atol = {atol:.1e} (+ rtol·|valor|)",
        "so_far": "máx |Δ| até aqui",
        "initial_loss": "Loss inicial",
        "final_loss": "Loss final",
        "reduction": "Redução da loss",
        "differed": "As implementações diferiram: {what}",
        "diverged": "O treinamento divergiu na época {epoch}: a loss ou os pesos da implementação {twin} "
                    "deixaram de ser finitos",
        "one_twin": "Só a implementação {twin} foi treinada (--impl {impl}): nada a comparar",
        "stopped": "parou após a época {epoch} de {epochs}",
        "same_start_ok": "O mesmo passo refeito pelas duas implementações a partir de pesos idênticos concorda "
                         "(máx |Δ| = {diff:.1e}): elas calculam o mesmo passo, e as trajetórias se separaram "
                         "porque diferenças de arredondamento de ~1e-16 cresceram ao longo do treinamento (a "
                         "dinâmica do treinamento as amplifica). --rtol/--atol maiores deixam o treinamento "
                         "continuar só enquanto a diferença ficar abaixo deles.",
        "same_start_bad": "O mesmo passo refeito pelas duas implementações a partir de pesos idênticos também "
                          "difere (máx |Δ| = {diff:.1e}): as implementações calculam passos diferentes.",
        "plot_written": "Gráfico salvo em {path}",
        "accuracy": "Acurácia de treinamento",
        "accuracy_short": "acurácia",
        "accuracy_title": "Acurácia de treinamento por época",
        "boundary_contour": "a⁽ᴸ⁾ = 0,5: a fronteira de decisão",
        "weights_saved": "Pesos treinados (da implementação {twin}) salvos em {path}: use-os com --weights {path}",
        "not_saved": "--save: nada foi escrito em {path}: o treinamento não terminou com pesos finitos e iguais",
        "needs_data_extra": "--dataset {dataset} precisa do scikit-learn, que não está instalado: "
                            "pip install -e \".[data]\" (ou pip install scikit-learn)",
        "boundary_title": "Fronteira de decisão após o treinamento ({dataset})",
        "boundary_output": "saída da rede a⁽ᴸ⁾",
        "boundary_class": "classe prevista: argmax de a⁽ᴸ⁾",
        "class": "classe {label}",
        # mlp-compare's table and verdict
        "quantity": "grandeza",
        "formula": "fórmula",
        "max_diff": "máx |Δ|",
        "finite_differences": "diferenças finitas",
        "fd_errors": "erro rel. NumPy / PyTorch",
        "step_of": "Passo {step} de {steps}",
        "step_title": "Passo {step}",
        "new": "(novo)",
        "value_shape": "forma {shape}",
        "first_mismatch_mark": "◀ primeira diferença",
        "witnesses": "fórmula = autograd",
        "witnesses_fd": "fórmula = autograd = diferenças finitas",
        "fail_line": "FALHA: {what} ({rule})",
        "rule_fixed": "rtol={rtol:.1e}, atol={atol:.1e}",
        "rule_bound": "o limite de erro de arredondamento de cada grandeza, u = {u:.1e}{tf32}",
        "rule_tf32": ", operandos TF32 {u:.1e}",
        "ratio_note": ", no máximo {ratio:.2g} do seu limite",
        "unbounded_note_one": "; {count} elemento ficou sem limite finito (a aritmética do próprio limite "
                              "transbordou): aceito só porque os valores das duas implementações ali são finitos",
        "unbounded_note_many": "; {count} elementos ficaram sem limite finito (a aritmética dos próprios limites "
                               "transbordou): aceitos só porque os valores das duas implementações ali são finitos",
        "early_note_one": "; {count} elemento foi aceito antecipadamente, abaixo de um limite inferior da sua |Δ| "
                          "permitida (a sua parcela do limite não foi calculada)",
        "early_note_many": "; {count} elementos foram aceitos antecipadamente, abaixo de um limite inferior da sua "
                           "|Δ| permitida (a sua parcela do limite não foi calculada)",
        "summary_title": "Resumo por passo",
        "summary_shown": " ({shown} de {total} passos mostrados; --json tem todos)",
        "step": "passo",
        "unnoticed": "Passou despercebido: o efeito ficou dentro da tolerância ({rule}, {dtype}); "
                     "tente --dtype float64 ou uma rede em que ele apareça mais.",
        # where the twins part (Mismatch.describe)
        "mismatch": "diferença no passo {step}: {where} difere — NumPy {numpy!r}, PyTorch {torch!r}, "
                    "|Δ| = {diff:.3e}",
        "diverged_at": "divergiu no passo {step}: valor não finito em {where} {twins} "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "fd_disagree": "diferença no passo {step}: {where} — as diferenças finitas dão {fd!r}, diferente do valor "
                       "{twins} (NumPy {numpy!r}, PyTorch {torch!r})",
        "twins_both": "nas duas implementações",
        "twins_numpy": "na implementação NumPy",
        "twins_torch": "na implementação PyTorch",
        # --explain
        "explain_header": "--explain: abaixo de cada linha, a fórmula do elemento [0, 0] (primeira amostra, primeira "
                          "unidade; [0] de b; J inteira), com os números da implementação NumPy",
        "explain_too_big": "--explain: não mostrado, a rede é grande demais para acompanhar à mão: {reason}; as "
                           "explicações precisam de matrizes com no máximo {limit} elementos, para que a tabela "
                           "mostre cada uma inteira (use menos amostras com --batch-size, ou --layers menores)",
        "explain_too_big_reason": "{label} tem {size} elementos (forma {shape})",
        "tag_forward": "forward pass",
        "tag_loss": "função de custo",
        "tag_BP1": "BP1 erro da saída",
        "tag_BP2": "BP2 erro da camada oculta",
        "tag_BP3": "BP3 gradiente do viés",
        "tag_BP4": "BP4 gradiente dos pesos",
        "tag_update": "atualização",
        "tag_state": "estado do otimizador",
        # --inject-bug
        "injected": "Erro injetado (--inject-bug {name}): {description}. Certo: {right}; injetado: {wrong}.",
        "mutant_no_sigma_prime": "a derivada f′(z) da ativação fica de fora de todo δ",
        "mutant_hidden_no_sigma_prime": "f′(z) fica de fora só do δ das camadas ocultas",
        "mutant_sigma_prime_of_a": "σ′ é calculada na ativação a em vez de em z: σ(a)(1 − σ(a)) em vez de a(1 − a)",
        "mutant_sigma_prime_of_z": "σ′ é escrita em termos de a mas recebe z: z(1 − z) em vez de a(1 − a)",
        "mutant_theta_l_in_hidden_delta": "o δ oculto leva o erro de volta por θ⁽ˡ⁾ em vez de θ⁽ˡ⁺¹⁾",
        "mutant_missing_transpose": "∂J/∂θ é calculado como a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ (a transposta da matriz certa) e "
                                    "remodelado (reshape) para a forma de θ em vez de transposto",
        "mutant_half_dropped": "o ½ de J = ½Σ(y − a)² é esquecido ao derivar, o que dobra todo gradiente",
        "mutant_residual_sign": "o resíduo é tomado ao contrário",
        "mutant_sign_flipped": "a atualização sobe o gradiente em vez de descê-lo",
        "mutant_bias_grad_first_sample": "o gradiente do viés usa o δ da primeira amostra em vez de somar "
                                         "sobre o lote",
        "mutant_mean_instead_of_sum": "cada gradiente é tirado como média sobre o lote (÷ N), mas J = ½Σ(y − a)² "
                                      "soma sobre o lote, sem ÷ N",
        "mutant_right_updated_theta_in_backward": "δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ σ′(z⁽ˡ⁾), todos os gradientes antes de "
                                                  "qualquer atualização",
        "mutant_updated_theta_in_backward": "θ⁽ˡ⁺¹⁾ é atualizado assim que seu gradiente é conhecido, e o δ "
                                            "seguinte usa o θ novo (descida do gradiente com o η da execução)",
        # mlp-check e check_lab: as funções de alguém contra o autograd
        "check_formula_step": "o seu step(X, Y, thetas, eta), passo a passo",
        "check_formula_chain": "as suas funções encadeadas num passo de treinamento",
        "check_autograd": "autograd {target}",
        "check_yours": "o seu",
        "check_right": "certo:",
        "check_probably": "provável erro:",
        "check_verdict_ok": "OK: toda função encontrada concorda com o autograd",
        "check_verdict_wrong": "FALHA: {names} diferem do autograd",
        "check_verdict_wrong_one": "FALHA: {names} difere do autograd",
        "check_verdict_not_run": "FALHA: o arquivo não rodou como está",
        "check_file_error": "o arquivo não rodou como está: {error}",
        "check_col_function": "função",
        "check_col_formula": "fórmula",
        "check_col_result": "resultado",
        "check_chain_broken_many": "{message} — esperado, pois {names} já falharam sozinhas",
        "check_cell": "célula de código {cell}",
        "check_kernel_cell": "a sua célula",
        "check_kernel_cell_number": "a sua célula [{number}]",
        "check_line": "linha {line}",
        "check_in": "em {function}",
        "check_timeout": "não retornou em {limit:g} s",
        "check_raised": "caso {case}: {call} gerou {error}",
        "check_returned_none": "caso {case}: {call} devolveu None",
        "check_returned_other": "caso {case}: {call} devolveu um {type}, não um array de números",
        "check_returned_parts": "caso {case}: {call} devolveu {type}; deve devolver {returns}",
        "check_shape": "caso {case}: {call} devolveu a forma {got}, mas o {target} do autograd tem forma {expected}",
        "check_mismatch": "caso {case}: {target}{index} — autograd {expected}, o seu {got} (|Δ| = {diff})",
        "check_nonfinite": "caso {case}: {target}{index} — autograd {expected}, o seu {got} (não é um número finito)",
        "check_mismatch_hint": "caso {case}: {target}{index} difere do autograd",
        "check_nonfinite_hint": "caso {case}: {target}{index} não é um número finito",
        "check_step_mismatch_hint": "caso {case}, passo {step}: o novo {target}{index} difere do autograd",
        "check_missing": "não encontrada",
        "check_missing_after": "não encontrada (talvez na {where}, que não rodou)",
        "check_missing_after_file": "não encontrada (talvez em {where}, que não rodou)",
        "check_not_function": "não encontrada: {name} guarda aqui um {what}, não uma função (reatribuída depois do "
                              "def?)",
        "check_pass": "todas as {calls} chamadas concordam com o autograd",
        "check_step_pass": "o seu step() concorda com o autograd por {steps} passos em {cases} redes",
        "check_chain_pass": "as suas funções, encadeadas num passo de treinamento, concordam com o autograd por "
                            "{steps} passos em {cases} redes",
        "check_step_shape": "caso {case}, passo {step}: o novo {target} tem forma {got}, mas θ tem forma {expected}",
        "check_step_mismatch": "caso {case}, passo {step}: novo {target}{index} — autograd {expected}, o seu {got} "
                               "(|Δ| = {diff})",
        "check_step_raised": "caso {case}, passo {step}: {error}",
        "check_step_returned": "caso {case}, passo {step}: o passo devolveu {what}, não a lista dos novos θ",
        "check_chain_own_sigma": "{message} — só com a sua sigmoid no forward pass (com a σ do NumPy o "
                                 "encadeamento concorda): veja sigmoid",
        "check_chain_broken": "{message} — esperado, pois {names} já falhou sozinha",
        "check_diagnosis": "{description} (calcula {wrong})",
        "check_diagnosis_either": "um destes, que dão o mesmo passo aqui: {options}",
        "check_diagnosis_either_call": "um destes, que dão os mesmos números aqui: {options}",
        "check_diagnosis_plain": "{description}",
        "check_diagnosis_step": "{description} ({wrong})",
        "check_cell_skipped": "{where}: uma mágica de célula (%%), não executada",
        "check_cell_timeout": "{where}: ainda rodando após {limit:g} s, interrompida",
        "check_cell_error": "{where}: {type}: {message}{at}",
        "check_cell_syntax": "{where}: {type}: {message} (linha {line}: {text})",
        "check_cell_uncompilable": "{where}: {type}: {message} (o Python não consegue compilá-la)",
        "check_nothing": "nada a verificar: nenhuma de {names} foi dada",
        "check_nothing_in": "{file}: nada a verificar: nenhuma de {names} está definida ali (outros nomes: --name "
                            "delta_L=seu_nome)",
        "check_at_cell": " na célula de código {cell}",
        "check_in_function": " enquanto {function} rodava",
        "check_file_timeout": "interrompido após {seconds:g} s{at}: o arquivo não terminou (um laço infinito?)",
        "check_crashed": "o arquivo encerrou o próprio processo (código de saída {code}){at} {detail}",
        "check_call_stopped": "caso {case}: {call} {error}",
        "check_alarm": "parou com um SIGALRM após {seconds:.1f} s, antes do limite de {limit:g} s (um signal.alarm do "
                       "próprio código?)",
        "check_cell_alarm": "{where}: parou com um SIGALRM após {seconds:.1f} s, antes do limite de {limit:g} s (um "
                            "signal.alarm do próprio código?)",
        "check_unreadable_message": "(uma mensagem que não pode ser mostrada: o seu __str__ falhou)",
        "check_process_ended": "encerrou o processo que a executava ({how}) {detail}",
        "check_exit_code": "código de saída {code}",
        "check_signal": "sinal {name}",
        "check_no_worker": "não foi executada: os processos que executavam este arquivo terminaram vezes demais",
        "check_uses": "usa {names}: pode calcular as respostas com autograd em vez das fórmulas (o veredito é o "
                      "dos números; o professor decide)",
        "check_uses_short": "usa {names}",
        "check_forged": "o processo do arquivo mandou ao verificador uma mensagem que não é do verificador{at}: o "
                        "próprio código a escreveu, e nada do que ela diz é julgado",
        "check_limit_memory": "usou mais de {size} de memória, o limite (--memory)",
        "check_limit_cpu_seconds": "usou mais de {seconds} segundos de CPU, o limite (--cpu-seconds)",
        "check_limit_file_size": "escreveu um arquivo maior que {size}, o limite",
        "check_limit_processes": "iniciou mais de {count} processos ou threads, o limite",
        "mistake_exp_sign": "o sinal de menos do expoente se perdeu",
        "mistake_returns_derivative": "devolve σ′(z) em vez de σ(z)",
        "mistake_missing_reciprocal": "falta o 1 / (…)",
        "mistake_tanh_for_sigmoid": "calcula tanh em vez de σ",
        "mistake_loss_instead_of_delta": "devolve a loss de cada amostra em vez de δ⁽ᴸ⁾",
        "mistake_theta_transposed": "θ⁽ˡ⁺¹⁾ está transposta: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ só tem formas compatíveis quando as "
                                    "camadas têm o mesmo tamanho",
        "mistake_transposed_gradient": "o produto está na ordem inversa e dá a transposta de ∂J/∂θ⁽ˡ⁾",
        "mistake_eta_ignored": "a taxa de aprendizado η ficou de fora",
        "mistake_hyperparameter_fixed": "a função usa números fixos ({values}) em vez dos seus argumentos "
                                        "{args}: certo só onde a verificação usa esses valores",
        "mistake_returns_change": "devolve a variação −η∂J/∂θ em vez do novo θ",
        "mistake_undefined_name": "usa {name!r}, que não está definido onde a função roda (uma variável do "
                                  "notebook, ou um erro de digitação num dos parâmetros?)",
        "mistake_math_on_array": "math.exp (ou outra função de math) recebe um só número; np.exp funciona em "
                                 "arrays inteiros",
        "mistake_endless_loop": "não retorna: um laço infinito?",
        "mistake_shape_mismatch": "as formas não se encaixam: {shapes}",
        "mistake_step_eta_fixed": "o passo usa η = {used} em vez do eta que recebe ({given} aqui): passa onde η "
                                  "vale {used} e falha com qualquer outro",
        "check_shape_of": "{symbol} é {shape} = {actual}",
        "check_shapes_needed": "{given}; {wanted}: {formula}",
        "mistake_elementwise_product": "δ⁽ˡ⁺¹⁾ e θ⁽ˡ⁺¹⁾ são multiplicados elemento a elemento (*) onde cabe o "
                                       "produto de matrizes (@); os dois só coincidem quando a camada l+1 tem "
                                       "uma unidade, como no lab",
        "mistake_single_precision": "os valores concordam com os do autograd em cerca de 7 dígitos, não 16: a "
                                    "função calcula em float32; mantenha os arrays em float64",
        "mistake_small_difference": "os valores diferem dos do autograd por uma quantidade pequena e sistemática "
                                    "(cerca de {size} relativa), e não são números float32: uma pequena constante "
                                    "somada (um ε), um corte (clip) ou uma aproximação?",
        "mistake_global_variable": "lê {names} do notebook em vez dos seus parâmetros, e por isso responde "
                                   "pelos dados do notebook, não pelos arrays que recebe",
        "mistake_missing_return": "a função calcula o resultado mas não tem `return`, então o Python devolve None",
        "mistake_broadcast": "um array (N,) encontrou um (N, 1) e o NumPy os expandiu (broadcast) para (N, N): "
                             "mantenha y e a ambos (N, 1)",
        "mistake_tanh_of_a": "recebe a = tanh(z) mas aplica a tanh de novo, como se fosse z",
        "mistake_sigma_prime_for_tanh": "usa o a(1 − a) da σ′ onde a tanh′ é 1 − a²",
        "mistake_one_minus_z_squared": "tanh² é tanh(z)², não z²: falta a tanh",
        "mistake_ce_not_averaged": "falta a divisão por N: a entropia cruzada do torch é uma média sobre o lote",
        "mistake_ce_extra_fprime": "a derivada da softmax foi multiplicada de novo: com entropia cruzada o "
                                   "jacobiano e o log já se cancelam, δ⁽ᴸ⁾ = (a − y)/N",
        "mistake_hidden_no_tanh_prime": "falta a tanh′ = 1 − a⁽ˡ⁾²: o erro só é levado de volta por θ",
        "mistake_bias_mean_instead_of_sum": "δ é a média sobre o lote em vez da soma (o 1/N já está em δ⁽ᴸ⁾)",
        "mistake_bias_not_summed": "devolve δ sem somar sobre o lote: uma linha por amostra em vez de um número "
                                   "por unidade",
        "mistake_bias_keepdims": "a soma sobre o lote está certa mas ficou 2-D (keepdims): b⁽ˡ⁾ tem forma (nₗ,)",
        "mistake_relu_for_relu_prime": "devolve a própria relu(z), não a sua derivada [z > 0]",
        "mistake_softmax_no_row_max": "o maior z da linha não é subtraído antes de e^z: certo enquanto z é "
                                      "pequeno, e^z estoura para ∞ acima de z = 709 e ∞/∞ é NaN",
        "mistake_momentum_other_convention": "momentum na outra convenção (v = μv − η∂J/∂θ; θ ← θ + v): move θ "
                                             "como a do torch só enquanto η fica constante, pois o seu v é −η vezes "
                                             "o do torch; esta tarefa pede a convenção do torch (v = μv + ∂J/∂θ; "
                                             "θ ← θ − ηv), e a velocidade que devolve não é essa, por isso falha",
        "mistake_adam_no_bias_correction": "m e v são usados sem a correção de viés m̂ = m/(1 − β₁ᵗ), v̂ = "
                                           "v/(1 − β₂ᵗ): começam em 0, e sem ela os primeiros passos têm o tamanho "
                                           "errado",
        "mistake_mean_instead_of_sum_mean_loss": "o gradiente é dividido por N de novo: com uma loss média o 1/N "
                                                 "já está em δ⁽ᴸ⁾, e ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ soma sobre o lote",
        "mistake_ce_averaged_twice": "δ⁽ᴸ⁾ é dividido por N duas vezes: uma basta para a média do torch",
        "mistake_ce_divided_by_size": "δ⁽ᴸ⁾ é dividido pelo número de entradas (N·n_L, Y.size) em vez das amostras N: a entropia cruzada do torch é uma média só sobre as amostras",
        "mistake_softmax_axis0": "o máximo e a soma correm sobre as amostras (`axis=0`) em vez das classes de cada linha (`axis=1`)",
        "mistake_softmax_global_max": "o máximo é o do lote inteiro, não o de cada linha: certo enquanto z é pequeno, mas numa linha muito abaixo do máximo do lote todo e^z vira 0 e 0/0 dá NaN",
        "mistake_softmax_no_keepdims": "o máximo ou a soma da linha é tirado sem keepdims=True: a forma (N,) não se expande contra a de z, (N, n_L); mantenha-a (N, 1)",
        "mistake_bias_sum_over_units": "δ é somado sobre as unidades (`axis=1`), não sobre as amostras (`axis=0`)",
        "mistake_bias_sum_all": "todas as entradas de δ são somadas num só número (`np.sum(delta)`): some só sobre as amostras, `axis=0`",
        "mistake_momentum_dampening": "o gradiente entra na velocidade como (1 − μ)∂J/∂θ (amortecimento): o SGD do torch soma o próprio ∂J/∂θ",
        "mistake_momentum_nesterov": "é o momentum de Nesterov (θ ← θ − η(∂J/∂θ + μv)): a tarefa pede o simples, θ ← θ − ηv",
        "mistake_momentum_old_velocity": "θ anda com a velocidade recebida, antes da atualização v ← μv + ∂J/∂θ",
        "mistake_momentum_eta_in_velocity": "η entra na velocidade (v ← μv + η∂J/∂θ; θ ← θ − v): θ anda como no torch enquanto η é constante, mas a velocidade é η vezes a do torch",
        "mistake_momentum_swapped": "devolve (v, θ): a ordem é (θ, v)",
        "mistake_adam_returns_corrected": "devolve m̂ e v̂ como estado: o estado é m e v, sem correção (a correção é refeita a cada passo)",
        "mistake_adam_only_m_corrected": "só m é corrigido: falta v̂ = v/(1 − β₂ᵗ) no denominador",
        "mistake_adam_t_not_counted": "o t devolvido é o recebido: devolva t + 1, os passos feitos até aqui",
        "mistake_adam_no_eps": "falta o ε no denominador: o torch divide por √v̂ + ε",
        "mistake_adam_eps_in_sqrt": "ε é somado dentro da raiz, √(v̂ + ε): o torch o soma depois da raiz, √v̂ + ε",
        "mistake_adam_t_from_zero": "a correção de viés usa t antes do incremento (t começando em 0): 1 − β₁⁰ = 0 "
                                    "divide por zero no primeiro passo, e cada correção seguinte fica um passo "
                                    "atrasada",
        "mistake_adam_eps_before_correction": "ε é somado a √v antes da correção de viés (a forma mais rápida do "
                                              "artigo do Adam, com as correções no tamanho do passo): o torch o "
                                              "soma a √v̂, depois da correção, e as duas diferem mais nos primeiros "
                                              "passos",
        "mistake_l2_for_decoupled": "o decaimento de pesos é L2, somado ao gradiente (∂J/∂θ + λθ), e assim passa "
                                    "por m e v, como no Adam; o AdamW o desacopla: θ ← θ(1 − ηλ), fora dos "
                                    "momentos",
        "mistake_changes_argument": "altera o argumento {argument} no lugar ({argument} *= …, "
                                    "{argument}[…] = …), e o passo de treinamento usa {argument} de novo depois "
                                    "da chamada: calcule um novo array",
        # uma função que altera os seus argumentos, devolve None para θ ou já passou do limite de tempo
        "check_changed": "caso {case}: {function} alterou o argumento {argument} no lugar",
        "check_changed_warning": "{function} alterou o argumento {argument} no lugar: o θ do notebook também é "
                                 "sobrescrito, e rodar de novo a célula de treinamento começa dos pesos já "
                                 "treinados; devolva um novo array (θ − η·∇, e não θ −= η·∇)",
        "check_warning": "atenção:",
        "check_returned_none_update": "caso {case}: {call} devolveu None — o θ foi atualizado no lugar? {function} "
                                      "deve devolver o novo θ",
        "check_skipped": "caso {case}: {call} não foi chamada — {function} já tinha passado do limite de tempo "
                         "numa chamada anterior",
        "check_step_skipped": "caso {case}: não rodou — {function} já tinha passado do limite de tempo",
        "check_step_skipped_whole": "caso {case}: não rodou — um passo anterior já tinha passado do limite de "
                                    "tempo",
        "check_step_none_theta": "caso {case}, passo {step}: um novo θ é None — optimize atualizou θ no lugar em "
                                 "vez de devolvê-lo?",
        "check_step_changed": "{message} — {function} alterou o argumento {argument} no lugar, e o encadeamento "
                              "usou o valor alterado",
        # funções ainda em branco (as células de um notebook de exercícios), e pares singular/plural
        "check_not_implemented": "ainda não implementada: escreva-a e rode a célula de novo",
        "check_not_implemented_in": "chama {function}, que ainda não foi implementada",
        "check_verdict_pending_one": "ainda não implementada: {names}",
        "check_verdict_pending_many": "ainda não implementadas: {names}",
        "check_verdict_pending_tail_one": "; ainda não implementada: {names}",
        "check_verdict_pending_tail_many": "; ainda não implementadas: {names}",
        "check_verdict_missing_one": "; não encontrada: {names}",
        "check_verdict_missing_many": "; não encontradas: {names}",
        "check_stands_in": "não encontrada, mas o seu step() concorda com o autograd, o que lhe vale os pontos",
        "check_no_step": "não encontrado: nenhum step(X, Y, thetas, eta), e não há as quatro delta_L, delta_l, "
                         "gradient, optimize para encadear num passo",
        "check_missing_hint": "não encontrada (mesma aridade: {candidates} — tente {option})",
        "check_nothing_in_hint": "{file}: nada a verificar: nenhuma de {names} está definida ali (funções de "
                                 "mesma aridade: {hints}; associe uma com --name, por exemplo --name {example})",
        "check_line_fail": "difere do autograd",
        "check_line_error": "gerou um erro",
        "check_line_missing_one": "{names}: não encontrada",
        "check_line_missing_many": "{names}: não encontradas",
        "check_line_pending_one": "{names}: ainda não implementada",
        "check_line_pending_many": "{names}: ainda não implementadas",
        # mlp-check --assignment: tarefas como dados (check/assignment.py) e as assinaturas do catálogo
        "assign_network": "rede: camadas ocultas {activation}, saída {output}, loss {loss} ({reduction}), {bias}, "
                          "otimizador {optimizer} (η = {lr}), {batch}, {dtype}",
        "assign_bias_yes": "com vieses",
        "assign_bias_no": "sem vieses",
        "assign_batch": "minilotes de {size} em ordem fixa",
        "assign_batch_full": "o lote inteiro",
        "assign_cases": "casos: {cases}",
        "assign_functions": "funções (o nome no arquivo, os seus argumentos, depois a sua assinatura no catálogo):",
        "assign_own_optimizer": "verificada com um otimizador próprio: {optimizer} (η = {lr})",
        "assign_list": "tarefas embutidas (mlp-check --assignment NOME --describe mostra uma):",
        "assign_catalogue": "o catálogo de assinaturas (o arquivo de um professor as nomeia em `[functions]`):",
        "sig_sigmoid": "a sigmoide, elemento a elemento",
        "sig_tanh": "a tangente hiperbólica, elemento a elemento",
        "sig_relu": "a retificadora, elemento a elemento",
        "sig_softmax": "a softmax de cada linha, tirando antes o maior z da linha para que e^z não estoure",
        "sig_sigmoid_prime_a": "σ′ em z, escrita em função de a = σ(z): recebe a, não z",
        "sig_tanh_prime_a": "tanh′ em z, escrita em função de a = tanh(z): recebe a, não z",
        "sig_tanh_prime_z": "tanh′ em z, recebendo z",
        "sig_relu_prime_z": "relu′ em z, recebendo z",
        "sig_delta_L_sigmoid_half_sse": "o erro da saída sigmoide com J = ½Σ(y − a)²",
        "sig_delta_L_softmax_cross_entropy": "o erro da saída softmax com entropia cruzada, média sobre as N "
                                             "amostras do lote (a média do torch): o jacobiano da softmax e o log "
                                             "se cancelam",
        "sig_delta_l_sigmoid": "o erro de uma camada oculta sigmoide, a partir da camada de cima (θ antes da "
                               "atualização)",
        "sig_delta_l_tanh": "o erro de uma camada oculta tanh, a partir da camada de cima (θ antes da atualização)",
        "sig_delta_l_relu": "o erro de uma camada oculta relu, a partir da camada de cima; ela recebe z, não a",
        "sig_gradient": "o gradiente dos pesos: uma soma sobre as amostras do lote",
        "sig_bias_gradient": "o gradiente dos vieses: δ somado sobre as amostras do lote, um número por unidade",
        "sig_sgd_update": "um passo de gradiente descendente, igual para θ e para b",
        "sig_momentum_update": "gradiente descendente com momentum na convenção do torch (recebe v = 0 antes do "
                               "primeiro passo, e assim v = ∂J/∂θ depois dele, como o torch começa); devolve o novo θ "
                               "e o novo v, para θ e para b (g = ∂J/∂θ)",
        "sig_adam_update": "Adam com correção de viés, como o torch: t chega antes do incremento (0 antes do primeiro "
                           "passo) e volta depois dele, m e v começam em 0; devolve os novos θ, m, v e t "
                           "(g = ∂J/∂θ)",
        "sig_adamw_update": "AdamW: Adam com decaimento de pesos desacoplado (θ encolhe ηλθ fora dos momentos); t, m "
                            "e v como no Adam",
        "sig_step": "um passo de treinamento inteiro da rede do lab, devolvendo a lista dos novos θ",
        # mlp-check --summary: o relatório da turma
        "class_title": "mlp-check: relatório da turma",
        "class_files_one": "{count} arquivo",
        "class_files_many": "{count} arquivos",
        "class_no_files": "Nenhum arquivo.",
        "class_overview": "{files}; {full} com a nota máxima ({total} pontos); nota média {mean}; mediana {median}",
        "class_scores": "Notas",
        "class_col_score": "nota",
        "class_col_files": "arquivos",
        "class_functions": "Função por função",
        "class_passed": "certas",
        "class_failed": "erradas",
        "class_error": "geraram erro",
        "class_missing": "não encontradas",
        "class_not_run_col": "não rodaram",
        "class_stood_in": "um step() certo valeu por elas",
        "class_diagnoses": "Diagnósticos",
        "class_diagnosis": "— {files}: {text} — {names}",
        "class_diagnoses_none": "Nenhuma função falhou com um erro do catálogo.",
        "class_unexplained": "Falhas que nenhum erro do catálogo explica",
        "class_unexplained_intro": "Agrupadas por saídas idênticas em todas as chamadas: os arquivos de um grupo "
                                     "calculam a mesma coisa errada, um erro que vale nomear.",
        "class_unexplained_none": "Nenhuma.",
        "class_example": "p. ex. {file}: {message}",
        "class_blamed": "{names}: o passo encadeado falhou só por uma função já errada (fora dos grupos)",
        "class_bar_unexplained": "ainda sem nome",
        "class_bar_blamed": "por outra função",
        "class_not_run": "Tempo esgotado e arquivos que não rodaram como estão",
        "class_not_run_none": "Nenhum: todo arquivo rodou como está.",
        "equal_one": "As duas implementações ficaram iguais na {epochs} época ({rule}, {dtype}); "
                     "maior |Δ| = {largest:.1e}{ratio}",
        "equal_many": "As duas implementações ficaram iguais nas {epochs} épocas ({rule}, {dtype}); "
                      "maior |Δ| = {largest:.1e}{ratio}",
        "ok_line_one": "OK ({witnesses}): todas as grandezas do passo concordam dentro da tolerância ({rule}, {dtype}); "
                       "maior |Δ| = {largest:.1e}{ratio}",
        "ok_line_many": "OK ({witnesses}): todas as grandezas dos {steps} passos concordam dentro da tolerância "
                        "({rule}, {dtype}); maior |Δ| = {largest:.1e}{ratio}",
        "diff_zero_one": "|Δ| = 0 exatamente ({count} época, no piso do eixo)",
        "diff_zero_many": "|Δ| = 0 exatamente ({count} épocas, no piso do eixo)",
        "epochs_count_one": "{count} época",
        "epochs_count_many": "{count} épocas",
        # --inject-bug list
        "catalogue_right": "certo:   ",
        "catalogue_injected": "injetado:",
        # a barra de progresso, as palavras da própria linha de comando
        "progress_left": "{elapsed:.1f} s, faltam ~{left:.0f} s",
        "cli_error": "{prog}: erro: {message}",
        "cli_try_help": "Veja '{prog} --help' para as opções.",
        "cli_interrupted": "{prog}: interrompido",
        "cli_terminated": "{prog}: encerrado (SIGTERM); seus processos auxiliares também foram encerrados",
        "cli_ascii_note": "{prog}: nota: a codificação da saída ({encoding}) não mostra símbolos como Delta e theta: "
                          "eles são escritos em ASCII (defina PYTHONIOENCODING=utf-8 para vê-los)",
        "first_mismatch": "primeira diferença: {what}",
        # a rede do lab (scripts/draw_network.py)
        "network_inputs": "entradas X",
        "network_hidden": "camada oculta",
        "network_output": "saída",
        "network_title": "A rede 2-3-1 do lab: cada aresta leva o seu peso, θ⁽¹⁾ (azul) e θ⁽²⁾ (laranja)",
        "no_mismatch": "nenhuma",
        # --help: as palavras do próprio argparse, depois a descrição, o epílogo, os grupos e as opções de cada
        # ferramenta
        "help_usage": "uso: ",
        "help_positionals": "argumentos posicionais",
        "help_options": "opções",
        "help_help": "mostra esta mensagem de ajuda e sai",
        "meta_file": "ARQUIVO",
        "meta_path": "CAMINHO",
        "meta_seconds": "SEGUNDOS",
        "meta_name": "NOME",
        "meta_net": "REDE",
        "meta_lab_theirs": "LAB=SEU_NOME",
        "meta_assignment": "NOME|ARQUIVO.toml",
        "help_default_marker": " (padrão",
        "help_lang": "idioma {what}: en ou pt (padrão: pt quando LC_ALL, LC_MESSAGES ou LANG começa com pt, por "
                     "exemplo LANG=pt_BR.UTF-8; senão en)",
        "help_lang_compare": "da tabela e do veredito",
        "help_lang_train": "da saída e do gráfico",
        "help_lang_check": "dos vereditos",
        "help_lang_bench": "do relatório e desta ajuda",
        "help_group_model": "rede e dados (padrão: a rede 2-3-1 do lab, seus X, Y e θ)",
        "help_layers": "tamanhos das camadas para pesos aleatórios, por exemplo 2,3,1",
        "help_init_seed": "semente dos pesos aleatórios (padrão 0)",
        "help_bias": "pesos aleatórios com vieses b⁽ˡ⁾ (com --layers)",
        "help_weights": "arrays theta1…thetaL de forma (saída, entrada), e opcionalmente b1…bL",
        "help_data": "arrays X (N, n0) e Y (N, nL); com cross_entropy, Y pode ser um vetor de rótulos inteiros (N,)",
        "help_activation": "ativação das camadas ocultas (padrão sigmoid, como no lab); os nomes em português "
                           "sigmoide, tangente_hiperbolica e identidade também valem",
        "help_output_activation": "ativação da camada de saída (padrão sigmoid; softmax vai com --loss "
                                  "cross_entropy); nomes em português como em --activation",
        "help_loss": "função de custo: half_sse = a ½Σ(y−a)² do lab (padrão); mse, bce, cross_entropy como as do "
                     "torch.nn",
        "help_group_run": "treinamento e comparação",
        "help_lr": "taxa de aprendizado η (padrão {default})",
        "help_steps": "número de passos de treinamento (padrão {default})",
        "help_epochs": "número de épocas de treinamento (passagens pelos dados) (padrão {default})",
        "help_batch_size": "amostras por passo (padrão: todas, como no lab)",
        "help_shuffle_seed": "embaralha as amostras a cada época com esta semente (padrão: ordem fixa)",
        "help_dtype": "precisão das duas implementações",
        "help_rtol": "tolerância relativa (padrão: deduzida de --dtype)",
        "help_atol": "tolerância absoluta (padrão: deduzida de --dtype)",
        "help_free_running": "deixa as duas implementações treinarem cada uma por si, em vez de começar cada passo "
                             "do estado da implementação NumPy; as diferenças de arredondamento então se acumulam "
                             "(com Adam ou momentum, afrouxe --rtol/--atol)",
        "help_json_report": "grava também o relatório em JSON",
        "help_group_device": "dispositivo (o da implementação PyTorch; a implementação NumPy sempre roda na CPU)",
        "help_device": "onde a implementação PyTorch roda (padrão cpu); os registros sempre voltam como arrays NumPy",
        "help_allow_tf32": "em CUDA, deixa as multiplicações de matrizes em float32 usarem TF32 (mantissa de 10 bits): "
                           "mais rápido, e visivelmente menos exato; desligado por padrão",
        "help_group_optimizer": "otimizador (com a semântica do torch.optim; padrão: gradiente descendente simples, "
                                "como no lab)",
        "help_optimizer": "otimizador (padrão sgd)",
        "help_momentum": "momentum do sgd (padrão 0)",
        "help_nesterov": "sgd com momentum de Nesterov (precisa de --momentum > 0)",
        "help_weight_decay": "penalidade L2: acoplada no sgd e no adam, desacoplada no adamw (padrão: o do torch, 0, "
                             "ou 0.01 no adamw)",
        "help_betas": "taxas de decaimento dos momentos do Adam (padrão 0.9,0.999)",
        "help_eps": "o ε do Adam (padrão 1e-8)",
        "help_compare_description": "Executa o passo de treinamento de uma rede pelas fórmulas (NumPy) e pelo "
                                    "autograd (PyTorch), a partir dos mesmos pesos, e mostra cada grandeza lado a "
                                    "lado, com máx |Δ|, a maior diferença |NumPy − PyTorch| entre os seus elementos. "
                                    "Sem opções: a rede 2-3-1 do lab, um passo com η = 0.1.",
        "help_compare_epilog": "Códigos de saída: 0 todas as grandezas concordam, 1 diferença ou divergência, "
                               "2 entrada inválida.",
        "help_gradcheck": "confere também cada gradiente com diferenças finitas centrais em float64 (uma terceira "
                          "testemunha)",
        "help_inject_bug": "roda uma rede NumPy com um erro clássico de backprop, para ver como a comparação o "
                           "pega ('--inject-bug list' descreve os erros)",
        "help_explain": "sob cada linha, a fórmula do elemento [0, 0] com os números da implementação NumPy no lugar, "
                        "marcada com a equação do backprop de onde vem (redes cujas matrizes têm ≤ 64 elementos)",
        "help_width_table": "colunas que a tabela pode usar (padrão: as do terminal, COLUMNS, ou 100); valores que "
                            "não cabem lado a lado são empilhados, NumPy acima de PyTorch",
        "help_train_description": "Treina uma rede pelas fórmulas (NumPy) e pelo autograd (PyTorch) em sincronia, a "
                                  "partir dos mesmos pesos, comparando as duas a cada época; mostra a loss como o "
                                  "lab faz e plota as duas curvas. Sem opções: a rede 2-3-1 e os dados do lab, 1000 "
                                  "épocas, η = 0.1.",
        "help_train_epilog": "Códigos de saída: 0 as implementações ficaram iguais, 1 elas diferiram ou o "
                             "treinamento divergiu, 2 entrada inválida.",
        "help_group_datasets": "conjuntos de dados",
        "help_dataset": "lab (padrão) e lab-v2 usam os pesos do lab; xor, moons e spirals são gerados, iris e digits "
                        "vêm do scikit-learn (pip install -e \".[data]\"); estes treinam pesos aleatórios (--layers, "
                        "ou a arquitetura padrão do conjunto de dados)",
        "help_data_seed": "semente de moons e spirals (padrão 0)",
        "help_recipe_default": " (padrão: o valor do conjunto de dados; o do lab, para lab)",
        "help_group_train_output": "saída do treinamento",
        "help_impl": "treina as duas implementações e as compara (padrão), ou só uma (numpy nunca importa o torch)",
        "help_print_every": "mostra a loss a cada N épocas (padrão: um décimo das épocas, 100 no lab)",
        "help_save": "grava θ (e b) treinados no formato que --weights lê",
        "help_width_lines": "colunas em que as linhas devem caber (padrão: as do terminal, COLUMNS, ou 100)",
        "help_plot": "arquivo PNG a gravar (padrão {default})",
        "help_no_plot": "não grava gráfico",
        "help_plot_boundary": "acrescenta ao gráfico a fronteira de decisão aprendida (dados com 2 entradas)",
        "help_check_description": "Confere as funções de backprop do lab escritas pelo aluno — sigmoid, "
                                  "delta_L (BP1), delta_l (BP2), gradient (BP4; BP3, o gradiente do viés, não tem "
                                  "função: a rede do lab não tem viés), optimize e um step(X, Y, thetas, eta) — contra o "
                                  "autograd do PyTorch, fórmula por fórmula: qual está errada, em que elemento, e "
                                  "qual é o provável erro; máx |Δ| é a maior diferença |o seu − autograd|.",
        "help_check_epilog": "Códigos de saída para um arquivo: 0 toda função encontrada está certa, 1 uma função "
                             "está errada ou o arquivo não rodou como escrito, 2 entrada inválida. Para vários "
                             "arquivos: 0 todos têm a nota máxima, 1 algum não tem (uma função ausente conta), 2 "
                             "entrada inválida. Cada arquivo roda num processo separado com limite de tempo: isso "
                             "isola quedas e travamentos, mas não é um isolamento de segurança (rode código não "
                             "confiável num contêiner).",
        "help_files": "arquivos .py ou notebooks .ipynb",
        "help_name": "o nome que a entrega dá a uma das funções do lab, por exemplo --name delta_L=meu_delta (pode "
                     "ser repetido)",
        "help_timeout": "quanto tempo uma célula ou uma chamada pode rodar antes de ser interrompida (padrão "
                        "{default}); uma chamada que roda {seconds} + 10 é parada de fora, e as outras funções do "
                        "arquivo seguem",
        "help_memory": "memória que cada processo de verificação pode usar, em GB (padrão {default}); mais é um "
                       "achado",
        "help_sandbox": "roda cada arquivo sob o bubblewrap (bwrap): sem rede, sistema de arquivos só de leitura, "
                        "sem ver as outras entregas; recusado onde o bwrap não roda",
        "help_cpu_seconds": "segundos de CPU que cada processo de verificação pode usar (padrão {default}); mais é "
                            "um achado",
        "help_rubric": "arquivo TOML com os pontos que cada função vale, e se um step() certo vale pelas funções "
                       "de fórmula não escritas (padrão: 1 ponto cada, e vale); veja docs/checking.md",
        "help_assignment": "a tarefa a verificar: lab1 (a do lab, o padrão), lab2, lab3, o arquivo TOML de um "
                           "professor, ou list para nomeá-las e o catálogo de fórmulas",
        "help_describe": "mostra cada função da tarefa (assinatura, formas, fórmula) e não verifica nada",
        "help_check_json": "grava os vereditos em JSON (uma lista quando há vários arquivos)",
        "help_gradescope": "grava o results.json do Gradescope (um arquivo só)",
        "help_csv": "grava uma linha por arquivo, uma coluna por função",
        "help_jobs": "arquivos conferidos ao mesmo tempo, cada um em seu processo (padrão: o número de CPUs)",
        "help_details": "com vários arquivos, mostra cada tabela, não uma linha por arquivo",
        "help_summary": "grava um relatório da turma (.md ou .html): por função, quantos arquivos acertaram, "
                        "erraram ou não a têm, cada diagnóstico com seus arquivos, as falhas sem nome agrupadas por "
                        "saídas idênticas, os arquivos que não rodaram",
        "help_feedback": "quanto os vereditos revelam (terminal, --json, --gradescope): full (padrão), hint (nenhum "
                         "número calculado pelo autograd: onde difere e o provável erro), verdict (✓/✗ por função)",
        "help_gradescope_visibility": "quando os alunos veem os resultados de --gradescope (padrão: visible)",
        "help_width_check": "largura da linha (padrão: a do terminal)",
        # mlp-bench's report: the table's headings (bench_cli.COLUMNS' order), then its lines
        "bench_col_0": "rede",
        "bench_col_1": "N",
        "bench_col_2": "dtype",
        "bench_col_3": "oculta",
        "bench_col_4": "passo NumPy",
        "bench_col_5": "passo torch",
        "bench_col_6": "verificado",
        "bench_col_7": "v/(np+pt)",
        "bench_col_8": "fixa",
        "bench_col_9": "treino",
        "bench_col_10": "1 thread",
        "bench_col_11": "passo/mm",
        "bench_col_12": "época/mm",
        "bench_col_13": "np/pt época",
        "bench_col_14": "BLAS np/pt",
        "bench_col_15": "pico MB",
        "bench_col_16": "pico/arrays",
        "bench_col_17": "ruído",
        "bench_cpu": "CPU: {cpu}, {cores} núcleos utilizáveis; Python {python}",
        "bench_numpy": "NumPy {version}: BLAS {blas} {blas_version}, kernel {kernel}, {threads} ({source})",
        "bench_torch": "PyTorch {version}: BLAS {blas} ({library}), kernel {kernel}, {threads}, {interop} entre operações",
        "bench_kernel_unknown": "não informado (precisa do threadpoolctl)",
        "bench_not_reported": "não informado",
        "bench_no_details": "sem detalhes",
        "bench_threads_one": "{n} thread",
        "bench_threads_many": "{n} threads",
        "bench_lockstep": "Em sincronia: {how}",
        "bench_kernels_forced": "Kernels impostos pelo ambiente: {forced}",
        "bench_kernels_own": "Kernels: a escolha de cada biblioteca para esta CPU (nenhuma variável impõe um)",
        "bench_thread_variables": "Threads definidas pelo ambiente: {variables}",
        "bench_torch_on": "implementação PyTorch em {device}{tf32}",
        "bench_tf32_on": ", TF32 permitido",
        "bench_tf32_off": ", TF32 desligado",
        "bench_load_before": "carga média antes: {load:.2f}",
        "bench_load_after": "carga média depois: {load:.2f}",
        "bench_busy": "nota: há outro trabalho rodando; com mais de uma thread por biblioteca, as medições vão "
                      "oscilar (--threads 1 as deixa mais estáveis)",
        "bench_mismatch_note": "nota: {case}: {mismatches} de {steps} passos verificados acharam uma diferença; a primeira: "
                               "{first}",
        "bench_startup": "Tempo de inicialização, comparado a um simples import torch ({torch:.2f} s): mlp-compare (o lab, "
                         "um passo) {compare:.2f} s, {compare_ratio:.2f}×; mlp-check (uma função) {check:.2f} s, "
                         "{check_ratio:.2f}× (medianas de {runs} interpretadores novos cada, alternados)",
        "bench_startup_quick": "Tempo de inicialização: não medido com --quick",
        "bench_import": "import manual_mlp: {manual_mlp:.3f} s num interpretador novo (só o NumPy {numpy:.3f} s); "
                        "torch importado: {torch}",
        "bench_yes": "sim",
        "bench_no": "não",
        "help_bench_description": "Mede o tempo de um passo de treinamento da implementação NumPy e da PyTorch, cada "
                                  "uma sozinha, do passo verificado (as duas em sincronia e comparadas), "
                                  "das multiplicações de matrizes do mesmo passo sozinhas em cada biblioteca, e de "
                                  "épocas de treinamento como o mlp-train as roda (medianas de rodadas "
                                  "intercaladas); depois o pico de memória de cada caso e o tempo de inicialização do "
                                  "mlp-compare comparado a um simples import torch.",
        "help_bench_epilog": "Colunas: 'verificado' é um passo verificado, 'v/(np+pt)' a razão dele para o passo "
                             "NumPy mais o passo torch, cada um medido sozinho; 'fixa' a mesma razão com a regra de "
                             "tolerância fixa (--rtol/--atol: sem limites de erro a calcular); 'treino' a razão de uma "
                             "época do mlp-train com as duas implementações comparadas para uma só NumPy mais uma só "
                             "torch, cada biblioteca com as suas threads, e '1 thread' o mesmo com uma thread cada; "
                             "'passo/mm' a razão do "
                             "passo NumPy para suas multiplicações de matrizes sozinhas (1.0 = nada além do BLAS); "
                             "'época/mm' o mesmo para uma época de mlp-train --impl numpy (um passo por época); "
                             "'np/pt época' a razão de uma época de --impl numpy para uma de --impl torch; "
                             "'BLAS np/pt' a das multiplicações de matrizes do NumPy para as mesmas do torch; "
                             "'pico MB' o pico de 10 passos verificados acima dos imports, num interpretador novo, "
                             "e 'pico/arrays' a razão dele para os arrays que precisam existir (X, Y e os registros "
                             "de um passo das duas implementações; mostrada a partir de 1 MB deles); 'ruído' o "
                             "maior intervalo interquartil sobre a mediana entre as medições.",
        "help_group_bench_what": "o que medir (padrão: toda rede, todo dtype e toda ativação medida)",
        "help_nets": "redes: {names}",
        "help_activations": "ativações das camadas ocultas (padrão: {names}); nomes em português como no "
                            "--activation do mlp-compare",
        "help_group_bench_how_long": "quanto tempo",
        "help_quick": "poucos segundos ao todo: as três redes menores, float64 e sigmoid, rodadas em menor número e "
                      "mais curtas, sem épocas, sondas de memória nem medições do tempo de inicialização",
        "help_budget": "segundos de rodadas medidas por caso (padrão {default}, {quick} com --quick)",
        "help_threads": "threads do BLAS do NumPy e do torch igualmente (padrão: a escolha de cada biblioteca); 1 dá "
                        "números mais estáveis numa máquina ocupada com outro trabalho",
        "help_bench_json": "grava também todos os números em JSON",
        # mlp-kit
        "meta_folder": "PASTA",
        "help_kit_description": "Grava a pasta que o professor entrega para o lab: o notebook do exercício, o "
                                "pacote desta cópia do repositório num arquivo .whl, que a primeira célula do "
                                "notebook instala sem acesso ao repositório, e um LEIAME.md para o professor.",
        "help_kit_epilog": "O .whl é construído sem rede, desta cópia, com o setuptools deste Python; NumPy, PyTorch "
                           "e matplotlib não vão nele (vêm do Python do aluno). Arquivos de mesmo nome já na pasta "
                           "são substituídos, e um .whl mais antigo do manual_mlp é removido. Códigos de saída: 0 "
                           "gravado, 2 entrada inválida ou uma construção que falhou.",
        "help_kit_folder": "a pasta do kit (criada se não existir; a pasta onde ela fica deve existir)",
        "help_lang_kit": "destas linhas, e dos veredictos do corretor com --gradescope (o kit em si é em "
                         "português)",
        "kit_written": "Kit da turma gravado em {folder}: entregue aos alunos o notebook e o pacote, juntos",
        "kit_notebook": "o exercício",
        "kit_wheel": "o pacote que a primeira célula instala, sem torch nem NumPy",
        "kit_leiame": "para o professor: como distribuir, Jupyter, Colab, correção",
        "kit_removed": "pacote mais antigo tirado da pasta: {name}",
        "help_kit_gradescope": "grava também (ou só) o corretor automático do Gradescope, um .zip para enviar: o "
                               "setup.sh instala o .whl que vai nele, o run_autograder confere cada entrega com o "
                               "mlp-check",
        "help_kit_rubric": "a rubrica do corretor, um arquivo TOML (veja mlp-check --rubric; com --gradescope ou --classroom)",
        "help_kit_assignment": "a tarefa: o seu notebook de exercício vai na pasta do kit e no repositório inicial "
                               "(o do lab1, se omitida); a do corretor, o nome de uma embutida ou um arquivo TOML",
        "help_kit_feedback": "quanto os veredictos do corretor revelam (veja mlp-check --feedback; com --gradescope ou --classroom)",
        "kit_gradescope_written": "Corretor automático do Gradescope gravado em {path}: envie-o como o corretor da tarefa",
        "help_kit_classroom": "grava também (ou só) um repositório inicial para o GitHub Classroom: o notebook, o "
                              ".whl e a correção automática, um teste por função com os seus pontos",
        "kit_classroom_written": "Repositório inicial do GitHub Classroom gravado em {folder}: publique-o e faça "
                                 "dele o modelo da tarefa",
        # the Gradescope autograder (cli/autograder.py): what results.json says when nothing was checked
        "autograder_no_folder": "Não há uma pasta da entrega {folder}: nada foi entregue.",
        "autograder_none": "Nenhum arquivo para conferir: entregue o seu arquivo {suffixes}.",
        "autograder_several": "{n} arquivos para conferir ({names}): entregue um só arquivo .py ou .ipynb.",
        "autograder_not_file": "{name} não é um arquivo comum (é uma pasta ou um atalho): entregue o próprio arquivo.",
        "autograder_broken": "O corretor automático não conseguiu corrigir esta entrega ({reason}): avise o professor.",
        "function_test_earned": "{name}: {points:g} pontos ganhos",
        "function_test_lost": "{name}: 0 dos seus {points:g} pontos",
    },
}

LANGS = tuple(TEXTS)


def tr(lang: str, key: str, **fields) -> str:
    """The text ``key`` in ``lang`` ("en" or "pt"), with ``fields`` filled in."""
    text = TEXTS[lang][key]
    return text.format(**fields) if fields else text


def tr_n(lang: str, key: str, n: int, /, **fields) -> str:
    """``key`` in the singular (``key_one``) when ``n`` is 1, else the plural (``key_many``); 0 is plural
    in both languages ("0 epochs", "0 épocas")."""
    return tr(lang, f"{key}_{'one' if n == 1 else 'many'}", **fields)


#: environment variables that name the user's language, strongest first (POSIX's order)
LANG_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language when ``--lang`` is not given: "pt" when the first of LC_ALL, LC_MESSAGES, LANG that is set
    starts with "pt" (``LANG=pt_BR.UTF-8``), else "en"."""
    env = os.environ if environ is None else environ
    for name in LANG_VARIABLES:
        if env.get(name):
            return "pt" if env[name].lower().startswith("pt") else "en"
    return "en"


# --- messages of bad input (exit code 2), translated where they are printed ---------------------------
#
# The packages raise InputError with an English message (manual_mlp never imports this module); the
# command line prints it through :func:`translate`, which looks it up here. Each entry is the English
# message as raised, with {fields} where the text varies, and its Portuguese. A field may itself be a
# message of this table (``data file 'd.npz': {error}``): it is translated in turn. A message that
# matches no entry is printed as raised (tests/test_language.py finds any such English).

ERRORS_PT: list[tuple[str, str]] = [
    # argparse's own (Python 3.10–3.12)
    ("the following arguments are required: {args}", "faltam os argumentos obrigatórios: {args}"),
    ("unrecognized arguments: {args}", "argumentos desconhecidos: {args}"),
    ("argument {arg}: invalid choice: {value} (choose from {choices})",
     "argumento {arg}: escolha inválida: {value} (escolha entre {choices})"),
    ("argument {arg}: expected one argument", "argumento {arg}: espera um valor"),
    ("argument {arg}: expected at least one argument", "argumento {arg}: espera pelo menos um valor"),
    ("argument {arg}: invalid float value: {value}", "argumento {arg}: número inválido: {value}"),
    ("argument {arg}: invalid int value: {value}", "argumento {arg}: número inteiro inválido: {value}"),
    ("argument {arg}: invalid {kind} value: {value}", "argumento {arg}: valor inválido: {value}"),
    ("argument {arg}: ignored explicit argument {value}", "argumento {arg}: valor {value} não aceito"),
    ("argument {arg}: not allowed with argument {other}", "argumento {arg}: não pode ser usado com {other}"),
    ("ambiguous option: {option} could match {matches}", "opção ambígua: {option} pode ser {matches}"),
    ("argument {arg}: {message}", "argumento {arg}: {message}"),
    # cli/options.py
    ("expected a whole number ≥ 0, got {value}", "esperava um número inteiro ≥ 0, veio {value}"),
    ("a seed must be ≥ 0, got {value}", "uma semente deve ser ≥ 0, veio {value}"),
    ("--betas takes two numbers such as 0.9,0.999, got {value}",
     "--betas recebe dois números como 0.9,0.999, veio {value}"),
    ("--layers takes comma-separated whole numbers such as 2,3,1, got {value}",
     "--layers recebe números inteiros separados por vírgula, como 2,3,1; veio {value}"),
    ("--layers needs at least two sizes (inputs and outputs), got {value}",
     "--layers precisa de pelo menos dois tamanhos (entradas e saídas), veio {value}"),
    ("--layers: every layer needs at least 1 unit, got {value} (a size of {size})",
     "--layers: toda camada precisa de pelo menos 1 unidade, veio {value} (um tamanho {size})"),
    ("give either --weights FILE.npz or --layers for random weights, not both",
     "use --weights ARQUIVO.npz ou --layers para pesos aleatórios, não os dois"),
    ("--bias asks for random weights with biases: use it with --layers (a --weights file carries its own b1…bL)",
     "--bias pede pesos aleatórios com vieses: use-o com --layers (um arquivo --weights traz os próprios b1…bL)"),
    # verify/files.py
    ("{what} file {path} does not exist", "o arquivo de {what} {path} não existe"),
    ("{what} file {path} is a directory, not an .npz file", "o arquivo de {what} {path} é uma pasta, não um .npz"),
    ("{what} file {path} cannot be read (permission denied)",
     "o arquivo de {what} {path} não pode ser lido (permissão negada)"),
    ("{what} file {path} cannot be read ({reason})", "o arquivo de {what} {path} não pode ser lido ({reason})"),
    ("{what} file {path} holds a single array (numpy.save): write named arrays with numpy.savez instead",
     "o arquivo de {what} {path} tem um único array (numpy.save): grave arrays com nome usando numpy.savez"),
    ("{what} file {path} is not an .npz archive (numpy.savez writes a zip of named arrays)",
     "o arquivo de {what} {path} não é um arquivo .npz (numpy.savez grava um zip de arrays com nome)"),
    ("array {name} in {what} file {path} holds Python objects, not numbers",
     "o array {name} no arquivo de {what} {path} guarda objetos Python, não números"),
    ("{what} file {path} is not a readable .npz archive ({reason})",
     "o arquivo de {what} {path} não é um .npz legível ({reason})"),
    ("{where} has unexpected arrays {names}; expected theta1…thetaL and optionally b1…bL (layers are numbered "
     "from 1)", "{where} tem arrays inesperados {names}; esperava theta1…thetaL e, opcionalmente, b1…bL (as camadas "
                "são numeradas a partir de 1)"),
    ("{where} has no theta1 (it has {names}): expected arrays theta1…thetaL",
     "{where} não tem theta1 (tem {names}): esperava os arrays theta1…thetaL"),
    ("{where} has theta{L} but is missing {names}: layers must be 1…L without gaps",
     "{where} tem theta{L} mas faltam {names}: as camadas devem ir de 1 a L sem lacunas"),
    ("{where} has theta1…theta{L} and biases {names}: give all of b1…b{last} or none",
     "{where} tem theta1…theta{L} e os vieses {names}: dê todos os b1…b{last} ou nenhum"),
    ("data file {path} is missing {names}; it has {have} (expected X of shape (N, n₀) and Y of shape (N, n_L))",
     "o arquivo de dados {path} não tem {names}; tem {have} (esperava X de forma (N, n₀) e Y de forma (N, n_L))"),
    ("data file {path} has unexpected arrays {names}; expected exactly X and Y",
     "o arquivo de dados {path} tem arrays inesperados {names}; esperava exatamente X e Y"),
    ("data file {path}: {error}", "arquivo de dados {path}: {error}"),
    ("cannot write {what} to {path}: it is a directory", "não é possível gravar {what} em {path}: é uma pasta"),
    ("cannot write {what} to {path}: the folder {folder} does not exist",
     "não é possível gravar {what} em {path}: a pasta {folder} não existe"),
    ("cannot write {what} to {path} (permission denied)", "não é possível gravar {what} em {path} (permissão negada)"),
    ("cannot write {what} to {path} ({reason})", "não é possível gravar {what} em {path} ({reason})"),
    ("the plot", "o gráfico"),
    ("the JSON report", "o relatório JSON"),
    ("the CSV file", "o arquivo CSV"),
    ("the class report", "o relatório da turma"),
    ("the weights", "os pesos"),
    ("the output", "a saída"),
    ("{what} file {path} is not a regular file (a pipe, a device or a socket): give an .npz file",
     "o arquivo de {what} {path} não é um arquivo comum (é um pipe, um dispositivo ou um socket): dê um arquivo .npz"),
    ("{what} file {path} does not fit in memory", "o arquivo de {what} {path} não cabe na memória"),
    ("{what} needs about {size} of memory, but this machine has {have} available",
     "{what} precisa de cerca de {size} de memória, mas esta máquina tem {have} disponíveis"),
    ("array {name} of {what} file {path} (unpacked)", "o array {name} do arquivo de {what} {path} (descompactado)"),
    ("array {name} of {what} file {path} (shape {shape}, {dtype})",
     "o array {name} do arquivo de {what} {path} (forma {shape}, {dtype})"),
    ("the network {sizes} on {n} samples of data file {path}", "a rede {sizes} com {n} amostras do arquivo de dados {path}"),
    ("the arrays of {what} file {path} (unpacked)", "os arrays do arquivo de {what} {path} (descompactados)"),
    ("array {name} of {what} file {path} claims shape {shape} ({dtype}), more data than the archive holds for it: "
     "the file is damaged", "o array {name} do arquivo de {what} {path} declara a forma {shape} ({dtype}), mais "
                            "dados do que o arquivo guarda para ele: o arquivo está danificado"),
    ("{n} steps (a summary of each is kept)", "{n} passos (guarda-se um resumo de cada um)"),
    ("cannot write {what} to {path}: it is a FIFO that no process is reading",
     "não é possível gravar {what} em {path}: é um FIFO que nenhum processo está lendo"),
    ("the network {sizes} on {n} samples", "a rede {sizes} com {n} amostras"),
    ("the network {sizes}", "a rede {sizes}"),
    ("not enough memory for this run (use a smaller network, fewer samples or --batch-size)",
     "memória insuficiente para esta execução (use uma rede menor, menos amostras ou --batch-size)"),
    ("{flag} {path} is the input file of {in_flag} {in_path}: writing it would destroy the input; give another name",
     "{flag} {path} é o arquivo de entrada de {in_flag} {in_path}: gravá-lo destruiria a entrada; dê outro nome"),
    ("{flag} {path} and {other_flag} {other} are the same file: one output would replace the other; give two names",
     "{flag} {path} e {other_flag} {other} são o mesmo arquivo: uma saída substituiria a outra; dê dois nomes"),
    ("--save {path}: give a name ending in .npz (the format --weights reads)",
     "--save {path}: dê um nome terminado em .npz (o formato que --weights lê)"),
    ("cannot write the plot to {path}: no writer for {kind}; use a name ending in .png",
     "não é possível gravar o gráfico em {path}: não há como gravar {kind}; use um nome terminado em .png"),
    ("matplotlib cannot start with MPLBACKEND={backend} ({reason}): unset it or set MPLBACKEND=agg",
     "o matplotlib não inicia com MPLBACKEND={backend} ({reason}): remova-a ou defina MPLBACKEND=agg"),
    ("--width must be at least {n} columns, got {value}", "--width deve ser pelo menos {n} colunas, veio {value}"),
    ("{name} holds {value} at index {index}, too large for {dtype} (largest {largest})",
     "{name} tem {value} no índice {index}, grande demais para {dtype} (o maior é {largest})"),
    ("bce takes probabilities: log a and log(1 − a) need every output in [0, 1], which --output-activation sigmoid "
     "gives and {name} does not", "bce recebe probabilidades: log a e log(1 − a) precisam de toda saída em [0, 1], "
                                  "o que --output-activation sigmoid dá e {name} não"),
    ("expected a value, got an empty string", "espera um valor, veio um texto vazio"),
    ("cannot write the JSON report to {path}: it is a directory",
     "não é possível gravar o relatório JSON em {path}: é uma pasta"),
    ("cannot write the JSON report to {path}: the folder {folder} does not exist",
     "não é possível gravar o relatório JSON em {path}: a pasta {folder} não existe"),
    ("cannot write the JSON report to {path} (permission denied)",
     "não é possível gravar o relatório JSON em {path} (permissão negada)"),
    ("cannot write the JSON report to {path} ({reason})", "não é possível gravar o relatório JSON em {path} ({reason})"),
    ("weights", "pesos"),
    ("data", "dados"),
    # manual_mlp/validation.py and friends (array names such as θ⁽¹⁾ or "theta1 in w.npz" are fields)
    ("theta{num} in {where}", "theta{num} em {where}"),
    ("b{num} in {where}", "b{num} em {where}"),
    ("X in {where}", "X em {where}"),
    ("{name} is missing (got None instead of an array)", "{name} está faltando (veio None em vez de um array)"),
    ("{name} is not a rectangular numeric array ({reason})", "{name} não é um array numérico retangular ({reason})"),
    ("{name} must hold real numbers (int or float), got an array of dtype {dtype}",
     "{name} deve conter números reais (int ou float), veio um array de dtype {dtype}"),
    ("{name} contains a non-finite value ({value}) at index {index}: every input must be a finite number",
     "{name} contém um valor não finito ({value}) no índice {index}: todo elemento deve ser um número finito"),
    ("{theta} must be a matrix of shape {shape}, got a {ndim}-D array of shape {got}",
     "{theta} deve ser uma matriz de forma {shape}, veio um array {ndim}-D de forma {got}"),
    ("{theta} has shape {shape}: every layer needs at least one unit",
     "{theta} tem forma {shape}: toda camada precisa de pelo menos uma unidade"),
    ("{theta} has shape {shape} but {a} has {n} columns ({prev} has shape {prev_shape}): {formula} needs {theta2} "
     "of shape {wanted}", "{theta} tem forma {shape} mas {a} tem {n} colunas ({prev} tem forma {prev_shape}): "
                          "{formula} precisa de {theta2} com forma {wanted}"),
    ("thetas must be a non-empty list of weight matrices [θ⁽¹⁾, …, θ⁽ᴸ⁾], got {got}",
     "thetas deve ser uma lista não vazia de matrizes de pesos [θ⁽¹⁾, …, θ⁽ᴸ⁾], veio {got}"),
    ("biases must be a list of {L} vectors [b⁽¹⁾, …, b{last}] (or None), got {got}",
     "biases deve ser uma lista de {L} vetores [b⁽¹⁾, …, b{last}] (ou None), veio {got}"),
    ("biases must be a list of {L} vectors {names} (or None), got {got}",
     "biases deve ser uma lista de {L} vetores {names} (ou None), veio {got}"),
    ("biases has length {n} but thetas has length {L} ({thetas}): give one {b} per layer, {names}, or none at all",
     "biases tem comprimento {n} mas thetas tem comprimento {L} ({thetas}): dê um {b} por camada, {names}, ou "
     "nenhum"),
    ("b{l} has shape {shape} but θ{l2} has shape {theta_shape}: {formula} needs b{l3} of shape {wanted}",
     "b{l} tem forma {shape} mas θ{l2} tem forma {theta_shape}: {formula} precisa de b{l3} com forma {wanted}"),
    ("X must be a matrix of shape {shape} (one row per sample), got shape {got} (one sample? use "
     "X.reshape(1, {n}))", "X deve ser uma matriz de forma {shape} (uma linha por amostra), veio a forma {got} (uma "
                           "amostra só? use X.reshape(1, {n}))"),
    ("X must be a matrix of shape {shape} (one row per sample), got shape {got}",
     "X deve ser uma matriz de forma {shape} (uma linha por amostra), veio a forma {got}"),
    ("X has shape {shape}: a batch needs at least one sample", "X tem forma {shape}: um lote precisa de pelo menos "
                                                                 "uma amostra"),
    ("X has shape {shape} but θ⁽¹⁾ has {n} columns (inputs): z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of shape {wanted}",
     "X tem forma {shape} mas θ⁽¹⁾ tem {n} colunas (entradas): z⁽¹⁾ = Xθ⁽¹⁾ᵀ precisa de X com forma {wanted}"),
    ("cross_entropy needs at least 2 classes, but the output layer has 1 unit (use bce)",
     "cross_entropy precisa de pelo menos 2 classes, mas a camada de saída tem 1 unidade (use bce)"),
    ("Y must be a matrix of shape {shape} (one row per sample) or integer class labels of shape (N,), got shape "
     "{got}", "Y deve ser uma matriz de forma {shape} (uma linha por amostra) ou um vetor de rótulos de classe "
              "inteiros de forma (N,), veio a forma {got}"),
    ("Y must be a matrix of shape {shape} (one row per sample), got shape {got} (one target per sample? use "
     "Y.reshape(-1, 1))", "Y deve ser uma matriz de forma {shape} (uma linha por amostra), veio a forma {got} (um "
                          "alvo por amostra? use Y.reshape(-1, 1))"),
    ("Y must be a matrix of shape {shape} (one row per sample), got shape {got}",
     "Y deve ser uma matriz de forma {shape} (uma linha por amostra), veio a forma {got}"),
    ("X has {n} rows but Y has {m}: each sample needs one target row",
     "X tem {n} linhas mas Y tem {m}: cada amostra precisa de uma linha de alvo"),
    ("Y has shape {shape} but the output layer has n_L = {n}: J compares a⁽ᴸ⁾ of shape {a_shape} with Y entry by "
     "entry, so Y must have shape {wanted}", "Y tem forma {shape} mas a camada de saída tem n_L = {n}: J compara "
                                             "a⁽ᴸ⁾ de forma {a_shape} com Y elemento a elemento, então Y deve ter "
                                             "forma {wanted}"),
    ("{loss} needs targets Y in [0, 1] ({what}), got values from {low} to {high}",
     "{loss} precisa de alvos Y em [0, 1] ({what}), vieram valores de {low} a {high}"),
    ("probabilities", "probabilidades"),
    ("class probabilities (one-hot rows)", "probabilidades de classe (linhas one-hot)"),
    ("Y must be a matrix of shape {shape} (one row per sample){labels}, got shape {got}",
     "Y deve ser uma matriz de forma {shape} (uma linha por amostra){labels}, veio a forma {got}"),
    (" or integer class labels of shape (N,)", " ou um vetor de rótulos de classe inteiros de forma (N,)"),
    # manual_mlp/backprop.py's shape checks, one formula each
    ("θ⁽ˡ⁾ must be a matrix of shape (nₗ, nₗ₋₁), got shape {got}",
     "θ⁽ˡ⁾ deve ser uma matriz de forma (nₗ, nₗ₋₁), veio a forma {got}"),
    ("a⁽ˡ⁻¹⁾ must be a matrix of shape {shape} (one row per sample), got shape {got}",
     "a⁽ˡ⁻¹⁾ deve ser uma matriz de forma {shape} (uma linha por amostra), veio a forma {got}"),
    ("θ⁽ˡ⁾ has shape {shape} but a⁽ˡ⁻¹⁾ has {n} columns: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ needs θ⁽ˡ⁾ of shape {wanted}",
     "θ⁽ˡ⁾ tem forma {shape} mas a⁽ˡ⁻¹⁾ tem {n} colunas: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ precisa de θ⁽ˡ⁾ com forma {wanted}"),
    ("∂J/∂a⁽ᴸ⁾ has shape {shape} but f′(z⁽ᴸ⁾) has shape {other}: δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) needs both of shape "
     "(N, n_L) (is y a matrix of shape (N, n_L)?)",
     "∂J/∂a⁽ᴸ⁾ tem forma {shape} mas f′(z⁽ᴸ⁾) tem forma {other}: δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾) precisa dos dois com "
     "forma (N, n_L) (y é uma matriz de forma (N, n_L)?)"),
    ("δ⁽ˡ⁺¹⁾ and θ⁽ˡ⁺¹⁾ must be matrices, got shapes {shape} and {other}",
     "δ⁽ˡ⁺¹⁾ e θ⁽ˡ⁺¹⁾ devem ser matrizes, vieram as formas {shape} e {other}"),
    ("δ⁽ˡ⁺¹⁾ has shape {shape} but θ⁽ˡ⁺¹⁾ has shape {other}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) needs θ⁽ˡ⁺¹⁾ with {n} "
     "rows (is it θ⁽ˡ⁺¹⁾, untransposed?)",
     "δ⁽ˡ⁺¹⁾ tem forma {shape} mas θ⁽ˡ⁺¹⁾ tem forma {other}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) precisa de θ⁽ˡ⁺¹⁾ com "
     "{n} linhas (é mesmo θ⁽ˡ⁺¹⁾, sem transpor?)"),
    ("δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ has shape {shape} but f′(z⁽ˡ⁾) has shape {other}: δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) multiplies "
     "them entry by entry", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ tem forma {shape} mas f′(z⁽ˡ⁾) tem forma {other}: δ⁽ˡ⁾ = "
                            "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ f′(z⁽ˡ⁾) multiplica os dois elemento a elemento"),
    ("δ⁽ˡ⁾ has shape {shape} and a⁽ˡ⁻¹⁾ has shape {other}: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ needs two matrices with one row "
     "per sample each (the same N)", "δ⁽ˡ⁾ tem forma {shape} e a⁽ˡ⁻¹⁾ tem forma {other}: ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ "
                                     "precisa de duas matrizes com uma linha por amostra cada (o mesmo N)"),
    ("θ has shape {shape} but ∂J/∂θ has shape {other}: θ − η∂J/∂θ needs the gradient in the parameter's own shape "
     "(∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ has θ⁽ˡ⁾'s shape)",
     "θ tem forma {shape} mas ∂J/∂θ tem forma {other}: θ − η∂J/∂θ precisa do gradiente na forma do próprio "
     "parâmetro (∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾ tem a forma de θ⁽ˡ⁾)"),
    ("X has {n} rows but Y has {m} labels: each sample needs one label",
     "X tem {n} linhas mas Y tem {m} rótulos: cada amostra precisa de um rótulo"),
    ("class label {label} is out of range: the output layer has {n} units, so labels must be 0…{last}",
     "o rótulo de classe {label} está fora do intervalo: a camada de saída tem {n} unidades, então os rótulos vão "
     "de 0 a {last}"),
    ("layer sizes need at least two entries (inputs and outputs), got {sizes}",
     "os tamanhos das camadas precisam de pelo menos dois valores (entradas e saídas), veio {sizes}"),
    ("every layer size must be at least 1, got {sizes}", "todo tamanho de camada deve ser pelo menos 1, veio {sizes}"),
    ("unknown activation {name}; choose one of: {known}", "ativação desconhecida {name}; escolha uma de: {known}"),
    ("unknown loss {name}; choose one of: {known}", "função de custo desconhecida {name}; escolha uma de: {known}"),
    ("unknown optimizer {name}; choose one of: {known}", "otimizador desconhecido {name}; escolha um de: {known}"),
    ("the learning rate η (--lr) must be a finite number > 0, got {value}",
     "a taxa de aprendizado η (--lr) deve ser um número finito > 0, veio {value}"),
    ("momentum (--momentum) must be a finite number ≥ 0 (and > 0 with --nesterov), got {value}",
     "o momentum (--momentum) deve ser um número finito ≥ 0 (e > 0 com --nesterov), veio {value}"),
    ("--momentum and --nesterov belong to sgd, not {name} (Adam's momentum is --betas)",
     "--momentum e --nesterov são do sgd, não do {name} (o momentum do Adam é --betas)"),
    ("weight decay (--weight-decay) must be a finite number ≥ 0, got {value}",
     "o decaimento dos pesos (--weight-decay) deve ser um número finito ≥ 0, veio {value}"),
    ("--betas takes two numbers in [0, 1), got {value}", "--betas recebe dois números em [0, 1), veio {value}"),
    ("Adam's ε (--eps) must be a finite number > 0, got {value}",
     "o ε do Adam (--eps) deve ser um número finito > 0, veio {value}"),
    ("batch size must be between 1 and the number of samples N = {n}, got {value}",
     "o tamanho do lote deve estar entre 1 e o número de amostras N = {n}, veio {value}"),
    ("the shuffle seed must be a whole number ≥ 0, got {value}",
     "a semente do embaralhamento deve ser um número inteiro ≥ 0, veio {value}"),
    ("{name} can only be the output activation (--output-activation), not a hidden layer's",
     "{name} só pode ser a ativação da saída (--output-activation), não a de uma camada oculta"),
    ("{name} is computed from the logits z⁽ᴸ⁾ and applies softmax itself: use --output-activation softmax (or "
     "identity), not {other}", "{name} é calculada a partir dos logits z⁽ᴸ⁾ e aplica a softmax ela mesma: use "
                               "--output-activation softmax (ou identity), não {other}"),
    ("a softmax output goes with --loss cross_entropy (δ⁽ᴸ⁾ = (a − y)/N), not {name}",
     "uma saída softmax vai com --loss cross_entropy (δ⁽ᴸ⁾ = (a − y)/N), não com {name}"),
    # verify/run.py
    ("the learning rate η (--lr) must be a number, got {value}",
     "a taxa de aprendizado η (--lr) deve ser um número, veio {value}"),
    ("the number of steps must be a whole number, got {value}", "o número de passos deve ser inteiro, veio {value}"),
    ("the number of steps must be at least 1, got {value}", "o número de passos deve ser pelo menos 1, veio {value}"),
    ("dtype must be float64 or float32, got {value}", "o dtype deve ser float64 ou float32, veio {value}"),
    ("the tolerance {name} (--{option}) must be a number, got {value}",
     "a tolerância {name} (--{option}) deve ser um número, veio {value}"),
    ("the tolerance {name} (--{option}) must be a finite number ≥ 0, got {value}",
     "a tolerância {name} (--{option}) deve ser um número finito ≥ 0, veio {value}"),
    # teach/mutants.py
    ("the mistake {name} cannot show on this network (sizes {sizes}, with biases, N = {n}): {reason}",
     "o erro {name} não aparece nesta rede (tamanhos {sizes}, com vieses, N = {n}): {reason}"),
    ("the mistake {name} cannot show on this network (sizes {sizes}, no biases, N = {n}): {reason}",
     "o erro {name} não aparece nesta rede (tamanhos {sizes}, sem vieses, N = {n}): {reason}"),
    ("it is in the hidden δ, so it needs a hidden layer (e.g. --layers 3,4,2)",
     "ele está no δ oculto, então precisa de uma camada oculta (por exemplo --layers 3,4,2)"),
    ("with one sample a sum and a mean are the same: use N ≥ 2 samples",
     "com uma amostra, soma e média são iguais: use N ≥ 2 amostras"),
    ("it is in ∂J/∂b, so the network needs biases (e.g. --layers 3,4,2 --bias)",
     "ele está em ∂J/∂b, então a rede precisa de vieses (por exemplo --layers 3,4,2 --bias)"),
    ("δ⁽ˡ⁺¹⁾θ⁽ˡ⁾ ⊙ f′(z⁽ˡ⁾) only has compatible shapes when nₗ₋₁ = nₗ = nₗ₊₁, so every layer needs the same size "
     "(e.g. --layers 3,3,3,3)", "δ⁽ˡ⁺¹⁾θ⁽ˡ⁾ ⊙ f′(z⁽ˡ⁾) só tem formas compatíveis quando nₗ₋₁ = nₗ = nₗ₊₁, então "
                                "toda camada precisa do mesmo tamanho (por exemplo --layers 3,3,3,3)"),
    ("unknown mistake {name} for --inject-bug; choose one of: {names} (or 'list' to describe them)",
     "erro desconhecido {name} para --inject-bug; escolha um de: {names} (ou 'list' para descrevê-los)"),
    # train/ and cli/train_cli.py
    ("unknown --dataset {name}; choose one of: {names}", "--dataset desconhecido {name}; escolha um de: {names}"),
    ("--impl must be one of {names}, got {value}", "--impl deve ser um de {names}, veio {value}"),
    ("cannot write the plot to {path} ({reason})", "não é possível gravar o gráfico em {path} ({reason})"),
    ("cannot write the plot to {path}: {reason}; use a name ending in .png",
     "não é possível gravar o gráfico em {path}: {reason}; use um nome terminado em .png"),
    ("--epochs must be at least 1, got {value}", "--epochs deve ser pelo menos 1, veio {value}"),
    ("--print-every must be at least 1, got {value}", "--print-every deve ser pelo menos 1, veio {value}"),
    ("--plot-boundary adds a panel to the plot: it cannot be used with --no-plot",
     "--plot-boundary acrescenta um painel ao gráfico: não pode ser usado com --no-plot"),
    ("--plot {path} has no extension to say the file type: give a name ending in .png",
     "--plot {path} não tem extensão que diga o tipo do arquivo: dê um nome terminado em .png"),
    ("--plot {path}: cannot write a {suffix} file; give a name ending in .png (or .pdf, .svg)",
     "--plot {path}: não é possível gravar um arquivo {suffix}; dê um nome terminado em .png (ou .pdf, .svg)"),
    ("--plot {path}: the folder {folder} does not exist", "--plot {path}: a pasta {folder} não existe"),
    ("--plot-boundary draws the plane of 2 inputs, but {name} has {n} (X {shape})",
     "--plot-boundary desenha o plano de 2 entradas, mas {name} tem {n} (X {shape})"),
    ("give either --data FILE.npz or --dataset NAME, not both",
     "use --data ARQUIVO.npz ou --dataset NOME, não os dois"),
    # the longer message first: the shorter one's {d0} would take in "2 and n_L = 1"
    ("{name} has n₀ = {d0} and n_L = {dL} (X {shape}, Y {y_shape}), but {source} has n₀ = {n0} and n_L = {nL}: "
     "use --layers {layers}",
     "{name} tem n₀ = {d0} e n_L = {dL} (X {shape}, Y {y_shape}), mas {source} tem n₀ = {n0} e n_L = {nL}: "
     "use --layers {layers}"),
    ("{name} has n₀ = {d0} (X {shape}), but {source} has n₀ = {n0}: use --layers {layers}",
     "{name} tem n₀ = {d0} (X {shape}), mas {source} tem n₀ = {n0}: use --layers {layers}"),
    ("the lab's weights", "os pesos do lab"),
    ("the default architecture of {name}", "a arquitetura padrão de {name}"),
    # check/ and cli/check_cli.py
    ("unknown function {name} in --name; the lab's functions are {names}",
     "função desconhecida {name} em --name; as funções do lab são {names}"),
    ("--name expects LAB=THEIRS with a Python name on the right, got {value}",
     "--name espera LAB=SEU_NOME com um nome Python à direita, veio {value}"),
    ("--timeout must be a number of seconds from 0.01 to 3600, got {value}",
     "--timeout deve ser um número de segundos de 0.01 a 3600, veio {value}"),
    ("--memory must be a number of GB from 0.25 to 4096, got {value}",
     "--memory deve ser um número de GB de 0.25 a 4096, veio {value}"),
    ("--cpu-seconds must be a whole number of seconds from 1 to 86400, got {value}",
     "--cpu-seconds deve ser um número inteiro de segundos de 1 a 86400, veio {value}"),
    ("--sandbox needs bwrap (the bubblewrap package), which this machine does not have",
     "--sandbox precisa do bwrap (o pacote bubblewrap), que esta máquina não tem"),
    ("--sandbox: bwrap cannot run here: {value}", "--sandbox: o bwrap não consegue rodar aqui: {value}"),
    ("--width must be at least 40 columns, got {value}", "--width deve ser de pelo menos 40 colunas, veio {value}"),
    ("--jobs must be at least 1, got {value}", "--jobs deve ser pelo menos 1, veio {value}"),
    ("give a .py file or a .ipynb notebook to check (or --assignment list, or --describe)",
     "dê um arquivo .py ou um notebook .ipynb a verificar (ou --assignment list, ou --describe)"),
    ("--gradescope writes one submission's results.json: give one file",
     "--gradescope grava o results.json de uma só entrega: dê um arquivo"),
    ("--gradescope-visibility sets who sees --gradescope's results: give --gradescope too",
     "--gradescope-visibility diz quem vê os resultados de --gradescope: dê --gradescope também"),
    ("--summary {path}: a class report is a .md or .html file",
     "--summary {path}: um relatório da turma é um arquivo .md ou .html"),
    ("{path}: not a Jupyter notebook (.ipynb is JSON with a list of cells)",
     "{path}: não é um notebook Jupyter (um .ipynb é JSON com uma lista de células)"),
    ("{path}: a folder; give its files ({files}, or {each} for a folder per student)",
     "{path}: é uma pasta; dê os arquivos dela ({files}, ou {each} para uma pasta por aluno)"),
    ("{path}: expected a .py file or a .ipynb notebook", "{path}: esperava um arquivo .py ou um notebook .ipynb"),
    # check/assignment.py
    ("unknown assignment {name}; the built-in ones are {names} (or give a .toml file)",
     "tarefa desconhecida {name}; as embutidas são {names} (ou dê um arquivo .toml)"),
    ("{flag} needs Python 3.11 or newer, or the tomli package (pip install tomli)",
     "{flag} precisa do Python 3.11 ou mais novo, ou do pacote tomli (pip install tomli)"),
    ("--assignment needs Python 3.11 or newer, or the tomli package (pip install tomli)",
     "--assignment precisa do Python 3.11 ou mais novo, ou do pacote tomli (pip install tomli)"),
    ("--assignment {path}: not TOML at line {line}, column {column} ({reason})",
     "--assignment {path}: não é TOML na linha {line}, coluna {column} ({reason})"),
    ("--assignment {path}: not TOML ({reason})", "--assignment {path}: não é TOML ({reason})"),
    ("--assignment {path}: unknown key {key}; an assignment has [assignment], [network], [optimizer], "
     "[optimizers.NAME], [[cases]] and [functions]",
     "--assignment {path}: chave desconhecida {key}; uma tarefa tem `[assignment]`, `[network]`, `[optimizer]`, "
     "`[optimizers.NAME]`, `[[cases]]` e `[functions]`"),
    ("--assignment {path}: {place} names no function of [functions]; a function's own optimizer is "
     "[optimizers.NAME], NAME as in [functions]",
     "--assignment {path}: {place} não nomeia nenhuma função de `[functions]`; o otimizador próprio de uma função "
     "é `[optimizers.NAME]`, NAME como em `[functions]`"),
    ("--assignment {path}: unknown key {key} in {place}; it has {names}",
     "--assignment {path}: chave desconhecida {key} em {place}; as chaves são `{names}`"),
    ("--assignment {path}: [assignment] needs title.en and title.pt, a title in each language",
     "--assignment {path}: [assignment] precisa de title.en e title.pt, um título em cada língua"),
    ("--assignment {path}: no {place} table", "--assignment {path}: falta a tabela {place}"),
    ("--assignment {path}: {place} must be a table", "--assignment {path}: {place} deve ser uma tabela"),
    ("--assignment {path}: no [[cases]] (one table per case)",
     "--assignment {path}: falta [[cases]] (uma tabela por caso)"),
    ("--assignment {path}: two cases are named {name}; give one a name",
     "--assignment {path}: dois casos se chamam {name}; dê um nome (name) a um deles"),
    ("--assignment {path}: [functions] is empty (one function = signature each)",
     "--assignment {path}: `[functions]` está vazia (uma função = assinatura por linha)"),
    ("[functions]", "`[functions]`"),
    ("--assignment {path}: [optimizer]: {reason}", "--assignment {path}: [optimizer]: {reason}"),
    ("--assignment {path}: [optimizers.{name}]: {reason}", "--assignment {path}: [optimizers.{name}]: {reason}"),
    ("--assignment {path}: {place} {key} = {value}: {reason}",
     "--assignment {path}: {place} `{key}` = {value}: {reason}"),
    ("use one of {names}", "use um de {names}"),
    ("a finite number {op} {low}", "um número finito {op} {low}"),
    ("a whole number from {low} to {high}", "um número inteiro de {low} a {high}"),
    ("true or false", "true ou false"),
    ("two numbers in [0, 1)", "dois números em [0, 1)"),
    ("Adam's momentum is betas", "o momentum do Adam é betas"),
    ("a text", "um texto"),
    ("fewer than the batch size {size}", "menos que o tamanho do lote {size}"),
    ("a list of {low} to {high} whole numbers from 1 to {units}, the inputs first",
     "uma lista de {low} a {high} números inteiros de 1 a {units}, as entradas primeiro"),
    ("the lab's numbers are a lab network's alone (sigmoid, half_sse, no biases, plain gradient descent, full batch)",
     "os números do lab são só de uma rede do lab (sigmoide, half_sse, sem vieses, gradiente descendente simples, "
     "lote inteiro)"),
    ("the function's name must be a Python name", "o nome da função deve ser um nome Python"),
    ("not in the catalogue (mlp-check --assignment list names them)",
     "não está no catálogo (mlp-check --assignment list as nomeia)"),
    ("it does not fit the network: {reason}", "não serve para a rede: {reason}"),
    ("no case has a hidden layer", "nenhum caso tem camada oculta"),
    ("the whole step keeps the lab's name, step", "o passo inteiro mantém o nome do lab, step"),
    ("no layer of the network is {name}", "nenhuma camada da rede é {name}"),
    ("the hidden layers are {name}, not {other}", "as camadas ocultas são {name}, não {other}"),
    ("it is δ⁽ᴸ⁾ for a {output} output with {loss}, not {other} with {other_loss}",
     "é o δ⁽ᴸ⁾ de uma saída {output} com {loss}, não {other} com {other_loss}"),
    ("the network has no biases (bias = false)", "a rede não tem vieses (bias = false)"),
    ("it is plain gradient descent, and the optimizer is not",
     "é o gradiente descendente simples, e o otimizador não é"),
    ("it needs the optimizer {name}, and this one is {other}", "precisa do otimizador {name}, e este é {other}"),
    ("the whole step is the lab's: sigmoid, half_sse, no biases, plain gradient descent, full batch",
     "o passo inteiro é o do lab: sigmoide, half_sse, sem vieses, gradiente descendente simples, lote inteiro"),
    ("assignment {name}: {function} ({signature}) cannot be checked yet, as {reason} are not supported yet "
     "(mlp-check --assignment {other} --describe shows it)",
     "tarefa {name}: {function} ({signature}) ainda não pode ser verificada, pois {reason} ainda não são "
     "suportados (mlp-check --assignment {other} --describe a mostra)"),
    ("networks in {dtype}", "redes em {dtype}"),
    # check/rubric.py
    ("--rubric needs Python 3.11 or newer, or the tomli package (pip install tomli)",
     "--rubric precisa do Python 3.11 ou mais novo, ou do pacote tomli (pip install tomli)"),
    ("--rubric {path}: not TOML at line {line}, column {column} ({reason})",
     "--rubric {path}: não é TOML na linha {line}, coluna {column} ({reason})"),
    ("--rubric {path}: not TOML ({reason})", "--rubric {path}: não é TOML ({reason})"),
    ("--rubric {path}: unknown key {key}; a rubric has [points] and [policy]",
     "--rubric {path}: chave desconhecida {key}; uma rubrica tem [points] e [policy]"),
    ("--rubric {path}: no [points] table (one key for each of {names})",
     "--rubric {path}: falta a tabela [points] (uma chave para cada uma de {names})"),
    ("--rubric {path}: unknown key {key} in [points]; the lab's functions are {names}",
     "--rubric {path}: chave desconhecida {key} em [points]; as funções do lab são {names}"),
    ("--rubric {path}: [points] has no {key} (give each of {names} its points, 0 for none)",
     "--rubric {path}: [points] não tem {key} (dê a cada uma de {names} os seus pontos, 0 para nenhum)"),
    ("--rubric {path}: [points] {key} = {value}: points are a number ≥ 0",
     "--rubric {path}: [points] {key} = {value}: os pontos são um número ≥ 0"),
    ("--rubric {path}: [points] are all 0: nothing to grade",
     "--rubric {path}: os [points] são todos 0: nada a avaliar"),
    ("--rubric {path}: policy must be a table ([policy] with step = {value})",
     "--rubric {path}: policy deve ser uma tabela ([policy] com step = {value})"),
    ("--rubric {path}: unknown key {key} in [policy]; it has step only",
     "--rubric {path}: chave desconhecida {key} em [policy]; ela só tem step"),
    ("--rubric {path}: [policy] step = {value}: use {a} or {b}",
     "--rubric {path}: [policy] step = {value}: use {a} ou {b}"),
    ("{path}: no such file", "{path}: arquivo não encontrado"),
    ("{path}: not a regular file", "{path}: não é um arquivo comum"),
    ("{path}: cannot be read ({reason})", "{path}: não pode ser lido ({reason})"),
    # the operating system's reasons (OSError.strerror)
    ("Permission denied", "permissão negada"),
    ("No such file or directory", "arquivo ou pasta inexistente"),
    ("Is a directory", "é uma pasta"),
    # mlp-bench (cli/bench_cli.py, bench/machine.py), and torch_reference/lockstep.py's description in its header
    ("--activations: {names} not available in both twins; choose from {known}",
     "--activations: {names} não existe nas duas implementações; escolha entre {known}"),
    ("--budget must be > 0 and at most {limit} seconds per case, got {value}",
     "--budget deve ser > 0 e no máximo {limit} segundos por caso, veio {value}"),
    ("--threads must be between 1 and 4096, got {value}", "--threads deve estar entre 1 e 4096, veio {value}"),
    ("--threads must be at least 1, got {value}", "--threads deve ser pelo menos 1, veio {value}"),
    ("--threads {n} needs threadpoolctl to set NumPy's BLAS threads (pip install threadpoolctl), or start with "
     "OPENBLAS_NUM_THREADS={n}", "--threads {n} precisa do threadpoolctl para definir as threads do BLAS do NumPy "
                                 "(pip install threadpoolctl), ou comece com OPENBLAS_NUM_THREADS={n}"),
    ("threads: NumPy's BLAS {numpy}, torch {torch}; steps {how}",
     "threads: BLAS do NumPy {numpy}, torch {torch}; passos {how}"),
    ("at the same time when a step has ≥ 10^{n} matmul flops",
     "ao mesmo tempo quando um passo tem ≥ 10^{n} flops de multiplicação de matrizes"),
    ("one after the other", "um depois do outro"),
    # kit/
    ("a kit is built from a copy of the repository, but {path} has no {name}: run mlp-kit from a clone installed "
     "with pip install -e",
     "um kit é construído de uma cópia do repositório, mas {path} não tem {name}: rode o mlp-kit de um clone "
     "instalado com pip install -e"),
    ("building the wheel took more than {seconds} s: stopped", "a construção do .whl levou mais de {seconds} s: "
                                                               "interrompida"),
    ("building the wheel failed ({reason})", "a construção do .whl falhou ({reason})"),
    ("the checkout's {path} cannot be read ({reason})", "o {path} da cópia do repositório não pode ser lido "
                                                         "({reason})"),
    ("{path} is a file, not a folder: give a folder for the kit", "{path} é um arquivo, não uma pasta: dê uma pasta "
                                                                  "para o kit"),
    ("cannot create the kit's folder {path}: the folder {parent} does not exist",
     "não é possível criar a pasta do kit {path}: a pasta {parent} não existe"),
    ("cannot create the kit's folder {path} ({reason})", "não é possível criar a pasta do kit {path} ({reason})"),
    ("cannot remove the older wheel {path} from the kit's folder ({reason})",
     "não é possível remover da pasta do kit o .whl mais antigo {path} ({reason})"),
    ("the wheel", "o .whl"),
    ("the notebook", "o notebook"),
    ("--gradescope {path}: Gradescope's autograder is a .zip file",
     "--gradescope {path}: o corretor automático do Gradescope é um arquivo .zip"),
    ("the autograder zip", "o .zip do corretor automático"),
    ("{name} is not one of the assignment's functions ({names})", "{name} não é uma das funções da tarefa ({names})"),
    ("GitHub Classroom's points are whole numbers: the rubric gives {name} {points}",
     "os pontos do GitHub Classroom são números inteiros: a rubrica dá {points} a {name}"),
    ("give the kit's folder, --gradescope ZIP or --classroom FOLDER",
     "dê a pasta do kit, --gradescope ZIP ou --classroom PASTA"),
    ("{option} sets how the autograder grades: give --gradescope or --classroom too",
     "{option} diz como o corretor automático corrige: dê --gradescope ou --classroom também"),
    ("--assignment {name}: no exercise notebook to hand out (the built-in assignments with one: {names}); a "
     "teacher's own assignment is graded with --gradescope",
     "--assignment {name}: não há notebook de exercício para entregar (as tarefas embutidas que têm um: {names}); "
     "uma tarefa do próprio professor é corrigida com --gradescope"),
    # torch_reference/device.py
    ("unknown device {name}: use 'cpu' or 'cuda'", "dispositivo desconhecido {name}: use 'cpu' ou 'cuda'"),
    ("the torch twin runs on 'cpu' or 'cuda', not {name}", "a implementação PyTorch roda em 'cpu' ou 'cuda', não "
                                                           "em {name}"),
    ("--device cuda: PyTorch {version} ({built}) finds no CUDA GPU here; use --device cpu",
     "--device cuda: o PyTorch {version} ({built}) não encontra GPU CUDA aqui; use --device cpu"),
    ("built with CUDA {cuda}", "compilado com CUDA {cuda}"),
    ("built without CUDA", "compilado sem CUDA"),
    ("--device {device}: torch.cuda.device_count() is {n}", "--device {device}: torch.cuda.device_count() é {n}"),
]


def _pattern(template: str) -> re.Pattern:
    """The English template as a regular expression: each {field} matches any text (a repeated one, the same;
    one named num… only digits)."""
    parts, seen, regex = re.split(r"\{(\w+)\}", template), set(), ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:
            any_text = r"\d+" if part.startswith("num") else ".+?"   # {num…}: digits only (theta{num})
            regex += f"(?P={part})" if part in seen else f"(?P<{part}>{any_text})"
            seen.add(part)
    return re.compile(regex + r"\Z", re.S)


_COMPILED: dict[str, list[tuple[re.Pattern, str]]] = {}


def translate(lang: str, message: str) -> str:
    """An English message of bad input in ``lang``: the first entry of the table that matches it, its fields
    translated in turn; the message as it is when none matches (or when ``lang`` is "en")."""
    if lang == "en":
        return message
    table = _COMPILED.get(lang)
    if table is None:
        table = _COMPILED[lang] = [(_pattern(en), other) for en, other in {"pt": ERRORS_PT}[lang]]
    for pattern, target in table:
        match = pattern.match(message)
        if match:
            return target.format(**{k: translate(lang, v) for k, v in match.groupdict().items()})
    return message
