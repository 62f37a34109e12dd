"""Draw the lab's 2-3-1 network with its weights: docs/network-2-3-1.png.

Nodes x₀, x₁ (inputs), a⁽¹⁾₀…a⁽¹⁾₂ (hidden, σ) and a⁽²⁾ (output, σ), numbered from 0 as the text and
the tools index θ (θ⁽¹⁾[2, 0] is the edge x₀ → a⁽¹⁾₂); each edge carries its weight
from the lab's θ⁽¹⁾ (3 × 2) and θ⁽²⁾ (1 × 3). Row j of θ⁽ˡ⁾ holds the weights into unit j of layer l,
column k those out of unit k of layer l − 1, as in nn.Linear.weight.

    python scripts/draw_network.py [PATH]                (default docs/network-2-3-1.png)
    python scripts/draw_network.py --lang pt [PATH]      (default docs/network-2-3-1-pt.png)
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from manual_mlp import lab
from manual_mlp.validation import sup
from mlp_harness.i18n import LANGS, default_lang, tr

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
COLOURS = ("tab:blue", "tab:orange")   # θ⁽¹⁾, θ⁽²⁾
DOCS = Path(__file__).resolve().parents[1] / "docs"
DEFAULT_PATHS = {"en": DOCS / "network-2-3-1.png", "pt": DOCS / "network-2-3-1-pt.png"}


def node_names(sizes: list[int]) -> list[list[str]]:
    """x₀, x₁; a⁽¹⁾₀…; a⁽ᴸ⁾ (a single output unit needs no subscript): unit j of layer l is row j of θ⁽ˡ⁾."""
    names = [[f"x{str(k).translate(SUBSCRIPTS)}" for k in range(sizes[0])]]
    for l, n in enumerate(sizes[1:], start=1):
        names.append([f"a{sup(l)}" + (str(j).translate(SUBSCRIPTS) if n > 1 else "") for j in range(n)])
    return names


def positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) of every node: layers left to right, units centred vertically, top to bottom."""
    return [np.column_stack([np.full(n, 3.5 * l), ((n - 1) / 2 - np.arange(n)) * 1.9]) for l, n in enumerate(sizes)]


def draw_edges(ax, where: list[np.ndarray], thetas) -> None:
    """One line per weight, labelled with its value near the unit it leaves (where the lines fan out)."""
    for l, theta in enumerate(thetas, start=1):
        for j, k in np.ndindex(theta.shape):   # θ⁽ˡ⁾[j, k]: from unit k of layer l − 1 to unit j of layer l
            start, end = where[l - 1][k], where[l][j]
            ax.plot(*zip(start, end), color=COLOURS[l - 1], linewidth=1.4, zorder=1)
            label = start + 0.24 * (end - start)
            ax.text(*label, f"{theta[j, k]:g}".replace("-", "−"), fontsize=10, ha="center", va="center",
                    color=COLOURS[l - 1],
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"), zorder=3)


def draw_network(thetas=lab.THETAS, lang: str = "en") -> Figure:
    sizes = [thetas[0].shape[1]] + [theta.shape[0] for theta in thetas]
    where = positions(sizes)
    fig = Figure(figsize=(7.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    draw_edges(ax, where, thetas)
    for layer, names in zip(where, node_names(sizes)):
        for (x, y), name in zip(layer, names):
            ax.add_patch(Circle((x, y), 0.42, facecolor="#f4f4f4", edgecolor="black", linewidth=1.2, zorder=4))
            ax.text(x, y, name, fontsize=13, ha="center", va="center", zorder=5)
    captions = [tr(lang, "inputs X"), tr(lang, "hidden layer") + "\na⁽¹⁾ = σ(Xθ⁽¹⁾ᵀ)",
                tr(lang, "output") + "\na⁽²⁾ = σ(a⁽¹⁾θ⁽²⁾ᵀ) = ŷ"]
    bottom = min(layer[:, 1].min() for layer in where) - 0.7
    for layer, caption in zip(where, captions):
        ax.text(layer[0, 0], bottom, caption, fontsize=10, ha="center", va="top")
    ax.set_title(tr(lang, "The lab's 2-3-1 network: each edge carries its weight, θ⁽¹⁾ (blue) and θ⁽²⁾ (orange)"),
                 fontsize=10)
    ax.set_xlim(-0.8, 3.5 * (len(sizes) - 1) + 0.8)
    ax.set_ylim(bottom - 0.9, max(layer[:, 1].max() for layer in where) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description="Draw the lab's 2-3-1 network with its weights as a PNG.")
    parser.add_argument("path", nargs="?", type=Path, default=None,
                        help="where to write the picture (default docs/network-2-3-1.png, with --lang pt "
                             "docs/network-2-3-1-pt.png)")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(),
                        help="language of the labels: " + ", ".join(LANGS))
    args = parser.parse_args()
    path = args.path or DEFAULT_PATHS.get(args.lang, DOCS / f"network-2-3-1-{args.lang}.png")
    draw_network(lang=args.lang).savefig(path, dpi=110)
    print(tr(args.lang, "Plot written to {path}", path=path))


if __name__ == "__main__":
    main()
