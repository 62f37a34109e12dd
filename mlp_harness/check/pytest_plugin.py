"""``pytest --check-backprop entrega.py``: one test per function of the lab, named after it.

The file is checked once (in a separate process, as ``mlp-check`` does); then
``sigmoid``, ``delta_L``, ``delta_l``, ``gradient``, ``optimize`` and ``step``
each pass, fail with the verdict's explanation, or are skipped when the file
does not define them; ``runs_as_written`` fails on a syntax error, a cell that
ran out of time or a file that could not run. ``--check-backprop-name`` and
``--check-backprop-feedback`` mean what mlp-check's ``--name`` and
``--feedback`` mean. Registered through the ``pytest11`` entry point, so it is
there wherever the package is installed; it does nothing without the option,
and imports nothing heavy until it is used.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from ..i18n import LANGS, _, language
from .feedback import LEVELS

#: the lab's (lab1's); another assignment's are "runs_as_written" and its own functions
TESTS = ("runs_as_written", "sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")


def pytest_addoption(parser):
    group = parser.getgroup("mlp-check", "checking someone's backprop against autograd")
    group.addoption("--check-backprop", action="append", default=[], metavar="FILE",
                    help="check the lab's functions in FILE (.py or .ipynb) against autograd, one test each")
    group.addoption("--check-backprop-lang", default="en", choices=LANGS, help="language of the verdicts")
    group.addoption("--check-backprop-timeout", type=float, default=None, metavar="SECONDS",
                    help="time limit of one cell or call (default: mlp-check's)")
    group.addoption("--check-backprop-assignment", default=None, metavar="NAME|FILE.toml",
                    help="the assignment: lab1 (the lab's, the default), lab2, lab3 or a teacher's TOML file; one "
                         "test per function it names")
    group.addoption("--check-backprop-name", action="append", default=[], metavar="LAB=THEIRS",
                    help="the submission's name for one of the assignment's functions, e.g. --check-backprop-name "
                         "delta_L=meu_delta (repeatable), as mlp-check's --name")
    group.addoption("--check-backprop-feedback", default="full", choices=LEVELS,
                    help="how much the failures reveal, as mlp-check's --feedback: full (default), hint (no number "
                         "autograd computed), verdict (✓/✗ per function)")


class BackpropFailure(Exception):
    pass


class Submission(pytest.File):
    """A submission file as a collector of one test per function; the check runs once, on first use."""

    _result = None

    def result(self):
        if self._result is None:
            from .api import DEFAULT_TIMEOUT, check_file, parse_names
            option = self.config.getoption
            self._result = check_file(self.path, lang=option("check_backprop_lang"),
                                      timeout=option("check_backprop_timeout") or DEFAULT_TIMEOUT,
                                      assignment=option("check_backprop_assignment"),
                                      names=parse_names(option("check_backprop_name"), "--check-backprop-name"),
                                      feedback=option("check_backprop_feedback"))
        return self._result

    def collect(self):
        from .assignment import load_assignment
        names = load_assignment(self.config.getoption("check_backprop_assignment")).names
        for name in TESTS[:1] + names:
            yield FormulaTest.from_parent(self, name=name)


class FormulaTest(pytest.Item):
    def runtest(self):
        result = self.parent.result()
        if self.name == "runs_as_written":
            if result.error:
                raise BackpropFailure(result.error)
            return
        formula = result.shown.get(self.name)   # as --check-backprop-feedback lets it be read
        if formula is None:
            if result.error:
                raise BackpropFailure(result.error)
            pytest.skip(f"{self.name}: not offered (no step(), and not all of delta_L, delta_l, gradient, optimize)")
        if formula.status == "missing":
            pytest.skip(formula.message)
        if not formula.ok:
            from .report import formula_lines
            raise BackpropFailure("\n".join(formula_lines(formula, result.lang, 100, level=result.feedback)))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BackpropFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


def pytest_collection_modifyitems(session, config, items):
    with language(config.getoption("check_backprop_lang")):   # the usage errors in the verdicts' language
        check_options(session, config, items)


def check_options(session, config, items):
    """Every --check-backprop option and file checked before any test runs: one usage line each, not a traceback
    in every test (pytest's exit code 4)."""
    timeout = config.getoption("check_backprop_timeout")
    if timeout is not None and not 0.01 <= timeout <= 3600:
        raise pytest.UsageError(_("--check-backprop-timeout must be from 0.01 to 3600 seconds, got {timeout}").format(
            timeout=f"{timeout:g}"))
    for path in config.getoption("check_backprop"):
        path = Path(path).resolve()
        if not path.is_file():
            raise pytest.UsageError(_("{path}: no such file").format(path=f"--check-backprop {path}"))
        from manual_mlp.validation import InputError
        from .api import check_names, parse_names, plan_for
        from .assignment import load_assignment
        from .submission import read_submission
        try:
            assignment = load_assignment(config.getoption("check_backprop_assignment"))
            plan_for(assignment)   # autograd's answers, finite (computed once; every test uses them)
            read_submission(path)   # not a notebook, not .py, not UTF-8: one line, not a traceback per test
        except InputError as exc:
            raise pytest.UsageError(f"--check-backprop {exc}") from None
        try:   # a name mapped wrongly: one line, as mlp-check's --name
            check_names(parse_names(config.getoption("check_backprop_name"), "--check-backprop-name"),
                        assignment.names, "--check-backprop-name")
        except InputError as exc:
            raise pytest.UsageError(str(exc)) from None
        items.extend(Submission.from_parent(session, path=path).collect())
