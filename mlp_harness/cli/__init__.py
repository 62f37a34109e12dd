"""The command-line tools (mlp-compare, mlp-train, mlp-bench) and the options they share."""
