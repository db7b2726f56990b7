"""Synthesize the six layers of the selected environment (PLATFORM_ENV, default intakeiq), or, with
PLATFORM_ACCOUNT set, that account's baseline (`cdktf deploy baseline`)."""

import os
import sys
from pathlib import Path

from hipaa_platform.config.loader import load_account, load_environment
from hipaa_platform.errors import UserError
from hipaa_platform.synth.app import synthesize, synthesize_account
from hipaa_platform.synth.cache import SynthInputs
from hipaa_platform.targets import Target

if __name__ == "__main__":
    try:
        name = os.environ.get("PLATFORM_ENV", "intakeiq")
        target, outdir = Target.from_environment_variables(), Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
        if os.environ.get("PLATFORM_ACCOUNT"):
            synthesize_account(load_account(os.environ["PLATFORM_ACCOUNT"]), target, outdir)
            sys.exit(0)
        # The cdktf CLI always synthesizes; the stamp keeps `make synth`'s cache true of what is in outdir.
        with SynthInputs.of(name, target).recorded(outdir):
            synthesize(load_environment(name), target, outdir)
    except UserError as error:
        sys.exit(f"error: {error}")
