"""Command-line options shared by ``mlp-compare`` and ``mlp-train``, and turning them into a run.

The flag names are a contract other tools rely on: change none of them.
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable

import numpy as np

from manual_mlp import lab, random_parameters
from manual_mlp.validation import InputError, InputTypeError

from .files import load_data, load_weights
from .run import RunConfig

Array = np.ndarray

#: samples in the random batch made for ``--layers`` without ``--data``
RANDOM_BATCH = 8


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is two short lines on stderr and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\nTry '{self.prog} --help' for the options.\n")


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("network and data (default: the lab's 2-3-1 network, X, Y and θ)")
    g.add_argument("--layers", metavar="N0,N1,...", help="layer sizes for random weights, e.g. 2,3,1")
    g.add_argument("--init-seed", type=int, default=0, metavar="N", help="seed of the random weights (default 0)")
    g.add_argument("--bias", action="store_true", help="random weights with biases b⁽ˡ⁾ (with --layers)")
    g.add_argument("--weights", metavar="FILE.npz", help="arrays theta1…thetaL of shape (out, in), optional b1…bL")
    g.add_argument("--data", metavar="FILE.npz", help="arrays X (N, n0) and Y (N, nL)")


def add_run_options(p: argparse.ArgumentParser, steps_name: str = "--steps", steps_default: int = 1) -> None:
    g = p.add_argument_group("training and comparison")
    g.add_argument("--lr", type=float, default=lab.ETA, metavar="η", help=f"learning rate η (default {lab.ETA})")
    g.add_argument(steps_name, type=int, default=steps_default, metavar="N",
                   help=f"number of training steps (default {steps_default})")
    g.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="precision of both twins")
    g.add_argument("--rtol", type=float, default=None, help="relative tolerance (default: derived from --dtype)")
    g.add_argument("--atol", type=float, default=None, help="absolute tolerance (default: derived from --dtype)")
    g.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    add_device_options(p)


def add_device_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("device (the PyTorch twin's; the NumPy twin always runs on the CPU)")
    g.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="where the PyTorch twin runs (default cpu); records always come back as NumPy arrays")
    g.add_argument("--allow-tf32", action="store_true",
                   help="on CUDA, let float32 matmuls use TF32 (10-bit mantissa): faster, and visibly less exact; "
                        "off by default")


def parse_layers(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise InputError(f"--layers takes comma-separated whole numbers such as 2,3,1, got {text!r}") from None
    if len(sizes) < 2:
        raise InputError(f"--layers needs at least two sizes (inputs and outputs), got {text!r}")
    if min(sizes) < 1:
        raise InputError(f"--layers: every layer needs at least 1 unit, got {text!r}")
    return sizes


def resolve_weights(args: argparse.Namespace) -> tuple[list[Array], list[Array] | None]:
    """θ (and b) from --weights, from --layers (random), or the lab's."""
    if args.weights and args.layers:
        raise InputError("give either --weights FILE.npz or --layers for random weights, not both")
    if args.bias and not args.layers:
        raise InputError("--bias asks for random weights with biases: use it with --layers "
                         "(a --weights file carries its own b1…bL)")
    if args.weights:
        return load_weights(args.weights)
    if args.layers:
        return random_parameters(parse_layers(args.layers), args.init_seed, args.bias)
    return lab.lab_thetas(), None


def resolve_data(args: argparse.Namespace, sizes: list[int]) -> tuple[Array, Array]:
    """(X, Y) from --data, the lab's, or — for random weights — a random batch seeded by --init-seed."""
    if args.data:
        return load_data(args.data)
    if not args.layers and not args.weights:
        return lab.X.copy(), lab.Y.copy()
    rng = np.random.default_rng([args.init_seed, 1])
    return rng.normal(size=(RANDOM_BATCH, sizes[0])), rng.uniform(size=(RANDOM_BATCH, sizes[-1]))


def run_config(args: argparse.Namespace, steps: int) -> RunConfig:
    return RunConfig(lr=args.lr, steps=steps, dtype=args.dtype, rtol=args.rtol, atol=args.atol,
                     device=getattr(args, "device", "cpu"), allow_tf32=getattr(args, "allow_tf32", False))


def guarded(prog: str, main: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    """Run ``main``; bad input becomes one line on stderr and exit code 2, never a traceback."""
    def wrapper(argv: list[str] | None = None) -> int:
        try:
            return main(argv)
        except (InputError, InputTypeError) as exc:
            print(f"{prog}: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{prog}: interrupted", file=sys.stderr)
            return 130
    return wrapper
