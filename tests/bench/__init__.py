"""Benchmarks: context cost, call overhead, cold start and load. Run with ``python -m tests.bench``."""
