"""Hostile inputs: every failure one line and exit code 2, nothing overwritten, no partial output.

The fuzz tests feed hypothesis-generated .npz files and argument lists to the three tools in-process;
the property is "exit code in {0, 1, 2}, no traceback, inputs unchanged, no partial output". They run
a few dozen examples by default; MLP_FUZZ=long runs a thousand (see docs/robustness.md).
"""
import hashlib
import io
import json
import os
import struct
import sys
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manual_mlp import lab
from mlp_harness.cli import bench_cli, check_cli, compare_cli, train_cli
from manual_mlp.validation import InputError
from mlp_harness.verify import files, resources
from mlp_harness.verify.files import atomic_write
from mlp_harness.verify.width import MIN_WIDTH, output_width

# The suite's profile draws the same examples on every run (a gate must not flip on a new draw); the long
# profile draws new ones each time, to find what the fast one does not.
settings.register_profile("fuzz-fast", max_examples=15, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("fuzz-long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FUZZ = settings.get_profile("fuzz-long" if os.environ.get("MLP_FUZZ") == "long" else "fuzz-fast")


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def one_line_error(capsys, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[0].startswith("mlp-") and len(lines[0]) < 800, err
    return lines[0]


def npz_with_member(path, name: str, payload: bytes, **zip_options) -> None:
    with zipfile.ZipFile(path, "w", **zip_options) as archive:
        archive.writestr(name, payload)


def claiming(path, shapes: dict[str, tuple]) -> None:
    """An archive whose members' headers claim ``shapes`` and hold 16 bytes of data each."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, shape in shapes.items():
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": shape})
            archive.writestr(f"{name}.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + bytes(16))


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def corrupt_archives(folder):
    """The .npz files that used to end in a traceback, one per way of being broken."""
    good = npy_bytes(lab.X)
    files = {}
    files["malformed-header"] = (b"\x93NUMPY\x01\x00" + struct.pack("<H", 20) + b"{'descr': <f8 ??    \n", {})
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 2), }"
    header = header + " " * (63 - len(header) % 64) + "\n"
    files["claims-terabytes"] = (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode(), {})
    files["bad-deflate"] = (good, {"compression": zipfile.ZIP_DEFLATED})
    files["unsupported-compression"] = (good, {"compression": zipfile.ZIP_LZMA})
    paths = {}
    for kind, (payload, options) in files.items():
        paths[kind] = folder / f"{kind}.npz"
        npz_with_member(paths[kind], "X.npy", payload, **options)
    raw = bytearray(paths["bad-deflate"].read_bytes())
    start = raw.index(b"X.npy") + len("X.npy")
    raw[start + 5:start + 25] = b"\xff" * 20            # inside the deflate stream
    paths["bad-deflate"].write_bytes(bytes(raw))
    raw = bytearray(paths["unsupported-compression"].read_bytes())
    for offset in (8, raw.rindex(b"PK\x01\x02") + 10):   # method 99 in the local and the central header
        raw[offset:offset + 2] = struct.pack("<H", 99)
    paths["unsupported-method"] = folder / "unsupported-method.npz"
    paths["unsupported-method"].write_bytes(bytes(raw))
    encrypted = folder / "encrypted.npz"
    npz_with_member(encrypted, "X.npy", good)
    raw = bytearray(encrypted.read_bytes())
    for offset in (6, raw.rindex(b"PK\x01\x02") + 8):    # the 'encrypted' flag bit in both headers
        raw[offset] |= 1
    encrypted.write_bytes(bytes(raw))
    paths["encrypted"] = encrypted
    return paths


def test_corrupt_archives_are_one_line_each(tmp_path, capsys):
    for kind, path in corrupt_archives(tmp_path).items():
        before = digest(path)
        line = one_line_error(capsys, compare_cli.main(["--data", str(path)]))
        assert str(path) in line, (kind, line)
        assert digest(path) == before


@pytest.mark.parametrize("flag", ["--data", "--weights"])
def test_non_regular_files_are_refused_without_opening_them(flag, capsys):
    line = one_line_error(capsys, compare_cli.main([flag, "/dev/zero"]))
    assert "not a regular file" in line


def test_outputs_never_overwrite_an_input_or_each_other(tmp_path, capsys):
    data = tmp_path / "d.npz"
    np.savez(data, X=lab.X, Y=lab.Y)
    (tmp_path / "link.npz").symlink_to(data)
    before = digest(data)
    for argv in (["--data", str(data), "--json", str(data)], ["--data", str(tmp_path / "link.npz"), "--json",
                                                                str(data)]):
        assert "destroy the input" in one_line_error(capsys, compare_cli.main(argv))
    same = str(tmp_path / "x.png")
    line = one_line_error(capsys, train_cli.main(["--epochs", "1", "--json", same, "--plot", same]))
    assert "same file" in line and not os.path.exists(same)
    assert digest(data) == before


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old")

    def full_disk(f):
        f.write(b"{\"partial\": ")
        raise OSError(28, "No space left on device")
    with pytest.raises(ValueError, match="No space left on device"):
        atomic_write(out, full_disk, "the JSON report")
    assert out.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["report.json"]


def test_empty_values_and_impossible_sizes_are_refused(capsys):
    assert "empty string" in one_line_error(capsys, compare_cli.main(["--data", ""]))
    assert "GB of memory" in one_line_error(capsys, compare_cli.main(["--layers", "2,100000000,1"]))
    assert "GB of memory" in one_line_error(capsys, compare_cli.main(["--layers", "2,99999999999999999999,1"]))
    assert "bce takes probabilities" in one_line_error(capsys, compare_cli.main(
        ["--loss", "bce", "--output-activation", "identity"]))
    assert "--budget" in one_line_error(capsys, bench_cli.main(["--budget", "inf"]))


def test_a_closed_pipe_exits_quietly(monkeypatch, capsys):
    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert compare_cli.main([]) == 141
    assert capsys.readouterr().err == ""


def test_an_ascii_terminal_gets_ascii_symbols_and_a_note(monkeypatch, capsys):
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    assert compare_cli.main([]) == 0
    out.flush()
    text = out.buffer.getvalue().decode("ascii")
    assert "delta(2)" in text and "|D| =" in text
    assert "written in ASCII" in capsys.readouterr().err


# --- fuzzing --------------------------------------------------------------------------------------

NAMES = st.sampled_from(["X", "Y", "theta1", "theta2", "b1", "theta0", "x", "theta99999999999999999999"]) | \
    st.text(min_size=1, max_size=12)
ARRAYS = st.tuples(st.sampled_from(["<f8", "<f4", "<i4", "|u1", "<c16", "|b1", "<f2"]),
                   st.lists(st.integers(0, 4), max_size=3))


@st.composite
def npz_files(draw) -> bytes:
    """An .npz archive of random names, dtypes and shapes, perhaps with some of its bytes overwritten."""
    buffer = io.BytesIO()
    arrays = {}
    for name, (dtype, shape) in draw(st.dictionaries(NAMES, ARRAYS, max_size=4)).items():
        values = draw(st.sampled_from([0.5, 1e300, -3, np.nan]))
        with np.errstate(all="ignore"):
            arrays[name.replace("/", "_").replace("\x00", "_")] = np.full(shape, values).astype(dtype)
    np.savez(buffer, **arrays)
    claims = draw(st.sampled_from([None, (10**12, 2), (2**40,), (10**6, 10**6)]))
    if claims:   # a member whose header claims more than any memory holds, and 16 bytes of data
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": claims})
        with zipfile.ZipFile(buffer, "a") as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")   # a name already there: two members of one name, hostile too
            archive.writestr(f"{draw(NAMES).replace('/', '_')}.npy",
                             b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + bytes(16))
    raw = bytearray(buffer.getvalue())
    for offset, byte in draw(st.lists(st.tuples(st.integers(0, max(len(raw) - 1, 0)), st.integers(0, 255)),
                                      max_size=3)):
        raw[offset] = byte
    return bytes(raw)


def run_tool(tool, argv: list[str], folder) -> int:
    """The property of every run: an exit code of 0, 1 or 2, and no partial output left behind."""
    code = tool.main(argv)
    assert code in (0, 1, 2), (argv, code)
    assert not [name for name in os.listdir(folder) if name.endswith(".part")]
    return code


@FUZZ
@given(payload=npz_files(), flag=st.sampled_from(["--data", "--weights"]))
def test_fuzzed_archives(tmp_path_factory, payload, flag):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "in.npz"
    path.write_bytes(payload)
    run_tool(compare_cli, [flag, str(path), "--json", str(folder / "out.json")], folder)
    assert path.read_bytes() == payload
    if (folder / "out.json").exists():
        json.loads((folder / "out.json").read_text())


#: names of files in the fuzzed run's folder: an archive whose header claims terabytes, a FIFO nobody reads, a
#: name that is not UTF-8 (caf\xe9, as Latin-1 writes é), a link to /dev/full
SPECIAL = ["claims.npz", "fifo.json", os.fsdecode(b"caf\xe9.npz"), "full.json"]
VALUES = st.sampled_from(["", "0", "-1", "1", "2", "inf", "nan", "1e309", "3,0", "2,3,1", "x", "float16",
                          "/dev/zero", "/dev/full", "in.npz", "out.json", "out.png", "out.npz",
                          "99999999999999999999"] + SPECIAL)
FLAGS = st.sampled_from(["--layers", "--lr", "--steps", "--dtype", "--rtol", "--atol", "--batch-size",
                         "--data", "--weights", "--json", "--save", "--plot", "--loss", "--activation",
                         "--output-activation", "--optimizer", "--momentum", "--betas", "--eps", "--init-seed",
                         "--inject-bug", "--lang"])
ARGUMENTS = st.lists(st.tuples(FLAGS, VALUES), max_size=4).map(lambda pairs: [x for pair in pairs for x in pair])


@FUZZ
@given(argv=ARGUMENTS, tool=st.sampled_from(["compare", "train", "bench"]))
def test_fuzzed_arguments(tmp_path_factory, monkeypatch, argv, tool):
    folder = tmp_path_factory.mktemp("args")
    np.savez(folder / "in.npz", X=lab.X, Y=lab.Y)
    before = digest(folder / "in.npz")
    claiming(folder / "claims.npz", {"X": (10**12, 2), "Y": (10**12, 1)})
    os.mkfifo(folder / "fifo.json")
    np.savez(folder / SPECIAL[2], X=lab.X, Y=lab.Y)
    (folder / "full.json").symlink_to("/dev/full")
    monkeypatch.chdir(folder)
    monkeypatch.setattr(bench_cli, "run", lambda settings, args: 0)   # the settings are checked, nothing timed
    module = {"compare": compare_cli, "train": train_cli, "bench": bench_cli}[tool]
    extra = ["--epochs", "2", "--no-plot"] if tool == "train" else []
    run_tool(module, [a for a in argv if tool != "bench" or a not in ("--layers",)] + extra, folder)
    read = {value for flag, value in zip(argv, argv[1:]) if flag in ("--data", "--weights")}
    written = {value for flag, value in zip(argv, argv[1:]) if flag in ("--json", "--save", "--plot")}
    if "in.npz" in read or "in.npz" not in written:   # an input, or a file the run was not told to write
        assert digest(folder / "in.npz") == before


# --- outputs to streams and special files; archives and runs too large, refused before the work -------------

def test_an_output_named_by_a_redirected_stream_is_appended_not_replaced(tmp_path):
    """`--json /dev/stdout >> log`: /dev/fd/N of a file opened for appending adds to it, never replaces it."""
    log = tmp_path / "grading.log"
    log.write_text("earlier line\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        atomic_write(f"/dev/fd/{fd}", lambda f: f.write(b"new report\n"), "the JSON report")
    finally:
        os.close(fd)
    assert log.read_text() == "earlier line\nnew report\n"


def test_an_output_named_by_a_pipe_reaches_the_pipe(capsys):
    read_end, write_end = os.pipe()
    try:
        assert compare_cli.main(["--json", f"/dev/fd/{write_end}"]) == 0
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        report = json.loads(f.read())
    assert report["ok"] is True and "Step 1 of 1" in capsys.readouterr().out


def test_a_fifo_nobody_reads_is_refused_at_once(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO that no process is reading"):
        atomic_write(fifo, lambda f: f.write(b"{}"), "the JSON report")


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_archives_are_refused_by_their_total_unpacked_size_before_any_array_is_read(tmp_path, monkeypatch):
    """Two arrays that fit one at a time, not together (the machine's memory made small for the test)."""
    path = tmp_path / "two.npz"
    path.write_bytes(npz_bytes({"X": np.zeros((1000, 8)), "Y": np.zeros((1000, 8))}))   # 64 kB each
    monkeypatch.setattr(resources, "available_memory", lambda: 100_000)
    monkeypatch.setattr(files, "_read_arrays", lambda *a: pytest.fail("arrays unpacked before the check"))
    with pytest.raises(InputError, match="the arrays of data file .* needs about"):
        files.load_npz(path, "data")


def test_a_header_claiming_more_than_its_member_holds_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 2)})
    path = tmp_path / "lies.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("X.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + bytes(16))
        archive.writestr("Y.npy", npz_member(np.zeros((1, 1))))
    with pytest.raises(InputError, match="claims shape .* the file is damaged"):
        files.load_npz(path, "data")


def npz_member(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_a_run_too_large_for_memory_is_refused_from_the_headers(tmp_path, monkeypatch, capsys):
    """A data file whose run cannot fit is refused from X's header, before its arrays are unpacked."""
    path = tmp_path / "many.npz"
    path.write_bytes(npz_bytes({"X": np.zeros((5000, 2)), "Y": np.zeros((5000, 1))}))
    need = resources.run_bytes([2, 3, 1], 5000)
    monkeypatch.setattr(resources, "available_memory", lambda: need - 1)
    monkeypatch.setattr(files, "_read_arrays", lambda *a: pytest.fail("arrays unpacked before the check"))
    message = one_line_error(capsys, compare_cli.main(["--data", str(path)]))
    assert "5,000 samples" in message and "needs about" in message


def test_a_step_count_no_memory_can_hold_is_refused(capsys):
    message = one_line_error(capsys, compare_cli.main(["--steps", str(10**12)]))
    assert "1,000,000,000,000 steps" in message


def test_a_narrow_terminal_gets_the_narrowest_layout_not_a_broken_one(monkeypatch):
    monkeypatch.setenv("COLUMNS", "5")
    assert output_width() == MIN_WIDTH


def test_a_file_name_no_encoding_can_write_is_escaped_not_a_crash(tmp_path, capsys):
    """A name with a byte that is not UTF-8 (caf\\xe9.py, as Latin-1 writes é): printed and written as an escape."""
    name = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"))
    with open(name, "w") as f:
        f.write("def sigmoid(z):\n    import numpy as np\n    return 1 / (1 + np.exp(-z))\n")
    out_csv = tmp_path / "grades.csv"
    assert check_cli.main([name, name, "--csv", str(out_csv)]) in (0, 1)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "caf\\udce9.py" in captured.out
    assert "caf\\udce9.py" in out_csv.read_text(encoding="utf-8")


def test_a_cell_too_deep_to_compile_is_a_finding_not_a_crash(tmp_path, capsys):
    """A 200,000-term sum in a notebook cell: Python cannot compile it (RecursionError); that is the file's
    finding, not a traceback of the checker."""
    cells = [{"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}
             for source in ("x = " + " + ".join(["1"] * 200_000) + "\n",
                            "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n")]
    notebook = tmp_path / "deep.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert check_cli.main([str(notebook)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err and "RecursionError" in captured.out
    assert "✓ sigmoid" in captured.out   # the cells after it still run, as Jupyter runs them


def test_a_folder_that_cannot_be_searched_is_one_cannot_write_line(tmp_path, monkeypatch):
    """Creating a file needs the folder's write and search (x) permissions; root has both whatever the mode,
    so the operating system's answer is stood in for: a folder writable but not searchable."""
    folder = tmp_path / "no_search"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: real_access(p, mode) and not (
        str(p) == str(folder) and mode & os.X_OK))
    with pytest.raises(InputError, match=r"cannot write the JSON report to .* \(permission denied\)"):
        files.check_output_path(folder / "report.json", "the JSON report")


# --- mlp-compare and mlp-train get the hostile inputs and outputs mlp-check gets ---------------------------

#: each tool at its cheapest run
TOOLS = {"compare": (compare_cli, []), "train": (train_cli, ["--epochs", "2", "--no-plot"])}
#: every file each tool may write: the option that names it, and the ending its name needs
OUTPUTS = [("compare", "--json", ".json"), ("train", "--json", ".json"), ("train", "--save", ".npz"),
           ("train", "--plot", ".png")]


def run_with_output(tool: str, flag: str, path) -> int:
    module, argv = TOOLS[tool]
    return module.main([a for a in argv if flag != "--plot" or a != "--no-plot"] + [flag, str(path)])


@pytest.mark.parametrize("tool", TOOLS)
def test_archives_claiming_more_than_they_hold_are_refused_from_their_headers(tool, tmp_path, monkeypatch, capsys):
    """Headers claiming terabytes, in a data file and in a weights file, and two arrays that fit one at a time
    but not together: one line each, before any array is unpacked."""
    monkeypatch.setattr(files, "_read_arrays", lambda *a: pytest.fail("arrays unpacked before the check"))
    module, argv = TOOLS[tool]
    claiming(tmp_path / "data.npz", {"X": (10**12, 2), "Y": (10**12, 1)})
    claiming(tmp_path / "weights.npz", {"theta1": (10**6, 10**6)})
    for flag, name in (("--data", "data.npz"), ("--weights", "weights.npz")):
        line = one_line_error(capsys, module.main(argv + [flag, str(tmp_path / name)]))
        assert f"{tmp_path / name}" in line and "claims shape" in line, line
    (tmp_path / "two.npz").write_bytes(npz_bytes({"X": np.zeros((1000, 8)), "Y": np.zeros((1000, 8))}))
    monkeypatch.setattr(resources, "available_memory", lambda: 100_000)   # 64 kB each: one fits, not both
    line = one_line_error(capsys, module.main(argv + ["--data", str(tmp_path / "two.npz")]))
    assert "the arrays of data file" in line and "needs about" in line, line


@pytest.mark.parametrize("tool, flag, ending", OUTPUTS)
def test_outputs_to_special_files_are_one_line_or_reach_their_stream(tool, flag, ending, tmp_path, monkeypatch,
                                                                    capsys):
    """/dev/full (as named, and through a link of the right ending): one line; a FIFO no process reads and a
    folder that cannot be searched: refused before the run (never a hang, nothing printed); /dev/fd/N of a log
    opened for appending: the JSON report added after the log's lines (--save and --plot need a name with
    their ending: one line saying so)."""
    line = one_line_error(capsys, run_with_output(tool, flag, "/dev/full"))
    assert "/dev/full" in line and ("No space left on device" in line or f"ending in {ending}" in line), line
    (tmp_path / f"full{ending}").symlink_to("/dev/full")
    line = one_line_error(capsys, run_with_output(tool, flag, tmp_path / f"full{ending}"))
    assert f"full{ending}" in line and "No space left on device" in line, line
    os.mkfifo(tmp_path / f"out{ending}")
    line = one_line_error(capsys, run_with_output(tool, flag, tmp_path / f"out{ending}"))
    assert "FIFO that no process is reading" in line and capsys.readouterr().out == ""
    log = tmp_path / "grading.log"
    log.write_bytes(b"earlier line\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        code = run_with_output(tool, flag, f"/dev/fd/{fd}")
    finally:
        os.close(fd)
    if flag == "--json":
        assert code == 0 and json.loads(log.read_text().removeprefix("earlier line\n"))["ok"] is True
    else:
        assert f"ending in {ending}" in one_line_error(capsys, code)
    folder = tmp_path / "no_search"
    folder.mkdir()
    real_access = os.access   # root may search any folder: the operating system's answer is stood in for
    monkeypatch.setattr(os, "access", lambda p, mode: real_access(p, mode) and not (
        str(p) == str(folder) and mode & os.X_OK))
    line = one_line_error(capsys, run_with_output(tool, flag, folder / f"out{ending}"))
    assert "cannot write" in line and "(permission denied)" in line and capsys.readouterr().out == ""


@pytest.mark.parametrize("tool", TOOLS)
def test_file_names_that_are_not_utf8_are_read_written_and_named(tool, tmp_path, capsys):
    """caf\\xe9 (Latin-1's é): read as data, written as the JSON report, and named as an escape when missing."""
    module, argv = TOOLS[tool]
    named = lambda name: os.fsdecode(os.path.join(os.fsencode(tmp_path), name))  # noqa: E731
    np.savez(named(b"caf\xe9.npz"), X=lab.X, Y=lab.Y)
    assert module.main(argv + ["--data", named(b"caf\xe9.npz"), "--json", named(b"r\xe9.json")]) == 0
    assert json.loads(open(named(b"r\xe9.json"), "rb").read())["ok"] is True
    line = one_line_error(capsys, module.main(argv + ["--data", named(b"n\xe9o.npz")]))
    assert "n\\udce9o.npz" in line and "does not exist" in line, line


@pytest.mark.parametrize("tool", TOOLS)
def test_columns_below_40_give_the_40_column_layout(tool, monkeypatch, capsys):
    module, argv = TOOLS[tool]
    outputs = {}
    for columns in ("5", "39", "40", "100"):
        monkeypatch.setenv("COLUMNS", columns)
        assert module.main(argv) == 0
        outputs[columns] = capsys.readouterr().out
    assert outputs["5"] == outputs["39"] == outputs["40"] != outputs["100"]
