"""Benchmarks (``make bench``). Figures are printed; nothing here asserts a timing."""
