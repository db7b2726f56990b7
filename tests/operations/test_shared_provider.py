"""The emulator runs share one AWS provider process; a stack that could not share it does not."""

from __future__ import annotations

import json
from pathlib import Path

from hipaa_platform.operations import terraform
from hipaa_platform.operations.shared_provider import REATTACH, provider_binary, shareable, shared_aws_provider


def stack(tmp_path: Path, providers: list[dict]) -> Path:
    tmp_path.joinpath("cdk.tf.json").write_text(json.dumps({"provider": {"aws": providers}}))
    return tmp_path


def test_a_stack_with_one_aws_provider_shares_it(tmp_path: Path) -> None:
    directory = stack(tmp_path, [{"region": "us-east-1"}])
    assert shareable(directory) is True
    env = {REATTACH: "{}", "AWS_REGION": "us-east-1"}
    assert terraform.command_environment(directory, env) == env


def test_a_stack_with_an_aliased_provider_starts_its_own(tmp_path: Path) -> None:
    directory = stack(tmp_path, [{"region": "us-west-2"}, {"alias": "edge", "region": "us-east-1"}])
    assert shareable(directory) is False
    assert REATTACH not in terraform.command_environment(directory, {REATTACH: "{}", "AWS_REGION": "us-west-2"})


def test_without_a_provider_binary_nothing_is_shared(tmp_path: Path) -> None:
    assert provider_binary([tmp_path]) is None
    with shared_aws_provider(None, {}, tmp_path / "provider.log") as attach:
        assert attach == {}


def test_the_mirrored_provider_starts_once_and_stops(tmp_path: Path) -> None:
    binary = provider_binary([root for root in (terraform.find_mirror(), terraform.PLUGIN_CACHE) if root])
    assert binary is not None, "the offline mirror or the plugin cache holds hashicorp/aws 5.100.0"
    log = tmp_path / "provider.log"
    with shared_aws_provider(binary, {"PATH": "/usr/bin:/bin"}, log) as attach:
        settings = json.loads(attach[REATTACH])["registry.terraform.io/hashicorp/aws"]
        assert settings["Addr"]["Network"] == "unix" and settings["ProtocolVersion"] == 5
        pid = settings["Pid"]
        assert Path(f"/proc/{pid}").exists()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
