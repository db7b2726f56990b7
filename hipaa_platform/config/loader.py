"""Read an environment file into an Environment, or fail with a message that names the fix."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from hipaa_platform.config import AccountBaseline, Environment
from hipaa_platform.config.secrets_policy import secret_finding
from hipaa_platform.errors import ConfigError

ENVIRONMENTS_DIR = Path(__file__).resolve().parents[2] / "environments"
ACCOUNTS_DIR = Path(__file__).resolve().parents[2] / "accounts"
ACCOUNT_KEY, BASELINE_KEY = "account", "baseline"  # a stage names its account; the loader adds its baseline
BASES = "base"  # environments/base/<name>.yaml: a shared description that stage files extend
BASE_KEY = "base"  # in a stage file: the name of the base it extends
# A base's strings may name the stage's own values, so that per-stage names never collide:
# `cluster_name: menotime-{stage}-cluster`.
PLACEHOLDERS = ("name", "name_prefix", "stage")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


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


def environment_files(name: str, directory: Path | None = None) -> list[Path]:
    """The files an environment is read from: its base (when it has one), then its own file."""
    path = environment_file(name, directory)
    base = _read(path).get(BASE_KEY)
    return [_base_file(path, base), path] if base is not None else [path]


@dataclass(frozen=True)
class Sources:
    """An environment file's settings, and its base's when it extends one."""

    path: Path
    own: dict
    base_path: Path | None = None
    base: dict | None = None

    @property
    def document(self) -> dict:
        """The effective settings: the file deep-merged over its base, the base's placeholders filled in."""
        if self.base is None:
            return self.own
        return merged(self.filled_base, self.own)

    @property
    def filled_base(self) -> dict:
        """The base with this stage's values in its placeholders (before the merge, so that a stage's
        list item matches the base's item by its filled-in name)."""
        values = {key: self.own.get(key, (self.base or {}).get(key)) for key in PLACEHOLDERS}
        return _filled(self.base or {}, {key: value for key, value in values.items() if isinstance(value, str)})

    def origin(self, loc: tuple[object, ...]) -> str:
        """Which file sets the value at `loc` of the effective settings."""
        document = self.document
        if _sets(self.own, document, loc):
            return self.path.name
        if self.base is not None and _sets(self.filled_base, document, loc):
            return str(self.base_path)
        return "neither file"


def read_sources(path: Path) -> Sources:
    own = _read(path)
    _refuse_secret_values(path, own)
    base_name = own.pop(BASE_KEY, None)
    if base_name is None:
        return Sources(path, own)
    base_path = _base_file(path, base_name)
    base = _read(base_path)
    if BASE_KEY in base:
        raise ConfigError(f"{base_path}: {BASE_KEY}: a base cannot extend another base")
    _refuse_secret_values(base_path, base)
    return Sources(path, own, base_path, base)


def environments_in_account(account: str) -> list[str]:
    """The environment files that name `account`."""
    return [name for name in available_environments() if load_environment(name).account == account]


def available_accounts(directory: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (directory or ACCOUNTS_DIR).glob("*.yaml"))


def account_file(name: object, named_in: Path | None = None, directory: Path | None = None) -> Path:
    directory = directory or ACCOUNTS_DIR
    path = directory / f"{name}.yaml"
    if not isinstance(name, str) or not path.is_file():
        where = f"{named_in}: {ACCOUNT_KEY}: " if named_in else ""
        raise ConfigError(
            f"{where}account {name!r} not found in {directory}; allowed: {', '.join(available_accounts(directory))}"
        )
    return path


def load_account(name: object, named_in: Path | None = None, directory: Path | None = None) -> AccountBaseline:
    path = account_file(name, named_in, directory)
    document = _read(path)
    _refuse_secret_values(path, document)
    try:
        account = AccountBaseline.model_validate(document)
    except ValidationError as error:
        raise ConfigError(_describe(Sources(path, document), error, AccountBaseline)) from None
    if account.name != path.stem:
        raise ConfigError(f"{path}: name: {account.name!r} must match the file name; allowed: {path.stem!r}")
    return account


def load_environment_file(path: Path) -> Environment:
    sources = read_sources(path)
    document = sources.document
    if BASELINE_KEY in document:
        raise ConfigError(
            f"{path}: {BASELINE_KEY}: an account's baseline lives in its own file; name it with "
            f"`{ACCOUNT_KEY}: <name>`; allowed accounts: {', '.join(available_accounts())}"
        )
    if ACCOUNT_KEY not in document:
        raise ConfigError(
            f"{path}: {ACCOUNT_KEY}: required key is missing (the AWS account the environment runs in); "
            f"allowed: {', '.join(available_accounts())}"
        )
    baseline = load_account(document[ACCOUNT_KEY], path)
    document = {**document, BASELINE_KEY: baseline.model_dump(mode="json")}
    try:
        environment = Environment.model_validate(document)
    except ValidationError as error:
        raise ConfigError(_describe(sources, error)) from None
    if environment.name != path.stem:
        raise ConfigError(f"{path}: name: {environment.name!r} must match the file name; allowed: {path.stem!r}")
    return environment


def merged(base: dict, override: dict) -> dict:
    """`override` deep-merged over `base`: mappings key by key, lists of named items by name (an item
    the base lacks is appended), any other value replaced."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        elif _named_items(value) and _named_items(result.get(key)):
            by_name = {item["name"]: item for item in value}
            result[key] = [merged(item, by_name.pop(item["name"], {})) for item in result[key]]
            result[key] += list(by_name.values())
        else:
            result[key] = value
    return result


def _filled(node: object, values: dict[str, str]) -> object:
    if isinstance(node, dict):
        return {key: _filled(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_filled(item, values) for item in node]
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), node)
    return node


def _named_items(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def _read(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    # Top-level `x-` keys hold YAML anchors shared by several entries (as in Compose files).
    return {key: value for key, value in raw.items() if not str(key).startswith("x-")}


def _base_file(stage: Path, name: object) -> Path:
    bases = stage.parent / BASES
    path = bases / f"{name}.yaml"
    if not isinstance(name, str) or not path.is_file():
        allowed = ", ".join(sorted(p.stem for p in bases.glob("*.yaml"))) or f"none (no files in {bases})"
        raise ConfigError(f"{stage}: {BASE_KEY}: {name!r} is not a base; allowed: {allowed}")
    return path


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


def _describe(sources: Sources, error: ValidationError, root: type[BaseModel] | None = None) -> str:
    path = sources.path
    header = f"{path} (over its base {sources.base_path})" if sources.base_path else str(path)
    # A list whose item failed is also reported as too short; the item's own error says it all.
    failed = [item["loc"] for item in error.errors()]
    problems = [
        item
        for item in error.errors()
        if not (item["type"] == "too_short" and any(loc[: len(item["loc"])] == item["loc"] and loc != item["loc"]
                                                    for loc in failed))
    ]  # fmt: skip
    lines = [f"{header}: {len(problems)} problem(s)"]
    for item in problems:
        field = _location(item["loc"])
        if sources.base_path is not None:
            field += f" (in {sources.origin(item['loc'])})"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            allowed = _allowed_keys(item["loc"][:-1], root or Environment)
            message = f"unknown key; allowed: {', '.join(allowed)}"
        elif item["type"] == "missing":
            message = "required key is missing"
        lines.append(f"  {field or '(top level)'}: {message}")
    return "\n".join(lines)


def _sets(own: object, document: object, loc: tuple[object, ...]) -> bool:
    """Whether the stage file's own settings reach `loc` of the merged document (named list items by name)."""
    for part in loc:
        if isinstance(part, int):
            if not isinstance(document, list) or part >= len(document) or not isinstance(own, list):
                return False
            name = document[part].get("name") if isinstance(document[part], dict) else None
            matches = [i for i in own if isinstance(i, dict) and i.get("name") == name] if name else []
            if not matches:
                return False
            own, document = matches[0], document[part]
        else:
            if not isinstance(own, dict) or part not in own:
                return False
            own, document = own[part], document.get(part) if isinstance(document, dict) else None
    return True


def _location(loc: tuple[object, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(loc: tuple[object, ...], model: type[BaseModel]) -> list[str]:
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            return []
        model = nested
    return [key for key in model.model_fields if not (model is Environment and key == BASELINE_KEY)]


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


def effective_configuration(name: str) -> str:
    """An environment's file merged over its base, with defaults, as YAML."""
    document = load_environment(name).model_dump(mode="json", by_alias=True)
    return yaml.safe_dump(document, sort_keys=False, width=120)
