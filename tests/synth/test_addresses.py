"""Resource addresses say what the resource is, never collide, and renames carry deployments."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from hipaa_platform import MOVES_FILE
from hipaa_platform.config.loader import available_environments
from hipaa_platform.errors import ConfigError
from hipaa_platform.synth.addresses import (
    HASHED,
    DuplicateAddress,
    Move,
    Moves,
    addresses_of,
    check_moves,
    handed_over,
    match_moves,
    readable_addresses,
    readable_name,
    recorded_moves,
    write_moves,
)
from tests.conftest import ENVIRONMENTS


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_address_carries_a_hash(environment: str, synthesis_of) -> None:
    synthesized = synthesis_of(environment)
    found = [a for stack in synthesized.stacks.values() for a in addresses_of(stack)]
    assert "aws_db_instance.database" in found or "aws_rds_cluster.aurora" in found
    assert [a for a in found if HASHED.search(a)] == []


def test_the_hash_check_sees_a_hashed_address() -> None:
    assert HASHED.search("aws_db_instance.database_this_C19B65FA")
    assert not HASHED.search("aws_db_instance.database")


def test_a_name_is_the_path_without_the_main_resource() -> None:
    assert readable_name(["database", "this"]) == "database"
    assert readable_name(["service-api", "logs", "this"]) == "service-api-logs"
    assert readable_name(["parameter-DATABASE_URL"]) == "parameter-DATABASE_URL"
    assert readable_name(["secret-clubapp/dev/db"]) == "secret-clubapp-dev-db"
    assert readable_name(["1st"]) == "_1st"


def _stack_json(build) -> dict:
    from cdktf import App, TerraformStack

    stack = TerraformStack(App(outdir=tempfile.mkdtemp(prefix="cdktf-")), "layer")  # not the project's cdktf.out
    build(stack)
    return json.loads(json.dumps(stack.to_terraform()))


def test_two_constructs_that_would_share_an_address_fail_the_synthesis() -> None:
    from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
    from constructs import Construct

    def build(stack) -> None:
        SnsTopic(Construct(stack, "alarms"), "email", name="a")
        SnsTopic(stack, "alarms-email", name="b")

    with pytest.raises(DuplicateAddress, match="would share the address alarms-email"):
        readable_addresses(_stack_json(build))


def test_two_resources_of_different_types_cannot_share_a_name() -> None:
    """checkov names a resource `resource.<name>`, without its type, and the gate matches on that."""
    from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
    from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
    from constructs import Construct

    def build(stack) -> None:
        SnsTopic(Construct(stack, "orders"), "events", name="a")
        SqsQueue(stack, "orders-events", name="b")

    with pytest.raises(DuplicateAddress, match="would share the address orders-events"):
        readable_addresses(_stack_json(build))

    def apart(stack) -> None:
        SnsTopic(stack, "orders-topic", name="a")
        SqsQueue(stack, "orders-queue", name="b")

    assert set(readable_addresses(_stack_json(apart))["resource"]) == {"aws_sns_topic", "aws_sqs_queue"}


def test_a_renamed_resource_is_referred_to_by_its_new_name() -> None:
    """cdktf's hashed id goes from the address and from every reference: values, depends_on, outputs."""
    from cdktf import TerraformOutput
    from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
    from cdktf_cdktf_provider_aws.kms_key import KmsKey
    from constructs import Construct

    def build(stack) -> None:
        module = Construct(stack, "phi-key")
        key = KmsKey(module, "this", description="PHI")
        KmsAlias(module, "alias", name="alias/phi", target_key_id=key.id, depends_on=[key])
        TerraformOutput(stack, "key_arn", value=key.arn)

    synthesized = _stack_json(build)
    assert HASHED.search(next(iter(synthesized["resource"]["aws_kms_key"])))  # cdktf's own id, before
    readable = readable_addresses(synthesized)
    assert list(readable["resource"]["aws_kms_key"]) == ["phi-key"]
    alias = readable["resource"]["aws_kms_alias"]["phi-key-alias"]
    assert alias["target_key_id"] == "${aws_kms_key.phi-key.id}"
    assert alias["depends_on"] == ["aws_kms_key.phi-key"]
    assert readable["output"]["key_arn"]["value"] == "${aws_kms_key.phi-key.arn}"
    assert not HASHED.search(json.dumps(readable).replace('"uniqueId"', ""))


OLD = {
    "resource": {
        "aws_kms_key": {"phi-key_this_B435139B": {"description": "PHI"}},
        "aws_kms_alias": {"phi-key_alias_7410C853": {"target_key_id": "${aws_kms_key.phi-key_this_B435139B.id}"}},
        "aws_sns_topic": {"alarms": {"name": "alarms"}},
    }
}


def renamed(**changes: dict) -> dict:
    new = json.loads(
        json.dumps(OLD).replace("phi-key_this_B435139B", "phi-key").replace("phi-key_alias_7410C853", "phi-key-alias")
    )
    new["resource"].update(changes)
    return new


def test_moves_are_found_by_configuration_when_paths_are_unknown() -> None:
    assert match_moves(OLD, renamed()) == {
        "aws_kms_key.phi-key_this_B435139B": "aws_kms_key.phi-key",
        "aws_kms_alias.phi-key_alias_7410C853": "aws_kms_alias.phi-key-alias",
    }


def test_a_changed_resource_is_not_a_move() -> None:
    with pytest.raises(RuntimeError, match=r"aws_kms_key\.phi-key_this_B435139B"):
        match_moves(OLD, renamed(aws_kms_key={"phi-key": {"description": "PHI, rotated"}}))


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_recorded_moves_are_rendered_and_end_at_existing_addresses(environment: str, synthesis_of) -> None:
    synthesized = synthesis_of(environment)
    for layer, stack in synthesized.stacks.items():
        handed = handed_over(environment, layer)  # the account's baseline holds these now
        moves = [m for m in recorded_moves(environment, layer) if m.target not in handed]
        moved_file = synthesized.outdir / "stacks" / layer / MOVES_FILE
        rendered = json.loads(moved_file.read_text()).get("moved", []) if moved_file.is_file() else []
        assert rendered == [{"from": m.source, "to": m.target} for m in moves]
        assert {m.target for m in moves} <= set(addresses_of(stack))
        assert not set(handed) & set(addresses_of(stack))
        assert "moved" not in stack  # checkov cannot parse cdk.tf.json with them


def test_environments_without_a_history_have_no_moves() -> None:
    assert set(available_environments()) >= {"intakeiq", "medisync-prod"}
    assert recorded_moves("a-new-environment", "data") == []


def test_a_move_to_an_address_that_is_gone_fails_the_synthesis() -> None:
    layer = {"resource": {"aws_sns_topic": {"alarms": {"name": "a"}}}}
    kept = Move("aws_sns_topic.old", "aws_sns_topic.alarms")
    assert check_moves("observability", layer, [kept]) == Moves([kept], [])
    # The emulator leaves out what it cannot create; a move to it is dropped there, not refused.
    gone = Move("aws_sns_topic.a", "aws_sns_topic.gone")
    assert check_moves("observability", layer, [kept, gone], partial_target=True) == Moves([kept], [])
    with pytest.raises(RuntimeError, match=r"observability: .*aws_sns_topic\.a -> aws_sns_topic\.gone"):
        check_moves("observability", layer, [kept, gone])
    chained = [Move("aws_sns_topic.first", "aws_sns_topic.old"), kept]
    assert check_moves("observability", layer, chained) == Moves(chained, [])


def test_a_move_to_a_handed_over_address_becomes_a_removal_of_both() -> None:
    """What the account's baseline took over leaves the layer's state without a destroy: the address
    and the older one a recorded move renamed to it."""
    layer = {"resource": {"aws_sns_topic": {"alarms": {"name": "a"}}}}
    kept = Move("aws_sns_topic.old", "aws_sns_topic.alarms")
    renamed = Move("aws_cloudtrail.trail_1234", "aws_cloudtrail.trail")
    handed = ["aws_cloudtrail.trail", "aws_guardduty_detector.detector"]
    assert check_moves("security", layer, [kept, renamed], handed=handed) == Moves(
        [kept], ["aws_cloudtrail.trail", "aws_cloudtrail.trail_1234", "aws_guardduty_detector.detector"]
    )
    with pytest.raises(RuntimeError, match=r"no longer has: aws_cloudtrail\.trail_1234 -> aws_cloudtrail\.trail"):
        check_moves("security", layer, [kept, renamed])  # without the handover, the move is stale
    older = Move("aws_cloudtrail.trail_0", "aws_cloudtrail.trail_1234")  # a chain of two renames
    assert check_moves("security", layer, [older, renamed], handed=["aws_cloudtrail.trail"]).removed == [
        "aws_cloudtrail.trail",
        "aws_cloudtrail.trail_0",
        "aws_cloudtrail.trail_1234",
    ]
    with pytest.raises(RuntimeError, match=r"handed over to the account's baseline, yet still built here: aws_sns"):
        check_moves("observability", layer, [], handed=["aws_sns_topic.alarms"])


def test_a_layer_without_moves_keeps_no_stale_moves_file(tmp_path: Path) -> None:
    write_moves(tmp_path, Moves([Move("aws_sns_topic.old", "aws_sns_topic.alarms")], ["aws_cloudtrail.trail"]))
    assert json.loads((tmp_path / MOVES_FILE).read_text()) == {
        "moved": [{"from": "aws_sns_topic.old", "to": "aws_sns_topic.alarms"}],
        "removed": [{"from": "aws_cloudtrail.trail", "lifecycle": {"destroy": False}}],
    }
    write_moves(tmp_path, Moves([], []))
    assert not (tmp_path / MOVES_FILE).exists()


def test_a_damaged_moves_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "intakeiq.json").write_text('{"layers": []}')
    with pytest.raises(ConfigError, match=r"intakeiq\.json: expected a list"):
        recorded_moves("intakeiq", "data", tmp_path)
