"""A release rehearsed on the emulator, after the deployment and before it is destroyed: with the
deploy role's own credentials (assumed through the emulator's STS as CI assumes it) and the
emulator's IAM enforcement on, a new image is pushed, a task definition revision runs it, the
service is updated to it and rolled back; a static site is synced. docs/ci.md shows each path.

What moto's enforcement does and does not do (moto 5.2.5, moto/iam/access_control.py): it checks a
request's signature and the identity policies (inline and attached) of the calling role, and an
explicit deny; it evaluates no permission boundary, no resource policy allow (bucket, key,
repository) and no condition (a statement with one does not match), and no implied action
(iam:PassRole on RegisterTaskDefinition, a bucket key's kms:GenerateDataKey on PutObject): the
access check (`make access`) evaluates those. S3 names each object and bucket; ECR and ECS calls
name their repository and service (emulator.authorize_on_resource_arns), so resource scoping is
checked. moto runs no tasks, so a service's stability (running = desired) cannot be shown: the
rehearsal waits for the service to name the new revision."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import ClientError

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Environment
from hipaa_platform.errors import UserError

RELEASE_TAG = "3f1c2d4e5b6a7980"  # a commit SHA as CI would tag it
PREVIOUS_TAG = "0a1b2c3d4e5f6071"  # the release before it
GITHUB_KEY = "github"  # layers/pipeline.GITHUB: the deploy role's key in deploy_role_arns (not imported: the bindings)
# What a task definition revision carries over from the one it replaces.
_REGISTERABLE = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "volumes", "placementConstraints",
                 "requiresCompatibilities", "cpu", "memory", "runtimePlatform", "ephemeralStorage")  # fmt: skip


def web_identity_token(subject: str) -> str:
    """A token shaped as GitHub's OIDC token (header.claims.signature); the emulator's STS reads no signature."""

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": subject}
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.{part({'rehearsal': True})}"


@dataclass
class Rehearsal:
    """One environment's rehearsal: the steps it took, in order, each reported as it is taken."""

    environment: str
    report: Callable[[str], None] = lambda step: None
    steps: list[str] = field(default_factory=list)
    # Undoes what the rehearsal added to the deployment (images, objects), with the emulator's own
    # credentials, so that Terraform can destroy it.
    made: list[Callable[[], object]] = field(default_factory=list)

    def did(self, step: str) -> None:
        self.steps.append(step)
        self.report(step)


@dataclass(frozen=True)
class Outputs:
    """The deployed layers' outputs, by layer."""

    by_layer: Mapping[str, Mapping[str, object]]

    def __call__(self, layer: str, name: str):
        return self.by_layer[layer][name]


def credentials_of(
    role_arn: str, boto: Mapping[str, str], region: str, *, web_identity: bool, subject: str = "repo:rehearsal"
) -> dict[str, str]:
    """Temporary credentials of a role: through web identity, as GitHub Actions assumes the deploy
    role, or as the AWS service a role trusts would."""
    sts = boto3.client("sts", region_name=region, **boto)
    if web_identity:
        answer = sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName="release-rehearsal", WebIdentityToken=web_identity_token(subject)
        )
    else:
        answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="release-rehearsal")
    c = answer["Credentials"]
    return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"]}  # fmt: skip


class Release:
    """The release calls of one role, failing with the role, the call and AWS's answer."""

    def __init__(self, role: str, credentials: Mapping[str, str], boto: Mapping[str, str], region: str) -> None:
        self.role = role
        self.session = boto3.Session(region_name=region, **credentials)
        self.endpoint = {"endpoint_url": boto["endpoint_url"], "verify": boto["verify"]}

    def client(self, api: str):
        return self.session.client(api, **self.endpoint)

    def call(self, api: str, operation: str, /, **arguments):
        try:
            return getattr(self.client(api), operation)(**arguments)
        except ClientError as error:
            code, message = error.response["Error"].get("Code"), error.response["Error"].get("Message") or ""
            # moto answers a refused JSON call in XML, which botocore leaves unparsed in the message
            embedded = re.search(r"<Code>(.*?)</Code>\s*<Message>(.*?)</Message>", message, re.DOTALL)
            if embedded:
                code, message = embedded.groups()
            raise UserError(
                f"release rehearsal: {self.role} could not call {api} {operation}: {code}: {message}"
            ) from None

    def push_image(self, repository: str, tag: str, release: str = RELEASE_TAG) -> str:
        """A one-layer image of `release`, pushed as `docker push` does it; returns its digest."""
        layer = f"release {release}".encode()
        config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
        blobs = []
        for blob in (config, layer):
            upload = self.call("ecr", "initiate_layer_upload", repositoryName=repository)["uploadId"]
            self.call("ecr", "upload_layer_part", repositoryName=repository, uploadId=upload,
                      partFirstByte=0, partLastByte=len(blob) - 1, layerPartBlob=blob)  # fmt: skip
            digest = f"sha256:{hashlib.sha256(blob).hexdigest()}"
            self.call("ecr", "complete_layer_upload", repositoryName=repository, uploadId=upload, layerDigests=[digest])
            blobs.append({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": len(blob),
                          "digest": digest})  # fmt: skip
        blobs[0]["mediaType"] = "application/vnd.docker.container.image.v1+json"
        self.call("ecr", "batch_check_layer_availability", repositoryName=repository,
                  layerDigests=[b["digest"] for b in blobs])  # fmt: skip
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": blobs[0], "layers": blobs[1:]}  # fmt: skip
        image = self.call("ecr", "put_image", repositoryName=repository, imageManifest=json.dumps(manifest),
                          imageTag=tag)["image"]  # fmt: skip
        return image["imageId"]["imageDigest"]

    def retag(self, repository: str, tagged: str, tag: str) -> None:
        """Put `tag` on the image tagged `tagged` (its manifest pushed again, as `docker tag` + push does)."""
        image = self.call("ecr", "batch_get_image", repositoryName=repository, imageIds=[{"imageTag": tagged}])
        self.call("ecr", "put_image", repositoryName=repository, imageManifest=image["images"][0]["imageManifest"],
                  imageTag=tag)  # fmt: skip

    def register(self, current: Mapping, image: str) -> str:
        """A revision of the task definition `current` whose containers from the image's repository run
        `image`; returns its ARN."""
        repository = image.rsplit(":", 1)[0]
        containers = [
            {**c, "image": image} if c["image"].rsplit(":", 1)[0] == repository else c
            for c in current["containerDefinitions"]
        ]
        copied = {k: current[k] for k in _REGISTERABLE if k in current}
        registered = self.call("ecs", "register_task_definition", **copied, containerDefinitions=containers)
        return registered["taskDefinition"]["taskDefinitionArn"]

    def roll(self, cluster: str, service: str, task_definition: str, *, wait_seconds: float = 60) -> None:
        self.call("ecs", "update_service", cluster=cluster, service=service, taskDefinition=task_definition)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            found = self.call("ecs", "describe_services", cluster=cluster, services=[service])["services"]
            if found and found[0]["taskDefinition"] == task_definition:
                return
            time.sleep(1)
        raise UserError(f"release rehearsal: {service} did not take {task_definition} within {wait_seconds:.0f} s")


def rehearse(
    env: Environment,
    outputs: Outputs,
    boto: Mapping[str, str],
    enforcement: Callable[[], object],
    report: Callable[[str], None] = lambda step: None,
) -> Rehearsal:
    """Every release path of `env`: each rolling service through the GitHub deploy role, each blue-green
    service through its build and pipeline roles, each static site. `enforcement()` is a context manager
    that turns the emulator's IAM enforcement on for its block. What the rehearsal pushed or wrote is
    removed afterwards, with the emulator's own credentials."""
    done = Rehearsal(env.name, report)
    try:
        _rehearse(env, outputs, boto, enforcement, done)
    finally:
        for undo in reversed(done.made):
            undo()
    return done


def _rehearse(env: Environment, outputs: Outputs, boto: Mapping[str, str], enforcement, done: Rehearsal) -> None:
    region = env.region
    rolling = [s.name for s in env.compute.services if s.deployment == "rolling"]
    blue_green = [s.name for s in env.compute.services if s.deployment == "blue_green"]
    cluster = outputs("compute", "cluster_name")
    # Before enforcement: the credentials (with it on, only assumed roles can call anything) and, for
    # blue-green, the task definition the build would hand the pipeline as its artifact.
    admin = boto3.client("ecs", region_name=region, **boto)
    current = {}
    for name in blue_green:
        service = outputs("compute", "service_names")[name]
        running = admin.describe_services(cluster=cluster, services=[service])["services"][0]["taskDefinition"]
        current[name] = admin.describe_task_definition(taskDefinition=running)["taskDefinition"]
    deployer = builder = pipeline = None
    if env.pipeline.github_repository:
        role = outputs("pipeline", "deploy_role_arns")[GITHUB_KEY]
        subject = env.github_deploy_subject
        deployer = Release(role, credentials_of(role, boto, region, web_identity=True, subject=subject), boto, region)
        done.did(f"assumed {role} with a GitHub web identity token ({subject})")
    if blue_green:
        iam = boto3.client("iam", region_name=region, **boto)
        namer = Namer(env.name_prefix)
        roles = {
            p: iam.get_role(RoleName=namer.name(f"{p}-role"))["Role"]["Arn"] for p in ("codebuild", "codepipeline")
        }
        builder, pipeline = (
            Release(roles[p], credentials_of(roles[p], boto, region, web_identity=False), boto, region)
            for p in ("codebuild", "codepipeline")
        )
        done.did(f"assumed {roles['codebuild']} and {roles['codepipeline']} as CodeBuild and CodePipeline do")
    if rolling and deployer is None:
        raise UserError(f"release rehearsal: {env.name} has rolling services {rolling} and no GitHub deploy role "
                        "to ship them (pipeline.github_repository)")  # fmt: skip
    with enforcement():
        done.did("IAM enforcement on")
        for name in rolling:
            _release_rolling(env, name, deployer, outputs, cluster, done, boto)
        for name in blue_green:
            url = outputs("compute", "repository_urls")[name]
            _push(builder, url, RELEASE_TAG, done, boto)
            done.did(f"{name}: {builder.role} pushed {_repository_name(url)}:{RELEASE_TAG}")
            new = pipeline.register(current[name], f"{url}:{RELEASE_TAG}")
            done.did(f"{name}: {pipeline.role} registered {new.rsplit('/', 1)[1]}; CodeDeploy's traffic shift and "
                     "its rollback are not on the emulator (moto has no CodeDeploy)")  # fmt: skip
        for site in env.pipeline.static_sites:
            _sync_site(deployer, outputs("data", "bucket_names")[site], done, boto)
    done.did("IAM enforcement off")


def _push(
    releaser: Release, url: str, tag: str, done: Rehearsal, boto: Mapping[str, str], release: str = RELEASE_TAG
) -> str:
    """Push an image of `release` as `tag`; returns its digest. The image goes when the rehearsal ends."""
    repository = _repository_name(url)
    digest = releaser.push_image(repository, tag, release)
    ecr = boto3.client("ecr", region_name=releaser.session.region_name, **boto)
    done.made.append(lambda: ecr.batch_delete_image(repositoryName=repository, imageIds=[{"imageDigest": digest}]))
    return digest


def _release_rolling(
    env: Environment, name: str, deployer: Release, outputs: Outputs, cluster: str, done: Rehearsal, boto
) -> None:
    url = outputs("compute", "repository_urls")[name]
    repository = _repository_name(url)
    service = outputs("compute", "service_names")[name]
    if env.compute.image_tag_mutability == "MUTABLE":
        tag = next(s.image_tag for s in env.compute.services if s.name == name)
        ship_moving_tag(name, tag, deployer, url, service, cluster, done, boto)
        return
    _push(deployer, url, RELEASE_TAG, done, boto)
    done.did(f"{name}: pushed {repository}:{RELEASE_TAG}")
    previous = deployer.call("ecs", "describe_services", cluster=cluster, services=[service])["services"][0][
        "taskDefinition"
    ]
    current = deployer.call("ecs", "describe_task_definition", taskDefinition=previous)["taskDefinition"]
    new = deployer.register(current, f"{url}:{RELEASE_TAG}")
    deployer.roll(cluster, service, new)
    done.did(f"{name}: registered {new.rsplit('/', 1)[1]}, the service runs it")
    deployer.roll(cluster, service, previous)
    done.did(f"{name}: rolled back to {previous.rsplit('/', 1)[1]}")


def ship_moving_tag(
    name: str, tag: str, deployer: Release, url: str, service: str, cluster: str, done: Rehearsal, boto
) -> None:
    """A moving tag: each release is pushed under its commit SHA and the moving tag is put on it, then
    the service redeploys; a rollback puts the moving tag back on the previous release's SHA."""
    repository = _repository_name(url)
    # The release running before this one (on AWS it is already there; the emulator's repository starts empty).
    previous = _push(deployer, url, PREVIOUS_TAG, done, boto, release="previous")
    deployer.retag(repository, PREVIOUS_TAG, tag)
    _push(deployer, url, RELEASE_TAG, done, boto)
    deployer.retag(repository, RELEASE_TAG, tag)
    deployer.call("ecs", "update_service", cluster=cluster, service=service, forceNewDeployment=True)
    done.did(f"{name}: pushed {repository}:{RELEASE_TAG}, moved {tag} to it and forced a new deployment")
    deployer.retag(repository, PREVIOUS_TAG, tag)
    tagged = deployer.call("ecr", "batch_get_image", repositoryName=repository, imageIds=[{"imageTag": tag}])
    if tagged["images"][0]["imageId"]["imageDigest"] != previous:
        raise UserError(f"release rehearsal: {repository}:{tag} did not move back to {PREVIOUS_TAG}")
    deployer.call("ecs", "update_service", cluster=cluster, service=service, forceNewDeployment=True)
    done.did(f"{name}: rolled back: {tag} on {PREVIOUS_TAG} again, forced a new deployment")


def _sync_site(deployer: Release, bucket: str, done: Rehearsal, boto: Mapping[str, str]) -> None:
    """`aws s3 sync --delete`: list, upload the new files, delete the ones the build no longer has."""
    s3 = boto3.client("s3", region_name=deployer.session.region_name, **boto)

    def remove_every_version() -> None:  # the bucket is versioned: a delete leaves versions and markers
        listed = s3.list_object_versions(Bucket=bucket)
        for version in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])

    done.made.append(remove_every_version)
    deployer.call("s3", "put_object", Bucket=bucket, Key="old.html", Body=b"<p>previous release</p>")
    listed = deployer.call("s3", "list_objects_v2", Bucket=bucket)
    deployer.call("s3", "put_object", Bucket=bucket, Key="index.html", Body=f"<p>{RELEASE_TAG}</p>".encode())
    for stale in (o["Key"] for o in listed.get("Contents", []) if o["Key"] != "index.html"):
        deployer.call("s3", "delete_object", Bucket=bucket, Key=stale)
    done.did(f"synced the static site into {bucket} (put, list, delete)")


def _repository_name(url: str) -> str:
    return url.split("/", 1)[1]


class RehearsalTurns:
    """Environments deployed side by side into one emulator rehearse one at a time, once all have
    applied, and none destroys while another rehearses (with enforcement on, Terraform's own calls
    would be refused)."""

    def __init__(self, environments: list[Environment], emulator, report: Callable[[str], None]) -> None:
        self.environments = {e.name: e for e in environments}
        self.emulator, self.report = emulator, report
        self._all = threading.Barrier(len(environments), timeout=3600)
        self._one_at_a_time = threading.Lock()

    def between(self, name: str) -> Callable[[list, bool], None]:
        def rehearse_then_wait(runs: list, all_applied: bool) -> None:
            from hipaa_platform.emulator.server import iam_enforcement

            self._wait("apply")
            try:
                if all_applied:
                    with self._one_at_a_time:
                        outputs = Outputs({run.layer: run.outputs for run in runs})
                        rehearse(self.environments[name], outputs, self.emulator.boto_kwargs(),
                                 lambda: iam_enforcement(self.emulator),
                                 lambda step: self.report(f"{name}: rehearsal: {step}"))  # fmt: skip
            finally:
                self._wait("rehearse")

        return rehearse_then_wait

    def _wait(self, phase: str) -> None:
        try:
            self._all.wait()
        except threading.BrokenBarrierError:
            raise UserError(f"release rehearsal: the environments in this emulator did not all {phase}") from None
