"""Importing this module registers every built-in rule family."""

from layerlint.rules import analysis, confirm, data_fit, head, layout, legacy, losses, shape_errors, size, structure  # noqa: F401
