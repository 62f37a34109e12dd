"""The build hook: each catalog's .po compiled to its .mo in the built package, so that a wheel speaks every
language without compiling anything at run time (the metadata is all in pyproject.toml)."""
import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def compile_po():
    """manual_mlp/messages.py's msgfmt, loaded alone (it needs only the standard library, not numpy)."""
    spec = importlib.util.spec_from_file_location("catalog_compiler", HERE / "manual_mlp" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compile_po


class BuildWithCatalogs(build_py):
    """build_py, then every locale/<lang>/LC_MESSAGES/<domain>.po of the build compiled beside itself."""

    def run(self):
        super().run()
        compile_ = compile_po()
        for po in sorted(Path(self.build_lib).glob("*/locale/*/LC_MESSAGES/*.po")):
            po.with_suffix(".mo").write_bytes(compile_(po.read_text(encoding="utf-8")))


setup(cmdclass={"build_py": BuildWithCatalogs})
