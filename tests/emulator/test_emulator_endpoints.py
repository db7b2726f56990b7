"""On the emulator target no request of the AWS provider can reach AWS: the synthesized provider
sends a request for any host but loopback to an address on loopback where nothing serves, and an
emulator run points the provider at the emulator with AWS_ENDPOINT_URL (targets.UNREACHABLE_PROXY)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from hipaa_platform.emulator.server import Emulator
from hipaa_platform.operations import terraform
from hipaa_platform.targets import UNREACHABLE_PROXY

ENDPOINT = "https://127.0.0.1:4566"


def aws_providers(synthesized) -> list[dict]:
    return [provider for stack in synthesized.stacks.values() for provider in stack["provider"]["aws"]]


def refuses_other_hosts(provider: dict) -> bool:
    """Every host but loopback goes to the unreachable proxy, and no per-service endpoint is set
    (the provider validates an `endpoints` block for seconds of CPU on every command)."""
    return (
        provider.get("http_proxy") == provider.get("https_proxy") == UNREACHABLE_PROXY and "endpoints" not in provider
    )


def test_the_proxy_is_on_loopback() -> None:
    assert urlparse(UNREACHABLE_PROXY).hostname == "127.0.0.1"


def test_every_provider_on_the_emulator_refuses_other_hosts(medisync_on_emulator) -> None:
    providers = aws_providers(medisync_on_emulator)
    assert len(providers) == len(medisync_on_emulator.stacks)
    assert all(refuses_other_hosts(provider) for provider in providers)


def test_a_real_synthesis_goes_to_aws_directly(medisync) -> None:
    assert not any("https_proxy" in provider or "endpoints" in provider for provider in aws_providers(medisync))


def test_an_emulator_run_points_terraform_at_its_emulator() -> None:
    emulator = Emulator(endpoint=ENDPOINT, ca_bundle=Path("emulator.crt"))
    assert emulator.terraform_variables("us-east-1")["AWS_ENDPOINT_URL"] == ENDPOINT


def test_a_command_run_against_the_emulator_points_terraform_at_it(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert "AWS_ENDPOINT_URL" not in terraform.terraform_environment()
    monkeypatch.setenv("PLATFORM_STATE", "emulator")
    monkeypatch.setenv("PLATFORM_EMULATOR_ENDPOINT", ENDPOINT)
    assert terraform.terraform_environment()["AWS_ENDPOINT_URL"] == ENDPOINT
