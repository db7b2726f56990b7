"""A database's final snapshot, taken when Terraform deletes it (a replacement included).

A fixed name (`<identifier>-final`) serves once: the next replacement of the database fails on
deleting the old one, because a snapshot of that name exists. The name carries the time the
database was created instead, and Terraform keeps that first value (ignore_changes), so each
incarnation of the database has its own final snapshot and a plan never shows the name changing.
A deployment made with the fixed name keeps it for its current database."""

from __future__ import annotations

from cdktf import Fn, TerraformResourceLifecycle


def final_snapshot(identifier: str) -> dict:
    """Arguments of an aws_db_instance or aws_rds_cluster: a final snapshot, named once."""
    created = Fn.formatdate("YYYYMMDDhhmmss", Fn.timestamp())
    return {
        "skip_final_snapshot": False,
        "final_snapshot_identifier": f"{identifier}-final-{created}",
        "lifecycle": TerraformResourceLifecycle(ignore_changes=["final_snapshot_identifier"]),
    }
