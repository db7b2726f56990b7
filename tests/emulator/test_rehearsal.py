"""The release rehearsal's machinery on a bare emulator (no Terraform): with IAM enforcement on, a
role can do what its own policy allows on the repositories and services it names, and nothing else;
the release steps (push, register a revision, roll, roll back) work; enforcement ends with its block.
Every environment's own rehearsal runs in its deployment (test_deploy_local.py, test_deployed_intakeiq.py)."""

from __future__ import annotations

import json

import boto3
import pytest

from hipaa_platform.emulator.rehearsal import (
    PREVIOUS_TAG,
    RELEASE_TAG,
    Rehearsal,
    Release,
    credentials_of,
    ship_moving_tag,
)
from hipaa_platform.emulator.server import iam_enforcement, running_emulator
from hipaa_platform.errors import UserError

pytestmark = pytest.mark.emulator
REGION = "us-east-1"
PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload", "ecr:PutImage"]  # fmt: skip


def role(iam, name: str, *statements: dict) -> str:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                                     "Principal": {"Federated": "github"}}]}  # fmt: skip
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    iam.put_role_policy(RoleName=name, PolicyName="release", PolicyDocument=json.dumps(policy))
    return arn


def test_a_role_releases_only_what_its_policy_names() -> None:
    with running_emulator() as emulator:
        boto = emulator.boto_kwargs()
        account = boto3.client("sts", region_name=REGION, **boto).get_caller_identity()["Account"]
        ecr, ecs, iam = (boto3.client(s, region_name=REGION, **boto) for s in ("ecr", "ecs", "iam"))
        for name in ("app", "other"):
            ecr.create_repository(repositoryName=name, imageTagMutability="IMMUTABLE")
        ecs.create_cluster(clusterName="cluster")
        registry = f"{account}.dkr.ecr.{REGION}.amazonaws.com"
        container = {"name": "app", "image": f"{registry}/app:initial", "memory": 512}
        first = ecs.register_task_definition(family="app", containerDefinitions=[container])["taskDefinition"][
            "taskDefinitionArn"
        ]
        ecs.create_service(cluster="cluster", serviceName="app", taskDefinition=first, desiredCount=1)
        service_arn = f"arn:aws:ecs:{REGION}:{account}:service/cluster/app"
        releases = [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": PUSH, "Resource": f"arn:aws:ecr:{REGION}:{account}:repository/app"},
            {"Effect": "Allow", "Action": ["ecs:UpdateService", "ecs:DescribeServices"], "Resource": service_arn},
        ]
        deployer = role(iam, "deployer", *releases,
                        {"Effect": "Allow", "Action": ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
                         "Resource": "*"})  # fmt: skip
        roller = role(iam, "roller", *releases)
        as_deployer = Release(deployer, credentials_of(deployer, boto, REGION, web_identity=True), boto, REGION)
        as_roller = Release(roller, credentials_of(roller, boto, REGION, web_identity=True), boto, REGION)

        with iam_enforcement(emulator):
            as_deployer.push_image("app", RELEASE_TAG)
            with pytest.raises(UserError, match=r"deployer could not call ecr initiate_layer_upload: AccessDenied"):
                as_deployer.push_image("other", RELEASE_TAG)
            current = as_deployer.call("ecs", "describe_task_definition", taskDefinition=first)["taskDefinition"]
            new = as_deployer.register(current, f"{registry}/app:{RELEASE_TAG}")
            as_deployer.roll("cluster", "app", new)
            as_deployer.roll("cluster", "app", first)
            with pytest.raises(UserError, match=r"roller could not call ecs register_task_definition: AccessDenied"):
                as_roller.register(current, f"{registry}/app:{RELEASE_TAG}")
            with pytest.raises(Exception, match=r"InvalidClientTokenId|security token"):
                ecr.describe_repositories()  # the emulator's own credentials are no identity it knows

        assert ecs.describe_services(cluster="cluster", services=["app"])["services"][0]["taskDefinition"] == first
        revision = ecs.describe_task_definition(taskDefinition=new)["taskDefinition"]
        assert revision["containerDefinitions"][0]["image"].endswith(f"app:{RELEASE_TAG}")
        images = ecr.describe_images(repositoryName="app")["imageDetails"]
        assert [i["imageTags"] for i in images] == [[RELEASE_TAG]]


def test_a_bucket_policy_denies_by_its_conditions_on_the_emulator() -> None:
    """The TLS-only statement (deny unless aws:SecureTransport) lets requests over TLS through, as on
    AWS; an unconditional deny still refuses (emulator.bucket_denies_with_their_conditions)."""
    tls_only = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
                "Resource": ["arn:aws:s3:::site", "arn:aws:s3:::site/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
    no_deletes = {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::site/*"}
    with running_emulator() as emulator:
        s3 = boto3.client("s3", region_name=REGION, **emulator.boto_kwargs())
        s3.create_bucket(Bucket="site")
        s3.put_bucket_policy(Bucket="site", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]}))
        s3.put_object(Bucket="site", Key="index.html", Body=b"<p>over TLS</p>")
        policy = {"Version": "2012-10-17", "Statement": [tls_only, no_deletes]}
        s3.put_bucket_policy(Bucket="site", Policy=json.dumps(policy))
        with pytest.raises(Exception, match=r"AccessDenied|Forbidden|403"):
            s3.delete_object(Bucket="site", Key="index.html")
        assert s3.get_object(Bucket="site", Key="index.html")["Body"].read() == b"<p>over TLS</p>"


def test_a_moving_tag_ships_and_rolls_back_and_leaves_nothing() -> None:
    """IntakeIQ's and Club App's path: the tag moves to the new image and back to the previous one.
    (moto keeps its state per process, so each test here names its own resources.)"""
    with running_emulator() as emulator:
        boto = emulator.boto_kwargs()
        account = boto3.client("sts", region_name=REGION, **boto).get_caller_identity()["Account"]
        ecr, ecs, iam = (boto3.client(s, region_name=REGION, **boto) for s in ("ecr", "ecs", "iam"))
        ecr.create_repository(repositoryName="web", imageTagMutability="MUTABLE")
        ecs.create_cluster(clusterName="moving")
        container = {"name": "web", "image": f"{account}.dkr.ecr.{REGION}.amazonaws.com/web:latest", "memory": 512}
        first = ecs.register_task_definition(family="web", containerDefinitions=[container])["taskDefinition"]
        ecs.create_service(cluster="moving", serviceName="web", taskDefinition=first["taskDefinitionArn"],
                           desiredCount=1)  # fmt: skip
        deployer = role(
            iam, "tag-mover",
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": [*PUSH, "ecr:BatchGetImage"],
             "Resource": f"arn:aws:ecr:{REGION}:{account}:repository/web"},
            {"Effect": "Allow", "Action": ["ecs:UpdateService", "ecs:DescribeServices"],
             "Resource": f"arn:aws:ecs:{REGION}:{account}:service/moving/web"},
        )  # fmt: skip
        as_deployer = Release(deployer, credentials_of(deployer, boto, REGION, web_identity=True), boto, REGION)
        done = Rehearsal("web")
        with iam_enforcement(emulator):
            ship_moving_tag("web", "latest", as_deployer, container["image"].rsplit(":", 1)[0], "web", "moving",
                            done, boto)  # fmt: skip
        assert [step.split(":")[1].strip().split(" ")[0] for step in done.steps] == ["pushed", "rolled"]
        tags = sorted(sorted(i["imageTags"]) for i in ecr.describe_images(repositoryName="web")["imageDetails"])
        assert tags == [[PREVIOUS_TAG, "latest"], [RELEASE_TAG]]  # latest back on the previous release
        for undo in done.made:
            undo()
        assert ecr.describe_images(repositoryName="web")["imageDetails"] == []
