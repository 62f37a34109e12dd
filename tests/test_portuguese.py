"""The Portuguese a student reads: no catalogue ids in the text, the activations' Portuguese names, the
grammar of sentences built from parts (tests/language.py has the word lists; mlp-bench's report in Portuguese
is test_bench.py's)."""
import contextlib
import io
import re
from pathlib import Path

import pytest

from language import foreign_lines, ungrammatical
from mlp_harness.check import check_lab
from mlp_harness.check.mistakes import MISTAKES
from mlp_harness.cli import bench_cli, check_cli, compare_cli
from mlp_harness.check.mistakes import MISTAKE_WORDS
from mlp_harness.teach.mutants import MUTANTS

ROOT = Path(__file__).resolve().parents[1]
#: every snake_case id a diagnosis can carry: the catalogues' and the mistakes known by their symptom
#: (``broadcast`` is left out: it is also NumPy's word, in its own messages and the Portuguese description)
IDS = {i for i in {m.name for m in MISTAKES} | set(MUTANTS) | set(MISTAKE_WORDS) if "_" in i}


def residual_sign(aL, Y):
    return (Y - aL) * aL * (1 - aL)


def product_entry_by_entry(delta, theta, a):
    return (delta * theta) * a * (1 - a)


def mean_gradient(delta, a_prev):
    return delta.T @ a_prev / delta.shape[0]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_diagnosis_names_its_mistake_by_id_in_english_only(lang):
    result = check_lab(delta_L=residual_sign, delta_l=product_entry_by_entry, gradient=mean_gradient, lang=lang)
    assert [result.formulas[n].mistake for n in ("delta_L", "delta_l", "gradient")] == \
        ["residual_sign", "elementwise_product", "mean_instead_of_sum"]   # the JSON keeps the ids
    for text in (result.text(100), result._repr_html_()):
        shown = {i for i in IDS if re.search(rf"\b{i}\b", text)}
        assert "provável erro:" in text if lang == "pt" else "probably:" in text
        if lang == "pt":
            assert not shown and "elementwise" not in text and "max |Δ|" not in text, shown
        else:   # the same check sees the ids where they are
            assert {"residual_sign", "elementwise_product", "mean_instead_of_sum"} <= shown


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: f"{m.formula}-{m.name}")
def test_every_mistake_reads_in_portuguese_with_the_formula_it_computes(mistake):
    """The wrong formula (calcula …) is printed in both languages as written: symbols only, no English words."""
    assert not foreign_lines(mistake.describe("pt"), "pt"), mistake.describe("pt")


def test_the_activations_portuguese_names_are_the_same_activations():
    parse = lambda *argv: compare_cli.build_parser("pt").parse_args(list(argv))  # noqa: E731
    assert parse("--activation", "sigmoide").activation == "sigmoid"
    assert parse("--activation", "Tangente_Hiperbólica").activation == "tanh"
    assert parse("--activation", "relu", "--output-activation", "identidade").output_activation == "identity"
    assert bench_cli.build_parser("pt").parse_args(["--activations", "sigmoide", "relu"]).activations == \
        ["sigmoid", "relu"]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exc:
        parse("--activation", "tangente")   # tan, not tanh: refused with the choices
    assert exc.value.code == 2 and "'tangente'" in err.getvalue()


def test_a_file_that_did_not_run_is_named_without_an_article(capsys):
    code = check_cli.main([str(ROOT / "tests" / "submissions" / "broken" / "syntax_error.py"), "--lang", "pt"])
    out = capsys.readouterr().out
    assert code == 1 and "não encontrada (talvez em syntax_error.py, que não rodou)" in out
    assert not ungrammatical(out), ungrammatical(out)


def test_sentences_built_from_parts_read_as_portuguese(capsys):
    """The tolerance rule goes into the verdict: "dentro da tolerância (o limite …)", not "dentro de o limite"."""
    assert compare_cli.main(["--lang", "pt"]) == 0
    out = capsys.readouterr().out
    assert "concordam dentro da tolerância (o limite de erro de arredondamento" in out
    assert not ungrammatical(out)
    assert ungrammatical("concordam dentro de o limite") and ungrammatical("talvez na sintaxe.py")   # it can fail


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_class_report_names_mistakes_by_id_in_english_only(lang):
    from mlp_harness.check.summary import summarize
    from mlp_harness.check.summary_page import summary_text
    results = [check_lab(delta_L=residual_sign, lang=lang), check_lab(gradient=mean_gradient, lang=lang)]
    for result, name in zip(results, ("first.py", "second.py")):
        result.file = name
    text = summary_text(summarize(results), lang, "full", "md")
    ids = {"residual_sign", "mean_instead_of_sum"}
    if lang == "en":   # the English report keeps the ids, a teacher's short labels: the check can fail
        assert ids <= set(re.findall(r"[a-z]+(?:_[a-z]+)+", text))
    else:
        assert not any(mistake_id in text for mistake_id in ids), text
