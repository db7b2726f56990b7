"""Combinations AWS refuses fail when the environment is read, naming the file and the field; each
rule has a refused and an accepted case."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from hipaa_platform.config.aws_limits import instance_types
from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment_file
from hipaa_platform.errors import ConfigError

PORTAL = yaml.safe_load((ENVIRONMENTS_DIR / "secure-portal.yaml").read_text())
CLUBAPP = yaml.safe_load((ENVIRONMENTS_DIR / "clubapp-dev.yaml").read_text())
MEDISYNC = yaml.safe_load((ENVIRONMENTS_DIR / "medisync-prod.yaml").read_text())


def write(tmp_path: Path, document: dict, mutate) -> Path:
    changed = copy.deepcopy(document)
    mutate(changed)
    directory = tmp_path / str(len(list(tmp_path.iterdir())))  # one directory per variant
    directory.mkdir()
    path = directory / f"{changed['name']}.yaml"
    path.write_text(yaml.safe_dump(changed))
    return path


def load(tmp_path: Path, document: dict, mutate):
    return load_environment_file(write(tmp_path, document, mutate))


def refused(tmp_path: Path, document: dict, mutate) -> str:
    path = write(tmp_path, document, mutate)
    with pytest.raises(ConfigError) as caught:
        load_environment_file(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def set_in(path: str, value):
    def mutate(document: dict) -> None:
        *parents, last = path.split(".")
        node = document
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value

    return mutate


def both(*mutations):
    def mutate(document: dict) -> None:
        for mutation in mutations:
            mutation(document)

    return mutate


def test_performance_insights_on_a_class_rds_refuses_it(tmp_path) -> None:
    message = refused(
        tmp_path, PORTAL, both(set_in("data.database.performance_insights", True), set_in("decisions", None))
    )
    assert "data.database.performance_insights" in message and "db.t3.micro" in message
    accepted = load(
        tmp_path,
        PORTAL,
        both(
            set_in("data.database.performance_insights", True),
            set_in("data.database.instance_class", "db.t3.medium"),
            set_in("decisions", None),
        ),
    )
    assert accepted.data.database.performance_insights is True


def test_the_secure_portal_keeps_its_class_without_performance_insights(secure_portal) -> None:
    database = secure_portal.only("data", "aws_db_instance")
    assert database["instance_class"] == "db.t3.micro"
    assert database["performance_insights_enabled"] is False
    # checkov's CKV_AWS_353 knows the class offers none, so nothing is accepted for it
    assert "CKV_AWS_353" not in [f["check_id"] for f in database["//"].get("accepted_findings", [])]


def test_turning_performance_insights_off_needs_its_reason(tmp_path) -> None:
    message = refused(tmp_path, PORTAL, set_in("decisions", None))
    assert "decisions.no_performance_insights is required" in message


def test_storage_below_what_the_type_takes_is_refused(tmp_path) -> None:
    message = refused(tmp_path, PORTAL, set_in("data.database.storage_type", "io1"))
    assert "data.database.allocated_storage_gb: 20 GiB of io1; allowed: 100 to 65536" in message
    accepted = load(
        tmp_path,
        PORTAL,
        both(
            set_in("data.database.storage_type", "io1"),
            set_in("data.database.allocated_storage_gb", 100),
            set_in("data.database.max_allocated_storage_gb", 200),
        ),
    )
    assert accepted.data.database.storage_type == "io1"


def test_a_cache_node_type_elasticache_does_not_offer_is_refused(tmp_path) -> None:
    message = refused(tmp_path, CLUBAPP, set_in("data.redis.node_type", "cache.t1.micro"))
    assert "data.redis.node_type: cache.t1.micro" in message and "t4g" in message
    assert load(tmp_path, CLUBAPP, set_in("data.redis.node_type", "cache.r7g.large")).data.redis


def test_auto_pause_needs_an_aurora_version_that_has_it(tmp_path) -> None:
    message = refused(tmp_path, MEDISYNC, set_in("data.aurora.min_capacity_acu", 0))
    assert "data.aurora.min_capacity_acu: 0" in message and "16.3" in message
    accepted = load(
        tmp_path,
        MEDISYNC,
        both(set_in("data.aurora.min_capacity_acu", 0), set_in("data.aurora.engine_version", "16.4")),
    )
    assert accepted.data.aurora.min_capacity_acu == 0


def test_container_instances_run_the_x86_image(tmp_path) -> None:
    assert instance_types()["t4g.small"].architectures == ("arm64",)
    assert instance_types()["t3.small"].network_interfaces == 3
    message = refused(tmp_path, PORTAL, set_in("compute.ec2_capacity.instance_type", "t4g.small"))
    assert "compute.ec2_capacity.instance_type: t4g.small runs arm64" in message
    unknown = refused(tmp_path, PORTAL, set_in("compute.ec2_capacity.instance_type", "t9.nano"))
    assert "'t9.nano' is not an EC2 instance type" in unknown
    accepted = load(tmp_path, PORTAL, set_in("compute.ec2_capacity.instance_type", "m7i.large"))
    assert accepted.compute.ec2_capacity.tasks_per_instance == 2


def test_latest_in_an_immutable_repository_is_refused(tmp_path) -> None:
    message = refused(tmp_path, PORTAL, set_in("compute.services.0.image_tag", "latest"))
    assert "compute.services[0].image_tag: 'latest' in an IMMUTABLE repository" in message
    mutable = load(
        tmp_path,
        PORTAL,
        both(
            set_in("compute.services.0.image_tag", "latest"),
            set_in("compute.image_tag_mutability", "MUTABLE"),
            set_in(
                "decisions.mutable_image_tags",
                "The release flow moves one tag and rolls the service; no digest is pinned anywhere.",
            ),
        ),
    )
    assert mutable.compute.services[0].image_tag == "latest"


def test_a_static_site_must_be_a_bucket_without_a_cdn(tmp_path) -> None:
    assert "'nowhere' is not a bucket" in refused(tmp_path, PORTAL, set_in("pipeline.static_sites", ["nowhere"]))
