"""The local AWS emulator: moto's server on a free loopback port, over TLS, started and stopped
by the project. TLS matters: the platform's buckets deny plain-HTTP access, and moto enforces it."""

from __future__ import annotations

import datetime
import ipaddress
import logging
import os
import re
import secrets
import socket
import ssl
import string
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from hipaa_platform.config import AccountBaseline, Environment
from hipaa_platform.errors import UserError
from hipaa_platform.operations import terraform
from hipaa_platform.operations.bootstrap import bootstrap_state_bucket
from hipaa_platform.targets import StateBackend, Target

LOOPBACK = "127.0.0.1"
# Credentials the emulator accepts; they open nothing anywhere else.
EMULATOR_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "emulator", "AWS_SECRET_ACCESS_KEY": "emulator"}


@dataclass(frozen=True)
class Emulator:
    endpoint: str
    ca_bundle: Path
    # re-sent requests answered from their first attempt (ResentRequests), for the run's report
    resends: list[Resend] = field(default_factory=list, compare=False)

    def boto_kwargs(self) -> dict[str, str]:
        return {
            "endpoint_url": self.endpoint,
            "verify": str(self.ca_bundle),
            "aws_access_key_id": EMULATOR_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": EMULATOR_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        }

    def terraform_variables(self, region: str) -> dict[str, str]:
        # AWS_ENDPOINT_URL: every service the provider calls goes to the emulator (targets.UNREACHABLE_PROXY)
        return {**EMULATOR_CREDENTIALS, "AWS_REGION": region, "AWS_CA_BUNDLE": str(self.ca_bundle),
                "AWS_ENDPOINT_URL": self.endpoint}  # fmt: skip


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local AWS emulator")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "emulator.crt", directory / "emulator.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class BackupListTagsPath:
    """AWS Backup's ListTags is `GET /tags/{arn}/`. The AWS provider's SDK sends it without the
    trailing slash, and moto then reads the resource ARN from the segment before (`tags`): every
    vault and plan reads back untagged and each re-plan would add their tags again. This puts the
    slash back on that one request before moto sees it; nothing else is touched."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        listing_tags = environ.get("REQUEST_METHOD") == "GET" and path.startswith("/tags/arn:")
        if listing_tags and ":backup:" in path and not path.endswith("/"):
            # moto reads the path as it arrived (RAW_URI, still percent-encoded), werkzeug the decoded one.
            environ = {**environ, "PATH_INFO": path + "/"}
            for key in ("RAW_URI", "REQUEST_URI"):
                if key in environ:
                    raw_path, question, query = environ[key].partition("?")
                    environ[key] = f"{raw_path}/{question}{query}"
        return self.app(environ, start_response)


@dataclass
class _Answer:
    """What moto answered one SDK invocation (its first attempt that completed)."""

    done: threading.Event = field(default_factory=threading.Event)
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None  # None: not kept (failed, or too large to keep)
    answered_at: float = 0.0


@dataclass(frozen=True)
class Resend:
    """One re-sent request answered from its first attempt."""

    service: str
    operation: str
    first_status: str
    seconds_after_first: float


READS = ("GET", "HEAD")


class ResentRequests:
    """An SDK re-sends a request it got no answer to, with the same `amz-sdk-invocation-id` and a
    higher `attempt=` in `amz-sdk-request`. Under load on a 2-core machine it sometimes re-sent a
    call the emulator had already carried out, and moto carries a non-idempotent call out again
    (seen: `RevokeSecurityGroupEgress` of a new group's default rule answered
    InvalidPermission.NotFound, an ELBv2 `CreateRule` PriorityInUse, each failing a deployment).
    This answers a re-sent request with what moto answered its first attempt, once that attempt
    succeeded (waiting for it if it is still running); a new invocation of the same call, a request
    without an invocation id, a read (GET or HEAD: moto answers it again the same, and a state
    file's answer is too large to keep) and a re-send after a failed attempt reach moto as before."""

    KEPT_INVOCATIONS = 4096
    LARGEST_KEPT_BODY = 1 << 20
    WAIT_FOR_FIRST_ATTEMPT_S = 300.0

    def __init__(self, app: Callable) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self.replayed: list[Resend] = []

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ.get("REQUEST_METHOD") in READS:
            return self.app(environ, start_response)
        with self._lock:
            earlier = self._answers.get(invocation)
            if earlier is None:
                answer = self._answers[invocation] = _Answer()
                while len(self._answers) > self.KEPT_INVOCATIONS:
                    self._answers.popitem(last=False)
        if earlier is not None:
            earlier.done.wait(self.WAIT_FOR_FIRST_ATTEMPT_S)
            if earlier.body is not None:
                self.replayed.append(_resend(environ, earlier))
                start_response(earlier.status, list(earlier.headers))
                return [earlier.body]
            answer = _Answer()  # the first attempt failed: this one is carried out and kept instead
            with self._lock:
                self._answers[invocation] = answer
        try:
            return self._answered(environ, start_response, answer)
        finally:
            answer.done.set()

    def _answered(self, environ: dict, start_response: Callable, answer: _Answer) -> list[bytes]:
        def keep_status(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable:
            answer.status, answer.headers = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, keep_status)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        if answer.status[:1] == "2" and len(body) <= self.LARGEST_KEPT_BODY:
            answer.body, answer.answered_at = body, time.monotonic()
        return [body]


def _resend(environ: dict, first: _Answer) -> Resend:
    """The re-sent call's service (from its signature's scope) and operation (its JSON target, or the
    query protocol's Action), for the run's report. Its body is read in full either way: moto never
    sees this request, and unread bytes would be left on a kept-alive connection."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length).decode(errors="replace") if length else ""
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
    if not operation:
        path = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        operation = parse_qs(body).get("Action", [""])[0] or path
    return Resend(scope.group(1) if scope else "?", operation, first.status, time.monotonic() - first.answered_at)


def _adapt_created_db_instances(mark: str, adapt: Callable[[object], None]) -> None:
    """Run `adapt` on every RDS instance moto creates, after moto's own constructor. `mark` goes on
    the class, so a second call (the server may start more than once in a process) wraps nothing."""
    from moto.rds.models import DBInstance

    if getattr(DBInstance, mark, False):
        return
    create_instance = DBInstance.__init__

    def create_and_adapt(self: DBInstance, *args: object, **kwargs: object) -> None:
        create_instance(self, *args, **kwargs)
        adapt(self)

    DBInstance.__init__ = create_and_adapt  # type: ignore[method-assign]
    setattr(DBInstance, mark, True)


def distinct_rds_resource_ids() -> None:
    """moto gives every RDS instance the same `DbiResourceId`, and the AWS provider finds an
    instance by that id after each modify. With two stages' databases in one account it finds two
    and waits until it gives up (`couldn't find resource`). This gives each instance its own id, in
    AWS's form (`db-` and 26 upper-case letters or digits), when moto creates it; nothing else is
    touched."""

    def own_resource_id(instance) -> None:
        alphabet = string.ascii_uppercase + string.digits
        instance.dbi_resource_id = "db-" + "".join(secrets.choice(alphabet) for _ in range(26))

    _adapt_created_db_instances("_platform_distinct_resource_ids", own_resource_id)


# The certificate authority AWS gives a new DB instance whose request names none (since January 2024).
AWS_DEFAULT_RDS_CA = "rds-ca-rsa2048-g1"
MOTO_DEFAULT_RDS_CA = "rds-ca-default"


def aws_default_rds_ca() -> None:
    """moto gives an instance created without a certificate authority `rds-ca-default`, AWS gives it
    `rds-ca-rsa2048-g1`. The AWS provider creates an instance without one and then compares the
    created instance's with `ca_cert_identifier`: on the emulator they always differed, so it
    modified every database (and rebooted each Aurora instance), waiting for it after each step,
    which AWS never makes it do: about 80 s more per RDS instance and 150 s per Aurora instance.
    This gives a new instance AWS's default where moto would give its own; an authority the request
    names is kept."""

    def aws_default(instance) -> None:
        if instance.ca_certificate_identifier in (None, MOTO_DEFAULT_RDS_CA):
            instance.ca_certificate_identifier = AWS_DEFAULT_RDS_CA

    _adapt_created_db_instances("_platform_aws_default_ca", aws_default)


def table_tags_in_one_page() -> None:
    """moto pages a DynamoDB table's tags 10 at a time; the AWS provider reads the first page only
    (AWS answers a table's tags, at most 50, in one), so a table with more than 10 tags showed the
    rest as drift on every re-plan. This answers them all at once, as AWS does."""
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_platform_tags_in_one_page", False):
        return

    def list_tags_of_resource(self) -> ActionResult:
        return ActionResult({"Tags": self.dynamodb_backend.list_tags_of_resource(self.body["ResourceArn"])})

    DynamoHandler.list_tags_of_resource = list_tags_of_resource  # type: ignore[method-assign]
    DynamoHandler._platform_tags_in_one_page = True  # type: ignore[attr-defined]


def authorize_on_resource_arns() -> None:
    """With IAM enforcement on, moto authorizes an ECR or ECS call against the resource `*` (only S3,
    SQS, IAM and STS name theirs), so a policy scoped to a repository or a service could never allow
    it there. This names the repository of an ECR call and the service of an ECS service call, as
    AWS does; every other call stays on `*` (as AWS's RegisterTaskDefinition and
    GetAuthorizationToken are)."""
    from moto.ecr.responses import ECRResponse
    from moto.ecs.responses import EC2ContainerServiceResponse

    if getattr(ECRResponse, "_platform_resource_arns", False):
        return

    def repository(self) -> str:
        name = self._get_param("repositoryName")
        return f"arn:aws:ecr:{self.region}:{self.current_account}:repository/{name}" if name else "*"

    def service(self) -> str:
        if self._get_action() not in ("UpdateService", "DescribeServices"):
            return "*"
        cluster = (self._get_param("cluster") or "default").rsplit("/", 1)[-1]
        named = self._get_param("service") or (self._get_param("services") or ["*"])[0]
        return f"arn:aws:ecs:{self.region}:{self.current_account}:service/{cluster}/{named.rsplit('/', 1)[-1]}"

    ECRResponse._determine_resource = repository  # type: ignore[attr-defined]
    EC2ContainerServiceResponse._determine_resource = service  # type: ignore[attr-defined]
    ECRResponse._platform_resource_arns = True  # type: ignore[attr-defined]


def bucket_denies_with_their_conditions() -> None:
    """moto checks every object request against the bucket's policy, but a statement whose condition
    does not hold counts there as a deny: the platform's TLS-only statement (Deny unless
    aws:SecureTransport) refused every object write over TLS. This evaluates a bucket policy's
    denies with the project's own evaluator (access/policy.py), the request over TLS as every request
    to this emulator is; allows stay with moto's caller checks, as before."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    from hipaa_platform.access.policy import Effect, Policy, Principal, Request

    if getattr(FakeBucket, "_platform_bucket_denies", False):
        return

    def get_permission(self, action: str, resource: str):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = Policy.parse(f"bucket policy of {self.name}", self.policy.decode())
        anyone = Principal(f"arn:aws:iam::{self.account_id}:role/any", self.account_id)
        request = Request(anyone, action, resource, {"aws:SecureTransport": "true"})
        denied = policy.matching(request, Effect.DENY, resource_policy=True)
        return PermissionResult.DENIED if denied else PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
    FakeBucket._platform_bucket_denies = True  # type: ignore[attr-defined]


@contextmanager
def iam_enforcement(emulator: Emulator) -> Iterator[None]:
    """moto's IAM enforcement for the block, switched through its own endpoint (/moto-api/reset-auth):
    every request must then be signed by a known identity and allowed by its identity policies
    (rehearsal.py says what moto does not evaluate). Off again afterwards, whatever happens."""
    import urllib.request

    tls = ssl.create_default_context(cafile=str(emulator.ca_bundle))

    def switch(after_requests: str) -> None:
        # A plain body: a form's would be parsed away before moto reads it.
        request = urllib.request.Request(f"{emulator.endpoint}/moto-api/reset-auth", data=after_requests.encode(),
                                         method="POST", headers={"Content-Type": "text/plain"})  # fmt: skip
        with urllib.request.urlopen(request, context=tls, timeout=30) as answer:
            answer.read()

    switch("0")
    try:
        yield
    finally:
        switch("inf")


@contextmanager
def running_emulator() -> Iterator[Emulator]:
    """A moto server that lives exactly as long as the block, whatever happens inside it."""
    # AWS managed policies (AmazonRDSEnhancedMonitoringRole ...) exist only when moto loads them.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    distinct_rds_resource_ids()
    aws_default_rds_ca()
    table_tags_in_one_page()
    authorize_on_resource_arns()
    bucket_denies_with_their_conditions()
    # moto answers unimplemented calls with a traceback per request; Terraform's own error names the call.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="emulator-tls-") as tls_dir:
        cert, key = _self_signed_certificate(Path(tls_dir))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        port = free_loopback_port()
        resent = ResentRequests(BackupListTagsPath(DomainDispatcherApplication(create_backend_app)))
        server = make_server(
            LOOPBACK,
            port,
            resent,
            threaded=True,
            request_handler=MotoRequestHandler,
            ssl_context=context,
        )
        thread = threading.Thread(target=server.serve_forever, name="aws-emulator", daemon=True)
        thread.start()
        try:
            yield Emulator(endpoint=f"https://{LOOPBACK}:{port}", ca_bundle=cert, resends=resent.replayed)
        finally:
            server.shutdown()
            thread.join(timeout=10)


@dataclass(frozen=True)
class EmulatorRun:
    """What a deployment to the emulator needs: the server, the target to synthesize for, and the
    environment variables that point Terraform at it."""

    emulator: Emulator
    target: Target
    terraform_env: dict[str, str]


@contextmanager
def emulator_with_state_bucket(environment: Environment, log_dir: Path | None = None) -> Iterator[EmulatorRun]:
    """A running emulator prepared for one environment (`on_emulator`)."""
    with running_emulator() as emulator, on_emulator(emulator, environment, log_dir) as run:
        yield run


@contextmanager
def on_emulator(
    emulator: Emulator, environment: Environment | AccountBaseline, log_dir: Path | None = None
) -> Iterator[EmulatorRun]:
    """The environment's (or account baseline's) state bucket on a running emulator (without the TLS-only policy, see
    bootstrap.TLS_POLICY_SKIPPED_ON_EMULATOR), and one AWS provider process that every Terraform
    command of the environment's run attaches to (shared_provider.py); its output goes to `log_dir`.
    Environments sharing an emulator each have their own provider: it carries their default tags."""
    with tempfile.TemporaryDirectory(prefix="emulator-provider-") as scratch:
        bootstrap_state_bucket(environment, emulator.boto_kwargs(), tls_only_policy=False)
        terraform_env = terraform.terraform_environment(emulator.terraform_variables(environment.region))
        log = (log_dir or Path(scratch)) / "aws-provider.log"
        with terraform.attached_provider(terraform_env, log) as attached_env:
            yield EmulatorRun(
                emulator=emulator,
                target=Target(backend=StateBackend.EMULATOR, emulator_endpoint=emulator.endpoint),
                terraform_env=attached_env,
            )


def baseline_in_place(baseline: AccountBaseline, boto_kwargs: dict[str, str]) -> list[str]:
    """What the account's baseline keeps, read back from the emulator: the trail logging, the detector,
    the recorder recording, the conformance pack's rules, the evidence key enabled, the GitHub OIDC
    provider. Raises UserError naming what is missing (a stage's destroy took it)."""
    import boto3

    from hipaa_platform.building.naming import Namer
    from hipaa_platform.gate.compliance import load_pack
    from hipaa_platform.operations.evidence import config_rules_carried
    from hipaa_platform.targets.emulator_unsupported import RULE_SOURCES_UNSUPPORTED_ON_EMULATOR
    from modules.pipeline.github_oidc import GITHUB_OIDC_URL

    def client(service: str):
        return boto3.client(service, region_name=baseline.region, **boto_kwargs)

    namer, found, missing = Namer(baseline.name_prefix), [], []
    trail = namer.name("audit-trail")
    try:
        logging = client("cloudtrail").get_trail_status(Name=trail)["IsLogging"]
        (found if logging else missing).append(f"trail {trail} ({'logging' if logging else 'not logging'})")
    except client("cloudtrail").exceptions.TrailNotFoundException:
        missing.append(f"trail {trail}")
    detectors = client("guardduty").list_detectors()["DetectorIds"]
    (found if detectors else missing).append(f"GuardDuty detector {', '.join(detectors) or '(none)'}")
    recorder = namer.name("config-recorder")
    config = client("config")
    statuses = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    recording = [s for s in statuses if s["name"] == recorder and s["recording"]]
    (found if recording else missing).append(f"AWS Config recorder {recorder} (recording)")
    pack = {n for n, r in load_pack().rules.items() if r.identifier not in RULE_SOURCES_UNSUPPORTED_ON_EMULATOR}
    lost = sorted(pack - config_rules_carried(config))
    rules = f"{len(pack) - len(lost)} of the conformance pack's {len(pack)} rules in AWS Config"
    (missing if lost else found).append(f"{rules} (not {', '.join(lost)})" if lost else rules)
    try:
        state = client("kms").describe_key(KeyId=baseline.evidence_key_alias)["KeyMetadata"]["KeyState"]
        (found if state == "Enabled" else missing).append(f"evidence key {baseline.evidence_key_alias} ({state})")
    except client("kms").exceptions.NotFoundException:
        missing.append(f"evidence key {baseline.evidence_key_alias}")
    providers = client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    github = [p["Arn"] for p in providers if p["Arn"].endswith(GITHUB_OIDC_URL.removeprefix("https://"))]
    (found if github else missing).append("GitHub OIDC provider")
    if missing:
        raise UserError(f"account {baseline.name}: its baseline lost {', '.join(missing)} (kept: {', '.join(found)})")
    return found
