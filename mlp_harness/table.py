"""The side-by-side table: quantity, formula, NumPy value, PyTorch value, max |Δ|.

With ``--gradcheck`` the gradient rows also show the finite-difference value and
each twin's relative error against it.
"""
from __future__ import annotations

import numpy as np

from manual_mlp.activations import get_activation
from manual_mlp.losses import get_loss
from manual_mlp.optimizers import STATE_FORMULAS, update_formula
from manual_mlp.validation import sup

from .compare import QuantityDiff
from .run import Report, RunConfig

#: matrices up to this many entries are printed whole
WHOLE_MATRIX_LIMIT = 64


def output_delta_formula(config: RunConfig, L: int) -> str:
    loss = get_loss(config.loss)
    dJ = loss.grad_formula.format(a=f"a{sup(L)}", z=f"z{sup(L)}")
    if loss.on_logits:
        return dJ
    return f"{dJ} ⊙ {get_activation(config.output_activation).symbol}′(z{sup(L)})"


def formula(quantity: str, l: int | None, L: int, has_bias: bool, config: RunConfig | None = None) -> str:
    """The equation that produces ``quantity`` at layer ``l``, in the lab's notation."""
    config = config or RunConfig()
    if quantity == "loss":
        return get_loss(config.loss).formula.format(a=f"a{sup(L)}", z=f"z{sup(L)}")
    state, _, kind = quantity.partition("(")
    if state in STATE_FORMULAS:
        return STATE_FORMULAS[state][1]
    prev = "X" if l == 1 else f"a{sup(l - 1)}"
    f = get_activation(config.output_activation if l == L else config.activation).symbol
    b = f" + b{sup(l)}" if has_bias else ""
    update = update_formula(config.optimizer_settings)
    return {
        "z": f"{prev}·θ{sup(l)}ᵀ{b}",
        "a": f"{f}(z{sup(l)})",
        "delta": output_delta_formula(config, L) if l == L else f"δ{sup(l + 1)}θ{sup(l + 1)} ⊙ {f}′(z{sup(l)})",
        "grad_theta": f"δ{sup(l)}ᵀ·{prev}",
        "grad_b": f"Σₙ δ{sup(l)}",
        "theta": update.replace("θ", f"θ{sup(l)}"),
        "b": update.replace("θ", f"b{sup(l)}").replace("∂J/∂b", f"∂J/∂b{sup(l)}"),
    }.get(quantity, "")


def format_scalar(x: float, precision: int = 8) -> str:
    """Fixed-point like the lab's prints, but in exponent form once it would run to dozens of digits."""
    x = float(x)
    return f"{x:.{precision}e}" if np.isfinite(x) and abs(x) >= 1e8 else f"{x:.{precision}f}"


def format_value(value: np.ndarray | None, precision: int = 8) -> list[str]:
    """Lines of a value as NumPy prints it (the lab's style), summarised when large."""
    if value is None:
        return [""]
    value = np.asarray(value)
    if value.ndim == 0:
        return [format_scalar(value, precision)]
    text = np.array2string(value, precision=precision, threshold=WHOLE_MATRIX_LIMIT, edgeitems=2,
                           max_line_width=60, floatmode="fixed")
    lines = text.splitlines()
    if value.size > WHOLE_MATRIX_LIMIT:
        lines.append(f"shape {value.shape}")
    return lines


def _row(d: QuantityDiff, L: int, has_bias: bool, config: RunConfig, gradcheck: bool, first: bool) -> list[list[str]]:
    label = d.label + (" (new)" if d.quantity in ("theta", "b") else "")
    mark = "" if d.ok else "  ✗" + ("  ◀ first mismatch" if first else "")
    row = [[label], [formula(d.quantity, d.layer, L, has_bias, config)], format_value(d.numpy_value),
           format_value(d.torch_value), [f"{d.max_abs_diff:.1e}{mark}"]]
    if gradcheck:
        errors = [] if d.fd_value is None else [f"{d.fd_rel_error_numpy:.1e} / {d.fd_rel_error_torch:.1e}"]
        row += [format_value(d.fd_value), errors]
    return row


def render_step(diffs: list[QuantityDiff], L: int, has_bias: bool, title: str, config: RunConfig | None = None,
                first: tuple[str, int | None] | None = None) -> str:
    """One step's quantities; ``first`` = (quantity, layer) of the first mismatch, marked with an arrow."""
    config = config or RunConfig()
    gradcheck = any(d.fd_value is not None for d in diffs)
    header = ["quantity", "formula", "NumPy (by hand)", "PyTorch (autograd)", "max |Δ|"]
    if gradcheck:
        header += ["finite differences", "rel. err NumPy / PyTorch"]
    cells = [_row(d, L, has_bias, config, gradcheck, (d.quantity, d.layer) == first) for d in diffs]
    widths = [max([len(h)] + [len(line) for cell in cells for line in cell[i]]) for i, h in enumerate(header)]
    sep = "  "
    out = [title, sep.join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), sep.join("─" * w for w in widths)]
    for cell in cells:
        for i in range(max(len(col) for col in cell)):
            out.append(sep.join((col[i] if i < len(col) else "").ljust(w) for col, w in zip(cell, widths)).rstrip())
    return "\n".join(out)


def render_summary(report: Report, max_rows: int = 20) -> str:
    steps = report.steps
    if len(steps) > max_rows:
        keep = sorted(set(np.linspace(0, len(steps) - 1, max_rows).round().astype(int)))
        steps = [steps[i] for i in keep]
    out = ["Per-step summary" + (f" ({len(steps)} of {len(report.steps)} steps shown; --json has all)"
                                 if len(steps) < len(report.steps) else ""),
           f"{'step':>6}  {'J (NumPy)':>18}  {'J (PyTorch)':>18}  {'max |Δ|':>9}"]
    for s in steps:
        out.append(f"{s.step:>6}  {format_scalar(s.loss_numpy, 12):>18}  {format_scalar(s.loss_torch, 12):>18}  "
                   f"{s.max_abs_diff:>9.1e}")
    return "\n".join(out)


def render_report(report: Report, L: int, has_bias: bool) -> str:
    config, m = report.config, report.first_mismatch
    first_at = lambda step: None if m is None or m.step != step else (m.quantity, m.layer)  # noqa: E731
    parts = [render_step(report.first_diffs, L, has_bias, f"Step 1 of {config.steps}", config, first_at(1))]
    if len(report.steps) > 1:
        last = report.steps[-1].step
        parts.append(render_step(report.last_diffs, L, has_bias, f"Step {last}", config, first_at(last)))
        parts.append(render_summary(report))
    tol = report.tolerance
    witnesses = "formula = autograd = finite differences" if config.gradcheck else "formula = autograd"
    if report.ok:
        largest = max(s.max_abs_diff for s in report.steps)
        parts.append(f"OK ({witnesses}): every quantity of all {len(report.steps)} step(s) agrees within "
                     f"rtol={tol.rtol:.1e}, atol={tol.atol:.1e} ({config.dtype}); largest |Δ| = {largest:.1e}")
    else:
        parts.append(f"FAIL: {report.first_mismatch.describe()} (rtol={tol.rtol:.1e}, atol={tol.atol:.1e})")
    return "\n\n".join(parts)
