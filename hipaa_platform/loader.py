"""Read an environment file into an Environment, or fail with a message that names the fix."""

from __future__ import annotations

import types
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from hipaa_platform.config import Environment
from hipaa_platform.errors import ConfigError
from hipaa_platform.secrets_policy import secret_finding

ENVIRONMENTS_DIR = Path(__file__).resolve().parent.parent / "environments"


def available_environments(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or ENVIRONMENTS_DIR).glob("*.yaml"))


def environment_file(name: str, directory: Path | None = None) -> Path:
    path = (directory or ENVIRONMENTS_DIR) / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"environment {name!r} not found ({path}); allowed: {', '.join(available_environments(directory))}"
        )
    return path


def load_environment(name: str, directory: Path | None = None) -> Environment:
    return load_environment_file(environment_file(name, directory))


def load_environment_file(path: Path) -> Environment:
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    # Top-level `x-` keys hold YAML anchors shared by several entries (as in Compose files).
    raw = {key: value for key, value in raw.items() if not str(key).startswith("x-")}
    _refuse_secret_values(path, raw)
    try:
        environment = Environment.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(path, error)) from None
    if environment.name != path.stem:
        raise ConfigError(f"{path}: name: {environment.name!r} must match the file name; allowed: {path.stem!r}")
    return environment


def _refuse_secret_values(path: Path, node: object, where: str = "") -> None:
    """Credential-shaped values (keys, private keys, URLs with passwords) are refused anywhere in the file."""
    if isinstance(node, dict):
        for key, value in node.items():
            _refuse_secret_values(path, value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _refuse_secret_values(path, value, f"{where}[{index}]")
    elif isinstance(node, str):
        finding = secret_finding("", node)
        if finding:
            raise ConfigError(
                f"{path}: {where}: {finding}; plain-text secrets are refused. Declare the name under "
                "security.parameters, reference it from the service's secrets, and set its value out of band."
            )


def _describe(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s)"]
    for item in error.errors():
        field = _location(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            allowed = _allowed_keys(item["loc"][:-1])
            message = f"unknown key; allowed: {', '.join(allowed)}"
        elif item["type"] == "missing":
            message = "required key is missing"
        lines.append(f"  {field or '(top level)'}: {message}")
    return "\n".join(lines)


def _location(loc: tuple[object, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(loc: tuple[object, ...]) -> list[str]:
    model: type[BaseModel] = Environment
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, (types.UnionType, typing._GenericAlias, types.GenericAlias)) or typing.get_args(
        annotation
    ):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None
