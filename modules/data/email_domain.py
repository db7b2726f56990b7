"""Mail through SES: the account's domain identity (DKIM signing, a custom MAIL FROM domain for SPF
alignment, the DNS records the domain's owner publishes), made by the account's baseline, and a
stage's routing of that identity's bounces and complaints to one of its SNS topics."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import Fn
from cdktf_cdktf_provider_aws.ses_domain_dkim import SesDomainDkim
from cdktf_cdktf_provider_aws.ses_domain_identity import SesDomainIdentity
from cdktf_cdktf_provider_aws.ses_domain_mail_from import SesDomainMailFrom
from cdktf_cdktf_provider_aws.ses_identity_notification_topic import SesIdentityNotificationTopic
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from constructs import Construct

from hipaa_platform.building.layer_stack import LayerStack, target_creates
from hipaa_platform.config import MailDomain
from modules.shared.iam import policy_document, service_publishes, topic_owner_manages

DKIM_TOKENS = 3  # SES Easy DKIM always issues three
TRACKED = ("Bounce", "Complaint")


class EmailDomain(Construct):
    """One of the account's mail domains (its baseline)."""

    def __init__(self, scope: Construct, id: str, *, config: MailDomain, region: str, reports_to: str) -> None:
        super().__init__(scope, id)
        identity = SesDomainIdentity(self, "identity", domain=config.domain)
        dkim = SesDomainDkim(self, "dkim", domain=identity.domain)
        mail_from = f"{config.mail_from_subdomain}.{config.domain}"
        SesDomainMailFrom(
            self,
            "mail-from",
            domain=identity.domain,
            mail_from_domain=mail_from,
            behavior_on_mx_failure="UseDefaultValue",
        )
        self.arn = identity.arn
        # What the domain's DNS must hold before SES sends: verification, DKIM, MAIL FROM (MX and SPF),
        # and a DMARC policy that starts by reporting (the seed's recommendation).
        self.dns_records = [
            {"name": f"_amazonses.{config.domain}", "type": "TXT", "value": identity.verification_token},
            *(
                {
                    "name": f"{Fn.element(dkim.dkim_tokens, i)}._domainkey.{config.domain}",
                    "type": "CNAME",
                    "value": f"{Fn.element(dkim.dkim_tokens, i)}.dkim.amazonses.com",
                }
                for i in range(DKIM_TOKENS)
            ),
            {"name": mail_from, "type": "MX", "value": f"10 feedback-smtp.{region}.amazonses.com"},
            {"name": mail_from, "type": "TXT", "value": "v=spf1 include:amazonses.com ~all"},
            {"name": f"_dmarc.{config.domain}", "type": "TXT", "value": f"v=DMARC1; p=none; rua=mailto:{reports_to}"},
        ]


def mail_identity(stack: LayerStack, *, topics: Mapping[str, SnsTopic], account: str, partition: str) -> str | None:
    """The mail domain's SES identity ARN (the account baseline's), with its bounces and complaints
    sent to the topic the stage names; None without data.email."""
    env = stack.environment
    email = env.data.email
    if not email:
        return None
    identity_arn = f"arn:{partition}:ses:{env.region}:{account}:identity/{email.domain}"
    if email.events_topic:
        # Under "email", where the identity's notifications were when a stage made the identity.
        _notify(Construct(stack, "email"), email.domain, identity_arn, topics[email.events_topic].arn, account)
    return identity_arn


def _notify(scope: Construct, domain: str, identity_arn: str, topic_arn: str, account: str) -> None:
    """Bounces and complaints to the topic, which admits SES publishing for this identity only."""
    SnsTopicPolicy(
        scope,
        "events-topic-policy",
        arn=topic_arn,
        policy=policy_document(
            topic_owner_manages(account, topic_arn),
            service_publishes(
                "SesPublishesMailEvents",
                "ses.amazonaws.com",
                topic_arn,
                {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": identity_arn}},
            ),
        ),
    )
    if not target_creates(scope, ("aws_ses_identity_notification_topic", "bounce and complaint notifications")):
        return
    for kind in TRACKED:
        SesIdentityNotificationTopic(
            scope,
            f"{kind.lower()}s",
            identity=domain,
            notification_type=kind,
            topic_arn=topic_arn,
            include_original_headers=False,  # headers carry recipients' addresses
        )
