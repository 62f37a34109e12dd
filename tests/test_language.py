"""Every line a user reads is in the language asked for: with --lang pt no English sentence, with --lang en no
Portuguese one, with --lang es neither (tests/language.py says what counts as a word of each).

Four nets: every command path run in every language (its output, its errors, its plot's labels); every
message of bad input that the code can raise goes through gettext (``_()``); every translation in the
catalogs; the parts written elsewhere that a translated message is filled with (a signature's reason not to
fit, a mistake's requirement, a mistake's wrong formula). After new messages or new paths are added, this
file finds the ones left in English: add a path to PATHS for a new option, and run
scripts/extract_messages.py for a new message, then translate it.
"""
import ast
import contextlib
import io
from dataclasses import replace
from pathlib import Path

import matplotlib.text
import pytest

from language import foreign_lines, ungrammatical
from manual_mlp.messages import language
from mlp_harness.check import check_lab
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.catalogue import CATALOGUE
from mlp_harness.check.mistakes import MISTAKES, STEP_MISTAKES
from mlp_harness.cli import bench_cli, check_cli, compare_cli, kit_cli, train_cli
from catalogs import TRANSLATED, translations
from mlp_harness.i18n import default_lang, tr_n
from mlp_harness.teach.mutants import MUTANTS
from mlp_harness.train import plotting

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
MAINS = {"mlp-compare": compare_cli.main, "mlp-train": train_cli.main, "mlp-check": check_cli.main,
         "mlp-bench": bench_cli.main, "mlp-kit": kit_cli.main}
PARSERS = {"mlp-compare": compare_cli.build_parser, "mlp-train": train_cli.build_parser,
           "mlp-check": check_cli.build_parser, "mlp-bench": bench_cli.build_parser, "mlp-kit": kit_cli.build_parser}


def run(tool: str, argv: list[str]) -> tuple[int, str, str, list[str]]:
    """A command in this process: exit code, stdout, stderr and the text of every figure it drew."""
    labels, out, err = [], io.StringIO(), io.StringIO()

    def keep(fig, path):
        labels.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setattr(plotting, "save_figure", keep)
        try:
            code = MAINS[tool](argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue(), labels


#: (tool, arguments, exit code): the paths a user meets, good and bad; "{tmp}" is a fresh folder
PATHS = [
    ("mlp-compare", [], 0),
    ("mlp-compare", ["--explain", "--steps", "2"], 0),
    ("mlp-compare", ["--explain", "--layers", "2,40,1"], 0),
    ("mlp-compare", ["--gradcheck"], 0),
    ("mlp-compare", ["--inject-bug", "list"], 0),
    ("mlp-compare", ["--inject-bug", "residual_sign"], 1),
    ("mlp-compare", ["--inject-bug", "updated_theta_in_backward", "--layers", "3,4,2"], 1),
    ("mlp-compare", ["--json", "{tmp}/r.json", "--steps", "3"], 0),
    ("mlp-train", ["--epochs", "1", "--no-plot"], 0),
    ("mlp-train", ["--epochs", "3", "--print-every", "1", "--plot", "{tmp}/p.png"], 0),
    ("mlp-train", ["--epochs", "2", "--impl", "numpy", "--no-plot"], 0),
    ("mlp-train", ["--epochs", "3", "--rtol", "0", "--atol", "0", "--no-plot"], 1),
    ("mlp-train", ["--dataset", "moons", "--epochs", "2", "--plot-boundary", "--plot", "{tmp}/b.png"], 0),
    ("mlp-train", ["--epochs", "2", "--no-plot", "--save", "{tmp}/w.npz"], 0),
    ("mlp-compare", ["--width", "60", "--steps", "2"], 0),
    ("mlp-check", [str(SUBMISSIONS / "lab_fix_sign.ipynb"), "--width", "100"], 1),
    ("mlp-check", [str(SUBMISSIONS / "correct_step.ipynb"), str(SUBMISSIONS / "returns_none.py"), "--jobs", "2"], 1),
    ("mlp-kit", ["{tmp}/kit"], 0),
    # --help: description, groups, every option's help, argparse's own words
    ("mlp-compare", ["--help"], 0),
    ("mlp-train", ["--help"], 0),
    ("mlp-check", ["--help"], 0),
    ("mlp-bench", ["--help"], 0),
    ("mlp-kit", ["--help"], 0),
    # bad input: one clear line (argparse's own: and where to find help), exit code 2
    ("mlp-compare", ["--layers", "3"], 2),
    ("mlp-compare", ["--activation", "foo"], 2),
    ("mlp-compare", ["--bogus"], 2),
    ("mlp-compare", ["--init-seed", "-1"], 2),
    ("mlp-compare", ["--steps", "x"], 2),
    ("mlp-compare", ["--lr", "-1"], 2),
    ("mlp-compare", ["--weights", "{tmp}/none.npz"], 2),
    ("mlp-compare", ["--json", "{tmp}/no/r.json"], 2),
    ("mlp-compare", ["--inject-bug", "nope"], 2),
    ("mlp-compare", ["--layers", "2,2", "--inject-bug", "hidden_no_sigma_prime"], 2),
    ("mlp-train", ["--epochs", "0"], 2),
    ("mlp-train", ["--save", "{tmp}/w.txt", "--no-plot"], 2),
    ("mlp-compare", ["--width", "3"], 2),
    ("mlp-compare", ["--data", ""], 2),
    ("mlp-train", ["--plot", "{tmp}/p.xyz"], 2),
    ("mlp-train", ["--dataset", "xor", "--layers", "3,2,1", "--no-plot"], 2),
    ("mlp-check", [str(SUBMISSIONS / "missing.py")], 2),
    ("mlp-check", [str(SUBMISSIONS / "nothing.py")], 2),
    ("mlp-check", ["--name", "foo=bar", str(SUBMISSIONS / "nothing.py")], 2),
    ("mlp-check", ["--rubric", "{tmp}/rubrica.toml", str(SUBMISSIONS / "half_dropped.py")], 2),
    ("mlp-kit", ["{tmp}/no/kit"], 2),
]


#: every language the tools speak
SPOKEN = TRANSLATED + ["en"]
#: several files checked at once print one line each: in Portuguese only (each file costs a process; the
#: English one-line verdicts are test_check.py's)
RUNS = [(tool, argv, expected, lang) for tool, argv, expected in PATHS for lang in SPOKEN
        if not (lang != "pt" and tool == "mlp-check" and "--jobs" in argv)]


@pytest.mark.parametrize("tool, argv, expected, lang", RUNS, ids=[" ".join([t] + a[:3] + [l]) for t, a, _, l in RUNS])
def test_every_command_path_speaks_one_language(tool, argv, expected, lang, tmp_path, wheel_built_once):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--lang", lang]
    code, out, err, labels = run(tool, argv)
    assert code == expected, (out, err)
    if expected == 2 and err:   # (mlp-check reports a file with nothing to check on stdout, as its verdict)
        lines = err.strip().splitlines()
        assert not out and "Traceback" not in err and len(lines) <= 2 and lines[0].startswith(f"{tool}: "), err
    text = "\n".join([out, err] + labels)
    assert text.strip()
    assert not foreign_lines(text, lang), "\n".join(foreign_lines(text, lang))
    assert lang != "pt" or not ungrammatical(text), ungrammatical(text)


@pytest.mark.parametrize("lang", SPOKEN)
def test_check_lab_in_a_notebook_speaks_one_language(lang):
    def sigmoid(z):
        raise NotImplementedError

    def delta_L(aL, Y):
        return (Y - aL) * aL * (1 - aL)

    def optimize(theta, grad, eta):
        return theta - eta * grad
    result = check_lab(sigmoid=sigmoid, delta_L=delta_L, optimize=optimize, lang=lang)
    assert [f.status for f in result.formulas.values()] == ["missing", "fail", "pass"]
    for text in (result.text(100), result._repr_html_()):
        assert not foreign_lines(text, lang), "\n".join(foreign_lines(text, lang))


def test_the_language_comes_from_the_environment_unless_lang_is_given(monkeypatch, capsys):
    assert default_lang({"LANG": "pt_BR.UTF-8"}) == "pt" and default_lang({"LANG": "C.UTF-8"}) == "en"
    assert default_lang({"LC_ALL": "en_US.UTF-8", "LANG": "pt_BR.UTF-8"}) == "en"   # LC_ALL is stronger
    assert default_lang({"LC_MESSAGES": "pt_PT", "LANG": "en_GB"}) == "pt" and default_lang({}) == "en"
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert compare_cli.main(["--layers", "3"]) == 2 and capsys.readouterr().err.startswith("mlp-compare: erro:")
    assert compare_cli.main(["--layers", "3", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("mlp-compare: error:")
    assert compare_cli.main(["--bogus"]) == 2 and "argumentos desconhecidos" in capsys.readouterr().err


def test_language_then_lc_all_lc_messages_and_lang_pick_spanish(monkeypatch, capsys):
    """GNU gettext's order: LANGUAGE (a list, by preference) first, then LC_ALL, LC_MESSAGES, LANG."""
    assert default_lang({"LANGUAGE": "es"}) == "es" and default_lang({"LANG": "es_ES.UTF-8"}) == "es"
    assert default_lang({"LANGUAGE": "es", "LC_ALL": "pt_BR.UTF-8"}) == "es"           # LANGUAGE is stronger
    assert default_lang({"LANGUAGE": "fr:es:pt"}) == "es"                                # the first one spoken
    assert default_lang({"LANGUAGE": "fr", "LANG": "es_MX.UTF-8"}) == "es"              # none spoken: next variable
    assert default_lang({"LC_ALL": "es_AR.UTF-8", "LANG": "pt_BR.UTF-8"}) == "es"
    assert default_lang({"LC_MESSAGES": "es_CL", "LANG": "en_GB"}) == "es"
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANGUAGE", "es")
    assert compare_cli.main(["--layers", "3"]) == 2 and capsys.readouterr().err.startswith("mlp-compare: error:")
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert compare_cli.main(["--bogus"]) == 2 and "argumentos no reconocidos" in capsys.readouterr().err


@pytest.mark.parametrize("tool", sorted(MAINS))
def test_help_is_in_the_language_asked_for_with_the_same_flags(tool, monkeypatch):
    """argparse's own words too (the detector's lists hold neither "usage" nor "uso"); the flags are a contract."""
    monkeypatch.setenv("COLUMNS", "100")
    _, english, _, _ = run(tool, ["--help"])
    _, portuguese, _, _ = run(tool, ["--help", "--lang", "pt"])
    assert english.startswith(f"usage: {tool} ") and "\noptions:\n" in english
    assert "show this help message and exit" in english
    assert portuguese.startswith(f"uso: {tool} ") and "\nopções:\n" in portuguese
    assert "mostra esta mensagem de ajuda e sai" in portuguese and "usage" not in portuguese
    _, spanish, _, _ = run(tool, ["--help", "--lang", "es"])
    assert spanish.startswith(f"uso: {tool} ") and "\nopciones:\n" in spanish and "muestra este mensaje" in spanish
    assert "LANGUAGE" in spanish and "en, " in spanish and ", es" in spanish   # --lang's help: every language
    assert ("\nargumentos posicionais:\n" in portuguese) == ("\npositional arguments:\n" in english) == (
        tool in ("mlp-check", "mlp-kit"))
    flags = {lang: [a.option_strings for a in PARSERS[tool](lang)._actions] for lang in SPOKEN}
    assert all(flags[lang] == flags["en"] for lang in SPOKEN)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")   # the language of the environment, unless --lang is given
    assert run(tool, ["--help"])[1] == portuguese and run(tool, ["--help", "--lang", "en"])[1] == english


def test_singular_and_plural():
    assert tr_n("pt", "{count} epoch", "{count} epochs", 1,
                count=1) == "1 época" and tr_n("pt", "{count} epoch", "{count} epochs", 2, count=2) == "2 épocas"
    assert tr_n("en", "{count} epoch", "{count} epochs", 1,
                count=1) == "1 epoch" and tr_n("en", "{count} epoch", "{count} epochs", 0, count=0) == "0 epochs"
    code, out, _, _ = run("mlp-compare", ["--lang", "pt"])
    assert "do passo concordam" in out and "(s)" not in out
    code, out, _, _ = run("mlp-train", ["--lang", "pt", "--epochs", "1", "--no-plot"])
    assert "ficaram iguais durante 1 época" in out and "épocas" not in out


def test_singular_and_plural_in_spanish():
    """Spanish's Plural-Forms (n != 1): the singular for 1 only, as the catalog's header says."""
    assert [tr_n("es", "{count} epoch", "{count} epochs", n, count=n) for n in (1, 2, 0)] == \
        ["1 época", "2 épocas", "0 épocas"]
    assert [tr_n("es", "{count} file", "{count} files", n, count=n) for n in (1, 3)] == ["1 archivo", "3 archivos"]
    code, out, _, _ = run("mlp-train", ["--lang", "es", "--epochs", "1", "--no-plot"])
    assert code == 0 and "siguieron iguales durante 1 época" in out and "épocas" not in out
    code, out, _, _ = run("mlp-train", ["--lang", "es", "--epochs", "2", "--no-plot"])
    assert code == 0 and "durante las 2 épocas" in out


# --- every message of bad input the code can raise ---------------------------------------------------------

ERROR_CLASSES = {"InputError", "InputTypeError", "ArgumentTypeError"}
PACKAGES = ("manual_mlp", "mlp_harness", "torch_reference")
#: files whose messages are not translated (none: mlp-bench's are too)
UNTRANSLATED: set[str] = set()


def raised_messages() -> list[tuple[str, str, ast.AST]]:
    """(where, message, its expression) for every InputError / InputTypeError / ArgumentTypeError raised with a
    message."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if any(rel.startswith(u) for u in UNTRANSLATED):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                    func = node.exc.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in ERROR_CLASSES:
                        found.append((f"{rel}:{node.lineno}", ast.unparse(node.exc.args[0]), node.exc.args[0]))
    return found


def marked(node) -> bool:
    """The message is not written out in English where it is raised: ``_("…")``, ``_("…").format(…)``, either
    of two such, or built elsewhere (a variable, a helper's call: that helper's own raise or return is where
    its text is, and test_every_command_path_speaks_one_language reads what it prints)."""
    if isinstance(node, ast.IfExp):
        return marked(node.body) and marked(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return marked(node.func.value)
    return not isinstance(node, (ast.JoinedStr, ast.Constant, ast.BinOp))


def test_every_message_of_bad_input_is_raised_through_gettext():
    messages = raised_messages()
    assert len(messages) > 80   # the scan sees the code's messages
    left = [f"{where}: {message}" for where, message, node in messages if not marked(node)]
    assert not left, "English left (write it as _(\"…\").format(…)):\n" + "\n".join(left)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogs_hold_each_language_in_its_place(lang):
    entries = translations(lang)
    assert len(entries) > 500
    bad = [f"{msgid} -> {text}" for msgid, text in entries if foreign_lines(text, lang)]
    bad += [msgid for msgid, _ in entries if foreign_lines(msgid, "en")]
    bad += [f"{msgid} -> {text}" for msgid, text in entries if lang == "pt" and ungrammatical(text)]
    assert not bad, "\n".join(bad)


def test_the_detector_sees_the_other_language():
    """The checks above can fail: English output read as Portuguese is caught, and the reverse."""
    _, english, _, _ = run("mlp-compare", ["--lang", "en", "--inject-bug", "residual_sign"])
    _, portuguese, _, _ = run("mlp-compare", ["--lang", "pt", "--inject-bug", "residual_sign"])
    assert foreign_lines(english, "pt") and foreign_lines(portuguese, "en")
    assert foreign_lines(english, "es") and foreign_lines(portuguese, "es")   # Spanish sees both
    _, spanish, _, _ = run("mlp-compare", ["--lang", "es", "--inject-bug", "residual_sign"])
    assert foreign_lines(spanish, "en") is not None and not foreign_lines(spanish, "es")
    assert not foreign_lines("delta_L (residual_sign) em 'arquivo.py', NumPy e PyTorch (autograd): θ⁽¹⁾", "pt")


# --- the parts a message is filled with: written elsewhere, read inside a translated sentence ---------------
# (the with_biases reason once read "a rede has no biases": a translated template around an English field)

#: networks on which every signature's fit and every requirement of a mistake says why not
NETWORKS = [replace(load_assignment(lab).network, **change) for lab in ("lab1", "lab2", "lab3")
            for change in ({}, {"bias": not load_assignment(lab).network.bias}, {"optimizer": "adam"},
                           {"activation": "relu", "output_activation": "softmax", "loss": "cross_entropy"})]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_reason_a_signature_does_not_fit_is_in_the_language(lang):
    """What fills "it does not fit the network: {reason}" (catalogue.py's fits), on every network above."""
    with language(lang):
        reasons = {why for s in CATALOGUE.values() for net in NETWORKS if (why := s.fits(net))}
    assert len(reasons) >= 8   # the networks above make most reasons show
    bad = [why for why in reasons if foreign_lines(why, lang)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_requirement_of_a_mistake_is_in_the_language(lang):
    """What fills "the mistake … cannot show on this network (…): {reason}", for --inject-bug's mistakes and a
    whole step's."""
    mistakes = list(MUTANTS.values()) + STEP_MISTAKES
    with language(lang):
        reasons = {why for m in mistakes for sizes, bias, n in (([2, 1], False, 1), ([3, 3, 3], True, 1))
                   if (why := m.requires(sizes, bias, n))}
    assert len(reasons) >= 4
    bad = [why for why in reasons if foreign_lines(why, lang)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("mistake", MISTAKES + STEP_MISTAKES, ids=lambda m: m.name)
def test_every_mistake_and_the_formula_it_computes_read_in_the_language(mistake, lang):
    """A diagnosis is the mistake's words and its wrong formula, printed as written: symbols only."""
    text = f"{mistake.describe(lang)} ({mistake.wrong})"
    assert not foreign_lines(text, lang), foreign_lines(text, lang)
