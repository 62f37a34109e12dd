"""What ``mlp-train`` prints and writes: the lab's loss lines, its closing summary, the JSON history.

With one twin the lines are exactly the lab's (``Epoch 100: Loss = 0.012345``,
``Initial loss``, ``Final loss``, ``Loss reduction``); with both, each loss is
followed by the twin's name and the line ends with the largest |Δ| so far.
"""
from __future__ import annotations

import math

from ..verify.files import json_array, json_number, weight_arrays
from ..verify.width import DEFAULT_WIDTH, fit_parts
from ..i18n import tr, tr_n
from .training import TWIN_NAMES, TrainingHistory


def per_twin(history: TrainingHistory, values: dict[str, str]) -> str:
    """'v' for one twin, 'v (NumPy)  v (PyTorch)' for both."""
    if len(values) == 1:
        return next(iter(values.values()))
    return "  ".join(f"{v} ({TWIN_NAMES[twin]})" for twin, v in values.items())


def epoch_line(history: TrainingHistory, epoch: int, lang: str, width: int = DEFAULT_WIDTH) -> str:
    """The lab's ``Época 100: Loss = 0.012345``, for each twin, then the training accuracy (classification)
    and max |Δ| so far when both run; parts that do not fit in ``width`` go on indented lines."""
    parts = [f"{tr(lang, 'Epoch')} {epoch}:"]
    parts += [f"{tr(lang, 'Loss')} = {values[epoch - 1]:.6f}" + (f" ({TWIN_NAMES[twin]})" if len(history.losses) > 1
                                                                   else "")
              for twin, values in history.losses.items()]
    parts[:2] = [" ".join(parts[:2])]
    if history.accuracy:
        accuracy = {twin: f"{values[epoch - 1]:.1%}" for twin, values in history.accuracy.items()}
        parts.append(f"{tr(lang, 'accuracy')} = {per_twin(history, accuracy)}")
    if history.max_abs_diff:
        parts.append(f"{tr(lang, 'max |Δ| so far')} = {history.max_abs_diff_so_far[epoch - 1]:.1e}")
    return "\n".join(fit_parts(parts, width))


def reduction(initial: float, final: float) -> str:
    """(initial − final) / initial in %, as the lab prints it."""
    if initial == 0 or not math.isfinite(initial) or not math.isfinite(final):
        return "n/a"
    return f"{(initial - final) / initial * 100:.2f}%"


def verdict(history: TrainingHistory, lang: str) -> str:
    """Whether the twins stayed equal, differed, or one diverged."""
    if history.impl != "both" and history.ok:
        return tr(lang, "Only the {twin} twin was trained (--impl {impl}): nothing to compare",
                  twin=TWIN_NAMES[history.impl], impl=history.impl)
    stopped = "" if history.completed == history.epochs else \
        f" ({tr(lang, 'stopped after epoch {epoch} of {epochs}', epoch=history.completed, epochs=history.epochs)})"
    if history.mismatch is not None and history.same_start is not None:
        check = history.same_start
        same_start = tr(lang, "The same step redone by both twins from identical weights agrees (max |Δ| = "
                              "{diff:.1e}): they compute the same step, and their trajectories parted because "
                              "rounding differences of ~1e-16 grew along the run (the training dynamics amplify "
                              "them). Wider --rtol/--atol let the run go on only while the difference stays below "
                              "them." if check.ok else "The same step redone by both twins from identical "
                                                               "weights differs too (max |Δ| = {diff:.1e}): the "
                                                               "twins compute different steps.",
                        diff=check.max_abs_diff)
        return tr(lang, "Twins differed: {what}", what=history.mismatch.describe(lang)) + stopped + "\n" + same_start
    if history.mismatch is not None:
        return tr(lang, "Twins differed: {what}", what=history.mismatch.describe(lang)) + stopped
    if history.diverged is not None:
        twin = "NumPy + PyTorch" if history.diverged == "both" else TWIN_NAMES[history.diverged]
        return tr(lang, "Training diverged at epoch {epoch}: the {twin} twin's loss or weights became non-finite",
                  epoch=history.completed, twin=twin)
    tol = history.tolerance
    return tr_n(lang, "Twins stayed equal for the {epochs} epoch ({rule}, {dtype}); largest |Δ| = "
                      "{largest:.1e}{ratio}",
                "Twins stayed equal for all {epochs} epochs ({rule}, {dtype}); largest |Δ| = "
                      "{largest:.1e}{ratio}", history.completed, epochs=history.completed, rule=tol.describe(lang),
                dtype=history.config.dtype, largest=max(history.max_abs_diff),
                ratio=tol.ratio_note(history.max_ratio, lang, history.unbounded, history.accepted_early))


def summary(history: TrainingHistory, lang: str) -> str:
    """Initial loss, final loss, reduction in % (as the lab ends), and the verdict on the twins."""
    first = {twin: values[0] for twin, values in history.losses.items()}
    last = {twin: values[-1] for twin, values in history.losses.items()}
    lines = [f"{tr(lang, 'Initial loss')}: {per_twin(history, {t: f'{v:.6f}' for t, v in first.items()})}",
             f"{tr(lang, 'Final loss')}: {per_twin(history, {t: f'{v:.6f}' for t, v in last.items()})}",
             f"{tr(lang, 'Loss reduction')}: {per_twin(history, {t: reduction(first[t], last[t]) for t in first})}"]
    if history.accuracy:
        final = {twin: f"{values[-1]:.2%}" for twin, values in history.accuracy.items()}
        lines.append(f"{tr(lang, 'Training accuracy')}: {per_twin(history, final)}")
    lines.append(verdict(history, lang))
    return "\n".join(lines)


def history_json(history: TrainingHistory, settings: dict) -> dict:
    """The ``--json`` payload: settings, the verdict and every epoch's losses and max |Δ| (NaN/∞ → null)."""
    epochs = []
    so_far = history.max_abs_diff_so_far
    for k in range(history.completed):
        row = {"epoch": k + 1}
        row.update({f"loss_{twin}": json_number(values[k]) for twin, values in history.losses.items()})
        row.update({f"accuracy_{twin}": values[k] for twin, values in history.accuracy.items()})
        if history.max_abs_diff:
            row["max_abs_diff"] = json_number(history.max_abs_diff[k])
            row["max_abs_diff_so_far"] = json_number(so_far[k])
        epochs.append(row)
    return {
        "settings": settings,
        "ok": history.ok,
        "completed_epochs": history.completed,
        "first_mismatch": None if history.mismatch is None else history.mismatch.to_json(),
        "diverged": history.diverged,
        "same_start_step": None if history.same_start is None else
        {"max_abs_diff": json_number(history.same_start.max_abs_diff), "ok": history.same_start.ok},
        "tolerance": history.tolerance.to_json() | {"largest_ratio": json_number(history.max_ratio),
                                                    "unbounded_entries": history.unbounded,
                                                    "accepted_early_entries": history.accepted_early},
        "epochs": epochs,
        # each twin's trained θ (and b), named as in a --weights file
        "final": {twin: {name: json_array(value) for name, value in weight_arrays(*weights).items()}
                  for twin, weights in history.final_weights.items()},
    }
