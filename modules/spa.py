"""A single-page app on CloudFront: a private bucket read only through origin access control,
a security-headers policy, SPA error routing, geo restriction and TLS 1.2+ on a custom domain."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionCustomErrorResponse,
    CloudfrontDistributionOrigin,
)
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from cdktf_cdktf_provider_aws.cloudfront_response_headers_policy import CloudfrontResponseHeadersPolicy
from constructs import Construct

from hipaa_platform.config import Spa
from hipaa_platform.layer import target_creates
from modules.iam import Statement
from modules.s3_bucket import SecureBucket

# AWS managed cache policy "CachingOptimized".
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
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
        access = CloudfrontOriginAccessControl(
            self,
            "origin-access",
            name=name,
            description=f"CloudFront reads {bucket_name} with SigV4",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
        )
        headers = (
            self._security_headers(name)
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
            origin=[
                CloudfrontDistributionOrigin(
                    domain_name=self.bucket.bucket.bucket_regional_domain_name,
                    origin_id=ORIGIN_ID,
                    origin_access_control_id=access.id,
                )
            ],
            default_cache_behavior={
                "target_origin_id": ORIGIN_ID,
                "allowed_methods": ["GET", "HEAD", "OPTIONS"],
                "cached_methods": ["GET", "HEAD"],
                "viewer_protocol_policy": "redirect-to-https",
                "cache_policy_id": CACHING_OPTIMIZED,
                **({"response_headers_policy_id": headers.id} if headers else {}),
                "compress": True,
            },
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
            viewer_certificate={
                "acm_certificate_arn": certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": "TLSv1.2_2021",
            },
        )
        self.bucket.attach_policy(
            Statement(
                sid="CloudFrontReadsThroughOriginAccessControl",
                principals={"Service": "cloudfront.amazonaws.com"},
                actions=("s3:GetObject",),
                resources=(f"{self.bucket.arn}/*",),
                conditions={"StringEquals": {"AWS:SourceArn": self.distribution.arn}},
            )
        )

    def _security_headers(self, name: str) -> CloudfrontResponseHeadersPolicy:
        return CloudfrontResponseHeadersPolicy(
            self,
            "security-headers",
            name=f"{name}-security-headers",
            security_headers_config={
                "content_security_policy": {"content_security_policy": CONTENT_SECURITY_POLICY, "override": True},
                "content_type_options": {"override": True},
                "frame_options": {"frame_option": "DENY", "override": True},
                "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": True},
                "strict_transport_security": {
                    "access_control_max_age_sec": 63072000,
                    "include_subdomains": True,
                    "preload": True,
                    "override": True,
                },
                "xss_protection": {"protection": True, "mode_block": True, "override": True},
            },
        )
