"""CloudFront in front of one bucket: origin access control (SigV4) is the only reader the bucket
policy admits, HTTPS only with TLS 1.2 or later on the configured domain, compression, AWS's
CachingOptimized policy, and, where configured, the alias record in an existing Route 53 zone."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudfront_distribution import CloudfrontDistribution
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct

from hipaa_platform.config import BucketCdn
from hipaa_platform.layer import target_creates
from hipaa_platform.suppressions import accept_finding
from modules.cloudfront_parts import (
    bucket_origin,
    cached_reads,
    origin_access_control,
    read_through_origin_access,
    security_headers,
    viewer_certificate,
)
from modules.s3_bucket import SecureBucket

ORIGIN_ID = "bucket"


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
            origin=bucket_origin(ORIGIN_ID, bucket.bucket.bucket_regional_domain_name, access),
            default_cache_behavior=cached_reads(ORIGIN_ID, headers),
            restrictions={"geo_restriction": geo},
            viewer_certificate=viewer_certificate(certificate_arn),
        )
        accept_finding(
            self.distribution,
            "CKV_AWS_86",
            "CloudFront's standard logs need ACLs on the target bucket, which the access-log bucket disables "
            "(BucketOwnerEnforced); the origin bucket's server access logs record every object read.",
        )
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
            "which this single-region environment does not have.",
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
