"""The PyTorch twin of :mod:`manual_mlp`, built from the very same weights."""
from .twin import TorchMLP, TorchTwin, load_weights

__all__ = ["TorchMLP", "TorchTwin", "load_weights"]
