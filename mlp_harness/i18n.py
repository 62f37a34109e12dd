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
        "accuracy": "Training accuracy",
        "accuracy_short": "accuracy",
        "accuracy_title": "Training accuracy per epoch",
        "boundary_contour": "a⁽ᴸ⁾ = 0.5: the decision boundary",
        "weights_saved": "Trained weights (the {twin} twin's) written to {path}: use them with --weights {path}",
        "not_saved": "--save: nothing written to {path}: training did not end with finite, agreeing weights",
        "needs_data_extra": "--dataset {dataset} needs scikit-learn, which is not installed: "
                            "pip install -e \".[data]\" (or pip install scikit-learn)",
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
        # mlp-check and check_lab: someone's own functions against autograd
        "check_formula_step": "your step(X, Y, thetas, eta), step by step",
        "check_formula_chain": "your functions chained into a training step",
        "check_autograd": "autograd {target}",
        "check_yours": "yours",
        "check_right": "right:",
        "check_probably": "probably:",
        "check_verdict_ok": "OK: every function found agrees with autograd",
        "check_verdict_wrong": "FAIL: {names} differ from autograd",
        "check_verdict_wrong_one": "FAIL: {names} differs from autograd",
        "check_verdict_not_run": "FAIL: the file did not run as written",
        "check_verdict_missing": "; not found: {names}",
        "check_file_error": "the file did not run as written: {error}",
        "check_col_function": "function",
        "check_col_formula": "formula",
        "check_col_result": "result",
        "check_chain_broken_many": "{message} — expected, since {names} already failed on their own",
        "check_cell": "code cell {cell}",
        "check_line": "line {line}",
        "check_in": "in {function}",
        "check_timeout": "did not return within {limit:g} s",
        "check_raised": "case {case}: {call} raised {error}",
        "check_returned_none": "case {case}: {call} returned None",
        "check_returned_other": "case {case}: {call} returned a {type}, not an array of numbers",
        "check_shape": "case {case}: {call} returned shape {got}, but autograd's {target} has shape {expected}",
        "check_mismatch": "case {case}: {target}{index} — autograd {expected}, yours {got} (|Δ| = {diff})",
        "check_nonfinite": "case {case}: {target}{index} — autograd {expected}, yours {got} (not a finite number)",
        "check_missing": "not found",
        "check_missing_after": "not found (perhaps in {where}, which did not run)",
        "check_not_function": "{name} is not a function ({what})",
        "check_pass": "all {calls} calls agree with autograd",
        "check_step_pass": "your step() agrees with autograd for {steps} steps on {cases} networks",
        "check_chain_pass": "your functions, chained into a training step, agree with autograd for {steps} steps "
                            "on {cases} networks",
        "check_step_shape": "case {case}, step {step}: the new {target} has shape {got}, but θ has shape {expected}",
        "check_step_mismatch": "case {case}, step {step}: new {target}{index} — autograd {expected}, yours {got} "
                               "(|Δ| = {diff})",
        "check_step_raised": "case {case}, step {step}: {error}",
        "check_step_returned": "case {case}, step {step}: the step returned {what}, not the list of new θ",
        "check_chain_own_sigma": "{message} — only with your sigmoid in the forward pass (with NumPy's σ the chain "
                                 "agrees): see sigmoid",
        "check_chain_broken": "{message} — expected, since {names} already failed on its own",
        "check_diagnosis": "{name}: {description} (computes {wrong})",
        "check_diagnosis_plain": "{name}: {description}",
        "check_cell_skipped": "{where}: a cell magic (%%), not run",
        "check_cell_timeout": "{where}: still running after {limit:g} s, interrupted",
        "check_cell_error": "{where}: {type}: {message}{at}",
        "check_cell_syntax": "{where}: {type}: {message} (line {line}: {text})",
        "check_nothing": "nothing to check: none of {names} was given",
        "check_nothing_in": "{file}: nothing to check: none of {names} is defined there (other names: --name "
                            "delta_L=your_name)",
        "check_at_cell": " in code cell {cell}",
        "check_file_timeout": "stopped after {seconds:g} s{at}: the file did not finish (an endless loop?)",
        "check_crashed": "the file ended its own process (exit code {code}){at} {detail}",
        "mistake_exp_sign": "the minus sign of the exponent is lost",
        "mistake_returns_derivative": "it returns σ′(z) instead of σ(z)",
        "mistake_missing_reciprocal": "the 1 / (…) is missing",
        "mistake_tanh_for_sigmoid": "it computes tanh instead of σ",
        "mistake_loss_instead_of_delta": "it returns the loss of each sample instead of δ⁽ᴸ⁾",
        "mistake_theta_transposed": "θ⁽ˡ⁺¹⁾ is transposed: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ only fits when the layers have the "
                                    "same size",
        "mistake_transposed_gradient": "the product is taken the other way round, giving the transpose of ∂J/∂θ⁽ˡ⁾",
        "mistake_eta_ignored": "the learning rate η is left out",
        "mistake_eta_fixed": "η is fixed at the lab's 0.1 instead of using the eta argument",
        "mistake_returns_change": "it returns the change −η∂J/∂θ instead of the new θ",
        "mistake_undefined_name": "it uses {name!r}, which is not defined where the function runs (a notebook "
                                  "variable, or a typo for one of its parameters?)",
        "mistake_math_on_array": "math.exp (or another function of math) takes one number; np.exp works on "
                                 "whole arrays",
        "mistake_endless_loop": "it does not return: an endless loop?",
        "mistake_missing_return": "the function computes its result but has no `return`, so Python returns None",
        "mistake_broadcast": "an (N,) array met an (N, 1) array and NumPy broadcast them to (N, N): keep y and a "
                             "both (N, 1)",
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
        "accuracy": "Acurácia de treinamento",
        "accuracy_short": "acurácia",
        "accuracy_title": "Acurácia de treinamento por época",
        "boundary_contour": "a⁽ᴸ⁾ = 0,5: a fronteira de decisão",
        "weights_saved": "Pesos treinados (da implementação {twin}) salvos em {path}: use-os com --weights {path}",
        "not_saved": "--save: nada foi escrito em {path}: o treinamento não terminou com pesos finitos e iguais",
        "needs_data_extra": "--dataset {dataset} precisa do scikit-learn, que não está instalado: "
                            "pip install -e \".[data]\" (ou pip install scikit-learn)",
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
        "mutant_sigma_prime_of_z": "σ′ é escrita em termos de a mas recebe z: z(1 − z) em vez de a(1 − a)",
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
        # mlp-check e check_lab: as funções de alguém contra o autograd
        "check_formula_step": "o seu step(X, Y, thetas, eta), passo a passo",
        "check_formula_chain": "as suas funções encadeadas num passo de treinamento",
        "check_autograd": "autograd {target}",
        "check_yours": "o seu",
        "check_right": "certo:",
        "check_probably": "provável erro:",
        "check_verdict_ok": "OK: toda função encontrada concorda com o autograd",
        "check_verdict_wrong": "FALHA: {names} diferem do autograd",
        "check_verdict_wrong_one": "FALHA: {names} difere do autograd",
        "check_verdict_not_run": "FALHA: o arquivo não rodou como está",
        "check_verdict_missing": "; não encontradas: {names}",
        "check_file_error": "o arquivo não rodou como está: {error}",
        "check_col_function": "função",
        "check_col_formula": "fórmula",
        "check_col_result": "resultado",
        "check_chain_broken_many": "{message} — esperado, pois {names} já falharam sozinhas",
        "check_cell": "célula de código {cell}",
        "check_line": "linha {line}",
        "check_in": "em {function}",
        "check_timeout": "não retornou em {limit:g} s",
        "check_raised": "caso {case}: {call} gerou {error}",
        "check_returned_none": "caso {case}: {call} devolveu None",
        "check_returned_other": "caso {case}: {call} devolveu um {type}, não um array de números",
        "check_shape": "caso {case}: {call} devolveu a forma {got}, mas o {target} do autograd tem forma {expected}",
        "check_mismatch": "caso {case}: {target}{index} — autograd {expected}, o seu {got} (|Δ| = {diff})",
        "check_nonfinite": "caso {case}: {target}{index} — autograd {expected}, o seu {got} (não é um número finito)",
        "check_missing": "não encontrada",
        "check_missing_after": "não encontrada (talvez na {where}, que não rodou)",
        "check_not_function": "{name} não é uma função ({what})",
        "check_pass": "todas as {calls} chamadas concordam com o autograd",
        "check_step_pass": "o seu step() concorda com o autograd por {steps} passos em {cases} redes",
        "check_chain_pass": "as suas funções, encadeadas num passo de treinamento, concordam com o autograd por "
                            "{steps} passos em {cases} redes",
        "check_step_shape": "caso {case}, passo {step}: o novo {target} tem forma {got}, mas θ tem forma {expected}",
        "check_step_mismatch": "caso {case}, passo {step}: novo {target}{index} — autograd {expected}, o seu {got} "
                               "(|Δ| = {diff})",
        "check_step_raised": "caso {case}, passo {step}: {error}",
        "check_step_returned": "caso {case}, passo {step}: o passo devolveu {what}, não a lista dos novos θ",
        "check_chain_own_sigma": "{message} — só com a sua sigmoid no forward pass (com a σ do NumPy o "
                                 "encadeamento concorda): veja sigmoid",
        "check_chain_broken": "{message} — esperado, pois {names} já falhou sozinha",
        "check_diagnosis": "{name}: {description} (calcula {wrong})",
        "check_diagnosis_plain": "{name}: {description}",
        "check_cell_skipped": "{where}: uma mágica de célula (%%), não executada",
        "check_cell_timeout": "{where}: ainda rodando após {limit:g} s, interrompida",
        "check_cell_error": "{where}: {type}: {message}{at}",
        "check_cell_syntax": "{where}: {type}: {message} (linha {line}: {text})",
        "check_nothing": "nada a verificar: nenhuma de {names} foi dada",
        "check_nothing_in": "{file}: nada a verificar: nenhuma de {names} está definida ali (outros nomes: --name "
                            "delta_L=seu_nome)",
        "check_at_cell": " na célula de código {cell}",
        "check_file_timeout": "interrompido após {seconds:g} s{at}: o arquivo não terminou (um laço infinito?)",
        "check_crashed": "o arquivo encerrou o próprio processo (código de saída {code}){at} {detail}",
        "mistake_exp_sign": "o sinal de menos do expoente se perdeu",
        "mistake_returns_derivative": "devolve σ′(z) em vez de σ(z)",
        "mistake_missing_reciprocal": "falta o 1 / (…)",
        "mistake_tanh_for_sigmoid": "calcula tanh em vez de σ",
        "mistake_loss_instead_of_delta": "devolve a loss de cada amostra em vez de δ⁽ᴸ⁾",
        "mistake_theta_transposed": "θ⁽ˡ⁺¹⁾ está transposta: δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ᵀ só tem formas compatíveis quando as "
                                    "camadas têm o mesmo tamanho",
        "mistake_transposed_gradient": "o produto está na ordem inversa e dá a transposta de ∂J/∂θ⁽ˡ⁾",
        "mistake_eta_ignored": "a taxa de aprendizado η ficou de fora",
        "mistake_eta_fixed": "η está fixo no 0.1 do lab em vez de usar o argumento eta",
        "mistake_returns_change": "devolve a variação −η∂J/∂θ em vez do novo θ",
        "mistake_undefined_name": "usa {name!r}, que não está definido onde a função roda (uma variável do "
                                  "notebook, ou um erro de digitação num dos parâmetros?)",
        "mistake_math_on_array": "math.exp (ou outra função de math) recebe um só número; np.exp funciona em "
                                 "arrays inteiros",
        "mistake_endless_loop": "não retorna: um laço infinito?",
        "mistake_missing_return": "a função calcula o resultado mas não tem `return`, então o Python devolve None",
        "mistake_broadcast": "um array (N,) encontrou um (N, 1) e o NumPy os expandiu (broadcast) para (N, N): "
                             "mantenha y e a ambos (N, 1)",
    },
}

LANGS = tuple(TEXTS)


def tr(lang: str, key: str, **fields) -> str:
    """The text ``key`` in ``lang`` ("en" or "pt"), with ``fields`` filled in."""
    text = TEXTS[lang][key]
    return text.format(**fields) if fields else text
