"""The console scripts' entry points (``mlp-compare``, ``mlp-train``, ``mlp-bench``, ``mlp-check``,
``mlp-kit``).

A tool spends its first second importing NumPy and torch. Ctrl-C in that second ends it as it does later
(one line, exit code 130), not with a traceback through the imports; nothing has started yet, so there is
nothing to clean up.
"""
import importlib
import sys


def _run(prog: str, module: str) -> int:
    try:
        main = importlib.import_module(f"mlp_harness.cli.{module}").main
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    return main()


def compare() -> None:
    sys.exit(_run("mlp-compare", "compare_cli"))


def train() -> None:
    sys.exit(_run("mlp-train", "train_cli"))


def bench() -> None:
    sys.exit(_run("mlp-bench", "bench_cli"))


def check() -> None:
    sys.exit(_run("mlp-check", "check_cli"))


def kit() -> None:
    sys.exit(_run("mlp-kit", "kit_cli"))
