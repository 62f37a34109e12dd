"""An assignment as data: the network, its cases and the functions a student writes (``mlp-check --assignment``).

The built-in assignments are ``lab1`` (the lab's, the default), ``lab2`` and
``lab3`` (``mlp_harness/check/assignments/*.toml``); a teacher's own is a file
of the same format (``--assignment course/lab4.toml``). The format, TOML::

    [assignment]
    title.en = "Lab 2: biases, a hidden tanh, softmax with cross-entropy"   # what --describe prints
    title.pt = "Lab 2: vieses, uma tanh oculta, softmax com entropia cruzada"
    title.es = "Lab 2: sesgos, una tanh oculta, softmax con entropía cruzada"   # optional, as any other language's
    imports = ["from manual_mlp import MLP"]   # optional: what the course's own notebook imports (lab3 hands out
                                      # its gradients): a hand-in is not flagged with "uses" for these

    [network]
    activation = "tanh"               # every hidden layer: sigmoid, tanh, relu, leaky_relu, identity
    output_activation = "softmax"     # the output layer's (softmax only with cross_entropy)
    loss = "cross_entropy"            # half_sse (½Σ, a sum), mse, bce, cross_entropy (means, as torch's)
    reduction = "mean"                # optional; stated for the reader: sum for half_sse, mean for the others
    bias = true                       # optional, false by default
    batch_size = 4                    # optional: mini-batches of this size in a fixed order; the full batch if absent
    dtype = "float64"                 # optional, float64 by default; float32: float32 arrays, each call and
                                      # each whole step held to its rounding-error bound (check.rounding)

    [optimizer]                       # the network's: every function is checked with it, unless its own
    name = "sgd"                      # sgd, adam or adamw
    lr = 0.5                          # η
    momentum = 0.0                    # optional (sgd): μ, torch's convention
    weight_decay = 0.0                # optional: λ (coupled for sgd and adam, decoupled for adamw)
    betas = [0.9, 0.999]              # optional (adam, adamw)
    eps = 1e-8                        # optional (adam, adamw)

    [optimizers.adam_update]          # optional: a function's own optimizer, keyed by its name in
    name = "adam"                     # [functions], the same keys as [optimizer]: one assignment can
    lr = 0.01                         # ask for momentum and for Adam

    [[cases]]                         # one table per case, in the order they are checked
    lab = "lab"                       # the lab's own X, Y, θ and η ("lab" or "lab-v2"; lab networks only)

    [[cases]]
    layers = [3, 4, 3]                # n₀, n₁, …, n_L: seeded θ (and b), X in [−1, 1], Y per the loss
    samples = 10                      # N
    seed = 1
    name = "3-4-3"                    # optional: the layers joined by "-" unless given; unique
    x_scale = 1.0                     # optional: X in [−x_scale, x_scale] (2000 on a layer without a hidden one
                                      # gives z beyond 709, where e^z overflows: softmax must take the row max away)

    [functions]                       # the name in the submission = its signature in the catalogue
    tanh_prime = "tanh_prime_a"
    bias_gradient = "bias_gradient"
    adam_update = "adam_update"

The catalogue of signatures (:mod:`mlp_harness.check.catalogue`;
``mlp-check --assignment list`` names them) says what each function is called
with and must return; a signature must fit the network (``bias_gradient``
needs ``bias = true``). A whole step keeps the name ``step``: the lab's
(``step``, its network) or, on a network with biases and plain gradient
descent, ``step_biases`` — ``step(X, Y, thetas, biases, eta) -> (thetas,
biases)`` on one mini-batch, handed the case's batches in their fixed order
for two epochs (see :mod:`mlp_harness.check.steps`); without it, the functions
``delta_L``, ``delta_l``, ``gradient``, ``bias_gradient`` and ``optimize`` are
chained into that step (:data:`BIAS_CHAIN`). Every
function is probed on every case, on every batch of one epoch, with
autograd's own inputs — an optimizer's update with torch.optim's own state
before each batch (momentum's velocity, Adam's m, v and t), so the state's
formulas show from the second batch on.

A file that is not this is refused with one line naming the key; so is a
float32 assignment whose bounds would not hold autograd's own float32 answers (:func:`mlp_harness.check.plan.refuse_unsound` and
:func:`~mlp_harness.check.plan.refuse_unsound_steps`).
"""
from __future__ import annotations

import ast
import hashlib
import keyword
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from manual_mlp import ACTIVATIONS, LOSSES, OptimizerSettings
from manual_mlp.losses import check_pairing, get_loss
from manual_mlp.validation import InputError

from ..i18n import LANGS, N_, _, tr
from .catalogue import CATALOGUE, Signature
from .execute import CHAIN_NEEDS, REFERENCE
from .submission import import_statement, imported
from .tomlfile import read_toml as read_text_toml

#: where the built-in assignments live (package data)
BUILT_IN = Path(__file__).resolve().parent / "assignments"
DEFAULT = "lab1"
#: the lab's functions, by the names a chained step and a step() are run under
LAB_SIGNATURES = {"delta_L": "delta_L_sigmoid_half_sse", "delta_l": "delta_l_sigmoid", "gradient": "gradient",
                  "optimize": "sgd_update"}
#: a seeded case's size limits: the inputs and answers travel to the worker as JSON
MAX_UNITS, MAX_SAMPLES, MAX_LAYERS = 64, 256, 6
KEYS = {"assignment": ("title", "imports"),
        "network": ("activation", "output_activation", "loss", "reduction", "bias", "batch_size", "dtype"),
        "optimizer": ("name", "lr", "momentum", "weight_decay", "betas", "eps"),
        "case": ("lab", "layers", "samples", "seed", "name", "x_scale", "lr")}
LAB_CASES = ("lab", "lab-v2")
#: a network with biases: the functions chained into a step on one mini-batch, by their names, and each one's kind
BIAS_CHAIN = {"delta_L": "delta_L", "delta_l": "delta_l", "gradient": "gradient", "bias_gradient": "bias_gradient",
              "optimize": "update"}

#: what each signature of the catalogue computes, in words
SIGNATURE_WORDS = {"sigmoid": N_("the sigmoid, entry by entry"),
                   "tanh": N_("the hyperbolic tangent, entry by entry"),
                   "relu": N_("the rectifier, entry by entry"),
                   "softmax": N_("softmax of each row, the row's largest z taken away first so that e^z cannot "
                                 "overflow"),
                   "sigmoid_prime_a": N_("σ′ at z, written in a = σ(z): it is given a, not z"),
                   "tanh_prime_a": N_("tanh′ at z, written in a = tanh(z): it is given a, not z"),
                   "tanh_prime_z": N_("tanh′ at z, given z"),
                   "relu_prime_z": N_("relu′ at z, given z"),
                   "delta_L_sigmoid_half_sse": N_("the output error of a sigmoid output with J = ½Σ(y − a)²"),
                   "delta_L_softmax_cross_entropy": N_("the output error of softmax with cross-entropy averaged over "
                                                       "the N samples of the batch (torch's mean): the softmax "
                                                       "Jacobian and the log cancel"),
                   "delta_l_sigmoid": N_("the error of a hidden sigmoid layer, from the layer above (θ before its "
                                         "update)"),
                   "delta_l_tanh": N_("the error of a hidden tanh layer, from the layer above (θ before its update)"),
                   "delta_l_relu": N_("the error of a hidden relu layer, from the layer above; it is given z, not a"),
                   "gradient": N_("the gradient of the weights: a sum over the samples of the batch"),
                   "bias_gradient": N_("the gradient of the biases: δ summed over the samples of the batch, one "
                                       "number per unit"),
                   "sgd_update": N_("one step of gradient descent, for θ and for b alike"),
                   "momentum_update": N_("gradient descent with momentum in torch's convention (v = 0 is given "
                                         "before the first step, so that v = ∂J/∂θ after it, as torch starts); it "
                                         "returns the new θ and the new v, for θ and for b alike (g = ∂J/∂θ)"),
                   "adam_update": N_("Adam with bias correction, as torch: t is given before its increment (0 before "
                                     "the first step) and returned after it, m and v start at 0; it returns the new "
                                     "θ, m, v and t (g = ∂J/∂θ)"),
                   "adamw_update": N_("AdamW: Adam whose weight decay is decoupled (θ shrinks by ηλθ outside the "
                                      "moments); t, m and v as Adam's"),
                   "step": N_("one whole training step of the lab's network, returning the list of new θ"),
                   "step_biases": N_("one whole training step on one mini-batch, returning the new θ and b; the "
                                     "checker hands it the batches in their fixed order, batch k at step k, each "
                                     "from the θ and b your step before it returned")}


@dataclass(frozen=True)
class Network:
    activation: str
    output_activation: str
    loss: str
    bias: bool
    batch_size: int | None
    dtype: str
    optimizer: str
    lr: float
    momentum: float = 0.0
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    @property
    def reduction(self) -> str:
        return "sum" if self.loss == "half_sse" else "mean"

    def run_settings(self) -> dict:
        """RunConfig's fields other than η (see :class:`mlp_harness.verify.run.RunConfig`)."""
        return dict(activation=self.activation, output_activation=self.output_activation, loss=self.loss,
                    optimizer=self.optimizer, dtype=self.dtype, momentum=self.momentum,
                    weight_decay=self.weight_decay, betas=self.betas, eps=self.eps)


@dataclass(frozen=True)
class CaseSpec:
    name: str
    lab: str | None = None               # "lab" or "lab-v2": the lab's own numbers
    layers: tuple[int, ...] = ()
    samples: int = 0
    seed: int = 0
    x_scale: float = 1.0                 # X in [−x_scale, x_scale]
    lr: float | None = None              # the case's own η (else the optimizer's): a step's η must be its argument


@dataclass(frozen=True, eq=False)
class Assignment:
    name: str                            # "lab1", or the file as given
    title: dict                          # {"en": …, "pt": …} and any other language's (title_in)
    network: Network
    cases: tuple[CaseSpec, ...]
    functions: dict                      # the name in the submission -> its Signature, in the file's order
    key: str = ""                        # the file's contents' hash (a plan is computed once per assignment)
    optimizers: dict = field(default_factory=dict)   # a function's own optimizer: its name -> its Network
    imports: frozenset = frozenset()     # what the course's own notebook imports: never flagged ("jax:grad")

    def network_for(self, name: str) -> Network:
        """The network a function is checked on: the assignment's, with the function's own optimizer if any."""
        return self.optimizers.get(name, self.network)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.functions)

    @property
    def chains(self) -> bool:
        """The lab's functions can be chained into the lab's step (its network, its names)."""
        lab = CATALOGUE["step"].fits(self.network) is None
        return lab and all(self.functions.get(n) is CATALOGUE[s] for n, s in LAB_SIGNATURES.items())

    @property
    def bias_chain(self) -> tuple[str, ...]:
        """The functions chained into a step on one mini-batch (see :data:`BIAS_CHAIN`), when the network has
        biases and plain gradient descent and the assignment asks for each by its name there; else ()."""
        net = self.network
        if CATALOGUE["step_biases"].fits(net) is not None or any(n in self.optimizers for n in BIAS_CHAIN) or \
                not {net.activation, net.output_activation} <= set(REFERENCE):
            return ()
        hidden = any(len(c.layers) > 2 for c in self.cases)
        needs = tuple(n for n in BIAS_CHAIN if hidden or n != "delta_l")
        kinds = {n: s.kind for n, s in self.functions.items()}
        fit = all(kinds.get(n) == BIAS_CHAIN[n] for n in needs) and self.functions["gradient"].name == "gradient" \
            and self.functions["optimize"].name == "sgd_update"
        if not fit:
            return ()
        return needs if "delta_l" not in needs or self.functions["delta_l"].args[2].name == "al" else ()

    @property
    def chain_needs(self) -> tuple[str, ...]:
        """The functions a chained step is made of: the lab's, the bias chain's, or () when there is none."""
        return CHAIN_NEEDS if self.chains else self.bias_chain

    def forward_names(self) -> tuple[str, str] | None:
        """The names of the submission's own activations for the chain's forward pass (hidden, output), when the
        assignment asks for both (a network without hidden layer needs the output's only); else None."""
        named = {s.name: n for n, s in self.functions.items() if s.kind == "activation"}
        hidden = named.get(self.network.activation) if any(len(c.layers) > 2 for c in self.cases) else ""
        output = named.get(self.network.output_activation)
        return None if hidden is None or output is None else (hidden or output, output)


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILT_IN.glob("*.toml"))


def load_assignment(name_or_path: str | Path | Assignment | None = None) -> Assignment:
    """A built-in assignment by name (default lab1), or a teacher's TOML file; an Assignment passes through.
    InputError — one line naming the file and the key — for anything else."""
    if isinstance(name_or_path, Assignment):
        return name_or_path
    given = DEFAULT if name_or_path is None else str(name_or_path)
    if given in builtin_names():
        return parse_assignment(read_toml(BUILT_IN / f"{given}.toml", given), given)
    if not given.endswith(".toml"):
        raise InputError(_("unknown assignment {name!r}; the built-in ones are {names} (or give a .toml "
                           "file)").format(name=given, names=", ".join(builtin_names())))
    return parse_assignment(read_toml(Path(given), given), given)


def read_toml(path: Path, where: str) -> tuple[dict, str]:
    """(the parsed document, its hash)."""
    data, text = read_text_toml(path, "--assignment", where)
    return data, hashlib.sha256(text.encode()).hexdigest()


def bad(where: str, place: str, key: str, value, reason: str) -> InputError:
    return InputError(_("--assignment {path}: {place} {key} = {value!r}: {reason}").format(
        path=where, place=place, key=key, value=value, reason=reason))


def table(data: dict, key: str, where: str, place: str, required: bool = True) -> dict:
    """The sub-table ``key``, its keys checked against KEYS (any keys in the tables keyed by the functions' names)."""
    value = data.get(key, None if required else {})
    if value is None:
        raise InputError(_("--assignment {path}: no {place} table").format(path=where, place=place))
    return keyed(value, None if key in ("functions", "optimizers") else KEYS.get(key, ()), where, place)


def keyed(value, allowed: tuple[str, ...] | None, where: str, place: str) -> dict:
    """``value`` if it is a table whose keys are all ``allowed`` (any key when None); else the first one that is not."""
    if not isinstance(value, dict):
        raise InputError(_("--assignment {path}: {place} must be a table").format(path=where, place=place))
    unknown = sorted(set(value) - set(allowed)) if allowed is not None else []
    if unknown:
        raise InputError(_("--assignment {path}: unknown key {key!r} in {place}; it has {names}").format(
            path=where, key=unknown[0], place=place, names=", ".join(allowed)))
    return value


def choice(value, options, where: str, place: str, key: str) -> str:
    if value not in options:
        raise bad(where, place, key, value, _("use one of {names}").format(names=', '.join(options)))
    return value


def number(value, where: str, place: str, key: str, low: float = 0.0, strict: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and (
        value > low if strict else value >= low)
    if not ok:
        raise bad(where, place, key, value, _("a finite number {op} {low:g}").format(op=">" if strict else "≥",
                                                                                     low=low))
    return float(value)


def whole(value, where: str, place: str, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(where, place, key, value, _("a whole number from {low} to {high}").format(low=low, high=high))
    return value


def parse_network(data: dict, where: str) -> dict:
    net, place = table(data, "network", where, "[network]"), "[network]"
    hidden = [n for n, a in ACTIVATIONS.items() if not a.output_only]
    fields = dict(activation=choice(net.get("activation"), hidden, where, place, "activation"),
                  output_activation=choice(net.get("output_activation"), list(ACTIVATIONS), where, place,
                                           "output_activation"),
                  loss=choice(net.get("loss"), list(LOSSES), where, place, "loss"))
    try:
        check_pairing(fields["output_activation"], get_loss(fields["loss"]))
    except InputError as exc:
        raise bad(where, place, "loss", fields["loss"], str(exc)) from None
    reduction = "sum" if fields["loss"] == "half_sse" else "mean"
    choice(net.get("reduction", reduction), [reduction], where, place, "reduction")
    bias = net.get("bias", False)
    if not isinstance(bias, bool):
        raise bad(where, place, "bias", bias, _("true or false"))
    size = net.get("batch_size")
    size = None if size is None else whole(size, where, place, "batch_size", 1, MAX_SAMPLES)
    dtype = choice(net.get("dtype", "float64"), ["float64", "float32"], where, place, "dtype")
    return fields | {"bias": bias, "batch_size": size, "dtype": dtype}


def parse_optimizer(opt: dict, where: str, place: str) -> dict:
    """An [optimizer] table's fields (Network's), each checked; torch's own checks last (OptimizerSettings)."""
    name = choice(opt.get("name"), ["sgd", "adam", "adamw"], where, place, "name")
    lr = number(opt.get("lr"), where, place, "lr", strict=True)
    fields = {"optimizer": name, "lr": lr,
              "momentum": number(opt.get("momentum", 0.0), where, place, "momentum"),
              "weight_decay": number(opt.get("weight_decay", 0.0), where, place, "weight_decay"),
              "eps": number(opt.get("eps", 1e-8), where, place, "eps", strict=True)}
    betas = opt.get("betas", [0.9, 0.999])
    if not (isinstance(betas, list) and len(betas) == 2 and
            all(isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1 for b in betas)):
        raise bad(where, place, "betas", betas, _("two numbers in [0, 1)"))
    if name != "sgd" and fields["momentum"]:
        raise bad(where, place, "momentum", opt["momentum"], _("Adam's momentum is betas"))
    fields |= {"betas": (float(betas[0]), float(betas[1]))}
    try:
        OptimizerSettings(name, lr, fields["momentum"], False, fields["weight_decay"], fields["betas"],
                          fields["eps"]).validate()
    except InputError as exc:
        raise InputError(_("--assignment {path}: {place}: {reason}").format(path=where, place=place,
                                                                            reason=exc)) from None
    return fields


def parse_optimizers(data: dict, network: Network, where: str) -> dict[str, Network]:
    """[optimizers.NAME] tables: the function NAME's own optimizer (its network otherwise the assignment's)."""
    tables, own = table(data, "optimizers", where, "[optimizers]", required=False), {}
    functions = data.get("functions") if isinstance(data.get("functions"), dict) else {}
    for name, opt in tables.items():
        place = f"[optimizers.{name}]"
        if name not in functions:
            # Translators: [functions], [optimizers.NAME] and NAME are written in the file as they are here
            raise InputError(_("--assignment {path}: {place} names no function of [functions]; a function's own "
                               "optimizer is [optimizers.NAME], NAME as in [functions]").format(path=where,
                                                                                                 place=place))
        own[name] = replace(network, **parse_optimizer(keyed(opt, KEYS["optimizer"], where, place), where, place))
    return own


def parse_case(raw, n: int, network: Network, where: str) -> CaseSpec:
    place = f"[[cases]] {n}"
    keyed(raw, KEYS["case"], where, place)
    if "lab" in raw:
        lab = choice(raw["lab"], LAB_CASES, where, place, "lab")
        if CATALOGUE["step"].fits(network) is not None or set(raw) - {"lab", "name"}:
            raise bad(where, place, "lab", lab, _("the lab's numbers are a lab network's alone (sigmoid, half_sse, "
                                                  "no biases, plain gradient descent, full batch)"))
        return CaseSpec(lab, lab, (2, 3, 1), 2)   # the lab's 2-3-1 network, N = 2
    layers = raw.get("layers")
    if not (isinstance(layers, list) and 2 <= len(layers) <= MAX_LAYERS + 1 and
            all(type(n) is int and 1 <= n <= MAX_UNITS for n in layers)):
        raise bad(where, place, "layers", layers, _("a list of {low} to {high} whole numbers from 1 to {units}, "
                                                    "the inputs first").format(low="2", high=MAX_LAYERS + 1,
                                                                               units=MAX_UNITS))
    samples = whole(raw.get("samples"), where, place, "samples", 1, MAX_SAMPLES)
    if network.batch_size is not None and network.batch_size > samples:
        raise bad(where, place, "samples", samples,
                  _("fewer than the batch size {size}").format(size=network.batch_size))
    seed = whole(raw.get("seed", 0), where, place, "seed", 0, 2 ** 32 - 1)
    name = raw.get("name", "-".join(map(str, layers)))
    if not isinstance(name, str) or not name:
        raise bad(where, place, "name", name, _("a text"))
    scale = number(raw.get("x_scale", 1.0), where, place, "x_scale", strict=True)
    lr = number(raw["lr"], where, place, "lr", strict=True) if "lr" in raw else None
    return CaseSpec(name, None, tuple(layers), samples, seed, scale, lr)


def parse_cases(data: dict, network: Network, where: str) -> tuple[CaseSpec, ...]:
    raw = data.get("cases")
    if not isinstance(raw, list) or not raw:
        raise InputError(_("--assignment {path}: no [[cases]] (one table per case)").format(path=where))
    cases = tuple(parse_case(c, n, network, where) for n, c in enumerate(raw, start=1))
    names = [c.name for c in cases]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        raise InputError(_("--assignment {path}: two cases are named {name!r}; give one a name").format(
            path=where, name=twice))
    return cases


def parse_functions(data: dict, networks: dict[str, Network], network: Network, cases: tuple[CaseSpec, ...],
                    where: str) -> dict:
    # Translators: the name of a table in the teacher's file, written as it is there
    funcs, place = table(data, "functions", where, _("[functions]")), _("[functions]")
    if not funcs:
        raise InputError(_("--assignment {path}: [functions] is empty (one function = signature "
                           "each)").format(path=where))
    out = {}
    for name, signature in funcs.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise bad(where, place, name, signature, _("the function's name must be a Python name"))
        if not isinstance(signature, str) or signature not in CATALOGUE:
            raise bad(where, place, name, signature, _("not in the catalogue (mlp-check --assignment list names "
                                                       "them)"))
        why = CATALOGUE[signature].fits(networks.get(name, network))
        if why is None and CATALOGUE[signature].kind == "delta_l" and all(len(c.layers) < 3 for c in cases):
            why = _("no case has a hidden layer")
        if why is None and CATALOGUE[signature].kind == "step" and name != "step":
            why = _("the whole step keeps the lab's name, step")
        if why is None and signature == "step" and all(len(c.layers) != 3 for c in cases):
            why = _("the lab's step is run on the two-layer cases alone, and no case has two layers")
        if why is not None:
            raise bad(where, place, name, signature, _("it does not fit the network: {reason}").format(reason=why))
        out[name] = CATALOGUE[signature]
    return out


def parse_assignment(parsed: tuple[dict, str], where: str) -> Assignment:
    data, key = parsed
    unknown = sorted(set(data) - {"assignment", "network", "optimizer", "optimizers", "cases", "functions"})
    if unknown:
        # Translators: the names in brackets are tables of the teacher's file, written as they are there
        raise InputError(_("--assignment {path}: unknown key {key!r}; an assignment has [assignment], [network], "
                           "[optimizer], [optimizers.NAME], [[cases]] and [functions]").format(path=where,
                                                                                               key=unknown[0]))
    about = table(data, "assignment", where, "[assignment]")
    title, imports = parse_title(about, where), parse_imports(about.get("imports", []), where)
    network = Network(**parse_network(data, where),
                      **parse_optimizer(table(data, "optimizer", where, "[optimizer]"), where, "[optimizer]"))
    own = parse_optimizers(data, network, where)
    cases = parse_cases(data, network, where)
    functions = parse_functions(data, own, network, cases, where)
    check_size(cases, network, len(functions), where)
    return Assignment(where, dict(title), network, cases, functions, key, own, imports)


def parse_imports(given, where: str) -> frozenset[str]:
    """[assignment]'s ``imports``: the import statements of the course's own notebook ("from manual_mlp import
    MLP"), as :func:`~.submission.imported` writes them; a hand-in that makes them is not flagged for them."""
    statements = given if isinstance(given, list) else [given]
    items = set()
    for statement in statements:
        try:
            tree = ast.parse(statement) if isinstance(statement, str) else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):   # not Python (a NUL byte, too deep)
            tree = None
        if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Import, ast.ImportFrom)) \
                or getattr(tree.body[0], "level", 0):
            raise bad(where, "[assignment]", "imports", statement, _("each must be one import statement, such as "
                                                                      "\"from manual_mlp import MLP\""))
        items |= imported(tree)
    return frozenset(items)


def parse_title(about: dict, where: str) -> dict:
    """[assignment]'s title.en and title.pt (required) and any other language's the tools speak, each text."""
    title = about.get("title")
    if isinstance(title, dict):
        unknown = sorted(set(title) - set(LANGS))
        if unknown:
            raise InputError(_("--assignment {path}: [assignment] title.{lang}: no such language; the languages are "
                               "{langs}").format(path=where, lang=unknown[0], langs=", ".join(sorted(LANGS))))
        wrong = sorted(lang for lang, text in title.items() if not isinstance(text, str))
        if wrong:
            raise InputError(_("--assignment {path}: [assignment] title.{lang} must be text in quotes").format(
                path=where, lang=wrong[0]))
    if not (isinstance(title, dict) and {"en", "pt"} <= set(title)):
        raise InputError(_("--assignment {path}: [assignment] needs title.en and title.pt, a title in each "
                           "language").format(path=where))
    return dict(title)


#: the most mini-batches of all cases together, times the functions checked on each: a grading run makes about
#: that many calls, two epochs of steps and each update's second hyper-parameters besides (the built-in labs: ≤ 100)
MAX_CALLS = 2000


def check_size(cases: tuple[CaseSpec, ...], network: Network, functions: int, where: str) -> None:
    """InputError (one line) for an assignment whose cases make more calls than a grading run should: cases and
    batches are each within their limits, yet 256 samples in batches of 1 on many cases run for hours."""
    batches = sum(-(-c.samples // (network.batch_size or c.samples)) if not c.lab else 1 for c in cases)
    if batches * functions > MAX_CALLS:
        raise InputError(_("--assignment {path}: its cases make {calls} calls ({batches} mini-batches × {functions} "
                           "functions), more than {most}: fewer or smaller cases, or larger batches").format(
            path=where, calls=batches * functions, batches=batches, functions=functions, most=MAX_CALLS))


# --- what --describe and --assignment list print -------------------------------------------------------------

#: words for an optimizer's name where it is an abbreviation (Adam and AdamW are names), and for a loss's reduction
OPTIMIZER_WORDS = {"sgd": N_("sgd (gradient descent)")}
REDUCTION_WORDS = {"mean": N_("mean", ctx="loss reduction"), "sum": N_("sum", ctx="loss reduction")}


def optimizer_words(n: Network, lang: str) -> str:
    """'sgd (gradient descent) μ = 0.9', 'adam β₁ = 0.9 β₂ = 0.999 ε = 1e-08': an optimizer and its settings,
    in symbols."""
    name = tr(lang, OPTIMIZER_WORDS[n.optimizer]) if n.optimizer in OPTIMIZER_WORDS else n.optimizer
    words = name + (f" μ = {n.momentum:g}" if n.momentum else "") + (
        f" λ = {n.weight_decay:g}" if n.weight_decay else "")
    return words + (f" β₁ = {n.betas[0]:g} β₂ = {n.betas[1]:g} ε = {n.eps:g}" if n.optimizer != "sgd" else "")


def network_text(a: Assignment, lang: str) -> str:
    n = a.network
    batch = (tr(lang, "mini-batches of {size} in a fixed order", size=n.batch_size) if n.batch_size
             else tr(lang, "the full batch"))
    return tr(lang, "network: hidden layers {activation}, output {output}, loss {loss} ({reduction}), {bias}, "
                    "optimizer {optimizer} (η = {lr}), {batch}, {dtype}", activation=n.activation,
              output=n.output_activation, loss=n.loss,
              reduction=tr(lang, REDUCTION_WORDS[n.reduction], ctx="loss reduction") if n.reduction in
              REDUCTION_WORDS else n.reduction,
              bias=tr(lang, "with biases" if n.bias else "no biases"), optimizer=optimizer_words(n, lang),
              lr=f"{n.lr:g}", batch=batch, dtype=n.dtype)


def case_text(c: CaseSpec, lang: str) -> str:
    scale = (f", |X| ≤ {c.x_scale:g}" if c.x_scale != 1 else "") + (f", η = {c.lr:g}" if c.lr is not None else "")
    return c.name if c.lab else tr(lang, "{name} (N = {samples}, seed {seed}{scale})", name=c.name,
                                   samples=c.samples, seed=c.seed, scale=scale)


#: what a signature's formula leaves to be guessed and the check holds it to, said plainly under its words
SIGNATURE_NOTES = {"adam_update": N_("ε is added after the root and the correction, √v̂ + ε, as torch does: the Adam "
                                     "paper's faster form (the corrections in the step size, ε added to √v before "
                                     "them) gives other numbers in the first steps and fails")}
SIGNATURE_NOTES["adamw_update"] = SIGNATURE_NOTES["adam_update"]


def function_lines(name: str, s: Signature, lang: str, own: Network | None = None) -> list[str]:
    """A function's call, formula, words, arguments and what it returns; its own optimizer when it has one."""
    lines = [f"  {s.text(name)}   [{s.name}]", f"      {s.formula}", f"      {tr(lang, SIGNATURE_WORDS[s.name])}"]
    lines += [f"      {tr(lang, SIGNATURE_NOTES[s.name])}"] if s.name in SIGNATURE_NOTES else []
    if own is not None:
        lines.append("      " + tr(lang, "checked with its own optimizer: {optimizer} (η = {lr})",
                                   optimizer=optimizer_words(own, lang), lr=f"{own.lr:g}"))
    lines += [f"      {arg.name}: {arg.symbol}, {arg.shape}" for arg in s.args]
    lines += [f"      → {s.returns.symbol}, {s.returns.shape}"]
    return lines


def title_in(a: Assignment, lang: str) -> str:
    """The assignment's title in ``lang``: title.en and title.pt are required, another language's is optional
    (English where it has none)."""
    return a.title.get(lang, a.title["en"])


def describe(a: Assignment, lang: str) -> str:
    """Each function's signature, shapes and formula: what ``--describe`` prints."""
    lines = [f"{a.name}: {title_in(a, lang)}", network_text(a, lang)]
    lines += [tr(lang, "float32: every array is handed in float32, and each call is held to the exact answer (the "
                       "formula in float64 on the same float32 inputs) within the rounding error its formula can "
                       "make in float32; a whole step is handed the θ and b its step before returned, rounded "
                       "to float32, and is held to autograd's float32 step from them within twice the rounding "
                       "error a float32 step can make")] if a.network.dtype == "float32" else []
    lines += [tr(lang, "not flagged with \"uses\" (the course's notebook imports them): {imports}",
                 imports=", ".join(f'"{statement}"' for statement in sorted(map(import_statement, a.imports))))] \
        if a.imports else []
    lines += [tr(lang, "cases: {cases}", cases="; ".join(case_text(c, lang) for c in a.cases)),
              tr(lang, "functions (the name in the file, its arguments, then its signature in the catalogue):")]
    for name, signature in a.functions.items():
        lines += function_lines(name, signature, lang, a.optimizers.get(name))
    return "\n".join(lines)


def listing(lang: str) -> str:
    """The built-in assignments and the catalogue's signatures: what ``--assignment list`` prints."""
    lines = [tr(lang, "built-in assignments (mlp-check --assignment NAME --describe shows one):")]
    for name in builtin_names():
        lines.append(f"  {name:<6} {title_in(load_assignment(name), lang)}")
    lines += ["", tr(lang, "the catalogue of signatures (a teacher's file names them in [functions]):")]
    lines += [f"  {s.name:<31} {s.formula}" for s in CATALOGUE.values()]
    return "\n".join(lines)
