"""CloudFront in front of one bucket: origin access control (SigV4) is the only reader the bucket
policy admits, HTTPS only with TLS 1.2 or later on the configured domain, compression, AWS's
CachingOptimized policy (a day by default, longer where objects say so with Cache-Control), and,
where configured, the load balancer as a second origin for the API paths and the alias record in an
existing Route 53 zone."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionOrderedCacheBehavior,
    CloudfrontDistributionOrigin,
)
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import BucketCdn, CdnApi
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.cloudfront_parts import (
    BUCKET_ACCESS_LOGS_INSTEAD,
    bucket_origin,
    cached_reads,
    origin_access_control,
    read_through_origin_access,
    security_headers,
    viewer_certificate,
)
from modules.shared.s3_bucket import SecureBucket

ORIGIN_ID = "bucket"
API_ORIGIN_ID = "load-balancer"
# What an API response depends on besides its path and query: the caller, and what it accepts.
API_CACHE_KEY_HEADERS = ("Authorization", "Accept", "Accept-Language", "Origin")


class BucketDistribution(Construct):
    def __init__(
        self, scope: Construct, id: str, *, name: str, config: BucketCdn, bucket: SecureBucket, certificate_arn: str
    ) -> None:
        super().__init__(scope, id)
        access = origin_access_control(self, name=name, reads=name)
        headers = (
            security_headers(self, name=name)
            if target_creates(self, ("aws_cloudfront_response_headers_policy", f"{name} security headers"))
            else None
        )
        geo = (
            {"restriction_type": "whitelist", "locations": list(config.geo_restriction)}
            if config.geo_restriction
            else {"restriction_type": "none"}
        )
        self.distribution = CloudfrontDistribution(
            self,
            "this",
            enabled=True,
            comment=f"{name}: objects of one bucket",
            aliases=[config.domain_name],
            http_version="http2and3",
            price_class=config.price_class,
            origin=[
                *bucket_origin(ORIGIN_ID, bucket.bucket.bucket_regional_domain_name, access),
                *([api_origin(config.api)] if config.api else []),
            ],
            default_cache_behavior=cached_reads(ORIGIN_ID, headers),
            ordered_cache_behavior=api_behaviors(config.api) if config.api else None,
            restrictions={"geo_restriction": geo},
            viewer_certificate=viewer_certificate(certificate_arn),
        )
        accept_finding(self.distribution, "CKV_AWS_86", BUCKET_ACCESS_LOGS_INSTEAD)
        accept_finding(
            self.distribution,
            "CKV_AWS_305",
            "The distribution serves named objects only; the root path has no object, and S3 answers 403 for "
            "it because origin access control may read objects, not list the bucket.",
        )
        accept_finding(
            self.distribution,
            "CKV_AWS_310",
            "Each path has one origin in this single-region environment (the bucket, and the load balancer for "
            "the API); a failover origin group would need a replica bucket or a second region.",
        )
        bucket.attach_policy(read_through_origin_access(bucket.arn, self.distribution.arn))
        if config.hosted_zone_id and target_creates(self, ("aws_route53_record", f"{config.domain_name} alias")):
            Route53Record(
                self,
                "alias",
                zone_id=config.hosted_zone_id,
                name=config.domain_name,
                type="A",
                alias={
                    "name": self.distribution.domain_name,
                    "zone_id": self.distribution.hosted_zone_id,
                    "evaluate_target_health": False,
                },
            )


def api_origin(api: CdnApi) -> CloudfrontDistributionOrigin:
    """The load balancer under a name on its certificate, so CloudFront verifies TLS to it."""
    return CloudfrontDistributionOrigin(
        domain_name=api.origin_domain,
        origin_id=API_ORIGIN_ID,
        custom_origin_config={
            "http_port": 80,
            "https_port": 443,
            "origin_protocol_policy": "https-only",
            "origin_ssl_protocols": ["TLSv1.2"],
        },
    )


def api_behaviors(api: CdnApi) -> list[CloudfrontDistributionOrderedCacheBehavior]:
    """The API paths to the load balancer, HTTPS only, every method; a response is cached at most
    `ttl_seconds` and only for the same caller (the Authorization header is part of the cache key)."""
    return [
        CloudfrontDistributionOrderedCacheBehavior(
            path_pattern=path,
            target_origin_id=API_ORIGIN_ID,
            allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
            cached_methods=["GET", "HEAD"],
            viewer_protocol_policy="https-only",
            compress=True,
            min_ttl=0,
            default_ttl=api.ttl_seconds,
            max_ttl=api.ttl_seconds,
            forwarded_values={
                "query_string": True,
                "headers": list(API_CACHE_KEY_HEADERS),
                "cookies": {"forward": "all"},
            },
        )
        for path in api.paths
    ]
