"""CloudFront in front of one private bucket, the platform's only way to serve a bucket: origin access
control (SigV4) is the only reader the bucket policy admits, HTTPS only with TLS 1.2 or later on the
configured domain, compression, AWS's CachingOptimized policy (a day by default, longer where objects
say so with Cache-Control), security headers.

Two uses: a bucket of data.buckets with a `cdn` (where configured, the load balancer as a second
origin for API paths and the alias record in an existing Route 53 zone), and compute.spa, whose
public bundle lives in the distribution's own SSE-S3 bucket and whose unknown paths load index.html
(the app routes on the client)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionCustomErrorResponse,
    CloudfrontDistributionOrderedCacheBehavior,
    CloudfrontDistributionOrigin,
)
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import BucketCdn, CdnApi, Distribution
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
BUNDLE_ORIGIN_ID = "spa-bucket"
API_ORIGIN_ID = "load-balancer"
# The bundle bucket's role name: its access-log prefix and its name (`<prefix>-spa-<account>`) derive from it.
SPA_BUCKET_ROLE = "spa"
# What an API response depends on besides its path and query: the caller, and what it accepts.
API_CACHE_KEY_HEADERS = ("Authorization", "Accept", "Accept-Language", "Origin")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "connect-src 'self' https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@dataclass(frozen=True)
class AppBundle:
    """A single-page app's bundle: the distribution's own bucket, and client-side routing."""

    bucket_name: str
    access_log_bucket_name: str
    force_destroy: bool


class BucketDistribution(Construct):
    """`bucket`: an existing bucket to serve; or `bundle`: a single-page app in a bucket of its own."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: Distribution,
        certificate_arn: str,
        bucket: SecureBucket | None = None,
        bundle: AppBundle | None = None,
    ) -> None:
        super().__init__(scope, id)
        if (bucket is None) == (bundle is None):
            raise ValueError(f"{id}: give the bucket to serve or the app bundle, one of them")
        self.bucket = bucket or self._bundle_bucket(bundle)
        access = origin_access_control(self, name=name, reads=bundle.bucket_name if bundle else name)
        what = "SPA security headers" if bundle else f"{name} security headers"
        headers = (
            security_headers(self, name=name, content_security_policy=CONTENT_SECURITY_POLICY if bundle else None)
            if target_creates(self, ("aws_cloudfront_response_headers_policy", what))
            else None
        )
        api = config.api if isinstance(config, BucketCdn) else None
        origin_id = BUNDLE_ORIGIN_ID if bundle else ORIGIN_ID
        self.distribution = CloudfrontDistribution(
            self,
            "this",
            enabled=True,
            comment=f"{name}: single-page app" if bundle else f"{name}: objects of one bucket",
            aliases=[config.domain_name],
            default_root_object="index.html" if bundle else None,
            http_version="http2and3",
            price_class=config.price_class,
            origin=[
                *bucket_origin(origin_id, self.bucket.bucket.bucket_regional_domain_name, access),
                *([api_origin(api)] if api else []),
            ],
            default_cache_behavior=cached_reads(origin_id, headers),
            ordered_cache_behavior=api_behaviors(api) if api else None,
            custom_error_response=client_side_routing() if bundle else None,
            restrictions={"geo_restriction": geo_restriction(config)},
            viewer_certificate=viewer_certificate(certificate_arn),
        )
        self.bucket.attach_policy(read_through_origin_access(self.bucket.arn, self.distribution.arn))
        self._accept_findings(app=bundle is not None)
        zone = config.hosted_zone_id if isinstance(config, BucketCdn) else None
        if zone and target_creates(self, ("aws_route53_record", f"{config.domain_name} alias")):
            Route53Record(
                self,
                "alias",
                zone_id=zone,
                name=config.domain_name,
                type="A",
                alias={
                    "name": self.distribution.domain_name,
                    "zone_id": self.distribution.hosted_zone_id,
                    "evaluate_target_health": False,
                },
            )

    def _bundle_bucket(self, bundle: AppBundle) -> SecureBucket:
        return SecureBucket(
            self,
            SPA_BUCKET_ROLE,
            bucket_name=bundle.bucket_name,
            kms_key_arn=None,
            sse_s3_reason="The bundle is public JavaScript and CSS without PHI; SSE-S3 lets CloudFront read it "
            "through origin access control without a key grant",
            access_log_bucket=bundle.access_log_bucket_name,
            force_destroy=bundle.force_destroy,
            defer_policy=True,
        )

    def _accept_findings(self, *, app: bool) -> None:
        accept_finding(self.distribution, "CKV_AWS_86", BUCKET_ACCESS_LOGS_INSTEAD)
        if not app:  # an app's root path serves index.html
            accept_finding(
                self.distribution,
                "CKV_AWS_305",
                "The distribution serves named objects only; the root path has no object, and S3 answers 403 for "
                "it because origin access control may read objects, not list the bucket.",
            )
        accept_finding(
            self.distribution,
            "CKV_AWS_310",
            "The only origin is one S3 bucket in one region; a failover origin would need a replica bucket, "
            "which this single-region environment does not have."
            if app
            else "Each path has one origin in this single-region environment (the bucket, and the load balancer for "
            "the API); a failover origin group would need a replica bucket or a second region.",
        )
        if app:
            accept_finding(
                self.bucket.bucket,
                "CKV_AWS_145",
                "The bucket holds the public JavaScript/CSS bundle, no PHI; SSE-S3 lets CloudFront read it through "
                "origin access control without a KMS grant to the CloudFront service.",
            )


def geo_restriction(config: Distribution) -> dict[str, object]:
    if config.geo_restriction:
        return {"restriction_type": "whitelist", "locations": list(config.geo_restriction)}
    return {"restriction_type": "none"}


def client_side_routing() -> list[CloudfrontDistributionCustomErrorResponse]:
    """Unknown paths load index.html: the app routes on the client."""
    return [
        CloudfrontDistributionCustomErrorResponse(
            error_code=code, response_code=200, response_page_path="/index.html", error_caching_min_ttl=10
        )
        for code in (403, 404)
    ]


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
