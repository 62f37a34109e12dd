"""A course kit (``mlp-kit``): the folder a teacher hands out — the exercise notebook, the package's wheel built
from this checkout, and a LEIAME.md for teachers (in Portuguese).

The notebook's first cell installs the package from the wheel beside it (Jupyter), in /content (an upload
to Colab) or in the mounted Google Drive, with no access to this repository; torch, NumPy and matplotlib
come from the student's Python. source (the checkout), wheel (building it offline), leiame (the teachers'
page) and kit (writing the folder).
"""
from .kit import Kit, make_kit

__all__ = ["Kit", "make_kit"]
