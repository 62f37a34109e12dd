"""What each of the lab's functions is worth: one rubric, so one total, for every submission of a course.

A rubric file (``mlp-check --rubric FILE``) is TOML::

    [points]              # all six of the lab's functions, each a number ≥ 0 (0: not graded)
    sigmoid = 1
    delta_L = 2
    delta_l = 2
    gradient = 2
    optimize = 1
    step = 2

    [policy]              # optional
    step = "stands_in"    # the lab's default; or "required"

A function earns its points when its row is ✓: each of the lab's five formula functions by itself, and
``step`` by the submission's own ``step(X, Y, thetas, eta)`` or, when it has none, by its functions
chained into a step. Anything else earns 0: wrong, raising, not found, a blank still to be written, a
``step`` row that could not be built. One exception, the policy: with ``step = "stands_in"`` a right
``step()`` of the submission's own also earns the points of the formula functions it does not offer (a
whole step that agrees with autograd shows the formulas were done, inside it); a formula function that is
offered and wrong still earns 0. With ``step = "required"`` nothing stands in for anything.

Without ``--rubric`` the lab's rubric applies: 1 point each, 6 in all, ``step = "stands_in"``. The
maximum is the rubric's total for every submission, whatever the submission offers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from manual_mlp.validation import InputError

from .execute import ALL_FUNCTIONS
from .tomlfile import read_toml
from ..i18n import _


#: the values of [policy] step
POLICIES = ("stands_in", "required")


@dataclass(frozen=True)
class Rubric:
    points: dict[str, float] = field(default_factory=lambda: {name: 1 for name in ALL_FUNCTIONS})
    step_stands_in: bool = True

    @property
    def total(self) -> float:
        return whole(math.fsum(self.points.values()))

    def stood_in(self, formulas: dict) -> list[str]:
        """The formula functions not offered whose points the submission's own right step() earns."""
        step = formulas.get("step")
        if not (self.step_stands_in and step is not None and step.ok and step.source == "step"):
            return []
        return [name for name in self.points if name != "step"
                and (name not in formulas or formulas[name].status == "missing")]

    def earned(self, formulas: dict) -> dict[str, float]:
        """Each function's points (the lab's six, or an assignment's), from the verdicts (:class:`FormulaResult`
        by name)."""
        stood = self.stood_in(formulas)
        return {name: self.points[name] if name in stood or name in formulas and formulas[name].ok else 0
                for name in self.points}

    def full_marks(self, formulas: dict) -> bool:
        earned = self.earned(formulas)
        return all(earned[name] == self.points[name] for name in self.points)


def whole(x: float) -> float:
    """A sum of points as an int when it is one (6, not 6.0, in the files a grader reads)."""
    return int(x) if float(x).is_integer() else x


#: the lab's own rubric: 1 point each, a right step() stands in
DEFAULT_RUBRIC = Rubric()


def rubric_for(names: tuple[str, ...]) -> Rubric:
    """An assignment's own rubric: 1 point for each of its functions (the lab's: :data:`DEFAULT_RUBRIC`)."""
    return DEFAULT_RUBRIC if tuple(names) == ALL_FUNCTIONS else Rubric({name: 1 for name in names})


def load_rubric(path: str | Path, functions: tuple[str, ...] = ALL_FUNCTIONS) -> Rubric:
    """The rubric in a TOML file; InputError (one line naming the file and the key) for anything else."""
    data, _ = read_toml(Path(path), "--rubric", str(path))
    return rubric_from(data, str(path), functions)


def rubric_from(data: dict, where: str, functions: tuple[str, ...] = ALL_FUNCTIONS) -> Rubric:
    """The rubric a parsed TOML document describes (``where`` names it in messages)."""
    unknown = sorted(set(data) - {"points", "policy"})
    if unknown:
        raise InputError(_("--rubric {path}: unknown key {key!r}; a rubric has [points] and [policy]").format(
            path=where, key=unknown[0]))
    return Rubric(read_points(data.get("points"), where, functions), read_policy(data.get("policy", {}), where))


def read_points(table, where: str, functions: tuple[str, ...] = ALL_FUNCTIONS) -> dict[str, float]:
    names = ", ".join(functions)
    if not isinstance(table, dict):
        raise InputError(_("--rubric {path}: no [points] table (one key for each of {names})").format(
            path=where, names=names))
    unknown = sorted(set(table) - set(functions))
    if unknown:
        raise InputError(_("--rubric {path}: unknown key {key!r} in [points]; the lab's functions are {names}").format(
            path=where, key=unknown[0], names=names))
    points = {}
    for name in functions:
        if name not in table:
            raise InputError(_("--rubric {path}: [points] has no {key!r} (give each of {names} its points, 0 for "
                               "none)").format(path=where, key=name, names=names))
        value = table[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
            raise InputError(_("--rubric {path}: [points] {key} = {value!r}: points are a number ≥ 0").format(
                path=where, key=name, value=value))
        points[name] = value
    if math.fsum(points.values()) == 0:
        raise InputError(_("--rubric {path}: [points] are all 0: nothing to grade").format(path=where))
    return points


def read_policy(table, where: str) -> bool:
    """Whether a right step() stands in for the formula functions not offered."""
    if not isinstance(table, dict):
        raise InputError(_("--rubric {path}: policy must be a table ([policy] with step = {value})").format(
            path=where, value="\"stands_in\""))
    unknown = sorted(set(table) - {"step"})
    if unknown:
        raise InputError(_("--rubric {path}: unknown key {key!r} in [policy]; it has step only").format(
            path=where, key=unknown[0]))
    value = table.get("step", "stands_in")
    if value not in POLICIES:
        raise InputError(_("--rubric {path}: [policy] step = {value!r}: use {a} or {b}").format(
            path=where, value=value, a="\"stands_in\"", b="\"required\""))
    return value == "stands_in"
