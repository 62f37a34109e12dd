"""A solution of notebooks/lab2-exercicio.ipynb, and three typical mistakes, for its tests.

The right functions are lab2's of tests/handins.py (the assignment's tests hand the same ones in), each
under its catalogue signature's argument names, as the notebook's ``def`` lines have them. ``MISTAKES``
holds wrong versions, each with the diagnosis mlp-check gives it (its name in mlp_harness.check.mistakes).
"""
from handins import LAB2_BODIES, lab2_function

#: the notebook's step, as a student writes it from the functions above it: any number of layers (lab2's cases
#: have one, two and no hidden layer), tanh hidden and softmax out, δ from the back, θ and b updated alike
STEP = """def step(X, Y, thetas, biases, eta):
    acts = [X]
    for l, (theta, b) in enumerate(zip(thetas, biases)):
        z = acts[-1] @ theta.T + b
        acts.append(softmax(z) if l == len(thetas) - 1 else tanh(z))
    delta = delta_L(acts[-1], Y)
    new_thetas, new_biases = list(thetas), list(biases)
    for l in range(len(thetas) - 1, -1, -1):
        new_thetas[l] = optimize(thetas[l], gradient(delta, acts[l]), eta)
        new_biases[l] = optimize(biases[l], bias_gradient(delta), eta)
        if l > 0:
            delta = delta_l(delta, thetas[l], acts[l])
    return new_thetas, new_biases
"""

#: function -> its source, right
SOLUTION = {name: lab2_function(name) for name in LAB2_BODIES} | {"step": STEP}

#: function -> (a wrong version's source, the mistake's name in the diagnosis)
MISTAKES = {
    "delta_L": (lab2_function("delta_L", "return aL - Y"), "ce_not_averaged"),
    "tanh_prime": (lab2_function("tanh_prime", "return 1 - np.tanh(a) ** 2"), "tanh_of_a"),
    "bias_gradient": (lab2_function("bias_gradient", "return delta.sum(axis=0, keepdims=True)"), "bias_keepdims"),
}
