"""The numbers the original lab printed, for both of its versions.

The lab printed 8 decimals, so each value is checked to within half a unit of
the 8th decimal (atol = 5e-9): exactly "the same printed digits".
"""
import numpy as np
import pytest

from manual_mlp import MLP, SGD, lab
from torch_reference import TorchTwin

PRINTED = 5e-9

# Y = [[0.7], [0.8]]: the solution notebook.
SOLUTION = {
    "z1": [[0.27, 0.29, -0.23], [0.22, 0.06, -0.26]],
    "z2": [[0.42831585], [0.42391866]],
    "a2": [[0.60547144], [0.60442057]],
    "loss": 0.02359348,
    "delta2": [[-0.02258058], [-0.04676233]],
    "delta1": [[-0.00388045, 0.00055281, -0.00111423], [-0.00808518, 0.00116801, -0.00229904]],
    "grad2": [[-0.03874806, -0.03699839, -0.03035622]],
    "grad1": [[-0.00355726, -0.00523915], [0.00051001, 0.00075609], [-0.00101692, -0.00149085]],
    "theta2": [[0.70387481, -0.09630016, 0.20303562]],
    "theta1": [[0.50035573, 0.20052392], [0.599949, -0.10007561], [-0.39989831, -0.29985092]],
}
# Y = [[0.6], [0.8]]: the student's second version.
VERSION_2 = {
    "a1": [[0.5670929, 0.57199613, 0.44275215], [0.55477924, 0.5149955, 0.43536371]],
    "loss": 0.01914063,
    "delta2": [[0.00130699], [-0.04676233]],
    "delta1": [[2.24605550e-04, -3.19973721e-05, 6.44930033e-05], [-8.08518134e-03, 1.16800666e-03, -2.29904316e-03]],
    "grad1": [[-0.00150473, -0.00482865], [0.0002176, 0.0006976], [-0.00042756, -0.00137298]],
    "theta1": [[0.50015047, 0.20048286], [0.59997824, -0.10006976], [-0.39995724, -0.2998627]],
    "theta2": [[0.70252016, -0.09766652, 0.20197799]],
}


def numpy_record(Y):
    return MLP(lab.lab_thetas()).train_step(lab.X, Y, SGD(lab.ETA))


def torch_record(Y):
    return TorchTwin(lab.lab_thetas(), optimizer=lab.ETA).train_step(lab.X, Y)


def lookup(record, key):
    name, layer = key.rstrip("0123456789"), key[len(key.rstrip("0123456789")):]
    quantity = {"grad": "grad_theta"}.get(name, name)
    return record.get(quantity, int(layer) if layer else None)


CASES = [(Y, key, value) for Y, printed in ((lab.Y, SOLUTION), (lab.Y_V2, VERSION_2)) for key, value in printed.items()]
IDS = [f"{'solution' if Y is lab.Y else 'version2'}-{key}" for Y, key, _ in CASES]


@pytest.mark.parametrize("twin", [numpy_record, torch_record], ids=["numpy", "torch"])
@pytest.mark.parametrize("Y,key,printed", CASES, ids=IDS)
def test_printed_lab_value(twin, Y, key, printed):
    np.testing.assert_allclose(lookup(twin(Y), key), printed, rtol=0, atol=PRINTED, err_msg=key)


def test_small_building_blocks_reproduce_the_lab_cell_by_cell():
    """The lab's cells, one public function each, as a student would call them."""
    from manual_mlp import gradient_descent, hidden_delta, output_delta, sigmoid, weight_gradient, weighted_input
    theta1, theta2 = lab.lab_thetas()
    a1 = sigmoid(weighted_input(lab.X, theta1))
    a2 = sigmoid(weighted_input(a1, theta2))
    delta2 = output_delta(a2 - lab.Y, a2 * (1 - a2))
    delta1 = hidden_delta(delta2, theta2, a1 * (1 - a1))
    np.testing.assert_allclose(delta1, SOLUTION["delta1"], rtol=0, atol=PRINTED)
    np.testing.assert_allclose(gradient_descent(theta2, weight_gradient(delta2, a1), lab.ETA), SOLUTION["theta2"],
                               rtol=0, atol=PRINTED)
