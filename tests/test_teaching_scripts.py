"""The scripts behind docs/teaching.md: the autograd chain it prints and the network picture it shows."""
import runpy
from pathlib import Path

import numpy as np

from manual_mlp import lab

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def script(name: str) -> dict:
    return runpy.run_path(str(SCRIPTS / name), run_name="imported")


def test_autograd_chain_names_the_node_that_passes_each_delta(capsys):
    script("autograd_chain.py")["main"]()
    lines = capsys.readouterr().out.splitlines()
    nodes = [line.split()[0] for line in lines if line.split()[0].endswith("Backward0") or "AccumulateGrad" in line]
    assert nodes == ["MulBackward0", "MseLossBackward0", "SigmoidBackward0", "MmBackward0", "SigmoidBackward0",
                     "MmBackward0", "TBackward0", "AccumulateGrad", "TBackward0", "AccumulateGrad"]
    # each δ is what a SigmoidBackward0 passes on; the values are the lab's printed δ⁽²⁾ and δ⁽¹⁾
    delta2 = lines.index(next(line for line in lines if "passes ∂J/∂z⁽²⁾ = δ⁽²⁾" in line))
    delta1 = lines.index(next(line for line in lines if "passes ∂J/∂z⁽¹⁾ = δ⁽¹⁾" in line))
    assert "SigmoidBackward0" in lines[delta2 - 1] and "SigmoidBackward0" in lines[delta1 - 1]
    assert lines[delta2].endswith("[[-0.02258058] [-0.04676233]]")
    assert lines[delta1].endswith("[[-0.00388045  0.00055281 -0.00111423] [-0.00808518  0.00116801 -0.00229904]]")


def test_network_picture_labels_every_node_and_weight(tmp_path):
    draw = script("draw_network.py")
    fig = draw["draw_network"]()
    texts = [t.get_text() for t in fig.axes[0].texts]
    # units numbered from 0, as the text and the tools index θ: θ⁽¹⁾[2, 0] is the edge x₀ → a⁽¹⁾₂
    assert {"x₀", "x₁", "a⁽¹⁾₀", "a⁽¹⁾₁", "a⁽¹⁾₂", "a⁽²⁾"} <= set(texts)
    weights = sorted(f"{w:g}".replace("-", "−") for theta in lab.THETAS for w in np.ravel(theta))
    assert sorted(t for t in texts if t.lstrip("−")[:1].isdigit()) == weights   # the 9 weights of θ⁽¹⁾ and θ⁽²⁾
    fig.savefig(tmp_path / "net.png")
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
