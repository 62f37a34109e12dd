"""Hand-ins drawn by hypothesis from the hostile classes of tests/test_check_hostile.py: whatever a function
returns or raises — an object whose conversion raises any BaseException, a message that cannot be printed,
an array of a wrong or huge shape, text with control characters — is that function's finding, and the
other functions of the hand-in keep their verdicts.

The suite draws a few examples, the same every run; MLP_FUZZ=long draws 300 new ones (docs/robustness.md).
"""
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from test_check_hostile import assert_shows_safely, check_here, hand_in

settings.register_profile("check-fuzz-fast", max_examples=6, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("check-fuzz-long", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FUZZ = settings.get_profile("check-fuzz-long" if os.environ.get("MLP_FUZZ") == "long" else "check-fuzz-fast")

#: what the hostile object raises when it is read (BaseException subclasses too: they must not escape).
#: KeyboardInterrupt is left out here: in this process it is the user's Ctrl-C, which stops a check_lab; the
#: worker's own process, where it is the hand-in's finding, is tested in tests/test_check_hostile.py
RAISED = st.sampled_from(["SystemExit(3)", "RuntimeError('x')", "MemoryError()",
                          "RecursionError()", "GeneratorExit()", "StopIteration()", "ValueError(chr(0xd800))"])
#: text a message may hold: control characters, escapes, lone surrogates, bidirectional overrides
TEXT = st.lists(st.sampled_from(["a", "\x1b", "[", "2J", "\x07", "\ud800", "\u202e", "\n", "\r", "é"]),
                max_size=12).map("".join)


@st.composite
def hostile_delta_L(draw) -> str:
    """The body of a delta_L that hands back or raises something hostile."""
    kind = draw(st.sampled_from(["array_raises", "str_raises", "message", "shape", "attributes", "nested"]))
    if kind == "array_raises":
        return ("class Odd:\n    def __array__(self, *a, **k):\n        raise " + draw(RAISED) + "\n"
                "def delta_L(aL, Y):\n    return Odd()\n")
    if kind == "str_raises":
        return ("class Mine(Exception):\n    def __str__(self):\n        raise " + draw(RAISED) + "\n"
                "def delta_L(aL, Y):\n    raise Mine()\n")
    if kind == "message":
        return f"def delta_L(aL, Y):\n    raise ValueError({draw(TEXT)!r})\n"
    if kind == "shape":
        shape = draw(st.lists(st.sampled_from([0, 1, 2, 3, 10**6]), min_size=0, max_size=4))
        return f"def delta_L(aL, Y):\n    return np.broadcast_to(np.float64(1), {tuple(shape)!r})\n"
    if kind == "attributes":
        return ("class Any:\n    def __getattr__(self, name):\n        return self\n"
                "    def __call__(self, *a, **k):\n        return self\n"
                "def delta_L(aL, Y):\n    return Any()\n")
    depth = draw(st.integers(1, 4))
    return f"def delta_L(aL, Y):\n    return {'[' * depth}{draw(TEXT)!r}{']' * depth}\n"


@FUZZ
@given(body=hostile_delta_L())
@example(body="def delta_L(aL, Y):\n    return np.broadcast_to(np.float64(1), (0,))\n")   # found by the long run
def test_whatever_a_function_hands_back_is_its_own_finding(tmp_path_factory, body):
    result = check_here(tmp_path_factory.mktemp("fuzz"), hand_in(delta_L=body))
    assert result.error is None, ascii(result.error)
    assert result.formulas["sigmoid"].ok and result.formulas["gradient"].ok and result.formulas["optimize"].ok
    assert result.formulas["delta_L"].status in ("fail", "error")   # never a pass on a hostile answer
    assert_shows_safely(result)
