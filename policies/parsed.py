"""Shared by the custom checks; registers no check of its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from checkov.common.models.enums import CheckResult


def value(parsed: Any) -> Any:
    """An attribute as checkov parsed it: each value of a configuration comes wrapped in a list."""
    return parsed[0] if isinstance(parsed, list) and len(parsed) == 1 else parsed


def as_list(item: Any) -> list[Any]:
    """A policy element that may be one value or a list of them."""
    return item if isinstance(item, list) else [item]


def policy_statements(conf: dict[str, Any]) -> list[Any] | None:
    """The statements of a resource's `policy` (cdktf writes it as a JSON string); None when the
    document is a reference Terraform resolves only at apply time."""
    document = value(conf.get("policy"))
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    return as_list(document.get("Statement", [])) if isinstance(document, dict) else None


def allows_action(statement: dict[str, Any], action: str) -> bool:
    """Whether an Allow statement grants `action` (lower case): named by its `Action` patterns, or
    not excluded by its `NotAction` ones (a NotAction Allow grants everything it does not name)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:
        return not any(fnmatchcase(action, str(p).lower()) for p in as_list(statement["NotAction"]))
    return any(fnmatchcase(action, str(p).lower()) for p in as_list(statement.get("Action", [])))


def verdict_on_statements(conf: dict[str, Any], refused: Callable[[dict[str, Any]], bool]) -> CheckResult:
    """FAILED when any statement of the resource's policy is `refused`; UNKNOWN when the policy is
    a reference Terraform resolves only at apply time."""
    statements = policy_statements(conf)
    if statements is None:
        return CheckResult.UNKNOWN
    if any(isinstance(s, dict) and refused(s) for s in statements):
        return CheckResult.FAILED
    return CheckResult.PASSED
