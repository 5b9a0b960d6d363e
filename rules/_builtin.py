"""Importing this module registers every built-in rule family."""

from . import analysis, losses, shape_errors, size, structure  # noqa: F401
