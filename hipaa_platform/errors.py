"""Errors the user can fix; the CLI prints them without a traceback."""


class UserError(Exception):
    """A mistake in input or environment that the user can correct."""


class ConfigError(UserError):
    """An environment file that does not describe a valid environment."""
