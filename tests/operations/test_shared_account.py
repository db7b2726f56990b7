"""Environments deployed side by side into one account (hipaa_platform/operations/shared_account.py): a layer
of another environment that reads what the owner of the account baseline creates applies after the
owner's layer that creates it, and that layer is destroyed after the other's; nothing else waits.
Terraform is replaced by a recorder here; tests/emulator/test_deploy_local.py runs the real thing."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.operations import deploy
from hipaa_platform.operations.shared_account import SharedAccount

STAGES = ["menotime-dev", "menotime-staging", "menotime-prod"]  # dev owns the account baseline


class Recorder:
    """Stands in for apply_layer/destroy_layer: notes (environment, action, layer) in order.
    `held_until`: an event that may not start before the listed events have happened."""

    def __init__(
        self,
        failing: tuple[str, str] | None = None,
        held_until: tuple[tuple[str, str, str], list[tuple[str, str, str]]] | None = None,
    ) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        self.failing = failing
        self.held_until = held_until
        self.noted = threading.Condition(self.lock)

    def _note(self, stack_dir: Path, action: str) -> None:
        environment, layer = stack_dir.parent.parent.name, stack_dir.name
        if self.held_until and self.held_until[0] == (environment, action, layer):
            with self.noted:  # a run that waits for this one never lets it go
                if not self.noted.wait_for(lambda: all(e in self.events for e in self.held_until[1]), timeout=10):
                    raise UserError(f"{action} {layer} held in vain")
        time.sleep(0.01)  # long enough for another thread to overtake if nothing held it back
        with self.noted:
            self.events.append((environment, action, layer))
            self.noted.notify_all()
        if (environment, layer) == self.failing and action == "apply":
            raise UserError(f"{layer} failed")

    def apply(self, stack_dir: Path, env: dict, run: deploy.LayerRun, log: Path) -> None:
        self._note(stack_dir, "apply")
        run.replan_clean = True

    def destroy(self, stack_dir: Path, env: dict, run: deploy.LayerRun, log: Path) -> None:
        self._note(stack_dir, "destroy")
        run.destroyed = True


def deploy_side_by_side(
    tmp_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, stacks: dict[str, Path] | None = None
) -> dict[str, object]:
    monkeypatch.setattr(deploy, "apply_layer", recorder.apply)
    monkeypatch.setattr(deploy, "destroy_layer", recorder.destroy)
    account = SharedAccount([load_environment(name) for name in STAGES])
    if stacks:
        account.depend_on(stacks)
    outcome: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            outcome[name] = deploy.deploy_all(tmp_path / name, {}, lambda *_: None, turns=account.turns_of(name))
        except UserError as error:
            outcome[name] = error

    threads = [threading.Thread(target=run, args=(name,)) for name in reversed(STAGES)]  # the owner starts last
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a run is still waiting for its turn"
    return outcome


def position(events: list, *event: str) -> int:
    return events.index(tuple(event))


def test_before_the_layers_say_what_they_read_the_owner_applies_each_first_and_destroys_it_last(
    tmp_path: Path, monkeypatch
) -> None:
    recorder = Recorder()
    outcome = deploy_side_by_side(tmp_path, recorder, monkeypatch)
    assert all(isinstance(runs, list) and len(runs) == len(LAYERS) for runs in outcome.values())
    events = recorder.events
    for layer in LAYERS:
        for other in ("menotime-staging", "menotime-prod"):
            assert position(events, "menotime-dev", "apply", layer) < position(events, other, "apply", layer)
            assert position(events, other, "destroy", layer) < position(events, "menotime-dev", "destroy", layer)


def test_the_others_stop_where_the_owner_failed_and_everyone_cleans_up(tmp_path: Path, monkeypatch) -> None:
    recorder = Recorder(failing=("menotime-dev", "data"))
    outcome = deploy_side_by_side(tmp_path, recorder, monkeypatch)
    assert str(outcome["menotime-dev"]) == "data failed"
    for other in ("menotime-staging", "menotime-prod"):
        assert "menotime-dev, which owns the account baseline, did not apply its data layer" in str(outcome[other])
        applied = [layer for name, action, layer in recorder.events if name == other and action == "apply"]
        destroyed = [layer for name, action, layer in recorder.events if name == other and action == "destroy"]
        assert applied == ["networking", "security"] and destroyed == ["security", "networking"]
    owner_destroyed = [
        layer for name, action, layer in recorder.events if name == "menotime-dev" and action == "destroy"
    ]
    assert owner_destroyed == ["data", "security", "networking"]  # the failed apply may have left part of it


@pytest.fixture
def menotime_stacks(menotime_dev, menotime_staging, menotime_prod) -> dict[str, Path]:
    synthesized = dict(zip(STAGES, (menotime_dev, menotime_staging, menotime_prod), strict=True))
    return {name: s.outdir / "stacks" for name, s in synthesized.items()}


def test_menotime_stages_read_only_the_owners_oidc_provider(menotime_stacks) -> None:
    account = SharedAccount([load_environment(name) for name in STAGES])
    assert account.depend_on(menotime_stacks) == [
        f"{other} pipeline waits for menotime-dev pipeline (aws_iam_openid_connect_provider)"
        for other in ("menotime-staging", "menotime-prod")
    ]


def test_a_layer_reading_what_the_owner_makes_waits_for_the_layer_that_makes_it(tmp_path: Path) -> None:
    def stacks(name: str, layers: dict[str, dict]) -> Path:
        for layer in LAYERS:
            (tmp_path / name / layer).mkdir(parents=True)
            (tmp_path / name / layer / "cdk.tf.json").write_text(json.dumps(layers.get(layer, {})))
        return tmp_path / name

    owner = stacks("menotime-dev", {"security": {"resource": {"aws_guardduty_detector": {"detector": {}}}}})
    reader = stacks("menotime-staging", {"compute": {"data": {"aws_guardduty_detector": {"detector": {}}}}})
    other = stacks("menotime-prod", {"compute": {"data": {"aws_partition": {"partition": {}}}}})
    account = SharedAccount([load_environment(name) for name in STAGES])
    waits = account.depend_on({"menotime-dev": owner, "menotime-staging": reader, "menotime-prod": other})
    assert waits == ["menotime-staging compute waits for menotime-dev security (aws_guardduty_detector)"]


def test_the_others_apply_what_reads_nothing_of_the_owner_without_waiting_for_it(
    tmp_path: Path, monkeypatch, menotime_stacks
) -> None:
    """The owner's data layer does not start before both others have applied their compute layers:
    were they waiting for it, no run would finish."""
    others_compute = [(other, "apply", "compute") for other in ("menotime-staging", "menotime-prod")]
    recorder = Recorder(held_until=(("menotime-dev", "apply", "data"), others_compute))
    outcome = deploy_side_by_side(tmp_path, recorder, monkeypatch, menotime_stacks)
    assert all(isinstance(runs, list) and len(runs) == len(LAYERS) for runs in outcome.values())
    events = recorder.events
    for other in ("menotime-staging", "menotime-prod"):
        assert position(events, "menotime-dev", "apply", "pipeline") < position(events, other, "apply", "pipeline")
        assert position(events, other, "destroy", "pipeline") < position(events, "menotime-dev", "destroy", "pipeline")


def test_the_others_stop_at_the_layer_that_reads_what_the_failed_owner_did_not_make(
    tmp_path: Path, monkeypatch, menotime_stacks
) -> None:
    recorder = Recorder(failing=("menotime-dev", "data"))
    outcome = deploy_side_by_side(tmp_path, recorder, monkeypatch, menotime_stacks)
    assert str(outcome["menotime-dev"]) == "data failed"
    for other in ("menotime-staging", "menotime-prod"):
        assert "menotime-dev, which owns the account baseline, did not apply its pipeline layer" in str(outcome[other])
        applied = [layer for name, action, layer in recorder.events if name == other and action == "apply"]
        assert applied == ["networking", "security", "data", "compute"]


def test_one_account_has_at_most_one_owner() -> None:
    environments = [load_environment("menotime-dev"), load_environment("intakeiq")]  # both owners
    with pytest.raises(UserError, match="menotime-dev and intakeiq both say account_baseline: owner"):
        SharedAccount(environments)


def test_one_account_is_in_one_region() -> None:
    with pytest.raises(UserError, match="share its region; these are in us-east-1, us-west-1"):
        SharedAccount([load_environment("menotime-staging"), load_environment("secure-portal")])


def test_an_environment_alone_waits_for_nobody() -> None:
    turns = SharedAccount([load_environment("menotime-staging")]).turns_of("menotime-staging")
    turns.before_apply("networking")  # no owner among them: returns at once
    turns.before_destroy("networking")


def test_without_its_owner_the_baseline_is_stood_in_on_the_emulator() -> None:
    import boto3

    from hipaa_platform.emulator.server import running_emulator, stand_in_account_baseline

    staging, dev = load_environment("menotime-staging"), load_environment("menotime-dev")
    with running_emulator() as emulator:
        iam = boto3.client("iam", region_name="us-west-1", **emulator.boto_kwargs())
        assert stand_in_account_baseline([staging, dev], emulator.boto_kwargs()) == []  # the owner makes it
        assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
        assert stand_in_account_baseline([staging], emulator.boto_kwargs()) == ["the GitHub OIDC provider"]
        assert len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 1
