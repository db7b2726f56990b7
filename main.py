"""Synthesize the six layers of the selected environment (PLATFORM_ENV, default intakeiq)."""

import os
import sys
from pathlib import Path

from hipaa_platform.app import synthesize
from hipaa_platform.errors import UserError
from hipaa_platform.loader import load_environment
from hipaa_platform.targets import Target

if __name__ == "__main__":
    try:
        environment = load_environment(os.environ.get("PLATFORM_ENV", "intakeiq"))
        synthesize(environment, Target.from_environment_variables(), Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out")))
    except UserError as error:
        sys.exit(f"error: {error}")
