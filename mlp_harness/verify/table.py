"""The side-by-side table: quantity, formula, NumPy value, PyTorch value, max |Δ|.

With ``--gradcheck`` the gradient rows also show the finite-difference value and
each twin's relative error against it.

The table fits in ``width`` columns (:mod:`.width`): when the values side by side
do not fit, each row stacks them in one column — the NumPy value above the
PyTorch value (and the finite differences below) — and, if still too wide, the
formula goes under the quantity's name; last, matrices are printed narrower.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from manual_mlp.activations import get_activation
from manual_mlp.losses import get_loss
from manual_mlp.optimizers import STATE_FORMULAS, update_formula
from manual_mlp.validation import sup

from .compare import EDGE_ITEMS, WHOLE_MATRIX_LIMIT, QuantityDiff
from ..i18n import N_, tr, tr_n
from .run import Report, RunConfig
from .width import DEFAULT_WIDTH, fit_formula


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
        "b": update.replace("θ", f"b{sup(l)}"),
    }.get(quantity, "")


def format_scalar(x: float, precision: int = 8) -> str:
    """Fixed-point like the lab's prints, but in exponent form once it would run to dozens of digits."""
    x = float(x)
    return f"{x:.{precision}e}" if np.isfinite(x) and abs(x) >= 1e8 else f"{x:.{precision}f}"


def format_value(value: np.ndarray | None, precision: int = 8, line_width: int = 60, lang: str = "en") -> list[str]:
    """Lines of a value as NumPy prints it (the lab's style), summarised when large (its shape said in ``lang``)."""
    if value is None:
        return [""]
    value = np.asarray(value)
    if value.ndim == 0:
        return [format_scalar(value, precision)]
    text = np.array2string(value, precision=precision, threshold=WHOLE_MATRIX_LIMIT, edgeitems=EDGE_ITEMS,
                           max_line_width=line_width, floatmode="fixed")
    lines = text.splitlines()
    if value.size > WHOLE_MATRIX_LIMIT:
        lines.append(tr(lang, "shape {shape}", shape=value.shape))
    return lines


def _row(d: QuantityDiff, L: int, has_bias: bool, config: RunConfig, gradcheck: bool, first: bool,
         lang: str = "en", precision: int = 8, line_width: int = 60) -> list[list[str]]:
    """The wide layout's cells: quantity, formula, NumPy, PyTorch, max |Δ| (and finite differences, errors)."""
    label = d.label + (f" {tr(lang, '(new)')}" if d.quantity in ("theta", "b") else "")
    mark = "" if d.ok else "  ✗" + (f"  {tr(lang, '◀ first mismatch')}" if first else "")
    value = lambda v: format_value(v, precision, line_width, lang)  # noqa: E731
    row = [[label], [formula(d.quantity, d.layer, L, has_bias, config)], value(d.numpy_value),
           value(d.torch_value), [f"{d.max_abs_diff:.1e}{mark}"]]
    if gradcheck:
        errors = [] if d.fd_value is None else [f"{d.fd_rel_error_numpy:.1e} / {d.fd_rel_error_torch:.1e}"]
        row += [value(d.fd_value), errors]
    return row


def stacked(row: list[list[str]], formula_under_name: bool) -> list[list[str]]:
    """A wide row's cells with the values in one column, NumPy above PyTorch (above finite differences),
    the first-mismatch arrow under the quantity's name, and — if asked — the formula there too."""
    label, formula_cell, numpy_cell, torch_cell, diff_cell, *fd = row
    value = numpy_cell + torch_cell + (fd[0] if fd and fd[1] else [])
    diff, arrow, rest = diff_cell[0].partition("  ◀")
    name = label + (formula_cell if formula_under_name else []) + ([arrow.strip() + rest] if arrow else [])
    diff_lines = [diff] + (fd[1] if fd else [])
    return [name, value, diff_lines] if formula_under_name else [name, formula_cell, value, diff_lines]


def stacked_header(header: list[list[str]], formula_under_name: bool) -> list[list[str]]:
    """The stacked layout's header: the value column names NumPy, PyTorch (and finite differences) one above
    the other, in the order of the values."""
    names = [name[0] for name in header[2:4] + header[5:6]]
    values = [name + " /" for name in names[:-1]] + names[-1:]
    first = [header[0] + header[1]] if formula_under_name else header[:2]
    return first + [values, header[4]]


def layout(cells: list[list[list[str]]], sep: str = "  ") -> tuple[list[int], int]:
    """Each column's width and the table's (``cells``: the header's and each row's)."""
    widths = [max(len(line) for cell in cells for line in cell[i]) for i in range(len(cells[0]))]
    return widths, sum(widths) + len(sep) * (len(widths) - 1)


def fitted(diffs: list[QuantityDiff], header: list[list[str]], make_row: Callable[..., list[list[str]]],
           width: int) -> list[list[list[str]]]:
    """The header's and rows' cells in the first layout that fits ``width``: side by side; stacked; stacked
    with the formula under the name; that with 6 then 4 decimals; last, with matrix rows wrapped by NumPy."""
    cells = [header] + [make_row(d) for d in diffs]
    if layout(cells)[1] <= width:
        return cells
    for under, precision in ((False, 8), (True, 8), (True, 6), (True, 4)):
        rows = [stacked_header(header, under)] + [stacked(make_row(d, precision), under) for d in diffs]
        widths, total = layout(rows)
        if total <= width:
            return rows
    line_width = max(20, widths[1] - (total - width))
    return [stacked_header(header, True)] + [stacked(make_row(d, 4, line_width), True) for d in diffs]


def render_step(diffs: list[QuantityDiff], L: int, has_bias: bool, title: str, config: RunConfig | None = None,
                first: tuple[str, int | None] | None = None, lang: str = "en",
                notes: Callable[[QuantityDiff], list[str]] | None = None, width: int = DEFAULT_WIDTH) -> str:
    """One step's quantities; ``first`` = (quantity, layer) of the first mismatch, marked with an arrow.

    ``notes(diff)`` gives lines printed under a row, across the whole width (``--explain``), broken
    before their ``=`` signs to fit ``width``.
    """
    config = config or RunConfig()
    gradcheck = any(d.fd_value is not None for d in diffs)
    keys = (N_("quantity"), N_("formula"), N_("NumPy (by hand)"), N_("PyTorch (autograd)"),
            N_("max |Δ|")) + ((N_("finite differences"), N_("rel. err NumPy / PyTorch")) if gradcheck
                                                                   else ())
    make_row = lambda d, precision=8, line_width=60: _row(  # noqa: E731
        d, L, has_bias, config, gradcheck, (d.quantity, d.layer) == first, lang, precision, line_width)
    header, *cells = fitted(diffs, [[tr(lang, key)] for key in keys], make_row, width)
    widths = layout([header] + cells)[0]
    out = [title] + lines_of(header, widths) + ["  ".join("─" * w for w in widths)]
    for d, cell in zip(diffs, cells):
        out += lines_of(cell, widths)
        out += [piece for note in (notes(d) if notes else []) for piece in fit_formula(note, width)]
    return "\n".join(out)


def lines_of(cells: list[list[str]], widths: list[int], sep: str = "  ") -> list[str]:
    """A row's cells side by side, each padded to its column's width."""
    return [sep.join((col[i] if i < len(col) else "").ljust(w) for col, w in zip(cells, widths)).rstrip()
            for i in range(max(len(col) for col in cells))]


def render_summary(report: Report, max_rows: int = 20, lang: str = "en") -> str:
    steps = report.steps
    if len(steps) > max_rows:
        keep = sorted(set(np.linspace(0, len(steps) - 1, max_rows).round().astype(int)))
        steps = [steps[i] for i in keep]
    shown = tr(lang, " ({shown} of {total} steps shown; --json has all)", shown=len(steps), total=len(report.steps))
    out = [tr(lang, "Per-step summary") + (shown if len(steps) < len(report.steps) else ""),
           f"{tr(lang, 'step'):>6}  {'J (NumPy)':>18}  {'J (PyTorch)':>18}  {tr(lang, 'max |Δ|'):>9}"]
    for s in steps:
        out.append(f"{s.step:>6}  {format_scalar(s.loss_numpy, 12):>18}  {format_scalar(s.loss_torch, 12):>18}  "
                   f"{s.max_abs_diff:>9.1e}")
    return "\n".join(out)


def render_report(report: Report, L: int, has_bias: bool, lang: str = "en",
                  notes: Callable[[int, QuantityDiff], list[str]] | None = None, width: int = DEFAULT_WIDTH) -> str:
    """Step 1's table, the last step's and a per-step summary when there are several, then the verdict.

    ``notes(step, diff)``: lines to print under each row (``--explain``).
    """
    config, m = report.config, report.first_mismatch
    first_at = lambda step: None if m is None or m.step != step else (m.quantity, m.layer)  # noqa: E731
    notes_of = lambda step: None if notes is None else lambda d: notes(step, d)  # noqa: E731
    parts = [render_step(report.first_diffs, L, has_bias, tr(lang, "Step {step} of {steps}", step=1,
                                                             steps=config.steps), config,
                         first_at(1), lang, notes_of(1), width)]
    if len(report.steps) > 1:
        last = report.steps[-1].step
        parts.append(render_step(report.last_diffs, L, has_bias, tr(lang, "Step {step}", step=last), config,
                                 first_at(last), lang, notes_of(last), width))
        parts.append(render_summary(report, lang=lang))
    tol = report.tolerance
    witnesses = tr(lang, "formula = autograd = finite differences" if config.gradcheck else "formula = autograd")
    if report.ok:
        largest = max(s.max_abs_diff for s in report.steps)
        ratio = tol.ratio_note(max(s.max_ratio for s in report.steps), lang, sum(s.unbounded for s in report.steps),
                               sum(s.accepted_early for s in report.steps))
        parts.append(tr_n(lang, "OK ({witnesses}): every quantity of the step agrees within {rule} ({dtype}); "
                                "largest |Δ| = {largest:.1e}{ratio}",
                          "OK ({witnesses}): every quantity of all {steps} steps agrees within {rule} "
                                "({dtype}); largest |Δ| = {largest:.1e}{ratio}", len(report.steps), witnesses=witnesses,
                          steps=len(report.steps),
                          rule=tol.describe(lang), dtype=config.dtype, largest=largest, ratio=ratio))
    else:
        parts.append(tr(lang, "FAIL: {what} ({rule})", what=report.first_mismatch.describe(lang),
                        rule=tol.describe(lang)))
    return "\n\n".join(parts)
