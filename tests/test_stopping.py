"""Stopping and starting at the edges: SIGTERM (``timeout``, a cancelled CI job) cleans up as Ctrl-C does,
Ctrl-C while a tool imports is one line, and the pytest plugin refuses an unreadable file in one line."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def processes_running(text: str) -> list[int]:
    """The pids whose command line mentions ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_sigterm_stops_the_workers_and_removes_their_folders(tmp_path):
    hang = tmp_path / "hand-in" / "endless_sigmoid.py"
    hang.parent.mkdir()
    hang.write_text("def sigmoid(z):\n    while True:\n        pass\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "mlp_harness.cli.check_cli", str(hang), str(hang), "--jobs", "2"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60   # a loaded 2-core machine takes seconds to import torch and start workers
    while len(processes_running(str(hang))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert len(processes_running(str(hang))) >= 2, "the workers never started"
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGTERM)   # `timeout` signals the process and its group: twice
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "SIGTERM" in err and "Traceback" not in err
    assert processes_running(str(hang)) == []
    assert list(scratch.iterdir()) == []


def test_ctrl_c_while_a_tool_is_still_importing_is_one_line(monkeypatch, capsys):
    """The console scripts' entry: a KeyboardInterrupt raised inside the import of the tool (torch's second)."""
    from mlp_harness.cli import entry

    def interrupted(name, package=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(entry.importlib, "import_module", interrupted)
    assert entry._run("mlp-check", "check_cli") == 130
    assert capsys.readouterr().err == "mlp-check: interrupted\n"


def test_the_package_imports_nothing_heavy_until_a_name_is_used():
    code = ("import sys, mlp_harness.cli.entry; heavy = {'torch', 'numpy'} & set(sys.modules); "
            "import mlp_harness; mlp_harness.RunConfig; print(sorted(heavy), 'numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.stdout.split() == ["[]", "True"], done.stderr


@pytest.mark.parametrize("name,text", [("entrega.ipynb", "{not json"), ("entrega.txt", "def sigmoid(z): pass\n")])
def test_the_pytest_plugin_on_a_file_it_cannot_read_is_one_usage_line(pytester, tmp_path, name, text):
    bad = tmp_path / name
    bad.write_text(text)
    result = pytester.runpytest_inprocess("--check-backprop", str(bad), "-q", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = "\n".join(result.outlines + result.errlines)
    assert "Traceback" not in output and len([line for line in result.errlines if line.strip()]) <= 2
