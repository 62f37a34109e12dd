"""mlp-kit on the command line: what it writes and says, and bad input in one line (exit code 2)."""
from pathlib import Path

import pytest

from language import foreign_lines
from mlp_harness.cli import kit_cli
from mlp_harness.kit import kit as kit_module
from mlp_harness.kit.source import NOTEBOOK, PACKAGES, find_checkout

ROOT = Path(__file__).resolve().parents[1]


# --- mlp-kit on the command line ----------------------------------------------------------------------------

def test_mlp_kit_says_what_it_wrote_and_replaces_an_older_kit(tmp_path, capsys):
    folder = tmp_path / "turma"
    folder.mkdir()
    (folder / "manual_mlp-0.0.1-py3-none-any.whl").write_bytes(b"an older kit's wheel")
    (folder / "LEIAME.md").write_text("an older kit's page")
    (folder / "notas.csv").write_text("the teacher's own file\n")
    assert kit_cli.main([str(folder), "--lang", "pt"]) == 0
    out = capsys.readouterr().out.splitlines()
    wheel = next(p.name for p in folder.glob("manual_mlp-*.whl"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(["LEIAME.md", NOTEBOOK.name, "notas.csv", wheel])
    assert wheel != "manual_mlp-0.0.1-py3-none-any.whl"
    assert (folder / "notas.csv").read_text() == "the teacher's own file\n"
    assert "Gerado pelo `mlp-kit`" in (folder / "LEIAME.md").read_text(encoding="utf-8")
    assert out[0] == f"Kit da turma gravado em {folder}: entregue aos alunos o notebook e o pacote, juntos"
    assert [line.split()[0] for line in out[1:4]] == [NOTEBOOK.name, wheel, "LEIAME.md"]
    assert out[4:] == ["pacote mais antigo tirado da pasta: manual_mlp-0.0.1-py3-none-any.whl"]
    assert not foreign_lines("\n".join(out), "pt")


def one_line_error(capsys, argv: list[str]) -> str:
    """The command's only output: one line on stderr, exit code 2."""
    assert kit_cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert not out and len(err.splitlines()) == 1 and err.startswith("mlp-kit: ") and "Traceback" not in err, err
    return err


def no_build(*args):
    raise AssertionError("the wheel was built")


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_a_folder_that_cannot_be_made_is_refused_in_one_line_before_the_build(tmp_path, capsys, monkeypatch, lang):
    monkeypatch.setattr(kit_module, "build_wheel", no_build)
    (tmp_path / "a-file").write_text("x")
    err = one_line_error(capsys, [str(tmp_path / "a-file"), "--lang", lang])
    assert ("is a file, not a folder" if lang == "en" else "é um arquivo, não uma pasta") in err
    err = one_line_error(capsys, [str(tmp_path / "no" / "kit"), "--lang", lang])
    assert str(tmp_path / "no") in err and ("does not exist" if lang == "en" else "não existe") in err
    assert not (tmp_path / "no").exists()


def test_without_a_checkout_to_build_from_it_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(kit_module, "find_checkout", lambda: find_checkout(tmp_path))
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--lang", "en"])
    assert "a kit is built from a copy of the repository" in err and "pip install -e" in err
    assert not (tmp_path / "kit").exists()


def test_a_build_that_fails_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (*PACKAGES, "README.md", "notebooks"):
        (repo / name).symlink_to(ROOT / name)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = "0.1.0"' in pyproject
    (repo / "pyproject.toml").write_text(pyproject.replace('version = "0.1.0"', 'version = "one"'), encoding="utf-8")
    monkeypatch.setattr(kit_module, "find_checkout", lambda: find_checkout(repo))
    err = one_line_error(capsys, [str(tmp_path / "kit"), "--lang", "pt"])
    assert "a construção do .whl falhou (" in err
    assert not (tmp_path / "kit").exists() and sorted(p.name for p in repo.iterdir()) == sorted(
        [*PACKAGES, "README.md", "notebooks", "pyproject.toml"])   # nothing built in the checkout either
