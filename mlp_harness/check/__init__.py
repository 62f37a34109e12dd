"""Checking someone else's backprop against autograd, formula by formula (``mlp-check``, :func:`check_lab`).

reading submissions (submission), running them isolated (worker, isolate,
execute), the calls to make (cases, plan), the per-formula verdicts (verdict,
steps), known mistakes (mistakes), the result (result), how much it reveals
(feedback), what each function is worth (rubric), graders' reports (report), a
class report of a batch (summary, summary_page, summary_charts), and the pytest
plugin (pytest_plugin).
"""
from .api import DEFAULT_TIMEOUT, check_file, check_lab
from .result import CheckResult
from .verdict import FormulaResult

__all__ = ["DEFAULT_TIMEOUT", "check_file", "check_lab", "CheckResult", "FormulaResult"]
