"""The emulator's RDS adaptation: each instance has its own DbiResourceId, which the AWS provider
looks an instance up by after every modify (two stages' databases share one account)."""

from __future__ import annotations

import re

import boto3

from hipaa_platform.emulator.server import running_emulator


def test_each_database_is_found_by_its_own_resource_id() -> None:
    with running_emulator() as emulator:
        rds = boto3.client("rds", region_name="us-east-1", **emulator.boto_kwargs())
        resource_ids = {}
        for name in ("stage-one-postgres", "stage-two-postgres"):
            created = rds.create_db_instance(
                DBInstanceIdentifier=name,
                DBInstanceClass="db.t4g.micro",
                Engine="postgres",
                MasterUsername="platform",
                ManageMasterUserPassword=True,
                AllocatedStorage=20,
            )
            resource_ids[name] = created["DBInstance"]["DbiResourceId"]
        assert len(set(resource_ids.values())) == 2
        for name, resource_id in resource_ids.items():
            assert re.fullmatch(r"db-[A-Z0-9]{26}", resource_id)
            found = rds.describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [resource_id]}])
            assert [instance["DBInstanceIdentifier"] for instance in found["DBInstances"]] == [name]
