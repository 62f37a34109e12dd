"""Every printed heading and plot label, in English and in Portuguese (the lab's language).

One table, so that any tool can reuse it: ``tr("pt", "initial_loss")`` → "Loss inicial".
Entries with ``{fields}`` are ``str.format`` templates. The Portuguese entries
follow the lab's own words (Época, Loss x Época de Treinamento, Loss inicial,
Loss final, Redução da loss).
"""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "epoch": "Epoch",
        "loss": "Loss",
        "loss_title": "Loss per training epoch",
        "numpy": "NumPy (by hand)",
        "torch": "PyTorch (autograd)",
        "diff_title": "Largest difference between the twins, per epoch",
        "diff_label": "max |Δ| over every quantity",
        "diff_zero": "|Δ| = 0 exactly ({count} epochs, drawn on the axis floor)",
        "tolerance_line": "tolerance: atol = {atol:.1e} (+ rtol·|value|)",
        "so_far": "max |Δ| so far",
        "initial_loss": "Initial loss",
        "final_loss": "Final loss",
        "reduction": "Loss reduction",
        "equal": "Twins stayed equal for all {epochs} epochs (rtol={rtol:.1e}, atol={atol:.1e}, {dtype}); "
                 "largest |Δ| = {largest:.1e}",
        "differed": "Twins differed: {what}",
        "diverged": "Training diverged at epoch {epoch}: the {twin} twin's loss or weights became non-finite",
        "one_twin": "Only the {twin} twin was trained (--impl {impl}): nothing to compare",
        "stopped": "stopped after epoch {epoch} of {epochs}",
        "same_start_ok": "The same step redone by both twins from identical weights agrees (max |Δ| = {diff:.1e}): "
                         "they compute the same step, and their trajectories parted because rounding differences "
                         "of ~1e-16 grew along the run (the training dynamics amplify them). Wider --rtol/--atol "
                         "let the run go on only while the difference stays below them.",
        "same_start_bad": "The same step redone by both twins from identical weights differs too "
                          "(max |Δ| = {diff:.1e}): the twins compute different steps.",
        "plot_written": "Plot written to {path}",
        "boundary_title": "Decision boundary after training ({dataset})",
        "boundary_output": "network output a⁽ᴸ⁾",
        "class": "class {label}",
    },
    "pt": {
        "epoch": "Época",
        "loss": "Loss",
        "loss_title": "Loss x Época de Treinamento",
        "numpy": "NumPy (à mão)",
        "torch": "PyTorch (autograd)",
        "diff_title": "Maior diferença entre as duas implementações, por época",
        "diff_label": "máx |Δ| entre todas as grandezas",
        "diff_zero": "|Δ| = 0 exatamente ({count} épocas, no piso do eixo)",
        "tolerance_line": "tolerância: atol = {atol:.1e} (+ rtol·|valor|)",
        "so_far": "máx |Δ| até aqui",
        "initial_loss": "Loss inicial",
        "final_loss": "Loss final",
        "reduction": "Redução da loss",
        "equal": "As duas implementações ficaram iguais nas {epochs} épocas (rtol={rtol:.1e}, atol={atol:.1e}, "
                 "{dtype}); maior |Δ| = {largest:.1e}",
        "differed": "As implementações divergiram: {what}",
        "diverged": "O treinamento divergiu na época {epoch}: a loss ou os pesos da implementação {twin} "
                    "deixaram de ser finitos",
        "one_twin": "Só a implementação {twin} foi treinada (--impl {impl}): nada a comparar",
        "stopped": "parou após a época {epoch} de {epochs}",
        "same_start_ok": "O mesmo passo refeito pelas duas implementações a partir de pesos idênticos concorda "
                         "(máx |Δ| = {diff:.1e}): elas calculam o mesmo passo, e as trajetórias se separaram "
                         "porque diferenças de arredondamento de ~1e-16 cresceram ao longo do treinamento (a "
                         "dinâmica do treinamento as amplifica). --rtol/--atol maiores deixam o treinamento "
                         "continuar só enquanto a diferença ficar abaixo deles.",
        "same_start_bad": "O mesmo passo refeito pelas duas implementações a partir de pesos idênticos também "
                          "difere (máx |Δ| = {diff:.1e}): as implementações calculam passos diferentes.",
        "plot_written": "Gráfico salvo em {path}",
        "boundary_title": "Fronteira de decisão após o treinamento ({dataset})",
        "boundary_output": "saída da rede a⁽ᴸ⁾",
        "class": "classe {label}",
    },
}

LANGS = tuple(TEXTS)


def tr(lang: str, key: str, **fields) -> str:
    """The text ``key`` in ``lang`` ("en" or "pt"), with ``fields`` filled in."""
    text = TEXTS[lang][key]
    return text.format(**fields) if fields else text
