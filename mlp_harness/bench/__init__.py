"""Timing the twins: cases, medians of interleaved rounds, the bare-matmul floor, what machine ran them."""
