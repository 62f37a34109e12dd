"""What one training step produced, numbered as in the lab.

Layers are numbered 1…L. Python lists start at 0, so the record offers
``record.get(quantity, l)`` with the lab's numbering and keeps the raw lists
with a documented offset:

* ``zs[l-1]`` is z⁽ˡ⁾, ``activations[l]`` is a⁽ˡ⁾ (``activations[0]`` is X),
* ``deltas[l-1]`` is δ⁽ˡ⁾, ``nabla_thetas[l-1]`` is ∂J/∂θ⁽ˡ⁾,
  ``nabla_biases[l-1]`` is ∂J/∂b⁽ˡ⁾,
* ``thetas[l-1]`` / ``biases[l-1]`` are θ⁽ˡ⁾ / b⁽ˡ⁾ *after* the update.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

Array = np.ndarray

#: Quantities in the order the math flows; the harness reports the first that differs.
QUANTITY_ORDER = ("z", "a", "loss", "delta", "grad_theta", "grad_b", "theta", "b")


def carried_over(quantity: str) -> bool:
    """Whether the next step starts from this quantity: the new θ, b, and the optimizer's state
    (named ``"<state>(theta)"`` / ``"<state>(b)"`` by :meth:`StepRecord.quantities`)."""
    return quantity in ("theta", "b") or quantity.endswith(("(theta)", "(b)"))


@dataclass
class StepRecord:
    step: int
    zs: list[Array]
    activations: list[Array]
    loss: float
    deltas: list[Array]
    nabla_thetas: list[Array]
    nabla_biases: list[Array] | None
    thetas: list[Array]
    biases: list[Array] | None
    #: optimizer state after the update, e.g. {"momentum_buffer": {"theta": [per layer], "b": [...]}}
    optimizer_state: dict[str, dict[str, list[Array]]] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        return len(self.zs)

    def get(self, quantity: str, layer: int | None = None) -> Array | float:
        """The value of ``quantity`` at layer ``layer`` (1…L; none for ``loss``)."""
        if quantity == "loss":
            return self.loss
        if quantity == "a":
            return self.activations[layer]
        lists = {"z": self.zs, "delta": self.deltas, "grad_theta": self.nabla_thetas,
                 "grad_b": self.nabla_biases, "theta": self.thetas, "b": self.biases}
        return lists[quantity][layer - 1]

    def quantities(self) -> Iterator[tuple[str, int | None, Array]]:
        """Yield (quantity, layer, value) in the order the math flows.

        Forward z⁽ˡ⁾, a⁽ˡ⁾ for l = 1…L; the loss; δ⁽ˡ⁾ for l = L…1; ∂J/∂θ⁽ˡ⁾ and
        ∂J/∂b⁽ˡ⁾ for l = L…1 (backprop produces them from the output down);
        updated θ⁽ˡ⁾, b⁽ˡ⁾ for l = 1…L; then the optimizer state.
        """
        L = self.depth
        for l in range(1, L + 1):
            yield "z", l, self.zs[l - 1]
            yield "a", l, self.activations[l]
        yield "loss", None, np.asarray(self.loss)
        for l in range(L, 0, -1):
            yield "delta", l, self.deltas[l - 1]
        for l in range(L, 0, -1):
            yield "grad_theta", l, self.nabla_thetas[l - 1]
            if self.nabla_biases is not None:
                yield "grad_b", l, self.nabla_biases[l - 1]
        for l in range(1, L + 1):
            yield "theta", l, self.thetas[l - 1]
            if self.biases is not None:
                yield "b", l, self.biases[l - 1]
        for state_name, per_kind in sorted(self.optimizer_state.items()):
            for kind in ("theta", "b"):
                for l, value in enumerate(per_kind.get(kind) or [], start=1):
                    yield f"{state_name}({kind})", l, value
