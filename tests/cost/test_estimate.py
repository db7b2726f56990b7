"""The cost estimate on small hand-built layers whose cost is computed here by hand, with a catalogue
of round prices: each mapper, unpriced types and regions, the budget check on both sides, the usage
assumptions merged for a stage, and the cost change a plan makes."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml

from hipaa_platform.config.cost import Cost, UsageAssumptions
from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment
from hipaa_platform.cost.catalogue import Catalogue, PricedItem, Quote, load_catalogue
from hipaa_platform.cost.delta import plan_delta
from hipaa_platform.cost.estimate import check_budget, estimate, synthesized_resources
from hipaa_platform.errors import UserError

READ_ON = datetime.date(2026, 12, 7)
SOURCE = "https://example.com/prices"


def catalogue(**prices: float) -> Catalogue:
    """Round prices, us-east-1 only; keys with '__' stand for '.'."""
    return Catalogue(
        prices={
            key.replace("__", "."): PricedItem(
                unit="unit",
                description=key,
                quotes=(Quote(region="us-east-1", usd=usd, source=SOURCE, read_on=READ_ON),),
            )
            for key, usd in prices.items()
        }
    )


PRICES = catalogue(
    vpc__nat_gateway__hour=0.05,
    vpc__nat_gateway__gb=0.04,
    vpc__public_ipv4__hour=0.005,
    elb__application__hour=0.02,
    elb__application__lcu_hour=0.01,
    fargate__arm64__vcpu_hour=0.03,
    fargate__arm64__gb_hour=0.004,
    rds__instance__postgres__db__t4g__medium__hour=0.06,
    rds__storage__gp3__gb_month=0.1,
    kms__key__month=1.0,
    kms__requests__10k=0.03,
    vpc__interface_endpoint__az_hour=0.01,
    vpc__interface_endpoint__gb=0.01,
    cloudwatch__alarm__standard__metric_month=0.1,
    ec2__instance__t3__small__hour=0.02,
    ebs__gp3__gb_month=0.08,
)
USAGE = UsageAssumptions(nat_processed_gb=100, load_balancer_lcu=2, kms_requests_thousands=50, endpoint_processed_gb=10)


def layers(**resources_by_layer: dict) -> dict[str, dict]:
    return {
        layer: {"provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources}
        for layer, resources in resources_by_layer.items()
    }


def monthly(result, address: str) -> float:
    return round(result.by_address()[address], 6)


NETWORKING = {
    "aws_subnet": {"network-public-1": {}, "network-public-2": {}, "network-private-1": {}},
    "aws_nat_gateway": {"network-nat-1": {"subnet_id": "${aws_subnet.network-public-1.id}"}},
    "aws_eip": {"network-nat-ip-1": {"domain": "vpc"}},
    "aws_vpc_endpoint": {
        "network-endpoint-logs": {
            "vpc_endpoint_type": "Interface",
            "subnet_ids": ["${aws_subnet.network-private-1.id}", "${aws_subnet.network-private-2.id}"],
        },
        "network-endpoint-s3": {"vpc_endpoint_type": "Gateway"},
    },
}
COMPUTE = {
    "aws_ecs_task_definition": {
        "task": {"cpu": "1024", "memory": "2048", "runtime_platform": {"cpu_architecture": "ARM64"}}
    },
    "aws_ecs_service": {
        "service": {
            "desired_count": 3,
            "launch_type": "FARGATE",
            "task_definition": "${aws_ecs_task_definition.task.arn}",
            "network_configuration": {"assign_public_ip": True},
        }
    },
    "aws_lb": {"alb": {"internal": False, "load_balancer_type": "application", "subnets": "${data.x.ids}"}},
}


def test_networking_is_priced_by_the_hour_and_by_use() -> None:
    result = estimate("test", synthesized_resources(layers(networking=NETWORKING)), USAGE, PRICES)
    assert monthly(result, "aws_nat_gateway.network-nat-1") == pytest.approx(730 * 0.05 + 100 * 0.04)
    assert monthly(result, "aws_eip.network-nat-ip-1") == pytest.approx(730 * 0.005)
    # two zones, each billed by the hour, plus the data processed
    assert monthly(result, "aws_vpc_endpoint.network-endpoint-logs") == pytest.approx(2 * 730 * 0.01 + 10 * 0.01)
    assert "aws_vpc_endpoint.network-endpoint-s3" not in result.by_address()  # gateway endpoints are free
    assert result.fixed_monthly_usd == pytest.approx(round(730 * 0.05 + 730 * 0.005 + 2 * 730 * 0.01, 2))
    assert result.usage_monthly_usd == pytest.approx(round(100 * 0.04 + 10 * 0.01, 2))
    assert result.unpriced == []


def test_fargate_tasks_load_balancer_and_public_addresses() -> None:
    stacks = layers(networking={"aws_subnet": NETWORKING["aws_subnet"]}, compute=COMPUTE)
    result = estimate("test", synthesized_resources(stacks), USAGE, PRICES)
    tasks = 3 * 730 * (1 * 0.03 + 2 * 0.004)
    task_addresses = 3 * 730 * 0.005
    assert monthly(result, "aws_ecs_service.service") == pytest.approx(tasks + task_addresses)
    # the load balancer's subnets come from another layer: one public address per public subnet found
    load_balancer = 730 * 0.02 + 2 * 730 * 0.01 + 2 * 730 * 0.005
    assert monthly(result, "aws_lb.alb") == pytest.approx(load_balancer)


def test_a_multi_az_database_bills_both_instances_and_both_copies_of_storage() -> None:
    database = {
        "engine": "postgres", "instance_class": "db.t4g.medium", "multi_az": True, "allocated_storage": 100,
        "storage_type": "gp3",
    }  # fmt: skip
    error_rate = [
        {"id": "e", "expression": "a/b"},
        {"id": "a", "metric": {"metric_name": "Errors"}},
        {"id": "b", "metric": {"metric_name": "Requests"}},
    ]
    data = {
        "aws_db_instance": {"database": database},
        "aws_kms_key": {"key": {}},
        "aws_cloudwatch_metric_alarm": {"error-rate": {"metric_query": error_rate}, "cpu": {"period": 300}},
    }
    result = estimate("test", synthesized_resources(layers(data=data)), USAGE, PRICES)
    assert monthly(result, "aws_db_instance.database") == pytest.approx(2 * 730 * 0.06 + 2 * 100 * 0.1)
    assert monthly(result, "aws_kms_key.key") == pytest.approx(1.0 + 5 * 0.03)
    assert monthly(result, "aws_cloudwatch_metric_alarm.error-rate") == pytest.approx(2 * 0.1)  # two metrics read
    assert monthly(result, "aws_cloudwatch_metric_alarm.cpu") == pytest.approx(0.1)


def test_an_instance_group_is_priced_from_its_launch_template() -> None:
    compute = {
        "aws_launch_template": {
            "template": {
                "instance_type": "t3.small",
                "block_device_mappings": [{"ebs": {"volume_size": 30, "volume_type": "gp3"}}],
            }
        },
        "aws_autoscaling_group": {
            "group": {"min_size": 2, "launch_template": {"id": "${aws_launch_template.template.id}"}}
        },
    }
    result = estimate("test", synthesized_resources(layers(compute=compute)), USAGE, PRICES)
    assert monthly(result, "aws_autoscaling_group.group") == pytest.approx(2 * 730 * 0.02 + 2 * 30 * 0.08)


@pytest.mark.parametrize(
    ("expression", "a_month"),
    [
        ("cron(0 4 ? * SUN *)", 730 / 168),  # weekly: 730 hours a month over 168 a week
        ("rate(7 days)", 730 / 168),
        ("cron(0 12 ? * MON-FRI *)", 5 * 730 / 24 / 7),
        ("cron(0/15 * * * ? *)", 4 * 730),
        ("cron(0 2 1 * ? *)", 1),
    ],
)
def test_a_schedule_is_priced_by_how_often_it_fires(expression: str, a_month: float) -> None:
    compute = {"aws_scheduler_schedule": {"refresh": {"schedule_expression": expression}}}
    prices = catalogue(scheduler__invocation=1.0)  # a dollar an invocation, to see the count
    result = estimate("test", synthesized_resources(layers(compute=compute)), USAGE, prices)
    assert monthly(result, "aws_scheduler_schedule.refresh") == pytest.approx(a_month, abs=1e-4)


def test_usage_priced_types_take_their_quantity_from_the_usage_assumptions() -> None:
    prices = catalogue(
        events__custom_events__million=1.0,
        events__archive__processed_gb=0.1,
        xray__traces_recorded__million=5.0,
        route53__hosted_zone__month=0.5,
    )
    use = UsageAssumptions(bus_events_millions=3, archive_processed_gb=7, traces_millions=0.2)
    pipeline = {
        "aws_cloudwatch_event_bus": {"bus": {}},
        "aws_cloudwatch_event_archive": {"archive": {}},
        "aws_xray_sampling_rule": {"sampling": {}},
        "aws_route53_zone": {"zone": {}},
    }
    result = estimate("test", synthesized_resources(layers(pipeline=pipeline)), use, prices)
    assert monthly(result, "aws_cloudwatch_event_bus.bus") == pytest.approx(3 * 1.0)
    assert monthly(result, "aws_cloudwatch_event_archive.archive") == pytest.approx(7 * 0.1)  # per GB, not per event
    assert monthly(result, "aws_xray_sampling_rule.sampling") == pytest.approx(0.2 * 5.0)
    assert monthly(result, "aws_route53_zone.zone") == pytest.approx(0.5)
    assert result.usage_monthly_usd == pytest.approx(3 + 0.7 + 1.0) and result.fixed_monthly_usd == pytest.approx(0.5)


def test_what_has_no_price_is_named_and_left_out_of_the_total_never_zero() -> None:
    data = {
        "aws_s3_bucket": {"records": {}},  # mapped, but this catalogue prices none of its components
        "aws_imaginary_thing": {"x": {}},  # neither mapped nor known to be free
        "aws_iam_role": {"role": {}},  # free: neither priced nor unpriced
    }
    result = estimate("test", synthesized_resources(layers(data=data)), USAGE, PRICES)
    assert result.items == [] and result.total_monthly_usd == 0
    unpriced = {(u.address, u.price) for u in result.unpriced}
    assert ("aws_imaginary_thing.x", "") in unpriced
    assert ("aws_s3_bucket.records", "s3.standard.gb_month") in unpriced
    assert not any(u.address == "aws_iam_role.role" for u in result.unpriced)


def test_a_price_holds_only_in_the_regions_its_source_states() -> None:
    stacks = layers(networking={"aws_nat_gateway": {"nat": {}}})
    stacks["networking"]["provider"]["aws"][0]["region"] = "us-west-1"
    result = estimate("test", synthesized_resources(stacks), USAGE, PRICES)
    assert result.items == []
    assert {(u.price, u.region) for u in result.unpriced} == {
        ("vpc.nat_gateway.hour", "us-west-1"),
        ("vpc.nat_gateway.gb", "us-west-1"),
    }


def test_a_resource_on_another_provider_is_priced_in_that_providers_region() -> None:
    stacks = layers(data={"aws_kms_key": {"copy-key": {"provider": "aws.us_west_2"}, "key": {}}})
    stacks["data"]["provider"]["aws"].append({"alias": "us_west_2", "region": "us-west-2"})
    regions = {r.address: r.region for r in synthesized_resources(stacks)}
    assert regions == {"aws_kms_key.copy-key": "us-west-2", "aws_kms_key.key": "us-east-1"}


def test_backups_copied_to_another_region_are_stored_there_and_sent_from_the_source() -> None:
    replication = {"source_db_instance_arn": "${aws_db_instance.database.arn}", "provider": "aws.us_west_2"}
    stacks = layers(data={"aws_db_instance_automated_backups_replication": {"copy": replication}})
    stacks["data"]["provider"]["aws"].append({"alias": "us_west_2", "region": "us-west-2"})
    stacks["data"]["resource"]["aws_db_instance"] = {"database": {}}
    resources = synthesized_resources(stacks)
    prices = catalogue(transfer__inter_region__gb=0.02)
    result = estimate("test", [r for r in resources if r.type != "aws_db_instance"], USAGE, prices)
    sent = next(u for u in result.unpriced if u.price == "transfer.inter_region.gb")
    assert sent.region == "us-west-2", "without the source in the inventory the copy's own region is all it knows"

    result = estimate("test", resources, USAGE, prices)
    (transfer,) = [i for i in result.items if i.component == "transfer between regions"]
    assert (transfer.region, transfer.quantity, transfer.monthly_usd) == ("us-east-1", 20.0, 0.4)
    assert {(u.price, u.region) for u in result.unpriced if u.address.endswith(".copy")} == {
        ("rds.backup_storage.gb_month", "us-west-2")
    }


def test_the_budget_check_on_both_sides_and_an_accepted_overrun() -> None:
    environment = load_environment("intakeiq")  # budget: $75
    environment = environment.model_copy(update={"cost": Cost()})  # without the file's declared overrun
    limit = environment.observability.budget.monthly_limit_usd
    data = {
        "aws_db_instance": {"db": {"engine": "postgres", "instance_class": "db.t4g.medium", "allocated_storage": 20}}
    }
    result = estimate("intakeiq", synthesized_resources(layers(data=data)), USAGE, PRICES)
    within = check_budget(environment, result)
    assert result.total_monthly_usd < limit and within.passed and "within it" in within.message()

    data["aws_db_instance"]["db"]["multi_az"] = True
    data["aws_kms_key"] = {f"key-{n}": {} for n in range(20)}
    over = check_budget(environment, estimate("intakeiq", synthesized_resources(layers(data=data)), USAGE, PRICES))
    assert over.over and not over.passed
    assert "aws_db_instance.db" in over.message() and "cost.over_budget" in over.message()

    accepted = environment.model_copy(
        update={"cost": Cost(over_budget="A launch month: two stages run side by side until the cut-over.")}
    )
    assert check_budget(accepted, estimate("intakeiq", synthesized_resources(layers(data=data)), USAGE, PRICES)).passed


def test_an_accepted_overrun_needs_a_budget(tmp_path) -> None:
    document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    del document["observability"]["budget"]
    document["cost"] = {"over_budget": "Launch month: both stages run side by side until the cut-over."}
    (tmp_path / "intakeiq.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(UserError, match=r"cost\.over_budget.*observability\.budget"):
        load_environment("intakeiq", tmp_path)


def test_usage_assumptions_merge_for_a_stage_like_every_section(tmp_path) -> None:
    environments = ENVIRONMENTS_DIR
    (tmp_path / "base").mkdir()
    base = yaml.safe_load((environments / "base" / "menotime.yaml").read_text())
    base["cost"] = {"usage": {"nat_processed_gb": 50, "log_ingested_gb": 2}}
    (tmp_path / "base" / "menotime.yaml").write_text(yaml.safe_dump(base))
    stage = yaml.safe_load((environments / "menotime-prod.yaml").read_text())
    stage["cost"] = {"usage": {"nat_processed_gb": 400}}
    (tmp_path / "menotime-prod.yaml").write_text(yaml.safe_dump(stage))
    usage = load_environment("menotime-prod", tmp_path).cost.usage
    assert (usage.nat_processed_gb, usage.log_ingested_gb) == (400, 2)  # the stage's, the base's
    assert usage.bucket_stored_gb == UsageAssumptions().bucket_stored_gb  # the default


def test_a_catalogue_entry_without_its_source_or_date_is_refused(tmp_path) -> None:
    entry = {"unit": "hour", "description": "x", "quotes": [{"region": "us-east-1", "usd": 1, "read_on": "2026-12-07"}]}
    (tmp_path / "aws.yaml").write_text(yaml.safe_dump({"prices": {"x.hour": entry}}))
    with pytest.raises(UserError, match=r"aws\.yaml: prices\.x\.hour\.quotes\.0\.source: Field required"):
        load_catalogue.__wrapped__(tmp_path / "aws.yaml")
    entry["quotes"][0] |= {"source": SOURCE}
    del entry["quotes"][0]["read_on"]
    (tmp_path / "aws.yaml").write_text(yaml.safe_dump({"prices": {"x.hour": entry}}))
    with pytest.raises(UserError, match="read_on: Field required"):
        load_catalogue.__wrapped__(tmp_path / "aws.yaml")


def test_every_price_in_the_catalogue_was_read_on_a_past_day_from_a_page() -> None:
    for key, item in load_catalogue().prices.items():
        for quote in item.quotes:
            assert quote.read_on <= datetime.date.today(), key
            assert quote.source.scheme == "https", key


def plan(before: dict[str, dict], after: dict[str, dict], references: dict[str, dict] | None = None) -> dict:
    def values(resources: dict[str, dict]) -> dict:
        return {
            "root_module": {
                "resources": [
                    {"address": a, "mode": "managed", "type": a.split(".")[0], "values": v}
                    for a, v in resources.items()
                ]
            }
        }

    configured = [{"address": a, "provider_config_key": "aws", "expressions": e} for a, e in (references or {}).items()]
    return {
        "prior_state": {"values": values(before)},
        "planned_values": values(after),
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": configured},
        },
    }


def test_a_plan_names_what_it_adds_to_the_bill() -> None:
    database = {
        "engine": "postgres", "instance_class": "db.t4g.medium", "allocated_storage": 20, "storage_type": "gp3",
        "multi_az": False,
    }  # fmt: skip
    before = {"aws_db_instance.database": database}
    after = {"aws_db_instance.database": database | {"multi_az": True}, "aws_nat_gateway.network-nat-1": {}}
    delta = plan_delta("test", [("data", plan(before, after))], USAGE, PRICES)
    changes = {c.address: round(c.change_usd, 2) for c in delta.changes}
    assert changes == {
        "aws_nat_gateway.network-nat-1": round(730 * 0.05 + 100 * 0.04, 2),
        "aws_db_instance.database": round(730 * 0.06 + 20 * 0.1, 2),
    }
    markdown = "\n".join(delta.markdown())
    assert "+ $40.50/month aws_nat_gateway.network-nat-1" in markdown
    assert f"${delta.before.total_monthly_usd:,.2f}/month before" in markdown


def test_a_plan_follows_references_its_values_do_not_show() -> None:
    """In a plan, a service's task definition is an ARN (or unknown); the configuration names it."""
    task = {"cpu": "1024", "memory": "2048", "runtime_platform": [{"cpu_architecture": "ARM64"}]}
    service = {"desired_count": 1, "launch_type": "FARGATE"}
    references = {
        "aws_ecs_service.s": {
            "task_definition": {"references": ["aws_ecs_task_definition.t.arn", "aws_ecs_task_definition.t"]}
        }
    }
    after = {"aws_ecs_task_definition.t": task, "aws_ecs_service.s": service}
    delta = plan_delta("test", [("compute", plan({}, after, references))], USAGE, PRICES)
    assert [(c.address, round(c.change_usd, 4)) for c in delta.changes] == [
        ("aws_ecs_service.s", round(730 * (0.03 + 2 * 0.004), 4))
    ]
    assert json.dumps(delta.after.as_json())  # the report is plain JSON
