"""Without NAT, tasks reach AWS through endpoints only: HTTPS to the VPC's interface endpoints, and
to S3's prefix list through the gateway endpoint, where ECR keeps the image layers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hipaa_platform.config import Networking
from hipaa_platform.config.loader import load_environment


def service_egress(synthesized) -> list[dict]:
    rules = synthesized.resources("security", "aws_vpc_security_group_egress_rule").values()
    return [r for r in rules if "sg-service-" in r["security_group_id"]]


def test_without_nat_image_layers_come_from_s3s_prefix_list_and_nothing_wider(synthesize_variant) -> None:
    medisync = load_environment("medisync-prod")
    networking = medisync.networking.model_copy(update={"nat": "none"})
    # another name: MediSync's recorded moves end at its NAT gateways, which this variant has none of
    air_gapped = synthesize_variant(medisync.model_copy(update={"name": "air-gapped", "networking": networking}))
    egress = service_egress(air_gapped)
    prefix = {r["prefix_list_id"] for r in egress if "prefix_list_id" in r}
    (lookup_reference,) = prefix  # one list, S3's, for every service
    assert lookup_reference.startswith("${data.aws_prefix_list.") and lookup_reference.endswith(".id}")
    assert {r["from_port"] for r in egress if "prefix_list_id" in r} == {443}
    lookup = next(iter(air_gapped.stacks["security"]["data"]["aws_prefix_list"].values()))
    assert lookup["name"] == "com.amazonaws.us-east-1.s3"
    assert {r.get("cidr_ipv4") for r in egress if "cidr_ipv4" in r} == {"10.10.0.0/16"}  # the VPC only


def test_with_nat_no_prefix_list_rule_is_needed(medisync) -> None:
    assert not any("prefix_list_id" in r for r in service_egress(medisync))
    assert "aws_prefix_list" not in medisync.stacks["security"].get("data", {})


def test_an_air_gap_without_the_s3_gateway_endpoint_is_refused() -> None:
    networking = load_environment("medisync-prod").networking.model_dump(mode="json")
    with pytest.raises(ValidationError, match=r"ECR serves image layers from S3.*add s3"):
        Networking.model_validate({**networking, "nat": "none", "gateway_endpoints": ["dynamodb"]})
    assert Networking.model_validate({**networking, "gateway_endpoints": ["dynamodb"]})  # NAT reaches S3
