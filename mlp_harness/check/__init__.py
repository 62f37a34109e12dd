"""Checking someone else's backprop against autograd, formula by formula (``mlp-check``, :func:`check_lab`).

reading submissions (submission), running them isolated (worker, isolate,
execute), the calls to make (cases, plan), the per-formula verdicts (verdict,
steps), known mistakes (mistakes), the result (result), how much it reveals
(feedback), what each function is worth (rubric), graders' reports (report), a
class report of a batch (summary, summary_page, summary_charts), and the pytest
plugin (pytest_plugin).

Every name is imported on first use, as the package's own (:mod:`mlp_harness`): the worker process, which
imports :mod:`mlp_harness.check.worker`, then loads only what runs next to a submission, not the checker's
side (autograd's cases, the verdicts) — a third of its start-up.
"""
from mlp_harness import lazy_names

#: each public name and the module it lives in
_WHERE = {"DEFAULT_TIMEOUT": ".api", "check_file": ".api", "check_lab": ".api", "CheckResult": ".result",
          "FormulaResult": ".verdict"}

__all__ = list(_WHERE)
__getattr__, __dir__ = lazy_names(__name__, _WHERE)
