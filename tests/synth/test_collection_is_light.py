"""Every test worker collects every test file; a file that loads jsii at import (the AWS provider
bindings, or only cdktf's own, through the contracts) starts a Node.js kernel in each worker and
holds it, with its Python side, for the whole run: 1.5-2 GB per worker, ten workers on a 24 GiB
machine. Files import what loads jsii inside the tests that need it."""

from __future__ import annotations

import subprocess
import sys

from hipaa_platform.targets import PROJECT_ROOT

CHECK = """
import importlib, pathlib, sys
sys.path.insert(0, '.')
for path in sorted(pathlib.Path('tests').rglob('*.py')):
    importlib.import_module('.'.join(path.with_suffix('').parts))
    if 'jsii' in sys.modules:
        print(path)
        break
"""


def test_no_test_file_loads_jsii_when_collected() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "", f"loads jsii when collected: {result.stdout}"
