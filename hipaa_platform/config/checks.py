"""Checks across sections: what one section names, another must declare, in a form AWS accepts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hipaa_platform.config.base import listed
from hipaa_platform.config.compute import MOVING_TAG
from hipaa_platform.config.decisions import DECISIONS
from hipaa_platform.config.references import (
    BUCKET_REFERENCE,
    CACHE_ENDPOINT_VALUES,
    DATABASE_ENDPOINT_VALUES,
    DATABASE_SECRET,
    GrantKind,
)
from hipaa_platform.config.security import DEFAULT_KEY

if TYPE_CHECKING:
    from hipaa_platform.config.environment import Environment


def backups_copied_elsewhere(env: Environment) -> None:
    replication = env.data.database.backup_replication if env.data.database else None
    if replication and replication.region == env.region:
        raise ValueError(
            f"data.database.backup_replication.region: {replication.region} is the environment's own region; "
            "allowed: any other region (the copy is for losing this one)"
        )


def decisions_have_reasons(env: Environment) -> None:
    for field, decision in DECISIONS.items():
        reason = getattr(env.decisions, field)
        is_made = decision.made(env)
        if is_made and reason is None:
            raise ValueError(
                f"decisions.{field} is required: {decision.choice}, which leaves {decision.leaves_open} open; "
                "state why that is safe here (at least 40 characters) or change the setting"
            )
        if reason is not None and not is_made:
            raise ValueError(f"decisions.{field} explains a choice this environment does not make; remove it")


def within_aws_limits(env: Environment) -> None:
    from hipaa_platform.config.aws_limits import refusals

    found = refusals(env)
    if found:
        raise ValueError("AWS refuses this combination: " + "; ".join(found))


def releases_can_ship(env: Environment) -> None:
    if env.compute.image_tag_mutability != "IMMUTABLE":
        return
    for index, service in enumerate(env.compute.services):
        if service.image_tag == MOVING_TAG:
            raise ValueError(
                f"compute.services[{index}].image_tag: {MOVING_TAG!r} in an IMMUTABLE repository can be pushed "
                "once, so no later release could ship under it; allowed: the tag of the first release (a "
                "version or commit SHA) that CI pushes before the compute layer is applied; later releases "
                "register task definitions that run their own tags (docs/ci.md)"
            )


def cross_references(env: Environment) -> None:
    for subnet in env.networking.all_subnets:
        if not (subnet.az.startswith(env.region) and len(subnet.az) == len(env.region) + 1):
            raise ValueError(
                f"networking: availability zone {subnet.az!r} is not in region {env.region}; "
                f"allowed: {env.region}a, {env.region}b, {env.region}c ..."
            )
    check_key_references(env)
    check_cdns(env)
    check_email(env)
    if "cache" in env.observability.dashboards and not env.data.redis:
        raise ValueError("observability.dashboards: cache shows the nodes of data.redis; declare data.redis")
    references = env.references()
    declared = sorted({*env.security.parameters, *(s.name for s in env.security.secrets)})
    platform = [DATABASE_SECRET]
    secret_sources = [*declared, *platform]
    buckets = {b.name for b in env.data.buckets}
    queues = {q.name for q in env.data.queues}
    for site in env.pipeline.static_sites:
        if site not in buckets:
            raise ValueError(
                f"pipeline.static_sites: {site!r} is not a bucket; "
                f"allowed: {listed(sorted(buckets)) or '(none declared in data.buckets)'}"
            )
        if not env.pipeline.github_repository:
            raise ValueError("pipeline.static_sites: the GitHub deploy role ships them; set pipeline.github_repository")
        if next(b for b in env.data.buckets if b.name == site).cdn:
            raise ValueError(
                f"pipeline.static_sites: {site!r} has a cdn; a release that invalidates its distribution is "
                "not built, so it would serve stale files; allowed: buckets without a cdn"
            )
    for index, service in enumerate(env.compute.services):
        where = f"compute.services[{index}]"
        for variable, source in service.secrets.items():
            if source.split(":")[0] not in secret_sources:
                raise ValueError(
                    f"{where}.secrets.{variable}: {source!r} is not declared; allowed: {listed(secret_sources)}"
                )
        for name in service.bucket_access:
            if name not in buckets:
                raise ValueError(
                    f"{where}.bucket_access: {name!r} is not a bucket; "
                    f"allowed: {listed(sorted(buckets)) or '(none declared in data.buckets)'}"
                )
        for variable, value in service.environment.items():
            bucket = value.removeprefix(BUCKET_REFERENCE) if value.startswith(BUCKET_REFERENCE) else None
            if bucket is not None and bucket not in buckets:
                raise ValueError(
                    f"{where}.environment.{variable}: {value!r} names no bucket; "
                    f"allowed: {listed([BUCKET_REFERENCE + b for b in sorted(buckets)]) or '(no data.buckets)'}"
                )
            if value.startswith(DATABASE_SECRET) and value not in DATABASE_ENDPOINT_VALUES:
                raise ValueError(
                    f"{where}.environment.{variable}: {value!r} is not a database value; allowed: "
                    f"{listed(DATABASE_ENDPOINT_VALUES)} (credentials go under secrets, e.g. "
                    f"{DATABASE_SECRET}:password)"
                )
            if value.startswith("@cache") and (value not in CACHE_ENDPOINT_VALUES or not env.data.redis):
                raise ValueError(
                    f"{where}.environment.{variable}: {value!r} is not a cache value; allowed: "
                    f"{listed(CACHE_ENDPOINT_VALUES)}, with data.redis (its clients sign in with IAM, "
                    "so there is no password to pass)"
                )
        overlap = set(service.environment) & set(service.secrets)
        if overlap:
            raise ValueError(f"{where}: {sorted(overlap)} set both as environment and secret")
        for grant in service.permissions:
            for reference in grant.resources:
                kind, _, rest = reference.partition(":")
                name = rest.split("/")[0]
                # Database users live in the database, not in this file; any name is accepted.
                declared = references.get(kind, ())
                known = name in declared or (kind == GrantKind.DATABASE_USER and bool(declared))
                if reference != "*" and not known:
                    allowed = ", ".join(f"{k}:<{'|'.join(v) or 'none declared'}>" for k, v in references.items())
                    raise ValueError(
                        f"{where}.permissions.{grant.sid}: resource {reference!r} names nothing declared; "
                        f"allowed: *, {allowed}"
                    )
        if "cache" in service.connects_to and not env.data.cache_name:
            raise ValueError(f"{where}.connects_to: cache needs data.cache or data.redis")
        if service.cache_user and service.cache_user not in env.data.cache_iam_users:
            raise ValueError(
                f"{where}.cache_user: {service.cache_user!r} is not an IAM user of the cache; "
                f"allowed: {listed(env.data.cache_iam_users) or '(none: declare data.cache or data.redis iam_users)'}"
            )
        scaling = service.autoscaling.queue_depth if service.autoscaling else None
        if scaling and scaling.queue not in queues:
            raise ValueError(
                f"{where}.autoscaling.queue_depth.queue: {scaling.queue!r} is not a queue; "
                f"allowed: {listed(sorted(queues)) or '(none declared in data.queues)'}"
            )
        if service.deployment == "blue_green" and not env.pipeline.codepipeline:
            raise ValueError(f"{where}.deployment: blue_green is driven by CodeDeploy; declare pipeline.codepipeline")


def check_email(env: Environment) -> None:
    email, networking = env.data.email, env.networking
    for index, service in enumerate(env.compute.services):
        where = f"compute.services[{index}].sends_mail"
        if service.sends_mail and email is None:
            raise ValueError(f"{where}: {service.sends_mail} mail goes through data.email; declare it")
        endpoint = {"smtp": "email-smtp", "api": "email"}.get(service.sends_mail or "")
        if endpoint and networking.air_gapped and endpoint not in networking.interface_endpoints:
            raise ValueError(
                f"{where}: {service.sends_mail} needs a way to SES: networking.nat, or {endpoint!r} in "
                "networking.interface_endpoints"
            )
    if email is None:
        return
    if env.baseline.mail_domain(email.domain) is None:
        domains = (
            listed([m.domain for m in env.baseline.mail_domains]) or "(none: add it to the account's mail_domains)"
        )
        raise ValueError(
            f"data.email.domain: {email.domain!r} is not a mail domain of account {env.account!r} "
            f"(accounts/{env.account}.yaml creates the identity); allowed: {domains}"
        )
    if email.events_topic is None:
        return
    topic = next((t for t in env.data.topics if t.name == email.events_topic), None)
    if topic is None:
        allowed = listed([t.name for t in env.data.topics]) or "(no data.topics)"
        raise ValueError(f"data.email.events_topic: {email.events_topic!r} is not a topic; allowed: {allowed}")
    if env.data.event_bus and env.data.event_bus.forward_to_topic == topic.name:
        raise ValueError("data.email.events_topic: the event bus forwards to that topic; give mail events their own")
    if "ses" not in env.key_services(topic.kms_key):
        raise ValueError(
            f"data.email.events_topic: SES publishes to topic {topic.name!r}, whose key {topic.kms_key!r} does "
            "not admit it; add 'ses' to that key's allow_services"
        )


def check_cdns(env: Environment) -> None:
    covered = (env.security.certificate_domain, *env.security.certificate_alternative_names)
    for index, bucket in enumerate(env.data.buckets):
        if not bucket.cdn:
            continue
        where = f"data.buckets[{index}].cdn"
        # In us-east-1 the distribution uses the security certificate; elsewhere its own one there.
        names = [(f"{where}.domain_name", bucket.cdn.domain_name)] if env.region == "us-east-1" else []
        if bucket.cdn.api:
            names.append((f"{where}.api.origin_domain", bucket.cdn.api.origin_domain))
        for field, domain in names:
            if not any(name == domain or (name.startswith("*.") and domain.split(".", 1)[1] == name[2:])
                       for name in covered):  # fmt: skip
                raise ValueError(
                    f"{field}: {domain} is not on the certificate; allowed: {listed(covered)} "
                    "(add it to security.certificate_alternative_names)"
                )
        if "cloudfront" not in env.key_services(bucket.kms_key):
            raise ValueError(
                f"{where}: CloudFront decrypts the objects with key {bucket.kms_key!r}, whose policy does not "
                "admit it; add cloudfront to that key's allow_services"
            )


def check_key_references(env: Environment) -> None:
    purposes = env.security.key_purposes
    data, security = env.data, env.security
    users: list[tuple[str, str]] = [("security.log_key", security.log_key)]
    users += [(f"security.secrets[{i}].kms_key", s.kms_key) for i, s in enumerate(security.secrets)]
    users.append(("data.backup.kms_key", data.backup.kms_key))
    for field_name in ("database", "aurora", "cache", "event_bus"):
        spec = getattr(data, field_name)
        if spec is not None:
            users.append((f"data.{field_name}.kms_key", spec.kms_key))
    for field_name in ("buckets", "tables", "queues", "topics"):
        users += [(f"data.{field_name}[{i}].kms_key", spec.kms_key) for i, spec in enumerate(getattr(data, field_name))]
    if env.compute.ephemeral_storage_key:
        users.append(("compute.ephemeral_storage_key", env.compute.ephemeral_storage_key))
    for where, purpose in users:
        if purpose not in purposes:
            raise ValueError(f"{where}: key {purpose!r} is not declared; allowed: {listed(purposes)}")
    if env.compute.ephemeral_storage_key and "fargate" not in env.key_services(env.compute.ephemeral_storage_key):
        raise ValueError(
            f"compute.ephemeral_storage_key: key {env.compute.ephemeral_storage_key!r} must admit Fargate; "
            "add 'fargate' to its allow_services"
        )
    if env.observability.guardduty_alerts and "events" not in env.key_services(DEFAULT_KEY):
        raise ValueError(
            "observability.guardduty_alerts: EventBridge publishes findings to the alarm topic, which the "
            "default key encrypts; add 'events' to security.default_key_services"
        )


def account_baseline(env: Environment) -> None:
    """A stage runs where its account's baseline records: Config records per region, and the trail,
    detector and identities it uses are the baseline's."""
    if env.region != env.baseline.region:
        raise ValueError(
            f"region: {env.region} is not where account {env.account!r} keeps its baseline "
            f"(accounts/{env.account}.yaml); allowed: {env.baseline.region}"
        )


def overrun_has_a_budget(env: Environment) -> None:
    if env.cost.over_budget and env.observability.budget is None:
        raise ValueError(
            "cost.over_budget: there is no budget to exceed; set observability.budget.monthly_limit_usd "
            "or remove cost.over_budget"
        )


def service_only_buckets_have_services(env: Environment) -> None:
    for index, bucket in enumerate(env.data.buckets):
        if bucket.object_access != "granted_services":
            continue
        where = f"data.buckets[{index}].object_access"
        if bucket.cdn:
            raise ValueError(f"{where}: granted_services would refuse CloudFront its objects; allowed: account")
        if not any(bucket.name in s.bucket_access for s in env.compute.services):
            raise ValueError(
                f"{where}: granted_services, but no service's bucket_access names {bucket.name!r}, so no one could "
                "read its objects; allowed: account, or grant a service"
            )


def check_all(env: Environment) -> None:
    """Every cross-section check, in the order a reader meets the sections."""
    backups_copied_elsewhere(env)
    decisions_have_reasons(env)
    within_aws_limits(env)
    releases_can_ship(env)
    cross_references(env)
    account_baseline(env)
    overrun_has_a_budget(env)
    service_only_buckets_have_services(env)
