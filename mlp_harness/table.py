"""The side-by-side table: quantity, formula, NumPy value, PyTorch value, max |Δ|."""
from __future__ import annotations

import numpy as np

from manual_mlp.validation import sup

from .compare import QuantityDiff
from .run import Report

#: matrices up to this many entries are printed whole
WHOLE_MATRIX_LIMIT = 64


def formula(quantity: str, l: int | None, L: int, has_bias: bool) -> str:
    """The equation that produces ``quantity`` at layer ``l``, in the lab's notation."""
    b = f" + b{sup(l)}" if has_bias else ""
    prev = "X" if l == 1 else f"a{sup(l - 1) if l else ''}"
    f = "σ"
    return {
        "z": f"{prev}·θ{sup(l)}ᵀ{b}" if l else "",
        "a": f"{f}(z{sup(l)})",
        "loss": f"½ Σ (y − a{sup(L)})²",
        "delta": (f"(a{sup(L)} − y) ⊙ {f}′(z{sup(L)})" if l == L
                  else f"δ{sup(l + 1)}θ{sup(l + 1)} ⊙ {f}′(z{sup(l)})") if l else "",
        "grad_theta": f"δ{sup(l)}ᵀ·{prev}" if l else "",
        "grad_b": f"Σₙ δ{sup(l)}" if l else "",
        "theta": f"θ{sup(l)} − η ∂J/∂θ{sup(l)}" if l else "",
        "b": f"b{sup(l)} − η ∂J/∂b{sup(l)}" if l else "",
    }.get(quantity, "")


def format_scalar(x: float, precision: int = 8) -> str:
    """Fixed-point like the lab's prints, but in exponent form once it would run to dozens of digits."""
    x = float(x)
    return f"{x:.{precision}e}" if np.isfinite(x) and abs(x) >= 1e8 else f"{x:.{precision}f}"


def format_value(value: np.ndarray, precision: int = 8) -> list[str]:
    """Lines of a value as NumPy prints it (the lab's style), summarised when large."""
    value = np.asarray(value)
    if value.ndim == 0:
        return [format_scalar(value, precision)]
    text = np.array2string(value, precision=precision, threshold=WHOLE_MATRIX_LIMIT, edgeitems=2,
                           max_line_width=60, floatmode="fixed")
    lines = text.splitlines()
    if value.size > WHOLE_MATRIX_LIMIT:
        lines.append(f"shape {value.shape}")
    return lines


def render_step(diffs: list[QuantityDiff], L: int, has_bias: bool, title: str,
                first: tuple[str, int | None] | None = None) -> str:
    """One step's quantities; ``first`` = (quantity, layer) of the first mismatch, marked with an arrow."""
    rows = [("quantity", "formula", "NumPy (by hand)", "PyTorch (autograd)", "max |Δ|")]
    cells = []
    for d in diffs:
        np_lines, pt_lines = format_value(d.numpy_value), format_value(d.torch_value)
        label = d.label + (" (new)" if d.quantity in ("theta", "b") else "")
        mark = "" if d.ok else "  ✗" + ("  ◀ first mismatch" if (d.quantity, d.layer) == first else "")
        cells.append(([label], [formula(d.quantity, d.layer, L, has_bias)], np_lines, pt_lines,
                      [f"{d.max_abs_diff:.1e}{mark}"]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for cell in cells:
        widths = [max(w, *(len(line) for line in col)) for w, col in zip(widths, cell)]
    sep = "  "
    out = [title, sep.join(h.ljust(w) for h, w in zip(rows[0], widths)), sep.join("─" * w for w in widths)]
    for cell in cells:
        height = max(len(col) for col in cell)
        for i in range(height):
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
    m = report.first_mismatch
    first_at = lambda step: None if m is None or m.step != step else (m.quantity, m.layer)  # noqa: E731
    parts = [render_step(report.first_diffs, L, has_bias, f"Step 1 of {report.config.steps}", first_at(1))]
    if len(report.steps) > 1:
        last = report.steps[-1].step
        parts.append(render_step(report.last_diffs, L, has_bias, f"Step {last}", first_at(last)))
        parts.append(render_summary(report))
    tol = report.tolerance
    if report.ok:
        largest = max(s.max_abs_diff for s in report.steps)
        parts.append(f"OK: every quantity of all {len(report.steps)} step(s) agrees within rtol={tol.rtol:.1e}, "
                     f"atol={tol.atol:.1e} ({report.config.dtype}); largest |Δ| = {largest:.1e}")
    else:
        parts.append(f"FAIL: {report.first_mismatch.describe()} (rtol={tol.rtol:.1e}, atol={tol.atol:.1e})")
    return "\n\n".join(parts)
