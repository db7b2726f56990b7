"""Shared by the custom checks; registers no check of its own."""

from __future__ import annotations

from typing import Any


def value(parsed: Any) -> Any:
    """An attribute as checkov parsed it: each value of a configuration comes wrapped in a list."""
    return parsed[0] if isinstance(parsed, list) and len(parsed) == 1 else parsed
