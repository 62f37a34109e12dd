"""The training picture: loss per epoch of both twins, their difference, and optionally the decision boundary.

Figures are built with :class:`matplotlib.figure.Figure` directly, never with
pyplot: no window, no global backend switch, and saving uses the
non-interactive Agg canvas. Every function returns the Figure so callers and
tests can read what was drawn (``fig.axes[0].lines[0].get_ydata()``).

The difference panel has a log axis, where an exact 0 cannot be drawn: epochs
whose |Δ| is exactly 0 are marked along the bottom edge of the panel instead,
and the legend says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from manual_mlp.validation import InputError

from ..i18n import N_, _, tr, tr_n
from ..verify.files import atomic_write
from .training import TrainingHistory

Array = np.ndarray

#: line styles: NumPy solid and wide, PyTorch dashed on top, so that both show where they coincide
STYLES = {"numpy": dict(color="tab:blue", linewidth=3.0, alpha=0.6),
          "torch": dict(color="tab:orange", linewidth=1.6, linestyle="--")}

#: the two twins' names in a plot's legend
TWIN_LABELS = {"numpy": N_("NumPy (by hand)"), "torch": N_("PyTorch (autograd)")}


@dataclass
class Boundary:
    """What the decision-boundary panel needs: the data and the trained network's output for any points."""

    X: Array                               # (N, 2)
    Y: Array                               # (N, n_L)
    predict: Callable[[Array], Array]      # (M, 2) → a⁽ᴸ⁾ of shape (M, n_L)
    dataset: str


def loss_panel(ax, history: TrainingHistory, lang: str) -> None:
    epochs = np.arange(1, history.completed + 1)
    for twin, losses in history.losses.items():
        style = STYLES[twin] if len(history.losses) == 2 else {**STYLES[twin], "alpha": 1.0, "linewidth": 2.0}
        ax.plot(epochs, losses, label=tr(lang, TWIN_LABELS[twin]), **style)
    ax.set_title(tr(lang, "Loss per training epoch"), fontsize=13)
    ax.set_ylabel(tr(lang, "Loss"), fontsize=11)
    ax.set_xlim(1, max(history.epochs, 2))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")


def accuracy_panel(ax, history: TrainingHistory, lang: str) -> None:
    """Each twin's training accuracy per epoch (classification data), in %."""
    epochs = np.arange(1, history.completed + 1)
    for twin, accuracy in history.accuracy.items():
        style = STYLES[twin] if len(history.accuracy) == 2 else {**STYLES[twin], "alpha": 1.0, "linewidth": 2.0}
        ax.plot(epochs, 100 * np.asarray(accuracy), label=tr(lang, TWIN_LABELS[twin]), **style)
    ax.set_title(tr(lang, "Training accuracy per epoch"), fontsize=13)
    ax.set_ylabel("%", fontsize=11)
    ax.set_ylim(-2, 102)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")


def diff_panel(ax, history: TrainingHistory, lang: str) -> None:
    """max |Δ| per epoch on a log axis; exact zeros marked along the bottom edge; the tolerance for scale."""
    epochs = np.arange(1, len(history.max_abs_diff) + 1)
    diffs = np.asarray(history.max_abs_diff, dtype=float)
    positive = np.isfinite(diffs) & (diffs > 0)
    atol = getattr(history.tolerance, "atol", None)   # the fixed rule's; the error-bound rule has one per entry
    ax.set_yscale("log")
    if positive.any():
        ax.plot(epochs[positive], diffs[positive], color="tab:green", linewidth=1.0,
                marker="." if len(epochs) <= 200 else None, label=tr(lang, "max |Δ| over every quantity"))
    scale = atol if atol is not None else (diffs[positive].max() if positive.any() else 1e-16)
    low = diffs[positive].min() if positive.any() else scale * 1e-5
    high = max(diffs[positive].max() if positive.any() else 0.0, scale)
    ax.set_ylim(low / 10, high * 1e3)  # room above the tolerance line for the legend
    zeros = diffs == 0
    if zeros.any():
        # x in data coordinates, y in axes coordinates: a row of marks just above the bottom edge
        ax.plot(epochs[zeros], np.full(zeros.sum(), 0.03), transform=ax.get_xaxis_transform(), linestyle="none",
                marker="|", color="tab:green", label=tr_n(lang, "|Δ| = 0 exactly ({count} epoch, drawn on the axis "
                                                                "floor)",
                                                          "|Δ| = 0 exactly ({count} epochs, drawn on the "
                                                                "axis floor)", int(zeros.sum()),
                                                          count=int(zeros.sum())))
    if atol is not None:
        ax.axhline(atol, color="tab:red", linestyle=":", linewidth=1.2, label=tr(lang,
                                                                                 "tolerance: atol = {atol:.1e} (+ "
                                                                                       "rtol·|value|)", atol=atol))
    ax.set_title(tr(lang, "Largest difference between the twins, per epoch"), fontsize=13)
    ax.set_ylabel("max |Δ|", fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper right", fontsize=9)


def boundary_grid(X: Array, resolution: int = 200) -> tuple[Array, Array]:
    """A square grid covering the data with a 10 % margin: (xx, yy), each (resolution, resolution)."""
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * np.maximum(high - low, 1e-3)
    xs = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    ys = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    return np.meshgrid(xs, ys)


def boundary_panel(fig: Figure, ax, boundary: Boundary, lang: str) -> None:
    """The network's output over the plane (one output: a⁽ᴸ⁾ with its 0.5 contour; several: the argmax)."""
    xx, yy = boundary_grid(boundary.X)
    out = boundary.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    single = out.shape[1] == 1
    surface = (out[:, 0] if single else out.argmax(axis=1)).reshape(xx.shape)
    if boundary.Y.ndim == 1:  # integer class labels (cross_entropy)
        targets = boundary.Y
    else:
        targets = boundary.Y[:, 0] if single else boundary.Y.argmax(axis=1)
    vmin, vmax = (min(0.0, surface.min()), max(1.0, surface.max())) if single else (0, out.shape[1] - 1)
    filled = ax.contourf(xx, yy, surface, levels=np.linspace(vmin, vmax, 11 if single else out.shape[1] + 1),
                         cmap="coolwarm", alpha=0.55)
    handles = []
    if single:
        ax.contour(xx, yy, surface, levels=[0.5], colors="black", linewidths=1.5)
        handles.append(Line2D([], [], color="black", linewidth=1.5, label=tr(lang,
                                                                             "a⁽ᴸ⁾ = 0.5: the decision boundary")))
    fig.colorbar(filled, ax=ax, label=tr(lang, "network output a⁽ᴸ⁾" if single else "predicted class: argmax of a⁽ᴸ⁾"),
                 ticks=None if single else range(out.shape[1]))
    cmap = filled.get_cmap()
    labels = np.unique(targets)[:10]
    size = 80 if len(targets) <= 20 else 30   # a handful of points (xor, the lab) drawn large
    for i, label in enumerate(labels):
        at = targets == label
        ax.scatter(boundary.X[at, 0], boundary.X[at, 1], s=size, marker="o^sDv"[i % 5], edgecolors="black",
                   linewidths=0.6, color=cmap((label - vmin) / (vmax - vmin or 1)),
                   label=tr(lang, "class {label}", label=f"{label:g}"))
    ax.set_title(tr(lang, "Decision boundary after training ({dataset})", dataset=boundary.dataset), fontsize=13)
    ax.set_xlabel("x₁", fontsize=11)
    ax.set_ylabel("x₂", fontsize=11)
    # below the panel, so that no sample is hidden behind it
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(handles), 4), fontsize=9)


def plot_training(history: TrainingHistory, lang: str = "en", boundary: Boundary | None = None,
                  subtitle: str = "") -> Figure:
    """Loss per epoch of every twin trained; under it the training accuracy (classification) and max |Δ|
    (impl "both"); right of them the boundary."""
    panels = [loss_panel] + ([accuracy_panel] if history.accuracy else []) + \
        ([diff_panel] if history.max_abs_diff else [])
    rows, cols = len(panels), (2 if boundary else 1)
    height = 4 + 3.2 * (rows - 1) if boundary is None else max(7.2, 3.6 * rows)
    fig = Figure(figsize=(8.5 + 7 * (cols - 1), height), layout="constrained")
    grid = fig.add_gridspec(rows, cols, width_ratios=[1.25, 1][:cols])
    loss_ax = bottom = fig.add_subplot(grid[0, 0])
    loss_panel(loss_ax, history, lang)
    for row, panel in enumerate(panels[1:], 1):
        bottom = fig.add_subplot(grid[row, 0], sharex=loss_ax)
        panel(bottom, history, lang)
    bottom.set_xlabel(tr(lang, "Epoch"), fontsize=11)
    if boundary is not None:
        boundary_panel(fig, fig.add_subplot(grid[:, 1]), boundary, lang)
    if subtitle:
        fig.suptitle(subtitle, fontsize=11)
    return fig


def save_figure(fig: Figure, path: str | Path) -> None:
    """Write the figure all or nothing (see :func:`~mlp_harness.verify.files.atomic_write`), in the type its
    extension names."""
    kind = Path(path).suffix.lstrip(".").lower()
    if kind not in fig.canvas.get_supported_filetypes():   # e.g. plot.xyz: matplotlib has no writer for it
        raise InputError(_("cannot write the plot to {path!r}: no writer for {kind!r}; use a name ending in "
                           ".png").format(path=str(path), kind=kind))
    atomic_write(path, lambda f: fig.savefig(f, dpi=110, format=kind), _("the plot"))
