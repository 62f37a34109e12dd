"""Same as the ``mlp-compare`` command: python scripts/compare.py --help."""
import sys

from mlp_harness.cli.compare_cli import main

if __name__ == "__main__":
    sys.exit(main())
