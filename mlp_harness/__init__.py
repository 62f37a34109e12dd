"""Runs the NumPy twin and the PyTorch twin side by side and says where they first differ."""
from .verify.compare import Mismatch, QuantityDiff, compare_records, quantity_label
from .verify.run import Report, RunConfig, build_twins, named_weights, run_comparison
from .verify.tolerance import Tolerance

__all__ = ["Mismatch", "QuantityDiff", "compare_records", "quantity_label", "Report", "RunConfig", "build_twins",
           "named_weights", "run_comparison", "Tolerance"]
