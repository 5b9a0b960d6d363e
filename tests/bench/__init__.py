"""Benchmarks, kept apart from the product code: ``python -m tests.bench`` from the repository root."""
