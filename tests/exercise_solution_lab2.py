"""A solution of notebooks/lab2-exercicio.ipynb, and three typical mistakes, for its tests.

The right functions are lab2's of tests/handins.py (the assignment's tests hand the same ones in), each
under its catalogue signature's argument names, as the notebook's ``def`` lines have them. ``MISTAKES``
holds wrong versions, each with the diagnosis mlp-check gives it (its name in mlp_harness.check.mistakes).
"""
from handins import LAB2_BODIES, lab2_function

#: function -> its source, right
SOLUTION = {name: lab2_function(name) for name in LAB2_BODIES}

#: function -> (a wrong version's source, the mistake's name in the diagnosis)
MISTAKES = {
    "delta_L": (lab2_function("delta_L", "return aL - Y"), "ce_not_averaged"),
    "tanh_prime": (lab2_function("tanh_prime", "return 1 - np.tanh(a) ** 2"), "tanh_of_a"),
    "bias_gradient": (lab2_function("bias_gradient", "return delta.sum(axis=0, keepdims=True)"), "bias_keepdims"),
}
