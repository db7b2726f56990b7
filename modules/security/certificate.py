"""An ACM certificate validated through DNS, and the output that lists the records to publish."""

from __future__ import annotations

from cdktf import TerraformOutput, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct


def dns_validated_certificate(
    scope: Construct, id: str, names: tuple[str, ...], *, needed_by: str, provider: AwsProvider | None = None
) -> AcmCertificate:
    """A certificate for `names` (the first is its domain), replaced before it is destroyed so that a
    listener or distribution never points at nothing; `needed_by` is the layer that waits for it."""
    certificate = AcmCertificate(
        scope,
        id,
        domain_name=names[0],
        subject_alternative_names=list(names[1:]) or None,
        validation_method="DNS",
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        provider=provider,
    )
    TerraformOutput(
        scope,
        f"{id.replace('-', '_')}_validation_records",
        value=certificate.domain_validation_options,
        description=f"DNS records to create at the domain's DNS provider before deploying {needed_by}",
    )
    return certificate
