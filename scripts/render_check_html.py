"""Write check_lab's HTML table — what Jupyter and Colab show a student — for each state of the exercise.

    python scripts/render_check_html.py OUT                 # OUT/STATE.html for every state
    python scripts/render_check_html.py OUT --screenshot    # and OUT/STATE.png, drawn by headless Chromium

The states: every function still blank; typical mistakes (a sign, the notebook's θ⁽²⁾ read instead of the
argument, a forgotten transpose, a step with η fixed); the same at the ``hint`` feedback level; all right.
Each page holds the table as a notebook's output would, in the language given by ``--lang`` (Portuguese by
default, the course's). Look at the screenshots: the result column left-aligned, the formulas on one line,
autograd's matrix beside the student's with ◀ on the differing entry, the FALHA/OK line in its colour.
"""
from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mlp_harness.check import check_lab  # noqa: E402
from mlp_harness.verify.files import atomic_write  # noqa: E402

#: the notebook's θ⁽²⁾, which a wrong delta_l reads instead of its argument
theta2 = np.array([[0.7, -0.1, 0.2]])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def blank(name: str):
    """A blank as the notebook hands it out: ``def name(...): raise NotImplementedError``."""
    space = {}
    exec(f"def {name}(*args):\n    raise NotImplementedError\n", space)
    return space[name]


def delta_L(aL, Y):
    return (aL - Y) * aL * (1 - aL)


def delta_l(delta_next, theta_next, al):
    return (delta_next @ theta_next) * al * (1 - al)


def gradient(delta, a_prev):
    return delta.T @ a_prev


def optimize(theta, grad, eta):
    return theta - eta * grad


def delta_L_sign(aL, Y):
    return (Y - aL) * aL * (1 - aL)


def delta_l_notebook_theta(delta_next, theta_next, al):
    return (delta_next @ theta2) * al * (1 - al)


def gradient_no_transpose(delta, a_prev):
    return delta @ a_prev


def step_fixed_eta(X, Y, thetas, eta):
    t1, t2 = thetas
    a1 = sigmoid(X @ t1.T)
    a2 = sigmoid(a1 @ t2.T)
    d2 = (a2 - Y) * a2 * (1 - a2)
    d1 = (d2 @ t2) * a1 * (1 - a1)
    return [t1 - 0.1 * d1.T @ X, t2 - 0.1 * d2.T @ a1]


def right() -> dict:
    return dict(sigmoid=sigmoid, delta_L=delta_L, delta_l=delta_l, gradient=gradient, optimize=optimize)


def mistakes() -> dict:
    return right() | dict(delta_L=delta_L_sign, delta_l=delta_l_notebook_theta, gradient=gradient_no_transpose,
                          step=step_fixed_eta)


def states(lang: str) -> dict:
    """{state: the result check_lab shows}."""
    blanks = {name: blank(name) for name in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")}
    return {"blank": check_lab(lang=lang, **blanks), "mistakes": check_lab(lang=lang, **mistakes()),
            "mistakes-hint": check_lab(lang=lang, feedback="hint", **mistakes()),
            "right": check_lab(lang=lang, **right())}


def page(state: str, table: str) -> str:
    """A page that draws the table as a notebook's output cell would (the notebook's own font)."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(state)}</title></head>"
            f"<body style='font-family:sans-serif;font-size:13px'>{table}</body></html>")


def screenshot(chromium: str, source: Path, png: Path) -> None:
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
                    "--window-size=1200,1600", source.resolve().as_uri()], check=True, capture_output=True,
                   timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the folder to write STATE.html (and STATE.png) in")
    parser.add_argument("--lang", choices=("pt", "en"), default="pt")
    parser.add_argument("--screenshot", action="store_true", help="draw each page with headless Chromium")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if args.screenshot and chromium is None:
        print("render_check_html: --screenshot needs chromium on PATH", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for state, result in states(args.lang).items():
        target = out / f"{state}.html"
        text = page(state, result._repr_html_()).encode("utf-8")
        atomic_write(target, lambda f: f.write(text), "the page")
        if args.screenshot:
            screenshot(chromium, target, out / f"{state}.png")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
