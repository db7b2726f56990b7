"""Build the six layer stacks of one environment and synthesize them."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from cdktf import App

from hipaa_platform.config import Environment
from hipaa_platform.layer import BuildContext
from hipaa_platform.targets import Target

SKIPPED_REPORT = "emulator-skipped.json"


def synthesize(environment: Environment, target: Target, outdir: Path) -> BuildContext:
    """Synthesize every layer into `outdir/stacks/<layer>/cdk.tf.json`; returns what was built."""
    from layers import LAYER_CLASSES  # the provider bindings load here, not at import of this module

    outdir = outdir.resolve()
    app = App(outdir=str(outdir))
    context = BuildContext(environment=environment, target=target, outdir=outdir)
    for layer_class in LAYER_CLASSES:
        layer_class(app, context)
    app.synth()
    (outdir / SKIPPED_REPORT).write_text(json.dumps([asdict(s) for s in context.skipped], indent=2))
    return context
