"""Every test worker collects every test file; a file that loads the AWS provider bindings at import
costs each worker ~1 GB (Python and jsii's Node.js) for the whole run, and the suite runs nine
workers side by side. Files import the bindings inside the tests that need them."""

from __future__ import annotations

import subprocess
import sys

from hipaa_platform.targets import PROJECT_ROOT

CHECK = """
import importlib, pathlib, sys
sys.path.insert(0, '.')
for path in sorted(pathlib.Path('tests').rglob('*.py')):
    importlib.import_module('.'.join(path.with_suffix('').parts))
    if any(name.startswith('cdktf_cdktf_provider_aws') for name in sys.modules):
        print(path)
        break
"""


def test_no_test_file_loads_the_provider_bindings_when_collected() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "", f"loads the bindings when collected: {result.stdout}"
