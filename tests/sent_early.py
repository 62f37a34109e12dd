"""Whether the worker is handed a call's answer before that call answers: the check test_assignment.py makes on
lab1 and lab2 and test_lab3.py on lab3, each on the assignment's own plan."""
from typing import Callable

import numpy as np

from mlp_harness.check.api import plan_for
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.execute import call_order


def answers_sent_early(name: str, exempt: Callable[[object], bool] = lambda probe: False) -> list[str]:
    """The calls of assignment ``name`` (as ``call → target``) whose autograd answer is among the arrays the worker
    holds by then — that call's inputs and every earlier call's, sent in execute.call_order —, leaving out the
    probes ``exempt`` names (an answer that is one of the call's own inputs by the formula itself)."""
    plan = plan_for(load_assignment(name))
    by_id = {p.id: p for p in plan.probes}
    sent: dict[tuple, list[np.ndarray]] = {}
    found = []
    for request in call_order(plan.task({}, None)["probes"]):
        probe = by_id[request["id"]]
        for arg in probe.args:
            if isinstance(arg, np.ndarray):
                sent.setdefault(arg.shape, []).append(arg)
        # 1e-9 relative: how near a search of the process's memory would look (as the worker test's snoop does)
        if not exempt(probe) and any(np.allclose(a, probe.expected, rtol=1e-9, atol=1e-12)
                                     for a in sent.get(probe.expected.shape, ())):
            found.append(f"{probe.call_text} → {probe.target}")
    return found
