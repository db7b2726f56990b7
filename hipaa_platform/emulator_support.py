"""Resource types the local emulator cannot create, each with the reason.

When the target is the emulator, constructs ask `LayerContext.creates(type)` and leave these
out; the deploy report counts and lists them. Nothing else is dropped.
"""

UNSUPPORTED_ON_EMULATOR: dict[str, str] = {}

# Attributes the emulator accepts but does not store, which would show as drift on every re-plan.
# On the emulator only, Terraform is told to ignore them; the deploy report lists them.
UNSTORED_ON_EMULATOR: dict[str, tuple[tuple[str, ...], str]] = {
    "aws_vpc_security_group_ingress_rule": (
        ("description",),
        "moto drops the description of rules that reference another security group",
    ),
    "aws_vpc_security_group_egress_rule": (
        ("description",),
        "moto drops the description of rules that reference another security group",
    ),
}
