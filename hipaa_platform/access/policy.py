"""IAM policy evaluation within one account, as AWS documents it
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

1. An explicit deny in any policy that applies (identity, permission boundary, resource) wins.
2. KMS: the key policy must allow the principal itself, or delegate to the account (allow the
   account's root), in which case the identity policy must allow it too.
3. Otherwise an allow in the identity policy or in the resource policy suffices; a permission
   boundary limits what a role's identity policy grants (and, for a role, what a resource policy
   grants to the role's ARN).
4. Everything else is denied by default.

Conditions use AWS's operators (String*, Arn*, Bool, Null, the ...IfExists forms and the
ForAnyValue/ForAllValues qualifiers). A key absent from the request context fails a condition,
except under a negated operator or ...IfExists, as AWS documents.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class Principal:
    """Who makes a request: a role (its ARN), or an AWS service principal (`logs.amazonaws.com`)."""

    arn: str
    account: str
    service: bool = False

    @property
    def root(self) -> str:
        return f"arn:aws:iam::{self.account}:root"


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


@functools.cache
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern:
    regex = fnmatch.translate(pattern.replace("[", "[[]"))
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE)


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM's `*` and `?` (any run of characters, one character); nothing else is special."""
    if pattern == "*":
        return True
    return _glob(pattern, case_sensitive).match(value) is not None


@dataclass(frozen=True)
class Statement:
    sid: str
    effect: Effect
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    principals: Mapping[str, tuple[str, ...]] | None = None  # None: an identity policy's statement
    not_principals: Mapping[str, tuple[str, ...]] | None = None
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Mapping, index: int) -> Statement:
        def principal_map(value) -> Mapping[str, tuple[str, ...]] | None:
            if value is None:
                return None
            if value == "*":
                return {"AWS": ("*",)}
            return {kind: _as_tuple(names) for kind, names in value.items()}

        return cls(
            sid=str(raw.get("Sid") or f"statement {index + 1}"),
            effect=Effect(raw["Effect"]),
            actions=_as_tuple(raw.get("Action")),
            not_actions=_as_tuple(raw.get("NotAction")),
            resources=_as_tuple(raw.get("Resource")),
            not_resources=_as_tuple(raw.get("NotResource")),
            principals=principal_map(raw.get("Principal")),
            not_principals=principal_map(raw.get("NotPrincipal")),
            conditions={
                operator: {
                    key: tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in _as_tuple(values))
                    for key, values in block.items()
                }
                for operator, block in (raw.get("Condition") or {}).items()
            },
        )

    def covers_action(self, action: str) -> bool:
        if self.actions:
            return any(wildcard_match(p, action, case_sensitive=False) for p in self.actions)
        return not any(wildcard_match(p, action, case_sensitive=False) for p in self.not_actions)

    def covers_resource(self, resource: str) -> bool:
        if self.resources:
            return any(wildcard_match(p, resource) for p in self.resources)
        if self.not_resources:
            return not any(wildcard_match(p, resource) for p in self.not_resources)
        return True  # a resource policy's statement may leave Resource out: the resource itself

    def names(self, principal: Principal) -> bool:
        """Whether the statement's Principal covers the principal itself (the account's root does not)."""
        if self.not_principals is not None:
            return not _principal_in(self.not_principals, principal, include_root=True)
        return self.principals is not None and _principal_in(self.principals, principal, include_root=False)

    def names_account(self, principal: Principal) -> bool:
        """Whether the statement delegates to the principal's account (names its root or its id)."""
        if self.principals is None or principal.service:
            return False
        names = self.principals.get("AWS", ())
        return principal.root in names or principal.account in names

    def conditions_hold(self, context: Mapping[str, str | tuple[str, ...]]) -> bool:
        return all(
            _condition(operator, key, expected, context)
            for operator, block in self.conditions.items()
            for key, expected in block.items()
        )


def _principal_in(principals: Mapping[str, tuple[str, ...]], principal: Principal, *, include_root: bool) -> bool:
    if principal.service:
        return principal.arn in principals.get("Service", ()) or "*" in principals.get("AWS", ())
    names = principals.get("AWS", ())
    return "*" in names or principal.arn in names or (include_root and principal.root in names)


@dataclass(frozen=True)
class Policy:
    """A policy document and where it comes from (shown in every finding)."""

    label: str
    statements: tuple[Statement, ...]

    @classmethod
    def parse(cls, label: str, document: str | Mapping) -> Policy:
        raw = json.loads(document) if isinstance(document, str) else document
        statements = raw.get("Statement", [])
        if isinstance(statements, Mapping):
            statements = [statements]
        return cls(label, tuple(Statement.parse(s, i) for i, s in enumerate(statements)))

    def matching(self, request: Request, effect: Effect, *, resource_policy: bool = False) -> list[Statement]:
        return [
            s
            for s in self.statements
            if s.effect == effect
            and s.covers_action(request.action)
            and s.covers_resource(request.resource)
            and (not resource_policy or s.names(request.principal) or s.names_account(request.principal))
            and s.conditions_hold(request.context)
        ]


# Operators: name -> (compare(expected, actual), negated)
def _string_like(expected: str, actual: str) -> bool:
    return wildcard_match(expected, actual)


_OPERATORS = {
    "StringEquals": (lambda e, a: e == a, False),
    "StringNotEquals": (lambda e, a: e == a, True),
    "StringEqualsIgnoreCase": (lambda e, a: e.lower() == a.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda e, a: e.lower() == a.lower(), True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (lambda e, a: e == a, False),
    "ArnNotEquals": (lambda e, a: e == a, True),
    "ArnLike": (_string_like, False),
    "ArnNotLike": (_string_like, True),
    "Bool": (lambda e, a: e.lower() == a.lower(), False),
    "NumericEquals": (lambda e, a: float(e) == float(a), False),
    "NumericLessThanEquals": (lambda e, a: float(a) <= float(e), False),
    "NumericGreaterThanEquals": (lambda e, a: float(a) >= float(e), False),
}


def _condition(operator: str, key: str, expected: tuple[str, ...], context: Mapping) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    actual = _context_value(context, key)
    if name == "Null":
        return (actual is None) == (expected[0].lower() == "true")
    if name not in _OPERATORS:
        return False  # an operator this evaluator does not know never grants
    compare, negated = _OPERATORS[name]
    if actual is None:
        return if_exists or negated
    values = _as_tuple(actual)
    if qualifier == "ForAllValues":
        matched = all(any(compare(e, v) for e in expected) for v in values)
    else:  # one value, or ForAnyValue
        matched = any(compare(e, v) for e in expected for v in values)
    return not matched if negated else matched


def _context_value(context: Mapping, key: str):
    for name, value in context.items():  # condition keys are case-insensitive
        if name.lower() == key.lower():
            return value
    return None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    policies: tuple[str, ...] = ()


def evaluate(
    request: Request,
    *,
    identity: Sequence[Policy] = (),
    boundary: Policy | None = None,
    resource_policy: Policy | None = None,
    kms: bool = False,
) -> Decision:
    """The decision for one request in the principal's own account."""
    for policy in (*identity, *([boundary] if boundary else []), *([resource_policy] if resource_policy else [])):
        is_resource = policy is resource_policy
        denying = policy.matching(request, Effect.DENY, resource_policy=is_resource)
        if denying:
            return Decision(False, f"explicitly denied by {policy.label} ({denying[0].sid})", (policy.label,))

    identity_allows = [p.label for p in identity if p.matching(request, Effect.ALLOW)]
    within_boundary = boundary is None or bool(boundary.matching(request, Effect.ALLOW))
    direct = delegated = False
    if resource_policy is not None:
        for statement in resource_policy.matching(request, Effect.ALLOW, resource_policy=True):
            direct = direct or statement.names(request.principal)
            delegated = delegated or statement.names_account(request.principal)
    resource_label = resource_policy.label if resource_policy else "no resource policy"

    if kms:
        if resource_policy is None:
            return Decision(False, "no key policy: a KMS key without a key policy admits no one")
        if direct and within_boundary:
            return Decision(True, f"allowed by {resource_label}", (resource_label,))
        if delegated and identity_allows and within_boundary:
            return Decision(
                True,
                f"allowed by {identity_allows[0]} ({resource_label} delegates to the account)",
                (identity_allows[0], resource_label),
            )
        if not (direct or delegated):
            return Decision(
                False, f"{resource_label} neither admits the principal nor delegates to the account", (resource_label,)
            )
    else:
        if direct and within_boundary:
            return Decision(True, f"allowed by {resource_label}", (resource_label,))
        if identity_allows and within_boundary:
            return Decision(True, f"allowed by {identity_allows[0]}", (identity_allows[0],))
    if identity_allows and not within_boundary:
        return Decision(False, f"outside the permission boundary {boundary.label}", (boundary.label,))
    where = ", ".join(p.label for p in identity) or "no identity policy"
    return Decision(False, f"denied by default: no statement of {where} allows it", tuple(p.label for p in identity))
