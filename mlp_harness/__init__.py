"""Runs the NumPy twin and the PyTorch twin side by side and says where they first differ; checks anyone's own
backprop the same way (:func:`check_lab`, ``mlp-check``)."""
from .verify.compare import Mismatch, QuantityDiff, compare_records, quantity_label
from .verify.run import Report, RunConfig, build_twins, named_weights, run_comparison
from .verify.tolerance import Tolerance

__all__ = ["Mismatch", "QuantityDiff", "compare_records", "quantity_label", "Report", "RunConfig", "build_twins",
           "named_weights", "run_comparison", "Tolerance", "check_lab", "check_file", "CheckResult"]


def __getattr__(name: str):
    """check_lab, check_file and CheckResult, imported on first use (the NumPy-only paths never need them)."""
    if name in ("check_lab", "check_file", "CheckResult"):
        from . import check
        return getattr(check, name)
    raise AttributeError(f"module 'mlp_harness' has no attribute {name!r}")
