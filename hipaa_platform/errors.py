"""Errors the user can fix; the CLI prints them without a traceback."""


class UserError(Exception):
    """A mistake in input or environment that the user can correct."""


class ConfigError(UserError):
    """An environment file that does not describe a valid environment."""


def problems_in(path: object, error) -> UserError:
    """A pydantic ValidationError of a data file, as one error naming the file and each field."""
    lines = [f"{path}: {error.error_count()} problem(s)"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {where}: {item['msg'].removeprefix('Value error, ')}")
    return UserError("\n".join(lines))
