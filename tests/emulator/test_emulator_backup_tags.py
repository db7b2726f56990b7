"""The emulator's one request adaptation: AWS Backup's ListTags from the AWS provider's SDK, which
moto misreads without its trailing slash (every vault and plan would read back untagged)."""

from __future__ import annotations

from hipaa_platform.emulator.server import BackupListTagsPath

ARN = "arn:aws:backup:us-east-1:123456789012:backup-vault:intakeiq-backup"
ENCODED = ARN.replace(":", "%3A")


def seen_by_moto(**environ: str) -> dict:
    seen: dict = {}

    def app(environ: dict, start_response) -> list[bytes]:
        seen.update(environ)
        return []

    BackupListTagsPath(app)(environ, lambda *args: None)
    return seen


def test_the_providers_list_tags_reaches_moto_with_its_slash() -> None:
    seen = seen_by_moto(REQUEST_METHOD="GET", PATH_INFO=f"/tags/{ARN}", RAW_URI=f"/tags/{ENCODED}")
    assert (seen["PATH_INFO"], seen["RAW_URI"]) == (f"/tags/{ARN}/", f"/tags/{ENCODED}/")


def test_every_other_request_passes_unchanged() -> None:
    eks = "arn:aws:eks:us-east-1:123456789012:cluster/c"
    for environ in (
        {"REQUEST_METHOD": "GET", "PATH_INFO": f"/tags/{ARN}/", "RAW_URI": f"/tags/{ENCODED}/"},  # boto3's form
        {"REQUEST_METHOD": "POST", "PATH_INFO": f"/tags/{ARN}", "RAW_URI": f"/tags/{ENCODED}"},  # TagResource
        {"REQUEST_METHOD": "GET", "PATH_INFO": f"/tags/{eks}", "RAW_URI": f"/tags/{eks}"},  # another service
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/backup-vaults/intakeiq-backup", "RAW_URI": "/backup-vaults/x"},
    ):
        assert seen_by_moto(**environ) == environ
