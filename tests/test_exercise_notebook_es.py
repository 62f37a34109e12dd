"""notebooks/lab1-ejercicio.ipynb, the exercise in Spanish: made by scripts/translate_notebook.py from the
Portuguese notebook and notebooks/translations/lab1-ejercicio.json, so the two stay in step (a cell changed,
added or removed in the Portuguese one makes the script refuse until it is translated too; the code is the same,
only comments, strings and lang= differ). Like the Portuguese one it runs to the end as shipped, shows ✓ with
the solution and ✗ with the mistake named, in Spanish (one kernel, beside the other tests)."""
import copy
import inspect
import json
import os
import sys
from pathlib import Path

import pytest

import background
import exercise_solution
from language import foreign_lines

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import translate_notebook  # noqa: E402

TABLE = ROOT / "notebooks" / "translations" / "lab1-ejercicio.json"
SPANISH, PORTUGUESE = ROOT / "notebooks" / "lab1-ejercicio.ipynb", ROOT / "notebooks" / "lab1-exercicio.ipynb"
FUNCTIONS = ("sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")


def execute():
    shipped = nbformat.read(SPANISH, as_version=4)
    n = len(shipped.cells)
    filled = copy.deepcopy(shipped.cells[2:])   # not the title nor the install cell
    for cell in filled:
        for name in FUNCTIONS:
            if cell.cell_type == "code" and cell.source.startswith(f"def {name}("):
                cell.source = inspect.getsource(getattr(exercise_solution, name))
    wrong, _ = exercise_solution.MISTAKES["delta_L"]
    extra = [nbformat.v4.new_code_cell(wrong), nbformat.v4.new_code_cell('check_lab(delta_L=delta_L, lang="es")')]
    notebook = copy.deepcopy(shipped)
    notebook.cells = shipped.cells + filled + extra
    os.environ.setdefault("PIP_NO_INDEX", "1")   # no network, should pip ever start
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    return {"shipped": notebook.cells[:n], "filled": notebook.cells[n:n + len(filled)], "mistake": notebook.cells[-2:]}


EXECUTION = background.start("lab1-ejercicio.ipynb", execute)


def html(cells) -> str:
    return "".join(o.data.get("text/html", "") for c in cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "execute_result")


def printed(cells) -> str:
    return "".join(o.text for c in cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream")


def test_the_spanish_notebook_is_made_from_the_portuguese_one_and_in_step():
    target, text = translate_notebook.build(TABLE)
    assert target == SPANISH and SPANISH.read_text(encoding="utf-8") == text, \
        "run: python scripts/translate_notebook.py notebooks/translations/lab1-ejercicio.json"
    spanish, portuguese = (nbformat.read(p, as_version=4) for p in (SPANISH, PORTUGUESE))
    assert [c.cell_type for c in spanish.cells] == [c.cell_type for c in portuguese.cells]
    for es, pt in zip(spanish.cells, portuguese.cells):
        if es.cell_type == "code":
            assert translate_notebook.code_only(es.source) == translate_notebook.code_only(pt.source)
            assert not es.outputs and 'lang="pt"' not in es.source
    assert sum('lang="es"' in c.source for c in spanish.cells) == 7   # the six checks and the whole one


def write_table(tmp_path, change) -> Path:
    """A copy of the table and the Portuguese notebook in tmp_path, ``change(table, notebook)`` applied."""
    table, notebook = (json.loads(p.read_text(encoding="utf-8")) for p in (TABLE, PORTUGUESE))
    change(table, notebook)
    (tmp_path / "pt.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    table |= {"source": "pt.ipynb", "target": "es.ipynb"}
    (tmp_path / "table.json").write_text(json.dumps(table), encoding="utf-8")
    return tmp_path / "table.json"


@pytest.mark.parametrize("change, words", [
    (lambda t, nb: nb["cells"][7]["source"].append("\nUma frase nova."), "cell 7 (markdown) changed"),
    (lambda t, nb: nb["cells"].pop(), "has 25 cells, the table 26"),
    (lambda t, nb: t["cells"][5].update(text=t["cells"][5]["text"].replace("raise", "return")), "changes the code"),
    (lambda t, nb: t["cells"][4].update(text=None), "needs its translation"),
])
def test_the_script_refuses_a_table_out_of_step(tmp_path, capsys, change, words):
    assert translate_notebook.main([str(write_table(tmp_path, lambda t, nb: None))]) == 0   # the copy is fine
    assert translate_notebook.main([str(write_table(tmp_path, change))]) == 2
    assert words in capsys.readouterr().err and not (tmp_path / "es.ipynb.tmp").exists()


def test_as_shipped_with_the_solution_and_with_a_mistake_it_speaks_spanish():
    runs = EXECUTION.result()
    shipped, filled, mistake = runs["shipped"], runs["filled"], runs["mistake"]
    assert "todavía no implementada" in html(shipped) and "✗" not in html(shipped) and "✓" not in html(shipped)
    assert "Falta escribir sigmoid o step" in printed(shipped)
    assert "✗" not in html(filled) and "no implementada" not in html(filled) and "Pérdida final:" in printed(filled)
    assert "✗" in html(mistake) and "error probable" in html(mistake) and "el residuo se toma al revés" in html(mistake)
    text = printed(shipped + filled) + html(shipped + filled + mistake)
    assert not foreign_lines(text, "es"), "\n".join(foreign_lines(text, "es"))
