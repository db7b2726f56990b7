"""The Terraform CLI configuration the project writes: from the offline mirror, providers are linked
from the mirror with no plugin cache between (a concurrent init re-installing a cached provider broke
a running command); without a mirror, the registry through the plugin cache."""

from __future__ import annotations

from pathlib import Path

from hipaa_platform.operations import terraform


def test_with_a_mirror_providers_come_from_it_without_a_plugin_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(terraform, "find_mirror", lambda: Path("/opt/tf-plugins"))
    text = terraform.write_cli_config(tmp_path).read_text()
    assert 'path    = "/opt/tf-plugins"' in text
    assert "plugin_cache_dir" not in text


def test_without_a_mirror_the_registry_is_reached_through_the_plugin_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(terraform, "find_mirror", lambda: None)
    text = terraform.write_cli_config(tmp_path).read_text()
    assert f'plugin_cache_dir = "{tmp_path / "plugin-cache"}"' in text
    assert "filesystem_mirror" not in text and "direct {}" in text
