"""Bad input fails before any construct is built, naming the file, the field and what is allowed."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hipaa_platform.config.loader import ACCOUNTS_DIR, ENVIRONMENTS_DIR, load_account, load_environment_file
from hipaa_platform.errors import ConfigError

BASE = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())


def write(tmp_path: Path, mutate) -> Path:
    document = copy.deepcopy(BASE)
    mutate(document)
    path = tmp_path / "intakeiq.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def error_for(tmp_path: Path, mutate) -> str:
    path = write(tmp_path, mutate)
    with pytest.raises(ConfigError) as caught:
        load_environment_file(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_the_shipped_file_is_valid() -> None:
    environment = load_environment_file(ENVIRONMENTS_DIR / "intakeiq.yaml")
    assert environment.networking.nat == "none"


def test_overlapping_subnets(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["networking"]["private_subnets"][0].update(cidr="10.0.1.0/25"))
    assert "private_subnets[0].cidr" in message and "overlaps public_subnets[0].cidr" in message


def test_subnet_outside_the_vpc(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["networking"]["public_subnets"][0].update(cidr="10.9.1.0/24"))
    assert "lies outside vpc_cidr 10.0.0.0/16" in message


def test_availability_zone_outside_the_region(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["networking"]["public_subnets"][0].update(az="us-west-2a"))
    assert "'us-west-2a' is not in region us-east-1" in message and "allowed: us-east-1a" in message


def test_invalid_fargate_cpu_memory_pair(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0].update(memory=4096))
    assert "compute.services[0]" in message and "memory 4096 does not fit cpu 256" in message
    assert "allowed: 512, 1024, 2048" in message


def test_invalid_fargate_cpu(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0].update(cpu=300))
    assert "compute.services[0].cpu" in message and "allowed: 256, 512, 1024" in message


def test_log_retention_aws_does_not_accept(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0].update(log_retention_days=2555))
    assert "compute.services[0].log_retention_days" in message and "2557" in message


def test_backup_retention_outside_0_to_35(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"]["database"].update(backup_retention_days=36))
    assert "data.database.backup_retention_days" in message and "allowed: 0-35" in message


def test_unknown_key(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"]["database"].update(multiaz=True))
    assert "data.database.multiaz: unknown key" in message and "multi_az" in message


def test_plain_text_secret_in_container_environment(tmp_path: Path) -> None:
    # the secure portal seed's task environment, verbatim
    seed = {"DB_HOST": "db.internal", "DB_USER": "admin", "DB_PASS": "changeme123!", "DB_NAME": "appdb"}
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0]["environment"].update(seed))
    assert "1 problem(s)" in message  # the service's error alone, no echo about the list it sits in
    assert "compute.services[0]: environment.DB_PASS of service 'intakeiq-service'" in message
    assert "security.secrets" in message and "@database:password" in message


def test_credential_shaped_value_anywhere(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["pipeline"].update(github_branch="AKIAABCDEFGHIJKLMNOP"))
    assert "pipeline.github_branch" in message and "AWS access key id" in message


def test_secret_referenced_but_not_declared(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0]["secrets"].append("API_TOKEN"))
    assert "'API_TOKEN' is not declared" in message and "allowed: DATABASE_URL" in message


def test_cli_reports_without_traceback(tmp_path: Path) -> None:
    environments = tmp_path / "environments"
    environments.mkdir()
    write(environments, lambda d: d["data"]["database"].update(backup_retention_days=99))
    code = (
        "import sys; from pathlib import Path; import hipaa_platform.config.loader as l;"
        f"l.ENVIRONMENTS_DIR = Path({str(environments)!r});"
        # an outdir of its own: the project's cdktf.out may hold a current synthesis of the real file
        "from hipaa_platform.cli import main;"
        f"sys.argv=['x','synth','--env','intakeiq','--outdir',{str(tmp_path / 'out')!r}]; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert "backup_retention_days" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_overlapping_backup_and_maintenance_windows(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"]["database"].update(backup_window="03:30-04:30"))
    assert "backup_window 03:30-04:30 overlaps maintenance_window sun:04:00-sun:05:00" in message


def test_adjacent_windows_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, lambda d: d["data"]["database"].update(backup_window="03:00-04:00"))
    assert load_environment_file(path).data.database.maintenance_window == "sun:04:00-sun:05:00"


def test_an_unknown_account_names_the_allowed_ones(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d.update(account="reuse"))
    assert "account: account 'reuse' not found" in message
    assert "allowed: clubapp, intakeiq, medisync, menotime, secure-portal" in message


def test_an_environment_runs_in_its_accounts_region(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d.update(account="menotime"))
    assert "region: us-east-1 is not where account 'menotime' keeps its baseline" in message
    assert "allowed: us-west-1" in message


def test_an_environment_file_cannot_carry_a_baseline_of_its_own(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d.update(baseline={"name": "intakeiq"}))
    assert "baseline: an account's baseline lives in its own file; name it with `account: <name>`" in message


def second_service(document: dict, **fields) -> None:
    worker = {**copy.deepcopy(document["compute"]["services"][0]), "name": "worker", "container_name": "worker"}
    worker.update(routes=["/worker/*"], **fields)
    document["compute"]["services"].append(worker)


def test_several_services_state_their_route_priority(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: second_service(d))
    assert "compute: services[0].route_priority is required when several services share" in message
    assert "allowed: a distinct number 1-50000" in message


def test_route_priorities_are_distinct(tmp_path: Path) -> None:
    def mutate(document: dict) -> None:
        document["compute"]["services"][0]["route_priority"] = 100
        second_service(document, route_priority=100)

    assert "route_priority 100 is used twice" in error_for(tmp_path, mutate)


def test_a_lone_service_may_leave_its_priority_out(tmp_path: Path) -> None:
    environment = load_environment_file(write(tmp_path, lambda d: None))
    assert environment.compute.route_priority(environment.compute.services[0]) == 100


def test_a_choice_without_its_reason_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["decisions"].pop("no_waf"))
    assert "decisions.no_waf is required: security.waf is not set, which leaves CKV2_AWS_28" in message
    assert "at least 40 characters" in message


def test_a_reason_without_its_choice_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"].update(container_insights=True))
    assert "decisions.container_insights_off explains a choice this environment does not make" in message


def test_a_reason_too_short_to_judge_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["decisions"].update(no_waf="cost"))
    assert "decisions.no_waf" in message and "at least 40 characters" in message


def with_mail(document: dict, mode: str = "api", **email) -> None:
    """Mail through an account that has a mail domain (MediSync's, in IntakeIQ's region)."""
    document["account"] = "medisync"
    document["compute"]["services"][0]["sends_mail"] = mode
    document["data"]["email"] = {"domain": "medisync.health", "sender": "noreply@medisync.health", **email}


def test_mail_needs_the_email_domain_and_a_sender_in_it(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0].update(sends_mail="api"))
    assert "compute.services[0].sends_mail: api mail goes through data.email; declare it" in message
    message = error_for(tmp_path, lambda d: with_mail(d, sender="noreply@example.com"))
    assert "data.email: sender 'noreply@example.com' is not in domain 'medisync.health'" in message


def test_mail_goes_through_one_of_the_accounts_mail_domains(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: with_mail(d, domain="intakeiq.com", sender="noreply@intakeiq.com"))
    assert "data.email.domain: 'intakeiq.com' is not a mail domain of account 'medisync'" in message
    assert "allowed: medisync.health" in message


def test_mail_without_nat_needs_the_ses_endpoint(tmp_path: Path) -> None:
    def air_gapped(document: dict) -> None:
        with_mail(document, mode="smtp")
        document["networking"]["interface_endpoints"] = ["ecr.api"]

    message = error_for(tmp_path, air_gapped)
    assert "smtp needs a way to SES: networking.nat, or 'email-smtp' in networking.interface_endpoints" in message


def test_mail_events_go_to_a_declared_topic_whose_key_admits_ses(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: with_mail(d, events_topic="mail"))
    assert "data.email.events_topic: 'mail' is not a topic; allowed: (no data.topics)" in message

    def topic(document: dict) -> None:
        with_mail(document, events_topic="mail")
        document["data"]["topics"] = [{"name": "mail"}]

    message = error_for(tmp_path, topic)
    assert "whose key 'default' does not admit it; add 'ses' to that key's allow_services" in message
    admitted = write(
        tmp_path, lambda d: (topic(d), d["security"].update(default_key_services=["logs", "ses", "cloudtrail"]))
    )
    assert load_environment_file(admitted).data.email.events_topic == "mail"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["plan", "--env", "no-such-env"], "allowed: clubapp-dev"),
        (["plan", "--env", "intakeiq", "--outdir", "{empty}"], "holds no synthesis"),
        (["drift", "--env", "intakeiq", "--outdir", "{empty}"], "holds no synthesis"),
        (["validate", "--outdir", "{empty}"], "holds no synthesis"),
        (["unlock", "--env", "intakeiq", "--layer", "no-such-layer"], "unknown layer(s) ['no-such-layer']"),
        (["synth-baseline", "--account", "no-such-account"], "allowed: clubapp, intakeiq, medisync, menotime"),
        (["evidence", "--env", "intakeiq", "--outdir", "{empty}"], "does not hold the current synthesis"),
    ],
)
def test_commands_refuse_bad_input_in_one_line(command: list[str], message: str, tmp_path: Path) -> None:
    argv = [part.replace("{empty}", str(tmp_path)) for part in command]
    result = subprocess.run(
        [sys.executable, "-m", "hipaa_platform", *argv], capture_output=True, text=True, timeout=120
    )
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 2, output
    assert message in output and "Traceback" not in output


def test_a_bucket_private_to_services_needs_a_service_granted(tmp_path: Path) -> None:
    def ungranted(document: dict) -> None:
        document["data"]["buckets"][0]["object_access"] = "granted_services"
        document["compute"]["services"][0]["bucket_access"] = []

    message = error_for(tmp_path, ungranted)
    assert "data.buckets[0].object_access: granted_services, but no service's bucket_access names" in message
    assert "allowed: account, or grant a service" in message


def test_additional_tags_cannot_replace_the_projects_own(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["tags"].update(additional={"CostCenter": "elsewhere"}))
    assert "tags.additional" in message and "'CostCenter' is set by the project; allowed: any other key" in message
    message = error_for(tmp_path, lambda d: d["compute"]["services"][0].update(tags={"Environment": "prod"}))
    assert "compute.services[0].tags" in message and "'Environment' is set by the project" in message


def account_error_for(tmp_path: Path, mutate) -> str:
    """The error for IntakeIQ's account file changed by `mutate`, which names that file."""
    document = yaml.safe_load((ACCOUNTS_DIR / "intakeiq.yaml").read_text())
    mutate(document)
    (tmp_path / "intakeiq.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(ConfigError) as caught:
        load_account("intakeiq", directory=tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "intakeiq.yaml") in message
    return message


def test_runtime_monitoring_needs_an_agent_repository_in_the_region(tmp_path: Path) -> None:
    message = account_error_for(
        tmp_path, lambda d: d.update(region="ap-southeast-2", guardduty={"runtime_monitoring": True})
    )
    assert "no GuardDuty agent repository in ap-southeast-2" in message
    assert "allowed regions: us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, eu-west-1" in message


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minimum_length", 8, "password_policy.minimum_length: Input should be greater than or equal to 14"),
        ("max_age_days", 180, "password_policy.max_age_days: Input should be less than or equal to 90"),
        ("reuse_prevention", 5, "password_policy.reuse_prevention: Input should be greater than or equal to 24"),
    ],
)
def test_a_password_policy_weaker_than_the_pack_is_refused(
    tmp_path: Path, field: str, value: int, message: str
) -> None:
    assert message in account_error_for(tmp_path, lambda d: d.update(password_policy={field: value}))


def test_an_unknown_account_key_names_the_allowed_ones(tmp_path: Path) -> None:
    message = account_error_for(tmp_path, lambda d: d.update(cloudtrial={}))
    assert "cloudtrial: unknown key; allowed: name, name_prefix, region" in message


def test_an_account_lists_a_mail_domain_once(tmp_path: Path) -> None:
    message = account_error_for(tmp_path, lambda d: d.update(mail_domains=[{"domain": "a.com"}, {"domain": "a.com"}]))
    assert "mail_domains: 'a.com' is listed twice" in message


def test_an_environment_without_an_account_names_the_accounts(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d.pop("account"))
    assert "account: required key is missing" in message and "allowed: clubapp, intakeiq" in message


def test_an_unknown_key_does_not_offer_the_baseline_the_loader_fills_in(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d.update(acount="intakeiq"))
    assert "acount: unknown key; allowed:" in message and "account" in message
    assert "baseline" not in message.split("allowed:")[1]
