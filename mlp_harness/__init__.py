"""Runs the NumPy twin and the PyTorch twin side by side and says where they first differ; checks anyone's own
backprop the same way (:func:`check_lab`, ``mlp-check``).

Every name is imported on first use, so that importing the package costs nothing until a name is asked
for: the tools' entry points (:mod:`mlp_harness.cli.entry`) can then take Ctrl-C from their first instant.
"""
import importlib
import sys

#: each public name and the module it lives in
_WHERE = {"Mismatch": ".verify.compare", "QuantityDiff": ".verify.compare", "compare_records": ".verify.compare",
          "quantity_label": ".verify.compare", "Report": ".verify.run", "RunConfig": ".verify.run",
          "build_twins": ".verify.run", "named_weights": ".verify.run", "run_comparison": ".verify.run",
          "Tolerance": ".verify.tolerance", "check_lab": ".check", "check_file": ".check", "CheckResult": ".check"}

__all__ = list(_WHERE)


def lazy_names(package: str, where: dict[str, str]):
    """A package's ``__getattr__`` and ``__dir__`` (PEP 562) that import each name of ``where`` from its module,
    relative to ``package``, when it is first asked for."""
    def __getattr__(name: str):
        if name in where:
            return getattr(importlib.import_module(where[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(where))
    return __getattr__, __dir__


__getattr__, __dir__ = lazy_names(__name__, _WHERE)
