"""Same as the ``mlp-train`` command: python scripts/train.py --help."""
import sys

from mlp_harness.cli.train_cli import main

if __name__ == "__main__":
    sys.exit(main())
