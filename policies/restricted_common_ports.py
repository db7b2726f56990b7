"""CKV_HIPAA_17: no security group admits the whole internet (0.0.0.0/0 or ::/0) on FTP (20, 21),
RDP (3389), MySQL (3306) or 4333, the ports the conformance pack's restricted-common-ports blocks.

HIPAA 164.312(e)(1) transmission security: these services carry credentials or data in ways that
must never face the internet. checkov's own checks cover some of the ports on some resource
types (CKV_AWS_25 for 3389); this one reads every way the provider declares an ingress rule
(policies/ingress.py). A rule for every protocol (-1) opens every port.
"""

from __future__ import annotations

from policies.ingress import ALL_PROTOCOLS, InternetIngressCheck

BLOCKED_PORTS = (20, 21, 3389, 3306, 4333)


class RestrictedCommonPorts(InternetIngressCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no security group admits 0.0.0.0/0 or ::/0 on ports 20, 21, 3389, 3306 or 4333",
            id="CKV_HIPAA_17",
        )

    def refused(self, protocol: str, low: int | None, high: int | None) -> bool:
        if protocol in ALL_PROTOCOLS:
            return True
        if protocol not in ("tcp", "6"):
            return False
        if low is None or high is None:
            return True  # a range Terraform resolves later cannot be shown to leave the ports closed
        return any(low <= blocked <= high for blocked in BLOCKED_PORTS)


check = RestrictedCommonPorts()
