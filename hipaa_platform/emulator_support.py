"""Resource types the local emulator cannot create, each with the reason.

When the target is the emulator, constructs ask `LayerContext.creates(type)` and leave these
out; the deploy report counts and lists them. Nothing else is dropped.
"""

UNSUPPORTED_ON_EMULATOR: dict[str, str] = {}
