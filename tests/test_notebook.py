"""notebooks/lab1.ipynb runs top to bottom on a fresh kernel and shows the lab's numbers, so it can never rot.

The notebook is stored without outputs; here it is executed with nbclient (the ``dev`` extra) in the
repository root, so that its kernel imports this checkout's packages.
"""
import re
from pathlib import Path

import pytest

import background

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "lab1.ipynb"
#: seconds one cell may take; the slowest (imports torch) takes about 5 s on two busy cores
CELL_TIMEOUT = 120


def execute():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()   # raises CellExecutionError, naming the cell, if any cell fails
    return notebook


EXECUTION = background.start("lab1.ipynb", execute)   # runs beside the other tests (tests/background.py)


@pytest.fixture(scope="module")
def executed():
    return EXECUTION.result()


def outputs(notebook, kind: str) -> list:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == kind]


def printed(notebook) -> str:
    return "".join(o.text for o in outputs(notebook, "stream") if o.name == "stdout")


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.parametrize("number", [
    "0.02359348",                              # J, as the lab printed it
    "[[-0.02258058]\n [-0.04676233]]",          # δ⁽²⁾
    "[[-0.00355726 -0.00523915]",               # ∂J/∂θ⁽¹⁾
    "[[ 0.70387481 -0.09630016  0.20303562]]",  # the new θ⁽²⁾
    "[[ 0.00130699]\n [-0.04676233]]",          # δ⁽²⁾ of the lab's last cell (Y = [[0.6], [0.8]])
    "J = 0.01914063",                           # its J
])
def test_the_labs_printed_numbers_appear(executed, number):
    assert number in printed(executed)


def test_every_quantity_agrees_with_autograd_within_the_float64_tolerance(executed):
    diffs = [float(d) for d in re.findall(r"max \|Δ\| = (\S+)", printed(executed))]
    # 15 side-by-side prints and 11 rows of the record comparison; the harness's float64 tolerance is 2.2e-12
    assert len(diffs) >= 20 and max(diffs) <= 2.2e-12


def test_training_plot_and_the_caught_mistake(executed):
    text = printed(executed)
    assert "Twins stayed equal for all 200 epochs" in text
    assert any("image/png" in o.data for o in outputs(executed, "display_data"))
    assert "mismatch at step 1: δ⁽¹⁾[0, 0] differs" in text   # f′ left out of the hidden δ: caught at δ⁽¹⁾
    assert "(0.60547144 − 0.7) · 0.60547144 · (1 − 0.60547144) = −0.02258058" in text   # --explain
