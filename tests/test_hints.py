"""What mlp-check suggests and warns about must be right: a --name hint names the likeliest function, and a
step whose θ became NaN is not taken for one that changed its arguments in place."""
import numpy as np
import pytest

from mlp_harness.check import check_lab
from mlp_harness.check.api import same_arity
from mlp_harness.check.execute import unchanged

#: a Portuguese hand-in's functions as the worker reports them: {name: [fewest, most arguments]}
ELISA = {"sigmoide": [1, 1], "delta_saida": [2, 2], "delta_oculta": [3, 3], "gradiente": [2, 2], "otimizar": [3, 3]}


@pytest.mark.parametrize("lab_name,likeliest", [("delta_L", "delta_saida"), ("delta_l", "delta_oculta"),
                                                ("gradient", "gradiente"), ("optimize", "otimizar")])
def test_the_name_hint_suggests_the_likeliest_function_of_the_same_arity(lab_name, likeliest):
    found = {name: "missing" for name in ("delta_L", "delta_l", "gradient", "optimize", "step")}
    hints = same_arity(ELISA, found, {}, {"sigmoid": "sigmoide"})
    assert hints[lab_name][0] == likeliest


@pytest.mark.parametrize("before,after,same", [
    (np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), True),     # a NaN left where it was
    (np.array([np.nan, 1.0]), np.array([0.0, 1.0]), False),       # a NaN overwritten
    (np.array([1.0, 2.0]), np.array([1.0, 2.5]), False),
    (np.array([0.0]), np.array([-0.0]), False),                   # another bit pattern: written to
    ([np.array([np.nan])], [np.array([np.nan])], True),
])
def test_an_argument_is_unchanged_when_its_bits_are(before, after, same):
    assert unchanged(before, after) == same


def test_a_step_that_diverges_to_nan_is_not_warned_of_changing_its_arguments():
    def step(X, Y, thetas, eta):
        return [theta * np.nan for theta in thetas]
    result = check_lab(step=step, lang="en")
    assert result.formulas["step"].status == "fail" and result.formulas["step"].warning is None


@pytest.mark.parametrize("lang,words", [("en", "a folder; give its files"), ("pt", "é uma pasta; dê os arquivos dela")])
def test_a_folder_given_as_a_hand_in_says_how_to_give_its_files(tmp_path, capsys, lang, words):
    from mlp_harness.cli.check_cli import main
    assert main([str(tmp_path), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert words in err and f"{tmp_path}/*/*" in err and len(err.strip().splitlines()) == 1
