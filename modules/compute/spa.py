"""A single-page app on CloudFront: a private bucket read only through origin access control,
a security-headers policy, SPA error routing, geo restriction and TLS 1.2+ on a custom domain."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionCustomErrorResponse,
)
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import Spa
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

ORIGIN_ID = "spa-bucket"
# The bucket's role name: its access-log prefix and its name (`<prefix>-spa-<account>`) derive from it.
SPA_BUCKET_ROLE = "spa"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "connect-src 'self' https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SinglePageApp(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: Spa,
        bucket_name: str,
        certificate_arn: str,
        access_log_bucket_name: str,
        force_destroy: bool,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = SecureBucket(
            self,
            SPA_BUCKET_ROLE,
            bucket_name=bucket_name,
            kms_key_arn=None,
            sse_s3_reason="The bundle is public JavaScript and CSS without PHI; SSE-S3 lets CloudFront read it "
            "through origin access control without a key grant",
            access_log_bucket=access_log_bucket_name,
            force_destroy=force_destroy,
            defer_policy=True,
        )
        access = origin_access_control(self, name=name, reads=bucket_name)
        headers = (
            security_headers(self, name=name, content_security_policy=CONTENT_SECURITY_POLICY)
            if target_creates(self, ("aws_cloudfront_response_headers_policy", "SPA security headers"))
            else None
        )
        self.distribution = CloudfrontDistribution(
            self,
            "this",
            enabled=True,
            comment=f"{name}: single-page app",
            aliases=[config.domain_name],
            default_root_object="index.html",
            http_version="http2and3",
            price_class=config.price_class,
            origin=bucket_origin(ORIGIN_ID, self.bucket.bucket.bucket_regional_domain_name, access),
            default_cache_behavior=cached_reads(ORIGIN_ID, headers),
            # The SPA routes on the client: unknown paths load index.html.
            custom_error_response=[
                CloudfrontDistributionCustomErrorResponse(
                    error_code=code, response_code=200, response_page_path="/index.html", error_caching_min_ttl=10
                )
                for code in (403, 404)
            ],
            restrictions={
                "geo_restriction": {"restriction_type": "whitelist", "locations": list(config.geo_restriction)}
            },
            viewer_certificate=viewer_certificate(certificate_arn),
        )
        self.bucket.attach_policy(read_through_origin_access(self.bucket.arn, self.distribution.arn))
        accept_finding(self.distribution, "CKV_AWS_86", BUCKET_ACCESS_LOGS_INSTEAD)
        accept_finding(
            self.distribution,
            "CKV_AWS_310",
            "The only origin is one S3 bucket in one region; a failover origin would need a replica bucket, "
            "which this single-region environment does not have.",
        )
        accept_finding(
            self.bucket.bucket,
            "CKV_AWS_145",
            "The bucket holds the public JavaScript/CSS bundle, no PHI; SSE-S3 lets CloudFront read it through "
            "origin access control without a KMS grant to the CloudFront service.",
        )
