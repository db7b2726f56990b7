"""The baseline's import blocks for what an environment held before the baseline existed: every
handed-over resource the kept state holds is imported by the id the provider reads, the one type
the provider cannot import is created instead, and a resource the state lacks is named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hipaa_platform.errors import UserError
from hipaa_platform.operations.handover import CREATED_NOT_IMPORTED, handover_imports, read_held
from hipaa_platform.synth.addresses import handed_over


def kept_state(environment: str, layer: str, leave_out: str = "") -> dict:
    """A `terraform show -json` of the layer as the code before the baseline left it: each handed-over
    resource with an id of its own (a role policy attachment's is the provider's random one)."""
    resources = []
    for address in handed_over(environment, layer):
        if address == leave_out:
            continue
        values = {"id": f"id-of-{address}"}
        if address.startswith("aws_iam_role_policy_attachment."):
            values = {
                "id": "role-20260101-random",
                "role": "intakeiq-config-recorder",
                "policy_arn": "arn:aws:iam::aws:policy/x",
            }
        resources.append({"address": address, "mode": "managed", "type": address.split(".")[0], "values": values})
    resources.append({"address": "data.aws_caller_identity.current", "mode": "data", "values": {"id": "1"}})
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def test_every_handed_over_resource_is_imported_by_the_id_the_provider_reads(synthesis_of) -> None:
    baseline = synthesis_of("intakeiq").account_baseline
    handed = handed_over("intakeiq", "security")
    result = handover_imports("intakeiq", {"security": kept_state("intakeiq", "security")}, baseline)

    assert result.not_held == [] and result.not_built == []
    imported = {block["to"]: block["id"] for block in result.imports}
    for old, new in handed.items():
        kind = new.split(".")[0]
        if kind in CREATED_NOT_IMPORTED:
            assert new in result.created and new not in imported
        elif kind == "aws_iam_role_policy_attachment":
            assert imported[new] == "intakeiq-config-recorder/arn:aws:iam::aws:policy/x"
        else:
            assert imported[new] == f"id-of-{old}"
    assert len(imported) + len(result.created) == len(handed)
    assert all(block["to"].split(".")[1] in baseline["resource"][block["to"].split(".")[0]] for block in result.imports)


def test_a_resource_the_kept_state_lacks_is_named_not_imported(synthesis_of) -> None:
    baseline = synthesis_of("intakeiq").account_baseline
    held = kept_state("intakeiq", "security", leave_out="aws_cloudtrail.cloudtrail")
    result = handover_imports("intakeiq", {"security": held}, baseline)
    assert result.not_held == ["security: aws_cloudtrail.cloudtrail"]
    assert "aws_cloudtrail.cloudtrail" not in {block["to"] for block in result.imports}


def test_a_baseline_without_a_handed_over_address_is_reported(synthesis_of) -> None:
    baseline = json.loads(json.dumps(synthesis_of("intakeiq").account_baseline))
    del baseline["resource"]["aws_cloudtrail"]
    result = handover_imports("intakeiq", {"security": kept_state("intakeiq", "security")}, baseline)
    assert result.not_built == ["aws_cloudtrail.cloudtrail"]


def test_a_layer_that_handed_nothing_over_is_refused() -> None:
    with pytest.raises(
        UserError, match="nothing the compute layer handed to the baseline; layers that did: security, pipeline"
    ):
        handover_imports("intakeiq", {"compute": {}}, {"resource": {}})


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("security", "expected <layer>=<path"),
        ("security=/nonexistent/held.json", "cannot read /nonexistent/held.json"),
    ],
)
def test_a_held_argument_it_cannot_use_names_the_problem(argument: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        read_held(argument)


@pytest.mark.parametrize("content", ["Terraform v1.11 ...", '{"version": 4, "resources": []}', "[]"])
def test_a_held_file_that_is_not_terraform_shows_json_names_the_file(tmp_path: Path, content: str) -> None:
    """Text output, a raw state file, anything else: refused before it could make every address look unheld."""
    path = tmp_path / "held.json"
    path.write_text(content)
    with pytest.raises(UserError, match=f"{path} is not the JSON"):
        read_held(f"security={path}")


def test_the_command_writes_the_import_blocks_beside_the_baseline(synthesis_of, tmp_path: Path) -> None:
    baseline_dir = tmp_path / "baseline"
    baseline_dir.mkdir()
    (baseline_dir / "cdk.tf.json").write_text(json.dumps(synthesis_of("intakeiq").account_baseline))
    held = tmp_path / "held.json"
    held.write_text(json.dumps(kept_state("intakeiq", "security")))
    code = (
        "import sys; from hipaa_platform.cli import main;"
        f"sys.argv=['x','handover-imports','--env','intakeiq','--held','security={held}',"
        f"'--baseline-dir',{str(baseline_dir)!r}]; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = json.loads((baseline_dir / "import.tf.json").read_text())
    assert {"to": "aws_cloudtrail.cloudtrail", "id": "id-of-aws_cloudtrail.cloudtrail"} in written["import"]

    missing = subprocess.run(
        [sys.executable, "-c", code.replace(str(baseline_dir), str(tmp_path / "none"))], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "baseline-synth ACCOUNT=intakeiq" in missing.stderr
    assert "Traceback" not in missing.stderr

    (baseline_dir / "import.tf.json").unlink()
    stack = json.loads((baseline_dir / "cdk.tf.json").read_text())
    del stack["resource"]["aws_cloudtrail"]
    (baseline_dir / "cdk.tf.json").write_text(json.dumps(stack))
    mismatched = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert mismatched.returncode == 1 and "does not build aws_cloudtrail.cloudtrail" in mismatched.stderr
    assert not (baseline_dir / "import.tf.json").exists(), "half the import blocks would be applied as if all"


def test_on_the_emulator_the_types_it_cannot_create_are_left_out_not_missing(synthesis_of) -> None:
    baseline = synthesis_of("intakeiq").account_baseline
    without_features = json.loads(json.dumps(baseline))
    del without_features["resource"]["aws_guardduty_detector_feature"]
    held = {"security": kept_state("intakeiq", "security")}

    on_emulator = handover_imports("intakeiq", held, without_features, on_emulator=True)
    assert on_emulator.not_built == []
    assert set(on_emulator.left_out) == {
        a for a in handed_over("intakeiq", "security").values() if "detector_feature" in a
    }

    real = handover_imports("intakeiq", held, without_features, on_emulator=False)
    assert real.left_out == {} and set(real.not_built) == set(on_emulator.left_out)
