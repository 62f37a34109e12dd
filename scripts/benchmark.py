"""Same as the ``mlp-bench`` command: python scripts/benchmark.py --help."""
import sys

from mlp_harness.cli.bench_cli import main

if __name__ == "__main__":
    sys.exit(main())
