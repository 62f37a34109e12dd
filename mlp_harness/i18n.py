"""Every printed heading and plot label, in English and in Portuguese (the lab's language).

One table, so that any tool can reuse it: ``tr("pt", "initial_loss")`` → "Loss inicial".
mlp-train's lines and plot, mlp-compare's table, verdict and ``--explain`` tags,
and the sentence that says where the twins part (``Mismatch.describe(lang)``).
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
        "equal": "Twins stayed equal for all {epochs} epochs ({rule}, {dtype}); largest |Δ| = {largest:.1e}{ratio}",
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
        "boundary_class": "predicted class: argmax of a⁽ᴸ⁾",
        "class": "class {label}",
        # mlp-compare's table and verdict
        "quantity": "quantity",
        "formula": "formula",
        "max_diff": "max |Δ|",
        "finite_differences": "finite differences",
        "fd_errors": "rel. err NumPy / PyTorch",
        "step_of": "Step {step} of {steps}",
        "step_title": "Step {step}",
        "new": "(new)",
        "first_mismatch_mark": "◀ first mismatch",
        "witnesses": "formula = autograd",
        "witnesses_fd": "formula = autograd = finite differences",
        "ok_line": "OK ({witnesses}): every quantity of all {steps} step(s) agrees within {rule} ({dtype}); "
                   "largest |Δ| = {largest:.1e}{ratio}",
        "fail_line": "FAIL: {what} ({rule})",
        "rule_fixed": "rtol={rtol:.1e}, atol={atol:.1e}",
        "rule_bound": "each quantity's rounding-error bound, u = {u:.1e}{tf32}",
        "rule_tf32": ", TF32 operands {u:.1e}",
        "ratio_note": ", at most {ratio:.2g} of its bound",
        "summary_title": "Per-step summary",
        "summary_shown": " ({shown} of {total} steps shown; --json has all)",
        "step": "step",
        "unnoticed": "It went unnoticed: its effect stayed within {rule} ({dtype}); "
                     "try --dtype float64 or a network where it shows more.",
        # where the twins part (Mismatch.describe)
        "mismatch": "mismatch at step {step}: {where} differs — NumPy {numpy!r}, PyTorch {torch!r}, |Δ| = {diff:.3e}",
        "diverged_at": "diverged at step {step}: {twins} produced a non-finite value in {where} "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "fd_disagree": "mismatch at step {step}: {where} — finite differences give {fd!r} but {twins} disagree "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "twins_both": "both twins",
        "twins_numpy": "the NumPy twin",
        "twins_torch": "the PyTorch twin",
        # --explain
        "explain_header": "--explain: under each row, its formula for entry [0, 0] (first sample, first unit; [0] of "
                          "b; J whole), with the NumPy twin's numbers in place",
        "explain_too_big": "--explain: not shown, the network is too big to follow by hand: {reason}; explanations "
                           "need every matrix to have at most {limit} entries, so that the table prints each one "
                           "whole (use fewer samples with --batch-size, or smaller --layers)",
        "tag_forward": "forward pass",
        "tag_loss": "loss",
        "tag_BP1": "BP1 output error",
        "tag_BP2": "BP2 hidden error",
        "tag_BP3": "BP3 bias gradient",
        "tag_BP4": "BP4 weight gradient",
        "tag_update": "update",
        "tag_state": "optimizer state",
        # --inject-bug (the mistakes' own descriptions are the catalogue's, in mlp_harness/teach/mutants.py)
        "injected": "Injected mistake {name!r}: {description}. Right: {right}; injected: {wrong}.",
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
        "equal": "As duas implementações ficaram iguais nas {epochs} épocas ({rule}, {dtype}); "
                 "maior |Δ| = {largest:.1e}{ratio}",
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
        "boundary_class": "classe prevista: argmax de a⁽ᴸ⁾",
        "class": "classe {label}",
        # mlp-compare's table and verdict
        "quantity": "grandeza",
        "formula": "fórmula",
        "max_diff": "máx |Δ|",
        "finite_differences": "diferenças finitas",
        "fd_errors": "erro rel. NumPy / PyTorch",
        "step_of": "Passo {step} de {steps}",
        "step_title": "Passo {step}",
        "new": "(novo)",
        "first_mismatch_mark": "◀ primeira diferença",
        "witnesses": "fórmula = autograd",
        "witnesses_fd": "fórmula = autograd = diferenças finitas",
        "ok_line": "OK ({witnesses}): todas as grandezas do(s) {steps} passo(s) concordam dentro de {rule} ({dtype}); "
                   "maior |Δ| = {largest:.1e}{ratio}",
        "fail_line": "FALHA: {what} ({rule})",
        "rule_fixed": "rtol={rtol:.1e}, atol={atol:.1e}",
        "rule_bound": "o limite de erro de arredondamento de cada grandeza, u = {u:.1e}{tf32}",
        "rule_tf32": ", operandos TF32 {u:.1e}",
        "ratio_note": ", no máximo {ratio:.2g} do seu limite",
        "summary_title": "Resumo por passo",
        "summary_shown": " ({shown} de {total} passos mostrados; --json tem todos)",
        "step": "passo",
        "unnoticed": "Passou despercebido: o efeito ficou dentro de {rule} ({dtype}); "
                     "tente --dtype float64 ou uma rede em que ele apareça mais.",
        # where the twins part (Mismatch.describe)
        "mismatch": "diferença no passo {step}: {where} difere — NumPy {numpy!r}, PyTorch {torch!r}, "
                    "|Δ| = {diff:.3e}",
        "diverged_at": "divergiu no passo {step}: valor não finito em {where} {twins} "
                       "(NumPy {numpy!r}, PyTorch {torch!r})",
        "fd_disagree": "diferença no passo {step}: {where} — as diferenças finitas dão {fd!r}, diferente do valor "
                       "{twins} (NumPy {numpy!r}, PyTorch {torch!r})",
        "twins_both": "nas duas implementações",
        "twins_numpy": "na implementação NumPy",
        "twins_torch": "na implementação PyTorch",
        # --explain
        "explain_header": "--explain: abaixo de cada linha, a fórmula da entrada [0, 0] (primeira amostra, primeira "
                          "unidade; [0] de b; J inteira), com os números da implementação NumPy",
        "explain_too_big": "--explain: não mostrado, a rede é grande demais para acompanhar à mão: {reason}; as "
                           "explicações precisam de matrizes com no máximo {limit} entradas, para que a tabela "
                           "mostre cada uma inteira (use menos amostras com --batch-size, ou --layers menores)",
        "tag_forward": "forward pass",
        "tag_loss": "função de custo",
        "tag_BP1": "BP1 erro da saída",
        "tag_BP2": "BP2 erro da camada oculta",
        "tag_BP3": "BP3 gradiente do viés",
        "tag_BP4": "BP4 gradiente dos pesos",
        "tag_update": "otimizador",
        "tag_state": "estado do otimizador",
        # --inject-bug
        "injected": "Erro injetado {name!r}: {description}. Certo: {right}; injetado: {wrong}.",
        "mutant_no_sigma_prime": "a derivada f′(z) da ativação fica de fora de todo δ",
        "mutant_hidden_no_sigma_prime": "f′(z) fica de fora só do δ das camadas ocultas",
        "mutant_sigma_prime_of_a": "σ′ é aplicada a a em vez de z: σ(a)(1 − σ(a)) em vez de a(1 − a)",
        "mutant_theta_l_in_hidden_delta": "o δ oculto leva o erro de volta por θ⁽ˡ⁾ em vez de θ⁽ˡ⁺¹⁾",
        "mutant_missing_transpose": "∂J/∂θ é calculado como a⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ (a transposta da matriz certa) e "
                                    "remodelado (reshape) para a forma de θ em vez de transposto",
        "mutant_half_dropped": "o ½ de J = ½Σ(y − a)² é esquecido ao derivar, o que dobra todo gradiente",
        "mutant_residual_sign": "o resíduo é tomado ao contrário",
        "mutant_sign_flipped": "a atualização sobe o gradiente em vez de descê-lo",
        "mutant_bias_grad_first_sample": "o gradiente do viés usa o δ da primeira amostra em vez de somar "
                                         "sobre o lote",
        "mutant_mean_instead_of_sum": "todo gradiente é a média sobre o lote, mas J = ½Σ soma sobre ele",
        "mutant_updated_theta_in_backward": "θ⁽ˡ⁺¹⁾ é atualizado assim que seu gradiente é conhecido, e o δ "
                                            "seguinte usa o θ novo (descida do gradiente com o η da execução)",
    },
}

LANGS = tuple(TEXTS)


def tr(lang: str, key: str, **fields) -> str:
    """The text ``key`` in ``lang`` ("en" or "pt"), with ``fields`` filled in."""
    text = TEXTS[lang][key]
    return text.format(**fields) if fields else text
