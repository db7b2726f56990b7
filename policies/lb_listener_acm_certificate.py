"""CKV_HIPAA_19: an HTTPS or TLS load balancer listener serves a certificate from AWS Certificate
Manager, not one uploaded to IAM or none.

HIPAA 164.312(e)(2)(ii) encryption in transit and 164.312(a)(2)(iv): ACM renews the certificates
it issues while their DNS validation record exists; a certificate uploaded to IAM expires unless
someone replaces it by hand, and then clients meet an expired certificate or fall back. The
conformance pack's elbv2-acm-certificate-required. A literal ARN must be ACM's. A reference
passes when it names an ACM certificate: an `aws_acm_certificate` in the same stack, or the
security layer's `certificate_arn` output, which is one by this project's contract
(tests/constructs/test_contracts.py holds it to that); any other reference is left to the plan scan,
which sees the resolved ARN.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

ACM_CERTIFICATE = re.compile(r"^arn:[a-z-]+:acm:[a-z0-9-]+:\d{12}:certificate/")
ENCRYPTED_PROTOCOLS = ("HTTPS", "TLS")
ACM_REFERENCE = re.compile(
    r"^\$\{(aws_acm_certificate\.[^.}]+\.arn|data\.terraform_remote_state\.security\.outputs\.certificate_arn)\}$"
)


class LbListenerAcmCertificate(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure HTTPS and TLS load balancer listeners use a certificate from ACM",
            id="CKV_HIPAA_19",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_lb_listener", "aws_alb_listener", "aws_lb_listener_certificate"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        protocol = value(conf.get("protocol"))
        if self.entity_type != "aws_lb_listener_certificate" and str(protocol).upper() not in ENCRYPTED_PROTOCOLS:
            return CheckResult.PASSED
        certificate = value(conf.get("certificate_arn"))
        if not isinstance(certificate, str) or not certificate:
            return CheckResult.FAILED
        if ACM_CERTIFICATE.match(certificate) or ACM_REFERENCE.match(certificate):
            return CheckResult.PASSED
        return CheckResult.UNKNOWN if "${" in certificate else CheckResult.FAILED


check = LbListenerAcmCertificate()
