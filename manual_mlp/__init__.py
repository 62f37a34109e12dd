"""Backpropagation by hand, in NumPy, in the lab's notation.

θ⁽ˡ⁾ has shape (out, in); z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ (+ b⁽ˡ⁾); a⁽ˡ⁾ = f(z⁽ˡ⁾);
δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾); δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾);
∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾; θ ← θ − η∂J/∂θ. This package never imports torch.
"""
from .activations import ACTIVATIONS, Activation, get_activation, sigmoid
from .backprop import (bias_gradient, gradient_descent, hidden_delta, output_delta, weight_gradient,
                       weighted_input)
from .batches import epoch_batches, step_batch
from .gradcheck import numerical_gradients
from .init import random_parameters
from .losses import LOSSES, Loss, get_loss, half_sse
from .network import MLP, Forward, Gradients
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, OptimizerSettings, make_optimizer
from .record import QUANTITY_ORDER, StepRecord
from .validation import InputError, InputTypeError

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation", "sigmoid",
    "bias_gradient", "gradient_descent", "hidden_delta", "output_delta", "weight_gradient", "weighted_input",
    "epoch_batches", "step_batch", "numerical_gradients", "random_parameters", "LOSSES", "Loss", "get_loss",
    "half_sse", "MLP", "Forward", "Gradients", "OPTIMIZERS", "SGD", "Adam", "Optimizer", "OptimizerSettings",
    "make_optimizer", "QUANTITY_ORDER", "StepRecord", "InputError", "InputTypeError",
]
