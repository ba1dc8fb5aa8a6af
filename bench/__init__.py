"""Benchmarks. Each module prints its figures as ratios against a baseline measured in the same
run (these machines are noisy); ``python -m bench`` runs them all, ``python -m bench.NAME`` one."""
