"""A small expression tree for ``--explain``: one formula, written in symbols or with its numbers, and evaluated.

One tree gives all three parts of an explanation line — the entry's formula in
symbols, the same formula with the real numbers in place, and its value — so
the printed numbers and the printed result cannot drift apart.

Text conventions: ``·`` multiplies, ``−`` is the minus sign, ``x²`` squares,
``x^t`` raises to a power, ``√(x)``, ``exp(x)``, ``log(x)``, ``tanh(x)``,
``max(x, y)``, ``[x > 0]`` is 1 where x > 0 and 0 elsewhere (Iverson's bracket),
``(p if x > 0 else q)`` picks a branch. Sums of many terms show the first few
and ``+ … (k terms)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# Precedence of what a node renders to; a child is put in parentheses when its precedence is too low.
# A leading minus sign sits between + and ·: "a − (−b)" and "a · (−b)" get parentheses, "−a + b" needs none.
# A negative number is wrapped as a left factor too, "(−0.02) · 0.7", while a negated expression is not,
# "−Σ y log a / N".
ADD, NEGATIVE, NEG, MUL, POW, ATOM = 1.0, 1.5, 1.75, 2.0, 4.0, 5.0


def format_number(x: float) -> str:
    """8 decimals like the table (trailing zeros dropped), 8 significant digits in exponent form when tiny or huge."""
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        text = str(x)
    elif 1e-4 <= abs(x) < 1e8:
        text = f"{x:.8f}".rstrip("0").rstrip(".")
    else:
        mantissa, exponent = f"{x:.7e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class Style:
    """How to write a tree: with symbols or with numbers, and how many terms of a sum to show."""

    numbers: bool = True
    max_terms: int | None = 3
    number: Callable[[float], str] = format_number
    #: the words after "… " for a sum cut short, from its number of terms (the caller's language)
    count: Callable[[int], str] = lambda n: f"({n} terms)"


SYMBOLS, NUMBERS = Style(numbers=False), Style(numbers=True)


class Expr:
    def render(self, style: Style) -> tuple[str, float]:
        """(text, precedence)."""
        raise NotImplementedError

    def value(self) -> float:
        raise NotImplementedError

    def leaves(self) -> list["Num"]:
        return [leaf for child in self.children() for leaf in child.leaves()]

    def children(self) -> tuple["Expr", ...]:
        return ()

    def text(self, style: Style = NUMBERS) -> str:
        return self.render(style)[0]

    def __add__(self, other: "Expr") -> "Expr":
        return Bin("+", self, other)

    def __sub__(self, other: "Expr") -> "Expr":
        return Bin("−", self, other)

    def __mul__(self, other: "Expr") -> "Expr":
        return Bin("·", self, other)

    def __truediv__(self, other: "Expr") -> "Expr":
        return Bin("/", self, other)

    def __neg__(self) -> "Expr":
        return Neg(self)


def wrap(child: Expr, style: Style, lowest: float) -> str:
    text, prec = child.render(style)
    return text if prec >= lowest else f"({text})"


@dataclass(frozen=True, eq=False)
class Num(Expr):
    """A number: a symbol such as "a⁽²⁾" or "η" when written in symbols; ``source`` says where it was read.

    ``source`` is ("record", quantity, layer, index) for a value of the step record,
    ("before", kind, layer, index) for the weights or optimizer state the step
    started from, ("batch", "Y", index) for a target, ("setting", name) for η, μ,
    β₁… and None for a plain constant (1, 2, ½).
    """

    number: float
    symbol: str
    source: tuple | None = None

    def render(self, style: Style) -> tuple[str, float]:
        if not style.numbers:
            return self.symbol, ATOM
        return style.number(self.number), NEGATIVE if self.number < 0 else ATOM

    def value(self) -> float:
        return float(self.number)

    def leaves(self) -> list["Num"]:
        return [self]


def const(x: float, symbol: str | None = None) -> Num:
    """A constant written the same way in symbols and in numbers unless ``symbol`` says otherwise."""
    return Num(float(x), symbol if symbol is not None else format_number(x))


#: operator: (its precedence, lowest precedence of the left operand, of the right operand, its function)
_BIN = {"+": (ADD, ADD, MUL, np.add), "−": (ADD, ADD, MUL, np.subtract),
        "·": (MUL, NEG, POW, np.multiply), "/": (MUL, NEG, POW, np.divide)}


@dataclass(frozen=True, eq=False)
class Bin(Expr):
    op: str
    left: Expr
    right: Expr

    def render(self, style: Style) -> tuple[str, float]:
        prec, lowest_left, lowest_right, _ = _BIN[self.op]
        return f"{wrap(self.left, style, lowest_left)} {self.op} {wrap(self.right, style, lowest_right)}", prec

    def value(self) -> float:
        with np.errstate(all="ignore"):  # a non-finite value is shown as such, not warned about
            return float(_BIN[self.op][3](self.left.value(), self.right.value()))

    def children(self):
        return self.left, self.right


@dataclass(frozen=True, eq=False)
class Neg(Expr):
    operand: Expr

    def render(self, style: Style) -> tuple[str, float]:
        return f"−{wrap(self.operand, style, POW)}", NEG

    def value(self) -> float:
        return -self.operand.value()

    def children(self):
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class Square(Expr):
    base: Expr

    def render(self, style: Style) -> tuple[str, float]:
        text, prec = self.base.render(style)
        bare = prec >= ATOM and "/" not in text    # (∂J/∂θ)², not ∂J/∂θ²
        return f"{text if bare else f'({text})'}²", POW

    def value(self) -> float:
        with np.errstate(all="ignore"):
            return float(np.square(self.base.value()))

    def children(self):
        return (self.base,)


@dataclass(frozen=True, eq=False)
class Pow(Expr):
    base: Expr
    exponent: Expr

    def render(self, style: Style) -> tuple[str, float]:
        return f"{wrap(self.base, style, ATOM)}^{wrap(self.exponent, style, ATOM)}", POW

    def value(self) -> float:
        with np.errstate(all="ignore"):
            return float(np.power(self.base.value(), self.exponent.value()))

    def children(self):
        return self.base, self.exponent


FUNCTIONS: dict[str, Callable[[float], float]] = {"exp": np.exp, "log": np.log, "tanh": np.tanh, "√": np.sqrt}


@dataclass(frozen=True, eq=False)
class Call(Expr):
    """exp, log, tanh or √ of one argument."""

    name: str
    argument: Expr

    def render(self, style: Style) -> tuple[str, float]:
        return f"{self.name}({self.argument.text(style)})", ATOM

    def value(self) -> float:
        with np.errstate(all="ignore"):
            return float(FUNCTIONS[self.name](self.argument.value()))

    def children(self):
        return (self.argument,)


@dataclass(frozen=True, eq=False)
class Max(Expr):
    left: Expr
    right: Expr

    def render(self, style: Style) -> tuple[str, float]:
        return f"max({self.left.text(style)}, {self.right.text(style)})", ATOM

    def value(self) -> float:
        return max(self.left.value(), self.right.value())

    def children(self):
        return self.left, self.right


@dataclass(frozen=True, eq=False)
class Positive(Expr):
    """[x > 0]: 1 where x > 0, else 0 (relu′, with torch's 0 at the kink)."""

    operand: Expr

    def render(self, style: Style) -> tuple[str, float]:
        return f"[{self.operand.text(style)} > 0]", ATOM

    def value(self) -> float:
        return 1.0 if self.operand.value() > 0 else 0.0

    def children(self):
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class WherePositive(Expr):
    """(then if x > 0 else otherwise): leaky relu and its derivative."""

    condition: Expr
    then: Expr
    otherwise: Expr

    def render(self, style: Style) -> tuple[str, float]:
        parts = (self.then.text(style), self.condition.text(style), self.otherwise.text(style))
        return "({} if {} > 0 else {})".format(*parts), ATOM

    def value(self) -> float:
        return self.then.value() if self.condition.value() > 0 else self.otherwise.value()

    def children(self):
        return self.condition, self.then, self.otherwise


@dataclass(frozen=True, eq=False)
class Sum(Expr):
    """t₁ + t₂ + …; written in symbols as ``symbol`` (e.g. "Σₖ X[0, k]·θ⁽¹⁾[0, k]")."""

    terms: tuple[Expr, ...]
    symbol: str
    #: ADD puts the Σ in parentheses wherever it is a factor: "(Σₖ δ[0, k]·θ[k, 0]) · f′"; ATOM leaves it bare
    symbol_precedence: float = ADD

    def render(self, style: Style) -> tuple[str, float]:
        if not style.numbers:
            return self.symbol, self.symbol_precedence
        if len(self.terms) == 1:
            return self.terms[0].render(style)
        shown = self.terms if style.max_terms is None else self.terms[:style.max_terms]
        rendered = [term.render(style) for term in shown]
        # terms that are sums themselves are all put in parentheses, the first one too, so that they look alike
        first_lowest = MUL if any(prec <= ADD for _, prec in rendered) else ADD
        parts = [text if prec >= (first_lowest if i == 0 else MUL) else f"({text})"
                 for i, (text, prec) in enumerate(rendered)]
        if len(shown) < len(self.terms):
            parts.append(f"… {style.count(len(self.terms))}")
        return " + ".join(parts), ADD

    def value(self) -> float:
        with np.errstate(all="ignore"):
            return float(np.sum([term.value() for term in self.terms]))

    def children(self):
        return self.terms


def total(terms: list[Expr], symbol: str, symbol_precedence: float = ADD) -> Sum:
    return Sum(tuple(terms), symbol, symbol_precedence)
