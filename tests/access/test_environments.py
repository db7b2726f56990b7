"""The access check over every environment's synthesized layers: every declared use works, nothing
undeclared is reachable; and each defect it found stays fixed (a copy with the fix taken out fails)."""

from __future__ import annotations

import copy
import json

import pytest

from hipaa_platform.access.check import check_environment, check_shared_account, write_markdown
from hipaa_platform.config.loader import load_environment
from tests.conftest import ENVIRONMENTS, SYNTHESIZED


def report_for(name: str, synthesized, stacks: dict | None = None):
    return check_environment(load_environment(name), stacks or synthesized.stacks)


def findings(report) -> list[str]:
    return [f"{f.side}: {f.principal} {f.action} {f.resource}: {f.detail}" for f in report.findings]


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_declared_use_works_and_nothing_else_is_reachable(name, synthesis_of, tmp_path) -> None:
    report = report_for(name, synthesis_of(name))
    assert findings(report) == []
    assert len(report.uses) >= 30  # tasks, logs, trails, releases: never an empty model
    markdown = write_markdown(report, tmp_path).read_text()
    assert "## Who reaches what" in markdown and "DENIED" not in markdown


def with_policy(stacks: dict, layer: str, resource_type: str, name: str, edit) -> dict:
    """A copy of the layers with one resource's policy document edited."""
    changed = copy.deepcopy(stacks)
    resource = changed[layer]["resource"][resource_type][name]
    document = json.loads(resource["policy"])
    edit(document)
    resource["policy"] = json.dumps(document)
    return changed


def without_statement(sid: str):
    return lambda document: document.update(Statement=[s for s in document["Statement"] if s.get("Sid") != sid])


def findings_without(name: str, synthesized, layer: str, role_policy: str, sid: str) -> list[str]:
    """The check's findings on a copy of the layers whose role policy lacks statement `sid`."""
    changed = with_policy(synthesized.stacks, layer, "aws_iam_role_policy", role_policy, without_statement(sid))
    return findings(report_for(name, synthesized, changed))


def test_a_service_granted_a_bucket_can_use_the_buckets_key(clubapp) -> None:
    statement = json.loads(clubapp.resources("data", "aws_iam_role_policy")["task-web"]["policy"])["Statement"]
    assert "UseBucketKeys" in [s["Sid"] for s in statement]
    failed = findings_without("clubapp-dev", clubapp, "data", "task-web", "UseBucketKeys")
    assert any("kms:Decrypt on its key" in f and "clubapp-dev-assets" in f for f in failed), failed
    assert any("kms:GenerateDataKey on its key" in f for f in failed), failed


def test_the_presence_table_grant_has_the_seeds_scan(clubapp) -> None:
    statements = json.loads(clubapp.resources("data", "aws_iam_role_policy")["task-web"]["policy"])["Statement"]
    presence = next(s for s in statements if s["Sid"] == "PresenceCounts")
    assert "dynamodb:Scan" in presence["Action"]


@pytest.mark.parametrize("fixture", ["menotime_dev", "menotime_prod", "secure_portal"])
def test_an_immutable_repository_ships_releases_as_new_task_definitions(fixture, request) -> None:
    synthesized = request.getfixturevalue(fixture)
    name = next(n for n, f in SYNTHESIZED.items() if f == fixture)
    for task in synthesized.resources("compute", "aws_ecs_task_definition").values():
        images = [c["image"] for c in json.loads(task["container_definitions"])]
        assert not any(image.endswith(":latest") for image in images), images
    for service in synthesized.resources("compute", "aws_ecs_service").values():
        assert "task_definition" in service["lifecycle"]["ignore_changes"]
    failed = findings_without(name, synthesized, "pipeline", "deploy-permissions", "RegisterTaskDefinitions")
    assert any("ecs:RegisterTaskDefinition" in f for f in failed), failed
    failed = findings_without(name, synthesized, "pipeline", "deploy-permissions", "PassServiceRoles")
    assert any("iam:PassRole" in f for f in failed), failed


def test_the_secure_portals_deploy_role_syncs_the_website(secure_portal) -> None:
    report = report_for("secure-portal", secure_portal)
    synced = {(u.action, u.resource.split("/")[0]) for u, ok, _ in report.uses if ok and "static site" in u.why}
    assert {a for a, _ in synced} == {"s3:ListBucket", "s3:PutObject", "s3:DeleteObject"}
    failed = findings_without("secure-portal", secure_portal, "pipeline", "deploy-permissions", "SiteBucketKeys")
    assert any("kms:GenerateDataKey on its key" in f for f in failed), failed


def test_the_s3_endpoint_keeps_requests_in_the_account(secure_portal) -> None:
    def failures_with(edit) -> list[str]:
        changed = with_policy(secure_portal.stacks, "networking", "aws_vpc_endpoint", "network-endpoint-s3", edit)
        return findings(report_for("secure-portal", secure_portal, changed))

    broken = copy.deepcopy(secure_portal.stacks)
    del broken["networking"]["resource"]["aws_vpc_endpoint"]["network-endpoint-s3"]["policy"]
    assert any("has no policy" in f for f in findings(report_for("secure-portal", secure_portal, broken)))
    assert any("another account" in f for f in failures_with(lambda d: d["Statement"][0].pop("Condition")))
    assert any("ECR's image layers" in f for f in failures_with(without_statement("ReadAwsOwnedBuckets")))


def test_the_build_role_can_decrypt_its_build_secrets(medisync) -> None:
    failed = findings_without("medisync-prod", medisync, "pipeline", "codebuild-permissions", "DecryptBuildSecrets")
    assert any("build secret NPM_TOKEN" in f and "kms:Decrypt" in f for f in failed), failed


def test_an_undeclared_reach_is_found(intakeiq) -> None:
    """A task role that could read the access-log bucket, which nothing declares."""
    extra = {"Sid": "TooWide", "Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"}
    broken = with_policy(
        intakeiq.stacks,
        "security",
        "aws_iam_role_policy",
        "service-intakeiq-task-kms-metrics",
        lambda d: d["Statement"].append(extra),
    )
    failed = findings(report_for("intakeiq", intakeiq, broken))
    assert any(f.startswith("undeclared access") and "access-logs" in f for f in failed), failed


def test_menotime_stages_reach_nothing_of_each_other(menotime_dev, menotime_staging, menotime_prod) -> None:
    stages = [
        (load_environment(n), s.stacks)
        for n, s in (
            ("menotime-dev", menotime_dev),
            ("menotime-staging", menotime_staging),
            ("menotime-prod", menotime_prod),
        )
    ]
    assert findings(check_shared_account(stages)) == []
    prod_bucket = {
        "Sid": "ReadsProd",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::menotime-prod-*/*",
    }
    broken_dev = with_policy(
        menotime_dev.stacks,
        "security",
        "aws_iam_role_policy",
        "service-backend-task-kms-metrics",
        lambda d: d["Statement"].append(prod_bucket),
    )
    failed = findings(check_shared_account([(stages[0][0], broken_dev), *stages[1:]]))
    assert any("menotime-dev-backend-ecs-task-role" in f and "menotime-prod" in f for f in failed), failed


def test_waf_logs_only_to_a_group_it_can_write(clubapp) -> None:
    renamed = copy.deepcopy(clubapp.stacks)
    renamed["security"]["resource"]["aws_cloudwatch_log_group"]["waf-logs"]["name"] = "/waf/clubapp"
    failed = findings(report_for("clubapp-dev", clubapp, renamed))
    assert any("WAF logs only to groups named aws-waf-logs-*" in f for f in failed), failed


def test_the_codedeploy_role_reads_no_objects_though_aws_policy_allows_it(medisync) -> None:
    """AWS's AWSCodeDeployRoleForECS (as AWS publishes it) allows s3:GetObject on every bucket."""
    failed = findings_without("medisync-prod", medisync, "pipeline", "codedeploy-permissions", "ReadsNoObjects")
    assert any("codedeploy-role" in f and "AWSCodeDeployRoleForECS" in f for f in failed), failed


def test_an_aws_managed_policy_the_check_cannot_read_is_a_finding(intakeiq) -> None:
    changed = copy.deepcopy(intakeiq.stacks)
    attachments = changed["security"]["resource"]["aws_iam_role_policy_attachment"]
    next(iter(attachments.values()))["policy_arn"] = "arn:aws:iam::aws:policy/NoSuchManagedPolicy"
    failed = findings(report_for("intakeiq", intakeiq, changed))
    assert any(f.startswith("model:") and "NoSuchManagedPolicy" in f for f in failed), failed


def test_stages_in_one_account_trust_distinct_github_subjects(menotime_dev, menotime_staging, menotime_prod) -> None:
    """Each stage's deploy role trusts only its own GitHub environment's jobs; a stage that names another
    stage's GitHub environment is a finding of the shared account."""
    from hipaa_platform.access.check import github_subjects

    stages = {"menotime-dev": menotime_dev, "menotime-staging": menotime_staging, "menotime-prod": menotime_prod}
    trusted = {name: sorted({s for subjects in github_subjects(synthesized.stacks).values() for s in subjects})
               for name, synthesized in stages.items()}  # fmt: skip
    assert trusted == {name: [f"repo:timelessbiotech/menotime-backend:environment:{name}"] for name in stages}
    prod = load_environment("menotime-prod")
    staging = load_environment("menotime-staging")
    same_as_prod = copy.deepcopy(menotime_staging.stacks)
    for role in same_as_prod["pipeline"]["resource"]["aws_iam_role"].values():
        role["assume_role_policy"] = role["assume_role_policy"].replace(
            "environment:menotime-staging", "environment:menotime-prod"
        )
    failed = findings(check_shared_account([(prod, menotime_prod.stacks), (staging, same_as_prod)]))
    assert failed and all(f.startswith("shared subject: ") for f in failed), failed
    assert "environment:menotime-prod" in failed[0]


@pytest.mark.parametrize("name", ["intakeiq", "menotime-dev"])
def test_the_accounts_baseline_delivers_its_evidence(name: str, synthesis_of) -> None:
    """With the account's baseline beside the layers (as `make access` reads them), the trail's and
    the recorder's deliveries into their buckets under the evidence key are declared and work."""
    synthesized = synthesis_of(name)
    report = report_for(name, synthesized, {**synthesized.stacks, "baseline": synthesized.account_baseline})
    assert findings(report) == []
    working = {(use.who, use.action, use.resource) for use, works, _ in report.uses if works}
    evidence_key = [r for _, action, r in working if action == "kms:GenerateDataKey" and "evidence-key" in r]
    assert {who for who, action, r in working if r in evidence_key} >= {"cloudtrail.amazonaws.com"}
    assert any(who.endswith("-config-recorder") and action == "s3:PutObject" for who, action, _ in working)
    assert any(who == "cloudtrail.amazonaws.com" and action == "s3:PutObject" for who, action, _ in working)


def test_each_bucket_delivers_its_access_logs_the_log_buckets_their_own_too(intakeiq) -> None:
    """With the account's baseline beside the layers, as `make access` reads them."""
    stacks = {**intakeiq.stacks, "baseline": intakeiq.account_baseline}
    report = report_for("intakeiq", intakeiq, stacks)
    assert findings(report) == []
    delivered = sorted(
        u.resource.split("/", 3)[2] for u, works, _ in report.uses if u.who == "logging.s3.amazonaws.com" and works
    )
    assert delivered == ["access-logs", "cloudtrail", "config", "evidence-access-logs", "insurance-cards"]
    policy = next(n for n in intakeiq.resources("data", "aws_s3_bucket_policy") if n.startswith("access-logs"))
    changed = with_policy(
        stacks, "data", "aws_s3_bucket_policy", policy, without_statement("ServerAccessLogsFromAccessLogs")
    )
    failed = findings(report_for("intakeiq", intakeiq, changed))
    assert any("logging.s3.amazonaws.com s3:PutObject" in f and "/s3/access-logs/" in f for f in failed), failed
