"""CKV_HIPAA_22: a security group admits the whole internet (0.0.0.0/0 or ::/0) on TCP 443 only.

HIPAA 164.312(a)(1) access control and 164.312(e)(1) transmission security: whatever faces the
internet speaks TLS. The conformance pack's vpc-sg-open-only-to-authorized-ports, with 443 as the
authorized TCP port (the pack leaves the parameter to the user; 443 is the platform's one public
port). A rule for another port, a range, UDP or every protocol fails; so does a port Terraform
resolves only later. Reads every way the provider declares an ingress rule (policies/ingress.py).
"""

from __future__ import annotations

from policies.ingress import InternetIngressCheck

AUTHORIZED_TCP_PORTS = (443,)


class InternetIngressAuthorizedPorts(InternetIngressCheck):
    def __init__(self) -> None:
        super().__init__(name="Ensure a security group admits 0.0.0.0/0 or ::/0 on TCP 443 only", id="CKV_HIPAA_22")

    def refused(self, protocol: str, low: int | None, high: int | None) -> bool:
        return protocol not in ("tcp", "6") or low is None or low != high or low not in AUTHORIZED_TCP_PORTS


check = InternetIngressAuthorizedPorts()
