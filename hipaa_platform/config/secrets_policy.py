"""One definition of a secret-looking setting, shared by the config loader and the checkov policy."""

from __future__ import annotations

import re

# Name parts that mark a variable as a credential (DB_PASS, NEXTAUTH_SECRET, PHI_ENCRYPTION_KEY ...).
SECRET_NAME_PARTS = frozenset(
    {"PASS", "PASSWD", "PASSWORD", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
# Values that are credentials whatever the variable is called.
SECRET_VALUE_PATTERNS = (
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with an embedded password"),
)
# References to a secret store or a key are not secrets themselves.
REFERENCE_PREFIXES = ("arn:aws:", "alias/", "/")


def secret_finding(name: str, value: object) -> str | None:
    """Why NAME=VALUE looks like a plain-text secret, or None when it does not."""
    text = "" if value is None else str(value)
    for pattern, what in SECRET_VALUE_PATTERNS:
        if pattern.search(text):
            return f"the value looks like {what}"
    parts = set(re.split(r"[^A-Z0-9]+", name.upper()))
    if parts & SECRET_NAME_PARTS and text and not text.startswith(REFERENCE_PREFIXES):
        return "the name marks it as a credential and it carries a literal value"
    return None
