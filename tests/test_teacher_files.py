"""A teacher's own files (an assignment TOML, a rubric) are inputs like any other: one line and exit 2 for what
cannot be read or checked, never a traceback, never overwritten by an output, and never a verdict on a submission
when autograd's own answers are not finite.

Every verdict here is the tools' decision (exit code, the one line's words), never a last bit.
"""
import shutil
from pathlib import Path

import pytest

from manual_mlp.validation import InputError
from mlp_harness.check.api import plan_for
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.rubric import load_rubric
from mlp_harness.cli.check_cli import main as check_main
from mlp_harness.cli.kit_cli import main as kit_main

ASSIGNMENTS = Path(__file__).resolve().parents[1] / "mlp_harness" / "check" / "assignments"
SUBMISSIONS = Path(__file__).parent / "submissions"
LAB2 = (ASSIGNMENTS / "lab2.toml").read_text(encoding="utf-8")


def teacher_file(tmp_path, text: str, name: str = "lab.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("flag", ["--json", "--csv", "--gradescope"])
def test_an_output_naming_the_assignment_file_is_refused_and_the_file_kept(tmp_path, flag, capsys):
    path = teacher_file(tmp_path, LAB2)
    code = check_main(["--assignment", str(path), flag, str(path), str(SUBMISSIONS / "lab2_bias_mean.py")])
    assert code == 2 and path.read_text(encoding="utf-8") == LAB2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is the input file of --assignment" in err, err


@pytest.mark.parametrize("value", ['["tanh"]', "{ a = 1 }"])
def test_a_signature_that_is_not_a_name_is_one_line(tmp_path, value):
    path = teacher_file(tmp_path, LAB2.replace('tanh = "tanh"', f"tanh = {value}"))
    assert f"tanh = {value}" in path.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="not in the catalogue"):
        load_assignment(str(path))


def test_a_python_keyword_is_no_function_name(tmp_path):
    path = teacher_file(tmp_path, LAB2.replace('tanh = "tanh"', 'class = "tanh"'))
    with pytest.raises(InputError, match="must be a Python name"):
        load_assignment(str(path))


@pytest.mark.parametrize("nested", ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a=" * 5000 + "1" + "}" * 5000],
                         ids=["arrays", "tables"])
def test_toml_nested_past_the_parsers_depth_is_one_line(tmp_path, nested):
    path = teacher_file(tmp_path, nested + "\n")
    for load in (lambda: load_assignment(str(path)), lambda: load_rubric(str(path), ("tanh",))):
        with pytest.raises(InputError, match="nested too deeply"):
            load()


def test_settings_that_make_autograds_answers_overflow_are_refused_before_any_verdict(tmp_path):
    """x_scale near the largest float and 64 inputs: z⁽ᴸ⁾ sums past it to ±∞ and autograd's softmax is NaN there,
    so even a right softmax would fail."""
    text = LAB2.replace("x_scale = 2000.0", "x_scale = 1.7e308").replace("layers = [3, 3]\n", "layers = [64, 3]\n")
    assert "x_scale = 1.7e308" in text and "layers = [64, 3]" in text
    path = teacher_file(tmp_path, text)
    with pytest.raises(InputError, match="not finite") as error:
        plan_for(load_assignment(str(path)))
    assert "large-z" in str(error.value)


def test_a_kit_never_writes_over_its_rubric(tmp_path, capsys):
    kit, rubric = tmp_path / "kit", "[points]\ntanh = 1\n"
    kit.mkdir()
    (kit / "LEIAME.md").write_text(rubric, encoding="utf-8")
    code = kit_main([str(kit), "--assignment", "lab2", "--rubric", str(kit / "LEIAME.md"), "--gradescope",
                     str(tmp_path / "ag.zip")])
    assert code == 2 and (kit / "LEIAME.md").read_text(encoding="utf-8") == rubric
    assert "is a file mlp-kit writes" in capsys.readouterr().err
    assert not (tmp_path / "ag.zip").exists()


def test_the_plugin_checks_a_float32_assignment_in_its_language(pytester):
    """lab2 in float32 through the plugin: the averaged bias gradient fails at bias_gradient and at the chained
    step, said in Spanish; the functions it wrote right pass."""
    shutil.copy(SUBMISSIONS / "lab2_bias_mean.py", pytester.path / "h.py")
    (pytester.path / "f32.toml").write_text(LAB2.replace('dtype = "float64"', 'dtype = "float32"'),
                                            encoding="utf-8")
    result = pytester.runpytest_inprocess("--check-backprop", "h.py", "--check-backprop-assignment", "f32.toml",
                                          "--check-backprop-lang", "es", "-p", "no:cacheprovider", "-rf")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed"), outcomes.get("passed")) == (2, 8), outcomes
    out = result.stdout.str()
    assert all(words in out for words in ("FAILED h.py::bias_gradient", "FAILED h.py::step",
                                          "redondeo de float32", "se promedia sobre el lote")), out


def test_cases_that_would_make_a_grading_run_last_for_hours_are_refused(tmp_path):
    """Each within its limits (64 units, 256 samples, batches of 1), together 256 mini-batches × 9 functions."""
    text = LAB2.replace("batch_size = 4 ", "batch_size = 1 ").replace("samples = 10\nseed = 1",
                                                                    "samples = 256\nseed = 1")
    assert "batch_size = 1 " in text and "samples = 256" in text
    with pytest.raises(InputError, match="calls") as error:
        load_assignment(str(teacher_file(tmp_path, text)))
    assert "mini-batches" in str(error.value)
    load_assignment(str(teacher_file(tmp_path, LAB2.replace("batch_size = 4 ", "batch_size = 1 "), "small.toml")))
