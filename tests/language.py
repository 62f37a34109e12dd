"""Finding English in Portuguese or Spanish output, Portuguese in English or Spanish output.

Text is first stripped of what reads the same in both languages: quoted and back-quoted
spans, options (--lang), program names (mlp-check), file paths, identifiers (delta_L,
residual_sign, float64), calls (step(…)), numbers and formulas. Python's own exception
messages quoted from a student's run ("SyntaxError: invalid syntax") are stripped too.
What remains is split into words; a word of another language's list is a finding.
The lists hold words that are not also words (or shared terms) of the language checked;
Spanish shares many words with Portuguese (caso, época, fórmula, inicial…) and one with
English (error), and those are left out of the lists when Spanish is checked.
"""
from __future__ import annotations

import re

ENGLISH = set("""
the is are was were be been of with not found steps epoch epochs differs differ differed and or but must got
has have had which this that these those from for to in on at by it its into onto every all only than then
expected cannot does did doesn yet write written wrote left right error errors file files folder missing unknown
choose twins twin should would when where what there here after before stopped learning rate weights whole number
numbers needs need takes without each both gives returned raised calls call agree agrees probably function
functions implemented mistake injected saved initial reduction largest far exactly drawn axis tolerance so
shape shapes units unit layer layers hidden output inputs input sample samples per least most give given try
options interrupted nothing check checked run ran same while entries entry elementwise harness sandbox
usable average load measured note yes beyond overflowing seed terms mean
""".split())
PORTUGUESE = set("""
não passo passos época épocas diferem difere diferença grandeza grandezas fórmula implementação implementações
erro certo injetado arquivo pasta veio deve precisa ainda concordam encontrada encontradas função funções caso
linha célula maior até aqui então uma das dos nas nos são está estão para pelo pela tem mas que gráfico salvo
treinamento inicial redução entrada entradas saída camada oculta amostra amostras escreva rode provável
""".split())

_STRIP = [
    r"\{[^{}\n]*\}",                       # a template's {fields}
    r"\b\w*Error: [^(\n]*",                 # Python's own message, quoted from a run
    r"'[^'\n]*'", r'"[^"\n]*"', r"`[^`\n]*`",  # quoted names and values
    r"--?[A-Za-z][\w-]*",                  # options
    r"\bmlp-\w+",                          # program names
    r"[\w.~-]*/[\w./~-]*",                 # paths
    r"\b[\w.]+\.(?:py|ipynb|npz|png|json|csv|pdf|svg)\b",
    r"\b\w+\(",                            # a call: step(, sigmoid(
    r"\b\w*[_\d]\w*\b",                    # identifiers and numbers: delta_L, float64, θ1
]


def words(text: str) -> list[str]:
    """The words of ``text`` that a reader reads as language (lower case)."""
    for pattern in _STRIP:
        text = re.sub(pattern, " ", text)
    return re.findall(r"[^\W\d_]+", text.lower())


#: words of the lists above that are Spanish words too
SPANISH_TOO = set("""
error caso época épocas fórmula célula gráfico inicial entrada entradas oculta para que dos nos das mas está
encontrada encontradas salvo precisa pasta grandeza pelo pela camada rode
""".split())
#: for each language, the words of the others that are not its own
OTHERS = {"pt": ENGLISH, "en": PORTUGUESE, "es": (ENGLISH | PORTUGUESE) - SPANISH_TOO}


def foreign(text: str, lang: str) -> list[str]:
    """Words of another language in text meant to be in ``lang`` ("pt", "en" or "es")."""
    return [w for w in words(text) if w in OTHERS[lang]]


#: a preposition left beside the article it contracts with in Portuguese ("dentro de o limite" is "dentro do
#: limite", "em os" is "nos"); "de a" is not here, since a is also the activation ("em vez de a(1 − a)")
UNCONTRACTED = re.compile(r"\b(?:de|em|por) (?:o|os)\b|\b(?:em|por) (?:a|as) (?![\w(⁽])")
#: a preposition contracted with a file's name ("talvez na sintaxe.py": files take no article)
FILE_WITH_ARTICLE = re.compile(r"\b(?:na|no|da|do) [\w.-]+\.(?:py|ipynb|npz|json|toml)\b")


def ungrammatical(text: str) -> list[str]:
    """Portuguese the lab's readers would stumble on: prepositions not contracted, files given an article."""
    return UNCONTRACTED.findall(text) + FILE_WITH_ARTICLE.findall(text)


def foreign_lines(text: str, lang: str) -> list[str]:
    """The lines of ``text`` with words of the other language, each with those words, for a failure message."""
    return [f"{line.strip()}   <- {found}" for line in text.splitlines() if (found := foreign(line, lang))]
