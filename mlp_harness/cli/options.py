"""Command-line options shared by ``mlp-compare`` and ``mlp-train``, and turning them into a run.

The flag names are a contract other tools rely on: change none of them.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import os
import signal
import sys
import threading
from typing import Callable

import numpy as np

from manual_mlp import ACTIVATIONS, LOSSES, OPTIMIZERS, lab, random_parameters
from manual_mlp.validation import InputError, InputTypeError

from ..i18n import LANGS, N_, _, default_lang, language, os_reason, tr, tr_n
from ..verify.files import load_data, load_weights
from ..verify.resources import check_network
from ..verify.run import RunConfig

Array = np.ndarray

#: samples in the random batch made for ``--layers`` without ``--data``
RANDOM_BATCH = 8


#: the language of the command being run (set by :func:`guarded` from --lang before argparse parses anything)
_running_lang: str | None = None


def lang_of(argv: list[str] | None) -> str:
    """The --lang of a command line (the last one given, as argparse takes it), else the environment's
    (:func:`mlp_harness.i18n.default_lang`). Read before parsing, so that a usage error speaks it too."""
    args, lang = list(sys.argv[1:] if argv is None else argv), None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) >= 5 and "--lang".startswith(name):   # argparse accepts --lan for --lang
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            lang = value if value in LANGS else lang
    return lang or default_lang()


def add_lang_option(p: argparse.ArgumentParser, lang: str, what: str) -> None:
    """--lang; ``what`` is the key of the words that say what it translates (help_lang_compare…)."""
    help_text = tr(lang, "language of {what}: {langs} (default: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG "
                         "that is set, when it names one of these, e.g. LANG=pt_BR.UTF-8 or LANGUAGE=es; else en)",
                   what=tr(lang, what), langs=", ".join(LANGS))
    p.add_argument("--lang", choices=LANGS, default=default_lang(), help=help_text)


#: argparse's own words, which it asks gettext's default domain for: the tools' catalog has them, and
#: :func:`argparse_in` hands them to argparse (Python 3.10 to 3.13 ask for these)
ARGPARSE_WORDS = (
    N_("usage: "), N_("options"), N_("positional arguments"), N_("show this help message and exit"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"), N_("expected at least one argument"), N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("ignored explicit argument %r"), N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("one of the arguments %s is required"),
)
ARGPARSE_PLURALS = (N_("expected %s argument", "expected %s arguments"),)


@contextlib.contextmanager
def argparse_in(lang: str):
    """argparse's own words (usage, its errors) in ``lang`` for the duration of a ``with``: argparse looks its
    ``_`` and ``ngettext`` up in its module when it speaks, so they are swapped for the tools' catalog."""
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: tr(lang, message)
    argparse.ngettext = lambda singular, plural, n: tr_n(lang, singular, plural, n)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with "usage: " in ``lang``."""

    def __init__(self, prog: str, lang: str = "en", **kwargs):
        super().__init__(prog, **kwargs)
        self.lang = lang

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, tr(self.lang, "usage: ") if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is two short lines on stderr, in the command's language, and exit code 2,
    and an empty value (``--data ""``) is an error rather than silently "not given".

    ``lang`` is the language of ``--help``: the usage line's prefix, the titles of argparse's two groups
    ("options", "positional arguments") and ``-h``'s own help; the tools give every other text in it.
    """

    def __init__(self, *args, lang: str = "en", **kwargs):
        super().__init__(*args, add_help=False, formatter_class=functools.partial(HelpFormatter, lang=lang),
                         **kwargs)
        self.lang = lang
        self._positionals.title = tr(lang, "positional arguments")   # argparse's own groups, titled in English
        self._optionals.title = tr(lang, "options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=tr(lang, "show this help message and exit"))

    def parse_known_args(self, args=None, namespace=None):
        with argparse_in(self.lang):
            return super().parse_known_args(args, namespace)

    def format_help(self):
        with argparse_in(self.lang):
            return super().format_help()

    def format_usage(self):
        with argparse_in(self.lang):
            return super().format_usage()

    def error(self, message: str):
        lang = _running_lang or default_lang()
        self.exit(2, tr(lang, "{prog}: error: {message}", prog=self.prog, message=cap(message)) + "\n"
                  + tr(lang, "Try '{prog} --help' for the options.", prog=self.prog) + "\n")

    def parse_args(self, args=None, namespace=None):
        with argparse_in(self.lang):
            parsed = super().parse_args(args, namespace)
        for action in self._actions:
            if action.option_strings and getattr(parsed, action.dest, None) == "":
                self.error(_("argument {arg}: {message}").format(arg=action.option_strings[-1],
                                                                 message=_("expected a value, got an empty string")))
        return parsed


#: the longest error message printed, in characters: one readable line, however much went wrong
MESSAGE_LIMIT = 600


def cap(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """``message`` on one line, cut to ``limit`` characters with a note of how much was left out."""
    message = " ".join(str(message).split())
    if len(message) <= limit:
        return message
    return f"{message[:limit]}… ({len(message) - limit:,} more characters)"


def non_negative_int(text: str) -> int:
    """argparse type for seeds: a whole number ≥ 0 (NumPy's generators refuse negative seeds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a whole number ≥ 0, got {value!r}").format(value=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("a seed must be ≥ 0, got {value}").format(value=value))
    return value


#: the activations' Portuguese (and Spanish) names, accepted wherever an activation is named on the command line
#: ("tangente" alone is not one: it is tan, not tanh)
ACTIVATION_ALIASES = {"sigmoide": "sigmoid", "sigmóide": "sigmoid", "tangente_hiperbolica": "tanh",
                      "tangente_hiperbólica": "tanh", "identidade": "identity", "identidad": "identity"}


def activation_name(text: str) -> str:
    """argparse type for an activation: its name, or its Portuguese name (``sigmoide``) turned into it; an
    unknown name passes through, for the option's choices to refuse."""
    return ACTIVATION_ALIASES.get(text.strip().lower(), text)


# The add_*_options helpers write their group titles and help texts in ``lang`` (keys help_* of
# mlp_harness.i18n.TEXTS); the flags themselves are the same in every language.

def add_model_options(p: argparse.ArgumentParser, lang: str = "en") -> None:
    npz = f"{tr(lang, 'FILE')}.npz"
    g = p.add_argument_group(tr(lang, "network and data (default: the lab's 2-3-1 network, X, Y and θ)"))
    g.add_argument("--layers", metavar="N0,N1,...", help=tr(lang, "layer sizes for random weights, e.g. 2,3,1"))
    g.add_argument("--init-seed", type=non_negative_int, default=0, metavar="N",
                   help=tr(lang, "seed of the random weights (default 0)"))
    g.add_argument("--bias", action="store_true", help=tr(lang, "random weights with biases b⁽ˡ⁾ (with --layers)"))
    g.add_argument("--weights", metavar=npz, help=tr(lang, "arrays theta1…thetaL of shape (out, in), optional b1…bL"))
    g.add_argument("--data", metavar=npz, help=tr(lang, "arrays X (N, n0) and Y (N, nL); with cross_entropy Y may "
                                                        "be integer labels (N,)"))
    g.add_argument("--activation", choices=[n for n, f in ACTIVATIONS.items() if not f.output_only],
                   type=activation_name, default="sigmoid", help=tr(lang, "hidden layers' activation (default "
                                                                          "sigmoid, as in the lab); the Portuguese "
                                                                          "names sigmoide, tangente_hiperbolica "
                                                                          "and identidade are accepted too"))
    g.add_argument("--output-activation", choices=list(ACTIVATIONS), type=activation_name, default="sigmoid",
                   help=tr(lang, "output layer's activation (default sigmoid; softmax goes with --loss "
                                 "cross_entropy); Portuguese names as for --activation"))
    g.add_argument("--loss", choices=list(LOSSES), default="half_sse",
                   help=tr(lang, "half_sse = the lab's ½Σ(y−a)² (default); mse, bce, cross_entropy as torch.nn's"))


def add_run_options(p: argparse.ArgumentParser, lang: str = "en", steps_name: str = "--steps",
                    steps_default: int = 1) -> None:
    g = p.add_argument_group(tr(lang, "training and comparison"))
    g.add_argument("--lr", type=float, default=lab.ETA, metavar="η",
                   help=tr(lang, "learning rate η (default {default})", default=lab.ETA))
    g.add_argument(steps_name, type=int, default=steps_default, metavar="N",
                   help=tr(lang, "number of training epochs (passes over the data) (default {default})"
                           if steps_name == "--epochs" else "number of training steps (default {default})",
                           default=steps_default))
    g.add_argument("--batch-size", type=int, default=None, metavar="B", help=tr(lang,
                                                                                "samples per step (default: all of "
                                                                                      "them, as in the lab)"))
    g.add_argument("--shuffle-seed", type=non_negative_int, default=None, metavar="N",
                   help=tr(lang, "shuffle the samples every epoch with this seed (default: fixed order)"))
    g.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help=tr(lang, "precision of both twins"))
    g.add_argument("--rtol", type=float, default=None, help=tr(lang, "relative tolerance (default: derived from "
                                                                     "--dtype)"))
    g.add_argument("--atol", type=float, default=None, help=tr(lang, "absolute tolerance (default: derived from "
                                                                     "--dtype)"))
    g.add_argument("--free-running", action="store_true", help=tr(lang, "let the twins train independently instead "
                                                                        "of starting each step from the NumPy "
                                                                        "twin's state; rounding differences then "
                                                                        "compound (with Adam or momentum, loosen "
                                                                        "--rtol/--atol)"))
    g.add_argument("--json", metavar=tr(lang, "PATH"), help=tr(lang, "also write the report as JSON"))
    add_device_options(p, lang)


def add_device_options(p: argparse.ArgumentParser, lang: str = "en") -> None:
    g = p.add_argument_group(tr(lang, "device (the PyTorch twin's; the NumPy twin always runs on the CPU)"))
    g.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help=tr(lang, "where the PyTorch twin runs (default cpu); records always come back as NumPy "
                                 "arrays"))
    g.add_argument("--allow-tf32", action="store_true", help=tr(lang, "on CUDA, let float32 matmuls use TF32 "
                                                                      "(10-bit mantissa): faster, and visibly less "
                                                                      "exact; off by default"))


def add_optimizer_options(p: argparse.ArgumentParser, lang: str = "en") -> None:
    g = p.add_argument_group(tr(lang, "optimizer (torch.optim's semantics; default: plain gradient descent, as in "
                                      "the lab)"))
    g.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd", help=tr(lang, "optimizer (default sgd)"))
    g.add_argument("--momentum", type=float, default=0.0, metavar="μ", help=tr(lang, "sgd momentum (default 0)"))
    g.add_argument("--nesterov", action="store_true", help=tr(lang, "sgd with Nesterov momentum (needs --momentum "
                                                                    "> 0)"))
    g.add_argument("--weight-decay", type=float, default=None, metavar="λ",
                   help=tr(lang, "L2 penalty: coupled for sgd/adam, decoupled for adamw (default: torch's, 0 or "
                                 "0.01 for adamw)"))
    g.add_argument("--betas", type=parse_betas, default=(0.9, 0.999), metavar="B1,B2",
                   help=tr(lang, "Adam's moment decay rates (default 0.9,0.999)"))
    g.add_argument("--eps", type=float, default=1e-8, metavar="ε", help=tr(lang, "Adam's ε (default 1e-8)"))


def parse_betas(text: str) -> tuple[float, float]:
    try:
        beta1, beta2 = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(_("--betas takes two numbers such as 0.9,0.999, got {value!r}").format(
            value=text)) from None
    return beta1, beta2


def parse_layers(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise InputError(_("--layers takes comma-separated whole numbers such as 2,3,1, got {value!r}").format(
            value=text)) from None
    if len(sizes) < 2:
        raise InputError(_("--layers needs at least two sizes (inputs and outputs), got {value!r}").format(value=text))
    if min(sizes) < 1:
        raise InputError(_("--layers: every layer needs at least 1 unit, got {value!r} (a size of {size})").format(
            value=text, size=min(sizes)))
    check_network(sizes)
    return sizes


def resolve_weights(args: argparse.Namespace) -> tuple[list[Array], list[Array] | None]:
    """θ (and b) from --weights, from --layers (random), or the lab's."""
    if args.weights and args.layers:
        raise InputError(_("give either --weights FILE.npz or --layers for random weights, not both"))
    if args.bias and not args.layers:
        raise InputError(_("--bias asks for random weights with biases: use it with --layers (a --weights file "
                           "carries its own b1…bL)"))
    if args.weights:
        return load_weights(args.weights, getattr(args, "dtype", None))
    if args.layers:
        return random_parameters(parse_layers(args.layers), args.init_seed, args.bias)
    return lab.lab_thetas(), None


def resolve_data(args: argparse.Namespace, sizes: list[int]) -> tuple[Array, Array]:
    """(X, Y) from --data, the lab's, or — for random weights — a random batch seeded by --init-seed."""
    if args.data:
        X, Y = load_data(args.data, sizes, getattr(args, "loss", "half_sse"), getattr(args, "dtype", None))
        check_network(sizes, X.dtype.itemsize, samples=len(X))
        return X, Y
    if not args.layers and not args.weights:
        return lab.X.copy(), lab.Y.copy()
    rng = np.random.default_rng([args.init_seed, 1])
    X = rng.normal(size=(RANDOM_BATCH, sizes[0]))
    if getattr(args, "loss", None) == "cross_entropy":
        return X, rng.integers(0, sizes[-1], size=RANDOM_BATCH)
    return X, rng.uniform(size=(RANDOM_BATCH, sizes[-1]))


def run_config(args: argparse.Namespace, steps: int) -> RunConfig:
    """The RunConfig that the parsed options describe (options a tool lacks keep their defaults)."""
    defaults = RunConfig()
    given = {name: getattr(args, name) for name in RunConfig.__dataclass_fields__ if hasattr(args, name)}
    given["steps"] = steps
    return dataclasses.replace(defaults, **given)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, a cancelled CI job), raised in the main thread so that the run stops and cleans up
    as it does on Ctrl-C: workers stopped, temporary folders removed; exit code 143 (128 + SIGTERM)."""


@contextlib.contextmanager
def sigterm_as_interrupt():
    """While the body runs, SIGTERM raises :class:`Terminated` — unless a handler of the caller's is set, or
    this is not the main thread (where Python delivers signals): those are left as they are. Further
    SIGTERMs are ignored while the body cleans up."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def terminate(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # `timeout` signals the process group too: one is enough
        raise Terminated()
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def guarded(prog: str, main: Callable[[list[str] | None], int]) -> Callable[[list[str] | None], int]:
    """Run ``main``; whatever goes wrong at the edges is one line on stderr, never a traceback.

    Bad input, an unwritable output, a full disk, too little memory: exit code 2. Ctrl-C: 130; SIGTERM: 143,
    after the same clean-up (:func:`sigterm_as_interrupt`). A closed pipe
    (``mlp-compare | head -1``): quietly, exit code 141 as if killed by SIGPIPE. A terminal or redirect
    that cannot encode Δ, θ, ⁽ˡ⁾: those symbols are written in ASCII, and a note says so. The line is in
    the command's --lang, which is the language the packages raise their messages in while ``main`` runs
    (:func:`mlp_harness.i18n.language`).
    """
    def wrapper(argv: list[str] | None = None) -> int:
        global _running_lang
        outer, lang = _running_lang, lang_of(argv)
        _running_lang = lang
        try:
            with language(lang):   # the packages raise their messages in it
                return run(argv, lang)
        finally:
            _running_lang = outer

    def run(argv: list[str] | None, lang: str) -> int:
        plain_symbols_if_needed(prog, lang)
        try:
            with sigterm_as_interrupt():
                return main(argv)
        except (InputError, InputTypeError) as exc:
            return fail(prog, str(exc), lang)
        except SystemExit as exc:  # argparse's --help and usage errors: main(argv) still returns the code
            return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            print(tr(lang, "{prog}: stopped (SIGTERM); its workers were stopped too" if terminated else
                     "{prog}: interrupted", prog=prog), file=sys.stderr)
            return 143 if terminated else 130
        except BrokenPipeError:
            silence_stdout()
            return 141
        except MemoryError:
            return fail(prog, _("not enough memory for this run (use a smaller network, fewer samples or "
                                "--batch-size)"),
                        lang)
        except OSError as exc:   # writing to stdout on a full device, or a file that vanished mid-run
            silence_stdout()
            where = f"{exc.filename!r}" if exc.filename else _("the output")
            return fail(prog, _("cannot write {where} ({reason})").format(where=where, reason=os_reason(exc)), lang)
    return wrapper


def fail(prog: str, message: str, lang: str = "en") -> int:
    """One line on stderr, in ``lang``, exit code 2 (stderr itself may be closed: then nothing is said)."""
    try:
        print(tr(lang, "{prog}: error: {message}", prog=prog, message=cap(message)), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
    return 2


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of unwritable output fails silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):   # stdout is not a file (captured in tests): nothing to do
        pass


#: symbols the tools print, spelled in ASCII for a terminal that cannot show them
ASCII_SYMBOLS = {"Δ": "D", "δ": "delta", "θ": "theta", "σ": "sigma", "η": "eta", "ε": "eps", "μ": "mu",
                 "λ": "lambda", "β": "beta", "∂": "d", "Σ": "sum", "⊙": "*", "·": "*", "−": "-", "≤": "<=",
                 "≥": ">=", "×": "x", "…": "...", "✗": "x", "◀": "<-", "─": "-", "↳": "->", "√": "sqrt",
                 "∞": "inf", "≈": "~", "′": "'", "→": "->", "ŷ": "y^", "⁽": "(", "⁾": ")", "ᴸ": "L", "ˡ": "l",
                 "ᵀ": "T", "ᵗ": "t", "µ": "u", "█": "#", "░": ".", "‖": "||", "✓": "ok", "–": "-", "│": "|",
                 "←": "<-", "ᶻ": "^z", "—": "-", "½": "1/2"}


def ascii_fallback(error: UnicodeEncodeError) -> tuple[str, int]:
    """Codec error handler: a symbol in ASCII (Δ → D, θ⁽¹⁾ → theta(1), ç → c), '?' if it has none."""
    import unicodedata
    char = error.object[error.start]
    plain = ASCII_SYMBOLS.get(char)
    if plain is None:
        decomposed = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        plain = decomposed or "?"
    return plain, error.start + 1


def plain_symbols_if_needed(prog: str, lang: str = "en") -> None:
    """Where stdout or stderr cannot encode the tools' symbols, write them in ASCII and say so once; where
    they can, what they cannot encode (a file name's undecodable byte) is written as an escape, not a crash."""
    import codecs
    codecs.register_error("mlp-ascii", ascii_fallback)
    switched = []
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        try:
            "Δθ⁽¹⁾σ′δ…".encode(encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="mlp-ascii")
                switched.append(encoding)
        else:   # a name no encoding can write (a file name's stray byte, a lone surrogate) is escaped: \udce9
            if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="backslashreplace")
    if switched:
        print(tr(lang, "{prog}: note: the output's encoding ({encoding}) cannot show symbols such as Delta and "
                       "theta: they are written in ASCII (set PYTHONIOENCODING=utf-8 to see them)", prog=prog,
                 encoding=switched[0]), file=sys.stderr)
