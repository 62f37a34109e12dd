"""Spanish, the language added as one catalog per domain: what the catalogs cannot show by themselves (a
diagnosis and the class report, --describe, the pytest plugin's choices; mlp-bench's report is test_bench.py's)
reads as Spanish, with no English and no Portuguese word (tests/language.py has the lists)."""
import re

from language import foreign_lines
from mlp_harness.check import check_lab, pytest_plugin
from mlp_harness.cli import check_cli
from mlp_harness.i18n import LANGS


def residual_sign(aL, Y):
    return (Y - aL) * aL * (1 - aL)


def mean_gradient(delta, a_prev):
    return delta.T @ a_prev / delta.shape[0]


def test_spanish_is_one_of_the_languages_found():
    assert "es" in LANGS


def test_a_diagnosis_and_the_class_report_in_spanish_name_no_ids():
    from mlp_harness.check.summary import summarize
    from mlp_harness.check.summary_page import summary_text
    results = [check_lab(delta_L=residual_sign, lang="es"), check_lab(gradient=mean_gradient, lang="es")]
    assert results[0].formulas["delta_L"].mistake == "residual_sign"   # the JSON keeps the id
    text = results[0].text(100)
    assert "error probable:" in text and "residual_sign" not in text
    for result, name in zip(results, ("first.py", "second.py")):
        result.file = name
    report = summary_text(summarize(results), "es", "full", "md")
    assert "informe del curso" in report and not re.search(r"residual_sign|mean_instead_of_sum", report)
    for shown in (text, report):
        assert not foreign_lines(shown, "es"), "\n".join(foreign_lines(shown, "es"))


def test_describe_gives_the_assignment_its_spanish_title(capsys):
    assert check_cli.main(["--assignment", "lab3", "--describe", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("lab3: Lab 3: optimizadores con estado") and "verificada con un optimizador propio" in out
    assert not foreign_lines(out, "es"), "\n".join(foreign_lines(out, "es"))


def test_the_pytest_plugin_offers_every_language():
    options = {}

    class Group:
        def addoption(self, name, **kwargs):
            options[name] = kwargs

    class Parser:
        def getgroup(self, *args, **kwargs):
            return Group()
    pytest_plugin.pytest_addoption(Parser())
    assert tuple(options["--check-backprop-lang"]["choices"]) == LANGS and "es" in LANGS

