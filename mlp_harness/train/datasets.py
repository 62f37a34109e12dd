"""Data sets for ``mlp-train --dataset NAME``: small ones made with NumPy, and two real ones.

Every data set is (X, Y) with X of shape (N, n₀) and Y of shape (N, n_L), one
row per sample, as the lab lays them out, or integer class labels Y (N,) for
cross-entropy. Each comes with a :class:`Recipe`: the architecture, activations,
loss, optimizer, η and epochs that ``mlp-train`` uses for every option not given,
chosen so that the default run of each visibly learns (its loss falls by more
than half; tests/test_datasets.py checks it).

* ``lab`` and ``lab-v2`` are the lab's two samples (targets [[0.7], [0.8]] and
  [[0.6], [0.8]]); they come with the lab's 2-3-1 weights.
* ``xor``, ``moons`` and ``spirals`` are two-class problems in the plane with
  targets 0 and 1, generated from ``--data-seed`` (xor has no randomness). They
  need an architecture: ``--layers`` or ``--weights``, or else the data set's
  default ``layers`` (random weights drawn from ``--init-seed``).

moons and spirals are centred on the origin, and the second class is the first
one mirrored through it (x → −x). So even a network without biases can separate
them: with odd activations such as tanh, a bias-free network is an odd function
of x, exactly the symmetry of the data. xor is not symmetric that way (both
(0, 0) and (1, 1) are class 0): its recipe has biases.

``iris`` (150 flowers, 4 measurements, 3 species) and ``digits`` (1,797 images
of 8 × 8 pixels, 10 digits) are scikit-learn's bundled copies: nothing is
downloaded, but scikit-learn must be installed (the ``data`` extra,
``pip install -e ".[data]"``); without it, asking for them is one clear error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from manual_mlp import lab
from manual_mlp.validation import InputError

from ..i18n import _, tr

Array = np.ndarray

#: samples per class of the generated two-class sets (small: the point is to watch every number)
PER_CLASS = 50


@dataclass(frozen=True)
class Recipe:
    """A data set's default training: what ``mlp-train`` uses for each option not given on the command line."""

    layers: list[int] | None = None   # default architecture (random weights); None: the lab's own weights
    bias: bool = False
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "half_sse"
    optimizer: str = "sgd"
    lr: float = lab.ETA
    epochs: int = 1000


#: the classifiers' recipe: tanh hidden layers, softmax output, cross-entropy, Adam
SOFTMAX_ADAM = dict(bias=True, activation="tanh", output_activation="softmax", loss="cross_entropy",
                    optimizer="adam", lr=0.01)


@dataclass(frozen=True)
class Dataset:
    name: str
    X: Array                      # (N, n₀)
    Y: Array                      # (N, n_L), or integer class labels (N,) for cross_entropy
    description: str
    recipe: Recipe = field(default_factory=Recipe)
    classes: bool = False         # a classification task: mlp-train reports the training accuracy

    @property
    def layers(self) -> list[int] | None:
        return self.recipe.layers

    @property
    def sizes(self) -> tuple[int, int | None]:
        """(inputs n₀, outputs n_L) a network needs for this data; n_L is None for class labels, whose
        range the batch check compares with the output layer."""
        return self.X.shape[1], (self.Y.shape[1] if self.Y.ndim == 2 else None)


def lab_data(seed: int) -> Dataset:
    return Dataset("lab", lab.X.copy(), lab.Y.copy(), "the lab's two samples, Y = [[0.7], [0.8]]")


def lab_v2_data(seed: int) -> Dataset:
    return Dataset("lab-v2", lab.X.copy(), lab.Y_V2.copy(), "the lab's second version, Y = [[0.6], [0.8]]")


def xor_data(seed: int) -> Dataset:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return Dataset("xor", X, Y, "exclusive or of two bits (4 samples)",
                   Recipe([2, 4, 1], bias=True, lr=1.0), classes=True)


def two_classes(first: Array) -> tuple[Array, Array]:
    """Class 0 = ``first`` (n, 2), class 1 = its mirror image −first; targets 0 and 1."""
    X = np.concatenate([first, -first])
    Y = np.concatenate([np.zeros((len(first), 1)), np.ones((len(first), 1))])
    return X, Y


def moons_data(seed: int) -> Dataset:
    """Two interleaved half circles of radius 1 with Gaussian noise σ = 0.1, centred on the origin."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, np.pi, PER_CLASS)
    # the upper moon, moved so that the lower one (its mirror image) interleaves with it
    upper = np.stack([np.cos(t) - 0.5, np.sin(t) - 0.25], axis=1)
    X, Y = two_classes(upper)
    return Dataset("moons", X + rng.normal(scale=0.1, size=X.shape), Y,
                   f"two interleaved half moons ({2 * PER_CLASS} samples, noise 0.1)", Recipe([2, 8, 1]), classes=True)


def spirals_data(seed: int) -> Dataset:
    """Two spiral arms of 1½ turns, radius growing from 0.1 to 1, Gaussian noise σ = 0.02."""
    rng = np.random.default_rng(seed)
    r = np.linspace(0.1, 1.0, PER_CLASS)
    angle = 3 * np.pi * r
    X, Y = two_classes(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
    return Dataset("spirals", X + rng.normal(scale=0.02, size=X.shape), Y,
                   f"two intertwined spirals ({2 * PER_CLASS} samples, noise 0.02)",
                   Recipe([2, 16, 16, 1], activation="tanh", optimizer="adam", lr=0.01), classes=True)


def scikit_learn(name: str, lang: str):
    """scikit-learn's ``datasets`` module, or one clear error naming the extra that installs it."""
    try:
        from sklearn import datasets
    except ImportError:
        raise InputError(tr(lang, "--dataset {dataset} needs scikit-learn, which is not installed: pip install -e "
                                  "\".[data]\" (or pip install scikit-learn)", dataset=name)) from None
    return datasets


def iris_data(seed: int, lang: str = "en") -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements each standardised to mean 0 and deviation 1, 3 species."""
    bunch = scikit_learn("iris", lang).load_iris()
    X = (bunch.data - bunch.data.mean(axis=0)) / bunch.data.std(axis=0)
    return Dataset("iris", X, bunch.target.astype(np.int64), "Fisher's iris (150 flowers, 4 features, 3 species)",
                   Recipe([4, 8, 3], **SOFTMAX_ADAM, epochs=300), classes=True)


def digits_data(seed: int, lang: str = "en") -> Dataset:
    """Handwritten digits: 1,797 images of 8 × 8 pixels, intensities 0…16 scaled to [0, 1]; labels 0…9."""
    bunch = scikit_learn("digits", lang).load_digits()
    return Dataset("digits", bunch.data / 16.0, bunch.target.astype(np.int64),
                   "handwritten digits (1,797 images of 8 × 8 pixels, 10 classes)",
                   Recipe([64, 32, 10], **SOFTMAX_ADAM, epochs=100), classes=True)


DATASETS: dict[str, Callable[[int], Dataset]] = {
    "lab": lab_data, "lab-v2": lab_v2_data, "xor": xor_data, "moons": moons_data, "spirals": spirals_data,
    "iris": iris_data, "digits": digits_data,
}

#: the data sets that need scikit-learn (the ``data`` extra)
NEEDS_EXTRA = ("iris", "digits")


def get_dataset(name: str, seed: int = 0, lang: str = "en") -> Dataset:
    """The data set ``name`` drawn with ``seed`` (only moons and spirals are random)."""
    try:
        make = DATASETS[name]
    except KeyError:
        raise InputError(_("unknown --dataset {name!r}; choose one of: {names}").format(
            name=name, names=", ".join(DATASETS))) from None
    return make(seed, lang) if name in NEEDS_EXTRA else make(seed)
