"""``mlp-train``: the lab's training loop, by hand (NumPy) and by autograd (PyTorch) in lockstep.

Prints the lab's "Epoch 100: Loss = …" lines for each twin with the largest
difference so far, then the initial loss, the final loss and the reduction,
and writes a plot of both loss curves and their difference.

Data and weights: ``--dataset lab`` (default) and ``lab-v2`` come with the
lab's 2-3-1 weights; ``xor``, ``moons``, ``spirals``, ``iris`` and ``digits``
train random weights (``--init-seed``) of the data set's default architecture
unless ``--layers`` or ``--weights`` give one. Each data set brings its own
defaults (activations, loss, optimizer, η, epochs: its :class:`Recipe`) for the
options not given. ``--data FILE.npz`` replaces ``--dataset``. ``--save FILE.npz``
writes the trained θ (and b) in the format ``--weights`` reads.

Exit codes: 0 the twins stayed equal, 1 they differed or training diverged, 2 bad input.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import numpy as np

from manual_mlp import MLP, random_parameters
from manual_mlp.validation import InputError, check_parameters

from ..train.datasets import DATASETS, Dataset, Recipe, get_dataset
from ..verify.files import (check_json_path, check_output_path, check_outputs, check_save_path, load_data,
                            save_weights, write_json)
from ..verify.resources import check_network
from ..verify.width import output_width
from ..i18n import N_, _, tr, tr_n
from .options import (ArgumentParser, add_lang_option, add_model_options, add_optimizer_options, add_run_options,
                      guarded, lang_of, non_negative_int, resolve_weights, run_config)
from ..train.progress import ProgressBar
from ..train.train_report import epoch_line, history_json, summary
from ..train.training import IMPLS, TWIN_NAMES, TrainingHistory, train

DEFAULT_PLOT = "mlp-train.png"

#: options whose default is the data set's (its Recipe): None on the command line means "not given"
RECIPE_OPTIONS = ("activation", "output_activation", "loss", "optimizer", "lr", "epochs")


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-train", lang=lang, description=tr(lang, "Train a network by the formulas (NumPy) "
                                                                         "and by autograd (PyTorch) in lockstep "
                                                                         "from the same weights, comparing them at "
                                                                         "every epoch; print the loss as the lab "
                                                                         "does and plot both curves. With no "
                                                                         "options: the lab's 2-3-1 network and "
                                                                         "data, 1000 epochs, η = 0.1."),
                       epilog=tr(lang, "Exit codes: 0 the twins stayed equal, 1 they differed or training "
                                       "diverged, 2 bad input."))
    add_model_options(p, lang)
    add_optimizer_options(p, lang)
    add_run_options(p, lang, steps_name="--epochs", steps_default=1000)
    g = p.add_argument_group(tr(lang, "data sets"))
    g.add_argument("--dataset", choices=list(DATASETS), default=None,
                   help=tr(lang, "lab (default) and lab-v2 use the lab's weights; xor, moons and spirals are "
                                 "generated, iris and digits are scikit-learn's (pip install -e \".[data]\"); they "
                                 "train random weights (--layers, or the data set's default architecture)"))
    g.add_argument("--data-seed", type=non_negative_int, default=0, metavar="N",
                   help=tr(lang, "seed of moons and spirals (default 0)"))
    recipe_defaults(p, lang)
    g = p.add_argument_group(tr(lang, "training output"))
    g.add_argument("--impl", choices=IMPLS, default="both", help=tr(lang, "train both twins and compare them "
                                                                          "(default), or one alone (numpy never "
                                                                          "imports torch)"))
    g.add_argument("--print-every", type=int, default=None, metavar="N",
                   help=tr(lang, "print the loss every N epochs (default: a tenth of the epochs, 100 for the lab)"))
    g.add_argument("--save", metavar=f"{tr(lang, 'FILE')}.npz",
                   help=tr(lang, "write the trained θ (and b) in the format --weights reads"))
    g.add_argument("--width", type=int, metavar="N", help=tr(lang, "columns to fit the lines in (default: the "
                                                                   "terminal's, COLUMNS, or 100)"))
    g.add_argument("--plot", metavar=tr(lang, "PATH"), default=DEFAULT_PLOT,
                   help=tr(lang, "PNG file to write (default {default})", default=DEFAULT_PLOT))
    g.add_argument("--no-plot", action="store_true", help=tr(lang, "write no plot"))
    g.add_argument("--plot-boundary", action="store_true", help=tr(lang, "add the learned decision boundary to the "
                                                                         "plot (data with 2 inputs)"))
    add_lang_option(g, lang, N_("the output and the plot"))
    return p


def recipe_defaults(p: argparse.ArgumentParser, lang: str = "en") -> None:
    """The options a data set's Recipe fills default to None ("not given"); their help says so."""
    p.set_defaults(**{name: None for name in RECIPE_OPTIONS})
    for action in p._actions:
        if action.dest in RECIPE_OPTIONS:
            action.help = ((action.help or "").split(tr(lang, " (default"))[0]
                           + tr(lang, " (default: the data set's; the lab's for lab)"))


def apply_recipe(args: argparse.Namespace, recipe: Recipe) -> None:
    """Fill every option not given from the data set's recipe (the lab's for --data and the lab)."""
    for name in RECIPE_OPTIONS:
        if getattr(args, name) is None:
            setattr(args, name, getattr(recipe, name))
    if args.print_every is None:
        args.print_every = max(1, args.epochs // 10)


def check_counts(args: argparse.Namespace) -> None:
    if args.epochs < 1:
        raise InputError(_("--epochs must be at least 1, got {value}").format(value=args.epochs))
    if args.print_every < 1:
        raise InputError(_("--print-every must be at least 1, got {value}").format(value=args.print_every))
    if args.no_plot and args.plot_boundary:
        raise InputError(_("--plot-boundary adds a panel to the plot: it cannot be used with --no-plot"))


def load_figure_class():
    """matplotlib's Figure, loaded only when there is a plot to write; a bad MPLBACKEND is one clear line."""
    try:
        from matplotlib.figure import Figure
    except ValueError as exc:   # matplotlib validates MPLBACKEND on import, though Figure never uses it
        backend = os.environ.get("MPLBACKEND", "")
        raise InputError(_("matplotlib cannot start with MPLBACKEND={backend!r} ({reason}): unset it or set "
                           "MPLBACKEND=agg").format(backend=backend, reason=str(exc).split(';')[0])) from None
    return Figure


def check_plot_path(path: str) -> None:
    """Refuse a plot path before training rather than after: its folder must exist, its type be one we write."""
    Figure = load_figure_class()
    path = Path(path)
    formats = Figure().canvas.get_supported_filetypes()
    if not path.suffix:
        raise InputError(_("--plot {path!r} has no extension to say the file type: give a name ending in .png").format(
            path=str(path)))
    if path.suffix.lstrip(".").lower() not in formats:
        raise InputError(_("--plot {path!r}: cannot write a {suffix!r} file; give a name ending in .png (or .pdf, "
                           ".svg)").format(path=str(path), suffix=path.suffix))
    check_output_path(path, _("the plot"))


def check_boundary(dataset: Dataset) -> None:
    if dataset.X.shape[1] != 2:
        raise InputError(_("--plot-boundary draws the plane of 2 inputs, but {name} has {n} (X {shape})").format(
            name=dataset.name, n=dataset.X.shape[1], shape=dataset.X.shape))


def resolve_dataset(args: argparse.Namespace) -> Dataset:
    """--data FILE.npz, or --dataset NAME (default lab)."""
    if args.data and args.dataset:
        raise InputError(_("give either --data FILE.npz or --dataset NAME, not both"))
    if args.data:
        X, Y = load_data(args.data, dtype=args.dtype)
        labels = Y.ndim == 1 or bool(np.isin(Y, (0.0, 1.0)).all())  # integer labels, or 0/1 targets
        return Dataset(Path(args.data).name, X, Y, f"data from {args.data}", classes=labels)
    return get_dataset(args.dataset or "lab", args.data_seed, args.lang)


def resolve_network(args: argparse.Namespace, dataset: Dataset):
    """θ (and b): --weights, --layers, the data set's default architecture, or the lab's; sized for the data."""
    if dataset.layers is None or args.layers or args.weights:
        thetas, biases = resolve_weights(args)
        source = (f"--layers {args.layers}" if args.layers else f"--weights {args.weights}" if args.weights
                  else _("the lab's weights"))
    else:
        thetas, biases = random_parameters(dataset.layers, args.init_seed, args.bias or dataset.recipe.bias)
        source = _("the default architecture of {name}").format(name=dataset.name)
    thetas, biases = check_parameters(thetas, biases)
    n0, nL = thetas[0].shape[1], thetas[-1].shape[0]
    d0, dL = dataset.sizes
    if dL is None and n0 != d0:  # class labels: their range is checked against n_L with the batch
        raise InputError(_(
            "{name} has n₀ = {d0} (X {shape}), but {source} has n₀ = {n0}: use --layers {layers}").format(
                name=dataset.name, d0=d0, shape=dataset.X.shape, source=source, n0=n0, layers=f"{d0},…,{nL}"))
    if dL is not None and (n0, nL) != (d0, dL):
        raise InputError(_("{name} has n₀ = {d0} and n_L = {dL} (X {shape}, Y {y_shape}), but {source} has n₀ = "
                           "{n0} and n_L = {nL}: use --layers {layers}").format(
                               name=dataset.name, d0=d0, dL=dL, shape=dataset.X.shape, y_shape=dataset.Y.shape,
                                                                                source=source, n0=n0, nL=nL,
                                                                                layers=f"{d0},…,{dL}"))
    return thetas, biases


def layer_sizes(thetas) -> list[int]:
    return [thetas[0].shape[1]] + [theta.shape[0] for theta in thetas]


class EpochPrinter:
    """``on_epoch`` callback: the lab's line every ``print_every`` epochs, at the last one and at a stop; the bar."""

    def __init__(self, lang: str, print_every: int, bar: ProgressBar, width: int):
        self.lang, self.print_every, self.bar, self.width = lang, print_every, bar, width

    def __call__(self, epoch: int, history: TrainingHistory) -> None:
        self.bar.update(epoch)
        if epoch % self.print_every == 0 or epoch == history.epochs or not history.ok:
            self.bar.clear()
            print(epoch_line(history, epoch, self.lang, self.width), flush=True)


def describe_run(args: argparse.Namespace, dataset: Dataset, thetas, biases, config) -> str:
    """One line of settings for the plot's title."""
    sizes = "-".join(map(str, layer_sizes(thetas))) + (" + b" if biases is not None else "")
    activations = f"{config.activation}/{config.output_activation}"
    optimizer = getattr(config, "optimizer", "sgd")
    return (f"{dataset.name}, {sizes}, {activations}, {config.loss}, {optimizer}, η = {config.lr:g}, "
            f"{tr_n(args.lang, '{count} epoch', '{count} epochs', config.steps, count=config.steps)}, {config.dtype}")


def settings_json(args: argparse.Namespace, dataset: Dataset, thetas, biases, config) -> dict:
    """The run's settings for ``--json``: every RunConfig field, plus the data and the network."""
    return {**dataclasses.asdict(config), "epochs": config.steps, "impl": args.impl, "dataset": dataset.name,
            "data_seed": args.data_seed, "init_seed": args.init_seed, "layers": layer_sizes(thetas),
            "bias": biases is not None}


def write_plot(args: argparse.Namespace, history: TrainingHistory, dataset: Dataset, title: str) -> None:
    """The PNG: loss curves, max |Δ| and, with --plot-boundary, the decision boundary.

    The boundary is the NumPy forward pass of the trained weights: the NumPy twin's with impl "both"
    (equal to PyTorch's within tolerance), PyTorch's with impl "torch".
    """
    from ..train.plotting import Boundary, plot_training, save_figure  # matplotlib only when a plot is asked for
    boundary = None
    if args.plot_boundary:
        thetas, biases = history.final_weights["numpy" if "numpy" in history.final_weights else "torch"]
        net = MLP(thetas, biases, history.config.activation, history.config.output_activation)
        boundary = Boundary(dataset.X, dataset.Y, lambda points: net.forward(points.astype(net.dtype)).activations[-1],
                            dataset.name)
    save_figure(plot_training(history, args.lang, boundary, title), args.plot)
    print(tr(args.lang, "Plot written to {path}", path=args.plot))


def write_weights(args: argparse.Namespace, history: TrainingHistory) -> None:
    """--save: the trained θ (and b), the NumPy twin's unless only PyTorch's was trained."""
    twin = "numpy" if "numpy" in history.final_weights else "torch"
    thetas, biases = history.final_weights[twin]
    finite = all(np.isfinite(w).all() for w in thetas + (biases or []))
    if not (history.ok and finite):
        print(tr(args.lang, "--save: nothing written to {path}: training did not end with finite, agreeing weights",
                 path=args.save))
        return
    save_weights(args.save, thetas, biases)
    print(tr(args.lang, "Trained weights (the {twin} twin's) written to {path}: use them with --weights {path}",
             twin=TWIN_NAMES[twin], path=args.save))


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    width = output_width(args.width)
    if args.save:
        check_save_path(args.save)
    dataset = resolve_dataset(args)
    apply_recipe(args, dataset.recipe)
    check_counts(args)
    check_outputs({"--weights": args.weights, "--data": args.data},
                  {"--json": args.json, "--plot": None if args.no_plot else args.plot, "--save": args.save})
    if args.json:
        check_json_path(args.json)
    if not args.no_plot:
        check_plot_path(args.plot)
    thetas, biases = resolve_network(args, dataset)
    check_network(layer_sizes(thetas), np.dtype(args.dtype).itemsize, samples=len(dataset.X))
    config = run_config(args, args.epochs)
    config.validate()
    if args.plot_boundary:
        check_boundary(dataset)
    bar = ProgressBar(args.epochs, lang=args.lang)
    try:
        history = train(config, thetas, biases, dataset.X, dataset.Y, args.impl,
                        on_epoch=EpochPrinter(args.lang, args.print_every, bar, width), classes=dataset.classes)
    finally:
        bar.clear()
    print()
    print(summary(history, args.lang))
    if not args.no_plot:
        write_plot(args, history, dataset, describe_run(args, dataset, thetas, biases, config))
    if args.save:
        write_weights(args, history)
    if args.json:
        write_json(args.json, history_json(history, settings_json(args, dataset, thetas, biases, config)))
    return 0 if history.ok else 1


main = guarded("mlp-train", _main)

if __name__ == "__main__":
    sys.exit(main())
