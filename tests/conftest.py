"""Shared fixtures. The provider bindings cost ~15 s per process, so each environment is
synthesized once per session and every unit test reads the result."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import available_accounts, available_environments
from hipaa_platform.gate.claims import Layers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ["PATH"] = f"{PROJECT_ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"


@dataclass
class Synthesized(Layers):
    """An environment's six synthesized layers (`resources` from gate.claims.Layers), where they are and
    what the emulator target left out."""

    outdir: Path
    stacks: dict[str, dict]
    skipped: list

    def only(self, layer: str, resource_type: str) -> dict:
        found = self.resources(layer, resource_type)
        assert len(found) == 1, f"expected one {resource_type} in {layer}, found {sorted(found)}"
        return next(iter(found.values()))

    def text(self) -> str:
        return "\n".join(json.dumps(s) for s in self.stacks.values())

    @property
    def account_baseline(self) -> dict:
        """The account's baseline, as an environment's synthesis writes it beside the layers."""
        return json.loads((self.outdir / "account" / "stacks" / "baseline" / "cdk.tf.json").read_text())


def _target(outdir: Path, on_emulator: bool):
    from hipaa_platform.targets import StateBackend, Target

    if on_emulator:
        return Target(backend=StateBackend.EMULATOR, emulator_endpoint="https://127.0.0.1:4566")
    return Target(local_state_root=outdir / "state")


def synthesize_environment(environment, outdir: Path, on_emulator: bool = False) -> Synthesized:
    """`environment`: a name under environments/, or an already loaded (possibly altered) one."""
    from hipaa_platform.config.loader import load_environment
    from hipaa_platform.synth.app import synthesize

    if isinstance(environment, str):
        environment = load_environment(environment)
    context = synthesize(environment, _target(outdir, on_emulator), outdir)
    stacks = {layer: json.loads((outdir / "stacks" / layer / "cdk.tf.json").read_text()) for layer in LAYERS}
    return Synthesized(outdir, stacks, context.skipped)


def synthesize_baseline(account, outdir: Path, on_emulator: bool = False) -> Synthesized:
    """`account`: a name under accounts/, or an already loaded (possibly altered) account baseline."""
    from hipaa_platform import BASELINE
    from hipaa_platform.config.loader import load_account
    from hipaa_platform.synth.app import synthesize_account

    if isinstance(account, str):
        account = load_account(account)
    context = synthesize_account(account, _target(outdir, on_emulator), outdir)
    stack = json.loads((outdir / "stacks" / BASELINE / "cdk.tf.json").read_text())
    return Synthesized(outdir, {BASELINE: stack}, context.skipped)


# Every environment file, each with a session fixture of its own name ('-' read as '_'); every tier
# that runs per environment parametrizes over ENVIRONMENTS, so a new file is gated, scanned, checked,
# validated and deployed without editing a test (tests/environments/test_environments_covered.py).
ENVIRONMENTS = available_environments()
SYNTHESIZED = {name: name.replace("-", "_") for name in ENVIRONMENTS}
# Shorter names the seed-specific tests use for their environment.
ALIASES = {"medisync": "medisync-prod", "clubapp": "clubapp-dev"}


@pytest.fixture(scope="session")
def synthesis_of(tmp_path_factory: pytest.TempPathFactory):
    """An environment file's synthesis by name, made once per session."""
    done: dict[str, Synthesized] = {}

    def synthesis_of(environment: str) -> Synthesized:
        if environment not in done:
            done[environment] = synthesize_environment(environment, tmp_path_factory.mktemp(environment) / "cdktf.out")
        return done[environment]

    return synthesis_of


# Every account file's baseline, each with a session fixture `account_<name>` ('-' read as '_').
ACCOUNTS = available_accounts()


@pytest.fixture(scope="session")
def baseline_of(synthesis_of):
    """An account file's baseline, as the synthesis of an environment naming it writes it beside its
    layers (synth.app.synthesize): read, not synthesized again."""
    from hipaa_platform import ACCOUNT_DIR, BASELINE
    from hipaa_platform.config.loader import load_environment

    def baseline_of(account: str) -> Synthesized:
        environment = next(e for e in ENVIRONMENTS if load_environment(e).account == account)
        synthesized = synthesis_of(environment)
        return Synthesized(synthesized.outdir / ACCOUNT_DIR, {BASELINE: synthesized.account_baseline}, [])

    return baseline_of


def _once(of: str, name: str, fixture_name: str):
    """A session fixture `fixture_name`: what the fixture `of` (synthesis_of, baseline_of) gives for `name`."""

    @pytest.fixture(scope="session", name=fixture_name)
    def fixture(request: pytest.FixtureRequest) -> Synthesized:
        return request.getfixturevalue(of)(name)

    return fixture


for _environment, _fixture in SYNTHESIZED.items():
    globals()[f"_{_fixture}"] = _once("synthesis_of", _environment, _fixture)
for _alias, _environment in ALIASES.items():
    globals()[f"_{_alias}"] = _once("synthesis_of", _environment, _alias)
for _account in ACCOUNTS:
    globals()[f"_account_{_account.replace('-', '_')}"] = _once(
        "baseline_of", _account, f"account_{_account.replace('-', '_')}"
    )


@pytest.fixture(scope="session")
def synthesized_on_emulator(tmp_path_factory: pytest.TempPathFactory):
    """An environment as deploy-local synthesizes it (no server needed), once per session."""
    done: dict[str, Synthesized] = {}

    def synthesized(environment: str) -> Synthesized:
        if environment not in done:
            outdir = tmp_path_factory.mktemp(f"{environment}-emulator") / "cdktf.out"
            done[environment] = synthesize_environment(environment, outdir, on_emulator=True)
        return done[environment]

    return synthesized


@pytest.fixture(scope="session")
def medisync_on_emulator(synthesized_on_emulator) -> Synthesized:
    return synthesized_on_emulator("medisync-prod")


@pytest.fixture
def synthesize_variant(tmp_path: Path):
    """Synthesizes an altered environment into this test's own directory (fast once the bindings are loaded)."""
    return lambda environment: synthesize_environment(environment, tmp_path / "cdktf.out")


# First: xdist's own hook reads the groups from the markers to suffix each test's id, so a group
# added after it is never seen and the tests spread over every worker (each loading the bindings).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`), every test that is not an emulator deployment runs in
    one worker, so the provider bindings load once and each environment is synthesized once.
    Emulator tests spread over the other workers, so their deployments (mostly the AWS provider
    waiting) overlap; a module whose tests share a deployment names its own group. (Letting the tests
    that read no synthesis run on the deployments' workers shortened the suite, but at the suite's
    start, while every deployment synthesizes in a child process, it ran the 24 GiB machine out of
    memory: the kernel killed the synthesizing worker's Node.js.)"""
    for test in items:
        if test.get_closest_marker("emulator") is None and test.get_closest_marker("xdist_group") is None:
            test.add_marker(pytest.mark.xdist_group("synthesized"))
