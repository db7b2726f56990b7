"""Contracts between layers are keyed by the names in the environment file, never by position."""

from __future__ import annotations

import dataclasses
import importlib
import re
import tempfile
import typing

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.targets import PROJECT_ROOT
from tests.conftest import ENVIRONMENTS

if typing.TYPE_CHECKING:
    from hipaa_platform.contracts import LayerOutputs


def contract_of(layer: str) -> type[LayerOutputs]:
    """The layer's outputs contract (`hipaa_platform/contracts/<layer>.py`, `<Layer>Outputs`), imported
    when a test runs: the contracts load cdktf, whose jsii kernel would otherwise run in every test
    worker from collection on."""
    module = importlib.import_module(f"hipaa_platform.contracts.{layer}")
    return getattr(module, f"{layer.capitalize()}Outputs")


# Sets used whole (a load balancer or a service is placed in every subnet of a tier), never per item.
WHOLE_SETS = {"public_subnet_ids", "private_subnet_ids", "isolated_subnet_ids"}
POSITIONAL_READ = re.compile(r"\belement\(|\bitem\(|Fn\.element|\.get_list\(")


def list_fields(contract: type[LayerOutputs]) -> set[str]:
    hints = typing.get_type_hints(contract)
    return {f.name for f in dataclasses.fields(contract) if typing.get_origin(hints[f.name]) is list}


@pytest.mark.parametrize("layer", LAYERS)
def test_per_item_contract_fields_are_maps(layer: str) -> None:
    contract = contract_of(layer)
    assert list_fields(contract) <= WHOLE_SETS


def test_the_check_sees_a_list_field() -> None:
    from hipaa_platform.contracts import LayerOutputs

    @dataclasses.dataclass(frozen=True)
    class Positional(LayerOutputs):
        LAYER = "compute"
        service_names: list[str]

    assert list_fields(Positional) == {"service_names"}


def test_no_layer_reads_an_upstream_list_by_position() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in sorted((PROJECT_ROOT / "layers").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if POSITIONAL_READ.search(line.split("#")[0])
    ]
    assert offenders == []


def test_the_grep_sees_a_positional_read() -> None:
    assert POSITIONAL_READ.search("role=item(security.task_role_names, index),")
    assert POSITIONAL_READ.search("Token.as_string(Fn.element(values, 0))")
    assert not POSITIONAL_READ.search("role=security.task_role_names[spec.name],")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_synthesized_layers_read_upstream_state_by_name(synthesis_of, environment: str) -> None:
    synthesized = synthesis_of(environment)
    text = synthesized.text()
    assert "element(data.terraform_remote_state" not in text
    assert re.search(r"terraform_remote_state\.\w+\.outputs\.\w+\.[a-z][a-z0-9-]*\}", text)


def test_per_service_outputs_are_keyed_by_service_name(medisync) -> None:
    names = {"ingestion-service", "sync-engine", "compliance-service", "notification-service", "analytics-worker"}
    security = medisync.stacks["security"]["output"]
    compute = medisync.stacks["compute"]["output"]
    for outputs, field in ((security, "task_role_arns"), (security, "execution_role_arns"),
                           (security, "service_security_group_ids"), (compute, "service_names")):  # fmt: skip
        assert set(outputs[field]["value"]) == names, field
    task_roles = medisync.stacks["security"]["resource"]["aws_iam_role"]
    # each key names the role built for that service, not a neighbour's
    for name, reference in security["task_role_arns"]["value"].items():
        role = reference.removeprefix("${aws_iam_role.").split(".")[0]
        assert task_roles[role]["name"].startswith(f"medisync-{name.removesuffix('-service')}"), (name, role)


def test_services_read_their_own_roles_and_group(medisync) -> None:
    for task in medisync.resources("compute", "aws_ecs_task_definition").values():
        service = task["family"].removeprefix("medisync-")
        matching = [s for s in ("ingestion", "sync-engine", "compliance", "notification", "analytics") if s in service]
        assert len(matching) == 1, service
        assert task["task_role_arn"].split("task_role_arns.")[1].startswith(matching[0])
        assert task["execution_role_arn"].split("execution_role_arns.")[1].startswith(matching[0])


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_security_layers_certificate_is_from_acm(synthesis_of, environment: str) -> None:
    """CKV_HIPAA_19 passes listeners that name the security layer's `certificate_arn` because it is
    an ACM certificate's ARN: held here for every environment."""
    output = synthesis_of(environment).stacks["security"]["output"]["certificate_arn"]
    assert re.fullmatch(r"\$\{aws_acm_certificate\.[^.}]+\.arn\}", output["value"]), output["value"]


def test_a_keyed_read_renders_what_the_bindings_would() -> None:
    """KeyedOutput writes the reference itself instead of asking the bindings for each key."""
    import json

    from cdktf import App, DataTerraformRemoteStateLocal, TerraformOutput, TerraformStack

    from hipaa_platform.contracts import KeyedOutput

    stack = TerraformStack(App(outdir=tempfile.mkdtemp(prefix="cdktf-")), "layer")  # not the project's cdktf.out
    remote = DataTerraformRemoteStateLocal(stack, "security", path="security.tfstate")
    TerraformOutput(stack, "asked", value=remote.get_string("task_role_arns.api"))
    TerraformOutput(stack, "written", value=KeyedOutput(remote.friendly_unique_id, "task_role_arns")["api"])
    outputs = json.loads(json.dumps(stack.to_terraform()))["output"]
    assert outputs["written"]["value"] == outputs["asked"]["value"]
    with pytest.raises(ValueError, match="cannot key a contract map"):
        KeyedOutput("security", "task_role_arns")["two words"]
