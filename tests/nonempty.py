"""Parametrized lists made by globs must not be empty: pytest would pass a test with no cases."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def nonempty(items: list[T], what: str) -> list[T]:
    if not items:
        raise RuntimeError(f"no {what} found: every test parametrized by them would pass without running")
    return items
