"""LEIAME.md, the kit's page for teachers, in Portuguese (the course's language): what the folder holds, how
students open the notebook in Jupyter and in Colab, and how to grade what they hand in.

What it says of the first cell is what the cell does: tests/test_kit.py runs the notebook from a kit.
"""
from __future__ import annotations

TEMPLATE = """\
# Kit do {title}

Gerado pelo `mlp-kit` a partir do manual-mlp {version}{revision}. Esta pasta tem:

| arquivo | o que é |
|---|---|
| `{notebook}` | o exercício: {cells} |
| `{wheel}` | o pacote das verificações, que a primeira célula do notebook instala |
| `LEIAME.md` | este arquivo, para o professor |

## Como distribuir

Entregue aos alunos o notebook e o `.whl` juntos: uma pasta compartilhada no Google Drive, ou um `.zip` no
ambiente virtual da disciplina. Deixe o nome do `.whl` como está: o pip lê nele o nome e a versão do pacote
(o " (1)" que um navegador acrescenta a uma cópia repetida não atrapalha: a primeira célula o tira).

O `.whl` é pequeno: NumPy, PyTorch e matplotlib vêm do Python do aluno. O Colab já tem os três; num
computador, o que faltar o pip baixa do PyPI durante a instalação. Cuidado com o PyTorch: no Linux, o `torch`
do PyPI, sem mais nada, é a versão para CUDA, que traz as bibliotecas da NVIDIA e passa de alguns GB. Estas
verificações só usam a CPU: instale antes a versão para CPU (algumas centenas de MB), do índice do PyTorch,

    pip install torch --index-url https://download.pytorch.org/whl/cpu

e o pip não baixa outra ao instalar o `.whl`.

## O que o aluno faz

**No Jupyter, no próprio computador.** Põe o notebook e o `.whl` na mesma pasta, abre o notebook e roda
tudo. A primeira célula instala o pacote do `.whl` (uma vez; depois ela não faz nada). Num Python do sistema
que recusa o pip ("externally-managed-environment", no Debian e no Ubuntu recentes), a célula diz para usar um
ambiente virtual:

    python3 -m venv {lab}-venv
    {lab}-venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
    {lab}-venv/bin/pip install jupyterlab numpy matplotlib
    {lab}-venv/bin/jupyter lab {notebook}

**No Google Colab.** *Arquivo → Fazer upload de notebook*, com o `{notebook}`; depois, no painel *Arquivos*
(o ícone de pasta, à esquerda), *Fazer upload para o armazenamento da sessão*, com o `.whl`, que vai para
`/content`; então *Ambiente de execução → Executar tudo*. O `/content` é apagado quando o ambiente de execução
é reciclado, e aí é preciso enviar o `.whl` de novo. Para não reenviar: o aluno deixa o `.whl` no seu Google
Drive (em *Meu Drive* ou numa pasta logo dentro dele) e monta o Drive (painel *Arquivos* → *Montar Drive*)
antes de rodar; a primeira célula o procura lá também.

Sem o `.whl` em nenhum desses lugares, a primeira célula para com um erro que diz o que enviar e onde, e
*Executar tudo* para ali.

**Outra forma: o repositório.** Se o repositório estiver num endereço git que os alunos alcançam,
`REPOSITORIO = "https://…"` na primeira célula instala o pacote dele (`pip install git+…`), sem o `.whl`.

## Corrigir as entregas

Com o pacote instalado no seu computador (`pip install {wheel}`, depois do PyTorch para CPU, como acima),
o `mlp-check` confere os notebooks entregues, cada um num processo separado, com limite de tempo, e dá uma
nota por função:

    mlp-check {assignment}--lang pt entregas/*.ipynb --csv notas.csv --summary turma.html

`notas.csv` tem uma linha por arquivo, com a nota e o resultado de cada função. `turma.html` é o relatório da
turma: por função, quantos arquivos passaram, falharam ou não a têm; cada erro provável com os arquivos que o
cometeram; as falhas sem nome, agrupadas por saídas idênticas; os arquivos que não rodaram e os que não tinham
nada a verificar. É uma página só, com os gráficos dentro, que abre sem internet (`--summary turma.md` dá o
mesmo em Markdown, sem os gráficos). `mlp-check --help --lang pt` lista as opções (a rubrica, o relatório do
Gradescope, o tempo limite).
"""


#: what each check cell follows
CHECKED = "cada uma seguida de uma verificação contra o autograd do PyTorch"
#: each assignment with an exercise notebook: (the page's title, what the notebook holds)
ASSIGNMENTS = {
    "lab1": ("Lab 1 — backpropagation à mão", "uma célula para cada fórmula do lab (a sigmoide, BP1, BP2, BP4, a "
                                              f"atualização de θ e um passo de treinamento), {CHECKED}"),
    "lab2": ("Lab 2 — vieses, tanh, softmax com entropia cruzada, minilotes",
             "uma célula para cada função da tarefa lab2 (a tanh e a sua derivada, BP1 da softmax com entropia "
             f"cruzada, BP2, BP4, BP3 dos vieses, a atualização de θ e b), {CHECKED}, e o laço de treinamento "
             "com minilotes"),
    "lab3": ("Lab 3 — otimizadores com estado: momentum e Adam",
             "uma célula para cada atualização da tarefa lab3 (o momentum na convenção do PyTorch e o Adam, com o "
             f"seu estado), {CHECKED}, e o treinamento comparando o gradiente descendente, o momentum e o Adam"),
}


def leiame(version: str, wheel: str, notebook: str, revision: tuple[str, bool] | None,
           assignment: str | None = None) -> str:
    """The page for a kit of manual-mlp ``version`` and ``assignment`` (lab1 by default: ``mlp-check`` grades it
    without ``--assignment``); ``revision`` as :meth:`Checkout.revision` gives it."""
    where = ""
    if revision is not None:
        commit, changed = revision
        where = f" (commit {commit}{', com alterações ainda sem commit' if changed else ''})"
    lab = assignment or "lab1"
    title, cells = ASSIGNMENTS.get(lab, (f"{lab}", f"uma célula para cada função da tarefa {lab}, {CHECKED}"))
    return TEMPLATE.format(version=version, revision=where, wheel=wheel, notebook=notebook, title=title,
                           cells=cells, lab=lab, assignment="" if lab == "lab1" else f"--assignment {lab} ")
