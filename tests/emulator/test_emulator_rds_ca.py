"""The emulator's RDS adaptation: a database created without a certificate authority gets AWS's
default, not moto's, so the AWS provider does not modify (and reboot) every new database."""

from __future__ import annotations

import boto3
import pytest

from hipaa_platform.emulator.server import AWS_DEFAULT_RDS_CA, MOTO_DEFAULT_RDS_CA, running_emulator

INSTANCE = {"DBInstanceClass": "db.t4g.micro", "MasterUsername": "platform", "ManageMasterUserPassword": True}


@pytest.fixture(scope="module")
def rds():
    with running_emulator() as emulator:
        yield boto3.client("rds", region_name="us-east-1", **emulator.boto_kwargs())


def test_an_instance_created_without_an_authority_has_aws_default(rds) -> None:
    created = rds.create_db_instance(DBInstanceIdentifier="plain", Engine="postgres", AllocatedStorage=20, **INSTANCE)
    assert created["DBInstance"]["CACertificateIdentifier"] == AWS_DEFAULT_RDS_CA != MOTO_DEFAULT_RDS_CA
    described = rds.describe_db_instances(DBInstanceIdentifier="plain")["DBInstances"][0]
    assert described["CACertificateIdentifier"] == AWS_DEFAULT_RDS_CA


def test_an_aurora_instance_created_without_an_authority_has_aws_default(rds) -> None:
    rds.create_db_cluster(
        DBClusterIdentifier="cluster",
        Engine="aurora-postgresql",
        MasterUsername="platform",
        ManageMasterUserPassword=True,
    )
    created = rds.create_db_instance(
        DBInstanceIdentifier="writer", DBClusterIdentifier="cluster", Engine="aurora-postgresql", **INSTANCE
    )
    assert created["DBInstance"]["CACertificateIdentifier"] == AWS_DEFAULT_RDS_CA


def test_an_authority_the_request_names_is_kept(rds) -> None:
    created = rds.create_db_instance(
        DBInstanceIdentifier="named",
        Engine="postgres",
        AllocatedStorage=20,
        CACertificateIdentifier="rds-ca-ecc384-g1",
        **INSTANCE,
    )
    assert created["DBInstance"]["CACertificateIdentifier"] == "rds-ca-ecc384-g1"


def test_starting_the_emulator_again_wraps_moto_once() -> None:
    from moto.rds.models import DBInstance

    with running_emulator():
        wrapped = DBInstance.__init__
    with running_emulator():
        assert DBInstance.__init__ is wrapped
