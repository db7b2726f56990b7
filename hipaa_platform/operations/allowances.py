"""Replacements a pull request allows, one line each in its description:

    allow-replace: <environment> <resource address>

An allowance belongs to the pull request that states it and names its environment, so it cannot
reach a later pull request or another stage."""

from __future__ import annotations

import re
from pathlib import Path

from hipaa_platform.errors import UserError

_LINE = re.compile(r"^\s*allow-replace:\s*(?P<environment>\S+)\s+(?P<address>\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(r"^[a-z0-9_]+\.[A-Za-z0-9_-]+(\[[^\]]+\])?$")


def allowed_replacements(description: str | Path | None, environment: str) -> frozenset[str]:
    """The addresses `description` (a pull request's text, or a file holding it) allows to be replaced in
    `environment`."""
    if isinstance(description, Path):
        description = description.read_text()
    allowed = set()
    for match in _LINE.finditer(description or ""):
        address = match["address"]
        if not _ADDRESS.match(address):
            raise UserError(
                f"pull request description: allow-replace: {match['environment']} {address}: not a resource "
                "address; allowed: <type>.<name>, e.g. aws_db_instance.database"
            )
        if match["environment"] == environment:
            allowed.add(address)
    return frozenset(allowed)
