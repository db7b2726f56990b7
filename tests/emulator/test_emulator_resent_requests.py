"""The emulator's answer to a re-sent request: what moto answered its first attempt. An SDK re-sends
a request it got no answer to under the same invocation id; moto would carry a non-idempotent call
out twice (a new group's default egress rule revoked, then not found)."""

from __future__ import annotations

import io
import threading

import boto3
import pytest
from botocore.exceptions import ClientError

from hipaa_platform.emulator.server import ResentRequests, running_emulator


class CountingApp:
    """A stand-in for moto: answers each request with its running count and the given status."""

    def __init__(self, status: str = "200 OK") -> None:
        self.calls = 0
        self.status = status

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        self.calls += 1
        start_response(self.status, [("Content-Type", "text/xml")])
        return [f"answer {self.calls}".encode()]


def request(
    app: ResentRequests, invocation: str | None, attempt: int = 1, body: bytes = b"", method: str = "POST"
) -> tuple[str, bytes]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if invocation:
        environ |= {"HTTP_AMZ_SDK_INVOCATION_ID": invocation, "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=25"}
    seen: list[str] = []
    answer = b"".join(app(environ, lambda status, headers, exc_info=None: seen.append(status)))
    return seen[0], answer


def test_a_resend_gets_the_first_attempts_answer_without_reaching_moto() -> None:
    moto = CountingApp()
    app = ResentRequests(moto)
    assert request(app, "inv-1") == ("200 OK", b"answer 1")
    assert request(app, "inv-1", attempt=2, body=b"Action=RevokeSecurityGroupEgress&GroupId=sg-1") == (
        "200 OK",
        b"answer 1",
    )
    assert moto.calls == 1
    [resend] = app.replayed
    assert (resend.operation, resend.first_status) == ("RevokeSecurityGroupEgress", "200 OK")


def test_new_invocations_unmarked_requests_and_reads_reach_moto_each_time() -> None:
    moto = CountingApp()
    app = ResentRequests(moto)
    answers = [request(app, "inv-1"), request(app, "inv-2"), request(app, None), request(app, None)]
    answers += [request(app, "inv-3", method="GET"), request(app, "inv-3", attempt=2, method="GET")]
    assert [body for _, body in answers] == [f"answer {n}".encode() for n in range(1, 7)]
    assert app.replayed == []


def test_a_resend_after_a_failed_attempt_is_carried_out() -> None:
    moto = CountingApp(status="500 Internal Server Error")
    app = ResentRequests(moto)
    request(app, "inv-1")
    moto.status = "200 OK"
    assert request(app, "inv-1", attempt=2) == ("200 OK", b"answer 2")
    assert request(app, "inv-1", attempt=3) == ("200 OK", b"answer 2")  # now kept
    assert moto.calls == 2


def test_a_resend_waits_for_a_first_attempt_still_running() -> None:
    release = threading.Event()

    def slow_moto(environ: dict, start_response) -> list[bytes]:
        release.wait(10)
        start_response("200 OK", [])
        return [b"carried out once"]

    app = ResentRequests(slow_moto)
    first = threading.Thread(target=request, args=(app, "inv-1"))
    first.start()
    resent: list[tuple[str, bytes]] = []
    second = threading.Thread(target=lambda: resent.append(request(app, "inv-1", attempt=2)))
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the resend must wait for the first attempt's answer"
    release.set()
    first.join(10)
    second.join(10)
    assert resent == [("200 OK", b"carried out once")]


@pytest.fixture(scope="module")
def ec2():
    with running_emulator() as emulator:
        yield boto3.client("ec2", region_name="us-east-1", **emulator.boto_kwargs()), emulator


def revoke_default_egress(ec2, group_id: str) -> None:
    ec2.revoke_security_group_egress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )


def test_moto_behind_the_emulator_answers_a_resent_revoke_as_the_first(ec2) -> None:
    client, emulator = ec2
    vpc = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = client.create_security_group(GroupName="resent", Description="resent", VpcId=vpc)["GroupId"]

    def same_invocation(request, **kwargs) -> None:
        request.headers["amz-sdk-invocation-id"] = "one-invocation"

    client.meta.events.register("before-send.ec2.RevokeSecurityGroupEgress", same_invocation)
    try:
        revoke_default_egress(client, group)
        revoke_default_egress(client, group)  # the SDK's re-send of a lost answer
    finally:
        client.meta.events.unregister("before-send.ec2.RevokeSecurityGroupEgress", same_invocation)
    assert [(r.service, r.operation) for r in emulator.resends] == [("ec2", "RevokeSecurityGroupEgress")]
    # A second revoke of its own is still refused, as AWS refuses it: the rule is gone.
    with pytest.raises(ClientError, match=r"InvalidPermission\.NotFound"):
        revoke_default_egress(client, group)
