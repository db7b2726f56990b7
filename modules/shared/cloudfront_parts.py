"""What every CloudFront distribution of the platform shares: origin access control (SigV4) as the
bucket's only reader, TLS 1.2 or later on an ACM certificate, and security headers."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import CloudfrontDistributionOrigin
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from cdktf_cdktf_provider_aws.cloudfront_response_headers_policy import CloudfrontResponseHeadersPolicy
from constructs import Construct

from modules.shared.iam import Statement

# AWS managed cache policy "CachingOptimized".
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


# Why a distribution over a bucket has no standard logs (CKV_AWS_86).
BUCKET_ACCESS_LOGS_INSTEAD = (
    "CloudFront's standard logs need ACLs on the target bucket, which the access-log bucket disables "
    "(BucketOwnerEnforced); the origin bucket's server access logs record every object read."
)


def origin_access_control(scope: Construct, *, name: str, reads: str) -> CloudfrontOriginAccessControl:
    return CloudfrontOriginAccessControl(
        scope,
        "origin-access",
        name=name,
        description=f"CloudFront reads {reads} with SigV4",
        origin_access_control_origin_type="s3",
        signing_behavior="always",
        signing_protocol="sigv4",
    )


def bucket_origin(origin_id: str, bucket_domain: str, access: CloudfrontOriginAccessControl) -> list:
    return [CloudfrontDistributionOrigin(domain_name=bucket_domain, origin_id=origin_id,
                                         origin_access_control_id=access.id)]  # fmt: skip


def cached_reads(origin_id: str, headers: CloudfrontResponseHeadersPolicy | None) -> dict[str, object]:
    """GET and HEAD, cached with AWS's CachingOptimized policy, compressed, HTTP redirected to HTTPS."""
    return {
        "target_origin_id": origin_id,
        "allowed_methods": ["GET", "HEAD", "OPTIONS"],
        "cached_methods": ["GET", "HEAD"],
        "viewer_protocol_policy": "redirect-to-https",
        "cache_policy_id": CACHING_OPTIMIZED,
        **({"response_headers_policy_id": headers.id} if headers else {}),
        "compress": True,
    }


def viewer_certificate(certificate_arn: str) -> dict[str, str]:
    return {"acm_certificate_arn": certificate_arn, "ssl_support_method": "sni-only",
            "minimum_protocol_version": "TLSv1.2_2021"}  # fmt: skip


def read_through_origin_access(bucket_arn: str, distribution_arn: str) -> Statement:
    """The bucket-policy statement that lets exactly one distribution read objects."""
    return Statement(
        sid="CloudFrontReadsThroughOriginAccessControl",
        principals={"Service": "cloudfront.amazonaws.com"},
        actions=("s3:GetObject",),
        resources=(f"{bucket_arn}/*",),
        conditions={"StringEquals": {"AWS:SourceArn": distribution_arn}},
    )


def security_headers(
    scope: Construct, *, name: str, content_security_policy: str | None = None
) -> CloudfrontResponseHeadersPolicy:
    """HSTS, no sniffing, no framing, referrer kept to the origin; for pages also a CSP and XSS blocking."""
    config: dict[str, object] = {
        "content_type_options": {"override": True},
        "frame_options": {"frame_option": "DENY", "override": True},
        "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": True},
        "strict_transport_security": {
            "access_control_max_age_sec": 63072000,
            "include_subdomains": True,
            "preload": True,
            "override": True,
        },
    }
    if content_security_policy:
        config["content_security_policy"] = {"content_security_policy": content_security_policy, "override": True}
        config["xss_protection"] = {"protection": True, "mode_block": True, "override": True}
    return CloudfrontResponseHeadersPolicy(
        scope, "security-headers", name=f"{name}-security-headers", security_headers_config=config
    )
